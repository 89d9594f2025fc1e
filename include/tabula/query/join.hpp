#pragma once
/// \file join.hpp
/// FROM and JOIN items of a select: a relation (model, alias, CTE name) or a derived table,
/// joined INNER, LEFT, RIGHT, FULL or CROSS. Which relations an outer join may leave without a
/// match (their columns NULL) is worked out here from the join kinds, so that a select reads
/// them as `std::optional`.

#include <array>
#include <cstddef>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/cte.hpp"
#include "tabula/query/detail/bundle.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/query/relation.hpp"

namespace tabula::detail {

/// No FROM given: the statement infers it from its select list (or has none).
struct no_from {
  using relation = void;
  using models = type_list<>;
  static constexpr bool fixed_shape = true;
  void lower_into(ast::select& /*s*/, lower_context& /*ctx*/) const {}
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

/// A relation by name: a model's table, an alias, or a CTE.
template <class R>
struct relation_source {
  using relation = R;
  using models = type_list<>;
  static constexpr bool fixed_shape = true;
  [[nodiscard]] ast::from_item lower_from(lower_context& /*ctx*/) const {
    return relation_table<R>();
  }
  void lower_into(ast::select& s, lower_context& ctx) const { s.from = lower_from(ctx); }
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

/// A derived table: `(SELECT ...) AS "name"`.
template <class R, class Query>
struct derived_source {
  using relation = R;
  using models = type_list<>;
  static constexpr bool fixed_shape = Query::fixed_shape;

  query_table_def<R, Query> def;

  [[nodiscard]] ast::from_item lower_from(lower_context& ctx) const {
    return def.lower_derived(ctx);
  }
  void lower_into(ast::select& s, lower_context& ctx) const { s.from = lower_from(ctx); }
  template <class Binder>
  void bind(Binder& b) const {
    def.bind(b);
  }
};

/// What `from(...)` / `join(...)` make of an argument: a definition becomes a derived table.
template <class R, class Query>
derived_source<R, Query> source_of(query_table_def<R, Query> def) {
  return {TABULA_MOVE(def)};
}

/// One JOIN: its kind, what it joins, and its ON condition (`no_on` for CROSS JOIN).
struct no_on {
  using models = type_list<>;
  static constexpr bool fixed_shape = true;
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

template <ast::join_kind Kind, class Target, class On>
struct join_part {
  static constexpr ast::join_kind kind = Kind;
  using relation = typename Target::relation;
  using models = typename On::models;
  static constexpr bool fixed_shape = Target::fixed_shape && On::fixed_shape;

  Target target;
  On on;

  [[nodiscard]] ast::join lower(lower_context& ctx) const {
    ast::join j{Kind, target.lower_from(ctx), std::nullopt};
    if constexpr (!std::is_same_v<On, no_on>) j.on = on.lower(ctx);
    return j;
  }
  template <class Binder>
  void bind(Binder& b) const {
    target.bind(b);
    on.bind(b);
  }
};

/// The JOINs of a select, in order.
template <class... Joins>
struct join_list {
  using relations = type_list<typename Joins::relation...>;
  using models = list_concat_many_t<type_list<>, typename Joins::models...>;
  static constexpr bool fixed_shape = (Joins::fixed_shape && ...);
  static constexpr std::array<ast::join_kind, sizeof...(Joins)> kinds{Joins::kind...};

  bundle<Joins...> joins;

  void lower_into(ast::select& s, lower_context& ctx) const {
    bundle_lower(joins, s.joins, ctx);
  }
  template <class Binder>
  void bind(Binder& b) const {
    bundle_bind(joins, b);
  }
  template <class Join>
  [[nodiscard]] join_list<Joins..., Join> append(Join j) const {
    return {bundle_append(joins, TABULA_MOVE(j))};
  }
};

/// The relations of `Tuple` (FROM, then each join's) entering after join `I` (`Later`) or by
/// then. Declared only: used in decltype.
template <std::size_t I, bool Later, class Tuple, std::size_t... K>
auto relations_around(std::index_sequence<K...>)
    -> list_concat_many_t<type_list<>,
                          std::conditional_t<(Later ? (K > I + 1) : (K <= I + 1)),
                                             type_list<std::tuple_element_t<K, Tuple>>,
                                             type_list<>>...>;

/// Whether every ON condition reads only relations that entered before it or with it: a join's
/// condition cannot name a relation joined after it. (Relations of no join, such as an
/// enclosing select's, are for the scope check.)
template <class From, class Joins>
struct joins_in_order;
template <class From, class... Js>
struct joins_in_order<From, join_list<Js...>> {
  using all = std::tuple<From, typename Js::relation...>;
  using seq = std::make_index_sequence<sizeof...(Js) + 1>;
  template <std::size_t I>
  static constexpr bool ordered() {
    using on_models = typename std::tuple_element_t<I, std::tuple<Js...>>::models;
    using later = decltype(relations_around<I, true, all>(seq{}));
    using earlier = decltype(relations_around<I, false, all>(seq{}));
    return !list_intersects<on_models, list_minus_t<later, earlier>>::value;
  }
  static constexpr bool value = []<std::size_t... I>(std::index_sequence<I...>) {
    return (ordered<I>() && ...);
  }(std::index_sequence_for<Js...>{});
};

inline constexpr std::size_t no_position = static_cast<std::size_t>(-1);

/// Where relation `R` enters a select: 0 for FROM, i + 1 for join i, `no_position` if absent.
template <class R, class From, class... Rs>
constexpr std::size_t relation_position(type_list<Rs...> /*joined*/) {
  if (std::is_same_v<R, From>) return 0;
  constexpr std::array<bool, sizeof...(Rs) + 1> same{std::is_same_v<R, Rs>..., false};
  for (std::size_t i = 0; i < sizeof...(Rs); ++i) {
    if (same[i]) return i + 1;
  }
  return no_position;
}

/// Whether an outer join may leave relation `R` without a match: it is the right side of a
/// LEFT or FULL join, or a RIGHT or FULL join follows where it enters.
template <class R, class From, class Joins>
constexpr bool relation_nullable() {
  constexpr std::size_t pos = relation_position<R, From>(typename Joins::relations{});
  if constexpr (pos == no_position) {
    return false;
  } else {
    constexpr auto& kinds = Joins::kinds;
    if (pos > 0 && (kinds[pos - 1] == ast::join_kind::left ||
                    kinds[pos - 1] == ast::join_kind::full)) {
      return true;
    }
    for (std::size_t j = pos; j < kinds.size(); ++j) {
      if (kinds[j] == ast::join_kind::right || kinds[j] == ast::join_kind::full) return true;
    }
    return false;
  }
}

template <class List, class From, class Joins>
struct any_nullable;
template <class... Rs, class From, class Joins>
struct any_nullable<type_list<Rs...>, From, Joins>
    : std::bool_constant<(relation_nullable<Rs, From, Joins>() || ...)> {};

}  // namespace tabula::detail
