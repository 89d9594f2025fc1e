// A SQLite connection: opening, the statement cache, transactions, registration.

#include <fmt/format.h>

#include <climits>

#include "../driver_text.hpp"
#include "../statement_cache.hpp"
#include "sqlite_driver.hpp"
#include "tabula/error.hpp"
#include "tabula/sqlite.hpp"

namespace tabula::detail::sqlite {
namespace {

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n\f;") == std::string_view::npos;
}

// Percent-encodes what would end a URI's path or parameter early.
std::string uri_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '%' || c == '?' || c == '#' || c == '&' || c == '=' ||
        static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

class connection final : public driver::connection {
 public:
  connection(std::shared_ptr<handle> db, bool in_memory)
      : db_(std::move(db)), in_memory_(in_memory) {}
  ~connection() override = default;

  [[nodiscard]] std::string_view dialect_name() const noexcept override { return "sqlite"; }

  using driver::connection::prepare;
  shared<driver::statement> prepare(std::string_view sql, std::uint64_t id) override {
    if (query_only_) settle_query_only();
    return cache_.get(sql, id, [this](std::string_view text, bool cached) {
      return prepare_new(text, cached);
    });
  }

  void execute(std::string_view sql) override {
    const std::string text(sql);  // sqlite3_exec needs a terminating NUL
    char* message = nullptr;
    const int rc = sqlite3_exec(db_->get(), text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      const std::string owned = message != nullptr ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      throw_for_code(rc, owned, sql);
    }
  }

  void begin() override {
    if (query_only_) settle_query_only();
    execute(begin_text(begin_mode_));
  }
  static const char* begin_text(driver::begin_mode mode) {
    switch (mode) {
      case driver::begin_mode::deferred: return "BEGIN";
      case driver::begin_mode::immediate: return "BEGIN IMMEDIATE";
      case driver::begin_mode::exclusive: return "BEGIN EXCLUSIVE";
    }
    return "BEGIN";
  }
  [[nodiscard]] std::string begin_sql(const driver::transaction_options& options) const override {
    std::string sql = begin_text(options.sqlite_begin.value_or(begin_mode_));
    if (options.read_only) sql += "; PRAGMA query_only = 1";
    return sql;
  }
  void begin(const driver::transaction_options& options) override {
    if (options.statement_timeout.count() > 0) {
      throw_error<not_supported_error>(
          "tabula: SQLite has no statement timeout. Leave transaction_options::statement_timeout "
          "at 0 on SQLite (engine_options::sqlite_busy_timeout bounds the wait for locks)",
          "BEGIN");
    }
    const auto mode = begin_mode_;
    if (options.sqlite_begin) begin_mode_ = *options.sqlite_begin;
    try {
      begin();
    } catch (...) {
      begin_mode_ = mode;
      throw;
    }
    begin_mode_ = mode;
    if (options.read_only) {
      try {
        execute("PRAGMA query_only = 1");
      } catch (...) {
        execute("ROLLBACK");
        throw;
      }
      query_only_ = true;
    }
  }
  void set_begin_mode(driver::begin_mode mode) override { begin_mode_ = mode; }
  void commit() override {
    execute("COMMIT");
    end_query_only();
  }
  void rollback() override {
    execute("ROLLBACK");
    end_query_only();
  }
  void savepoint(std::string_view name) override { execute("SAVEPOINT " + quote_identifier(name)); }
  void release_savepoint(std::string_view name) override {
    execute("RELEASE SAVEPOINT " + quote_identifier(name));
  }
  void rollback_to_savepoint(std::string_view name) override {
    execute("ROLLBACK TO SAVEPOINT " + quote_identifier(name));
  }
  [[nodiscard]] bool in_transaction() const override {
    return sqlite3_get_autocommit(db_->get()) == 0;
  }
  [[nodiscard]] bool is_alive() const override { return db_->get() != nullptr; }
  [[nodiscard]] std::int64_t last_insert_id() const override {
    return sqlite3_last_insert_rowid(db_->get());
  }
  [[nodiscard]] bool prefers_single_row_writes() const override {
    // An in-memory or temporary database keeps its journals in memory.
    if (in_memory_) return false;
    const char* file = sqlite3_db_filename(db_->get(), "main");
    return file != nullptr && *file != '\0';
  }

 private:
  shared<statement> prepare_new(std::string_view sql, bool persistent) {
    if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
      throw_error<programming_error>("SQL text longer than 2 GiB", std::string(sql.substr(0, 200)));
    }
    sqlite3* db = db_->get();
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      persistent ? SQLITE_PREPARE_PERSISTENT : 0, &raw, &tail);
    if (rc != SQLITE_OK) throw_last_error(db, sql);
    if (raw == nullptr) {
      throw_error<programming_error>("the SQL text holds no statement", std::string(sql));
    }
    auto st = tabula::detail::make_shared<statement>(db_, raw, std::string(sql));
    const auto rest = sql.substr(static_cast<std::size_t>(tail - sql.data()));
    if (!is_blank(rest)) {
      // Only comments may follow; anything that prepares is a second statement.
      sqlite3_stmt* second = nullptr;
      const int rc2 =
          sqlite3_prepare_v2(db, rest.data(), static_cast<int>(rest.size()), &second, nullptr);
      sqlite3_finalize(second);
      if (rc2 != SQLITE_OK || second != nullptr) {
        throw_error<programming_error>(
            fmt::format("prepare() takes one SQL statement; run several with execute() in: {}",
                        sql),
            std::string(sql));
      }
    }
    return st;
  }

  /// A read-only transaction that SQLite ended by itself (it rolls back on some errors, and
  /// no ROLLBACK of tabula's runs then) leaves `query_only` set: cleared before the next use.
  void settle_query_only() {
    if (sqlite3_get_autocommit(db_->get()) != 0) end_query_only();
  }
  /// A read-only transaction ended: the connection writes again.
  void end_query_only() {
    if (!query_only_) return;
    query_only_ = false;
    execute("PRAGMA query_only = 0");
  }

  std::shared_ptr<handle> db_;
  statement_cache<statement> cache_;
  bool query_only_ = false;
  bool in_memory_;
  driver::begin_mode begin_mode_ = driver::begin_mode::deferred;
};

}  // namespace
}  // namespace tabula::detail::sqlite

namespace tabula::driver {

owned<connection> connect_sqlite(const url& u) {
  using namespace tabula::detail::sqlite;
  if (u.database.empty()) {
    detail::throw_error<programming_error>(fmt::format(
        "the SQLite URL {} names no database; use sqlite:///path.db or sqlite://:memory:",
        u.redacted()));
  }
  // URL parameters become SQLite URI parameters (mode=ro, cache=shared, ...); without any, the
  // path is opened as it is, so a file name that happens to start with "file:" stays a name.
  std::string filename = u.database;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (!u.params.empty()) {
    flags |= SQLITE_OPEN_URI;
    filename = "file:" + uri_escape(u.database);
    char sep = '?';
    for (const auto& [key, value] : u.params) {
      filename += sep;
      filename += uri_escape(key) + "=" + uri_escape(value);
      sep = '&';
    }
  }
  auto db = std::make_shared<handle>();
  const int rc = sqlite3_open_v2(filename.c_str(), db->out(), flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message =
        db->get() != nullptr ? sqlite3_errmsg(db->get()) : sqlite3_errstr(rc);
    const int code = db->get() != nullptr ? sqlite3_extended_errcode(db->get()) : rc;
    detail::throw_error<operational_error>(
        fmt::format("{} ({} {}) opening {}", message, code_name(code), code, u.redacted()), "",
        std::to_string(code), message);
  }
  sqlite3_extended_result_codes(db->get(), 1);
  sqlite3_busy_timeout(db->get(), 5000);
  const auto vfs = u.params.find("vfs");
  const bool in_memory =
      u.database == ":memory:" || (vfs != u.params.end() && vfs->second == "memdb");
  auto conn = detail::make_owned<tabula::detail::sqlite::connection>(std::move(db), in_memory);
  conn->execute("PRAGMA foreign_keys=ON");
  return conn;
}

void register_sqlite_driver() { register_driver("sqlite", &connect_sqlite); }

}  // namespace tabula::driver
