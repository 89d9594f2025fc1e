// A PostgreSQL connection: connecting, the statement cache, transactions, registration.

#include <fmt/format.h>

#include "../driver_text.hpp"
#include "../statement_cache.hpp"
#include "pg_driver.hpp"
#include "tabula/error.hpp"
#include "tabula/postgres.hpp"

namespace tabula::detail::pg {

std::string handle::next_statement_name() { return fmt::format("tabula_{}", ++statement_count_); }

void handle::defer_deallocate(std::string name) {
  if (!name.empty()) to_deallocate_.push_back(std::move(name));
}

void handle::deallocate_pending() {
  if (to_deallocate_.empty() || PQtransactionStatus(conn_) != PQTRANS_IDLE) return;
  std::string sql;
  for (const auto& name : to_deallocate_)
    sql += fmt::format("DEALLOCATE {};", quote_identifier(name));
  to_deallocate_.clear();
  exec_simple(conn_, sql);
}

namespace {

class connection final : public driver::connection {
 public:
  explicit connection(std::shared_ptr<handle> conn) : conn_(std::move(conn)) {}
  ~connection() override = default;

  [[nodiscard]] std::string_view dialect_name() const noexcept override { return "postgresql"; }

  using driver::connection::prepare;
  shared<driver::statement> prepare(std::string_view sql, std::uint64_t id) override {
    return cache_.get(sql, id, [this](std::string_view text, bool) { return prepare_new(text); });
  }

  using driver::connection::bulk_load;
  owned<driver::bulk_writer> bulk_load(std::string_view schema, std::string_view table,
                                       std::span<const std::string> columns) override {
    return start_copy(conn_, schema, table, columns);
  }

  void execute(std::string_view sql) override { exec_simple(conn_->get(), sql); }

  void begin() override {
    drain_input();
    check_connected("BEGIN");
    if (status() != PQTRANS_IDLE) {
      throw_error<programming_error>(
          "begin() inside a transaction: a transaction is already open; use savepoint() to nest",
          "BEGIN");
    }
    execute("BEGIN");
  }

  void begin(const driver::transaction_options& options) override {
    if (options.is_default()) {
      begin();
      return;
    }
    const std::string sql = begin_statement(options);
    drain_input();
    check_connected(sql);
    if (status() != PQTRANS_IDLE) {
      throw_error<programming_error>(
          "begin() inside a transaction: a transaction is already open; use savepoint() to nest",
          sql);
    }
    execute(sql);
    if (options.statement_timeout.count() > 0) {
      try {
        execute(timeout_statement(options));
      } catch (const error&) {
        rollback();
        throw;
      }
    }
  }

  [[nodiscard]] std::string begin_sql(const driver::transaction_options& options) const override {
    if (options.statement_timeout.count() == 0) return begin_statement(options);
    return begin_statement(options) + "; " + timeout_statement(options);
  }
  static std::string begin_statement(const driver::transaction_options& options) {
    std::string sql = "BEGIN";
    switch (options.isolation) {
      case driver::isolation_level::database_default: break;
      case driver::isolation_level::read_committed: sql += " ISOLATION LEVEL READ COMMITTED"; break;
      case driver::isolation_level::repeatable_read: sql += " ISOLATION LEVEL REPEATABLE READ"; break;
      case driver::isolation_level::serializable: sql += " ISOLATION LEVEL SERIALIZABLE"; break;
    }
    if (options.read_only) sql += " READ ONLY";
    return sql;
  }
  static std::string timeout_statement(const driver::transaction_options& options) {
    return "SET LOCAL statement_timeout = " + std::to_string(options.statement_timeout.count());
  }

  void commit() override {
    // A backend that was terminated while the transaction was open has already sent its last
    // words and closed the socket: read them first, so that this case is a certain failure
    // (the server rolled back) and not a commit of unknown outcome.
    drain_input();
    check_connected("COMMIT");
    if (conn_->server_ended()) throw_lost("COMMIT");
    switch (status()) {
      case PQTRANS_IDLE:
        throw_error<programming_error>("commit() with no transaction open: call begin() first",
                                       "COMMIT");
      case PQTRANS_INERROR:
        // PostgreSQL would answer COMMIT with a silent ROLLBACK; say so instead.
        execute("ROLLBACK");
        throw_error<transaction_error>(
            "the transaction was rolled back, not committed: a statement in it failed and no "
            "savepoint was rolled back to (SQLSTATE 25P02) in: COMMIT",
            "COMMIT", "25P02", "current transaction is aborted");
      default:
        break;
    }
    try {
      execute("COMMIT");
    } catch (const connection_lost& e) {
      throw_error<commit_outcome_unknown>(
          fmt::format("the connection was lost while COMMIT was in flight: the transaction may "
                      "or may not have been committed ({}). Check the database before running "
                      "the work again",
                      e.driver_message()),
          "COMMIT", e.code(), e.driver_message());
    }
  }

  void rollback() override {
    // A broken connection has no transaction left: the server rolled it back when the
    // connection ended. So a ROLLBACK that finds the connection broken has succeeded.
    drain_input();
    if (PQstatus(conn_->get()) == CONNECTION_BAD || conn_->server_ended()) return;
    if (status() == PQTRANS_IDLE) {
      throw_error<programming_error>("rollback() with no transaction open: call begin() first",
                                     "ROLLBACK");
    }
    try {
      execute("ROLLBACK");
    } catch (const connection_lost&) {
      // As above: nothing is left to roll back.
    }
  }

  void savepoint(std::string_view name) override { execute("SAVEPOINT " + quote_identifier(name)); }
  void release_savepoint(std::string_view name) override {
    execute("RELEASE SAVEPOINT " + quote_identifier(name));
  }
  void rollback_to_savepoint(std::string_view name) override {
    execute("ROLLBACK TO SAVEPOINT " + quote_identifier(name));
  }

  [[nodiscard]] bool in_transaction() const override {
    const auto s = status();
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
  }

  [[nodiscard]] bool is_alive() const override {
    return PQstatus(conn_->get()) == CONNECTION_OK && !conn_->server_ended();
  }

  [[nodiscard]] bool ping() override {
    // An empty query is a full round trip that touches no table and leaves no transaction.
    drain_input();
    if (!is_alive() || status() != PQTRANS_IDLE) return is_alive();
    const result_ptr r(PQexec(conn_->get(), ""));
    return PQresultStatus(r.get()) == PGRES_EMPTY_QUERY && is_alive();
  }

 private:
  [[nodiscard]] PGTransactionStatusType status() const { return PQtransactionStatus(conn_->get()); }

  /// Reads whatever the server sent unasked (its reason for closing, the end of the stream)
  /// without waiting: libpq notices a closed connection only when it reads.
  void drain_input() {
    PGconn* conn = conn_->get();
    if (PQstatus(conn) != CONNECTION_OK || PQisBusy(conn) != 0) return;
    for (int i = 0; i < 2 && PQconsumeInput(conn) != 0; ++i) {
      (void)PQisBusy(conn);  // parses what arrived; an unsolicited error goes to the notices
    }
  }

  [[noreturn]] void throw_lost(std::string_view sql) const {
    const auto message = conn_->server_ended()
                              ? std::string("the server ended the session")
                              : one_line(PQerrorMessage(conn_->get()));
    throw_error<connection_lost>(
        fmt::format("the connection to the server was lost{}{} in: {}",
                    message.empty() ? "" : ": ", message, sql),
        std::string(sql), "08006", message);
  }

  void check_connected(std::string_view sql) const {
    if (!is_alive()) throw_lost(sql);
  }

  // Prepares on the server with the parameter types left to inference, then asks the server
  // which types it inferred, so that values can be sent in each one's binary format.
  shared<statement> prepare_new(std::string_view sql) {
    PGconn* conn = conn_->get();
    conn_->deallocate_pending();
    std::string text(sql);
    auto name = conn_->next_statement_name();
    const result_ptr prepared(PQprepare(conn, name.c_str(), text.c_str(), 0, nullptr));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
      throw_result_error(conn, prepared.get(), sql);
    }
    auto st = tabula::detail::make_shared<statement>(conn_, name, std::move(text));
    const result_ptr description(PQdescribePrepared(conn, name.c_str()));
    if (PQresultStatus(description.get()) != PGRES_COMMAND_OK) {
      throw_result_error(conn, description.get(), sql);
    }
    st->describe(description.get());
    return st;
  }

  std::shared_ptr<handle> conn_;
  statement_cache<statement> cache_;
};

}  // namespace
}  // namespace tabula::detail::pg

namespace tabula::driver {

owned<connection> connect_postgres(const url& u) {
  using tabula::detail::pg::handle;
  // The parsed fields go to libpq as keywords (not the URL text), so a url changed after
  // parsing connects where its fields say.
  std::vector<const char*> keys;
  std::vector<const char*> values;
  const auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    keys.push_back(key);
    values.push_back(value.c_str());
  };
  const std::string port = u.port ? std::to_string(*u.port) : std::string();
  add("host", u.host);
  add("port", port);
  add("dbname", u.database);
  add("user", u.user);
  add("password", u.password);
  for (const auto& [key, value] : u.params) {
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  // Text crosses the wire as UTF-8 whatever the database's encoding, unless asked otherwise.
  if (!u.params.contains("client_encoding")) {
    keys.push_back("client_encoding");
    values.push_back("UTF8");
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);

  auto conn = std::make_shared<handle>(PQconnectdbParams(keys.data(), values.data(), 0));
  if (conn->get() == nullptr) {
    detail::throw_error<operational_error>(
        fmt::format("could not connect to {}: out of memory", u.redacted()));
  }
  if (PQstatus(conn->get()) != CONNECTION_OK) {
    const auto message = detail::one_line(PQerrorMessage(conn->get()));
    detail::throw_error<connection_lost>(
        fmt::format("could not connect to {}: {}", u.redacted(), message), "", "08001", message);
  }
  // Notices (e.g. "table does not exist, skipping") are not errors; they are not printed. But
  // a FATAL error that arrives while no command runs is the server ending the session (the
  // backend was terminated): libpq hands it to the notice receiver, and it is remembered.
  PQsetNoticeReceiver(
      conn->get(),
      [](void* arg, const PGresult* r) {
        const char* severity = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
        if (severity != nullptr &&
            (std::string_view(severity) == "FATAL" || std::string_view(severity) == "PANIC")) {
          static_cast<handle*>(arg)->set_server_ended();
        }
      },
      conn.get());
  return detail::make_owned<tabula::detail::pg::connection>(std::move(conn));
}

void register_postgres_driver() {
  register_driver("postgresql", &connect_postgres);
  register_driver("postgres", &connect_postgres);
}

}  // namespace tabula::driver
