// A PostgreSQL server restarted under the engine, while idle and while busy: no acknowledged
// row lost, none written twice, no row whose write was reported failed, and the engine
// working again within a bound. The test restarts the server it is given
// (TABULA_TEST_PG_RESTART, set by scripts/test.sh), so CTest runs it alone.

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {
struct restart_row {
  std::int64_t id = 0;
  std::string token{};
  std::int32_t worker = 0;
};
}  // namespace

template <>
struct tabula::schema<restart_row> {
  static constexpr auto table = "restart_rows";
};

namespace {

void restart_server() {
  const char* command = std::getenv("TABULA_TEST_PG_RESTART");
  REQUIRE(command != nullptr);
  REQUIRE(std::system(command) == 0);
}

/// Runs `f` until it succeeds or `bound` passes; returns how long it took.
template <class F>
clock_type::duration until_success(F&& f, clock_type::duration bound) {
  const auto start = clock_type::now();
  for (;;) {
    try {
      f();
      return clock_type::now() - start;
    } catch (const tabula::operational_error&) {
      if (clock_type::now() - start > bound) throw;
      std::this_thread::sleep_for(50ms);
    }
  }
}

}  // namespace

TEST_CASE("a server restart while the pool is idle costs no operation") {
  tabula::engine e(tabula::test::database_url());
  e.drop_all<restart_row>();
  e.create_all<restart_row>();
  {
    std::vector<tabula::connection> held;
    for (int i = 0; i < 5; ++i) held.push_back(e.connect());
  }
  REQUIRE(e.pool_status().idle == 5);
  restart_server();
  std::this_thread::sleep_for(600ms);  // idle for longer than pre_ping_after
  int failures = 0;
  for (int i = 0; i < 5; ++i) {
    try {
      restart_row r{.token = "idle-" + std::to_string(i)};
      e.insert(r);
    } catch (const tabula::error&) {
      ++failures;
    }
  }
  CHECK(failures == 0);
  CHECK(e.query<restart_row>().count() == 5);
  CHECK(e.pool_status().replaced >= 1);
}

TEST_CASE("a server restart while 4 workers commit: nothing acknowledged lost, nothing twice") {
  tabula::engine e(tabula::test::database_url());
  e.drop_all<restart_row>();
  e.create_all<restart_row>();

  std::mutex m;
  std::set<std::string> acknowledged, unknown, failed;
  std::atomic<bool> restarted{false};
  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged_after{0};
  std::vector<clock_type::time_point> first_success_after(4);
  clock_type::time_point restart_done;

  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      for (int n = 0; !stop; ++n) {
        const std::string token = std::to_string(w) + "-" + std::to_string(n);
        const bool after = restarted;
        try {
          tabula::session s(e);  // a fresh session per unit of work: a failed one is dropped
          s.add(restart_row{.token = token, .worker = w});
          s.commit();
          std::lock_guard lock(m);
          acknowledged.insert(token);
          if (after) {
            if (first_success_after[static_cast<std::size_t>(w)] == clock_type::time_point{}) {
              first_success_after[static_cast<std::size_t>(w)] = clock_type::now();
            }
            ++acknowledged_after;
          }
        } catch (const tabula::commit_outcome_unknown&) {
          std::lock_guard lock(m);
          unknown.insert(token);
        } catch (const tabula::operational_error&) {
          std::lock_guard lock(m);
          failed.insert(token);
          std::this_thread::sleep_for(20ms);
        }
      }
    });
  }
  std::this_thread::sleep_for(500ms);
  restart_server();
  restart_done = clock_type::now();
  restarted = true;
  // Until 200 commits are acknowledged after the restart and every worker has had one (on a
  // loaded machine three workers may reach 200 before the fourth is scheduled again).
  const auto every_worker_wrote = [&] {
    std::lock_guard lock(m);
    return std::none_of(first_success_after.begin(), first_success_after.end(),
                        [](clock_type::time_point t) { return t == clock_type::time_point{}; });
  };
  const auto deadline = clock_type::now() + 30s;
  while ((acknowledged_after < 200 || !every_worker_wrote()) && clock_type::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  stop = true;
  for (auto& w : workers) w.join();

  REQUIRE(acknowledged_after >= 200);
  for (const auto& t : first_success_after) {
    REQUIRE(t != clock_type::time_point{});
    CHECK(t - restart_done < 5s);  // every worker writes again soon after the server is back
  }
  std::vector<restart_row> rows;
  until_success([&] { rows = e.query<restart_row>().all(); }, 10s);
  std::map<std::string, int> seen;
  for (const auto& r : rows) ++seen[r.token];
  int duplicated = 0, lost = 0, failed_but_written = 0;
  for (const auto& [token, count] : seen) {
    if (count > 1) ++duplicated;
    if (failed.contains(token)) ++failed_but_written;
    CHECK((acknowledged.contains(token) || unknown.contains(token) || failed.contains(token)));
  }
  for (const auto& token : acknowledged) {
    if (!seen.contains(token)) ++lost;
  }
  INFO("acknowledged " << acknowledged.size() << ", unknown " << unknown.size() << ", failed "
                       << failed.size());
  CHECK(duplicated == 0);
  CHECK(lost == 0);
  CHECK(failed_but_written == 0);
  CHECK(acknowledged.size() > 200);
}
