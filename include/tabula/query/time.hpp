#pragma once
/// \file time.hpp
/// Time in queries: the current time, a time moved by a duration, truncated to a unit, or one
/// of its fields — on `std::chrono::sys_time` columns (see docs/query-expressions.md).
///
/// ```cpp
/// using namespace std::chrono;
/// db.query<Run>().where(col(&Run::started) > tabula::now() - days(7));
/// db.select(tabula::trunc(tabula::time_unit::day, col(&Run::started)), tabula::count())
///     .group_by(tabula::trunc(tabula::time_unit::day, col(&Run::started)));
/// db.query<Run>().where(tabula::extract(tabula::time_field::hour, col(&Run::started)) < 6);
/// ```
///
/// Every result is exact to the microsecond on both databases and computed in UTC.

#include <chrono>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/query/column.hpp"
#include "tabula/query/detail/type_category.hpp"
#include "tabula/query/expression_node.hpp"
#include "tabula/query/functions.hpp"
#include "tabula/types/time.hpp"

namespace tabula {

/// The units `trunc` cuts a time to.
enum class time_unit : std::uint8_t { year, month, day, hour, minute, second };
/// The fields `extract` reads from a time; `day_of_week` is 0 for Sunday to 6, `day_of_year`
/// 1 to 366.
enum class time_field : std::uint8_t {
  year, month, day, hour, minute, second, day_of_week, day_of_year
};

namespace detail {
template <class E>
constexpr bool is_time_point_expr =
    kind_of_operand<E>(ast::type_kind::text) == ast::type_kind::timestamptz;
template <class E>
constexpr bool is_duration_expr =
    kind_of_operand<E>(ast::type_kind::text) == ast::type_kind::interval;

template <class A, class B>
concept time_shift_operands = operand_pair<A, B> && is_time_point_expr<A> && is_duration_expr<B>;

/// `a` moved by `b` (forward for `time_add`, backward for `time_sub`): the AST function the
/// dialects spell, typed as `a`.
template <constant_text Name, class A, class B>
constexpr auto make_time_shift(A&& a, B&& b) {
  using L = as_expr_t<A>;
  using R = as_expr_t<B>;
  using V = maybe_optional_t<bare_t<typename L::value_type>,
                             is_nullable<typename L::value_type> || is_nullable<typename R::value_type>>;
  return call<fn<Name>, V>(static_cast<A&&>(a), static_cast<B&&>(b));
}

/// A `time_unit` or `time_field` as the first argument of its function: a literal the dialect
/// reads (it picks the SQL, it is no value).
template <class Enum>
struct unit_literal : expression_base<unit_literal<Enum>> {
  using value_type = std::int64_t;
  using models = type_list<>;
  static constexpr bool fixed_shape = true;  // the unit is reported as part of the shape
  static constexpr bool contains_aggregate = false;
  static constexpr bool contains_bare_column = false;
  Enum unit;
  [[nodiscard]] ast::expr lower(lower_context& /*ctx*/) const {
    return ast::literal{ast::value{static_cast<std::int64_t>(unit)}};
  }
  template <class Binder>
  void bind(Binder& b) const {
    bind_shape(b, static_cast<std::uint64_t>(unit));  // SQL text: part of the statement's shape
  }
};
}  // namespace detail

/// The current time (the start of the transaction on PostgreSQL, `now()`; of the statement on
/// SQLite), as a `sys_time<microseconds>`.
constexpr auto now() {
  return detail::call<detail::fn<"tabula_now">, std::chrono::sys_time<std::chrono::microseconds>>();
}

/// `t + d`: time `t` moved forward by duration `d` (a `std::chrono::duration` value or an
/// interval column).
template <class A, class B>
  requires detail::time_shift_operands<A, B>
constexpr auto operator+(A&& t, B&& d) {
  return detail::make_time_shift<"tabula_time_add">(static_cast<A&&>(t), static_cast<B&&>(d));
}
/// `t - d`: time `t` moved back by duration `d`.
template <class A, class B>
  requires detail::time_shift_operands<A, B>
constexpr auto operator-(A&& t, B&& d) {
  return detail::make_time_shift<"tabula_time_sub">(static_cast<A&&>(t), static_cast<B&&>(d));
}

/// Time `t` cut down to the start of its `unit` (in UTC), as the same type.
template <column_or_expression E>
constexpr auto trunc(time_unit unit, E&& t) {
  static_assert(detail::is_time_point_expr<E>,
                "tabula: trunc cuts a point in time. Pass a std::chrono::sys_time column or "
                "expression.");
  using V = expression_value_t<detail::as_expr_t<E>>;
  return detail::call<detail::fn<"tabula_time_trunc">, V>(detail::unit_literal<time_unit>{{}, unit},
                                                           static_cast<E&&>(t));
}

/// Field `field` of time `t` (in UTC), as an integer (optional when `t` is).
template <column_or_expression E>
constexpr auto extract(time_field field, E&& t) {
  static_assert(detail::is_time_point_expr<E>,
                "tabula: extract reads a field of a point in time. Pass a std::chrono::sys_time "
                "column or expression.");
  using V = detail::maybe_optional_t<std::int64_t, detail::nullable_expr<E>>;
  return detail::call<detail::fn<"tabula_time_part">, V>(
      detail::unit_literal<time_field>{{}, field}, static_cast<E&&>(t));
}

}  // namespace tabula
