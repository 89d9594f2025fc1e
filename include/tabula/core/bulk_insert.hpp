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
#include "tabula/query/detail/insert_plan.hpp"
#include "tabula/schema/table.hpp"

namespace tabula::detail {

/// Cache key of a full-size chunk of `insert_many`, per shape (generated key given or not,
/// generated keys read back or not).
template <class T, bool WithKey, bool ReadKeys>
struct insert_chunk_key {};

struct bulk_insert {
  /// Calls `f(part)` for each SQL statement `s` runs as: `s` itself, or — for a statement that
  /// plans several (an INSERT of more rows than one statement carries) — each part, inside one
  /// transaction (a savepoint in an open one) so that all of them or none are written.
  template <class C, class S, class F>
  static void each_part(C& c, const S& s, F&& f) {
    if constexpr (requires { s.parts(std::uint32_t{}); }) {
      const auto plan = s.parts(c.sql_dialect().capabilities().max_params);
      if (plan.size() == 1) {
        s.with_part(plan.front(), f);
      } else if (!plan.empty()) {
        auto tx = c.begin();
        for (const auto& part : plan) s.with_part(part, f);
        tx.commit();
      }
    } else {
      f(s);
    }
  }

  /// INSERT of one row; writes the generated key back into `obj` unless it gave one.
  template <class C, class T>
  static T& one(C& c, T& obj) {
    const table_info& t = table_of<T>();
    const bool with_key = dml::gives_generated_key(obj, t);
    auto st = c.prepare(single_insert_sql<T>(c, t, with_key));
    insert_row(c, *st, obj, t, with_key);
    return obj;
  }

  /// INSERT of `rows`, in order, in one transaction; with `WriteKeys`, generated keys are
  /// written back into the rows that left theirs at 0 (and reset to 0 when the INSERT fails).
  template <bool WriteKeys, class C, class T>
  static void rows(C& c, const table_info& t, const std::vector<T*>& rows) {
    constexpr bool write_keys = WriteKeys;
    const auto with_key = [&](std::size_t i) { return dml::gives_generated_key(*rows[i], t); };
    std::vector<dml::insert_chunk> keyed;  // chunks whose keys are written back
    auto tx = c.begin();
    try {
      if (!(write_keys && t.generated_field) && load_in_bulk(c, t, rows, with_key)) {
        tx.commit();
        return;
      }
      const std::uint32_t max_params = c.sql_dialect().capabilities().max_params;
      dml::for_each_insert_chunk(
          rows.size(), with_key,
          [&](bool key) {
            return dml::rows_per_insert(max_params, dml::values_columns(t, key), 0);
          },
          [&](const dml::insert_chunk& chunk) {
            if (write_keys && !chunk.with_key && t.generated_field) keyed.push_back(chunk);
            insert_chunk<write_keys>(c, t, rows.data() + chunk.first, chunk);
          });
      tx.commit();
    } catch (...) {
      // The rows are not in the database: keys filled in from them would be false.
      if constexpr (write_keys) {
        for (const auto& chunk : keyed) {
          for (std::size_t i = chunk.first; i < chunk.first + chunk.count; ++i) {
            set_generated_key(t, *rows[i], 0);
          }
        }
      }
      throw;
    }
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
  /// Rows whose keys are not read back, through the driver's bulk-load path: one load per run
  /// of rows of one shape (generated key given or not). False when the driver has none.
  template <class C, class T, class WithKey>
  static bool load_in_bulk(C& c, const table_info& t, const std::vector<T*>& rows,
                           const WithKey& with_key) {
    // A COPY needs a column: rows of no values are inserted with DEFAULT VALUES instead.
    if (dml::values_columns(t, false) == 0) return false;
    for (std::size_t first = 0; first < rows.size();) {
      const bool key = with_key(first);
      std::size_t end = first + 1;
      while (end < rows.size() && with_key(end) == key) ++end;
      std::vector<std::string> columns;
      for (std::size_t f : insert_fields(t, key)) columns.push_back(t.def.columns[f].name);
      auto writer = c.raw().bulk_load(t.def.schema, t.def.name, columns);
      if (!writer) return false;  // never after a first load: the answer is per driver
      c.report(writer->sql());
      for (std::size_t i = first; i < end; ++i) {
        value_binder<driver::bulk_writer> b{*writer};
        dml::bind_model_row(b, *rows[i], t, key);
        writer->end_row();
      }
      writer->finish();
      first = end;
    }
    return true;
  }

  /// One chunk: `chunk.count` rows from `rows`, as one multi-row statement, or as
  /// `chunk.count` executions of one single-row statement where the driver prefers that or
  /// reports generated keys.
  template <bool WriteKeys, class C, class T>
  static void insert_chunk(C& c, const table_info& t, T* const* rows,
                           const dml::insert_chunk& chunk) {
    using M = std::remove_const_t<T>;
    const bool read_keys = WriteKeys && !chunk.with_key && t.generated_field;
    const dialect& d = c.sql_dialect();
    if (c.raw().prefers_single_row_writes() || (read_keys && d.capabilities().last_insert_id)) {
      auto st = c.prepare(single_insert_sql<M>(c, t, chunk.with_key));
      for (std::size_t i = 0; i < chunk.count; ++i) {
        insert_row(c, *st, *rows[i], t, chunk.with_key);
        st->reset();
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
      // PostgreSQL and SQLite return the RETURNING rows of a multi-row VALUES insert in VALUES
      // order, and generate the keys in that order: each key must exceed the one before, so a
      // database returning them otherwise fails loudly instead of mixing up keys.
      std::size_t n = 0;
      std::int64_t previous = 0;
      while (st->step()) {
        if (n == chunk.count) dml::throw_unmatched_keys(t, "more keys than rows were returned");
        const auto key = read_value<std::int64_t>(*st, 0);
        if (n > 0 && !(previous < key)) {
          dml::throw_unmatched_keys(t, "the keys were not returned in insertion order");
        }
        set_generated_key(t, *rows[n], key);
        previous = key;
        ++n;
      }
      if (n != chunk.count) dml::throw_unmatched_keys(t, "fewer keys than rows were returned");
    }
  }

  /// The single-row INSERT of `T`: with the generated key as a column, or without it and
  /// returning the generated key unless the driver reports it (`last_insert_id`).
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

  /// Runs `single_insert_sql` for `obj` and, unless `obj` is const, writes the generated key
  /// back into it.
  template <class C, class T>
  static void insert_row(C& c, driver::statement& st, T& obj, const table_info& t,
                         bool with_key) {
    statement_binder b{st};
    dml::bind_model_row(b, obj, t, with_key);
    if (with_key || c.sql_dialect().capabilities().last_insert_id) {
      step_to_end(st);
      if constexpr (!std::is_const_v<T>) {
        if (!with_key) set_generated_key(t, obj, c.raw().last_insert_id());
      }
      return;
    }
    if (!st.step()) dml::throw_unmatched_keys(t, "no key was returned");
    if constexpr (!std::is_const_v<T>) set_generated_key(t, obj, read_value<std::int64_t>(st, 0));
    step_to_end(st);
  }
};

}  // namespace tabula::detail
