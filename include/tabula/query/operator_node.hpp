#pragma once
/// \file operator_node.hpp
/// The two nodes every SQL operator lowers to: `binary_expr` (`a <op> b`: comparisons,
/// AND/OR, arithmetic, `||`) and `unary_expr` (NOT, IS [NOT] NULL, unary minus). The
/// operators that build them are in comparison.hpp and arithmetic.hpp.

#include <optional>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/column.hpp"
#include "tabula/query/detail/type_category.hpp"
#include "tabula/query/expression_node.hpp"

namespace tabula {

namespace detail {
/// `bool`, or `std::optional<bool>` when either operand may be NULL.
template <class L, class R>
using nullable_bool =
    std::conditional_t<is_nullable<typename L::value_type> || is_nullable<typename R::value_type>,
                       std::optional<bool>, bool>;

/// Operands of a binary operator: at least one an expression (the other may be a value), and
/// neither `std::nullopt` (`e == std::nullopt` is IS NULL, see comparison.hpp).
template <class A, class B>
concept operand_pair = (expression<A> || expression<B>) &&
                       !std::is_same_v<std::remove_cvref_t<A>, std::nullopt_t> &&
                       !std::is_same_v<std::remove_cvref_t<B>, std::nullopt_t>;
}  // namespace detail

/// `lhs <op> rhs` for any binary operator of the AST.
template <ast::binary_op Op, class L, class R, class Value>
struct binary_expr : detail::expression_base<binary_expr<Op, L, R, Value>> {
  using value_type = Value;
  using models = detail::merged_models<L, R>;
  static constexpr bool fixed_shape = L::fixed_shape && R::fixed_shape;
  static constexpr bool contains_aggregate = detail::any_aggregate<L, R>;
  static constexpr bool contains_bare_column = detail::any_bare_column<L, R>;

  L lhs;
  R rhs;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    if constexpr (detail::is_value_node<L> && detail::is_value_node<R>) {
      ast::expr l = detail::lower_typed(lhs, ctx);
      ast::expr r = detail::lower_typed(rhs, ctx);
      return ast::make_binary(Op, TABULA_MOVE(l), TABULA_MOVE(r));
    } else {
      ast::expr l = detail::lower_operand<typename R::value_type>(lhs, ctx);
      ast::expr r = detail::lower_operand<typename L::value_type>(rhs, ctx);
      return ast::make_binary(Op, TABULA_MOVE(l), TABULA_MOVE(r));
    }
  }
  template <class Binder>
  void bind(Binder& b) const {
    lhs.bind(b);
    rhs.bind(b);
  }
};

/// `<op> operand` for the unary operators of the AST (NOT, IS NULL, -x, ...).
template <ast::unary_op Op, class E, class Value>
struct unary_expr
    : detail::single_operand<E, detail::expression_base<unary_expr<Op, E, Value>>> {
  using value_type = Value;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    return ast::make_unary(Op, detail::lower_typed(this->operand, ctx));
  }
};

}  // namespace tabula
