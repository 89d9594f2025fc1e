#pragma once
/// \file events.hpp
/// What the engine reports of the statements it runs: `statement_event`, given to the hook of
/// `engine::set_statement_hook`, and the options of `engine::set_echo`, the hook's plainest
/// user.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tabula/detail/action.hpp"

namespace tabula {

class error;

/// One statement as a connection of the engine ran it.
struct statement_event {
  /// The SQL text, as sent (BEGIN, COMMIT, ROLLBACK and SAVEPOINT statements included).
  std::string_view sql;
  /// The bound values as SQL literals (`42`, `'text'`, `NULL`, `x'0a0b'`), in parameter order;
  /// each `?` when redacted; empty for a statement without parameters.
  std::span<const std::string> parameters;
  /// From the start of the run to its last row (or its error).
  std::chrono::nanoseconds duration{0};
  /// The rows the statement returned or, when it returned none, the rows it changed; -1 when
  /// unknown (statements without parameters, bulk loads).
  std::int64_t rows = -1;
  /// The error the statement failed with; nullptr when it succeeded.
  const error* failure = nullptr;
};

/// How `engine::set_statement_hook` reports.
struct statement_hook_options {
  /// Report every bound value as `?` (passwords, personal data).
  bool redact_parameters = false;
};

/// What `engine::set_echo` prints beside each statement.
struct echo_options {
  /// The bound values: `INSERT ... VALUES (?1, ?2) -- ['BERT', NULL]`.
  bool parameters = false;
  /// Duration and rows: `... -- 0.081 ms, 1 row`. With this or `parameters`, a statement is
  /// printed when it has run; else when it is taken for a run.
  bool timings = false;
  /// BEGIN, COMMIT, ROLLBACK and SAVEPOINT statements too.
  bool transactions = false;
  /// Bound values as `?`.
  bool redact_parameters = false;
};

namespace detail {
/// The engine's statement reporter: one for echo and hook alike.
struct statement_observer {
  callback<void(const statement_event&)> hook;
  bool after_run = false;     ///< report when the run ended (time, rows, error); else at its start
  bool parameters = false;    ///< record the bound values
  bool redact = false;        ///< ... as `?`
  bool transactions = false;  ///< report BEGIN, COMMIT, ROLLBACK, SAVEPOINT
};
/// The line `set_echo` prints for `e`.
[[nodiscard]] std::string echo_line(const statement_event& e, const echo_options& options);
}  // namespace detail

}  // namespace tabula
