#pragma once
/// \file connection.hpp
/// `tabula::connection`: one pooled database connection with the typed data API (insert, get,
/// all, update, remove, queries, DDL) and explicit transactions (the guard is in
/// transaction.hpp, the statement handle in statement_ref.hpp). `engine` offers the same API,
/// running each call on a connection it takes from its pool for that call.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/core/dml_api.hpp"
#include "tabula/core/statement_ref.hpp"
#include "tabula/core/transaction.hpp"
#include "tabula/core/raw_api.hpp"
#include "tabula/core/select_api.hpp"
#include "tabula/core/detail/bind.hpp"
#include "tabula/core/detail/pool.hpp"
#include "tabula/core/detail/sql_cache.hpp"
#include "tabula/core/detail/statements.hpp"
#include "tabula/dialect/dialect.hpp"
#include "tabula/driver/driver.hpp"
#include "tabula/error.hpp"
#include "tabula/query/detail/insert_plan.hpp"
#include "tabula/query/select.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

/// Asks `insert_many` not to read generated keys back: `db.insert_many(rows, tabula::skip_keys)`.
struct skip_keys_t {
  explicit skip_keys_t() = default;
};
inline constexpr skip_keys_t skip_keys{};


namespace detail {

/// Cache key of a model's built-in statements.
enum class builtin : std::uint8_t { insert, insert_with_key, get, update, remove };
template <class T, builtin Op>
struct builtin_key {};
/// Cache key of a full-size chunk of `insert_many`, per shape (generated key given or not,
/// generated keys read back or not).
template <class T, bool WithKey, bool ReadKeys>
struct insert_chunk_key {};
/// Cache key of a full-size chunk of `remove_many`.
template <class T>
struct remove_chunk_key {};

/// The value of field `index` of `obj`, passed to `f` with its static type.
template <class T, class F>
void with_field(T& obj, std::size_t index, F&& f) {
  reflect::for_each_field(obj, [&](auto& field, auto i) {
    if (decltype(i)::value == index) f(field);
  });
}

template <class T, class... K>
void bind_key(statement_binder& b, const table_info& t, const K&... key) {
  if (sizeof...(K) != t.key_fields.size()) {
    throw_error<programming_error>("tabula: " + t.model_name + " has a primary key of " +
                                   std::to_string(t.key_fields.size()) + " column(s), but " +
                                   std::to_string(sizeof...(K)) + " value(s) were given");
  }
  (b(key), ...);
}

template <class T>
void bind_key_of(statement_binder& b, const T& obj, const table_info& t) {
  for (std::size_t f : t.key_fields) with_field(obj, f, [&](const auto& field) { b(field); });
}

}  // namespace detail

/// One database connection taken from an engine's pool; given back when destroyed. Not
/// thread-safe: use one connection per thread.
class connection : public detail::select_api<connection>,
                   public detail::dml_api<connection>,
                   public detail::raw_api<connection> {
 public:
  using detail::dml_api<connection>::update;  // update<T>() beside update(obj)

  connection(connection&&) noexcept = default;
  connection& operator=(connection&&) noexcept = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// The dialect statements are compiled for.
  [[nodiscard]] const dialect& sql_dialect() const noexcept { return pool_->sql_dialect(); }
  /// The driver connection, for what the typed API does not cover.
  [[nodiscard]] driver::connection& raw() noexcept { return *conn_; }

  /// Runs SQL text that takes no parameters and returns no rows (DDL, PRAGMA, SET).
  void execute(std::string_view sql);

  /// BEGIN; or, inside a transaction, a SAVEPOINT. Rolled back unless committed.
  [[nodiscard]] transaction begin();
  /// True while a transaction is open on this connection.
  [[nodiscard]] bool in_transaction() const { return conn_->in_transaction(); }

  /// A prepared statement for `sql` (from the connection's cache), reported to the echo hook.
  [[nodiscard]] statement_ref prepare(const std::string& sql);
  /// The same for SQL from tabula's SQL cache: the connection finds the statement by the
  /// text's cache id, without hashing the text.
  [[nodiscard]] statement_ref prepare(const compiled_sql& sql);

  // ----- schema

  /// CREATE TABLE IF NOT EXISTS (and indexes) for each model, referenced tables first. Throws
  /// `programming_error` before any DDL for a name the database would cut (over 63 bytes on
  /// PostgreSQL) or that two tables, indexes or constraints share, and after a CREATE INDEX IF
  /// NOT EXISTS that found the name taken by another table's index.
  template <class... Ts>
  void create_all() {
    create_tables(dependency_order<Ts...>());
  }
  /// DROP TABLE IF EXISTS for each model, referencing tables first. Throws `programming_error`
  /// before any DDL for a table name the database would cut to another table's.
  template <class... Ts>
  void drop_all() {
    drop_tables(dependency_order<Ts...>());
  }

  // ----- rows by primary key

  /// INSERT one row. A generated key left at its default (0) is omitted and filled in from
  /// what the database generated (RETURNING, or SQLite's rowid); any other value is inserted
  /// as given. Returns `obj`.
  template <class T>
  T& insert(T& obj) {
    const table_info& t = table_of<T>();
    const bool with_key = detail::dml::gives_generated_key(obj, t);
    auto st = prepare(single_insert_sql<T>(t, with_key));
    insert_row(*st, obj, t, with_key);
    return obj;
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
  template <std::ranges::input_range R>
  void insert_many(R&& range) {
    using T = std::remove_reference_t<std::ranges::range_reference_t<R>>;
    static_assert(!std::is_const_v<T>,
                  "tabula: insert_many() writes the generated keys back into the elements, and "
                  "these are const. Pass tabula::skip_keys as the second argument to insert them "
                  "without reading keys back (the bulk-load path: COPY on PostgreSQL) — for "
                  "const elements of a model without a generated key too.");
    insert_rows_of<true>(std::forward<R>(range));
  }
  /// INSERT every element of a range without reading generated keys back, through the
  /// fastest path each database has for that: `COPY ... FROM STDIN` on PostgreSQL, multi-row
  /// `VALUES` in SQLite's memory, the reused single-row INSERT on an SQLite file. The
  /// elements may be const; their keys are left as they are.
  template <std::ranges::input_range R>
  void insert_many(R&& range, skip_keys_t /*skip*/) {
    insert_rows_of<false>(std::forward<R>(range));
  }

 private:
  template <bool WriteKeys, class R>
  void insert_rows_of(R&& range) {
    // Rows whose keys are not written back are seen as const all the way down.
    using M = std::remove_cvref_t<std::ranges::range_reference_t<R>>;
    using T = std::conditional_t<WriteKeys, M, const M>;
    static_assert(std::is_lvalue_reference_v<std::ranges::range_reference_t<R>>,
                  "tabula: insert_many() needs a range of models it can refer to, such as a "
                  "std::vector<T>.");
    constexpr bool write_keys = WriteKeys;
    const table_info& t = table_of<M>();
    std::vector<T*> rows;
    if constexpr (std::ranges::sized_range<R>) rows.reserve(std::ranges::size(range));
    for (T& obj : range) rows.push_back(std::addressof(obj));
    if (rows.empty()) return;
    const auto with_key = [&](std::size_t i) { return detail::dml::gives_generated_key(*rows[i], t); };
    std::vector<detail::dml::insert_chunk> keyed;  // chunks whose keys are written back
    auto tx = begin();
    try {
      if (!(write_keys && t.generated_field) && load_in_bulk(t, rows, with_key)) {
        tx.commit();
        return;
      }
      const std::uint32_t max_params = sql_dialect().capabilities().max_params;
      detail::dml::for_each_insert_chunk(
          rows.size(), with_key,
          [&](bool key) {
            return detail::dml::rows_per_insert(max_params, detail::dml::values_columns(t, key), 0);
          },
          [&](const detail::dml::insert_chunk& c) {
            if (write_keys && !c.with_key && t.generated_field) keyed.push_back(c);
            insert_rows<write_keys>(t, rows.data() + c.first, c);
          });
      tx.commit();
    } catch (...) {
      // The rows are not in the database: keys filled in from them would be false.
      if constexpr (write_keys) {
        for (const auto& c : keyed) {
          for (std::size_t i = c.first; i < c.first + c.count; ++i) set_generated_key(t, *rows[i], 0);
        }
      }
      throw;
    }
  }

 public:

  /// The row with this primary key, if any.
  template <class T, class... K>
  [[nodiscard]] std::optional<T> get(const K&... key) {
    const table_info& t = table_of<T>();
    const compiled_sql& sql = detail::cached_sql<detail::builtin_key<T, detail::builtin::get>>(
        sql_dialect(), [&] { return detail::select_by_key_statement(t); });
    auto st = prepare(sql);
    detail::statement_binder b{*st};
    detail::bind_key<T>(b, t, key...);
    std::optional<T> out;  // the one object returned on every path: no move of the row
    if (st->step()) {
      detail::positional_reader<T> read;
      out.emplace(detail::current_row<decltype(read)>{read, *st});
    }
    return out;
  }

  /// Every row of a model.
  template <class T>
    requires(!requires { typename T::row_type; })
  [[nodiscard]] std::vector<T> all() {
    return query<T>().all();
  }

  /// UPDATE every column of the row with `obj`'s primary key. Returns false when no row has
  /// that key.
  template <class T>
  bool update(const T& obj) {
    const table_info& t = table_of<T>();
    const compiled_sql& sql =
        detail::cached_sql<detail::builtin_key<T, detail::builtin::update>>(sql_dialect(), [&] {
          std::vector<std::size_t> fields;
          for (std::size_t i = 0; i < t.def.columns.size(); ++i) {
            if (!detail::is_key_field(t, i)) fields.push_back(i);
          }
          return detail::update_by_key_statement(t, fields);
        });
    auto st = prepare(sql);
    detail::statement_binder b{*st};
    reflect::for_each_field(obj, [&](const auto& field, auto i) {
      if (!detail::is_key_field(t, decltype(i)::value)) {
        b(field);
      }
    });
    detail::bind_key_of(b, obj, t);
    return detail::step_to_end(*st) > 0;
  }

  /// DELETE the row with `obj`'s primary key. Returns false when no row has that key.
  template <class T>
  bool remove(const T& obj) {
    const table_info& t = table_of<T>();
    auto st = prepare(remove_sql<T>(t));
    detail::statement_binder b{*st};
    detail::bind_key_of(b, obj, t);
    return detail::step_to_end(*st) > 0;
  }
  /// DELETE the row of `T` with this primary key. Returns false when there was none.
  template <class T, class... K>
    requires(sizeof...(K) > 0 && !(std::is_same_v<K, T> && ...))
  bool remove_by_key(const K&... key) {
    const table_info& t = table_of<T>();
    auto st = prepare(remove_sql<T>(t));
    detail::statement_binder b{*st};
    detail::bind_key<T>(b, t, key...);
    return detail::step_to_end(*st) > 0;
  }

  /// DELETE the rows with the primary keys of a range's elements, all in one transaction (a
  /// savepoint inside an open one). Returns how many rows were deleted. A single-column key is
  /// deleted by `DELETE ... WHERE key IN (...)` statements of up to 1000 keys; a composite key,
  /// or SQLite on a file (`driver::connection::prefers_single_row_writes`), by one reused
  /// single-row DELETE per element.
  template <std::ranges::input_range R>
  std::int64_t remove_many(R&& range) {
    using T = std::remove_cvref_t<std::ranges::range_reference_t<R>>;
    const table_info& t = table_of<T>();
    std::vector<const T*> rows;
    if constexpr (std::ranges::sized_range<R>) rows.reserve(std::ranges::size(range));
    for (const T& obj : range) rows.push_back(std::addressof(obj));
    if (rows.empty()) return 0;
    std::int64_t removed = 0;
    auto tx = begin();
    if (t.key_fields.size() != 1 || conn_->prefers_single_row_writes()) {
      auto st = prepare(remove_sql<T>(t));
      for (const T* obj : rows) {
        detail::statement_binder b{*st};
        detail::bind_key_of(b, *obj, t);
        removed += detail::step_to_end(*st);
        st->reset();
      }
    } else {
      const std::size_t per = std::min<std::size_t>(detail::dml::max_rows_per_insert,
                                                    sql_dialect().capabilities().max_params);
      for (std::size_t first = 0; first < rows.size(); first += per) {
        const std::size_t count = std::min(per, rows.size() - first);
        const auto make = [&] { return detail::delete_by_keys_statement(t, count); };
        // A chunk below full size is compiled for this call only.
        auto st = count == per ? prepare(detail::cached_sql<detail::remove_chunk_key<T>>(
                                     sql_dialect(), make))
                               : prepare(sql_dialect().compile(make()).text);
        detail::statement_binder b{*st};
        for (std::size_t i = first; i < first + count; ++i) detail::bind_key_of(b, *rows[i], t);
        removed += detail::step_to_end(*st);
      }
    }
    tx.commit();
    return removed;
  }

  // ----- queries

  /// SELECT of whole `T` rows: refine with where / order_by / limit, finish with all() etc.
  template <class T>
  [[nodiscard]] select_statement<connection, T> query() {
    return select_statement<connection, T>(this);
  }

  /// Every row of a typed statement built elsewhere (e.g. with `select_from<T>()`).
  template <class Statement>
  [[nodiscard]] auto all(const Statement& stmt);

  /// Prepares a typed statement and binds its values: ready to step. `Key` names the shape
  /// for the SQL cache (the statement type itself unless a wrapper changes the SQL).
  template <class Key = void, class Statement, class Lower>
  [[nodiscard]] statement_ref start(const Statement& stmt, Lower&& lower) {
    using cache_key = std::conditional_t<std::is_void_v<Key>, Statement, Key>;
    const compiled_sql* cached = nullptr;
    if constexpr (Statement::fixed_shape) {
      detail::shape_probe probe;
      stmt.bind(probe);
      cached = detail::cached_sql<cache_key>(sql_dialect(), probe.key, lower);
    }
    auto st = cached != nullptr ? prepare(*cached)
                                : prepare(uncached_ = sql_dialect().compile(lower()).text);
    detail::statement_binder b{*st};
    stmt.bind(b);
    return st;
  }
  template <class Statement>
  [[nodiscard]] statement_ref start(const Statement& stmt) {
    if constexpr (detail::text_statement<Statement>) {
      return detail::start_text(*this, stmt);  // hand-written SQL (raw_api.hpp)
    } else {
      return start(stmt, [&] { return stmt.lower(); });
    }
  }

  /// Runs a typed statement and calls `on_row(const driver::statement&)` for each row; an
  /// `on_row` returning bool stops early by returning false.
  template <class Statement, class OnRow>
  void run(const Statement& stmt, OnRow&& on_row) {
    auto st = start(stmt);
    while (st->step()) {
      const driver::statement& row = *st;
      if constexpr (std::is_same_v<decltype(on_row(row)), bool>) {
        if (!on_row(row)) break;
      } else {
        on_row(row);
      }
    }
  }

  /// Gives the connection to `f`: lets engine and connection share one data API.
  template <class F>
  decltype(auto) with_connection(F&& f) {
    return std::forward<F>(f)(*this);
  }

 private:
  friend class engine;
  connection(std::shared_ptr<detail::pool> pool, detail::pool::lease l)
      : pool_(std::move(pool)),
        conn_(std::move(l.conn)),
        opened_(l.opened),
        generation_(l.generation) {}

  void create_tables(const std::vector<const table_info*>& tables);
  void drop_tables(const std::vector<const table_info*>& tables);
  /// Throws unless the index named `index.name` belongs to `index.table`: CREATE INDEX IF NOT
  /// EXISTS does nothing when the name is taken, and the index would silently be missing.
  void check_index_table(const ast::index_def& index);

  /// Rows whose keys are not read back, through the driver's bulk-load path: one load per run
  /// of rows of one shape (generated key given or not). False when the driver has none.
  template <class T, class WithKey>
  bool load_in_bulk(const table_info& t, const std::vector<T*>& rows, const WithKey& with_key) {
    // A COPY needs a column: rows of no values are inserted with DEFAULT VALUES instead.
    if (detail::dml::values_columns(t, false) == 0) return false;
    for (std::size_t first = 0; first < rows.size();) {
      const bool key = with_key(first);
      std::size_t end = first + 1;
      while (end < rows.size() && with_key(end) == key) ++end;
      std::vector<std::string> columns;
      for (std::size_t f : detail::insert_fields(t, key)) columns.push_back(t.def.columns[f].name);
      auto writer = conn_->bulk_load(t.def.name, columns);
      if (!writer) return false;  // never after a first load: the answer is per driver
      if (pool_->echo) pool_->echo(writer->sql());
      for (std::size_t i = first; i < end; ++i) {
        detail::value_binder<driver::bulk_writer> b{*writer};
        detail::dml::bind_model_row(b, *rows[i], t, key);
        writer->end_row();
      }
      writer->finish();
      first = end;
    }
    return true;
  }

  /// One chunk of `insert_many`: `c.count` rows from `rows`, as one multi-row statement, or as
  /// `c.count` executions of one single-row statement where the driver prefers that or reports
  /// generated keys.
  template <bool WriteKeys, class T>
  void insert_rows(const table_info& t, T* const* rows, const detail::dml::insert_chunk& c) {
    using M = std::remove_const_t<T>;
    const bool read_keys = WriteKeys && !c.with_key && t.generated_field;
    const dialect_capabilities& caps = sql_dialect().capabilities();
    if (conn_->prefers_single_row_writes() || (read_keys && caps.last_insert_id)) {
      auto st = prepare(single_insert_sql<M>(t, c.with_key));
      for (std::size_t i = 0; i < c.count; ++i) {
        insert_row(*st, *rows[i], t, c.with_key);
        st->reset();
      }
      return;
    }
    const auto make = [&] { return detail::insert_statement(t, c.with_key, c.count, read_keys); };
    // A chunk below full size is compiled for this call only.
    auto st = !c.full     ? prepare(sql_dialect().compile(make()).text)
              : c.with_key ? prepare(chunk_sql<M, true, false>(make))
              : read_keys  ? prepare(chunk_sql<M, false, true>(make))
                           : prepare(chunk_sql<M, false, false>(make));
    detail::statement_binder b{*st};
    for (std::size_t i = 0; i < c.count; ++i) {
      detail::dml::bind_model_row(b, *rows[i], t, c.with_key);
    }
    if (!read_keys) {
      detail::step_to_end(*st);
      return;
    }
    if constexpr (WriteKeys) {
      // PostgreSQL and SQLite return the RETURNING rows of a multi-row VALUES insert in VALUES
      // order, and generate the keys in that order: each key must exceed the one before, so a
      // database returning them otherwise fails loudly instead of mixing up keys.
      std::size_t n = 0;
      std::int64_t previous = 0;
      while (st->step()) {
        if (n == c.count) detail::dml::throw_unmatched_keys(t, "more keys than rows were returned");
        const auto key = detail::read_value<std::int64_t>(*st, 0);
        if (n > 0 && !(previous < key)) {
          detail::dml::throw_unmatched_keys(t, "the keys were not returned in insertion order");
        }
        set_generated_key(t, *rows[n], key);
        previous = key;
        ++n;
      }
      if (n != c.count) detail::dml::throw_unmatched_keys(t, "fewer keys than rows were returned");
    }
  }

  /// The single-row INSERT of `T`: with the generated key as a column, or without it and
  /// returning the generated key unless the driver reports it (`last_insert_id`).
  template <class T>
  const compiled_sql& single_insert_sql(const table_info& t, bool with_key) {
    if (with_key) {
      return detail::cached_sql<detail::builtin_key<T, detail::builtin::insert_with_key>>(
          sql_dialect(), [&] { return detail::insert_statement(t, true, 1, false); });
    }
    return detail::cached_sql<detail::builtin_key<T, detail::builtin::insert>>(sql_dialect(), [&] {
      return detail::insert_statement(t, false, 1, !sql_dialect().capabilities().last_insert_id);
    });
  }

  /// Runs `single_insert_sql` for `obj` and, unless `obj` is const, writes the generated key
  /// back into it.
  template <class T>
  void insert_row(driver::statement& st, T& obj, const table_info& t, bool with_key) {
    detail::statement_binder b{st};
    detail::dml::bind_model_row(b, obj, t, with_key);
    if (with_key || sql_dialect().capabilities().last_insert_id) {
      detail::step_to_end(st);
      if constexpr (!std::is_const_v<T>) {
        if (!with_key) set_generated_key(t, obj, conn_->last_insert_id());
      }
      return;
    }
    if (!st.step()) detail::dml::throw_unmatched_keys(t, "no key was returned");
    if constexpr (!std::is_const_v<T>) set_generated_key(t, obj, detail::read_value<std::int64_t>(st, 0));
    detail::step_to_end(st);
  }

  template <class T, bool WithKey, bool ReadKeys, class Make>
  const compiled_sql& chunk_sql(const Make& make) {
    return detail::cached_sql<detail::insert_chunk_key<T, WithKey, ReadKeys>>(sql_dialect(), make);
  }

  /// Writes a generated key into `obj`'s generated field (an integer, by the schema's rules).
  template <class T>
  static void set_generated_key(const table_info& t, T& obj, std::int64_t key) {
    detail::with_field(obj, *t.generated_field, [&](auto& field) {
      using K = std::remove_cvref_t<decltype(field)>;
      if constexpr (std::is_integral_v<K>) field = type_traits<K>::from_sql(key);
    });
  }

  template <class T>
  const compiled_sql& remove_sql(const table_info& t) {
    return detail::cached_sql<detail::builtin_key<T, detail::builtin::remove>>(
        sql_dialect(), [&] { return detail::delete_by_key_statement(t); });
  }

  std::shared_ptr<detail::pool> pool_;
  std::shared_ptr<driver::connection> conn_;
  detail::pool::clock::time_point opened_{};  ///< for the pool: when it was opened
  std::uint64_t generation_ = 0;              ///< for the pool
  std::string uncached_;  ///< SQL of the last statement whose shape is not fixed by its type
  int savepoint_depth_ = 0;
};


}  // namespace tabula

// A connection's typed statements run through executor<connection>: defined after the class.
#include "tabula/core/executor.hpp"  // IWYU pragma: export
