#pragma once
/// \file transaction.hpp
/// `tabula::transaction`: the guard `connection::begin()` returns — a transaction, or a
/// savepoint inside one — rolled back unless committed.

#include <string>
#include <utility>

#include "tabula/driver/driver.hpp"

namespace tabula {

class connection;

/// A transaction (or, when begun inside another, a savepoint). Rolled back on destruction
/// unless committed.
class transaction {
 public:
  transaction(transaction&& other) noexcept
      : conn_(std::exchange(other.conn_, nullptr)), savepoint_(std::move(other.savepoint_)) {}
  transaction& operator=(transaction&&) = delete;
  transaction(const transaction&) = delete;
  ~transaction();

  /// COMMIT (or RELEASE SAVEPOINT). When it fails the transaction is rolled back and ended
  /// all the same, and the error propagates: a failed COMMIT never leaves work behind for a
  /// later one to commit.
  void commit();
  /// ROLLBACK (or ROLLBACK TO SAVEPOINT). On a connection that broke there is nothing to roll
  /// back — the server did when the connection ended — and it returns normally.
  void rollback();
  /// False once committed or rolled back.
  [[nodiscard]] bool active() const noexcept { return conn_ != nullptr; }

 private:
  friend class connection;
  transaction(driver::connection* conn, std::string savepoint)
      : conn_(conn), savepoint_(std::move(savepoint)) {}
  void rollback_quietly() noexcept;
  driver::connection* conn_;
  std::string savepoint_;  ///< empty for a top-level transaction
};

}  // namespace tabula
