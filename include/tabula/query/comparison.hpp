#pragma once
/// \file comparison.hpp
/// Comparisons and logic: `==`, `!=`, `<`, `<=`, `>`, `>=` between operands of one kind, `&&`,
/// `||` and `!` on conditions, `is_null` / `is_not_null` (also written `e == std::nullopt`).
///
/// ```cpp
/// col(&T::framework) == "PyTorch" && col(&T::accuracy) > 0.9  // ("framework" = ?1 AND ...)
/// col(&T::note) == std::nullopt                                // "note" IS NULL
/// ```

#include <optional>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/query/column.hpp"
#include "tabula/query/detail/type_category.hpp"
#include "tabula/query/expression_node.hpp"
#include "tabula/query/operator_node.hpp"

namespace tabula {

/// True when `a <op> b` is a meaningful comparison: both sides numbers, both text, both bool,
/// both blobs, or the same user type.
template <class A, class B>
concept comparable =
    (column_or_expression<A> || column_or_expression<B>) &&
    detail::comparable_types<expression_value_t<detail::as_expr_t<A>>,
                             expression_value_t<detail::as_expr_t<B>>>();

/// True when `a && b` / `a || b` is meaningful: both sides are boolean expressions.
template <class A, class B>
concept combinable =
    (column_or_expression<A> || column_or_expression<B>) &&
    detail::category_of<expression_value_t<detail::as_expr_t<A>>>() ==
        detail::category::boolean &&
    detail::category_of<expression_value_t<detail::as_expr_t<B>>>() == detail::category::boolean;

namespace detail {
/// `a <op> b` yielding a (nullable) boolean: a comparison or a logical operator.
template <ast::binary_op Op, class A, class B>
constexpr auto make_condition(A&& a, B&& b) {
  using L = as_expr_t<A>;
  using R = as_expr_t<B>;
  return binary_expr<Op, L, R, nullable_bool<L, R>>{
      {}, as_expr(static_cast<A&&>(a)), as_expr(static_cast<B&&>(b))};
}
template <ast::binary_op Op, class A, class B>
constexpr auto make_comparison(A&& a, B&& b) {
  static_assert(comparable<A, B>,
                "tabula: cannot compare these operands: their SQL types differ (e.g. a number "
                "column with text). Compare a column with a value or column of the same kind.");
  return make_condition<Op>(static_cast<A&&>(a), static_cast<B&&>(b));
}
template <ast::binary_op Op, class A, class B>
constexpr auto make_logical(A&& a, B&& b) {
  static_assert(combinable<A, B>,
                "tabula: && and || combine conditions. Both operands must be boolean "
                "expressions such as comparisons.");
  return make_condition<Op>(static_cast<A&&>(a), static_cast<B&&>(b));
}
}  // namespace detail

template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator==(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::eq>(static_cast<A&&>(a), static_cast<B&&>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator!=(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::ne>(static_cast<A&&>(a), static_cast<B&&>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator<(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::lt>(static_cast<A&&>(a), static_cast<B&&>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator<=(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::le>(static_cast<A&&>(a), static_cast<B&&>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator>(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::gt>(static_cast<A&&>(a), static_cast<B&&>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator>=(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::ge>(static_cast<A&&>(a), static_cast<B&&>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator&&(A&& a, B&& b) {
  return detail::make_logical<ast::binary_op::and_>(static_cast<A&&>(a), static_cast<B&&>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator||(A&& a, B&& b) {
  return detail::make_logical<ast::binary_op::or_>(static_cast<A&&>(a), static_cast<B&&>(b));
}
template <expression E>
constexpr auto operator!(E&& e) {
  using X = std::remove_cvref_t<E>;
  static_assert(detail::category_of<typename X::value_type>() == detail::category::boolean,
                "tabula: ! negates a condition. Its operand must be a boolean expression.");
  return unary_expr<ast::unary_op::not_, X, typename X::value_type>{{{}, static_cast<E&&>(e)}};
}

/// `e IS NULL`.
template <column_or_expression E>
constexpr auto is_null(E&& e) {
  using X = detail::as_expr_t<E>;
  return unary_expr<ast::unary_op::is_null, X, bool>{{{}, detail::as_expr(static_cast<E&&>(e))}};
}
/// `e IS NOT NULL`.
template <column_or_expression E>
constexpr auto is_not_null(E&& e) {
  using X = detail::as_expr_t<E>;
  return unary_expr<ast::unary_op::is_not_null, X, bool>{{{}, detail::as_expr(static_cast<E&&>(e))}};
}
/// `col == std::nullopt` is `col IS NULL`; `col != std::nullopt` is `col IS NOT NULL`.
template <expression E>
constexpr auto operator==(E&& e, std::nullopt_t) {
  return is_null(static_cast<E&&>(e));
}
template <expression E>
constexpr auto operator!=(E&& e, std::nullopt_t) {
  return is_not_null(static_cast<E&&>(e));
}

}  // namespace tabula
