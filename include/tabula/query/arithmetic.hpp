#pragma once
/// \file arithmetic.hpp
/// Arithmetic on numbers (`+ - * / %`, unary `-`), yielding the type SQL computes in, and
/// concatenation of text (`a + b` on two texts, `concat(a, b, ...)`), both `||` in SQL.
///
/// ```cpp
/// col(&T::epochs) / 10                                     // "epochs" / ?1
/// tabula::concat(col(&T::first), " ", col(&T::last))      // "first" || ?1 || "last"
/// ```

#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/column.hpp"
#include "tabula/query/detail/type_category.hpp"
#include "tabula/query/expression_node.hpp"
#include "tabula/query/operator_node.hpp"

namespace tabula {

/// True when `a + b`, `a - b`, `a * b`, `a / b` are meaningful: both operands are numbers
/// (optionals included; not bool, not enumerations).
template <class A, class B>
concept arithmetic =
    (expression<A> || expression<B>) && detail::is_number<expression_value_t<detail::as_expr_t<A>>> &&
    detail::is_number<expression_value_t<detail::as_expr_t<B>>>;

/// True when `a % b` is meaningful: both operands are integers.
template <class A, class B>
concept integer_arithmetic =
    arithmetic<A, B> && detail::is_integer_number<expression_value_t<detail::as_expr_t<A>>> &&
    detail::is_integer_number<expression_value_t<detail::as_expr_t<B>>>;

/// True when `a + b` concatenates: both operands are text (`||` in SQL).
template <class A, class B>
concept concatenable =
    (expression<A> || expression<B>) && detail::is_text<expression_value_t<detail::as_expr_t<A>>> &&
    detail::is_text<expression_value_t<detail::as_expr_t<B>>>;

/// True when `-e` is meaningful: `e` is a numeric expression.
template <class E>
concept numeric_expression = expression<E> && detail::is_number<expression_value_t<E>>;

/// True for an expression yielding text.
template <class E>
concept text_expression = expression<E> && detail::is_text<expression_value_t<E>>;

namespace detail {
template <class L, class R>
constexpr bool either_nullable = is_nullable<typename L::value_type> || is_nullable<typename R::value_type>;

/// `a <op> b` on numbers; the result is `arithmetic_t`, optional when either side is.
template <ast::binary_op Op, class A, class B>
constexpr auto make_arithmetic(A&& a, B&& b) {
  using L = as_expr_t<A>;
  using R = as_expr_t<B>;
  using V = maybe_optional_t<arithmetic_t<typename L::value_type, typename R::value_type>,
                             either_nullable<L, R>>;
  return binary_expr<Op, L, R, V>{{}, as_expr(static_cast<A&&>(a)), as_expr(static_cast<B&&>(b))};
}
/// `a || b` on text.
template <class A, class B>
constexpr auto make_concat(A&& a, B&& b) {
  using L = as_expr_t<A>;
  using R = as_expr_t<B>;
  using V = maybe_optional_t<std::string, either_nullable<L, R>>;
  return binary_expr<ast::binary_op::concat, L, R, V>{
      {}, as_expr(static_cast<A&&>(a)), as_expr(static_cast<B&&>(b))};
}
}  // namespace detail

/// `a + b`: addition of numbers, or concatenation (`||`) of two texts.
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator+(A&& a, B&& b) {
  static_assert(arithmetic<A, B> || concatenable<A, B>,
                "tabula: + adds two numbers or concatenates two texts, and these operands are "
                "neither. Use operands of one kind, or tabula::cast<T>(e) to convert one.");
  if constexpr (concatenable<A, B>) {
    return detail::make_concat(static_cast<A&&>(a), static_cast<B&&>(b));
  } else {
    return detail::make_arithmetic<ast::binary_op::add>(static_cast<A&&>(a), static_cast<B&&>(b));
  }
}
/// `a - b` on numbers.
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator-(A&& a, B&& b) {
  static_assert(arithmetic<A, B>,
                "tabula: - subtracts numbers. Both operands must be numeric expressions or "
                "values.");
  return detail::make_arithmetic<ast::binary_op::sub>(static_cast<A&&>(a), static_cast<B&&>(b));
}
/// `a * b` on numbers.
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator*(A&& a, B&& b) {
  static_assert(arithmetic<A, B>,
                "tabula: * multiplies numbers. Both operands must be numeric expressions or "
                "values.");
  return detail::make_arithmetic<ast::binary_op::mul>(static_cast<A&&>(a), static_cast<B&&>(b));
}
/// `a / b` on numbers: integer division when both are integers (as in C++ and both
/// databases), otherwise floating-point.
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator/(A&& a, B&& b) {
  static_assert(arithmetic<A, B>,
                "tabula: / divides numbers. Both operands must be numeric expressions or values.");
  return detail::make_arithmetic<ast::binary_op::div>(static_cast<A&&>(a), static_cast<B&&>(b));
}
/// `a % b` on integers.
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator%(A&& a, B&& b) {
  static_assert(integer_arithmetic<A, B>,
                "tabula: % is the remainder of integers. Both operands must be integer "
                "expressions or values.");
  return detail::make_arithmetic<ast::binary_op::mod>(static_cast<A&&>(a), static_cast<B&&>(b));
}
/// `-e` on a number.
template <expression E>
constexpr auto operator-(E&& e) {
  using X = std::remove_cvref_t<E>;
  static_assert(numeric_expression<X>, "tabula: unary - negates a number. Its operand must be a "
                                       "numeric expression.");
  using V = detail::maybe_optional_t<detail::arithmetic_t<typename X::value_type, typename X::value_type>,
                                     detail::is_nullable<typename X::value_type>>;
  return unary_expr<ast::unary_op::negate, X, V>{{{}, static_cast<E&&>(e)}};
}

// ---------------------------------------------------------------------------------------------
// Concatenation

/// `a || b || ...`: texts joined; NULL when any part is NULL (as in SQL), so optional when any
/// part is. Plain strings become parameters: `concat(col(&T::first), " ", col(&T::last))`.
template <class A, class B, class... Rest>
  requires(expression<A> || expression<B> || (expression<Rest> || ...))
constexpr auto concat(A&& a, B&& b, Rest&&... rest) {
  static_assert(detail::is_text<expression_value_t<detail::as_expr_t<A>>> &&
                    detail::is_text<expression_value_t<detail::as_expr_t<B>>> &&
                    (detail::is_text<expression_value_t<detail::as_expr_t<Rest>>> && ...),
                "tabula: concat() joins text. Convert other operands with "
                "tabula::cast<std::string>(e).");
  auto joined = detail::make_concat(detail::as_expr(static_cast<A&&>(a)),
                                    detail::as_expr(static_cast<B&&>(b)));
  if constexpr (sizeof...(Rest) == 0) {
    return joined;
  } else {
    return concat(TABULA_MOVE(joined), static_cast<Rest&&>(rest)...);
  }
}

}  // namespace tabula
