#pragma once
/// \file defaults.hpp
/// Where a column's value comes from when the program does not give one, declared in
/// `tabula::schema<T>::options` beside the other options:
///
/// ```cpp
/// template <>
/// struct tabula::schema<Run> {
///   static constexpr auto options = tabula::options(
///       tabula::default_value(&Run::status, Status::queued),          // set by tabula at insert
///       tabula::default_value(&Run::token, &new_token),               // a function, at insert
///       tabula::server_default(&Run::priority, 5),                    // DEFAULT 5
///       tabula::server_default(&Run::created_at, tabula::sql_expr("CURRENT_TIMESTAMP")),
///       tabula::on_update(&Run::updated_at, &now_micros),             // at every UPDATE
///       tabula::assigned_key(&Run::id));                              // the program's key
/// };
/// ```
///
/// A field "gives no value" when it holds its type's empty value, `M{}`: 0, an empty string,
/// `std::nullopt` — the rule generated keys follow.

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "tabula/schema/options.hpp"

namespace tabula {

/// SQL text for a server default or an on-update value: the same on every database, or with
/// a spelling of its own for some (`.sqlite(...)`, `.postgresql(...)`; an empty spelling there
/// means "none on this database").
///
///     tabula::sql_expr("CURRENT_TIMESTAMP")                         // both databases
///     tabula::sql_expr("randomblob(16)").postgresql("uuid_send(gen_random_uuid())")
struct sql_expression {
  std::string_view text;
  std::string_view sqlite_text;
  std::string_view postgresql_text;
  bool sqlite_given = false;
  bool postgresql_given = false;

  /// The spelling on SQLite.
  [[nodiscard]] constexpr sql_expression sqlite(std::string_view sql) const {
    sql_expression copy = *this;
    copy.sqlite_text = sql;
    copy.sqlite_given = true;
    return copy;
  }
  /// The spelling on PostgreSQL.
  [[nodiscard]] constexpr sql_expression postgresql(std::string_view sql) const {
    sql_expression copy = *this;
    copy.postgresql_text = sql;
    copy.postgresql_given = true;
    return copy;
  }
};

/// SQL written into the DDL or an UPDATE as it is (it is not checked by tabula).
constexpr sql_expression sql_expr(std::string_view sql) { return {sql, {}, {}, false, false}; }

namespace detail {
template <class M, class V>
consteval bool is_value_source() {
  if constexpr (std::is_invocable_v<const V&>) {
    return std::is_convertible_v<std::invoke_result_t<const V&>, M>;
  } else {
    return std::is_constructible_v<M, const V&>;
  }
}
}  // namespace detail

/// `default_value(&T::m, v)`: a value tabula puts in the field at insert when it holds none.
template <class T, class M, class V>
struct default_value_option : detail::option_tag {
  using model_type = T;
  M T::*member;
  V value;  ///< a value, or a function of no arguments called at each insert
};

/// The value a field gets at insert when it holds its empty value (`M{}`): `v` itself, or
/// `v()` when `v` is a function of no arguments (called once per row inserted). The value is
/// written into the object and sent as a parameter; the database's DDL does not know it.
template <detail::data_member_pointer P, class V>
constexpr auto default_value(P member, V value) {
  using M = detail::member_of<P>;
  static_assert(detail::is_value_source<M, V>(),
                "tabula: default_value(&T::m, v) takes a value of the field's type, or a "
                "function of no arguments returning one. Pass such a value or function.");
  return default_value_option<detail::class_of<P>, M, V>{{}, member, value};
}

/// `server_default(&T::m, v)`: DEFAULT in CREATE TABLE; the database fills the column.
template <class T, class M, class V>
struct server_default_option : detail::option_tag {
  using model_type = T;
  M T::*member;
  V value;  ///< a literal of the field's type, or an `sql_expression`
};

/// The column's `DEFAULT` in CREATE TABLE: a literal (`5`, `"new"`, an enumerator) or SQL
/// (`tabula::sql_expr("CURRENT_TIMESTAMP")`). An INSERT that tabula writes leaves the column
/// out when the field holds its empty value (`M{}`), so the database fills it, and reads the
/// value the database chose back into the object.
template <detail::data_member_pointer P, class V>
constexpr auto server_default(P member, V value) {
  using M = detail::member_of<P>;
  static_assert(std::is_same_v<V, sql_expression> || std::is_constructible_v<M, const V&>,
                "tabula: server_default(&T::m, v) takes a literal of the field's type or "
                "tabula::sql_expr(\"...\"). Pass one of those.");
  return server_default_option<detail::class_of<P>, M, V>{{}, member, value};
}

/// `on_update(&T::m, v)`: a value written at every UPDATE tabula makes of the row.
template <class T, class M, class V>
struct on_update_option : detail::option_tag {
  using model_type = T;
  M T::*member;
  V value;  ///< a function of no arguments, or an `sql_expression`
};

/// The value a column takes at every UPDATE tabula writes of the row (`update_row`, a
/// session's flush of a changed object): `f()`, a function of no arguments called by tabula, or
/// SQL the database evaluates (`tabula::sql_expr("CURRENT_TIMESTAMP")`). Either way the object
/// holds the new value afterwards. An UPDATE statement written with `update<T>()` is the
/// program's own and is left as written.
template <detail::data_member_pointer P, class V>
constexpr auto on_update(P member, V value) {
  using M = detail::member_of<P>;
  static_assert(std::is_same_v<V, sql_expression> ||
                    (std::is_invocable_v<const V&> && detail::is_value_source<M, V>()),
                "tabula: on_update(&T::m, v) takes a function of no arguments returning the "
                "field's type, or tabula::sql_expr(\"...\"). Pass one of those.");
  return on_update_option<detail::class_of<P>, M, V>{{}, member, value};
}

/// Where the value of a model's single-column primary key comes from.
enum class key_source : std::uint8_t {
  database,     ///< the database generates it (identity / rowid); the default for an integer key
  assigned,     ///< the program assigns it; inserted as given, 0 included
  client,       ///< a function of the program makes it at insert
  sequence,     ///< `nextval('name')` of a PostgreSQL sequence (the rowid on SQLite)
};

/// `generated_key`, `assigned_key`, `client_key`, `sequence_key`: the key strategy.
template <class T, class M, class F>
struct key_strategy_option : detail::option_tag {
  using model_type = T;
  M T::*member;
  key_source source;
  std::string_view sequence;  ///< for `key_source::sequence`
  F make;                     ///< for `key_source::client`: a function of no arguments
};

namespace detail {
template <class P>
consteval void check_key_member() {
  static_assert(!is_optional_v<member_of<P>>,
                "tabula: a primary key column cannot be std::optional. Make the field a "
                "non-optional type.");
}
template <class P>
consteval void check_integer_key() {
  static_assert(std::is_integral_v<member_of<P>> && !std::is_same_v<member_of<P>, bool>,
                "tabula: the database generates integer keys only. Give the key an integer type, "
                "or use tabula::client_key(&T::id, f) to make keys of other types.");
}
}  // namespace detail

/// The database generates the key (SQLite `INTEGER PRIMARY KEY`, PostgreSQL `GENERATED BY
/// DEFAULT AS IDENTITY`): the default for a single integer key, declared only for clarity.
template <detail::data_member_pointer P>
constexpr auto generated_key(P member) {
  detail::check_key_member<P>();
  detail::check_integer_key<P>();
  return key_strategy_option<detail::class_of<P>, detail::member_of<P>, std::nullptr_t>{
      {}, member, key_source::database, {}, nullptr};
}

/// The program assigns the key: it is inserted as given, 0 included, and nothing is read
/// back. For tables whose key has no default in the database.
template <detail::data_member_pointer P>
constexpr auto assigned_key(P member) {
  detail::check_key_member<P>();
  return key_strategy_option<detail::class_of<P>, detail::member_of<P>, std::nullptr_t>{
      {}, member, key_source::assigned, {}, nullptr};
}

/// The program makes the key at insert: `make()` is called for each row whose key holds its
/// empty value (0, an empty string, ...), and the key is then inserted as given. Any function
/// of no arguments returning the key's type: a UUID generator, a counter, a random id.
template <detail::data_member_pointer P, class F>
constexpr auto client_key(P member, F make) {
  detail::check_key_member<P>();
  static_assert(std::is_invocable_v<const F&> &&
                    std::is_convertible_v<std::invoke_result_t<const F&>, detail::member_of<P>>,
                "tabula: client_key(&T::id, f) takes a function of no arguments returning the "
                "key's type. Pass such a function.");
  return key_strategy_option<detail::class_of<P>, detail::member_of<P>, F>{
      {}, member, key_source::client, {}, make};
}

/// The key comes from the PostgreSQL sequence `name`: an INSERT whose key is 0 writes
/// `nextval('name')` for it and reads the value back; `create_all` creates the sequence. On
/// SQLite, which has no sequences, the rowid generates the key.
template <detail::data_member_pointer P>
constexpr auto sequence_key(P member, std::string_view name) {
  detail::check_key_member<P>();
  detail::check_integer_key<P>();
  return key_strategy_option<detail::class_of<P>, detail::member_of<P>, std::nullptr_t>{
      {}, member, key_source::sequence, name, nullptr};
}

}  // namespace tabula
