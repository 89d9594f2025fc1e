#pragma once
/// \file cte.hpp
/// Named queries: `R::as(query)` for a relation `R = cte<Row, "name">` (or `derived<...>`, the
/// same type) defines it by a query whose columns match `Row`'s fields in number and kind.
/// Given to a select's `with(...)`, the definition is a common table expression
/// (`WITH "name"("a", "b") AS (SELECT ...)`), recursive when its query reads `R` itself; given
/// to `from(...)` or a join, it is a derived table (`(SELECT ... AS "a", ... AS "b") AS "name"`).
///
/// ```cpp
/// struct lineage_row { std::int64_t id; std::optional<std::int64_t> parent_id; int depth; };
/// using lineage = tabula::cte<lineage_row, "lineage">;
/// auto walk = lineage::as(
///     tabula::select(col(&Model::id), col(&Model::parent_id), val(0)).where(col(&Model::id) == root)
///         .union_all(tabula::select(col(&Model::id), col(&Model::parent_id),
///                                   col<lineage>(&lineage_row::depth) + 1)
///                        .from<Model>()
///                        .join<lineage>(col<lineage>(&lineage_row::id) == col(&Model::parent_id))));
/// db.select(tabula::all_of<lineage>).with(walk).order_by(col<lineage>(&lineage_row::depth)).all();
/// ```

#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/detail/bundle.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/query/relation.hpp"
#include "tabula/query/subquery.hpp"
#include "tabula/reflect/reflect.hpp"

namespace tabula {

namespace detail {

/// The column value types of a result row, flattened: a model contributes its fields.
template <class T>
struct flat_columns {
  using type = type_list<T>;
};
template <class... Ts>
struct flat_columns<std::tuple<Ts...>> {
  using type = list_concat_many_t<type_list<>, typename flat_columns<Ts>::type...>;
};
template <class T, std::size_t... I>
type_list<reflect::field_type<T, I>...> field_types_of(std::index_sequence<I...>);
template <class T>
  requires(reflect::reflectable<T> && !column_type<T>)
struct flat_columns<T> {
  using type = decltype(field_types_of<T>(std::make_index_sequence<reflect::field_count<T>>{}));
};
template <class T>
  requires(reflect::reflectable<T> && !column_type<T>)
struct flat_columns<std::optional<T>> : flat_columns<T> {};
template <class T>
using flat_columns_t = typename flat_columns<T>::type;

template <class A, class B>
struct columns_match : std::false_type {};
template <class... As, class... Bs>
  requires(sizeof...(As) == sizeof...(Bs))
struct columns_match<type_list<As...>, type_list<Bs...>>
    : std::bool_constant<(comparable_types<As, Bs>() && ...)> {};

template <class Row, class Query>
inline constexpr bool row_width_matches =
    list_size<flat_columns_t<typename Query::row_type>>::value == reflect::field_count<Row>;

/// Names the first select list of `s` (the first operand of a compound) by `names`, so that a
/// derived table's columns are its row struct's fields. Throws `programming_error` when the
/// select list is `*`.
void name_columns(ast::select& s, const std::vector<std::string>& names);

/// A named query `R` defined by `Query`.
template <class R, class Query>
struct query_table_def {
  using relation = R;
  using query_type = Query;
  /// Whether the query reads `R` itself: a recursive CTE.
  static constexpr bool recursive = list_contains<R, relations_t<Query>>::value;
  static constexpr bool fixed_shape = Query::fixed_shape;

  Query query;

  /// `WITH "name"("a", ...) AS (<query>)`.
  [[nodiscard]] ast::cte lower_cte(lower_context& ctx) const {
    return ast::cte{relation_qualifier<R>(), relation_column_names<R>(),
                    lower_subselect(query, ctx)};
  }
  /// `(<query with its columns named>) AS "name"`.
  [[nodiscard]] ast::from_item lower_derived(lower_context& ctx) const {
    ast::select s = lower_subselect(query, ctx);
    name_columns(s, relation_column_names<R>());
    return ast::derived_table{TABULA_MOVE(s), relation_qualifier<R>()};
  }
  template <class Binder>
  void bind(Binder& b) const {
    query.bind(b);
  }
};

template <class T>
struct is_query_table_def : std::false_type {};
template <class R, class Q>
struct is_query_table_def<query_table_def<R, Q>> : std::true_type {};

/// The WITH list of a select: CTE definitions, lowered and bound in order.
template <class... Defs>
struct cte_list {
  using models = type_list<>;
  static constexpr bool fixed_shape = (Defs::fixed_shape && ...);

  bundle<Defs...> defs;

  void lower_into(ast::select& s, lower_context& ctx) const {
    bundle_each(defs, [&](const auto& d) { s.with.push_back(d.lower_cte(ctx)); });
    s.recursive = (Defs::recursive || ...);
  }
  template <class Binder>
  void bind(Binder& b) const {
    bundle_bind(defs, b);
  }
  template <class... More>
  [[nodiscard]] cte_list<Defs..., More...> append(More... more) const {
    return {bundle_append(defs, TABULA_MOVE(more)...)};
  }
};

}  // namespace detail

/// True when `Query` can define a named query with rows of type `Row`: as many columns as
/// `Row` has fields, each of a comparable kind.
template <class Row, class Query>
concept defines_rows =
    detail::select_like<Query> &&
    detail::columns_match<detail::flat_columns_t<typename Query::row_type>,
                          detail::flat_columns_t<Row>>::value;

template <class Row, detail::constant_text Name>
template <class Query>
auto query_table<Row, Name>::as(Query query) {
  static_assert(detail::select_like<Query>,
                "tabula: a named query is defined by a select. Pass db.select(...) or "
                "tabula::select(...).");
  static_assert(detail::row_width_matches<Row, Query>,
                "tabula: the query yields a different number of columns than the named query's "
                "row struct has fields. Select one expression per field, in field order.");
  static_assert(defines_rows<Row, Query>,
                "tabula: a column of the query differs in kind from the row struct's field at "
                "the same position (e.g. text for a number). Select matching expressions, in "
                "field order.");
  using free = detail::list_minus_t<detail::free_models_t<Query>,
                                    detail::type_list<query_table<Row, Name>>>;
  static_assert(detail::list_size<free>::value == 0,
                "tabula: the query of a CTE or derived table reads a column of a model that is "
                "not in its own FROM or JOINs. Add .from<Model>() or .join<Model>(...) to it.");
  return detail::query_table_def<query_table<Row, Name>, Query>{TABULA_MOVE(query)};
}

}  // namespace tabula
