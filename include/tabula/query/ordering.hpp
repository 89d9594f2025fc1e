#pragma once
/// \file ordering.hpp
/// ORDER BY terms: `asc(x)`, `desc(x)` and `.nulls_first()` / `.nulls_last()`, over an
/// expression or a member `&T::x`.
///
/// ```cpp
/// tabula::desc(&T::accuracy).nulls_last()                 // "accuracy" DESC NULLS LAST
/// ```

#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/query/column.hpp"
#include "tabula/query/expression_node.hpp"

namespace tabula {

/// An ORDER BY term. Its direction and NULL placement are part of its type (they are SQL text,
/// and a statement's SQL is cached per type).
template <class E, bool Descending = false, ast::nulls_order Nulls = ast::nulls_order::default_>
struct ordering : detail::single_operand<E, detail::statement_part> {
  static constexpr bool descending = Descending;
  static constexpr ast::nulls_order nulls = Nulls;

  [[nodiscard]] ast::order_item lower(detail::lower_context& ctx) const {
    return ast::order_item{this->operand.lower(ctx), Descending, Nulls};
  }
  /// NULLS FIRST.
  constexpr ordering<E, Descending, ast::nulls_order::first> nulls_first() const {
    return {{{}, this->operand}};
  }
  /// NULLS LAST.
  constexpr ordering<E, Descending, ast::nulls_order::last> nulls_last() const {
    return {{{}, this->operand}};
  }
};

/// Ascending order by an expression or a member: `asc(&Model::name)`.
template <class X>
constexpr auto asc(X&& x) {
  return ordering<detail::as_expr_t<X>, false>{{{}, detail::as_expr(static_cast<X&&>(x))}};
}
/// Descending order by an expression or a member: `desc(&Model::accuracy)`.
template <class X>
constexpr auto desc(X&& x) {
  return ordering<detail::as_expr_t<X>, true>{{{}, detail::as_expr(static_cast<X&&>(x))}};
}

}  // namespace tabula
