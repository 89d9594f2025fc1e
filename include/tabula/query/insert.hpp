#pragma once
/// \file insert.hpp
/// Typed INSERT: `insert_into<T>()` (or `db.insert_into<T>()`, which runs on `db`) with rows
/// from `values(model)`, `values(range)` or `from_select(select, &T::a, ...)`, an optional
/// ON CONFLICT clause (upsert.hpp) and RETURNING (dml_clauses.hpp).
///
///     db.insert_into<Metric>().values(m).execute();
///     db.insert_into<Metric>().values(metrics).returning(&Metric::id).all();
///
/// An INSERT of a value list runs as one or more `INSERT ... VALUES (...), (...)` statements
/// (chunked under the database's parameter limit, in one transaction when there are several;
/// see detail/insert_plan.hpp); the SQL of a full-size chunk is cached, a shorter last chunk
/// is compiled when it runs.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/detail/range.hpp"
#include "tabula/detail/shared.hpp"
#include "tabula/query/detail/insert_plan.hpp"
#include "tabula/query/detail/type_list.hpp"
#include "tabula/query/dml_clauses.hpp"
#include "tabula/query/executable.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/query/upsert.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

namespace detail::dml {

// ---------------------------------------------------------------------------------------------
// Sources of rows

/// No values yet.
struct no_values {
  static constexpr bool fixed_shape = true;
};

/// One model, read when the statement runs (owned when given as an rvalue). `writable`: the
/// program's own modifiable object, into which the values made at insert go.
template <class Model>
struct one_row {
  static constexpr bool fixed_shape = true;
  detail::shared<const Model> row;
  bool writable = false;
  [[nodiscard]] std::size_t size() const noexcept { return 1; }
  [[nodiscard]] const Model& operator[](std::size_t /*i*/) const noexcept { return *row; }
};

/// A list of models of run-time length, read when the statement runs (owned when the range
/// was an rvalue or yields values rather than references).
template <class Model>
struct row_list {
  static constexpr bool fixed_shape = false;
  detail::shared<const std::vector<Model>> owned;
  detail::shared<const std::vector<const Model*>> rows;
  bool writable = false;  ///< the program's own modifiable objects
  [[nodiscard]] std::size_t size() const noexcept { return rows->size(); }
  [[nodiscard]] const Model& operator[](std::size_t i) const noexcept { return *(*rows)[i]; }
};

template <class Model, class R>
row_list<Model> make_row_list(R&& range) {
  auto rows = detail::make_shared<std::vector<const Model*>>();
  detail::shared<const std::vector<Model>> owned;
  using reference = detail::range_reference_t<R>;
  constexpr bool reference_rows =
      std::is_lvalue_reference_v<R> && std::is_lvalue_reference_v<reference>;
  if constexpr (reference_rows) {
    if constexpr (detail::sized_range<R>) rows->reserve(std::ranges::size(range));
    for (const Model& m : range) rows->push_back(__builtin_addressof(m));
  } else {
    std::vector<Model> copy;
    if constexpr (std::is_same_v<std::remove_cvref_t<R>, std::vector<Model>> &&
                  !std::is_lvalue_reference_v<R>) {
      copy = TABULA_MOVE(range);
    } else {
      if constexpr (detail::sized_range<R>) copy.reserve(std::ranges::size(range));
      for (auto&& m : range) copy.push_back(static_cast<decltype(m)&&>(m));
    }
    rows->reserve(copy.size());
    for (const Model& m : copy) rows->push_back(__builtin_addressof(m));
    owned = detail::make_shared<const std::vector<Model>>(TABULA_MOVE(copy));
  }
  return row_list<Model>{TABULA_MOVE(owned), TABULA_MOVE(rows),
                         reference_rows && !std::is_const_v<std::remove_reference_t<reference>>};
}

/// The rows of `v` with the values made at insert (`default_value`, `client_key`) filled in:
/// into the program's objects when they are modifiable, else into copies `v` then owns.
template <class Model>
one_row<Model> with_client_values(const one_row<Model>& v) {
  if (v.writable) {
    apply_client_values(const_cast<Model&>(*v.row));  // the program's non-const object
    return v;
  }
  auto copy = detail::make_shared<Model>(*v.row);
  apply_client_values(*copy);
  return {TABULA_MOVE(copy), false};
}
template <class Model>
row_list<Model> with_client_values(const row_list<Model>& v) {
  if (v.writable) {
    for (const Model* m : *v.rows) apply_client_values(const_cast<Model&>(*m));
    return v;
  }
  std::vector<Model> copy;
  copy.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) apply_client_values(copy.emplace_back(v[i]));
  return make_row_list<Model>(TABULA_MOVE(copy));
}

/// The program's modifiable objects `v` holds, or none.
template <class Values>
auto modifiable_rows(const Values& v) {
  using Model = std::remove_cvref_t<decltype(v[0])>;
  std::vector<Model*> rows;
  if (!v.writable) return rows;
  rows.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) rows.push_back(const_cast<Model*>(&v[i]));
  return rows;
}

/// What row `i` of `v` gives and leaves to the database.
template <class Values>
insert_shape shape_of_row(const Values& v, std::size_t i, const table_info& t) {
  return {gives_generated_key(v[i], t), omitted_defaults(v[i], t)};
}

/// `INSERT ... SELECT`: the select and the columns it fills (empty: every column).
template <class Select, class... Cols>
struct select_rows {
  static constexpr bool fixed_shape = Select::fixed_shape;
  Select select;
  bundle<Cols...> columns;
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

template <class Stmt, bool WithKey, bool Full>
struct insert_values_part;

template <class Model>
struct model_columns_list {
  using type = typename row_columns<Model>::type;
};

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
/// Rows of models are inserted as `insert` and `insert_many` insert them: a generated key (an
/// integer `id`) left at 0 is left out of the INSERT, so the database generates it, and a key
/// set to any other value is inserted as given; fields holding no value get their client
/// default (`default_value`, `client_key`), and their server-default column is left out. Run
/// with `execute()`, without `on_conflict` or `returning`, the INSERT writes what the database
/// generated back into the program's modifiable objects, through the path `insert_many` takes.
template <class Source, class Model, class Values = detail::dml::no_values,
          class Conflict = detail::dml::no_conflict, class Returning = detail::dml::no_returning>
class insert_into_statement
    : public executable<insert_into_statement<Source, Model, Values, Conflict, Returning>, Source>,
      public detail::dml::returning_clause<
          insert_into_statement<Source, Model, Values, Conflict, Returning>, Model, Returning> {
  using base = executable<insert_into_statement, Source>;
  using returning_base = detail::dml::returning_clause<insert_into_statement, Model, Returning>;
  friend base;
  friend returning_base;
  template <class, class, class, class, class>
  friend class insert_into_statement;
  template <class, bool, bool>
  friend struct detail::dml::insert_values_part;
  static_assert(detail::writable<Model>);

 private:
  static consteval void check_no_values() {
    static_assert(!detail::dml::values_given<Values>,
                  "tabula: an INSERT takes one source of rows. Call values() or from_select() "
                  "once.");
  }
  static constexpr void check_runnable() {
    static_assert(detail::dml::values_given<Values>,
                  "tabula: an INSERT needs rows. Add values(...) or from_select(...).");
    static_assert(Conflict::complete,
                  "tabula: on_conflict() says what to do with a conflicting row. Add "
                  "do_nothing() or do_update(...).");
  }

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
  /// Rows of models whose fields may get client values at insert (`with_client_values`).
  static constexpr bool makes_client_values =
      detail::dml::values_given<Values> && !detail::dml::is_select_rows<Values> &&
      detail::dml::has_client_values<Model>;
  /// Rows of models inserted as `insert_many` inserts them, what the database generated
  /// written back into the program's objects (`modifiable_rows`): no ON CONFLICT (a row may be
  /// skipped) and no RETURNING (the program reads what it asks for).
  static constexpr bool writes_back =
      detail::dml::values_given<Values> && !detail::dml::is_select_rows<Values> &&
      std::is_same_v<Conflict, detail::dml::no_conflict> &&
      std::is_same_v<Returning, detail::dml::no_returning>;
  /// A data-changing statement: no count(), exists() or grouped().
  static constexpr bool changes_data = true;
  /// One SQL statement of one shape: its rows can be streamed.
  static constexpr bool streamable = detail::dml::is_select_rows<Values>;

  explicit insert_into_statement(Source* source = nullptr) { this->source_ = source; }
  insert_into_statement(Source* source, Values v, Conflict c, Returning r)
      : returning_base(TABULA_MOVE(r)), values_(TABULA_MOVE(v)), conflict_(TABULA_MOVE(c)) {
    this->source_ = source;
  }

  /// One row. An lvalue is read when the statement runs; an rvalue is kept in the statement.
  template <class M>
  requires std::is_same_v<std::remove_cvref_t<M>, Model>
  [[nodiscard]] auto values(M&& row) const {
    check_no_values();
    detail::shared<const Model> p;
    if constexpr (std::is_lvalue_reference_v<M>) {
      p = detail::shared<const Model>::borrowed(__builtin_addressof(row));
    } else {
      p = detail::make_shared<const Model>(TABULA_MOVE(row));
    }
    constexpr bool writable =
        std::is_lvalue_reference_v<M> && !std::is_const_v<std::remove_reference_t<M>>;
    return with_values(detail::dml::one_row<Model>{TABULA_MOVE(p), writable});
  }

  /// Every element of a range of `Model`s, in order. A range given as an lvalue is read when
  /// the statement runs; otherwise its elements are copied into the statement.
  template <detail::input_range R>
  requires(!std::is_same_v<std::remove_cvref_t<R>, Model>)
      [[nodiscard]] auto values(R&& range) const {
    static_assert(std::is_same_v<std::remove_cvref_t<detail::range_reference_t<R>>, Model>,
                  "tabula: values() takes a model or a range of the model being inserted. Pass "
                  "elements of the model named in insert_into<T>().");
    check_no_values();
    return with_values(detail::dml::make_row_list<Model>(static_cast<R&&>(range)));
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
      static_assert(detail::list_size<selected>::value == detail::list_size<targets>::value,
                    "tabula: from_select() without members fills every column of the model, so "
                    "the select must yield one column per field. Name the members to fill.");
      static_assert(detail::dml::columns_match<selected, targets>::value,
                    "tabula: a selected column's type does not match the member it is inserted "
                    "into. Select values of each member's type, in order.");
    } else {
      using targets = detail::type_list<detail::member_of<Ms>...>;
      static_assert(detail::list_size<selected>::value == sizeof...(Ms),
                    "tabula: from_select() needs one member per selected column. List as many "
                    "members as the select yields columns.");
      static_assert(detail::dml::columns_match<selected, targets>::value,
                    "tabula: a selected column's type does not match the member it is inserted "
                    "into. Select values of each member's type, in order.");
    }
    return with_values(detail::dml::select_rows<Select, detail::as_expr_t<Ms>...>{
        TABULA_MOVE(select), {{col(members)}...}});
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
    return with_conflict(detail::dml::conflict_target<detail::as_expr_t<Ms>...>{{{col(members)}...}});
  }

  /// `ON CONFLICT (...) DO NOTHING`: rows that would violate a unique constraint are skipped.
  [[nodiscard]] auto do_nothing() const {
    static_assert(detail::dml::is_conflict_target<Conflict>,
                  "tabula: do_nothing() follows on_conflict(...). Call on_conflict() first.");
    if constexpr (detail::dml::is_conflict_target<Conflict>) {
      return with_conflict(typename Conflict::do_nothing_type{conflict_.target});
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
      return with_conflict(
          detail::dml::conflict_do_update<target_t, detail::bundle<As...>, detail::dml::no_filter>{
              conflict_.target, {{TABULA_MOVE(assignments)}...}, {}});
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
      auto both = detail::dml::and_filter(conflict_.where, TABULA_MOVE(cond));
      using target_t = decltype(conflict_.target);
      using sets_t = decltype(conflict_.sets);
      return with_conflict(detail::dml::conflict_do_update<target_t, sets_t, decltype(both)>{
          conflict_.target, conflict_.sets, TABULA_MOVE(both)});
    }
  }

  /// The statement as one AST. For values, every row in one statement; throws
  /// `programming_error` when the rows need more than one (generated keys given for some rows
  /// and not others) — running the statement splits them.
  [[nodiscard]] ast::statement lower() const {
    static_assert((check_runnable(), true));
    if constexpr (detail::dml::is_select_rows<Values>) {
      return lower_select();
    } else if constexpr (!detail::dml::values_given<Values>) {
      return ast::statement();  // unreachable: check_runnable() refused the statement
    } else {
      const detail::dml::insert_shape shape = whole_list_shape();
      return lower_rows(0, values_.size(), shape);
    }
  }
  /// Binds every value in the order `lower` numbered them.
  template <class Binder>
  void bind(Binder& b) const {
    static_assert((check_runnable(), true));
    if constexpr (detail::dml::is_select_rows<Values>) {
      values_.select.bind(b);
      detail::dml::bind_all(values_.columns, b);  // shapes
      conflict_.bind(b);
      this->returning_.bind(b);
    } else if constexpr (detail::dml::values_given<Values>) {
      const detail::dml::insert_shape shape = whole_list_shape();
      // Whether the generated key is written, and which server defaults are left out, change
      // the column list: part of the shape.
      detail::bind_shape(b, static_cast<std::uint64_t>(shape.with_key));
      detail::bind_shape(b, shape.omitted);
      bind_rows(0, values_.size(), shape, b);
    }
  }

  /// The SQL statements an INSERT of values runs as: chunks of the value list, each of one
  /// shape (the generated key given or not, server defaults left out) and at most as many rows
  /// as one statement carries under the database's parameter limit. The executor runs them (core's `detail::bulk_insert`), in one
  /// transaction when there are several; this layer only plans and builds them.
  [[nodiscard]] std::vector<detail::dml::insert_chunk> parts(std::uint32_t max_params) const
      requires(detail::dml::values_given<Values> && !detail::dml::is_select_rows<Values>) {
    std::vector<detail::dml::insert_chunk> chunks;
    const table_info& t = table_of<Model>();
    if constexpr (detail::dml::is_one_row<Values>) {
      const detail::dml::insert_shape shape = detail::dml::shape_of_row(values_, 0, t);
      chunks.push_back({0, 1, shape.with_key, true, shape.omitted});
    } else {
      const std::uint32_t other_params =
          detail::dml::bound_values_of(conflict_) + detail::dml::bound_values_of(this->returning_);
      detail::dml::for_each_insert_chunk(
          values_.size(), [&](std::size_t i) { return detail::dml::shape_of_row(values_, i, t); },
          [&](const detail::dml::insert_shape& shape) {
            return detail::dml::rows_per_insert(
                max_params, detail::dml::values_columns(t, shape.with_key, shape.omitted),
                other_params);
          },
          [&](const detail::dml::insert_chunk& c) { chunks.push_back(c); });
    }
    return chunks;
  }
  /// This statement with the values made at insert filled into its rows (see `one_row`).
  [[nodiscard]] insert_into_statement with_client_values() const
      requires makes_client_values {
    return {this->source_, detail::dml::with_client_values(values_), conflict_, this->returning_};
  }
  /// The program's modifiable objects the rows are, or none (rows given as rvalues or const).
  [[nodiscard]] std::vector<Model*> modifiable_rows() const requires writes_back {
    return detail::dml::modifiable_rows(values_);
  }
  /// Calls `f(part)` with the statement of one of `parts()`.
  template <class F>
  void with_part(const detail::dml::insert_chunk& c, F&& f) const {
    using detail::dml::insert_values_part;
    if (c.with_key) {
      if (c.full)
        f(insert_values_part<insert_into_statement, true, true>{this, c.first, c.count, c.omitted});
      else
        f(insert_values_part<insert_into_statement, true, false>{this, c.first, c.count,
                                                                 c.omitted});
    } else {
      if (c.full)
        f(insert_values_part<insert_into_statement, false, true>{this, c.first, c.count,
                                                                 c.omitted});
      else
        f(insert_values_part<insert_into_statement, false, false>{this, c.first, c.count,
                                                                  c.omitted});
    }
  }

 private:
  template <class V, class C, class R>
  insert_into_statement<Source, Model, V, C, R> with(V v, C c, R r) const {
    return insert_into_statement<Source, Model, V, C, R>{this->source_, TABULA_MOVE(v), TABULA_MOVE(c),
                                                         TABULA_MOVE(r)};
  }
  template <class V>
  auto with_values(V v) const {
    return with(TABULA_MOVE(v), conflict_, this->returning_);
  }
  template <class C>
  auto with_conflict(C c) const {
    return with(values_, TABULA_MOVE(c), this->returning_);
  }
  template <class R>
  auto with_returning(R r) const {
    return with(values_, conflict_, TABULA_MOVE(r));
  }

  /// The shape of a value list as one statement: all rows must agree.
  detail::dml::insert_shape whole_list_shape() const {
    const table_info& t = table_of<Model>();
    if (values_.size() == 0) detail::dml::throw_values_need_statements(t, "it has no rows");
    const detail::dml::insert_shape shape = detail::dml::shape_of_row(values_, 0, t);
    for (std::size_t i = 1; i < values_.size(); ++i) {
      if (detail::dml::shape_of_row(values_, i, t) != shape) {
        detail::dml::throw_values_need_statements(
            t, "some rows give the generated key or a server-default column and some do not");
      }
    }
    return shape;
  }

  ast::statement lower_select() const {
    detail::lower_context ctx;
    ast::statement selected = values_.select.lower();
    ast::insert ins;
    ins.table = detail::table_ref_of(table_of<Model>());
    if constexpr (decltype(values_.columns)::size == 0) {
      for (const auto& c : table_of<Model>().def.columns) ins.columns.push_back(c.name);
    } else {
      ins.columns = detail::dml::column_names(values_.columns);
    }
    // A SELECT: from_select() accepts only select statements.
    ins.from_select = ast::box<ast::select>(TABULA_MOVE(*selected.get_if<ast::select>()));
    ctx.next_param = detail::dml::bound_values_of(values_.select);
    conflict_.lower_into(ins, ctx);
    this->returning_.lower_into(ins.returning, ctx);
    return ins;
  }

  /// Rows [first, first + count) as one INSERT ... VALUES statement of shape `shape`.
  ast::statement lower_rows(std::size_t /*first*/, std::size_t count,
                            const detail::dml::insert_shape& shape) const {
    detail::lower_context ctx;
    ast::insert ins = detail::dml::values_insert(table_of<Model>(), shape.with_key, count,
                                                 ctx.next_param, shape.omitted);
    conflict_.lower_into(ins, ctx);
    this->returning_.lower_into(ins.returning, ctx);
    return ins;
  }
  template <class Binder>
  void bind_rows(std::size_t first, std::size_t count, const detail::dml::insert_shape& shape,
                 Binder& b) const {
    const table_info& t = table_of<Model>();
    for (std::size_t i = first; i < first + count; ++i) {
      detail::dml::bind_model_row(b, values_[i], t, shape.with_key, shape.omitted);
    }
    conflict_.bind(b);
    this->returning_.bind(b);
  }

  Values values_{};
  Conflict conflict_{};
};

namespace detail::dml {

/// One SQL statement of an INSERT of values: rows [first, first + count) of `Stmt`'s list, of
/// the shape `WithKey` and the server-default columns `omitted` leaves out. Its own type per
/// key shape, the omitted columns a word of its cache shape, so the SQL of a full-size chunk
/// (`Full`) is cached like any statement's; a shorter chunk is compiled when it runs.
template <class Stmt, bool WithKey, bool Full>
struct insert_values_part {
  using row_type = typename Stmt::row_type;
  static constexpr bool fixed_shape = Full && Stmt::clauses_fixed_shape;

  const Stmt* stmt;
  std::size_t first;
  std::size_t count;
  std::uint64_t omitted = 0;

  [[nodiscard]] ast::statement lower() const {
    return stmt->lower_rows(first, count, insert_shape{WithKey, omitted});
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bind_shape(b, omitted);
    stmt->bind_rows(first, count, insert_shape{WithKey, omitted}, b);
  }
};

}  // namespace detail::dml

/// An INSERT into `Model`'s table, not bound to a source (for `conn.start(stmt)`, SQL tests).
template <class Model>
[[nodiscard]] insert_into_statement<void, Model> insert_into() {
  return insert_into_statement<void, Model>{};
}

}  // namespace tabula
