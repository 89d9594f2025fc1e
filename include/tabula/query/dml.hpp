#pragma once
/// \file dml.hpp
/// Typed INSERT, UPDATE and DELETE: `insert_into<T>()`, `update<T>()`, `delete_from<T>()` (or
/// `db.insert_into<T>()` etc., which run on `db`).
///
///     db.insert_into<Metric>().values(m).execute();
///     db.insert_into<Metric>()
///         .values(metrics)                                        // any range of Metric
///         .on_conflict(&Metric::experiment, &Metric::name)
///         .do_update(col(&Metric::value) = tabula::excluded(&Metric::value))
///         .execute();
///     db.update<Run>().set(col(&Run::n) = col(&Run::n) + 1).where(col(&Run::id) == 7)
///         .returning(&Run::n).one();                              // std::tuple<std::int64_t>
///     db.delete_from<Run>().where(col(&Run::n) > 10).execute();  // rows deleted
///
/// An UPDATE or DELETE runs only with a `where()` or after `.all_rows()`: calling a terminal
/// operation on one without either does not compile. Every clause is part of the statement's
/// type, so the SQL of a statement type is compiled once per dialect and cached. An INSERT of
/// a value list runs as one or more `INSERT ... VALUES (...), (...)` statements (chunked under
/// the database's parameter limit, in one transaction when there are several); the SQL of a
/// full-size chunk is cached, a shorter last chunk is compiled when it runs.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/error.hpp"
#include "tabula/query/executable.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

namespace detail::dml {

/// The row an INSERT proposes, inside ON CONFLICT DO UPDATE (SQL's `excluded`). A model of its
/// own in `models` lists, so that `excluded(...)` is refused everywhere else.
template <class Model>
struct excluded_row {};

}  // namespace detail::dml

/// `excluded."column"`: the value the INSERT proposed for a column, inside
/// `on_conflict(...).do_update(...)`.
template <class Model, class Member>
struct excluded_column : detail::expression_tag {
  using value_type = Member;
  using model_type = Model;
  using models = detail::type_list<detail::dml::excluded_row<Model>>;

  Member Model::*member;

  [[nodiscard]] ast::expr lower(detail::lower_context& /*ctx*/) const {
    return ast::excluded{column_name<Model>(member)};
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bind_shape(b, member);
  }
};

/// The value the INSERT proposed for `member`, in an upsert's `do_update(...)`:
/// `col(&T::value) = tabula::excluded(&T::value)`.
template <class Model, class Member>
constexpr excluded_column<Model, Member> excluded(Member Model::*member) {
  static_assert(column_type<Member>,
                "tabula: this member's type has no SQL mapping. Specialize tabula::type_traits "
                "for it (see docs/models.md).");
  return excluded_column<Model, Member>{{}, member};
}

namespace detail::dml {

// ---------------------------------------------------------------------------------------------
// Small facts and helpers shared by the statements below.

/// Counts the values a part binds: the number of parameter slots it lowers.
struct counting_binder {
  std::uint32_t count = 0;
  template <class V>
  void operator()(const V& /*v*/) {
    ++count;
  }
};

template <class Part>
std::uint32_t bound_values_of(const Part& part) {
  counting_binder counter;
  part.bind(counter);
  return counter.count;
}

/// `col(member)` for a member pointer, the expression itself otherwise.
template <class X>
constexpr auto as_column_expr(X x) {
  if constexpr (data_member_pointer<X>)
    return col(x);
  else
    return as_expr(std::move(x));
}

template <class X>
using column_expr_t = decltype(as_column_expr(std::declval<X>()));

/// `typename E::models`, or no model for a part that declares none.
template <class E>
struct models_of {
  using type = type_list<>;
};
template <class E>
requires requires { typename E::models; }
struct models_of<E> {
  using type = typename E::models;
};

template <class Model, class Part>
constexpr bool reads_only = list_subset<typename models_of<Part>::type, type_list<Model>>::value;

template <class Model, class Part>
constexpr bool reads_excluded =
    list_contains<excluded_row<Model>, typename models_of<Part>::type>::value;

/// An assignment `col(&T::c) = value` (see expression.hpp): lowers to an `ast::assignment`
/// and binds its values in the same order.
template <class A>
concept assignment_node = requires(const A& a, lower_context& ctx, counting_binder& b) {
  { a.lower(ctx) } -> std::convertible_to<ast::assignment>;
  a.bind(b);
};

/// Lowers a tuple of parts that lower to `Out`, in order.
template <class Out, class Tuple>
std::vector<Out> lower_all(const Tuple& parts, lower_context& ctx) {
  std::vector<Out> out;
  out.reserve(std::tuple_size_v<Tuple>);
  std::apply([&](const auto&... p) { (out.push_back(Out(p.lower(ctx))), ...); }, parts);
  return out;
}
template <class Tuple, class Binder>
void bind_all(const Tuple& parts, Binder& b) {
  std::apply([&](const auto&... p) { (p.bind(b), ...); }, parts);
}

/// Absent WHERE: lowers to nothing, binds nothing.
struct no_filter {
  using models = type_list<>;
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

template <class Where>
std::optional<ast::expr> lower_filter(const Where& where, lower_context& ctx) {
  if constexpr (std::is_same_v<Where, no_filter>)
    return std::nullopt;
  else
    return where.lower(ctx);
}

/// Refuses a where() that is only an empty `tabula::filter` (a condition composed at run time
/// to which nothing was added): it would change every row, which takes `all_rows()`.
template <class Where>
void check_not_empty_filter(const Where& where, const char* statement) {
  if constexpr (requires { where.empty(); }) {
    if (where.empty()) {
      throw_error<programming_error>(
          std::string("tabula: the where() of this ") + statement +
          " is an empty filter, which would change every row. Add a condition to the filter, "
          "or call all_rows() to change every row on purpose.");
    }
  }
}

/// `where` combined with AND with a further condition.
template <class Where, class Cond>
auto and_filter(const Where& where, Cond cond) {
  if constexpr (std::is_same_v<Where, no_filter>)
    return cond;
  else
    return where && std::move(cond);
}

template <class Model, class Cond>
constexpr void check_condition() {
  static_assert(expression<Cond>,
                "tabula: where() takes a condition. Pass a boolean expression such as "
                "col(&T::x) == v.");
  if constexpr (expression<Cond>) {
    static_assert(category_of<typename Cond::value_type>() == category::boolean,
                  "tabula: where() takes a condition. Pass a boolean expression such as "
                  "col(&T::x) == v.");
    static_assert(!reads_excluded<Model, Cond>,
                  "tabula: excluded(...) is the row an INSERT proposes. Use it only inside "
                  "on_conflict(...).do_update(...) and its where().");
    static_assert(reads_only<Model, Cond>,
                  "tabula: the condition uses a column of a model that is not in this "
                  "statement. Filter on columns of the model the statement writes.");
  }
}

template <class Model, class... As>
constexpr void check_assignments() {
  static_assert((assignment_node<As> && ...),
                "tabula: set() and do_update() take assignments. Write col(&T::c) = value, e.g. "
                "col(&T::n) = col(&T::n) + 1.");
  static_assert(sizeof...(As) > 0,
                "tabula: set() needs at least one assignment. Pass col(&T::c) = value.");
  static_assert((reads_only<Model, As> && ...),
                "tabula: an assignment uses a column of another model. Assign and read columns "
                "of the model the statement writes.");
}

/// Parts of ON CONFLICT DO UPDATE read the existing row and `excluded`, nothing else.
template <class Model, class Part>
constexpr bool upsert_reads_only =
    list_subset<typename models_of<Part>::type, type_list<Model, excluded_row<Model>>>::value;

template <class Model, class Cond>
constexpr void check_upsert_condition() {
  static_assert(expression<Cond>,
                "tabula: where() takes a condition. Pass a boolean expression such as "
                "col(&T::x) == v.");
  if constexpr (expression<Cond>) {
    static_assert(category_of<typename Cond::value_type>() == category::boolean,
                  "tabula: where() takes a condition. Pass a boolean expression such as "
                  "col(&T::x) == v.");
    static_assert(upsert_reads_only<Model, Cond>,
                  "tabula: on_conflict(...).do_update(...) uses a column of another model. Use "
                  "columns of the model inserted and tabula::excluded(&T::member).");
  }
}

template <class Model, class... As>
constexpr void check_upsert_assignments() {
  static_assert(sizeof...(As) > 0,
                "tabula: do_update() needs at least one assignment. Pass col(&T::c) = "
                "tabula::excluded(&T::c).");
  static_assert((assignment_node<As> && ...),
                "tabula: do_update() takes assignments. Write col(&T::c) = value, e.g. "
                "col(&T::value) = tabula::excluded(&T::value).");
  static_assert((upsert_reads_only<Model, As> && ...),
                "tabula: on_conflict(...).do_update(...) uses a column of another model. Use "
                "columns of the model inserted and tabula::excluded(&T::member).");
}

// ---------------------------------------------------------------------------------------------
// RETURNING

/// No RETURNING: the statement yields no rows.
struct no_returning {
  using row_type = void;
  static constexpr bool fixed_shape = true;
  void lower_into(std::vector<ast::select_item>& /*items*/, lower_context& /*ctx*/) const {}
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

/// Every column of the model written, in field order (declared in src/dml.cpp).
std::vector<ast::select_item> returning_columns(const table_info& t);

/// RETURNING every column: rows are whole models.
template <class Model>
struct returning_model {
  using row_type = Model;
  static constexpr bool fixed_shape = true;
  void lower_into(std::vector<ast::select_item>& items, lower_context& /*ctx*/) const {
    items = returning_columns(table_of<Model>());
  }
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

/// RETURNING expressions: rows are tuples of their values.
template <class... Es>
struct returning_exprs {
  using row_type = std::tuple<typename Es::value_type...>;
  static constexpr bool fixed_shape = (Es::fixed_shape && ...);
  std::tuple<Es...> exprs;
  void lower_into(std::vector<ast::select_item>& items, lower_context& ctx) const {
    items.reserve(sizeof...(Es));
    std::apply(
        [&](const auto&... e) {
          (items.push_back(ast::select_item{e.lower(ctx), {}}), ...);
        },
        exprs);
  }
  template <class Binder>
  void bind(Binder& b) const {
    bind_all(exprs, b);
  }
};

template <class Model, class... Xs>
auto make_returning(Xs... xs) {
  return returning_exprs<column_expr_t<Xs>...>{{as_column_expr(std::move(xs))...}};
}

template <class Returning>
constexpr bool has_returning = !std::is_same_v<Returning, no_returning>;

}  // namespace detail::dml

/// True when `X` may appear in `returning(...)` of a statement writing `Model`: a member
/// pointer of `Model`, or an expression reading only `Model`'s columns.
template <class Model, class X>
concept returnable = (detail::data_member_pointer<X> &&
                      std::is_same_v<detail::class_of<X>, Model>) ||
                     (!detail::data_member_pointer<X> && expression<X> &&
                      detail::dml::reads_only<Model, X>);

/// True when an UPDATE or DELETE statement may run: it has a `where()`, or `.all_rows()` was
/// called to change every row on purpose.
template <class S>
concept row_scoped = S::row_scoped;

namespace detail::dml {

template <class Model, class... Xs>
constexpr void check_returning() {
  static_assert(sizeof...(Xs) > 0,
                "tabula: returning() needs at least one column. Name members such as &T::id, or "
                "call returning_model().");
  static_assert((returnable<Model, Xs> && ...),
                "tabula: returning() names a member or column of another model. Return members "
                "of the model the statement writes.");
}

// ---------------------------------------------------------------------------------------------
// INSERT sources and upsert clauses

/// Most rows one INSERT ... VALUES statement carries, whatever the parameter limit allows: a
/// longer statement gains nothing measurable and costs the database more to plan.
inline constexpr std::size_t max_rows_per_insert = 1000;

/// Rows per INSERT ... VALUES statement: as many as fit under `max_params` with `columns`
/// parameters a row and `other_params` for the rest of the statement, at most
/// `max_rows_per_insert`, at least one. A row of no columns is `INSERT ... DEFAULT VALUES`,
/// which inserts one row: one row a statement.
constexpr std::size_t rows_per_insert(std::uint32_t max_params, std::size_t columns,
                                      std::size_t other_params) {
  if (columns == 0) return 1;
  const std::size_t room = max_params > other_params ? max_params - other_params : 0;
  return std::clamp<std::size_t>(room / columns, 1, max_rows_per_insert);
}

/// One SQL statement of a multi-row INSERT: rows [first, first + count) of the value list,
/// all of one shape (the generated key given or not), `full` when it has as many rows as a
/// statement takes.
struct insert_chunk {
  std::size_t first = 0;
  std::size_t count = 0;
  bool with_key = false;
  bool full = false;
};

/// Splits `n` rows into chunks: consecutive rows of the same shape (`with_key(i)`), at most
/// `rows_for(with_key)` rows each. Calls `on_chunk(insert_chunk)` in row order.
template <class WithKey, class RowsFor, class OnChunk>
void for_each_insert_chunk(std::size_t n, WithKey&& with_key, RowsFor&& rows_for,
                           OnChunk&& on_chunk) {
  std::size_t first = 0;
  while (first < n) {
    const bool key = with_key(first);
    const std::size_t limit = rows_for(key);
    std::size_t end = first + 1;
    while (end < n && end - first < limit && with_key(end) == key) ++end;
    on_chunk(insert_chunk{first, end - first, key, end - first == limit});
    first = end;
  }
}

/// Whether `obj` gives its own value for the table's generated key (true when there is none):
/// a key left at its default is generated by the database.
template <class T>
bool gives_generated_key(const T& obj, const table_info& t) {
  if (!t.generated_field) return true;
  bool given = false;
  reflect::for_each_field(obj, [&](const auto& field, auto i) {
    // Only an integer field is ever the generated key; other fields are never compared.
    if constexpr (std::is_integral_v<std::remove_cvref_t<decltype(field)>>) {
      if (decltype(i)::value == *t.generated_field) given = field != 0;
    }
  });
  return given;
}

/// Binds every field of `obj` but the generated key (unless `with_key`), in field order.
template <class Binder, class T>
void bind_model_row(Binder& b, const T& obj, const table_info& t, bool with_key) {
  reflect::for_each_field(obj, [&](const auto& field, auto i) {
    if (with_key || t.generated_field != decltype(i)::value) b(field);
  });
}

/// `INSERT INTO t (columns) VALUES (...) x rows`: every column but the generated key (unless
/// `with_key`), parameters numbered from `next_param` row by row (declared in src/dml.cpp).
/// A table whose one column is the generated key gets `INSERT INTO t DEFAULT VALUES`, of one
/// row (throws `programming_error` for more).
ast::insert values_insert(const table_info& t, bool with_key, std::size_t rows,
                          std::uint32_t& next_param);

/// How many columns a row of `values_insert` has.
std::size_t values_columns(const table_info& t, bool with_key);

[[noreturn]] void throw_values_need_statements(const table_info& t, std::string_view why);
/// Generated keys read back from a multi-row INSERT that cannot be matched to its rows.
[[noreturn]] void throw_unmatched_keys(const table_info& t, std::string_view why);

/// No values yet.
struct no_values {
  static constexpr bool fixed_shape = true;
};

/// One model, read when the statement runs (owned when given as an rvalue).
template <class Model>
struct one_row {
  static constexpr bool fixed_shape = true;
  std::shared_ptr<const Model> row;
  [[nodiscard]] std::size_t size() const noexcept { return 1; }
  [[nodiscard]] const Model& operator[](std::size_t /*i*/) const noexcept { return *row; }
};

/// A list of models of run-time length, read when the statement runs (owned when the range
/// was an rvalue or yields values rather than references).
template <class Model>
struct row_list {
  static constexpr bool fixed_shape = false;
  std::shared_ptr<const std::vector<Model>> owned;
  std::shared_ptr<const std::vector<const Model*>> rows;
  [[nodiscard]] std::size_t size() const noexcept { return rows->size(); }
  [[nodiscard]] const Model& operator[](std::size_t i) const noexcept { return *(*rows)[i]; }
};

template <class Model, class R>
row_list<Model> make_row_list(R&& range) {
  auto rows = std::make_shared<std::vector<const Model*>>();
  std::shared_ptr<const std::vector<Model>> owned;
  constexpr bool reference_rows = std::is_lvalue_reference_v<R> &&
                                  std::is_lvalue_reference_v<std::ranges::range_reference_t<R>>;
  if constexpr (reference_rows) {
    if constexpr (std::ranges::sized_range<R>) rows->reserve(std::ranges::size(range));
    for (const Model& m : range) rows->push_back(std::addressof(m));
  } else {
    std::vector<Model> copy;
    if constexpr (std::is_same_v<std::remove_cvref_t<R>, std::vector<Model>> &&
                  !std::is_lvalue_reference_v<R>) {
      copy = std::move(range);
    } else {
      if constexpr (std::ranges::sized_range<R>) copy.reserve(std::ranges::size(range));
      for (auto&& m : range) copy.push_back(std::forward<decltype(m)>(m));
    }
    rows->reserve(copy.size());
    for (const Model& m : copy) rows->push_back(std::addressof(m));
    owned = std::make_shared<const std::vector<Model>>(std::move(copy));
  }
  return row_list<Model>{std::move(owned), std::move(rows)};
}

/// `INSERT ... SELECT`: the select and the columns it fills (empty: every column).
template <class Select, class... Cols>
struct select_rows {
  static constexpr bool fixed_shape = Select::fixed_shape;
  Select select;
  std::tuple<Cols...> columns;
};

/// No ON CONFLICT clause.
struct no_conflict {
  static constexpr bool fixed_shape = true;
  static constexpr bool complete = true;
  static constexpr bool can_filter = false;
  void lower_into(ast::insert& /*ins*/, lower_context& /*ctx*/) const {}
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

template <class... Cols>
std::vector<std::string> column_names(const std::tuple<Cols...>& cols) {
  std::vector<std::string> names;
  names.reserve(sizeof...(Cols));
  std::apply([&](const auto&... c) { (names.push_back(c.name()), ...); }, cols);
  return names;
}

/// `ON CONFLICT (columns) DO NOTHING`.
template <class... Cols>
struct conflict_do_nothing {
  static constexpr bool fixed_shape = true;
  static constexpr bool complete = true;
  static constexpr bool can_filter = false;
  std::tuple<Cols...> target;
  void lower_into(ast::insert& ins, lower_context& /*ctx*/) const {
    ins.conflict = ast::on_conflict{column_names(target), true, {}, std::nullopt};
  }
  template <class Binder>
  void bind(Binder& b) const {
    std::apply([&](const auto&... c) { (c.bind(b), ...); }, target);  // shapes only
  }
};

/// `on_conflict(columns)` waiting for `do_nothing()` or `do_update(...)`.
template <class... Cols>
struct conflict_target {
  static constexpr bool fixed_shape = true;
  static constexpr bool complete = false;
  static constexpr bool can_filter = false;
  using do_nothing_type = conflict_do_nothing<Cols...>;
  std::tuple<Cols...> target;
  void lower_into(ast::insert& /*ins*/, lower_context& /*ctx*/) const {}
  template <class Binder>
  void bind(Binder& b) const {
    std::apply([&](const auto&... c) { (c.bind(b), ...); }, target);  // shapes only
  }
};

/// `ON CONFLICT (columns) DO UPDATE SET ... [WHERE ...]`.
template <class Target, class Sets, class Where>
struct conflict_do_update {
  static constexpr bool fixed_shape = fixed_shape_of<Sets>() && fixed_shape_of<Where>();
  static constexpr bool complete = true;
  static constexpr bool can_filter = true;
  Target target;
  Sets sets;
  Where where;
  void lower_into(ast::insert& ins, lower_context& ctx) const {
    ast::on_conflict c{column_names(target), false, lower_all<ast::assignment>(sets, ctx),
                       lower_filter(where, ctx)};
    ins.conflict = std::move(c);
  }
  template <class Binder>
  void bind(Binder& b) const {
    std::apply([&](const auto&... c) { (c.bind(b), ...); }, target);  // shapes only
    bind_all(sets, b);
    where.bind(b);
  }
};

template <class T>
inline constexpr bool is_one_row = false;
template <class M>
inline constexpr bool is_one_row<one_row<M>> = true;
template <class T>
inline constexpr bool is_row_list = false;
template <class M>
inline constexpr bool is_row_list<row_list<M>> = true;
template <class T>
inline constexpr bool is_select_rows = false;
template <class S, class... Cols>
inline constexpr bool is_select_rows<select_rows<S, Cols...>> = true;

/// The C++ types of the columns a SELECT yields: a tuple's elements, a model's fields, or one
/// value.
template <class Row>
struct row_columns {
  using type = type_list<Row>;
};
template <class... Es>
struct row_columns<std::tuple<Es...>> {
  using type = type_list<Es...>;
};
template <class Row, class Indexes>
struct field_types;
template <class Row, std::size_t... I>
struct field_types<Row, std::index_sequence<I...>> {
  using type = type_list<reflect::field_type<Row, I>...>;
};
template <class Row>
requires(!column_type<Row> && reflect::reflectable<Row>) struct row_columns<Row> {
  using type = typename field_types<Row, std::make_index_sequence<reflect::field_count<Row>>>::type;
};

template <class Selected, class Targets>
struct columns_match : std::false_type {};
template <class... Ss, class... Ts>
requires(sizeof...(Ss) == sizeof...(Ts)) struct columns_match<type_list<Ss...>, type_list<Ts...>>
    : std::bool_constant<(comparable_types<Ss, Ts>() && ...)> {
};

template <class L>
struct list_size;
template <class... Ts>
struct list_size<type_list<Ts...>> : std::integral_constant<std::size_t, sizeof...(Ts)> {};

template <class Stmt, bool WithKey, bool Full>
struct insert_values_part;

template <class Model>
struct model_columns_list {
  using type = typename row_columns<Model>::type;
};

template <class C>
inline constexpr bool is_conflict_target = false;
template <class... Cs>
inline constexpr bool is_conflict_target<conflict_target<Cs...>> = true;

template <class C>
constexpr std::size_t target_size() {
  if constexpr (is_conflict_target<C>)
    return std::tuple_size_v<decltype(C::target)>;
  else
    return 0;
}

template <class Values>
constexpr bool values_given = !std::is_same_v<Values, no_values>;

}  // namespace detail::dml

// ---------------------------------------------------------------------------------------------
// INSERT

/// INSERT INTO the table of `Model`. Build with `db.insert_into<Model>()` (runs on `db`) or
/// `insert_into<Model>()` (unbound); give rows with `values(model)`, `values(range)` or
/// `from_select(select, &Model::a, ...)`; optionally `on_conflict(...)` with `do_nothing()` or
/// `do_update(...)` [`where(...)`], and `returning(...)`. Finish with `execute()` or, with
/// returning, `all()` / `one()` / ...
///
/// A generated key (an integer `id`) left at 0 in a model is left out of the INSERT, so the
/// database generates it; a key set to any other value is inserted as given.
template <class Source, class Model, class Values = detail::dml::no_values,
          class Conflict = detail::dml::no_conflict, class Returning = detail::dml::no_returning>
class insert_into_statement
    : public executable<
          insert_into_statement<Source, Model, Values, Conflict, Returning>, Source> {
  using base = executable<insert_into_statement, Source>;
  friend base;
  template <class, class, class, class, class>
  friend class insert_into_statement;
  template <class, bool, bool>
  friend struct detail::dml::insert_values_part;

 public:
  using model_type = Model;
  using row_type = typename Returning::row_type;
  /// True when the SQL depends only on this type. An INSERT of values is false: it runs as
  /// statements of its own whose shapes are cached (see `insert_values_part`).
  static constexpr bool fixed_shape =
      detail::dml::is_select_rows<Values>
          ? Values::fixed_shape && Conflict::fixed_shape && Returning::fixed_shape
          : !detail::dml::values_given<Values>;
  /// Whether ON CONFLICT and RETURNING depend only on this type.
  static constexpr bool clauses_fixed_shape = Conflict::fixed_shape && Returning::fixed_shape;
  /// A data-changing statement: no count(), exists() or grouped().
  static constexpr bool changes_data = true;
  /// One SQL statement of one shape: its rows can be streamed.
  static constexpr bool streamable = detail::dml::is_select_rows<Values>;

  explicit insert_into_statement(Source* source = nullptr) : base(source) {}
  insert_into_statement(Source* source, Values v, Conflict c, Returning r)
      : base(source), values_(std::move(v)), conflict_(std::move(c)), returning_(std::move(r)) {}

  /// One row. An lvalue is read when the statement runs; an rvalue is kept in the statement.
  template <class M>
  requires std::is_same_v<std::remove_cvref_t<M>, Model>
  [[nodiscard]] auto values(M&& row) const {
    check_no_values();
    std::shared_ptr<const Model> p;
    if constexpr (std::is_lvalue_reference_v<M>) {
      p = std::shared_ptr<const Model>(std::shared_ptr<const Model>(), std::addressof(row));
    } else {
      p = std::make_shared<const Model>(std::move(row));
    }
    return with(detail::dml::one_row<Model>{std::move(p)}, conflict_, returning_);
  }

  /// Every element of a range of `Model`s, in order. A range given as an lvalue is read when
  /// the statement runs; otherwise its elements are copied into the statement.
  template <std::ranges::input_range R>
  requires(!std::is_same_v<std::remove_cvref_t<R>, Model>)
      [[nodiscard]] auto values(R&& range) const {
    static_assert(std::is_same_v<std::remove_cvref_t<std::ranges::range_reference_t<R>>, Model>,
                  "tabula: values() takes a model or a range of the model being inserted. Pass "
                  "elements of the model named in insert_into<T>().");
    check_no_values();
    return with(detail::dml::make_row_list<Model>(std::forward<R>(range)), conflict_, returning_);
  }

  /// `INSERT INTO t (columns) SELECT ...`: the rows of `select` (a typed SELECT), its columns
  /// in order into `members` (every column of `Model` when none are named).
  template <class Select, class... Ms>
  [[nodiscard]] auto from_select(Select select, Ms... members) const {
    static_assert(
        requires(const Select& s) {
          typename Select::row_type;
          s.lower();
        },
        "tabula: from_select() takes a typed SELECT statement, such as "
        "db.select(...) or select_from<T>().");
    static_assert((returnable<Model, Ms> && ...) && (detail::data_member_pointer<Ms> && ...),
                  "tabula: from_select() fills columns named by members of the model being "
                  "inserted. Pass &T::member for each selected column.");
    check_no_values();
    using selected = typename detail::dml::row_columns<typename Select::row_type>::type;
    if constexpr (sizeof...(Ms) == 0) {
      using targets = typename detail::dml::model_columns_list<Model>::type;
      static_assert(
          detail::dml::list_size<selected>::value == detail::dml::list_size<targets>::value,
          "tabula: from_select() without members fills every column of the model, so "
          "the select must yield one column per field. Name the members to fill.");
      static_assert(detail::dml::columns_match<selected, targets>::value,
                    "tabula: a selected column's type does not match the member it is inserted "
                    "into. Select values of each member's type, in order.");
    } else {
      using targets = detail::type_list<detail::member_of<Ms>...>;
      static_assert(detail::dml::list_size<selected>::value == sizeof...(Ms),
                    "tabula: from_select() needs one member per selected column. List as many "
                    "members as the select yields columns.");
      static_assert(detail::dml::columns_match<selected, targets>::value,
                    "tabula: a selected column's type does not match the member it is inserted "
                    "into. Select values of each member's type, in order.");
    }
    return with(
        detail::dml::select_rows<Select, detail::dml::column_expr_t<Ms>...>{std::move(select),
                                                                            {col(members)...}},
        conflict_, returning_);
  }

  /// `ON CONFLICT (columns)`: follow with `do_nothing()` or `do_update(...)`. Without columns,
  /// any unique violation counts (only with `do_nothing()`).
  template <class... Ms>
  [[nodiscard]] auto on_conflict(Ms... members) const {
    static_assert(std::is_same_v<Conflict, detail::dml::no_conflict>,
                  "tabula: an INSERT has one on_conflict(). Give all target columns in one call.");
    static_assert(((detail::data_member_pointer<Ms> && returnable<Model, Ms>)&&...),
                  "tabula: on_conflict() names the unique columns of the model being inserted. "
                  "Pass &T::member for each.");
    return with(values_,
                detail::dml::conflict_target<detail::dml::column_expr_t<Ms>...>{{col(members)...}},
                returning_);
  }

  /// `ON CONFLICT (...) DO NOTHING`: rows that would violate a unique constraint are skipped.
  [[nodiscard]] auto do_nothing() const {
    static_assert(detail::dml::is_conflict_target<Conflict>,
                  "tabula: do_nothing() follows on_conflict(...). Call on_conflict() first.");
    if constexpr (detail::dml::is_conflict_target<Conflict>) {
      return with(values_, typename Conflict::do_nothing_type{conflict_.target}, returning_);
    }
  }

  /// `ON CONFLICT (...) DO UPDATE SET ...`: rows that conflict update the existing row instead;
  /// `tabula::excluded(&T::m)` is the value the INSERT proposed.
  template <class... As>
  [[nodiscard]] auto do_update(As... assignments) const {
    static_assert(detail::dml::is_conflict_target<Conflict>,
                  "tabula: do_update() follows on_conflict(...). Call on_conflict() first.");
    static_assert(detail::dml::target_size<Conflict>() > 0,
                  "tabula: do_update() needs the conflict target. Name the unique columns in "
                  "on_conflict(&T::a, ...).");
    detail::dml::check_upsert_assignments<Model, As...>();
    if constexpr (detail::dml::is_conflict_target<Conflict>) {
      using target_t = decltype(conflict_.target);
      return with(
          values_,
          detail::dml::conflict_do_update<target_t, std::tuple<As...>, detail::dml::no_filter>{
              conflict_.target, {std::move(assignments)...}, {}},
          returning_);
    }
  }

  /// `DO UPDATE ... WHERE cond`: only rows meeting the condition are updated (the others are
  /// left as they are). A second `where` is combined with AND.
  template <class Cond>
  [[nodiscard]] auto where(Cond cond) const {
    static_assert(Conflict::can_filter,
                  "tabula: an INSERT's where() filters the rows do_update() changes. Call "
                  "on_conflict(...).do_update(...) first.");
    if constexpr (Conflict::can_filter) {
      detail::dml::check_upsert_condition<Model, Cond>();
      auto both = detail::dml::and_filter(conflict_.where, std::move(cond));
      using target_t = decltype(conflict_.target);
      using sets_t = decltype(conflict_.sets);
      return with(values_,
                  detail::dml::conflict_do_update<target_t, sets_t, decltype(both)>{
                      conflict_.target, conflict_.sets, std::move(both)},
                  returning_);
    }
  }

  /// `RETURNING` the given members (or expressions) of the inserted rows: rows are tuples.
  template <class... Xs>
  [[nodiscard]] auto returning(Xs... xs) const {
    detail::dml::check_returning<Model, Xs...>();
    check_no_returning();
    return with(values_, conflict_, detail::dml::make_returning<Model>(std::move(xs)...));
  }
  /// `RETURNING` every column: rows are whole `Model`s.
  [[nodiscard]] auto returning_model() const {
    check_no_returning();
    return with(values_, conflict_, detail::dml::returning_model<Model>{});
  }
  /// `RETURNING` every column, as `returning_model()`; `U` must be the model inserted.
  template <class U>
  [[nodiscard]] auto returning() const {
    static_assert(std::is_same_v<U, Model>,
                  "tabula: returning<U>() returns rows of the model the statement writes. Name "
                  "that model, or return members with returning(&T::a, ...).");
    return returning_model();
  }

  /// The statement as one AST. For values, every row in one statement; throws
  /// `programming_error` when the rows need more than one (generated keys given for some rows
  /// and not others) — running the statement splits them.
  [[nodiscard]] ast::statement lower() const {
    check_runnable();
    if constexpr (detail::dml::is_select_rows<Values>) {
      return lower_select();
    } else if constexpr (!detail::dml::values_given<Values>) {
      return ast::insert{};
    } else {
      const bool key = whole_list_shape();
      return lower_rows(0, values_.size(), key);
    }
  }
  /// Binds every value in the order `lower` numbered them.
  template <class Binder>
  void bind(Binder& b) const {
    check_runnable();
    if constexpr (detail::dml::is_select_rows<Values>) {
      values_.select.bind(b);
      std::apply([&](const auto&... c) { (c.bind(b), ...); }, values_.columns);  // shapes
      conflict_.bind(b);
      returning_.bind(b);
    } else if constexpr (detail::dml::values_given<Values>) {
      const bool with_key = whole_list_shape();
      // Whether the generated key is written changes the column list: part of the shape.
      detail::bind_shape(b, static_cast<std::uint64_t>(with_key));
      bind_rows(0, values_.size(), with_key, b);
    }
  }

  /// The SQL statements an INSERT of values runs as: chunks of the value list, each of one
  /// key shape and at most as many rows as one statement carries under the database's
  /// parameter limit. The executor runs them (core's `detail::bulk_insert`), in one
  /// transaction when there are several; this layer only plans and builds them.
  [[nodiscard]] std::vector<detail::dml::insert_chunk> parts(std::uint32_t max_params) const
    requires(detail::dml::values_given<Values> && !detail::dml::is_select_rows<Values>)
  {
    std::vector<detail::dml::insert_chunk> chunks;
    const table_info& t = table_of<Model>();
    if constexpr (detail::dml::is_one_row<Values>) {
      chunks.push_back({0, 1, detail::dml::gives_generated_key(values_[0], t), true});
    } else {
      const std::uint32_t other_params =
          detail::dml::bound_values_of(conflict_) + detail::dml::bound_values_of(returning_);
      detail::dml::for_each_insert_chunk(
          values_.size(),
          [&](std::size_t i) { return detail::dml::gives_generated_key(values_[i], t); },
          [&](bool key) {
            return detail::dml::rows_per_insert(max_params, detail::dml::values_columns(t, key),
                                                other_params);
          },
          [&](const detail::dml::insert_chunk& c) { chunks.push_back(c); });
    }
    return chunks;
  }
  /// Calls `f(part)` with the statement of one of `parts()`.
  template <class F>
  void with_part(const detail::dml::insert_chunk& c, F&& f) const {
    using detail::dml::insert_values_part;
    if (c.with_key) {
      if (c.full)
        f(insert_values_part<insert_into_statement, true, true>{this, c.first, c.count});
      else
        f(insert_values_part<insert_into_statement, true, false>{this, c.first, c.count});
    } else {
      if (c.full)
        f(insert_values_part<insert_into_statement, false, true>{this, c.first, c.count});
      else
        f(insert_values_part<insert_into_statement, false, false>{this, c.first, c.count});
    }
  }

 private:
  static constexpr void check_no_values() {
    static_assert(!detail::dml::values_given<Values>,
                  "tabula: an INSERT takes one source of rows. Call values() or from_select() "
                  "once.");
  }
  static constexpr void check_no_returning() {
    static_assert(!detail::dml::has_returning<Returning>,
                  "tabula: a statement has one returning(). List every column in one call.");
  }
  static void check_runnable() {
    static_assert(detail::dml::values_given<Values>,
                  "tabula: an INSERT needs rows. Add values(...) or from_select(...).");
    static_assert(Conflict::complete,
                  "tabula: on_conflict() says what to do with a conflicting row. Add "
                  "do_nothing() or do_update(...).");
  }

  template <class V, class C, class R>
  insert_into_statement<Source, Model, V, C, R> with(V v, C c, R r) const {
    return insert_into_statement<Source, Model, V, C, R>{this->source_, std::move(v), std::move(c),
                                                         std::move(r)};
  }

  /// The shape of a value list as one statement: all rows must agree.
  bool whole_list_shape() const {
    const table_info& t = table_of<Model>();
    if (values_.size() == 0) detail::dml::throw_values_need_statements(t, "it has no rows");
    const bool key = detail::dml::gives_generated_key(values_[0], t);
    for (std::size_t i = 1; i < values_.size(); ++i) {
      if (detail::dml::gives_generated_key(values_[i], t) != key) {
        detail::dml::throw_values_need_statements(
            t, "some rows give the generated key and some do not");
      }
    }
    return key;
  }

  ast::statement lower_select() const {
    detail::lower_context ctx;
    ast::statement selected = values_.select.lower();
    ast::insert ins;
    ins.table = ast::table_ref{std::string(table_name<Model>()), {}};
    if constexpr (std::tuple_size_v<decltype(values_.columns)> == 0) {
      for (const auto& c : table_of<Model>().def.columns) ins.columns.push_back(c.name);
    } else {
      ins.columns = detail::dml::column_names(values_.columns);
    }
    ins.from_select = ast::box<ast::select>(std::get<ast::select>(std::move(selected)));
    ctx.next_param = detail::dml::bound_values_of(values_.select);
    conflict_.lower_into(ins, ctx);
    returning_.lower_into(ins.returning, ctx);
    return ins;
  }

  /// Rows [first, first + count) as one INSERT ... VALUES statement of shape `with_key`.
  ast::statement lower_rows(std::size_t /*first*/, std::size_t count, bool with_key) const {
    detail::lower_context ctx;
    ast::insert ins =
        detail::dml::values_insert(table_of<Model>(), with_key, count, ctx.next_param);
    conflict_.lower_into(ins, ctx);
    returning_.lower_into(ins.returning, ctx);
    return ins;
  }
  template <class Binder>
  void bind_rows(std::size_t first, std::size_t count, bool with_key, Binder& b) const {
    const table_info& t = table_of<Model>();
    for (std::size_t i = first; i < first + count; ++i) {
      detail::dml::bind_model_row(b, values_[i], t, with_key);
    }
    conflict_.bind(b);
    returning_.bind(b);
  }

  Values values_{};
  Conflict conflict_{};
  Returning returning_{};
};

namespace detail::dml {

/// One SQL statement of an INSERT of values: rows [first, first + count) of `Stmt`'s list, of
/// the shape `WithKey`. Its own type per shape, so the SQL of a full-size chunk (`Full`) is
/// cached like any statement's; a shorter chunk is compiled when it runs.
template <class Stmt, bool WithKey, bool Full>
struct insert_values_part {
  using row_type = typename Stmt::row_type;
  static constexpr bool fixed_shape = Full && Stmt::clauses_fixed_shape;

  const Stmt* stmt;
  std::size_t first;
  std::size_t count;

  [[nodiscard]] ast::statement lower() const { return stmt->lower_rows(first, count, WithKey); }
  template <class Binder>
  void bind(Binder& b) const {
    stmt->bind_rows(first, count, WithKey, b);
  }
};

}  // namespace detail::dml

// ---------------------------------------------------------------------------------------------
// UPDATE

/// UPDATE the table of `Model`. Build with `db.update<Model>()` or `update<Model>()`; add
/// `set(col(&Model::a) = value, ...)`, then `where(...)` — or `all_rows()` to change every row
/// on purpose — and optionally `returning(...)`. Finish with `execute()` (rows changed) or, with
/// returning, `all()` / `one()` / ...
template <class Source, class Model, class Sets = std::tuple<>,
          class Where = detail::dml::no_filter, class Returning = detail::dml::no_returning,
          bool AllRows = false>
class update_statement
    : public executable<
          update_statement<Source, Model, Sets, Where, Returning, AllRows>, Source> {
  using base = executable<update_statement, Source>;
  friend base;
  template <class, class, class, class, class, bool>
  friend class update_statement;

 public:
  using model_type = Model;
  using row_type = typename Returning::row_type;
  static constexpr bool fixed_shape =
      detail::fixed_shape_of<Sets>() && detail::fixed_shape_of<Where>() && Returning::fixed_shape;
  /// True when the statement has a `where()` or `all_rows()` (see `row_scoped`).
  static constexpr bool row_scoped = AllRows || !std::is_same_v<Where, detail::dml::no_filter>;
  static constexpr bool changes_data = true;
  static constexpr bool streamable = true;

  explicit update_statement(Source* source = nullptr) : base(source) {}
  update_statement(Source* source, Sets s, Where w, Returning r)
      : base(source), sets_(std::move(s)), where_(std::move(w)), returning_(std::move(r)) {}

  /// `SET column = value, ...`: assignments `col(&Model::c) = expression-or-value`. Further
  /// calls add assignments.
  template <class... As>
  [[nodiscard]] auto set(As... assignments) const {
    static_assert(!(detail::dml::reads_excluded<Model, As> || ...),
                  "tabula: excluded(...) is the row an INSERT proposes. Use it only inside "
                  "on_conflict(...).do_update(...).");
    detail::dml::check_assignments<Model, As...>();
    auto added = std::tuple_cat(sets_, std::make_tuple(std::move(assignments)...));
    return with<AllRows>(std::move(added), where_, returning_);
  }

  /// The rows to change; a second `where` is combined with AND.
  template <class Cond>
  [[nodiscard]] auto where(Cond cond) const {
    detail::dml::check_condition<Model, Cond>();
    return with<AllRows>(sets_, detail::dml::and_filter(where_, std::move(cond)), returning_);
  }

  /// Changes every row of the table: an UPDATE without `where()` runs only after this call.
  [[nodiscard]] auto all_rows() const { return with<true>(sets_, where_, returning_); }

  /// `RETURNING` the given members (or expressions) of the changed rows: rows are tuples.
  template <class... Xs>
  [[nodiscard]] auto returning(Xs... xs) const {
    detail::dml::check_returning<Model, Xs...>();
    check_no_returning();
    return with<AllRows>(sets_, where_, detail::dml::make_returning<Model>(std::move(xs)...));
  }
  /// `RETURNING` every column: rows are whole `Model`s.
  [[nodiscard]] auto returning_model() const {
    check_no_returning();
    return with<AllRows>(sets_, where_, detail::dml::returning_model<Model>{});
  }
  /// `RETURNING` every column, as `returning_model()`; `U` must be the model updated.
  template <class U>
  [[nodiscard]] auto returning() const {
    static_assert(std::is_same_v<U, Model>,
                  "tabula: returning<U>() returns rows of the model the statement writes. Name "
                  "that model, or return members with returning(&T::a, ...).");
    return returning_model();
  }

  /// The statement as an AST.
  [[nodiscard]] ast::statement lower() const {
    check_runnable();
    detail::lower_context ctx;
    ast::update u;
    u.table = ast::table_ref{std::string(table_name<Model>()), {}};
    u.set = detail::dml::lower_all<ast::assignment>(sets_, ctx);
    if constexpr (!AllRows) detail::dml::check_not_empty_filter(where_, "UPDATE");
    u.where = detail::dml::lower_filter(where_, ctx);
    returning_.lower_into(u.returning, ctx);
    return u;
  }
  /// Binds every value in the order `lower` numbered them.
  template <class Binder>
  void bind(Binder& b) const {
    detail::dml::bind_all(sets_, b);
    where_.bind(b);
    returning_.bind(b);
  }

 private:
  static void check_runnable() {
    static_assert(std::tuple_size_v<Sets> > 0,
                  "tabula: an UPDATE needs something to set. Add set(col(&T::c) = value).");
    static_assert(row_scoped,
                  "tabula: an UPDATE without where() changes every row. Add a where() or call "
                  ".all_rows().");
  }
  static constexpr void check_no_returning() {
    static_assert(!detail::dml::has_returning<Returning>,
                  "tabula: a statement has one returning(). List every column in one call.");
  }

  template <bool All, class S, class W, class R>
  update_statement<Source, Model, S, W, R, All> with(S s, W w, R r) const {
    return update_statement<Source, Model, S, W, R, All>{this->source_, std::move(s), std::move(w),
                                                         std::move(r)};
  }

  Sets sets_{};
  Where where_{};
  Returning returning_{};
};

// ---------------------------------------------------------------------------------------------
// DELETE

/// DELETE FROM the table of `Model`. Build with `db.delete_from<Model>()` or
/// `delete_from<Model>()`; add `where(...)` — or `all_rows()` to delete every row on purpose —
/// and optionally `returning(...)`. Finish with `execute()` (rows deleted) or, with returning,
/// `all()` / `one()` / ...
template <class Source, class Model, class Where = detail::dml::no_filter,
          class Returning = detail::dml::no_returning, bool AllRows = false>
class delete_statement
    : public executable<delete_statement<Source, Model, Where, Returning, AllRows>,
                                         Source> {
  using base = executable<delete_statement, Source>;
  friend base;
  template <class, class, class, class, bool>
  friend class delete_statement;

 public:
  using model_type = Model;
  using row_type = typename Returning::row_type;
  static constexpr bool fixed_shape = detail::fixed_shape_of<Where>() && Returning::fixed_shape;
  /// True when the statement has a `where()` or `all_rows()` (see `row_scoped`).
  static constexpr bool row_scoped = AllRows || !std::is_same_v<Where, detail::dml::no_filter>;
  static constexpr bool changes_data = true;
  static constexpr bool streamable = true;

  explicit delete_statement(Source* source = nullptr) : base(source) {}
  delete_statement(Source* source, Where w, Returning r)
      : base(source), where_(std::move(w)), returning_(std::move(r)) {}

  /// The rows to delete; a second `where` is combined with AND.
  template <class Cond>
  [[nodiscard]] auto where(Cond cond) const {
    detail::dml::check_condition<Model, Cond>();
    return with<AllRows>(detail::dml::and_filter(where_, std::move(cond)), returning_);
  }

  /// Deletes every row of the table: a DELETE without `where()` runs only after this call.
  [[nodiscard]] auto all_rows() const { return with<true>(where_, returning_); }

  /// `RETURNING` the given members (or expressions) of the deleted rows: rows are tuples.
  template <class... Xs>
  [[nodiscard]] auto returning(Xs... xs) const {
    detail::dml::check_returning<Model, Xs...>();
    check_no_returning();
    return with<AllRows>(where_, detail::dml::make_returning<Model>(std::move(xs)...));
  }
  /// `RETURNING` every column: rows are whole `Model`s.
  [[nodiscard]] auto returning_model() const {
    check_no_returning();
    return with<AllRows>(where_, detail::dml::returning_model<Model>{});
  }
  /// `RETURNING` every column, as `returning_model()`; `U` must be the model deleted.
  template <class U>
  [[nodiscard]] auto returning() const {
    static_assert(std::is_same_v<U, Model>,
                  "tabula: returning<U>() returns rows of the model the statement writes. Name "
                  "that model, or return members with returning(&T::a, ...).");
    return returning_model();
  }

  /// The statement as an AST.
  [[nodiscard]] ast::statement lower() const {
    check_runnable();
    detail::lower_context ctx;
    ast::delete_ d;
    d.table = ast::table_ref{std::string(table_name<Model>()), {}};
    if constexpr (!AllRows) detail::dml::check_not_empty_filter(where_, "DELETE");
    d.where = detail::dml::lower_filter(where_, ctx);
    returning_.lower_into(d.returning, ctx);
    return d;
  }
  /// Binds every value in the order `lower` numbered them.
  template <class Binder>
  void bind(Binder& b) const {
    where_.bind(b);
    returning_.bind(b);
  }

 private:
  static void check_runnable() {
    static_assert(row_scoped,
                  "tabula: a DELETE without where() deletes every row. Add a where() or call "
                  ".all_rows().");
  }
  static constexpr void check_no_returning() {
    static_assert(!detail::dml::has_returning<Returning>,
                  "tabula: a statement has one returning(). List every column in one call.");
  }

  template <bool All, class W, class R>
  delete_statement<Source, Model, W, R, All> with(W w, R r) const {
    return delete_statement<Source, Model, W, R, All>{this->source_, std::move(w), std::move(r)};
  }

  Where where_{};
  Returning returning_{};
};

// ---------------------------------------------------------------------------------------------
// Unbound statements

/// An INSERT into `Model`'s table, not bound to a source (for `conn.start(stmt)`, SQL tests).
template <class Model>
[[nodiscard]] insert_into_statement<void, Model> insert_into() {
  return insert_into_statement<void, Model>{};
}
/// An UPDATE of `Model`'s table, not bound to a source.
template <class Model>
[[nodiscard]] update_statement<void, Model> update() {
  return update_statement<void, Model>{};
}
/// A DELETE from `Model`'s table, not bound to a source.
template <class Model>
[[nodiscard]] delete_statement<void, Model> delete_from() {
  return delete_statement<void, Model>{};
}

}  // namespace tabula
