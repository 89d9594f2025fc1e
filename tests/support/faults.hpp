#pragma once
/// \file faults.hpp
/// Helpers for the tests that provoke faults for real: ending PostgreSQL backends, waiting
/// for them to be gone.

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

namespace tabula::test {

/// The server process serving `c` (PostgreSQL).
inline std::int64_t backend_pid(tabula::connection& c) {
  return c.sql<std::int64_t>("SELECT pg_backend_pid()").one();
}

/// Ends the PostgreSQL backend `pid` as an administrator would (pg_terminate_backend) and
/// waits until the server no longer lists it, so the fault is in place when this returns.
inline void terminate_backend(std::int64_t pid) {
  static tabula::engine admin(database_url(), {.pool_size = 1});
  auto c = admin.connect();
  (void)c.sql<bool>("SELECT pg_terminate_backend(?)", pid).one();
  for (int i = 0; i < 500; ++i) {
    if (c.sql<std::int64_t>("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", pid).one() == 0)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace tabula::test
