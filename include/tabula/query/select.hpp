#pragma once
/// \file select.hpp
/// Typed SELECT statements. `db.select(e1, e2, ...)` selects expressions and whole rows
/// (`all_of<T>`); `db.query<T>()` / `db.select<T>()` select whole models. A statement is
/// refined clause by clause — `distinct`, `from`, joins, `where`, `group_by`, `having`,
/// `order_by`, `limit`, `offset`, `with` — each call returning a new statement type, and run
/// with a terminal operation (`all()`, `one()`, `stream()`, ... see executable.hpp).
///
/// Every clause is part of the type, so a statement type's SQL is compiled once per dialect
/// (unless a part's text depends on run-time data, e.g. an IN list); values, LIMIT and OFFSET
/// included, are bound parameters.
///
/// Rows: one whole relation reads as its struct (`Model`), one expression as its value type, and
/// several items as a `std::tuple` of those. A relation an outer join may leave without a match
/// reads as `std::optional<Model>`, and columns of it as `std::optional<X>`.
///
/// Checks made when the statement is run (each a `tabula:` compile error, each visible as
/// `S::checks::...` and together as the concept `tabula::valid_select<S>`): every column read
/// belongs to a relation in FROM or a JOIN; FROM can be inferred (the select list reads one
/// relation not joined) or is given; no column sits beside aggregates without GROUP BY. A select
/// used as a subquery may read the enclosing statement's relations (correlation): those are its
/// `free_models`, checked by the enclosing statement.

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/cte.hpp"
#include "tabula/query/detail/bundle.hpp"
#include "tabula/query/executable.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/query/join.hpp"
#include "tabula/query/relation.hpp"
#include "tabula/query/repeated_items.hpp"
#include "tabula/query/subquery.hpp"
#include "tabula/schema/table.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

template <class Source, class Spec>
class select_statement;
template <class Source, class First, class Rest, class Order, class Limit, class Offset>
class compound_statement;

namespace detail {

/// A clause that is absent: lowers to nothing, binds nothing.
struct no_clause {
  using models = type_list<>;
  static constexpr bool fixed_shape = true;
  void lower_into(ast::select& /*s*/, lower_context& /*ctx*/) const {}
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

/// True when no part's SQL depends on run-time values (a clause or a tuple of clauses).
template <class... Parts>
constexpr bool all_fixed_shape() {
  return (fixed_shape_of<Parts>() && ...);
}

template <bool Distinct>
struct distinct_flag {
  using models = type_list<>;
  static constexpr bool fixed_shape = true;
  void lower_into(ast::select& s, lower_context& /*ctx*/) const { s.distinct = Distinct; }
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

template <class T>
struct is_whole : std::false_type {};
template <class R>
struct is_whole<whole<R>> : std::true_type {};

/// What a select list takes: an expression (or a member `&T::x`, its column), or a whole row
/// (`all_of<T>`).
template <class T>
concept select_item =
    column_or_expression<T> || is_whole<std::remove_cvref_t<T>>::value;

/// A select item as the select list keeps it: a member `&T::x` becomes `col(&T::x)`.
template <class Item>
constexpr auto as_select_item(Item item) {
  if constexpr (member_column<Item>) {
    return col(item);
  } else {
    return item;
  }
}

/// `CAST(param AS type)`: a bare parameter in a select list gets its type, which PostgreSQL
/// cannot infer there.
ast::expr typed_param(ast::expr e, ast::sql_type type);

/// Appends `"q"."c"` for every column of relation `R`.
void add_columns(std::vector<ast::select_item>& items, const std::string& qualifier,
                 const std::vector<std::string>& names);

template <class Item>
void lower_item(const Item& item, std::vector<ast::select_item>& out, lower_context& ctx) {
  if constexpr (is_whole<Item>::value) {
    using R = typename Item::models;
    [&]<class Rel>(type_list<Rel>) {
      add_columns(out, relation_qualifier<Rel>(), relation_column_names<Rel>());
    }(R{});
  } else {
    ast::expr e = item.lower(ctx);
    if constexpr (column_type<typename Item::value_type>) {
      if (e.get_if<ast::param>() != nullptr) {
        e = typed_param(TABULA_MOVE(e), sql_type_of<typename Item::value_type>());
      }
    }
    std::string label;
    if constexpr (labelled_expression<Item>) label = std::string(item.label());
    out.push_back(ast::select_item{TABULA_MOVE(e), TABULA_MOVE(label)});
  }
}

/// The select list.
template <class... Items>
struct select_list {
  using models = list_concat_many_t<type_list<>, typename Items::models...>;
  static constexpr bool fixed_shape = all_fixed_shape<Items...>();
  static constexpr bool any_aggregate = (aggregate_of<Items>() || ...);
  static constexpr bool any_bare_column =
      ((bare_column_of<Items>() || is_whole<Items>::value) || ...);

  bundle<Items...> items;

  /// Lowers the items, the first being item `First` of `rep` (repeated_items.hpp).
  template <std::size_t First, class Repeats>
  void lower_into(ast::select& s, lower_context& ctx, Repeats& rep) const {
    s.columns.reserve(sizeof...(Items));
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      if constexpr (Repeats::none) {
        (lower_item(bundle_get<I>(items), s.columns, ctx), ...);
      } else {
        (rep.template lower<First + I>(
             ctx, [&](lower_context& c) { lower_item(bundle_get<I>(items), s.columns, c); }),
         ...);
      }
    }(std::index_sequence_for<Items...>{});
  }
  template <std::size_t First, class Repeats, class Binder>
  void bind(Binder& b, const Repeats& rep) const {
    if constexpr (Repeats::none) {
      bundle_bind(items, b);
    } else {
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((rep.template repeated<First + I>() ? void() : bundle_get<I>(items).bind(b)), ...);
      }(std::index_sequence_for<Items...>{});
    }
  }
};

template <class Cond>
struct where_clause {
  using models = typename Cond::models;
  static constexpr bool fixed_shape = Cond::fixed_shape;
  Cond cond;
  void lower_into(ast::select& s, lower_context& ctx) const { s.where = cond.lower(ctx); }
  template <class Binder>
  void bind(Binder& b) const {
    cond.bind(b);
  }
};

template <class Cond>
struct having_clause {
  using models = typename Cond::models;
  static constexpr bool fixed_shape = Cond::fixed_shape;
  Cond cond;
  void lower_into(ast::select& s, lower_context& ctx) const { s.having = cond.lower(ctx); }
  template <class Binder>
  void bind(Binder& b) const {
    cond.bind(b);
  }
};

template <class... Es>
struct group_list {
  static constexpr std::size_t size = sizeof...(Es);
  using models = list_concat_many_t<type_list<>, typename Es::models...>;
  static constexpr bool fixed_shape = all_fixed_shape<Es...>();
  bundle<Es...> exprs;

  /// Lowers the terms, the first being item `First` of `rep` (repeated_items.hpp).
  template <std::size_t First, class Repeats>
  void lower_into(ast::select& s, lower_context& ctx, Repeats& rep) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      if constexpr (Repeats::none) {
        (s.group_by.push_back(bundle_get<I>(exprs).lower(ctx)), ...);
      } else {
        (rep.template lower<First + I>(
             ctx, [&](lower_context& c) { s.group_by.push_back(bundle_get<I>(exprs).lower(c)); }),
         ...);
      }
    }(std::index_sequence_for<Es...>{});
  }
  template <std::size_t First, class Repeats, class Binder>
  void bind(Binder& b, const Repeats& rep) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      if constexpr (Repeats::none) {
        (bundle_get<I>(exprs).bind(b), ...);
      } else {
        ((rep.template repeated<First + I>() ? void() : bundle_get<I>(exprs).bind(b)), ...);
      }
    }(std::index_sequence_for<Es...>{});
  }
  template <class... More>
  [[nodiscard]] group_list<Es..., More...> append(More... more) const {
    return {bundle_append(exprs, TABULA_MOVE(more)...)};
  }
};

/// Removes the qualifier of each ORDER BY term that is a plain column.
void unqualify_columns(std::vector<ast::order_item>& items);

/// ORDER BY terms. `OfCompound`: the ORDER BY of a compound select, which names result
/// columns: plain columns print without their table, labelled expressions as their label.
template <bool OfCompound, class... Os>
struct order_list {
  using models = list_concat_many_t<type_list<>, typename Os::models...>;
  static constexpr std::size_t size = sizeof...(Os);
  static constexpr bool fixed_shape = all_fixed_shape<Os...>();
  bundle<Os...> terms;

  /// Lowers the terms, the first being item `First` of `rep` (repeated_items.hpp).
  template <std::size_t First, class Repeats>
  void lower_into(ast::select& s, lower_context& ctx, Repeats& rep) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      if constexpr (Repeats::none) {
        (s.order_by.push_back(lower_term(bundle_get<I>(terms), ctx)), ...);
      } else {
        (rep.template lower<First + I>(
             ctx, [&](lower_context& c) { s.order_by.push_back(lower_term(bundle_get<I>(terms), c)); }),
         ...);
      }
    }(std::index_sequence_for<Os...>{});
    if constexpr (OfCompound) unqualify_columns(s.order_by);
  }
  template <std::size_t First, class Repeats, class Binder>
  void bind(Binder& b, const Repeats& rep) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      if constexpr (Repeats::none) {
        (bind_term(bundle_get<I>(terms), b), ...);
      } else {
        ((rep.template repeated<First + I>() ? void() : bind_term(bundle_get<I>(terms), b)), ...);
      }
    }(std::index_sequence_for<Os...>{});
  }
  void lower_into(ast::select& s, lower_context& ctx) const {
    no_repeats rep;
    lower_into<0>(s, ctx, rep);
  }
  template <class Binder>
  void bind(Binder& b) const {
    bind<0>(b, no_repeats{});
  }
  template <class... More>
  [[nodiscard]] order_list<OfCompound, Os..., More...> append(More... more) const {
    return {bundle_append(terms, TABULA_MOVE(more)...)};
  }

 private:
  template <class O>
  static constexpr bool by_label = OfCompound && labelled_expression<decltype(O::operand)>;

  template <class O>
  static ast::order_item lower_term(const O& o, lower_context& ctx) {
    if constexpr (by_label<O>) {
      return ast::order_item{ast::expr(ast::column_ref{{}, std::string(o.operand.label())}),
                             o.descending, o.nulls};
    } else {
      return o.lower(ctx);
    }
  }
  template <class O, class Binder>
  static void bind_term(const O& o, Binder& b) {
    if constexpr (!by_label<O>) o.bind(b);
  }
};

/// LIMIT n, with n written into the SQL (a part of the statement's shape): a planner that
/// sees the row count plans for it. PostgreSQL, given `LIMIT $1`, estimates a tenth of the
/// table, finds its generic plan dearer than the custom ones and plans every execution anew.
struct limit_clause {
  using models = type_list<>;
  static constexpr bool fixed_shape = true;
  std::int64_t n = 0;
  void lower_into(ast::select& s, lower_context& ctx) const;  // select.cpp
  template <class Binder>
  void bind(Binder& b) const {
    detail::bind_shape(b, static_cast<std::uint64_t>(n));
  }
};
struct offset_clause {
  using models = type_list<>;
  static constexpr bool fixed_shape = true;
  std::int64_t n = 0;
  void lower_into(ast::select& s, lower_context& ctx) const;  // select.cpp
  template <class Binder>
  void bind(Binder& b) const {
    b(n);
  }
};

/// FOR UPDATE / FOR SHARE, and how to treat rows another transaction has locked.
template <ast::row_lock::strength M, ast::row_lock::waiting W>
struct lock_clause {
  using models = type_list<>;
  static constexpr bool fixed_shape = true;
  static constexpr ast::row_lock::strength mode = M;
  void lower_into(ast::select& s, lower_context& /*ctx*/) const { s.lock = ast::row_lock{M, W}; }
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};
template <class P>
inline constexpr bool is_lock_clause_v = false;
template <ast::row_lock::strength M, ast::row_lock::waiting W>
inline constexpr bool is_lock_clause_v<lock_clause<M, W>> = true;

/// An ORDER BY term: orderings as given, anything else ascending.
template <class T>
auto as_ordering(T t) {
  if constexpr (requires { t.descending; }) {
    return t;
  } else {
    return asc(TABULA_MOVE(t));
  }
}
/// A GROUP BY term: an expression, or a member as its column.
template <class T>
auto as_group_term(T t) {
  return as_expr(TABULA_MOVE(t));
}

// Positions of the clauses in a select's parts tuple; lowered and bound in this order.
inline constexpr std::size_t ctes_at = 0;
inline constexpr std::size_t distinct_at = 1;
inline constexpr std::size_t items_at = 2;
inline constexpr std::size_t from_at = 3;
inline constexpr std::size_t joins_at = 4;
inline constexpr std::size_t where_at = 5;
inline constexpr std::size_t group_at = 6;
inline constexpr std::size_t having_at = 7;
inline constexpr std::size_t order_at = 8;
inline constexpr std::size_t limit_at = 9;
inline constexpr std::size_t offset_at = 10;
inline constexpr std::size_t lock_at = 11;

/// A select's clauses, one per position above (bundle.hpp).
template <class... Ps>
using clause_pack = bundle<Ps...>;

template <class... Items>
using initial_parts =
    clause_pack<cte_list<>, distinct_flag<false>, select_list<Items...>, no_from, join_list<>,
                no_clause, group_list<>, no_clause, order_list<false>, no_clause, no_clause,
                no_clause>;

template <class Spec>
struct parts_of {
  using type = initial_parts<whole<Spec>>;  // a model: SELECT of its whole rows
};
template <class Seq, class... Ps>
struct parts_of<bundle_impl<Seq, Ps...>> {
  using type = bundle_impl<Seq, Ps...>;
};
template <class Spec>
using parts_of_t = typename parts_of<Spec>::type;

/// A clause a rebuilt select keeps (shared by every pack with this clause), or the one
/// replacing it.
template <class P>
constexpr const P& part_or(std::false_type /*replaced*/, const P& p, const void* /*v*/) noexcept {
  return p;
}
template <class P, class V>
constexpr V&& part_or(std::true_type /*replaced*/, const P& /*p*/, V* v) noexcept {
  return static_cast<V&&>(*v);
}

/// The type of pack `Pack` with clause `I` of type `V`.
template <std::size_t I, class V, class Pack>
struct replaced;
template <std::size_t I, class V, std::size_t... J, class... Ps>
struct replaced<I, V, bundle_impl<std::index_sequence<J...>, Ps...>> {
  using type = clause_pack<std::conditional_t<J == I, V, Ps>...>;
};
/// Tags the constructor that builds a select from another with clause `I` replaced.
template <std::size_t I>
struct replacing {};

/// True when no clause of a pack has SQL that depends on run-time values.
template <class Pack>
struct pack_fixed_shape;
template <class Seq, class... Ps>
struct pack_fixed_shape<bundle_impl<Seq, Ps...>>
    : std::bool_constant<all_fixed_shape<Ps...>()> {};

template <class Parts, std::size_t I>
using part_t = bundle_element_t<I, Parts>;

template <class Items, class Groups, class Orders>
struct repeat_plan_of;
template <class... S, class... G, bool C, class... O>
struct repeat_plan_of<select_list<S...>, group_list<G...>, order_list<C, O...>> {
  using type = repeat_plan<repeat_type_t<S>..., repeat_type_t<G>..., repeat_type_t<O>...>;
  static constexpr std::size_t groups_from = sizeof...(S);
  static constexpr std::size_t orders_from = sizeof...(S) + sizeof...(G);
};

/// The items of a select that may repeat one another (repeated_items.hpp), numbered in clause
/// order: the select list, then GROUP BY, then ORDER BY.
template <class Parts>
struct repeatable_items {
  using layout = repeat_plan_of<part_t<Parts, items_at>, part_t<Parts, group_at>,
                                part_t<Parts, order_at>>;
  using plan = typename layout::type;
  static constexpr std::size_t groups_from = layout::groups_from;
  static constexpr std::size_t orders_from = layout::orders_from;

  const Parts& parts;

  /// The expression item `I` prints.
  template <std::size_t I>
  [[nodiscard]] const auto& item() const noexcept {
    if constexpr (I < groups_from) {
      return printed_of(bundle_get<I>(bundle_get<items_at>(parts).items));
    } else if constexpr (I < orders_from) {
      return printed_of(bundle_get<I - groups_from>(bundle_get<group_at>(parts).exprs));
    } else {
      return printed_of(bundle_get<I - orders_from>(bundle_get<order_at>(parts).terms));
    }
  }
  /// Which items repeat an earlier one, found by comparing them (only items of one type).
  [[nodiscard]] std::uint64_t mask() const { return repeat_mask<plan>(*this); }
};

/// The value a select item reads into, given which relations may be NULL.
template <class Item, class From, class Joins>
struct item_row;
template <class R, class From, class Joins>
struct item_row<whole<R>, From, Joins> {
  using type = std::conditional_t<relation_nullable<R, From, Joins>(),
                                  std::optional<relation_row_t<R>>, relation_row_t<R>>;
};
template <class E, class From, class Joins>
  requires expression<E>
struct item_row<E, From, Joins> {
  using value = typename E::value_type;
  // A column of a relation that may be NULL may be NULL; an aggregate over it (count) is not.
  static constexpr bool may_be_null =
      any_nullable<list_unique_t<typename E::models>, From, Joins>::value &&
      (bare_column_of<E>() || !aggregate_of<E>());
  using type = std::conditional_t<is_optional_v<value> || !may_be_null, value,
                                  std::optional<value>>;
};

template <class Items, class From, class Joins>
struct row_of;
template <class Item, class From, class Joins>
struct row_of<select_list<Item>, From, Joins> {
  using type = typename item_row<Item, From, Joins>::type;
};
template <class... Items, class From, class Joins>
  requires(sizeof...(Items) != 1)
struct row_of<select_list<Items...>, From, Joins> {
  using type = std::tuple<typename item_row<Items, From, Joins>::type...>;
};

/// What a select's type says about its FROM, scope and row.
template <class Parts>
struct select_shape {
  using items = part_t<Parts, items_at>;
  using from_part = part_t<Parts, from_at>;
  using joins = part_t<Parts, joins_at>;
  using joined = typename joins::relations;
  /// The relations the select list reads that no join brings: FROM, when it is one.
  using candidates = list_minus_t<list_unique_t<typename items::models>, joined>;
  static constexpr bool from_given = !std::is_same_v<from_part, no_from>;
  static constexpr bool from_inferred =
      !from_given && list_size<candidates>::value == 1;
  using from = std::conditional_t<
      from_given, typename from_part::relation,
      std::conditional_t<from_inferred, typename list_front<candidates>::type, void>>;
  using scope =
      std::conditional_t<std::is_void_v<from>, joined, list_concat_t<type_list<from>, joined>>;

  using used_models = list_concat_many_t<
      typename items::models, typename joins::models, typename part_t<Parts, where_at>::models,
      typename part_t<Parts, group_at>::models, typename part_t<Parts, having_at>::models,
      typename part_t<Parts, order_at>::models>;
  using free_models = list_minus_t<used_models, scope>;

  using row = typename row_of<items, from, joins>::type;

  template <std::size_t I>
  static constexpr bool in_scope = list_subset<typename part_t<Parts, I>::models, scope>::value;
};

}  // namespace detail

/// SELECT statement: built with `db.select(...)`, `db.query<T>()`, `tabula::select(...)` or
/// `select_from<T>()`. `Spec` is a model (a SELECT of its whole rows) or the clauses built so far.
template <class Source, class Spec>
class select_statement : public executable<select_statement<Source, Spec>, Source> {
  using base = executable<select_statement, Source>;
  using parts_type = detail::parts_of_t<Spec>;
  using shape = detail::select_shape<parts_type>;
  template <class, class>
  friend class select_statement;

  template <std::size_t I>
  using part = detail::part_t<parts_type, I>;

  template <class Parts>
  using with_parts = select_statement<Source, Parts>;

  using repeatable = detail::repeatable_items<parts_type>;

 public:
  /// What a row reads into.
  using row_type = typename shape::row;
  /// The relations in FROM and the JOINs.
  using relations = typename shape::scope;
  /// The models read but not brought into scope here: outer models of a correlated subquery.
  using free_models = typename shape::free_models;
  /// True when the SQL depends only on this type, so it is compiled once per dialect.
  static constexpr bool fixed_shape = detail::pack_fixed_shape<parts_type>::value;

  /// The rules a runnable select follows, each true when it holds (see the file comment).
  struct checks {
    /// A select with joins has a FROM: given, or the one relation its select list reads.
    static constexpr bool from_known =
        !std::is_void_v<typename shape::from> || detail::list_size<typename shape::joined>::value == 0;
    /// When FROM is not given, the select list reads at most one relation no join brings.
    static constexpr bool from_unambiguous =
        shape::from_given || detail::list_size<typename shape::candidates>::value <= 1;
    static constexpr bool select_list = shape::template in_scope<detail::items_at>;
    static constexpr bool joins = shape::template in_scope<detail::joins_at>;
    /// No ON condition names a relation joined after it.
    static constexpr bool joins_in_order =
        detail::joins_in_order<std::conditional_t<std::is_void_v<typename shape::from>,
                                                  detail::no_from, typename shape::from>,
                               typename shape::joins>::value;
    static constexpr bool where = shape::template in_scope<detail::where_at>;
    static constexpr bool group_by = shape::template in_scope<detail::group_at>;
    static constexpr bool having = shape::template in_scope<detail::having_at>;
    static constexpr bool order_by = shape::template in_scope<detail::order_at>;
    /// Without GROUP BY, aggregates and bare columns do not share a select list.
    static constexpr bool grouping =
        part<detail::group_at>::size > 0 ||
        !(part<detail::items_at>::any_aggregate && part<detail::items_at>::any_bare_column);
    /// Rules a select obeys wherever it is used.
    static constexpr bool structure = from_known && from_unambiguous && grouping && joins_in_order;
    /// Every column read is in scope (a subquery may leave outer ones to its enclosing select).
    static constexpr bool scope = select_list && joins && where && group_by && having && order_by;
    static constexpr bool all = structure && scope;
  };

 private:
  static consteval void assert_structure() {
    static_assert(checks::from_unambiguous,
                  "tabula: the select list reads several models and none is named as FROM. Add "
                  ".from<Model>() and join the others.");
    static_assert(checks::from_known,
                  "tabula: this select has joins but no FROM. Add .from<Model>() naming the "
                  "first table.");
    static_assert(checks::joins_in_order,
                  "tabula: a join's ON condition reads a relation that is joined after it. Join "
                  "the relations in the order their conditions need.");
    static_assert(checks::grouping,
                  "tabula: the select list has aggregates beside columns outside any aggregate, "
                  "and no group_by. Add .group_by(...) with those columns, or aggregate them.");
  }
  static consteval void assert_scope() {
    static_assert(checks::select_list,
                  "tabula: the select list reads a column of a model that is not in this "
                  "select's FROM or JOINs. Add .from<Model>() or .join<Model>(...).");
    static_assert(checks::joins,
                  "tabula: a join's ON condition reads a column of a model that is not in this "
                  "select's FROM or JOINs. Join that model too, or fix the condition.");
    static_assert(checks::where,
                  "tabula: the where condition reads a column of a model that is not in this "
                  "select's FROM or JOINs. Add .from<Model>() or .join<Model>(...).");
    static_assert(checks::group_by,
                  "tabula: group_by names a column of a model that is not in this select's FROM "
                  "or JOINs. Add .from<Model>() or .join<Model>(...).");
    static_assert(checks::having,
                  "tabula: the having condition reads a column of a model that is not in this "
                  "select's FROM or JOINs. Add .from<Model>() or .join<Model>(...).");
    static_assert(checks::order_by,
                  "tabula: order_by names a column of a model that is not in this select's FROM "
                  "or JOINs. Add .from<Model>() or .join<Model>(...).");
  }

 public:

  explicit select_statement(Source* source = nullptr) { this->source_ = source; }
  select_statement(Source* source, parts_type parts) : parts_(TABULA_MOVE(parts)) {
    this->source_ = source;
  }

  /// SELECT DISTINCT.
  [[nodiscard]] auto distinct() const { return rebuild<detail::distinct_at>(detail::distinct_flag<true>{}); }

  /// FROM relation `R` (a model, an alias or a CTE), when the select list does not say.
  template <class R>
  [[nodiscard]] auto from() const {
    static_assert(!shape::from_given, "tabula: this select has a FROM already. Call from() once.");
    return rebuild<detail::from_at>(detail::relation_source<R>{});
  }
  /// FROM a derived table: `from(derived<Row, "t">::as(db.select(...)))`.
  template <class R, class Query>
  [[nodiscard]] auto from(detail::query_table_def<R, Query> def) const {
    static_assert(!shape::from_given, "tabula: this select has a FROM already. Call from() once.");
    return rebuild<detail::from_at>(detail::source_of(TABULA_MOVE(def)));
  }

  /// INNER JOIN relation `R` ON `on`.
  template <class R, class On>
  [[nodiscard]] auto join(On on) const {
    return add_join<ast::join_kind::inner>(detail::relation_source<R>{}, TABULA_MOVE(on));
  }
  /// LEFT OUTER JOIN: `R`'s columns and rows read as optional.
  template <class R, class On>
  [[nodiscard]] auto left_join(On on) const {
    return add_join<ast::join_kind::left>(detail::relation_source<R>{}, TABULA_MOVE(on));
  }
  /// RIGHT OUTER JOIN: the relations before it read as optional.
  template <class R, class On>
  [[nodiscard]] auto right_join(On on) const {
    return add_join<ast::join_kind::right>(detail::relation_source<R>{}, TABULA_MOVE(on));
  }
  /// FULL OUTER JOIN: both sides read as optional.
  template <class R, class On>
  [[nodiscard]] auto full_join(On on) const {
    return add_join<ast::join_kind::full>(detail::relation_source<R>{}, TABULA_MOVE(on));
  }
  /// CROSS JOIN: every pair of rows.
  template <class R>
  [[nodiscard]] auto cross_join() const {
    return add_join<ast::join_kind::cross>(detail::relation_source<R>{}, detail::no_on{});
  }
  /// INNER JOIN along a relationship of a model this select reads, ON its foreign key:
  /// `join(&Model::experiments)`; a many-to-many one joins the association table and the
  /// target (`join(&Experiment::tags)`). `join<&Model::member>()` names a member whose type
  /// another member of the model shares.
  template <class P>
    requires std::is_member_object_pointer_v<P> && detail::is_relationship_v<detail::member_of<P>>
  [[nodiscard]] auto join(P /*member*/) const {
    return join_along<ast::join_kind::inner, detail::link_by_type<P>>();
  }
  template <auto Member>
    requires std::is_member_object_pointer_v<decltype(Member)>
  [[nodiscard]] auto join() const {
    return join_along<ast::join_kind::inner, detail::link_of<Member>>();
  }
  /// LEFT OUTER JOIN along a relationship (see `join(&Model::member)`).
  template <class P>
    requires std::is_member_object_pointer_v<P> && detail::is_relationship_v<detail::member_of<P>>
  [[nodiscard]] auto left_join(P /*member*/) const {
    return join_along<ast::join_kind::left, detail::link_by_type<P>>();
  }
  template <auto Member>
    requires std::is_member_object_pointer_v<decltype(Member)>
  [[nodiscard]] auto left_join() const {
    return join_along<ast::join_kind::left, detail::link_of<Member>>();
  }
  /// Joins of a derived table: `join(derived<Row, "t">::as(q), on)`.
  template <class R, class Query, class On>
  [[nodiscard]] auto join(detail::query_table_def<R, Query> def, On on) const {
    return add_join<ast::join_kind::inner>(detail::source_of(TABULA_MOVE(def)), TABULA_MOVE(on));
  }
  template <class R, class Query, class On>
  [[nodiscard]] auto left_join(detail::query_table_def<R, Query> def, On on) const {
    return add_join<ast::join_kind::left>(detail::source_of(TABULA_MOVE(def)), TABULA_MOVE(on));
  }
  template <class R, class Query, class On>
  [[nodiscard]] auto right_join(detail::query_table_def<R, Query> def, On on) const {
    return add_join<ast::join_kind::right>(detail::source_of(TABULA_MOVE(def)), TABULA_MOVE(on));
  }
  template <class R, class Query, class On>
  [[nodiscard]] auto full_join(detail::query_table_def<R, Query> def, On on) const {
    return add_join<ast::join_kind::full>(detail::source_of(TABULA_MOVE(def)), TABULA_MOVE(on));
  }
  template <class R, class Query>
  [[nodiscard]] auto cross_join(detail::query_table_def<R, Query> def) const {
    return add_join<ast::join_kind::cross>(detail::source_of(TABULA_MOVE(def)), detail::no_on{});
  }

  /// Adds a condition; a second `where` is combined with AND.
  template <class Cond>
  [[nodiscard]] auto where(Cond cond) const {
    check_condition<Cond>();
    if constexpr (std::is_same_v<part<detail::where_at>, detail::no_clause>) {
      return rebuild<detail::where_at>(detail::where_clause<Cond>{TABULA_MOVE(cond)});
    } else {
      auto both = detail::bundle_get<detail::where_at>(parts_).cond && TABULA_MOVE(cond);
      return rebuild<detail::where_at>(detail::where_clause<decltype(both)>{TABULA_MOVE(both)});
    }
  }

  /// GROUP BY expressions (or members); a second call adds to the list.
  template <class... Terms>
  [[nodiscard]] auto group_by(Terms... terms) const {
    if constexpr (part<detail::group_at>::size == 0) {  // the usual case: one call
      using list = detail::group_list<decltype(detail::as_group_term(TABULA_MOVE(terms)))...>;
      return rebuild<detail::group_at>(list{{{detail::as_group_term(TABULA_MOVE(terms))}...}});
    } else {
      return rebuild<detail::group_at>(detail::bundle_get<detail::group_at>(parts_).append(
          detail::as_group_term(TABULA_MOVE(terms))...));
    }
  }

  /// HAVING a condition on groups; a second `having` is combined with AND.
  template <class Cond>
  [[nodiscard]] auto having(Cond cond) const {
    check_condition<Cond>();
    if constexpr (std::is_same_v<part<detail::having_at>, detail::no_clause>) {
      return rebuild<detail::having_at>(detail::having_clause<Cond>{TABULA_MOVE(cond)});
    } else {
      auto both = detail::bundle_get<detail::having_at>(parts_).cond && TABULA_MOVE(cond);
      return rebuild<detail::having_at>(detail::having_clause<decltype(both)>{TABULA_MOVE(both)});
    }
  }

  /// ORDER BY terms: `asc(x)`, `desc(x).nulls_last()`, or plain expressions and members
  /// (ascending). A second call adds terms.
  template <class... Terms>
  [[nodiscard]] auto order_by(Terms... terms) const {
    if constexpr (part<detail::order_at>::size == 0) {
      using list = detail::order_list<false, decltype(detail::as_ordering(TABULA_MOVE(terms)))...>;
      return rebuild<detail::order_at>(list{{{detail::as_ordering(TABULA_MOVE(terms))}...}});
    } else {
      return rebuild<detail::order_at>(detail::bundle_get<detail::order_at>(parts_).append(
          detail::as_ordering(TABULA_MOVE(terms))...));
    }
  }

  /// LIMIT n (bound as a parameter).
  [[nodiscard]] auto limit(std::int64_t n) const {
    return rebuild<detail::limit_at>(detail::limit_clause{n});
  }
  /// OFFSET n (bound as a parameter).
  [[nodiscard]] auto offset(std::int64_t n) const {
    return rebuild<detail::offset_at>(detail::offset_clause{n});
  }

  /// FOR UPDATE: the rows read are locked against other transactions' writes and locks until
  /// the transaction ends (PostgreSQL; SQLite, which locks the whole database instead, refuses
  /// it with `not_supported_error`). Refine with `nowait()` or `skip_locked()`.
  [[nodiscard]] auto for_update() const {
    return rebuild<detail::lock_at>(detail::lock_clause<ast::row_lock::strength::update,
                                                        ast::row_lock::waiting::wait>{});
  }
  /// FOR SHARE: the rows read cannot be changed by other transactions until this one ends;
  /// others may share the lock.
  [[nodiscard]] auto for_share() const {
    return rebuild<detail::lock_at>(detail::lock_clause<ast::row_lock::strength::share,
                                                        ast::row_lock::waiting::wait>{});
  }
  /// NOWAIT: a row another transaction has locked fails the statement at once
  /// (`operational_error`, SQLSTATE 55P03) instead of waiting.
  [[nodiscard]] auto nowait() const {
    return with_lock_wait<ast::row_lock::waiting::nowait>();
  }
  /// SKIP LOCKED: rows another transaction has locked are left out (a job queue: each worker
  /// claims a different row).
  [[nodiscard]] auto skip_locked() const {
    return with_lock_wait<ast::row_lock::waiting::skip_locked>();
  }

  /// WITH: common table expressions defined by `cte<Row, "name">::as(query)`, read through
  /// `from<cte>()` or a join. WITH RECURSIVE when one of them reads itself.
  template <class... Defs>
  [[nodiscard]] auto with(Defs... defs) const {
    static_assert((detail::is_query_table_def<Defs>::value && ...),
                  "tabula: with() takes CTE definitions. Pass cte<Row, \"name\">::as(query).");
    return rebuild<detail::ctes_at>(detail::bundle_get<detail::ctes_at>(parts_).append(TABULA_MOVE(defs)...));
  }

  /// `this UNION other`: rows of either, without duplicates. Both must have the same row type.
  template <class Other>
  [[nodiscard]] auto union_(Other other) const;
  /// `this UNION ALL other`: rows of both, duplicates kept.
  template <class Other>
  [[nodiscard]] auto union_all(Other other) const;
  /// `this INTERSECT other`: rows in both.
  template <class Other>
  [[nodiscard]] auto intersect(Other other) const;
  /// `this EXCEPT other`: rows of this not in other.
  template <class Other>
  [[nodiscard]] auto except_(Other other) const;

  /// The statement as an AST, its parameters numbered from 0. Checks every rule.
  [[nodiscard]] ast::statement lower() const {
    assert_scope();
    detail::lower_context ctx;
    return lower_select(ctx);
  }

  /// The AST inside an enclosing statement, its parameters numbered on from `ctx`. Columns of
  /// relations out of scope are left to the enclosing statement (`free_models`).
  [[nodiscard]] ast::select lower_select(detail::lower_context& ctx) const {
    assert_structure();
    ast::select s;
    detail::repeats_lowering<typename repeatable::plan> rep;
    if constexpr (!decltype(rep)::none) rep.mask = repeatable{parts_}.mask();
    detail::bundle_get<detail::ctes_at>(parts_).lower_into(s, ctx);
    detail::bundle_get<detail::distinct_at>(parts_).lower_into(s, ctx);
    detail::bundle_get<detail::items_at>(parts_).template lower_into<0>(s, ctx, rep);
    detail::bundle_get<detail::from_at>(parts_).lower_into(s, ctx);
    detail::bundle_get<detail::joins_at>(parts_).lower_into(s, ctx);
    detail::bundle_get<detail::where_at>(parts_).lower_into(s, ctx);
    detail::bundle_get<detail::group_at>(parts_).template lower_into<repeatable::groups_from>(s, ctx,
                                                                                          rep);
    detail::bundle_get<detail::having_at>(parts_).lower_into(s, ctx);
    detail::bundle_get<detail::order_at>(parts_).template lower_into<repeatable::orders_from>(s, ctx,
                                                                                          rep);
    detail::bundle_get<detail::limit_at>(parts_).lower_into(s, ctx);
    detail::bundle_get<detail::offset_at>(parts_).lower_into(s, ctx);
    detail::bundle_get<detail::lock_at>(parts_).lower_into(s, ctx);
    if constexpr (shape::from_inferred) s.from = detail::relation_table<typename shape::from>();
    return s;
  }

  /// Binds every value in the order `lower` numbered them. An item that repeats an earlier
  /// one binds nothing; which items do is a part of the SQL's shape (repeated_items.hpp).
  template <class Binder>
  void bind(Binder& b) const {
    detail::repeats<typename repeatable::plan> rep;
    if constexpr (!decltype(rep)::none) {
      rep.mask = repeatable{parts_}.mask();
      detail::bind_shape(b, rep.mask);
    }
    detail::bundle_get<detail::ctes_at>(parts_).bind(b);
    detail::bundle_get<detail::distinct_at>(parts_).bind(b);
    detail::bundle_get<detail::items_at>(parts_).template bind<0>(b, rep);
    detail::bundle_get<detail::from_at>(parts_).bind(b);
    detail::bundle_get<detail::joins_at>(parts_).bind(b);
    detail::bundle_get<detail::where_at>(parts_).bind(b);
    detail::bundle_get<detail::group_at>(parts_).template bind<repeatable::groups_from>(b, rep);
    detail::bundle_get<detail::having_at>(parts_).bind(b);
    detail::bundle_get<detail::order_at>(parts_).template bind<repeatable::orders_from>(b, rep);
    detail::bundle_get<detail::limit_at>(parts_).bind(b);
    detail::bundle_get<detail::offset_at>(parts_).bind(b);
    detail::bundle_get<detail::lock_at>(parts_).bind(b);
  }

 private:
  /// `old`'s clauses with clause `I` replaced by `*v`: what `rebuild` returns, built in place
  /// (one function per builder call, no intermediate pack to move).
  /// (Each clause of `old` is reached by a cast to its slot, which the compiler does itself,
  /// not by `bundle_get`: a call per clause, deduced against every slot.)
  template <std::size_t I, class V, std::size_t... J, class... Old>
  select_statement(detail::replacing<I> /*tag*/, Source* source,
                   const detail::bundle_impl<std::index_sequence<J...>, Old...>& old, V* v)
      : parts_{{detail::part_or(std::bool_constant<J == I>{},
                                static_cast<const detail::bundle_slot<J, Old>&>(old).value,
                                v)}...} {
    this->source_ = source;
  }

  template <ast::row_lock::waiting W>
  auto with_lock_wait() const {
    using lock = part<detail::lock_at>;
    static_assert(detail::is_lock_clause_v<lock>,
                  "tabula: nowait() and skip_locked() refine a row lock. Call for_update() or "
                  "for_share() before them.");
    if constexpr (detail::is_lock_clause_v<lock>) {
      return rebuild<detail::lock_at>(detail::lock_clause<lock::mode, W>{});
    } else {
      return *this;
    }
  }

  template <std::size_t I, class V>
  auto rebuild(V v) const {
    using parts = typename detail::replaced<I, V, parts_type>::type;
    return with_parts<parts>(detail::replacing<I>{}, this->source_, parts_, &v);
  }

  template <ast::join_kind Kind, class Link>
  [[nodiscard]] auto join_along() const {
    using owner = std::conditional_t<Link::kind == detail::link_kind::many_to_one,
                                     typename Link::key_holder, typename Link::key_parent>;
    static_assert(!std::is_same_v<typename Link::target, owner>,
                  "tabula: a join along a relationship of a model to itself needs an alias for "
                  "one side. Write the join with tabula::alias and an ON condition.");
    if constexpr (Link::kind == detail::link_kind::many_to_one) {
      return add_join<Kind>(detail::relation_source<typename Link::target>{},
                            col(Link::referenced) == col(Link::fk));
    } else if constexpr (Link::kind != detail::link_kind::many_to_many) {
      return add_join<Kind>(detail::relation_source<typename Link::target>{},
                            col(Link::fk) == col(Link::referenced));
    } else {
      auto through = add_join<Kind>(detail::relation_source<typename Link::association>{},
                                    col(Link::fk) == col(Link::referenced));
      const auto on = col(Link::target_referenced) == col(Link::target_fk);
      if constexpr (Kind == ast::join_kind::left) {
        return through.template left_join<typename Link::target>(on);
      } else {
        return through.template join<typename Link::target>(on);
      }
    }
  }

  template <ast::join_kind Kind, class Target, class On>
  auto add_join(Target target, On on) const {
    if constexpr (!std::is_same_v<On, detail::no_on>) {
      static_assert(expression<On> && detail::category_of<typename On::value_type>() ==
                                          detail::category::boolean,
                    "tabula: a join takes an ON condition. Pass a boolean expression such as "
                    "col(&B::a_id) == col(&A::id).");
    }
    using J = detail::join_part<Kind, Target, On>;
    return rebuild<detail::joins_at>(
        detail::bundle_get<detail::joins_at>(parts_).append(J{TABULA_MOVE(target), TABULA_MOVE(on)}));
  }

  template <class Cond>
  static consteval void check_condition() {
    static_assert(expression<Cond>,
                  "tabula: where() and having() take a condition. Pass a boolean expression "
                  "such as col(&T::x) == v.");
    if constexpr (expression<Cond>) {
      static_assert(detail::category_of<typename Cond::value_type>() == detail::category::boolean,
                    "tabula: where() and having() take a condition. Pass a boolean expression "
                    "such as col(&T::x) == v.");
    }
  }


  parts_type parts_{};
};

namespace detail {
/// A select of `items` on `source`.
template <class Source, class... Items>
auto make_select_list(Source* source, Items... items);

template <class Source, class... Items>
auto make_select(Source* source, Items... items) {
  static_assert((select_item<Items> && ...),
                "tabula: select() takes expressions (col(&T::m) or &T::m, count(), ...) and "
                "whole rows (all_of<T>).");
  if constexpr ((member_column<Items> || ...)) {
    return make_select(source, as_select_item(TABULA_MOVE(items))...);
  } else {
    return make_select_list(source, TABULA_MOVE(items)...);
  }
}
template <class Source, class... Items>
auto make_select_list(Source* source, Items... items) {
  using parts = initial_parts<Items...>;
  return select_statement<Source, parts>(
      source, parts{{cte_list<>{}}, {distinct_flag<false>{}},
                    {select_list<Items...>{{{TABULA_MOVE(items)}...}}}, {no_from{}},
                    {join_list<>{}}, {no_clause{}}, {group_list<>{}}, {no_clause{}},
                    {order_list<false>{}}, {no_clause{}}, {no_clause{}}, {no_clause{}}});
}
}  // namespace detail

/// True when `S` is a select every rule of which holds, so it can run on its own.
template <class S>
concept valid_select = S::checks::all;

/// A SELECT of whole `Model` rows, not bound to a source.
template <class Model>
[[nodiscard]] select_statement<void, Model> select_from() {
  return select_statement<void, Model>{};
}

/// A SELECT of `items` not bound to a source: a subquery, a CTE's query, or a statement run
/// later with `db.all(stmt)`.
template <class... Items>
  requires(sizeof...(Items) > 0 && (detail::select_item<Items> && ...))
[[nodiscard]] auto select(Items... items) {
  return detail::make_select<void>(nullptr, TABULA_MOVE(items)...);
}
/// A SELECT of whole rows of `Rs...` not bound to a source.
template <class... Rs>
  requires(sizeof...(Rs) > 0)
[[nodiscard]] auto select() {
  return select(all_of<Rs>...);
}

}  // namespace tabula

#include "tabula/query/compound.hpp"
