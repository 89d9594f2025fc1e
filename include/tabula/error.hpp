#pragma once
/// \file error.hpp
/// The exception hierarchy of tabula, named after PEP 249 (Python's DB-API), so users of
/// database APIs find the types they expect. Every database error carries the SQL that
/// failed, the database's code (SQLSTATE on PostgreSQL, the extended result code on SQLite)
/// and the driver's own message, untouched.

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "tabula/detail/move.hpp"

namespace tabula {

/// Base of every error tabula throws.
class error : public std::runtime_error {
 public:
  /// `message` is the full text `what()` returns; the parts are kept for programs.
  explicit error(const std::string& message, std::string sql = {}, std::string code = {},
                 std::string driver_message = {})
      : std::runtime_error(message),
        sql_(TABULA_MOVE(sql)),
        code_(TABULA_MOVE(code)),
        driver_message_(TABULA_MOVE(driver_message)) {}

  /// The SQL statement that failed; empty when the error did not come from a statement.
  [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
  /// SQLSTATE (PostgreSQL, e.g. "23505") or the SQLite extended result code (e.g. "2067").
  [[nodiscard]] const std::string& code() const noexcept { return code_; }
  /// The database driver's message, as the driver wrote it.
  [[nodiscard]] const std::string& driver_message() const noexcept { return driver_message_; }

 private:
  std::string sql_;
  std::string code_;
  std::string driver_message_;
};

/// A constraint of the database refused the change.
class integrity_error : public error {
  using error::error;
};
/// A UNIQUE or PRIMARY KEY constraint was violated.
class unique_violation : public integrity_error {
  using integrity_error::integrity_error;
};
/// A FOREIGN KEY constraint was violated.
class foreign_key_violation : public integrity_error {
  using integrity_error::integrity_error;
};
/// NULL was written into a NOT NULL column.
class not_null_violation : public integrity_error {
  using integrity_error::integrity_error;
};
/// A CHECK constraint was violated.
class check_violation : public integrity_error {
  using integrity_error::integrity_error;
};

/// The database could not do the work: connection refused or lost, timeout, busy or locked,
/// out of disk or memory.
class operational_error : public error {
  using error::error;
};
/// The connection to the database server broke (the server closed it, was restarted, or the
/// network failed). Whatever the connection's open transaction had written is rolled back by
/// the server; the pool discards the connection, and the next operation runs on a new one.
class connection_lost : public operational_error {
  using operational_error::operational_error;
};
/// The connection broke while COMMIT was in flight: the transaction may or may not have been
/// committed. Check the database before re-running the work; a retry may write it twice.
class commit_outcome_unknown : public connection_lost {
  using connection_lost::connection_lost;
};
/// No pooled connection became free within `engine_options::pool_timeout`.
class pool_timeout_error : public operational_error {
  using operational_error::operational_error;
};
/// The transaction failed in a way that retrying it may cure: serialization failure, deadlock.
class transaction_error : public error {
  using error::error;
};
/// An UPDATE or DELETE the session wrote found no row: another transaction changed the row's
/// version (`version_column`) or deleted the row since the session read it. The flush is
/// undone; reload the object (`session::refresh`) and apply the change again.
class stale_data_error : public error {
  using error::error;
};
/// The statement is wrong: syntax error, missing table or column, wrong number of parameters,
/// or an API used out of order (e.g. `commit()` with no transaction).
class programming_error : public error {
  using error::error;
};
/// A value could not be converted between C++ and SQL without loss: NULL read into a
/// non-optional field, an integer out of range, text where a number was expected.
class conversion_error : public error {
  using error::error;
};
/// The database or driver does not support what was asked.
class not_supported_error : public error {
  using error::error;
};
/// `one()` found no row.
class no_result_error : public error {
  using error::error;
};
/// `one()` or `one_or_none()` found more than one row.
class multiple_results_error : public error {
  using error::error;
};

namespace detail {
/// Out-of-line throw helpers keep throw sites small in inlined code.
template <class E>
[[noreturn]] void throw_error(std::string message, std::string sql = {}, std::string code = {},
                              std::string driver_message = {}) {
  throw E(TABULA_MOVE(message), TABULA_MOVE(sql), TABULA_MOVE(code), TABULA_MOVE(driver_message));
}
}  // namespace detail

}  // namespace tabula
