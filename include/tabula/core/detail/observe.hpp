#pragma once
/// \file observe.hpp
/// Reporting statements to the engine's observer (`engine::set_echo`,
/// `engine::set_statement_hook`): compiled once in src/core/events.cpp.

#include <string_view>

#include "tabula/detail/action.hpp"
#include "tabula/core/events.hpp"
#include "tabula/driver/driver.hpp"
#include "tabula/detail/shared.hpp"

namespace tabula::detail {

/// The statement `prepare()` returns for `sql`, reporting its runs to `o` (which has a hook):
/// reported now (echo at the start of a run), or wrapped to report each run when it ends.
[[nodiscard]] detail::shared<driver::statement> observe_prepare(
    const statement_observer& o, std::string_view sql,
    const callback<detail::shared<driver::statement>()>& prepare);
/// Runs `run`, which executes `sql` (a statement without parameters), reporting it to `o`.
/// `transaction_control`: BEGIN, COMMIT, ROLLBACK, SAVEPOINT — reported only when asked.
void observe(const statement_observer& o, std::string_view sql, bool transaction_control,
             const callback<void()>& run);

}  // namespace tabula::detail
