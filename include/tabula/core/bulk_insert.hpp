#pragma once
/// \file bulk_insert.hpp
/// Every INSERT of rows goes through here: one row (`insert`), many rows (`insert_many`, the
/// session's flush) and the typed INSERT statements that take several SQL statements
/// (`insert_into<T>().values(range)`). This is where rows are split under the driver's
/// parameter limit, where the path is chosen — `COPY` (the driver's bulk load), multi-row
/// `VALUES`, or one reused single-row statement — where generated keys are written back, and
/// where the transaction around several statements is opened. The query layer only plans a
/// statement's parts (`parts()`) and builds them (`with_part()`). The UPDATE of a row by its
/// key (`update_row`, the session's flush) runs here too, compiled once in the library as the
/// INSERT paths are (`update_by_key`).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tabula/core/by_key.hpp"
#include "tabula/core/detail/bind.hpp"
#include "tabula/core/detail/sql_cache.hpp"
#include "tabula/core/detail/statements.hpp"
#include "tabula/core/statement_ref.hpp"
#include "tabula/detail/list_view.hpp"
#include "tabula/dialect/dialect.hpp"
#include "tabula/driver/driver.hpp"
#include "tabula/error.hpp"
#include "tabula/query/detail/insert_plan.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {
class connection;
}  // namespace tabula

namespace tabula::detail {

/// Cache key of the single-row INSERTs of `T` that leave server-default columns to the
/// database, and of their full-size multi-row chunks, whose shape is known at run time.
template <class T>
struct insert_defaults_key {};
/// Cache key of the full-size multi-row INSERTs of `T` that write every column.
template <class T>
struct insert_chunk_key {};
/// Cache key of the SELECT reading back the server-default columns of `T` an INSERT left out.
template <class T>
struct reread_defaults_key {};

/// What the INSERT paths need of a model, as functions of an untyped row: every path —
/// chunking, choosing the statement, the transaction, reading back what the database
/// generated — is compiled once in the library (src/core/bulk_insert.cpp), and a program
/// compiles these few functions per model. Rows are `T*` passed as `void*` (`const T*` when
/// nothing is written back: the functions that write are then not called).
struct insert_ops {
  /// Whether the row gives the generated key, and which server defaults it leaves out.
  dml::insert_shape (*shape)(const void* row, const table_info& t);
  /// Binds the row's values for an INSERT of that shape (`dml::bind_model_row`).
  void (*bind)(statement_binder& b, const void* row, const table_info& t, bool with_key,
               std::uint64_t omitted);
  /// The same into a bulk load (COPY on PostgreSQL).
  void (*load)(value_binder<driver::bulk_writer>& b, const void* row, const table_info& t,
               bool with_key, std::uint64_t omitted);
  /// Reads the current row's columns into `fields` of the row (`read_fields_at`).
  void (*read)(const driver::statement& st, void* row, detail::list_view<const std::size_t> fields);
  /// Writes a generated key into the row.
  void (*set_key)(const table_info& t, void* row, std::int64_t key);
  /// Gives field `field` of the row its empty value.
  void (*clear)(void* row, std::size_t field);
  /// Binds the row's primary key.
  void (*bind_key)(statement_binder& b, const void* row, const table_info& t);
  /// The single-row INSERT writing every server-default column, cached per thread and dialect.
  const compiled_sql& (*single_sql)(const dialect& d, const table_info& t, bool with_key);
  sql_cache_id* chunk_cache;     ///< full-size chunks writing every column
  sql_cache_id* defaults_cache;  ///< INSERTs leaving server defaults out
  sql_cache_id* reread_cache;    ///< SELECTs reading those back (SQLite)
};

/// What an UPDATE by key needs of a model (`update_by_key`): a table of its own, so that a
/// program that only updates rows does not compile the INSERT's functions.
struct update_ops {
  /// Binds the fields whose entry in `mask` (one per field) is not 0, in field order.
  void (*bind_fields)(statement_binder& b, const void* row, const table_info& t,
                      detail::list_view<const std::uint8_t> mask);
  /// Binds the row's primary key (as `insert_ops::bind_key`).
  void (*bind_key)(statement_binder& b, const void* row, const table_info& t);
  /// Reads the current row's columns into `fields` of the row (as `insert_ops::read`).
  void (*read)(const driver::statement& st, void* row, detail::list_view<const std::size_t> fields);
  sql_cache_id* reread_cache;  ///< SELECTs reading back what on-update SQL wrote (SQLite)
};

/// INSERT of one row (`row`: `const T*` when not `write_back`).
void insert_one(connection& c, const table_info& t, const insert_ops& ops, void* row,
                bool write_back);
/// INSERT of `n` rows in order, in one transaction (a savepoint in an open one). With
/// `write_keys`, what the database generated is written back into the rows (and reset when
/// the INSERT fails); with `load`, rows whose values are not read back may go through the
/// driver's bulk load.
void insert_rows(connection& c, const table_info& t, const insert_ops& ops, void* const* rows,
                 std::size_t n, bool write_keys, bool load);

/// Runs `sql`, an UPDATE by key (`update_by_key_statement`), binding the fields of `row` that
/// `set` marks, then the key of `key_row` and, when `versioned`, its version. The fields of
/// `returned` (the on-update SQL columns) are read into `read_into`, from the UPDATE's
/// RETURNING or, where the dialect reads back otherwise, by a SELECT by key after it; nothing
/// is read when `returned` is empty or `read_into` null. Whether a row matched.
bool update_by_key(connection& c, const table_info& t, const update_ops& ops,
                   const compiled_sql& sql, const void* row,
                   detail::list_view<const std::uint8_t> set, const void* key_row, bool versioned,
                   detail::list_view<const std::size_t> returned, void* read_into);

struct bulk_insert {
  /// Calls `f(part)` for each SQL statement `s` runs as: `s` itself, or — for a statement that
  /// plans several (an INSERT of more rows than one statement carries) — each part, inside one
  /// transaction (a savepoint in an open one) so that all of them or none are written. The
  /// rows of an INSERT get their client values (`default_value`, `client_key`) first.
  template <class C, class S, class F>
  static void each_part(C& c, const S& s, F&& f) {
    if constexpr (requires { requires S::makes_client_values; }) {
      const S filled = s.with_client_values();
      plan_parts(c, filled, f);
    } else if constexpr (requires { s.parts(std::uint32_t{}); }) {
      plan_parts(c, s, f);
    } else {
      f(s);
    }
  }

  /// `execute()` of an INSERT of models the program gave as modifiable objects, without ON
  /// CONFLICT or RETURNING: inserted as `insert` (one object) or `insert_many` (a range)
  /// inserts them — client values filled in, server defaults left to the database and what it
  /// generated written back — but always as INSERT statements (no bulk load: the program wrote
  /// an INSERT). The number of rows inserted; nullopt for other statements.
  template <class C, class S>
  static std::optional<std::int64_t> written_back(C& c, const S& s) {
    if constexpr (requires { requires S::writes_back; }) {
      using M = typename S::model_type;
      const std::vector<M*> objects = s.modifiable_rows();
      if (objects.empty()) return std::nullopt;
      if (objects.size() == 1) {
        one(c, *objects.front());
      } else {
        rows<true, false>(c, table_of<M>(), objects);
      }
      return static_cast<std::int64_t>(objects.size());
    } else {
      return std::nullopt;
    }
  }

  /// INSERT of one row; fills in client defaults first, and writes what the database
  /// generated (the key, server defaults left out) back into `obj` unless it is const.
  template <class C, class T>
  static T& one(C& c, T& obj) {
    using M = std::remove_const_t<T>;
    if constexpr (dml::has_client_values<M> && std::is_const_v<T>) {
      M copy = obj;  // client values are written into the row, not into a const object
      one(c, copy);
    } else {
      dml::apply_client_values(obj);
      insert_one(c, table_of<M>(), ops_of<M>, const_cast<M*>(&obj), !std::is_const_v<T>);
    }
    return obj;
  }

  /// INSERT of `rows`, in order, in one transaction; client defaults are filled in first. With
  /// `WriteKeys`, what the database generated (keys left at 0, server defaults left out) is
  /// written back into the rows (and reset when the INSERT fails).
  /// `Load`: rows whose values are not read back may go through the driver's bulk load.
  template <bool WriteKeys, bool Load = true, class C, class T>
  static void rows(C& c, const table_info& t, const std::vector<T*>& rows) {
    static_assert(!WriteKeys || !std::is_const_v<T>,
                  "tabula: generated keys are written back into the rows, and these are const.");
    using M = std::remove_const_t<T>;
    std::vector<void*> untyped;
    untyped.reserve(rows.size());
    if constexpr (dml::has_client_values<M> && std::is_const_v<T>) {
      // Client values are written into copies: the elements are const.
      std::vector<M> copies;
      copies.reserve(rows.size());
      for (const T* row : rows) dml::apply_client_values(copies.emplace_back(*row));
      for (M& copy : copies) untyped.push_back(&copy);
      insert_rows(c, t, ops_of<M>, untyped.data(), untyped.size(), false, Load);
      return;
    } else {
      for (T* row : rows) {
        dml::apply_client_values(*row);
        untyped.push_back(const_cast<M*>(row));
      }
    }
    insert_rows(c, t, ops_of<M>, untyped.data(), untyped.size(), WriteKeys, Load);
  }

  /// UPDATE of every column of the row with `obj`'s key (`db.update_row`); the on-update
  /// values are set and, unless `obj` is const, the columns on-update SQL wrote are read back
  /// into it.
  template <class C, class T>
  static bool update_row(C& c, T& obj) {
    using M = std::remove_const_t<T>;
    if constexpr (has_on_update<M> && std::is_const_v<T>) {
      M copy = obj;  // the values bound must live until the statement runs
      return update_row(c, copy);
    } else {
      const table_info& t = table_of<M>();
      if constexpr (has_on_update<M>) apply_on_update_values(obj);
      const bool returning = reads_back_by_returning(c.sql_dialect());
      const compiled_sql& sql = cached_sql<builtin_key<M, builtin::update>>(c.sql_dialect(), [&] {
        std::vector<std::size_t> fields;
        for (std::size_t i = 0; i < t.def.columns.size(); ++i) {
          if (!is_key_field(t, i)) fields.push_back(i);
        }
        return update_by_key_statement(t, update_fields(t, fields), true, returning);
      });
      // A const object (of a model without on-update values: see above) reads nothing back.
      void* read_into = nullptr;
      if constexpr (!std::is_const_v<T>) read_into = &obj;
      return update_by_key(c, t, update_ops_of<M>, sql, &obj, t.update_row_set, &obj, false,
                           t.on_update_sql_fields, read_into);
    }
  }

  /// The `insert_ops` of model `T`.
  template <class T>
  static constexpr const insert_ops& ops_for() noexcept {
    return ops_of<T>;
  }
  /// The `update_ops` of model `T`.
  template <class T>
  static constexpr const update_ops& update_ops_for() noexcept {
    return update_ops_of<T>;
  }

  /// Reports a bulk load's SQL to `c`'s statement hook (it goes through no `prepare`).
  static void report(connection& c, std::string_view sql);

  /// Writes a generated key into `obj`'s generated field (an integer, by the schema's rules).
  template <class T>
  static void set_generated_key(const table_info& t, T& obj, std::int64_t key) {
    with_field(obj, *t.generated_field, [&](auto& field) {
      using K = std::remove_cvref_t<decltype(field)>;
      if constexpr (std::is_integral_v<K>) field = type_traits<K>::from_sql(key);
    });
  }

 private:
  /// Runs `f` on each part `s` plans (see `each_part`).
  template <class C, class S, class F>
  static void plan_parts(C& c, const S& s, F& f) {
    const auto plan = s.parts(c.sql_dialect().capabilities().max_params);
    if (plan.size() == 1) {
      s.with_part(plan.front(), f);
    } else if (!plan.empty()) {
      auto tx = c.begin();
      for (const auto& part : plan) s.with_part(part, f);
      tx.commit();
    }
  }

  /// The functions of `insert_ops` for model `T`.
  template <class T>
  struct typed {
    static dml::insert_shape shape(const void* row, const table_info& t) {
      const T& obj = *static_cast<const T*>(row);
      return {dml::gives_generated_key(obj, t), dml::omitted_defaults(obj, t)};
    }
    template <class Binder>
    static void bind(Binder& b, const void* row, const table_info& t, bool with_key,
                     std::uint64_t omitted) {
      dml::bind_model_row(b, *static_cast<const T*>(row), t, with_key, omitted);
    }
    static void read(const driver::statement& st, void* row,
                     detail::list_view<const std::size_t> f) {
      read_fields_at(st, *static_cast<T*>(row), f);
    }
    static void set_key(const table_info& t, void* row, std::int64_t key) {
      set_generated_key(t, *static_cast<T*>(row), key);
    }
    static void clear(void* row, std::size_t field) {
      with_field(*static_cast<T*>(row), field, [](auto& f) {
        using F = std::remove_cvref_t<decltype(f)>;
        if constexpr (std::is_default_constructible_v<F>) f = F{};
      });
    }
    static void bind_key(statement_binder& b, const void* row, const table_info& t) {
      bind_key_of(b, *static_cast<const T*>(row), t);
    }
    static void bind_fields(statement_binder& b, const void* row, const table_info& t,
                            detail::list_view<const std::uint8_t> mask) {
      reflect::for_each_field(*static_cast<const T*>(row), [&](const auto& field, auto i) {
        if (mask[i] != 0) dml::bind_field(b, field, t, i);
      });
    }
    static const compiled_sql& single_sql(const dialect& d, const table_info& t, bool with_key) {
      if (with_key) {
        return cached_sql<builtin_key<T, builtin::insert_with_key>>(
            d, [&] { return insert_statement(t, true, 1, false); });
      }
      return cached_sql<builtin_key<T, builtin::insert>>(
          d, [&] { return insert_statement(t, false, 1, !d.capabilities().last_insert_id); });
    }
  };
  template <class T>
  static constexpr insert_ops ops_of{&typed<T>::shape,
                                     &typed<T>::template bind<statement_binder>,
                                     &typed<T>::template bind<value_binder<driver::bulk_writer>>,
                                     &typed<T>::read,
                                     &typed<T>::set_key,
                                     &typed<T>::clear,
                                     &typed<T>::bind_key,
                                     &typed<T>::single_sql,
                                     &sql_cache_id_of<insert_chunk_key<T>>,
                                     &sql_cache_id_of<insert_defaults_key<T>>,
                                     &sql_cache_id_of<reread_defaults_key<T>>};
  template <class T>
  static constexpr update_ops update_ops_of{&typed<T>::bind_fields, &typed<T>::bind_key,
                                            &typed<T>::read, &sql_cache_id_of<reread_key<T>>};
};

}  // namespace tabula::detail
