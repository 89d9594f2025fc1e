#pragma once
// Shared by the expression tests: a model with a column of each kind, and the SQL and values
// an expression lowers to.

#include <tabula/tabula.hpp>

#include "support/bind_recorder.hpp"
#include "support/dry_sql.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ex {

/// One column of each kind the expression language types differently.
struct item {
  std::int64_t id = 0;
  std::string name{};
  std::optional<std::string> note{};
  std::int32_t qty = 0;
  std::optional<std::int32_t> opt_qty{};
  double price = 0;
  std::optional<double> discount{};
  std::int16_t small = 0;
  std::string category{};
  bool operator==(const item&) const = default;
};

/// A table that injection attempts must leave alone.
struct canary {
  std::int64_t id = 0;
  std::string word{};
};

/// An expression alone, as SQLite / PostgreSQL print it in a select list.
template <class E>
std::string lite(const E& e) {
  return tabula::test::expression_sql(tabula::sqlite_dialect(), e);
}
template <class E>
std::string pg(const E& e) {
  return tabula::test::expression_sql(tabula::postgres_dialect(), e);
}

/// How many parameter slots an expression lowers to.
template <class E>
std::uint32_t param_count(const E& e) {
  tabula::detail::lower_context ctx;
  (void)e.lower(ctx);
  return ctx.next_param;
}

using tabula::test::bound_values;

}  // namespace ex

template <>
struct tabula::schema<ex::item> {
  static constexpr auto table = "expr_items";
};
template <>
struct tabula::schema<ex::canary> {
  static constexpr auto table = "expr_canary";
};
