#pragma once
/// \file subquery.hpp
/// Selects inside expressions: `in(x, q)` / `not_in(x, q)`, `exists(q)` / `not_exists(q)` and
/// scalar subqueries `subquery(q)` (comparable like any expression, usable in a select list).
/// `q` is any statement that follows the statement protocol (executable.hpp) and yields rows;
/// a select may read columns of the enclosing statement's models (a correlated subquery):
/// those models count as read by the expression, so the enclosing statement must have them in
/// its FROM or JOINs.
///
/// ```cpp
/// db.query<Model>().where(tabula::in(col(&Model::id), db.select(col(&Experiment::model_id))));
/// db.query<Model>().where(col(&Model::accuracy) > tabula::subquery(db.select(avg(col(&Model::accuracy)))));
/// ```

#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/query/relation.hpp"

namespace tabula {

namespace detail {

/// A statement that yields rows and can be lowered: what a subquery wraps.
template <class S>
concept select_like = requires(const S& s) {
  typename S::row_type;
  { S::fixed_shape } -> std::convertible_to<bool>;
  s.lower();
} && !std::is_void_v<typename S::row_type>;

/// `st` (a SELECT whose parameters are numbered from 0) with its parameters renumbered to
/// follow the ones `ctx` numbered already; advances `ctx` past them. For statements that can
/// only lower themselves whole.
ast::select embed_select(ast::statement st, lower_context& ctx);

/// The AST of `s` as part of an enclosing statement, its parameters numbered on from `ctx`.
template <class S>
ast::select lower_subselect(const S& s, lower_context& ctx) {
  if constexpr (requires { s.lower_select(ctx); }) {
    return s.lower_select(ctx);
  } else {
    return embed_select(s.lower(), ctx);
  }
}

/// The models a statement reads but does not itself bring into scope (a correlated subquery's
/// outer models); none for statements that do not say.
template <class S>
struct free_models_of {
  using type = type_list<>;
};
template <class S>
  requires requires { typename S::free_models; }
struct free_models_of<S> {
  using type = typename S::free_models;
};
template <class S>
using free_models_t = typename free_models_of<S>::type;

/// The relations a statement reads from (its FROM and JOINs).
template <class S>
struct relations_of {
  using type = type_list<>;
};
template <class S>
  requires requires { typename S::relations; }
struct relations_of<S> {
  using type = typename S::relations;
};
template <class S>
using relations_t = typename relations_of<S>::type;

template <class Row>
struct is_tuple_row : std::false_type {};
template <class... Ts>
struct is_tuple_row<std::tuple<Ts...>> : std::true_type {};

/// True when `S` yields one column of a value (not a whole model, not several columns).
template <class S>
concept single_column = select_like<S> && !is_tuple_row<typename S::row_type>::value &&
                        column_type<typename S::row_type>;

}  // namespace detail

/// True when `in(x, q)` is meaningful: the select `q` yields one column comparable with `x`.
template <class X, class S>
concept subquery_comparable =
    detail::single_column<std::remove_cvref_t<S>> &&
    detail::comparable_types<expression_value_t<detail::as_expr_t<X>>,
                             typename std::remove_cvref_t<S>::row_type>();

/// `x [NOT] IN (SELECT ...)`.
template <class E, class S, bool Negated>
struct in_subquery : detail::expression_base<in_subquery<E, S, Negated>> {
  using value_type =
      std::conditional_t<detail::is_nullable<typename E::value_type> ||
                             detail::is_nullable<typename S::row_type>,
                         std::optional<bool>, bool>;
  using models = detail::list_concat_t<typename E::models, detail::free_models_t<S>>;
  static constexpr bool fixed_shape = E::fixed_shape && S::fixed_shape;
  static constexpr bool contains_aggregate = detail::aggregate_of<E>();
  static constexpr bool contains_bare_column = detail::bare_column_of<E>();

  E operand;
  S query;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    ast::expr x = operand.lower(ctx);
    return ast::in_select{TABULA_MOVE(x), detail::lower_subselect(query, ctx), Negated};
  }
  template <class Binder>
  void bind(Binder& b) const {
    operand.bind(b);
    query.bind(b);
  }
};

namespace detail {
template <bool Negated, class X, class S>
auto make_in_subquery(X&& x, S&& query) {
  static_assert(single_column<std::remove_cvref_t<S>>,
                "tabula: in(x, subquery) needs a subquery selecting exactly one column. Select "
                "one expression, e.g. db.select(col(&T::id)).");
  static_assert(subquery_comparable<X, S>,
                "tabula: in(x, subquery) compares x with the subquery's column, but their SQL "
                "types differ. Select a column of the same kind as x.");
  using E = as_expr_t<X>;
  using Q = std::remove_cvref_t<S>;
  return in_subquery<E, Q, Negated>{{}, as_expr(static_cast<X&&>(x)), static_cast<S&&>(query)};
}
}  // namespace detail

/// `x IN (SELECT ...)`: `in(col(&Model::id), db.select(col(&Experiment::model_id)))`.
template <class X, class S>
  requires detail::select_like<std::remove_cvref_t<S>>
auto in(X&& x, S&& query) {
  return detail::make_in_subquery<false>(static_cast<X&&>(x), static_cast<S&&>(query));
}
/// `x NOT IN (SELECT ...)`. As in SQL, a NULL among the subquery's values makes it NULL (no
/// row matches): select a NOT NULL column, or use `not_exists`.
template <class X, class S>
  requires detail::select_like<std::remove_cvref_t<S>>
auto not_in(X&& x, S&& query) {
  return detail::make_in_subquery<true>(static_cast<X&&>(x), static_cast<S&&>(query));
}

/// `[NOT] EXISTS (SELECT ...)`.
template <class S, bool Negated>
struct exists_subquery : detail::expression_base<exists_subquery<S, Negated>> {
  using value_type = bool;
  using models = detail::free_models_t<S>;
  static constexpr bool fixed_shape = S::fixed_shape;

  S query;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    return ast::exists{detail::lower_subselect(query, ctx), Negated};
  }
  template <class Binder>
  void bind(Binder& b) const {
    query.bind(b);
  }
};

/// `EXISTS (SELECT ...)`, typically correlated:
/// `exists(db.select(col(&Experiment::id)).where(col(&Experiment::model_id) == col(&Model::id)))`.
template <class S>
  requires detail::select_like<std::remove_cvref_t<S>>
auto exists(S&& query) {
  return exists_subquery<std::remove_cvref_t<S>, false>{{}, static_cast<S&&>(query)};
}
/// `NOT EXISTS (SELECT ...)`.
template <class S>
  requires detail::select_like<std::remove_cvref_t<S>>
auto not_exists(S&& query) {
  return exists_subquery<std::remove_cvref_t<S>, true>{{}, static_cast<S&&>(query)};
}

/// A scalar subquery `(SELECT ...)`: one column, at most one row; NULL when there is no row,
/// so its value is always optional.
template <class S>
struct scalar_subquery : detail::expression_base<scalar_subquery<S>> {
  using value_type = std::optional<unwrap_optional_t<typename S::row_type>>;
  using models = detail::free_models_t<S>;
  static constexpr bool fixed_shape = S::fixed_shape;

  S query;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    return ast::subquery{detail::lower_subselect(query, ctx)};
  }
  template <class Binder>
  void bind(Binder& b) const {
    query.bind(b);
  }
};

/// A select of one column as a value: `col(&Model::accuracy) > subquery(db.select(avg(...)))`,
/// or in a select list (correlated: a value per row of the enclosing select).
template <class S>
  requires detail::select_like<std::remove_cvref_t<S>>
auto subquery(S&& query) {
  static_assert(detail::single_column<std::remove_cvref_t<S>>,
                "tabula: a scalar subquery selects exactly one column. Select one expression, "
                "e.g. db.select(avg(col(&T::x))).");
  return scalar_subquery<std::remove_cvref_t<S>>{{}, static_cast<S&&>(query)};
}

}  // namespace tabula
