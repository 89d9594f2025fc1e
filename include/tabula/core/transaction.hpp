#pragma once
/// \file transaction.hpp
/// `tabula::transaction`: the guard `connection::begin()` returns — a transaction, or a
/// savepoint inside one — rolled back unless committed.

#include <string>
#include <utility>

#include "tabula/detail/move.hpp"
#include "tabula/driver/driver.hpp"

namespace tabula {

class connection;
namespace detail {
struct statement_observer;
}

/// A transaction (or, when begun inside another, a savepoint). Rolled back on destruction
/// unless committed — or, after `commit_on_exit()`, committed when its scope ends normally and
/// rolled back when it ends by an exception.
class transaction {
 public:
  transaction(transaction&& other) noexcept
      : conn_(std::exchange(other.conn_, nullptr)),
        observer_(other.observer_),
        savepoint_(TABULA_MOVE(other.savepoint_)),
        commit_on_exit_(other.commit_on_exit_),
        exceptions_(other.exceptions_) {}
  transaction& operator=(transaction&&) = delete;
  transaction(const transaction&) = delete;
  /// Rolls back — or commits, after `commit_on_exit()` when no exception is leaving the
  /// scope; a failed commit then throws from here (and has rolled back).
  ~transaction() noexcept(false);

  /// Makes the guard commit (or release its savepoint) when its scope ends normally, as a
  /// `with conn.begin():` block does in Python:
  ///
  ///     { auto tx = conn.begin().commit_on_exit(); conn.insert(a); }   // COMMIT here
  [[nodiscard]] transaction commit_on_exit() &&;

  /// COMMIT (or RELEASE SAVEPOINT). When it fails the transaction is rolled back and ended
  /// all the same, and the error propagates: a failed COMMIT never leaves work behind for a
  /// later one to commit.
  void commit();
  /// ROLLBACK (or ROLLBACK TO SAVEPOINT). On a connection that broke there is nothing to roll
  /// back — the server did when the connection ended — and it returns normally.
  void rollback();
  /// False once committed or rolled back.
  [[nodiscard]] bool active() const noexcept { return conn_ != nullptr; }
  /// True for a savepoint inside an enclosing transaction.
  [[nodiscard]] bool nested() const noexcept { return !savepoint_.empty(); }

 private:
  friend class connection;
  transaction(driver::connection* conn, const detail::statement_observer& observer,
              std::string savepoint)
      : conn_(conn), observer_(&observer), savepoint_(TABULA_MOVE(savepoint)) {}
  void rollback_quietly() noexcept;
  driver::connection* conn_;
  const detail::statement_observer* observer_;
  std::string savepoint_;  ///< empty for a top-level transaction
  bool commit_on_exit_ = false;
  int exceptions_ = 0;  ///< std::uncaught_exceptions() when commit_on_exit() was called
};

}  // namespace tabula
