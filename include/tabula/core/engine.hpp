#pragma once
/// \file engine.hpp
/// `tabula::engine`: the entry point. Made from a URL, it owns a connection pool and the
/// dialect, creates schemas, hands out connections and sessions, and runs the typed data API
/// on a pooled connection per call. An engine is shared by threads: every member is
/// thread-safe (the connections, sessions and statements it hands out are not: one per thread).
///
///     tabula::engine db("sqlite:///registry.db");   // or "postgresql://user@host/db"
///     db.create_all<Model, Experiment>();
///     Model m{.name = "BERT"};
///     db.insert(m);                                  // m.id filled in
///     auto found = db.get<Model>(m.id);              // std::optional<Model>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tabula/detail/action.hpp"
#include "tabula/core/connection.hpp"
#include "tabula/core/dml_api.hpp"
#include "tabula/core/row_api.hpp"
#include "tabula/core/raw_api.hpp"
#include "tabula/core/select_api.hpp"
#include "tabula/core/detail/pool.hpp"
#include "tabula/core/engine_options.hpp"
#include "tabula/core/executor.hpp"
#include "tabula/detail/shared.hpp"

namespace tabula {

class inspector;
class reflected_table;

class engine : public detail::row_api<engine>,
               public detail::select_api<engine>,
               public detail::dml_api<engine>,
               public detail::raw_api<engine> {
 public:

  /// Connects to `url` (see docs/engine.md for the forms). The driver for the URL's scheme
  /// must be linked and registered (include <tabula/sqlite.hpp> / <tabula/postgres.hpp>).
  /// Throws `operational_error` when the database cannot be reached.
  explicit engine(std::string_view url, engine_options options = {});

  /// A connection from the pool, given back when it is destroyed.
  [[nodiscard]] connection connect();

  /// A unit-of-work session on this engine, the same as `tabula::session s(db);`. The session
  /// belongs to the ORM layer: include <tabula/orm/session.hpp> (or <tabula/tabula.hpp>). The
  /// engine does not know the type; the call finds `make_session(engine&)`, which that header
  /// declares, when it is instantiated.
  template <class Engine = engine>
    requires requires(Engine& e) { make_session(e); }
  [[nodiscard]] auto session() {
    return make_session(static_cast<Engine&>(*this));
  }

  /// An inspector reading this database's schema through a pooled connection (held until the
  /// inspector is destroyed). `schema`: the PostgreSQL schema (empty: the first schema of the
  /// search_path) or the SQLite database (empty: `main`). Include <tabula/core/inspect.hpp>.
  [[nodiscard]] inspector inspect(std::string schema = {});
  /// The table `table` as the database describes it, to read and write its rows without a
  /// model struct. Include <tabula/core/reflected_table.hpp>.
  [[nodiscard]] reflected_table reflect(std::string_view table, std::string schema = {});

  /// The dialect this engine compiles statements for.
  [[nodiscard]] const tabula::dialect& sql_dialect() const noexcept {
    return pool_->sql_dialect();
  }
  /// The database this engine is connected to: `dialect().name()` is "sqlite" or
  /// "postgresql"; `dialect().capabilities()` says what it can do (RETURNING, COPY, savepoints,
  /// the most parameters one statement binds, the longest name it keeps...).
  [[nodiscard]] const tabula::dialect& dialect() const noexcept { return sql_dialect(); }
  /// "sqlite" or "postgresql".
  [[nodiscard]] std::string_view backend() const noexcept { return sql_dialect().name(); }

  /// Calls `log(line)` for every statement run from now on (SQL echo): its text, and as
  /// `options` ask its bound values, duration and rows, and BEGIN / COMMIT / SAVEPOINT
  /// statements. An empty function turns echo off. Echo is one user of the statement hook:
  /// setting either replaces the other. Set it before threads use the engine.
  void set_echo(callback<void(std::string_view)> log, echo_options options = {});
  /// Calls `hook(event)` when each statement run from now on has ended — SQL, bound values
  /// (redacted as `options` ask), duration, rows, error — BEGIN, COMMIT, ROLLBACK and
  /// SAVEPOINT statements included. An empty function removes it. Replaces echo. The hook runs
  /// on the thread that ran the statement; it must not throw.
  void set_statement_hook(callback<void(const statement_event&)> hook,
                          statement_hook_options options = {});

  /// Runs SQL text that takes no parameters and returns no rows.
  void execute(std::string_view sql) { connect().execute(sql); }

  /// SELECT of whole `T` rows, run on a pooled connection by its terminal operation.
  template <class T>
  [[nodiscard]] select_statement<engine, T> query() {
    return select_statement<engine, T>(this);
  }

  /// Runs `f(connection&)` on a pooled connection.
  template <class F>
  decltype(auto) with_connection(F&& f) {
    connection c = connect();
    return static_cast<F&&>(f)(c);
  }

  /// The pool's state and counters (connections open, idle and in use; waits, pings...).
  [[nodiscard]] tabula::pool_status pool_status() const { return pool_->status(); }
  /// Closes the pool's idle connections; connections in use are closed when given back, and
  /// later checkouts open new ones (after a fork, or to make a server change take effect).
  void dispose() noexcept { pool_->dispose(); }

  /// The pool (for sessions and diagnostics).
  [[nodiscard]] const detail::shared<detail::pool>& pool() const noexcept { return pool_; }

 private:
  detail::shared<detail::pool> pool_;
};

}  // namespace tabula
