#pragma once
/// \file decimal.hpp
/// Exact arithmetic on `tabula::decimal<P, S>` columns in SQL: `a + b` and `a - b` of one scale,
/// `a * n` by an integer, and `sum(a)` — each exact on both databases (PostgreSQL computes in
/// NUMERIC; SQLite adds and multiplies the stored integer units, which share the scale).
///
/// | C++ | SQL (both) | C++ type |
/// |---|---|---|
/// | `col(&Line::price) + col(&Line::fee)` | `"line"."price" + "line"."fee"` | `decimal<min(P + 1, 18), S>` |
/// | `col(&Line::price) * col(&Line::qty)` | `"line"."price" * "line"."qty"` | `decimal<18, S>` |
/// | `tabula::sum(col(&Line::price))` | `sum("line"."price")` | `std::optional<decimal<18, S>>` |
///
/// A result beyond 18 digits is refused when read (`conversion_error`); SQLite itself stops an
/// integer overflow with an error rather than rounding.

#include <optional>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/query/arithmetic.hpp"
#include "tabula/query/column.hpp"
#include "tabula/query/functions.hpp"
#include "tabula/query/operator_node.hpp"
#include "tabula/types/decimal.hpp"

namespace tabula {

namespace detail {
template <class T>
struct decimal_parts {
  static constexpr bool is_decimal = false;
};
template <unsigned P, unsigned S>
struct decimal_parts<decimal<P, S>> {
  static constexpr bool is_decimal = true;
  static constexpr unsigned precision = P;
  static constexpr unsigned scale = S;
};
template <class E>
using decimal_of = decimal_parts<bare_t<expression_value_t<as_expr_t<E>>>>;

template <class A, class B>
concept decimal_sum_operands = operand_pair<A, B> && decimal_of<A>::is_decimal &&
                               decimal_of<B>::is_decimal &&
                               decimal_of<A>::scale == decimal_of<B>::scale;
template <class A, class B>
concept decimal_scaling_operands =
    operand_pair<A, B> && decimal_of<A>::is_decimal && is_integer_number<expression_value_t<as_expr_t<B>>>;

template <ast::binary_op Op, class V, class A, class B>
constexpr auto make_decimal_op(A&& a, B&& b) {
  using L = as_expr_t<A>;
  using R = as_expr_t<B>;
  using T = maybe_optional_t<V, either_nullable<L, R>>;
  return binary_expr<Op, L, R, T>{{}, as_expr(static_cast<A&&>(a)), as_expr(static_cast<B&&>(b))};
}
/// The precision of a sum: one digit more than the wider operand, at most 18.
constexpr unsigned sum_precision(unsigned a, unsigned b) {
  const unsigned wider = (a > b ? a : b) + 1;
  return wider < 18U ? wider : 18U;
}
template <class A, class B>
using decimal_sum_t = decimal<sum_precision(decimal_of<A>::precision, decimal_of<B>::precision),
                              decimal_of<A>::scale>;
}  // namespace detail

/// `a + b` of two decimals of one scale: exact, one more digit.
template <class A, class B>
  requires detail::decimal_sum_operands<A, B>
constexpr auto operator+(A&& a, B&& b) {
  return detail::make_decimal_op<ast::binary_op::add, detail::decimal_sum_t<A, B>>(
      static_cast<A&&>(a), static_cast<B&&>(b));
}
/// `a - b` of two decimals of one scale: exact, one more digit.
template <class A, class B>
  requires detail::decimal_sum_operands<A, B>
constexpr auto operator-(A&& a, B&& b) {
  return detail::make_decimal_op<ast::binary_op::sub, detail::decimal_sum_t<A, B>>(
      static_cast<A&&>(a), static_cast<B&&>(b));
}
/// `a * n`: a decimal times an integer, exact, up to 18 digits.
template <class A, class B>
  requires detail::decimal_scaling_operands<A, B>
constexpr auto operator*(A&& a, B&& n) {
  return detail::make_decimal_op<ast::binary_op::mul, decimal<18, detail::decimal_of<A>::scale>>(
      static_cast<A&&>(a), static_cast<B&&>(n));
}

/// `sum(e)` of a decimal: exact, up to 18 digits; NULL (nullopt) over no rows.
template <column_or_expression E>
  requires detail::decimal_of<E>::is_decimal
constexpr auto sum(E&& e) {
  detail::require_plain_argument<E>();
  return detail::call<detail::fn<"sum", detail::call_kind::aggregate>,
                      std::optional<decimal<18, detail::decimal_of<E>::scale>>>(static_cast<E&&>(e));
}

}  // namespace tabula
