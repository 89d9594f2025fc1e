#pragma once
/// \file bulk_insert.hpp
/// Every INSERT of rows goes through here: one row (`insert`), many rows (`insert_many`, the
/// session's flush) and the typed INSERT statements that take several SQL statements
/// (`insert_into<T>().values(range)`). This is where rows are split under the driver's
/// parameter limit, where the path is chosen — `COPY` (the driver's bulk load), multi-row
/// `VALUES`, or one reused single-row statement — where generated keys are written back, and
/// where the transaction around several statements is opened. The query layer only plans a
/// statement's parts (`parts()`) and builds them (`with_part()`).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "tabula/core/by_key.hpp"
#include "tabula/core/detail/bind.hpp"
#include "tabula/core/detail/sql_cache.hpp"
#include "tabula/core/detail/statements.hpp"
#include "tabula/core/statement_ref.hpp"
#include "tabula/dialect/dialect.hpp"
#include "tabula/driver/driver.hpp"
#include "tabula/error.hpp"
#include "tabula/query/detail/insert_plan.hpp"
#include "tabula/schema/table.hpp"

namespace tabula::detail {

/// Cache key of a full-size chunk of `insert_many`, per shape (generated key given or not,
/// generated keys read back or not).
template <class T, bool WithKey, bool ReadKeys>
struct insert_chunk_key {};
/// Cache key of the INSERTs of `T` that leave server-default columns to the database, whose
/// shape (which columns) is known at run time.
template <class T>
struct insert_defaults_key {};
/// Cache key of the SELECT reading back the server-default columns of `T` an INSERT left out.
template <class T>
struct reread_defaults_key {};

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
    const table_info& t = table_of<M>();
    if constexpr (dml::has_client_values<M> && std::is_const_v<T>) {
      M copy = obj;  // client values are written into the row, not into a const object
      one(c, copy);
      return obj;
    } else {
      dml::apply_client_values(obj);
      const dml::insert_shape shape = shape_of(obj, t);
      try {
        auto st = shape.omitted == 0
                      ? c.prepare(single_insert_sql<M>(c, t, shape.with_key))
                      : prepare_with_defaults<M>(c, t, shape, 1, true, !std::is_const_v<T>);
        insert_row(c, *st, obj, t, shape);
      } catch (const not_null_violation& e) {
        if (!shape.with_key && key_not_generated(t, e)) throw_key_not_generated(t, e);
        throw;
      }
      return obj;
    }
  }

  /// INSERT of `rows`, in order, in one transaction; client defaults are filled in first. With
  /// `WriteKeys`, what the database generated (keys left at 0, server defaults left out) is
  /// written back into the rows (and reset when the INSERT fails).
  /// `Load`: rows whose values are not read back may go through the driver's bulk load.
  template <bool WriteKeys, bool Load = true, class C, class T>
  static void rows(C& c, const table_info& t, const std::vector<T*>& rows) {
    using M = std::remove_const_t<T>;
    if constexpr (dml::has_client_values<M>) {
      if constexpr (std::is_const_v<T>) {
        // Client values are written into copies: the elements are const.
        std::vector<M> copies;
        copies.reserve(rows.size());
        for (const T* row : rows) dml::apply_client_values(copies.emplace_back(*row));
        std::vector<M*> pointers;
        pointers.reserve(copies.size());
        for (M& copy : copies) pointers.push_back(&copy);
        return insert_rows<false, Load>(c, t, pointers);
      } else {
        for (T* row : rows) dml::apply_client_values(*row);
      }
    }
    insert_rows<WriteKeys, Load>(c, t, rows);
  }

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

  template <class T>
  static dml::insert_shape shape_of(const T& obj, const table_info& t) {
    return {dml::gives_generated_key(obj, t), dml::omitted_defaults(obj, t)};
  }

  template <bool WriteKeys, bool Load, class C, class T>
  static void insert_rows(C& c, const table_info& t, const std::vector<T*>& rows) {
    constexpr bool write_keys = WriteKeys;
    const auto shape = [&](std::size_t i) { return shape_of(*rows[i], t); };
    const bool reads_back = !t.server_default_fields.empty() || t.generated_field;
    std::vector<dml::insert_chunk> keyed;  // chunks whose values are written back
    auto tx = c.begin();
    try {
      if (Load && !(write_keys && reads_back) && load_in_bulk(c, t, rows, shape)) {
        tx.commit();
        return;
      }
      const std::uint32_t max_params = c.sql_dialect().capabilities().max_params;
      dml::for_each_insert_chunk(
          rows.size(), shape,
          [&](const dml::insert_shape& s) {
            return dml::rows_per_insert(max_params, dml::values_columns(t, s.with_key, s.omitted),
                                        0);
          },
          [&](const dml::insert_chunk& chunk) {
            if (write_keys && reads_back) keyed.push_back(chunk);
            insert_chunk<write_keys>(c, t, rows.data() + chunk.first, chunk);
          });
      tx.commit();
    } catch (const not_null_violation& e) {
      reset_read_back<write_keys>(t, rows, keyed);
      if (t.generated_field && key_not_generated(t, e)) throw_key_not_generated(t, e);
      throw;
    } catch (...) {
      reset_read_back<write_keys>(t, rows, keyed);
      throw;
    }
  }

  /// The rows are not in the database: values filled in from it would be false. Keys go back
  /// to 0, server-default fields to their empty value.
  template <bool WriteKeys, class T>
  static void reset_read_back(const table_info& t, const std::vector<T*>& rows,
                              const std::vector<dml::insert_chunk>& keyed) {
    if constexpr (WriteKeys) {
      for (const auto& chunk : keyed) {
        for (std::size_t i = chunk.first; i < chunk.first + chunk.count; ++i) {
          if (!chunk.with_key && t.generated_field) set_generated_key(t, *rows[i], 0);
          for (std::size_t f : returned_fields(t, true, chunk.omitted, true)) {
            with_field(*rows[i], f, [](auto& field) {
              using F = std::remove_cvref_t<decltype(field)>;
              if constexpr (std::is_default_constructible_v<F>) field = F{};
            });
          }
        }
      }
    }
  }

  /// Rows whose keys are not read back, through the driver's bulk-load path: one load per run
  /// of rows of one shape. The columns a row leaves to the database are left out of its load,
  /// so their defaults apply (PostgreSQL's COPY fills a column it is not given from its
  /// DEFAULT). False when the driver has none, and for a sequence key.
  template <class C, class T, class ShapeOf>
  static bool load_in_bulk(C& c, const table_info& t, const std::vector<T*>& rows,
                           const ShapeOf& shape_of) {
    // A COPY needs a column: rows of no values are inserted with DEFAULT VALUES instead.
    if (dml::values_columns(t, false) == 0) return false;
    // A sequence key is written nextval('name'), which the table's DEFAULT may not say.
    if (t.key == key_source::sequence) return false;
    for (std::size_t first = 0; first < rows.size();) {
      const dml::insert_shape shape = shape_of(first);
      std::size_t end = first + 1;
      while (end < rows.size() && shape_of(end) == shape) ++end;
      std::vector<std::string> columns;
      for (std::size_t f : insert_fields(t, shape.with_key, shape.omitted)) {
        columns.push_back(t.def.columns[f].name);
      }
      if (columns.empty()) return false;
      auto writer = c.raw().bulk_load(t.def.schema, t.def.name, columns);
      if (!writer) return false;  // never after a first load: the answer is per driver
      c.report(writer->sql());
      for (std::size_t i = first; i < end; ++i) {
        value_binder<driver::bulk_writer> b{*writer};
        dml::bind_model_row(b, *rows[i], t, shape.with_key, shape.omitted);
        writer->end_row();
      }
      writer->finish();
      first = end;
    }
    return true;
  }

  /// The INSERT of `rows` rows of `shape`, which leaves server defaults to the database,
  /// prepared: compiled once per shape (`full` chunks and single rows) or for this call.
  template <class T, class C>
  static statement_ref prepare_with_defaults(C& c, const table_info& t,
                                             const dml::insert_shape& shape, std::size_t rows,
                                             bool full, bool read_back) {
    const dialect& d = c.sql_dialect();
    // SQLite reads what it filled with a SELECT by key after the INSERT (see insert_row).
    const bool returning = read_back && !d.capabilities().last_insert_id;
    const auto make = [&] {
      return insert_statement(t, shape.with_key, rows, returning, shape.omitted, returning);
    };
    shape_key key;
    key.words[0] = shape.omitted;
    key.words[1] = shape.with_key ? 1 : 0;
    key.words[2] = rows;
    key.words[3] = returning ? 1 : 0;
    key.size = 4;
    const compiled_sql* sql = full ? cached_sql<insert_defaults_key<T>>(d, key, make) : nullptr;
    return sql != nullptr ? c.prepare(*sql) : c.prepare(d.compile(make()).text);
  }

  /// One chunk: `chunk.count` rows from `rows`, as one multi-row statement, or as
  /// `chunk.count` executions of one single-row statement where the driver prefers that or
  /// reports generated keys.
  template <bool WriteKeys, class C, class T>
  static void insert_chunk(C& c, const table_info& t, T* const* rows,
                           const dml::insert_chunk& chunk) {
    using M = std::remove_const_t<T>;
    const dml::insert_shape shape{chunk.with_key, chunk.omitted};
    const bool read_keys = WriteKeys && !chunk.with_key && t.generated_field;
    const bool read_back = read_keys || (WriteKeys && chunk.omitted != 0);
    const dialect& d = c.sql_dialect();
    if (c.raw().prefers_single_row_writes() || (read_back && d.capabilities().last_insert_id)) {
      auto st = chunk.omitted == 0 ? c.prepare(single_insert_sql<M>(c, t, chunk.with_key))
                                   : prepare_with_defaults<M>(c, t, shape, 1, true, WriteKeys);
      // SQLite reads the server defaults back with one SELECT, prepared once for the chunk.
      std::optional<statement_ref> reread;
      if (WriteKeys && chunk.omitted != 0 && d.capabilities().last_insert_id) {
        reread.emplace(prepare_reread<M>(c, t, chunk.omitted));
      }
      for (std::size_t i = 0; i < chunk.count; ++i) {
        insert_row(c, *st, *rows[i], t, shape, reread ? &**reread : nullptr);
        st->reset();
      }
      return;
    }
    if (chunk.omitted != 0) {
      auto st = prepare_with_defaults<M>(c, t, shape, chunk.count, chunk.full, WriteKeys);
      statement_binder b{*st};
      for (std::size_t i = 0; i < chunk.count; ++i) {
        dml::bind_model_row(b, *rows[i], t, chunk.with_key, chunk.omitted);
      }
      if constexpr (WriteKeys) {
        read_returned(t, *st, rows, chunk, returned_fields(t, chunk.with_key, chunk.omitted, false));
      } else {
        step_to_end(*st);
      }
      return;
    }
    const auto make = [&] { return insert_statement(t, chunk.with_key, chunk.count, read_keys); };
    // A chunk below full size is compiled for this call only.
    auto st = !chunk.full     ? c.prepare(d.compile(make()).text)
              : chunk.with_key ? c.prepare(cached_sql<insert_chunk_key<M, true, false>>(d, make))
              : read_keys      ? c.prepare(cached_sql<insert_chunk_key<M, false, true>>(d, make))
                               : c.prepare(cached_sql<insert_chunk_key<M, false, false>>(d, make));
    statement_binder b{*st};
    for (std::size_t i = 0; i < chunk.count; ++i) dml::bind_model_row(b, *rows[i], t, chunk.with_key);
    if (!read_keys) {
      step_to_end(*st);
      return;
    }
    if constexpr (WriteKeys) {
      read_returned(t, *st, rows, chunk, returned_fields(t, chunk.with_key, 0, false));
    }
  }

  /// Reads the RETURNING rows of a multi-row INSERT into its rows. PostgreSQL and SQLite return
  /// them in VALUES order, and generate the keys in that order: each generated key must exceed
  /// the one before, so a database returning them otherwise fails loudly instead of mixing up
  /// the rows' values.
  template <class T>
  static void read_returned(const table_info& t, driver::statement& st, T* const* rows,
                            const dml::insert_chunk& chunk, const std::vector<std::size_t>& fields) {
    const bool key_first = !chunk.with_key && t.generated_field;
    std::size_t n = 0;
    std::int64_t previous = 0;
    while (st.step()) {
      if (n == chunk.count) dml::throw_unmatched_keys(t, "more keys than rows were returned");
      if (key_first) {
        const auto key = read_value<std::int64_t>(st, 0);
        if (n > 0 && !(previous < key)) {
          dml::throw_unmatched_keys(t, "the keys were not returned in insertion order");
        }
        previous = key;
      }
      read_fields_at(st, *rows[n], fields);
      ++n;
    }
    if (n != chunk.count) dml::throw_unmatched_keys(t, "fewer keys than rows were returned");
  }

  /// The single-row INSERT of `T` that writes every server-default column: with the generated
  /// key as a column, or without it and returning the generated key unless the driver reports
  /// it (`last_insert_id`).
  template <class T, class C>
  static const compiled_sql& single_insert_sql(C& c, const table_info& t, bool with_key) {
    const dialect& d = c.sql_dialect();
    if (with_key) {
      return cached_sql<builtin_key<T, builtin::insert_with_key>>(
          d, [&] { return insert_statement(t, true, 1, false); });
    }
    return cached_sql<builtin_key<T, builtin::insert>>(
        d, [&] { return insert_statement(t, false, 1, !d.capabilities().last_insert_id); });
  }

  /// Reads the server-default columns `omitted` left to the database from the row with
  /// `obj`'s key into `obj`.
  /// `st`: the SELECT of `prepare_reread`.
  template <class T>
  static void reread_defaults(driver::statement& st, T& obj, const table_info& t,
                              std::uint64_t omitted) {
    statement_binder b{st};
    bind_key_of(b, obj, t);
    if (!st.step()) dml::throw_unmatched_keys(t, "the row inserted was not found by its key");
    read_fields_at(st, obj, returned_fields(t, true, omitted, true));
    step_to_end(st);
    st.reset();
  }
  /// The SELECT by key of the server-default columns `omitted` left to the database.
  template <class T, class C>
  static statement_ref prepare_reread(C& c, const table_info& t, std::uint64_t omitted) {
    shape_key key;
    key.words[0] = omitted;
    key.size = 1;
    const dialect& d = c.sql_dialect();
    const auto make = [&] {
      return select_fields_by_key_statement(t, returned_fields(t, true, omitted, true));
    };
    const compiled_sql* sql = cached_sql<reread_defaults_key<T>>(d, key, make);
    return sql != nullptr ? c.prepare(*sql) : c.prepare(d.compile(make()).text);
  }

  /// Runs the single-row INSERT of `shape` for `obj` and, unless `obj` is const, writes what
  /// the database generated back into it: the key (from the driver, or RETURNING) and the
  /// server defaults left out (RETURNING on PostgreSQL, a SELECT by key on SQLite).
  template <class C, class T>
  static void insert_row(C& c, driver::statement& st, T& obj, const table_info& t,
                         const dml::insert_shape& shape, driver::statement* reread = nullptr) {
    statement_binder b{st};
    dml::bind_model_row(b, obj, t, shape.with_key, shape.omitted);
    if (shape.omitted != 0 && !c.sql_dialect().capabilities().last_insert_id) {
      if constexpr (!std::is_const_v<T>) {
        if (!st.step()) dml::throw_unmatched_keys(t, "no row was returned");
        read_fields_at(st, obj, returned_fields(t, shape.with_key, shape.omitted, false));
      }
      step_to_end(st);
      return;
    }
    if (shape.omitted != 0) {
      // SQLite: INSERT, then SELECT the columns it filled by the row's key — 9 thousand
      // instructions a row where INSERT ... RETURNING takes 30 thousand (SQLite 3.40).
      step_to_end(st);
      if constexpr (!std::is_const_v<T>) {
        if (!shape.with_key && t.generated_field) {
          set_generated_key(t, obj, c.raw().last_insert_id());
        }
        if (reread != nullptr) {
          reread_defaults(*reread, obj, t, shape.omitted);
        } else {
          reread_defaults(*prepare_reread<std::remove_const_t<T>>(c, t, shape.omitted), obj, t,
                          shape.omitted);
        }
      }
      return;
    }
    if (shape.with_key || c.sql_dialect().capabilities().last_insert_id) {
      step_to_end(st);
      if constexpr (!std::is_const_v<T>) {
        if (!shape.with_key && t.generated_field) {
          set_generated_key(t, obj, c.raw().last_insert_id());
        }
      }
      return;
    }
    if (!st.step()) dml::throw_unmatched_keys(t, "no key was returned");
    if constexpr (!std::is_const_v<T>) set_generated_key(t, obj, read_value<std::int64_t>(st, 0));
    step_to_end(st);
  }
};

}  // namespace tabula::detail
