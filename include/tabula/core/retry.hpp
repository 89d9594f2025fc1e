#pragma once
/// \file retry.hpp
/// `tabula::retry`: runs a unit of work again when the database gave up on its transaction in
/// a way that running it again may cure — a serialization failure or a deadlock.

#include <chrono>

#include "tabula/error.hpp"

namespace tabula {

/// How often and how patiently `retry` runs a unit of work.
struct retry_options {
  /// Runs at most (the first included).
  int attempts = 5;
  /// The pause before the second run; each later pause doubles, up to `max_backoff`, and
  /// varies by up to half at random so that competing workers do not collide again in step.
  std::chrono::milliseconds backoff{10};
  std::chrono::milliseconds max_backoff{1000};
};

/// Whether running the whole transaction again may succeed: a serialization failure
/// (SQLSTATE 40001) or a deadlock (40P01) on PostgreSQL; SQLITE_BUSY on SQLite (its lock was
/// not had within the busy timeout: nothing of the transaction stays). Never a
/// `commit_outcome_unknown`: the work may have been committed.
[[nodiscard]] bool is_retryable(const error& e) noexcept;

namespace detail {
/// Sleeps before run `attempt + 1`.
void retry_pause(const retry_options& options, int attempt);
}  // namespace detail

/// Runs `work()` and returns what it returns; when it throws an error `is_retryable` accepts,
/// runs it again after a pause, at most `options.attempts` times in all, then lets the last
/// error propagate. Other exceptions propagate at once. `work` must be the whole unit of work:
/// it begins its transaction and ends it (a session scope, or a session of its own), so that a
/// failed run leaves nothing behind.
///
///     tabula::retry([&] {
///       auto s = db.session();
///       auto tx = s.begin({.isolation = tabula::isolation_level::serializable});
///       ...
///     });
template <class Work>
decltype(auto) retry(Work&& work, const retry_options& options = {}) {
  for (int attempt = 1;; ++attempt) {
    try {
      return work();
    } catch (const error& e) {
      if (attempt >= options.attempts || !is_retryable(e)) throw;
    }
    detail::retry_pause(options, attempt);
  }
}

}  // namespace tabula
