#pragma once
/// \file row_api.hpp
/// The by-primary-key data API and schema creation that `engine` and `connection` share
/// (mixed in with CRTP, written once): each call runs on the connection the engine or
/// connection gives (`with_connection`) — the engine lends a pooled one for the call.
///
///     db.create_all<Model, Experiment>();
///     db.insert(m);                      // m.id filled in
///     auto found = db.get<Model>(m.id);  // std::optional<Model>
///     m.name = "BERT-large";
///     db.update_row(m);                  // UPDATE ... WHERE id = m.id
///     db.remove(m);
///
/// The statement builders (`insert_into<T>()`, `update<T>()`, `delete_from<T>()`) are
/// dml_api.hpp's.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <iterator>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/detail/range.hpp"
#include "tabula/query/executable.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

/// Asks `insert_many` not to read generated keys back: `db.insert_many(rows, tabula::skip_keys)`.
struct skip_keys_t {
  explicit skip_keys_t() = default;
};
inline constexpr skip_keys_t skip_keys{};

/// What `create_all` does with a table the database has already.
enum class existing_tables : std::uint8_t {
  keep,           ///< CREATE TABLE IF NOT EXISTS: the table is kept as it is
  fail_on_drift,  ///< throw `schema_drift_error` when it differs from its model
};

namespace detail {

/// The by-key operations on one connection (`C` is `tabula::connection`, a template
/// parameter so that this header needs only its declaration). Defined in by_key.hpp.
struct by_key;
/// INSERT of one row or of many (bulk_insert.hpp).
struct bulk_insert;

template <class Derived>
class row_api {
 public:
  // ----- schema

  /// CREATE TABLE IF NOT EXISTS (and indexes) for each model, referenced tables first; a
  /// read-only model (`schema<T>::read_only`) is skipped: it names a view or table that exists
  /// already. Throws
  /// `programming_error` before any DDL for a name the database would cut (over 63 bytes on
  /// PostgreSQL) or that two tables, indexes or constraints share, and after a CREATE INDEX IF
  /// NOT EXISTS that found the name taken by another table's index.
  template <class... Ts>
  void create_all() {
    create_all<Ts...>(existing_tables::keep);
  }
  /// `create_all` that, with `existing_tables::fail_on_drift`, first compares each table the
  /// database has already with its model (columns with type, nullability and default; keys,
  /// foreign keys, UNIQUE constraints, indexes, CHECKs) and throws `schema_drift_error`
  /// listing the differences, before any DDL, instead of keeping an outdated table.
  template <class... Ts>
  void create_all(existing_tables mode) {
    const auto tables = dependency_order<Ts...>();
    self().with_connection([&](auto& c) { c.create_tables(tables, mode); });
  }
  /// DROP TABLE IF EXISTS for each model but read-only ones, referencing tables first. Throws
  /// `programming_error`
  /// before any DDL for a table name the database would cut to another table's.
  template <class... Ts>
  void drop_all() {
    const auto tables = dependency_order<Ts...>();
    self().with_connection([&](auto& c) { c.drop_tables(tables); });
  }

  // ----- rows by primary key

  /// INSERT one row. A generated key left at its default (0) is omitted and filled in from
  /// what the database generated (RETURNING, or SQLite's rowid); any other value is inserted
  /// as given. Returns `obj`.
  template <class T>
  T& insert(T& obj) {
    static_assert(writable<T>);
    return self().with_connection(
        [&](auto& c) -> T& { return impl<bulk_insert, T>::one(c, obj); });
  }

  /// INSERT every element of a range, in order, all in one transaction (a savepoint inside an
  /// open one). When any row fails, nothing is inserted (and keys written so far are reset).
  ///
  /// Elements that leave the generated key at 0 get the key the database generated written
  /// back (with `tabula::skip_keys`, see below, they do not). The fastest path each database
  /// has is taken:
  /// - SQLite: one reused single-row INSERT, keys read with `sqlite3_last_insert_rowid()`
  ///   (multi-row statements for rows whose keys are not read back, on a database in memory:
  ///   `driver::connection::prefers_single_row_writes`);
  /// - PostgreSQL: rows whose keys are not read back go through `COPY ... FROM STDIN`, the
  ///   others as multi-row `INSERT ... VALUES (...), (...) RETURNING` statements of up to 1000
  ///   rows under the database's parameter limit;
  /// - a model of its generated key alone: `INSERT ... DEFAULT VALUES`, one statement a row.
  template <detail::input_range R>
  void insert_many(R&& range) {
    using T = std::remove_reference_t<detail::range_reference_t<R>>;
    static_assert(!std::is_const_v<T>,
                  "tabula: insert_many() writes the generated keys back into the elements, and "
                  "these are const. Pass tabula::skip_keys as the second argument to insert them "
                  "without reading keys back (the bulk-load path: COPY on PostgreSQL) — for "
                  "const elements of a model without a generated key too.");
    insert_range<true>(static_cast<R&&>(range));
  }
  /// INSERT every element of a range without reading generated keys back, through the
  /// fastest path each database has for that: `COPY ... FROM STDIN` on PostgreSQL, multi-row
  /// `VALUES` in SQLite's memory, the reused single-row INSERT on an SQLite file. The
  /// elements may be const; their keys are left as they are.
  template <detail::input_range R>
  void insert_many(R&& range, skip_keys_t /*skip*/) {
    insert_range<false>(static_cast<R&&>(range));
  }

  /// The row with this primary key, if any.
  template <class T, class... K>
  [[nodiscard]] std::optional<T> get(const K&... key) {
    return self().with_connection(
        [&](auto& c) { return impl<by_key, T>::template get<T>(c, key...); });
  }

  /// Every row of a model: `query<T>().all()`.
  template <class T>
    requires(!requires { typename T::row_type; })
  [[nodiscard]] std::vector<T> all() {
    return self().template query<T>().all();
  }
  /// Every row of a typed statement built elsewhere (e.g. with `select_from<T>()`).
  template <class Statement>
  [[nodiscard]] auto all(const Statement& stmt) {
    static_assert(sql_statement<Statement>,
                  "tabula: all(x) runs a statement, and x is not one. Pass a statement built "
                  "with tabula::select_from<T>(), tabula::select(...) or db.sql<T>(...); for "
                  "every row of a model write all<T>().");
    if constexpr (sql_statement<Statement>) {  // else only the message above
      return self().with_connection([&](auto& c) {
        return executor<std::remove_cvref_t<decltype(c)>>::all(c, stmt);
      });
    }
  }

  /// UPDATE every column of the row with `obj`'s primary key from `obj`. Returns false when
  /// no row has that key. (`update<T>()` is the statement builder: UPDATE ... SET ... WHERE.)
  /// Columns with an on-update value (`tabula::on_update`) get it, and `obj` holds it after.
  template <class T>
  bool update_row(T& obj) {
    static_assert(writable<T>);
    return self().with_connection(
        [&](auto& c) { return impl<bulk_insert, T>::update_row(c, obj); });
  }
  /// UPDATE as above, from a const object: the on-update values are written to the row only.
  template <class T>
  bool update_row(const T& obj) {
    static_assert(writable<T>);
    return self().with_connection(
        [&](auto& c) { return impl<bulk_insert, T>::update_row(c, obj); });
  }

  /// DELETE the row with `obj`'s primary key. Returns false when no row has that key.
  template <class T>
  bool remove(const T& obj) {
    static_assert(writable<T>);
    return self().with_connection([&](auto& c) { return impl<by_key, T>::remove(c, obj); });
  }
  /// DELETE the row of `T` with this primary key. Returns false when there was none.
  template <class T, class... K>
    requires(sizeof...(K) > 0 && !(std::is_same_v<K, T> && ...))
  bool remove_by_key(const K&... key) {
    static_assert(writable<T>);
    return self().with_connection(
        [&](auto& c) { return impl<by_key, T>::template remove_by_key<T>(c, key...); });
  }

  /// DELETE the rows with the primary keys of a range's elements, all in one transaction (a
  /// savepoint inside an open one). Returns how many rows were deleted. A single-column key is
  /// deleted by `DELETE ... WHERE key IN (...)` statements of up to 1000 keys; a composite key,
  /// or SQLite on a file (`driver::connection::prefers_single_row_writes`), by one reused
  /// single-row DELETE per element.
  template <detail::input_range R>
  std::int64_t remove_many(R&& range) {
    using T = std::remove_cvref_t<detail::range_reference_t<R>>;
    static_assert(writable<T>);
    std::vector<const T*> rows;
    if constexpr (detail::sized_range<R>) rows.reserve(std::ranges::size(range));
    for (const T& obj : range) rows.push_back(__builtin_addressof(obj));
    if (rows.empty()) return 0;
    return self().with_connection([&](auto& c) { return impl<by_key, T>::remove_many(c, rows); });
  }

 protected:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }

 private:
  /// `Impl`, named through `T` so that it is looked up when a call is instantiated (by then
  /// by_key.hpp and bulk_insert.hpp are included).
  template <class Impl, class T>
  using impl = std::conditional_t<sizeof(T) != 0, Impl, void>;

  template <bool WriteKeys, class R>
  void insert_range(R&& range) {
    // Rows whose keys are not written back are seen as const all the way down.
    using M = std::remove_cvref_t<detail::range_reference_t<R>>;
    using T = std::conditional_t<WriteKeys, M, const M>;
    static_assert(writable<M>);
    static_assert(std::is_lvalue_reference_v<detail::range_reference_t<R>>,
                  "tabula: insert_many() needs a range of models it can refer to, such as a "
                  "std::vector<T>.");
    std::vector<T*> rows;
    if constexpr (detail::sized_range<R>) rows.reserve(std::ranges::size(range));
    for (T& obj : range) rows.push_back(__builtin_addressof(obj));
    if (rows.empty()) return;
    self().with_connection(
        [&](auto& c) { impl<bulk_insert, M>::template rows<WriteKeys>(c, table_of<M>(), rows); });
  }
};

}  // namespace detail
}  // namespace tabula
