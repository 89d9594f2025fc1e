#pragma once
/// \file options.hpp
/// Non-intrusive configuration of a model: specialize `tabula::schema<T>` with a table name
/// and a list of options. Everything is a literal type, so the list is a `static constexpr`.
///
/// ```cpp
/// template <>
/// struct tabula::schema<Model> {
///   static constexpr auto table = "models";
///   static constexpr auto options = tabula::options(
///       tabula::unique(&Model::name), tabula::max_length(&Model::name, 100),
///       tabula::index(&Model::framework), tabula::check("accuracy BETWEEN 0 AND 1"));
/// };
/// ```

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

/// The configuration of model `T`; the primary template configures nothing. A specialization
/// may declare any of these members:
///
/// - `static constexpr auto table = "name";` the table name (default: the struct's name in
///   snake_case, or as `naming` says);
/// - `static constexpr auto naming = tabula::naming_policy::pascal_case;` how table and column
///   names are made from the C++ names (see `tabula::naming_policy`); an explicit `table` or
///   `tabula::column_name` wins over it;
/// - `static constexpr auto schema_name = "sales";` the PostgreSQL schema holding the table
///   (on SQLite: the name of an attached database);
/// - `static constexpr bool read_only = true;` the model is read, never written: a view, or
///   a table another program owns. Writes fail to compile; `create_all` and `drop_all` skip it;
/// - `static constexpr auto options = tabula::options(...);` keys, constraints, indexes,
///   column names and lengths.
///
/// Settings shared by a set of models live in a struct the specializations derive from:
/// `struct store_tables { static constexpr auto naming = ...; };` and
/// `template <> struct tabula::schema<Album> : store_tables {};`.
template <class T>
struct schema {};

/// How a table or column name is spelled from the C++ name (the struct's name for a table, the
/// field's name for a column). Words are found as `snake_case` finds them: at `_` and other
/// characters that are not letters or digits, before a capital following a lower-case letter or
/// a digit, and before the last capital of a run of capitals followed by a lower-case letter
/// (`HTTPServer` is `http` and `server`).
enum class name_case : std::uint8_t {
  as_declared,  ///< the C++ name unchanged: `InvoiceLine`, `unit_price`
  snake_case,   ///< `invoice_line`, `unit_price`
  pascal_case,  ///< `InvoiceLine`, `UnitPrice`
  camel_case,   ///< `invoiceLine`, `unitPrice`
  lower,        ///< the C++ name in lower case, words not separated: `invoiceline`, `unit_price`
  upper,        ///< the C++ name in upper case: `INVOICELINE`, `UNIT_PRICE`
};

/// A naming policy: `static constexpr auto naming = tabula::naming_policy::pascal_case;` in
/// `tabula::schema<T>`, or `tabula::naming_policy{.tables = ..., .columns = ...}` for different
/// spellings of tables and columns. Without one, tables are named in snake_case and columns as
/// the fields are declared (`naming_policy::standard`). Constraint and index names are made from
/// the names the policy gives.
struct naming_policy {
  name_case tables = name_case::snake_case;
  name_case columns = name_case::as_declared;

  /// Tables in snake_case, columns as declared: what a model without a policy gets.
  static const naming_policy standard;
  /// Tables and columns as declared in C++.
  static const naming_policy as_declared;
  /// Tables and columns in snake_case.
  static const naming_policy snake_case;
  /// Tables and columns in PascalCase.
  static const naming_policy pascal_case;
  /// Tables and columns in camelCase.
  static const naming_policy camel_case;
  /// Tables and columns in lower case: what PostgreSQL makes of names written without quotes.
  static const naming_policy lower;
  /// Tables and columns in upper case.
  static const naming_policy upper;
};
inline constexpr naming_policy naming_policy::standard{};
inline constexpr naming_policy naming_policy::as_declared{name_case::as_declared,
                                                         name_case::as_declared};
inline constexpr naming_policy naming_policy::snake_case{name_case::snake_case,
                                                        name_case::snake_case};
inline constexpr naming_policy naming_policy::pascal_case{name_case::pascal_case,
                                                         name_case::pascal_case};
inline constexpr naming_policy naming_policy::camel_case{name_case::camel_case,
                                                        name_case::camel_case};
inline constexpr naming_policy naming_policy::lower{name_case::lower, name_case::lower};
inline constexpr naming_policy naming_policy::upper{name_case::upper, name_case::upper};

namespace detail {

template <std::size_t I, class X>
struct pack_leaf {
  X value;
};

template <class Indexes, class... Xs>
struct pack_base;
template <std::size_t... I, class... Xs>
struct pack_base<std::index_sequence<I...>, Xs...> : pack_leaf<I, Xs>... {
  constexpr explicit pack_base(Xs... xs) : pack_leaf<I, Xs>{xs}... {}

  template <class F>
  constexpr void for_each(F&& f) const {
    (f(static_cast<const pack_leaf<I, Xs>&>(*this).value), ...);
  }
};

/// A minimal constexpr tuple: options are kept in one without pulling in `<tuple>`.
template <class... Xs>
struct pack : pack_base<std::index_sequence_for<Xs...>, Xs...> {
  using pack_base<std::index_sequence_for<Xs...>, Xs...>::pack_base;
  static constexpr std::size_t size = sizeof...(Xs);
};

template <class P>
struct member_pointer_parts {
  static constexpr bool is_data_member = false;
};
template <class T, class M>
struct member_pointer_parts<M T::*> {
  static constexpr bool is_data_member = !std::is_function_v<M>;
  using class_type = T;
  using member_type = M;
};

template <class P>
concept data_member_pointer = member_pointer_parts<P>::is_data_member;

template <class P>
using class_of = typename member_pointer_parts<P>::class_type;
template <class P>
using member_of = typename member_pointer_parts<P>::member_type;

/// Marks the types `tabula::options(...)` accepts.
struct option_tag {};

template <class P0, class... Ps>
consteval bool same_class() {
  return (std::is_same_v<class_of<P0>, class_of<Ps>> && ...);
}

}  // namespace detail

/// Columns of model `T`, named by member pointers: `tabula::columns(&T::a, &T::b)`.
template <class T, class... Ms>
struct column_set {
  using model_type = T;
  static constexpr std::size_t size = sizeof...(Ms);
  detail::pack<Ms T::*...> members;
};

namespace detail {
template <class... Ps>
consteval void check_members() {
  static_assert(sizeof...(Ps) > 0,
                "tabula: an option needs at least one column. Name the "
                "columns with member pointers, e.g. &Model::name.");
  static_assert((data_member_pointer<Ps> && ...),
                "tabula: options take pointers to data members. Write &Model::field.");
  if constexpr ((data_member_pointer<Ps> && ...)) {
    static_assert(same_class<Ps...>(),
                  "tabula: the columns of one option belong to one model. Use member pointers "
                  "of a single struct.");
  }
}
template <class M>
consteval bool is_text_column() {
  if constexpr (column_type<M>) {
    return std::is_same_v<typename type_traits<unwrap_optional_t<M>>::sql_value, std::string_view>;
  } else {
    return false;
  }
}

template <class P0, class... Ps>
using column_set_of = column_set<class_of<P0>, member_of<P0>, member_of<Ps>...>;
}  // namespace detail

/// Names columns for a composite foreign key: `tabula::columns(&T::a, &T::b)`.
template <class P0, class... Ps>
constexpr auto columns(P0 first, Ps... rest) {
  detail::check_members<P0, Ps...>();
  return detail::column_set_of<P0, Ps...>{detail::pack<P0, Ps...>(first, rest...)};
}

/// `primary_key(...)`: the table's primary key, in key order.
template <class T, class... Ms>
struct primary_key_option : detail::option_tag {
  using model_type = T;
  column_set<T, Ms...> columns;
};

/// The primary key of the model, when it is not a field named `id`; several columns make a
/// composite key. A single integer key is generated by the database.
template <class P0, class... Ps>
constexpr auto primary_key(P0 first, Ps... rest) {
  detail::check_members<P0, Ps...>();
  static_assert(
      !(is_optional_v<detail::member_of<P0>> || ... || is_optional_v<detail::member_of<Ps>>),
      "tabula: a primary key column cannot be std::optional. Make the field a "
      "non-optional type.");
  using set = detail::column_set_of<P0, Ps...>;
  return primary_key_option<typename set::model_type, detail::member_of<P0>,
                            detail::member_of<Ps>...>{{}, columns(first, rest...)};
}

/// `unique(...)`: a UNIQUE table constraint over one or more columns.
template <class T, class... Ms>
struct unique_option : detail::option_tag {
  using model_type = T;
  column_set<T, Ms...> columns;
  std::string_view name;  ///< empty: `uq_<table>_<columns>`

  /// The constraint name to use instead of the generated one.
  [[nodiscard]] constexpr unique_option named(std::string_view constraint) const {
    unique_option copy = *this;
    copy.name = constraint;
    return copy;
  }
};

/// A UNIQUE constraint over the given columns (one constraint, however many columns).
template <class P0, class... Ps>
constexpr auto unique(P0 first, Ps... rest) {
  detail::check_members<P0, Ps...>();
  using set = detail::column_set_of<P0, Ps...>;
  return unique_option<typename set::model_type, detail::member_of<P0>, detail::member_of<Ps>...>{
      {}, columns(first, rest...), {}};
}

/// `index(...)` and `unique_index(...)`: a CREATE [UNIQUE] INDEX over one or more columns.
template <class T, class... Ms>
struct index_option : detail::option_tag {
  using model_type = T;
  column_set<T, Ms...> columns;
  bool unique = false;
  std::string_view name;  ///< empty: `ix_<table>_<columns>`

  /// The index name to use instead of the generated one.
  [[nodiscard]] constexpr index_option named(std::string_view index_name) const {
    index_option copy = *this;
    copy.name = index_name;
    return copy;
  }
};

/// An index over the given columns, in order.
template <class P0, class... Ps>
constexpr auto index(P0 first, Ps... rest) {
  detail::check_members<P0, Ps...>();
  using set = detail::column_set_of<P0, Ps...>;
  return index_option<typename set::model_type, detail::member_of<P0>, detail::member_of<Ps>...>{
      {}, columns(first, rest...), false, {}};
}

/// A unique index over the given columns, in order.
template <class P0, class... Ps>
constexpr auto unique_index(P0 first, Ps... rest) {
  auto option = index(first, rest...);
  option.unique = true;
  return option;
}

/// `max_length(&T::m, n)`: VARCHAR(n) instead of TEXT.
template <class T, class M>
struct max_length_option : detail::option_tag {
  using model_type = T;
  M T::*member;
  std::uint32_t length;
};

/// The maximum length of a text column: VARCHAR(n) on databases that have it.
template <class P>
constexpr auto max_length(P member, std::uint32_t length) {
  detail::check_members<P>();
  using M = detail::member_of<P>;
  static_assert(
      detail::is_text_column<M>(),
      "tabula: max_length applies to text columns. Use it on a std::string field (or a type "
      "stored as text).");
  return max_length_option<detail::class_of<P>, M>{{}, member, length};
}

/// `column_name(&T::m, "name")`: the column's name when it differs from the field's.
template <class T, class M>
struct column_name_option : detail::option_tag {
  using model_type = T;
  M T::*member;
  std::string_view name;
};

/// Names the column of a field: `tabula::column_name(&Model::framework, "fw")`.
template <detail::data_member_pointer P>
constexpr auto column_name(P member, std::string_view name) {
  return column_name_option<detail::class_of<P>, detail::member_of<P>>{{}, member, name};
}

/// `version_column(&T::m)`: the integer column the session's optimistic locking counts in.
template <class T, class M>
struct version_column_option : detail::option_tag {
  using model_type = T;
  M T::*member;
};

/// Declares the field counting the versions of a row (optimistic locking, SQLAlchemy's
/// `version_id_col`): every UPDATE the session writes sets it one higher and finds the row by
/// its key and the version it read; an UPDATE or DELETE that finds no row throws
/// `stale_data_error`. `tabula::version_column(&Run::version)`.
template <detail::data_member_pointer P>
constexpr auto version_column(P member) {
  using M = detail::member_of<P>;
  static_assert(std::is_integral_v<M> && !std::is_same_v<M, bool>,
                "tabula: version_column takes an integer field (std::int64_t or std::int32_t, "
                "not std::optional). Declare the version field as an integer.");
  return version_column_option<detail::class_of<P>, M>{{}, member};
}

/// `renamed_from("old")`: the table's earlier name, for the schema diff (migrate/diff.hpp): a
/// database table of that name is renamed, not dropped while a new one is created.
struct renamed_table_option : detail::option_tag {
  using model_type = void;  ///< the model's table as a whole
  std::string_view old_name;
};
/// `renamed_from(&T::m, "old")`: the column's earlier name, for the schema diff.
template <class T, class M>
struct renamed_column_option : detail::option_tag {
  using model_type = T;
  M T::*member;
  std::string_view old_name;
};

/// Declares the table's earlier name: a schema diff renames the table of that name instead of
/// dropping it and creating this one. Renames are never guessed.
constexpr renamed_table_option renamed_from(std::string_view old_name) { return {{}, old_name}; }
/// Declares a column's earlier name: `tabula::renamed_from(&Model::title, "name")`.
template <detail::data_member_pointer P>
constexpr auto renamed_from(P member, std::string_view old_name) {
  return renamed_column_option<detail::class_of<P>, detail::member_of<P>>{{}, member, old_name};
}

/// `check("condition")`: a CHECK constraint, in SQL written as is into CREATE TABLE.
struct check_option : detail::option_tag {
  using model_type = void;  ///< not tied to a model's members
  std::string_view name;    ///< empty: `ck_<table>_<n>`
  std::string_view condition;
};

/// A CHECK constraint with the SQL condition `condition`, e.g. `check("price >= 0")`.
constexpr check_option check(std::string_view condition) { return {{}, {}, condition}; }
/// A named CHECK constraint: `check("ck_price", "price >= 0")`.
constexpr check_option check(std::string_view name, std::string_view condition) {
  return {{}, name, condition};
}

/// `foreign_key(&T::col, &U::id)`: a FOREIGN KEY from `Local`'s columns to `Referenced`'s.
template <class Local, class Referenced>
struct foreign_key_option : detail::option_tag {
  using model_type = typename Local::model_type;
  using referenced_type = typename Referenced::model_type;
  static constexpr std::size_t column_count = Local::size;
  Local columns;
  Referenced referenced;
  ast::fk_action on_delete = ast::fk_action::no_action;
  ast::fk_action on_update = ast::fk_action::no_action;
  std::string_view name;  ///< empty: `fk_<table>_<columns>`

  /// ON DELETE CASCADE: deleting the referenced row deletes this one.
  [[nodiscard]] constexpr foreign_key_option on_delete_cascade() const {
    return with_delete(ast::fk_action::cascade);
  }
  /// ON DELETE SET NULL: deleting the referenced row sets these columns to NULL.
  [[nodiscard]] constexpr foreign_key_option on_delete_set_null() const {
    return with_delete(ast::fk_action::set_null);
  }
  /// ON DELETE SET DEFAULT.
  [[nodiscard]] constexpr foreign_key_option on_delete_set_default() const {
    return with_delete(ast::fk_action::set_default);
  }
  /// ON DELETE RESTRICT: a referenced row cannot be deleted, checked at once.
  [[nodiscard]] constexpr foreign_key_option on_delete_restrict() const {
    return with_delete(ast::fk_action::restrict);
  }
  /// ON UPDATE CASCADE: changing the referenced key changes these columns.
  [[nodiscard]] constexpr foreign_key_option on_update_cascade() const {
    return with_update(ast::fk_action::cascade);
  }
  /// ON UPDATE SET NULL.
  [[nodiscard]] constexpr foreign_key_option on_update_set_null() const {
    return with_update(ast::fk_action::set_null);
  }
  /// ON UPDATE SET DEFAULT.
  [[nodiscard]] constexpr foreign_key_option on_update_set_default() const {
    return with_update(ast::fk_action::set_default);
  }
  /// ON UPDATE RESTRICT.
  [[nodiscard]] constexpr foreign_key_option on_update_restrict() const {
    return with_update(ast::fk_action::restrict);
  }
  /// The constraint name to use instead of the generated one.
  [[nodiscard]] constexpr foreign_key_option named(std::string_view constraint) const {
    foreign_key_option copy = *this;
    copy.name = constraint;
    return copy;
  }

 private:
  constexpr foreign_key_option with_delete(ast::fk_action action) const {
    foreign_key_option copy = *this;
    copy.on_delete = action;
    return copy;
  }
  constexpr foreign_key_option with_update(ast::fk_action action) const {
    foreign_key_option copy = *this;
    copy.on_update = action;
    return copy;
  }
};

namespace detail {
template <class M, class N>
inline constexpr bool same_storage_v =
    std::is_same_v<typename type_traits<unwrap_optional_t<M>>::sql_value,
                   typename type_traits<unwrap_optional_t<N>>::sql_value>;

template <class T, class... Ms, class U, class... Ns>
constexpr auto make_foreign_key(column_set<T, Ms...> local, column_set<U, Ns...> referenced) {
  static_assert(sizeof...(Ms) == sizeof...(Ns),
                "tabula: a foreign key references as many columns as it has. Give "
                "tabula::columns(...) lists of the same length.");
  if constexpr (sizeof...(Ms) == sizeof...(Ns)) {
    static_assert((column_type<Ms> && ...) && (column_type<Ns> && ...),
                  "tabula: a foreign key column has no SQL mapping. Specialize "
                  "tabula::type_traits<T> for it (see docs/models.md).");
    if constexpr ((column_type<Ms> && ...) && (column_type<Ns> && ...)) {
      static_assert((same_storage_v<Ms, Ns> && ...),
                    "tabula: a foreign key column and the column it references store different "
                    "kinds of value. Give them compatible types (e.g. std::int64_t for both).");
    }
  }
  return foreign_key_option<column_set<T, Ms...>, column_set<U, Ns...>>{
      {}, local, referenced, ast::fk_action::no_action, ast::fk_action::no_action, {}};
}
}  // namespace detail

/// A foreign key from one column to a column of another model (usually its key):
/// `foreign_key(&Experiment::model_id, &Model::id).on_delete_cascade()`.
template <detail::data_member_pointer P, detail::data_member_pointer Q>
constexpr auto foreign_key(P column, Q referenced) {
  return detail::make_foreign_key(columns(column), columns(referenced));
}

/// A composite foreign key: `foreign_key(columns(&T::a, &T::b), columns(&U::x, &U::y))`.
template <class T, class... Ms, class U, class... Ns>
constexpr auto foreign_key(column_set<T, Ms...> local, column_set<U, Ns...> referenced) {
  return detail::make_foreign_key(local, referenced);
}

/// The options of a model, as given to `tabula::options(...)`.
template <class... Opts>
struct option_list : detail::pack<Opts...> {
  using detail::pack<Opts...>::pack;
};

/// Collects a model's options for `schema<T>::options`.
template <class... Opts>
constexpr option_list<Opts...> options(Opts... opts) {
  static_assert((std::is_base_of_v<detail::option_tag, Opts> && ...),
                "tabula: tabula::options(...) takes options such as tabula::unique(...), "
                "tabula::index(...), tabula::foreign_key(...). Pass only those.");
  return option_list<Opts...>(opts...);
}

}  // namespace tabula
