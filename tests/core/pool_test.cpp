// The connection pool: limits, waiting, timeout, recycling, dispose, no-pooling, reset on
// return, and connections found dead at checkout (PostgreSQL, with real terminated backends).

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

#include "core/models.hpp"
#include "support/faults.hpp"
#include "support/test_backend.hpp"

using namespace std::chrono_literals;
using fx::author;

namespace {
/// Fills the pool with `n` idle connections, then terminates their server processes.
void terminate_idle_connections(tabula::engine& e, int n) {
  std::vector<std::int64_t> pids;
  {
    std::vector<tabula::connection> held;
    for (int i = 0; i < n; ++i) held.push_back(e.connect());
    for (auto& c : held) pids.push_back(tabula::test::backend_pid(c));
  }
  REQUIRE(e.pool_status().idle == static_cast<std::size_t>(n));
  for (auto pid : pids) tabula::test::terminate_backend(pid);
}

/// Runs `SELECT 1` `n` times on the engine; the number of runs that failed with a
/// `connection_lost` naming that statement (any other error fails the test).
int failed_selects(tabula::engine& e, int n) {
  int failures = 0;
  for (int i = 0; i < n; ++i) {
    try {
      const auto one = e.sql<std::int64_t>("SELECT 1").one();  // outside CHECK, which catches
      CHECK(one == 1);
    } catch (const tabula::connection_lost& lost) {
      ++failures;
      CHECK(lost.sql() == "SELECT 1");
    }
  }
  return failures;
}
}  // namespace

TEST_CASE("the pool opens up to pool_size + max_overflow connections, then waits and times out") {
  tabula::engine e(tabula::test::database_url(),
                   {.pool_size = 2, .max_overflow = 1, .pool_timeout = 200ms});
  {
    std::vector<tabula::connection> held;
    for (int i = 0; i < 3; ++i) held.push_back(e.connect());
    auto s = e.pool_status();
    CHECK(s.open == 3);
    CHECK(s.checked_out == 3);
    CHECK(s.idle == 0);

    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(e.connect(), tabula::pool_timeout_error);
    CHECK(std::chrono::steady_clock::now() - start >= 200ms);
    CHECK(e.pool_status().timeouts == 1);

    held.pop_back();  // given back: the next checkout gets it at once
    auto again = e.connect();
    CHECK(e.pool_status().open == 3);
  }
  // All given back: the overflow connection is closed, pool_size connections stay.
  const auto s = e.pool_status();
  CHECK(s.open == 2);
  CHECK(s.idle == 2);
  CHECK(s.checked_out == 0);
}

TEST_CASE("a checkout waits for a connection another thread gives back") {
  tabula::engine e(tabula::test::database_url(),
                   {.pool_size = 1, .max_overflow = 0, .pool_timeout = 10s});
  std::optional<tabula::connection> held(e.connect());
  std::thread giver([&] {
    std::this_thread::sleep_for(100ms);
    held.reset();
  });
  auto c = e.connect();  // blocks until the other thread gives its connection back
  giver.join();
  CHECK(c.sql<std::int64_t>("SELECT 1").one() == 1);
  CHECK(e.pool_status().waits == 1);
  CHECK(e.pool_status().connects == 1);  // the same connection, handed over
}

TEST_CASE("pool_recycle closes connections older than the limit; dispose closes idle ones") {
  tabula::engine e(tabula::test::database_url(), {.pool_recycle = 1s});
  { auto c = e.connect(); }
  CHECK(e.pool_status().connects == 1);
  std::this_thread::sleep_for(1100ms);
  { auto c = e.connect(); }
  CHECK(e.pool_status().recycled == 1);
  CHECK(e.pool_status().connects == 2);

  auto held = e.connect();
  e.dispose();
  CHECK(e.pool_status().idle == 0);
  CHECK(e.pool_status().open == 1);  // the one in use, closed when given back
  { auto c = e.connect(); }          // a new one
  CHECK(e.pool_status().connects == 3);
  { auto moved = std::move(held); }
  CHECK(e.pool_status().open == 1);
}

TEST_CASE("with pooling off every checkout opens a connection and giving it back closes it") {
  tabula::engine e(tabula::test::database_url(), {.pooling = false});
  for (int i = 0; i < 3; ++i) {
    auto c = e.connect();
    CHECK(c.sql<std::int64_t>("SELECT 1").one() == 1);
  }
  CHECK(e.pool_status().connects == 3);
  CHECK(e.pool_status().open == 0);
}

TEST_CASE("a connection given back inside a transaction is rolled back first") {
  tabula::engine e(tabula::test::database_url(), {.pool_size = 1, .max_overflow = 0});
  e.drop_all<author>();
  e.create_all<author>();
  {
    auto c = e.connect();
    c.raw().begin();  // a transaction left open on purpose
    author a{.name = "left", .email = "open@x"};
    c.insert(a);
  }
  auto c = e.connect();  // the same connection (pool_size 1)
  CHECK_FALSE(c.in_transaction());
  CHECK(c.query<author>().count() == 0);
}

TEST_CASE("dead idle connections are replaced at checkout without an error", "[postgresql]") {
  // pre_ping_after 0: every idle connection is pinged when handed out.
  tabula::engine e(tabula::test::database_url(), {.pre_ping_after = 0ms});
  terminate_idle_connections(e, 5);
  CHECK(failed_selects(e, 5) == 0);
  CHECK(e.pool_status().replaced == 5);
}

TEST_CASE("without a ping, one dead connection costs one operation: its contemporaries are checked",
          "[postgresql]") {
  // Connections used within pre_ping_after are handed out unchecked; the first one found dead
  // makes every connection opened before it a suspect, pinged at its next checkout.
  tabula::engine e(tabula::test::database_url(), {.pre_ping_after = 1h});
  terminate_idle_connections(e, 5);
  CHECK(failed_selects(e, 5) == 1);
  CHECK(e.pool_status().discarded == 1);
  CHECK(e.pool_status().replaced == 4);
}

TEST_CASE("every libpq connection failure is connection_lost", "[postgresql]") {
  tabula::engine e(tabula::test::database_url(), {.pre_ping = false});
  auto c = e.connect();
  tabula::test::terminate_backend(tabula::test::backend_pid(c));
  CHECK_THROWS_AS(c.sql<std::int64_t>("SELECT 2").one(), tabula::connection_lost);
  CHECK_FALSE(c.raw().is_alive());
  CHECK_THROWS_AS(c.execute("SELECT 3"), tabula::connection_lost);
  // Unreachable server: connection_lost too (an operational_error).
  CHECK_THROWS_AS(tabula::engine("postgresql://nobody@/nodb?host=/nonexistent-dir&port=1"),
                  tabula::connection_lost);
}
