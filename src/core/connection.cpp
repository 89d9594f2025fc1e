#include <fmt/format.h>

#include <atomic>
#include <deque>
#include <exception>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "tabula/core/connection.hpp"
#include "tabula/core/detail/observe.hpp"
#include "tabula/core/engine.hpp"
#include "tabula/core/inspect.hpp"
#include "tabula/driver/url.hpp"

namespace tabula {

namespace detail {
void throw_null_in_non_optional(const driver::statement& st, int col, std::string_view cpp_type) {
  throw_error<conversion_error>(
      fmt::format("tabula: column \"{}\" is NULL but is read into a non-optional {}. Declare the "
                  "field std::optional<{}> or keep NULL out of the column",
                  st.column_name(col), cpp_type, cpp_type),
      std::string(st.sql()));
}

void throw_conversion_in_column(const driver::statement& st, int col, const conversion_error& e) {
  std::string_view reason = e.what();
  if (reason.starts_with("tabula: ")) reason.remove_prefix(8);
  throw_error<conversion_error>(fmt::format("tabula: column {} (\"{}\"): {} In: {}", col,
                                            st.column_name(col), reason, st.sql()),
                                std::string(st.sql()), e.code(), e.driver_message());
}

std::uint64_t next_sql_cache_id() noexcept {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

static_assert(std::atomic_ref<std::uint32_t>::required_alignment <= alignof(std::uint32_t));

struct sql_cache_slot {
  /// A deque: an entry stays where it is while others are added (callers keep its address).
  std::deque<std::tuple<const dialect*, shape_key, compiled_sql>> entries;
};

sql_cache_slot& sql_cache_of(sql_cache_id& id) {
  std::atomic_ref<std::uint32_t> named(id.index);
  std::uint32_t index = named.load(std::memory_order_acquire);
  if (index == 0) {
    static std::atomic<std::uint32_t> last{0};
    const std::uint32_t fresh = last.fetch_add(1, std::memory_order_relaxed) + 1;
    // Another thread may have named the type meanwhile: its number stands.
    if (named.compare_exchange_strong(index, fresh, std::memory_order_acq_rel)) index = fresh;
  }
  thread_local std::vector<std::unique_ptr<sql_cache_slot>> slots;
  if (slots.size() < index) slots.resize(index);
  auto& slot = slots[index - 1];
  if (!slot) slot = std::make_unique<sql_cache_slot>();
  return *slot;
}

const compiled_sql* cached_sql(sql_cache_slot& slot, const dialect& d, const shape_key& shape,
                               ast::statement (*make)(const void*), const void* arg) {
  if (shape.overflow) return nullptr;
  for (const auto& [owner, key, sql] : slot.entries) {
    if (owner == &d && key == shape) return &sql;
  }
  if (slot.entries.size() >= 64) return nullptr;
  slot.entries.emplace_back(&d, shape, with_cache_id(d.compile(make(arg))));
  return &std::get<2>(slot.entries.back());
}

const compiled_sql& cached_sql(sql_cache_slot& slot, const dialect& d,
                               ast::statement (*make)(const void*), const void* arg) {
  // One shape: an entry per dialect, marked `overflow`, which no shape the other overload
  // caches has (it compiles such statements without caching them).
  for (const auto& [owner, key, sql] : slot.entries) {
    if (owner == &d && key.overflow) return sql;
  }
  shape_key unshaped;
  unshaped.overflow = true;
  slot.entries.emplace_back(&d, unshaped, with_cache_id(d.compile(make(arg))));
  return std::get<2>(slot.entries.back());
}
}  // namespace detail

// ----- statement_ref

statement_ref::~statement_ref() {
  if (!st_) return;
  try {
    st_->reset();
  } catch (const error&) {
    // Destructors must not throw; the next prepare() of this SQL resets it again.
  }
}

// ----- transaction

transaction::~transaction() noexcept(false) {
  if (conn_ == nullptr) return;
  if (commit_on_exit_ && std::uncaught_exceptions() <= exceptions_) {
    commit();  // a failure has rolled back; it propagates, as from an explicit commit()
    return;
  }
  try {
    rollback();
  } catch (const error&) {
    // Destructors must not throw; a connection that cannot roll back is dropped by the pool.
  }
}

transaction transaction::commit_on_exit() && {
  commit_on_exit_ = true;
  exceptions_ = std::uncaught_exceptions();
  return std::move(*this);
}

void transaction::commit() {
  if (conn_ == nullptr) detail::throw_error<programming_error>("tabula: transaction already ended");
  try {
    if (savepoint_.empty()) {
      detail::observe(*observer_, "COMMIT", true, [&] { conn_->commit(); });
    } else {
      detail::observe(*observer_, "RELEASE SAVEPOINT \"" + savepoint_ + "\"", true,
                      [&] { conn_->release_savepoint(savepoint_); });
    }
  } catch (const error&) {
    // A COMMIT that failed ends the transaction all the same: SQLite keeps it open after a
    // deferred constraint failed at COMMIT, so it is rolled back here; PostgreSQL has ended
    // it already. Either way nothing of it was written, and the next begin() starts afresh.
    rollback_quietly();
    throw;
  }
  conn_ = nullptr;
}

void transaction::rollback() {
  if (conn_ == nullptr) detail::throw_error<programming_error>("tabula: transaction already ended");
  auto* c = std::exchange(conn_, nullptr);
  // A broken connection has nothing left to roll back: the server did it when it ended. Nor
  // has a transaction the database ended itself (SQLite does on some errors).
  if (!c->is_alive() || !c->in_transaction()) return;
  if (savepoint_.empty()) {
    detail::observe(*observer_, "ROLLBACK", true, [&] { c->rollback(); });
  } else {
    detail::observe(*observer_, "ROLLBACK TO SAVEPOINT \"" + savepoint_ + "\"", true,
                    [&] { c->rollback_to_savepoint(savepoint_); });
    detail::observe(*observer_, "RELEASE SAVEPOINT \"" + savepoint_ + "\"", true,
                    [&] { c->release_savepoint(savepoint_); });
  }
}

void transaction::rollback_quietly() noexcept {
  try {
    rollback();
  } catch (const error&) {
    // The error being reported is the one that matters; a connection that cannot roll back
    // is not reused by the pool.
  }
}

// ----- connection

connection::~connection() {
  if (pool_) pool_->release(detail::pool::lease{std::move(conn_), opened_, generation_});
}

void connection::execute(std::string_view sql) {
  detail::observe(pool_->observer, sql, false, [&] { conn_->execute(sql); });
}

void connection::report(std::string_view sql) {
  if (!pool_->observer.hook) return;
  statement_event e;
  e.sql = sql;
  pool_->observer.hook(e);
}

statement_ref connection::prepare(const std::string& sql) {
  if (!pool_->observer.hook) return statement_ref(conn_->prepare(sql, 0));
  return statement_ref(
      detail::observe_prepare(pool_->observer, sql, [&] { return conn_->prepare(sql, 0); }));
}

statement_ref connection::prepare(const compiled_sql& sql) {
  if (!pool_->observer.hook) return statement_ref(conn_->prepare(sql.text, sql.cache_id));
  return statement_ref(detail::observe_prepare(
      pool_->observer, sql.text, [&] { return conn_->prepare(sql.text, sql.cache_id); }));
}

statement_ref connection::start(const void* stmt, const detail::statement_ops& ops) {
  if (ops.start != nullptr) return ops.start(*this, stmt);  // hand-written SQL
  const compiled_sql* cached = nullptr;
  if (ops.cache != nullptr) {
    detail::shape_key shape;
    detail::statement_binder probe{shape};
    ops.bind(stmt, probe);
    cached = detail::cached_sql(detail::sql_cache_of(*ops.cache), sql_dialect(), shape, ops.lower, stmt);
  }
  auto st = cached != nullptr ? prepare(*cached)
                              : prepare(uncached_ = sql_dialect().compile(ops.lower(stmt)).text);
  detail::statement_binder b{*st};
  ops.bind(stmt, b);
  return st;
}

transaction connection::begin() {
  if (!conn_->in_transaction()) {
    detail::observe(pool_->observer, conn_->begin_sql({}), true, [&] { conn_->begin(); });
    return transaction(conn_.get(), pool_->observer, {});
  }
  std::string name = "tabula_sp_" + std::to_string(++savepoint_depth_);
  detail::observe(pool_->observer, "SAVEPOINT \"" + name + "\"", true,
                  [&] { conn_->savepoint(name); });
  return transaction(conn_.get(), pool_->observer, std::move(name));
}

transaction connection::begin(const transaction_options& options) {
  if (options.is_default()) return begin();
  if (conn_->in_transaction()) {
    detail::throw_error<programming_error>(
        "tabula: transaction options are chosen when a transaction begins, and one is open "
        "already. Pass them to the outermost begin()");
  }
  detail::observe(pool_->observer, conn_->begin_sql(options), true,
                  [&] { conn_->begin(options); });
  return transaction(conn_.get(), pool_->observer, {});
}

transaction connection::begin_nested() {
  if (!conn_->in_transaction()) {
    detail::throw_error<programming_error>(
        "tabula: begin_nested() needs an open transaction to set a savepoint in. Call begin() "
        "first");
  }
  return begin();
}

namespace {
/// The tables create_all and drop_all manage: read-only models (views, tables of other
/// programs) exist already and are left alone.
std::vector<const table_info*> owned_tables(const std::vector<const table_info*>& tables) {
  std::vector<const table_info*> owned;
  for (const table_info* t : tables) {
    if (!t->read_only) owned.push_back(t);
  }
  return owned;
}
}  // namespace

void connection::create_tables(const std::vector<const table_info*>& all,
                               existing_tables mode) {
  const tabula::dialect& d = sql_dialect();
  const auto tables = owned_tables(all);
  detail::check_schema_names(tables, d.capabilities().max_identifier_bytes);
  if (mode == existing_tables::fail_on_drift) detail::check_no_drift(*this, tables);
  for (const table_info* t : tables) {
    if (t->key == key_source::sequence && d.name() == "postgresql") {
      // The key's sequence, which the column's DEFAULT names: before the table.
      execute("CREATE SEQUENCE IF NOT EXISTS " + d.quote_identifier(t->key_sequence));
    }
    for (const auto& stmt : detail::create_statements(*t)) execute(d.compile(stmt).text);
    for (const ast::index_def& index : t->def.indexes) check_index_table(index);
  }
}

void connection::drop_tables(const std::vector<const table_info*>& all) {
  const tabula::dialect& d = sql_dialect();
  const auto tables = owned_tables(all);
  for (const table_info* t : tables) {
    detail::check_table_name(*t, d.capabilities().max_identifier_bytes);
  }
  for (auto it = tables.rbegin(); it != tables.rend(); ++it) {
    execute(d.compile(detail::drop_statement(**it)).text);
  }
}

void connection::check_index_table(const ast::index_def& index) {
  auto st = prepare(sql_dialect().index_table_sql(index.schema));
  st->bind(0, std::string_view(index.name));
  std::string owner;
  const bool found = st->step();
  if (found) owner = std::string(st->get_text(0));
  if (found && owner == index.table) return;
  detail::throw_error<programming_error>(fmt::format(
      "tabula: the index \"{}\" of table \"{}\" was not created: {}. Give this index another "
      "name with .named(\"...\"), or drop the object that has the name.",
      index.name, index.table,
      found ? fmt::format("table \"{}\" has an index of that name", owner)
            : std::string("another object of the schema has that name")));
}

// ----- engine

engine::engine(std::string_view url, engine_options options)
    : pool_(detail::make_shared<detail::pool>(driver::parse_url(url), std::move(options))) {}

connection engine::connect() { return connection(pool_, pool_->acquire()); }

void engine::set_echo(callback<void(std::string_view)> log, echo_options options) {
  if (!log) {
    pool_->observer = {};
    return;
  }
  pool_->observer = detail::statement_observer{
      [log = std::move(log), options](const statement_event& e) {
        log(detail::echo_line(e, options));
      },
      options.parameters || options.timings, options.parameters, options.redact_parameters,
      options.transactions};
}

void engine::set_statement_hook(callback<void(const statement_event&)> hook,
                                statement_hook_options options) {
  if (!hook) {
    pool_->observer = {};
    return;
  }
  pool_->observer =
      detail::statement_observer{std::move(hook), true, true, options.redact_parameters, true};
}

}  // namespace tabula
