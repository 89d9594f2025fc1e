#pragma once
/// \file connection.hpp
/// `tabula::connection`: one pooled database connection with the typed data API and explicit
/// transactions. The API is shared with `engine` through mixins, each written once: by-key rows
/// and DDL (row_api.hpp), statement builders (dml_api.hpp, select_api.hpp), hand-written SQL
/// (raw_api.hpp); the transaction guard is in transaction.hpp, the statement handle in
/// statement_ref.hpp, and statements run through executor.hpp and bulk_insert.hpp.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/core/dml_api.hpp"
#include "tabula/core/row_api.hpp"
#include "tabula/core/statement_ref.hpp"
#include "tabula/core/transaction.hpp"
#include "tabula/core/raw_api.hpp"
#include "tabula/core/select_api.hpp"
#include "tabula/core/detail/bind.hpp"
#include "tabula/core/detail/pool.hpp"
#include "tabula/core/detail/sql_cache.hpp"
#include "tabula/core/detail/statement_ops.hpp"
#include "tabula/core/detail/statements.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/detail/shared.hpp"
#include "tabula/dialect/dialect.hpp"
#include "tabula/driver/driver.hpp"
#include "tabula/error.hpp"
#include "tabula/query/select.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

template <class Statement>
class row_stream;

/// One database connection taken from an engine's pool; given back when destroyed. Not
/// thread-safe: use one connection per thread.
class connection : public detail::row_api<connection>,
                   public detail::select_api<connection>,
                   public detail::dml_api<connection>,
                   public detail::raw_api<connection> {
 public:

  connection(connection&&) noexcept = default;
  connection& operator=(connection&&) noexcept = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// The dialect statements are compiled for.
  [[nodiscard]] const tabula::dialect& sql_dialect() const noexcept {
    return pool_->sql_dialect();
  }
  /// The database this connection is connected to: `dialect().name()` is "sqlite" or
  /// "postgresql"; `dialect().capabilities()` says what it can do (RETURNING, COPY, savepoints,
  /// the most parameters one statement binds, the longest name it keeps...).
  [[nodiscard]] const tabula::dialect& dialect() const noexcept { return sql_dialect(); }
  /// The driver connection, for what the typed API does not cover.
  [[nodiscard]] driver::connection& raw() noexcept { return *conn_; }

  /// Runs SQL text that takes no parameters and returns no rows (DDL, PRAGMA, SET).
  void execute(std::string_view sql);

  /// BEGIN; or, inside a transaction, a SAVEPOINT. Rolled back unless committed (or, after
  /// `.commit_on_exit()`, unless the scope ends by an exception).
  [[nodiscard]] transaction begin();
  /// BEGIN with the choices of `options` — isolation level, read-only, statement timeout,
  /// SQLite's begin mode — for this transaction. `programming_error` inside a transaction:
  /// they are chosen when it begins.
  [[nodiscard]] transaction begin(const transaction_options& options);
  /// SAVEPOINT inside the open transaction; `programming_error` when none is open. A
  /// savepoint rolled back undoes what ran since it, and the transaction goes on.
  [[nodiscard]] transaction begin_nested();
  /// True while a transaction is open on this connection.
  [[nodiscard]] bool in_transaction() const { return conn_->in_transaction(); }

  /// A prepared statement for `sql` (from the connection's cache), reported to the echo hook.
  [[nodiscard]] statement_ref prepare(const std::string& sql);
  /// The same for SQL from tabula's SQL cache: the connection finds the statement by the
  /// text's cache id, without hashing the text.
  [[nodiscard]] statement_ref prepare(const compiled_sql& sql);

  // ----- queries

  /// SELECT of whole `T` rows: refine with where / order_by / limit, finish with all() etc.
  template <class T>
  [[nodiscard]] select_statement<connection, T> query() {
    return select_statement<connection, T>(this);
  }

  /// Prepares a statement (typed or hand-written) and binds its values: ready to step.
  template <class Statement>
  [[nodiscard]] statement_ref start(const Statement& stmt) {
    return start(&stmt, detail::statement_ops_of<Statement>);
  }
  /// The same through a statement's operations (statement_ops.hpp): a typed statement's SQL
  /// from the SQL cache (compiled on first use per shape), or hand-written SQL translated to the
  /// dialect's placeholders; prepared, its values bound.
  [[nodiscard]] statement_ref start(const void* stmt, const detail::statement_ops& ops);

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
    return static_cast<F&&>(f)(*this);
  }

 private:
  friend class engine;
  template <class>
  friend class detail::row_api;
  friend struct detail::bulk_insert;
  template <class>
  friend class row_stream;

  /// No connection: what a stream on a borrowed connection holds as its own.
  connection() noexcept = default;
  /// Reports SQL that does not go through `prepare` (a bulk load) to the statement hook.
  void report(std::string_view sql);
  connection(detail::shared<detail::pool> pool, detail::pool::lease l)
      : pool_(TABULA_MOVE(pool)),
        conn_(TABULA_MOVE(l.conn)),
        opened_(l.opened),
        generation_(l.generation) {}

  void create_tables(const std::vector<const table_info*>& tables,
                     existing_tables mode = existing_tables::keep);
  void drop_tables(const std::vector<const table_info*>& tables);
  /// Throws unless the index named `index.name` belongs to `index.table`: CREATE INDEX IF NOT
  /// EXISTS does nothing when the name is taken, and the index would silently be missing.
  void check_index_table(const ast::index_def& index);

  detail::shared<detail::pool> pool_;
  detail::shared<driver::connection> conn_;
  detail::pool::clock::time_point opened_{};  ///< for the pool: when it was opened
  std::uint64_t generation_ = 0;              ///< for the pool
  std::string uncached_;  ///< SQL of the last statement whose shape is not fixed by its type
  int savepoint_depth_ = 0;
};


}  // namespace tabula

// A connection's typed statements run through executor<connection>, its rows through by_key
// and bulk_insert: defined after the class.
#include "tabula/core/by_key.hpp"      // IWYU pragma: export
#include "tabula/core/bulk_insert.hpp"  // IWYU pragma: export
#include "tabula/core/executor.hpp"     // IWYU pragma: export
