// Every INSERT of model rows, and the UPDATE of a row by key, compiled once: the paths of
// core/bulk_insert.hpp over rows given as `void*` and the few typed functions of `insert_ops`.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tabula/core/connection.hpp"

namespace tabula::detail {
namespace {

/// The SQL `make()` builds, from the cache `id` names for `shape` on `d`; compiled for this
/// call when it is not to be cached.
template <class Make>
statement_ref prepare_cached(connection& c, sql_cache_id& id, const shape_key& shape,
                             const Make& make) {
  const dialect& d = c.sql_dialect();
  const compiled_sql* sql = cached_sql(sql_cache_of(id), d, shape, &make_statement<Make>, &make);
  return sql != nullptr ? c.prepare(*sql) : c.prepare(d.compile(make()).text);
}

/// The INSERT of `rows` rows of `shape`, which leaves server defaults to the database,
/// prepared: compiled once per shape (`full` chunks and single rows) or for this call.
statement_ref prepare_with_defaults(connection& c, const table_info& t, const insert_ops& ops,
                                    const dml::insert_shape& shape, std::size_t rows, bool full,
                                    bool read_back) {
  const dialect& d = c.sql_dialect();
  // SQLite reads what it filled with a SELECT by key after the INSERT (see insert_row).
  const bool returning = read_back && !d.capabilities().last_insert_id;
  const auto make = [&] {
    return insert_statement(t, shape.with_key, rows, returning, shape.omitted, returning);
  };
  if (!full) return c.prepare(d.compile(make()).text);
  shape_key key;
  key.words[0] = shape.omitted;
  key.words[1] = shape.with_key ? 1 : 0;
  key.words[2] = rows;
  key.words[3] = returning ? 1 : 0;
  key.size = 4;
  return prepare_cached(c, *ops.defaults_cache, key, make);
}

/// The SELECT by key of the server-default columns `omitted` left to the database.
statement_ref prepare_reread(connection& c, const table_info& t, const insert_ops& ops,
                             std::uint64_t omitted) {
  shape_key key;
  key.words[0] = omitted;
  key.size = 1;
  return prepare_cached(c, *ops.reread_cache, key, [&] {
    return select_fields_by_key_statement(t, returned_fields(t, true, omitted, true));
  });
}

/// Reads the server-default columns `omitted` left to the database from the row with `row`'s
/// key into `row`. `st`: the SELECT of `prepare_reread`.
void reread_defaults(driver::statement& st, void* row, const table_info& t,
                     const insert_ops& ops, std::uint64_t omitted) {
  statement_binder b{st};
  ops.bind_key(b, row, t);
  if (!st.step()) dml::throw_unmatched_keys(t, "the row inserted was not found by its key");
  ops.read(st, row, returned_fields(t, true, omitted, true));
  step_to_end(st);
  st.reset();
}

/// Runs the single-row INSERT of `shape` for `row` and, with `write_back`, writes what the
/// database generated back into it: the key (from the driver, or RETURNING) and the server
/// defaults left out (RETURNING on PostgreSQL, a SELECT by key on SQLite).
void insert_row(connection& c, driver::statement& st, void* row, const table_info& t,
                const insert_ops& ops, const dml::insert_shape& shape, bool write_back,
                driver::statement* reread = nullptr) {
  statement_binder b{st};
  ops.bind(b, row, t, shape.with_key, shape.omitted);
  const bool driver_keys = c.sql_dialect().capabilities().last_insert_id;
  if (shape.omitted != 0 && !driver_keys) {
    if (write_back) {
      if (!st.step()) dml::throw_unmatched_keys(t, "no row was returned");
      ops.read(st, row, returned_fields(t, shape.with_key, shape.omitted, false));
    }
    step_to_end(st);
    return;
  }
  if (shape.omitted != 0) {
    // SQLite: INSERT, then SELECT the columns it filled by the row's key — 9 thousand
    // instructions a row where INSERT ... RETURNING takes 30 thousand (SQLite 3.40).
    step_to_end(st);
    if (write_back) {
      if (!shape.with_key && t.generated_field) ops.set_key(t, row, c.raw().last_insert_id());
      if (reread != nullptr) {
        reread_defaults(*reread, row, t, ops, shape.omitted);
      } else {
        reread_defaults(*prepare_reread(c, t, ops, shape.omitted), row, t, ops, shape.omitted);
      }
    }
    return;
  }
  if (shape.with_key || driver_keys) {
    step_to_end(st);
    if (write_back && !shape.with_key && t.generated_field) {
      ops.set_key(t, row, c.raw().last_insert_id());
    }
    return;
  }
  if (!st.step()) dml::throw_unmatched_keys(t, "no key was returned");
  if (write_back) ops.set_key(t, row, read_value<std::int64_t>(st, 0));
  step_to_end(st);
}

/// Reads the RETURNING rows of a multi-row INSERT into its rows. PostgreSQL and SQLite return
/// them in VALUES order, and generate the keys in that order: each generated key must exceed
/// the one before, so a database returning them otherwise fails loudly instead of mixing up
/// the rows' values.
void read_returned(const table_info& t, const insert_ops& ops, driver::statement& st,
                   void* const* rows, const dml::insert_chunk& chunk,
                   const std::vector<std::size_t>& fields) {
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
    ops.read(st, rows[n], fields);
    ++n;
  }
  if (n != chunk.count) dml::throw_unmatched_keys(t, "fewer keys than rows were returned");
}

/// One chunk: `chunk.count` rows from `rows`, as one multi-row statement, or as
/// `chunk.count` executions of one single-row statement where the driver prefers that or
/// reports generated keys.
void insert_chunk(connection& c, const table_info& t, const insert_ops& ops, void* const* rows,
                  const dml::insert_chunk& chunk, bool write_keys) {
  const dml::insert_shape shape{chunk.with_key, chunk.omitted};
  const bool read_keys = write_keys && !chunk.with_key && t.generated_field;
  const bool read_back = read_keys || (write_keys && chunk.omitted != 0);
  const dialect& d = c.sql_dialect();
  if (c.raw().prefers_single_row_writes() || (read_back && d.capabilities().last_insert_id)) {
    auto st = chunk.omitted == 0
                  ? c.prepare(ops.single_sql(d, t, chunk.with_key))
                  : prepare_with_defaults(c, t, ops, shape, 1, true, write_keys);
    // SQLite reads the server defaults back with one SELECT, prepared once for the chunk.
    std::optional<statement_ref> reread;
    if (write_keys && chunk.omitted != 0 && d.capabilities().last_insert_id) {
      reread.emplace(prepare_reread(c, t, ops, chunk.omitted));
    }
    for (std::size_t i = 0; i < chunk.count; ++i) {
      insert_row(c, *st, rows[i], t, ops, shape, write_keys, reread ? &**reread : nullptr);
      st->reset();
    }
    return;
  }
  if (chunk.omitted != 0) {
    auto st = prepare_with_defaults(c, t, ops, shape, chunk.count, chunk.full, write_keys);
    statement_binder b{*st};
    for (std::size_t i = 0; i < chunk.count; ++i) {
      ops.bind(b, rows[i], t, chunk.with_key, chunk.omitted);
    }
    if (write_keys) {
      read_returned(t, ops, *st, rows, chunk,
                    returned_fields(t, chunk.with_key, chunk.omitted, false));
    } else {
      step_to_end(*st);
    }
    return;
  }
  const auto make = [&] { return insert_statement(t, chunk.with_key, chunk.count, read_keys); };
  shape_key key;
  key.words[0] = chunk.with_key ? 1 : 0;
  key.words[1] = read_keys ? 1 : 0;
  key.words[2] = chunk.count;
  key.size = 3;
  // A chunk below full size is compiled for this call only.
  auto st = chunk.full ? prepare_cached(c, *ops.chunk_cache, key, make)
                       : c.prepare(d.compile(make()).text);
  statement_binder b{*st};
  for (std::size_t i = 0; i < chunk.count; ++i) ops.bind(b, rows[i], t, chunk.with_key, 0);
  if (!read_keys) {
    step_to_end(*st);
    return;
  }
  read_returned(t, ops, *st, rows, chunk, returned_fields(t, chunk.with_key, 0, false));
}

/// The rows are not in the database: values filled in from it would be false. Keys go back
/// to 0, server-default fields to their empty value.
void reset_read_back(const table_info& t, const insert_ops& ops, void* const* rows,
                     const std::vector<dml::insert_chunk>& keyed) {
  for (const auto& chunk : keyed) {
    for (std::size_t i = chunk.first; i < chunk.first + chunk.count; ++i) {
      if (!chunk.with_key && t.generated_field) ops.set_key(t, rows[i], 0);
      for (std::size_t f : returned_fields(t, true, chunk.omitted, true)) ops.clear(rows[i], f);
    }
  }
}

/// Rows whose keys are not read back, through the driver's bulk-load path: one load per run
/// of rows of one shape. The columns a row leaves to the database are left out of its load,
/// so their defaults apply (PostgreSQL's COPY fills a column it is not given from its
/// DEFAULT). False when the driver has none, and for a sequence key.
bool load_in_bulk(connection& c, const table_info& t, const insert_ops& ops, void* const* rows,
                  std::size_t n) {
  // A COPY needs a column: rows of no values are inserted with DEFAULT VALUES instead.
  if (dml::values_columns(t, false) == 0) return false;
  // A sequence key is written nextval('name'), which the table's DEFAULT may not say.
  if (t.key == key_source::sequence) return false;
  for (std::size_t first = 0; first < n;) {
    const dml::insert_shape shape = ops.shape(rows[first], t);
    std::size_t end = first + 1;
    while (end < n && ops.shape(rows[end], t) == shape) ++end;
    std::vector<std::string> columns;
    for (std::size_t f : insert_fields(t, shape.with_key, shape.omitted)) {
      columns.push_back(t.def.columns[f].name);
    }
    if (columns.empty()) return false;
    auto writer = c.raw().bulk_load(t.def.schema, t.def.name, columns);
    if (!writer) return false;  // never after a first load: the answer is per driver
    bulk_insert::report(c, writer->sql());
    for (std::size_t i = first; i < end; ++i) {
      value_binder<driver::bulk_writer> b{*writer};
      ops.load(b, rows[i], t, shape.with_key, shape.omitted);
      writer->end_row();
    }
    writer->finish();
    first = end;
  }
  return true;
}

}  // namespace

void bulk_insert::report(connection& c, std::string_view sql) { c.report(sql); }

void insert_one(connection& c, const table_info& t, const insert_ops& ops, void* row,
                bool write_back) {
  const dml::insert_shape shape = ops.shape(row, t);
  try {
    auto st = shape.omitted == 0
                  ? c.prepare(ops.single_sql(c.sql_dialect(), t, shape.with_key))
                  : prepare_with_defaults(c, t, ops, shape, 1, true, write_back);
    insert_row(c, *st, row, t, ops, shape, write_back);
  } catch (const not_null_violation& e) {
    if (!shape.with_key && key_not_generated(t, e)) throw_key_not_generated(t, e);
    throw;
  }
}

void insert_rows(connection& c, const table_info& t, const insert_ops& ops, void* const* rows,
                 std::size_t n, bool write_keys, bool load) {
  const bool reads_back = !t.server_default_fields.empty() || t.generated_field;
  std::vector<dml::insert_chunk> keyed;  // chunks whose values are written back
  auto tx = c.begin();
  try {
    if (load && !(write_keys && reads_back) && load_in_bulk(c, t, ops, rows, n)) {
      tx.commit();
      return;
    }
    const std::uint32_t max_params = c.sql_dialect().capabilities().max_params;
    dml::for_each_insert_chunk(
        n, [&](std::size_t i) { return ops.shape(rows[i], t); },
        [&](const dml::insert_shape& s) {
          return dml::rows_per_insert(max_params, dml::values_columns(t, s.with_key, s.omitted),
                                      0);
        },
        [&](const dml::insert_chunk& chunk) {
          if (write_keys && reads_back) keyed.push_back(chunk);
          insert_chunk(c, t, ops, rows + chunk.first, chunk, write_keys);
        });
    tx.commit();
  } catch (const not_null_violation& e) {
    if (write_keys) reset_read_back(t, ops, rows, keyed);
    if (t.generated_field && key_not_generated(t, e)) throw_key_not_generated(t, e);
    throw;
  } catch (...) {
    if (write_keys) reset_read_back(t, ops, rows, keyed);
    throw;
  }
}

bool update_by_key(connection& c, const table_info& t, const update_ops& ops,
                   const compiled_sql& sql, const void* row,
                   detail::list_view<const std::uint8_t> set, const void* key_row, bool versioned,
                   detail::list_view<const std::size_t> returned, void* read_into) {
  if (read_into == nullptr) returned = {};  // nothing to read into: nothing read
  const bool returning = !returned.empty() && reads_back_by_returning(c.sql_dialect());
  bool matched = false;
  {
    auto st = c.prepare(sql);
    statement_binder b{*st};
    ops.bind_fields(b, row, t, set);
    ops.bind_key(b, key_row, t);  // the row as the database knows it
    if (versioned) {  // a mask of the version field alone, on the stack for most models
      std::array<std::uint8_t, 64> small{};
      std::vector<std::uint8_t> large;
      detail::list_view<std::uint8_t> version(small.data(), set.size());
      if (set.size() > small.size()) {
        large.assign(set.size(), 0);
        version = large;
      }
      version[*t.version_field] = 1;
      ops.bind_fields(b, key_row, t, version);
    }
    if (returning) {
      matched = st->step();
      if (matched) ops.read(*st, read_into, returned);
      step_to_end(*st);
    } else {
      matched = step_to_end(*st) != 0;
    }
  }
  if (matched && !returned.empty() && !returning) {
    // Read back by key: what SQLite's on-update SQL wrote (see `reads_back_by_returning`).
    const auto make = [&] { return select_fields_by_key_statement(t, returned); };
    auto st = c.prepare(cached_sql(sql_cache_of(*ops.reread_cache), c.sql_dialect(),
                                   &make_statement<decltype(make)>, &make));
    statement_binder b{*st};
    ops.bind_key(b, read_into, t);
    if (st->step()) ops.read(*st, read_into, returned);
    step_to_end(*st);
  }
  return matched;
}

}  // namespace tabula::detail
