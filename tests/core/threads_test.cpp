// One engine shared by threads: 8 threads run mixed operations — inserts, reads, updates,
// deletes, sessions, explicit transactions — for a bounded time, on the test's database and on
// an in-memory SQLite database. Every acknowledged write is checked afterwards. Run it under
// ThreadSanitizer with `scripts/test.sh --sanitize thread`.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "core/models.hpp"
#include "support/test_backend.hpp"

using namespace std::chrono_literals;
using fx::author;

namespace {

struct outcome {
  std::int64_t inserted = 0;  ///< rows this thread's commits acknowledged
  std::int64_t errors = 0;  ///< unexpected errors (none allowed)
  std::vector<std::string> messages{};  ///< what they were (Catch is not used off the main thread)
};

/// Runs `threads` workers against `e` for `duration`; each keeps its own rows (email
/// "<thread>-<n>@t") and checks what it reads of them.
std::vector<outcome> hammer(tabula::engine& e, int threads, std::chrono::milliseconds duration) {
  std::vector<outcome> results(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  const auto until = std::chrono::steady_clock::now() + duration;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&e, &results, t, until] {
      auto& r = results[static_cast<std::size_t>(t)];
      const std::string prefix = std::to_string(t) + "-";
      std::int64_t n = 0;
      while (std::chrono::steady_clock::now() < until) {
        try {
          switch (n % 5) {
            case 0: {  // engine insert, read back by key
              author a{.name = "t" + std::to_string(t), .email = prefix + std::to_string(n) + "@t"};
              e.insert(a);
              ++r.inserted;
              auto back = e.get<author>(a.id);
              if (!back || back->email != a.email) {
                r.messages.emplace_back("insert then get: not found");
                ++r.errors;
              }
              break;
            }
            case 1: {  // a session adds two and updates one of its own
              tabula::session s(e);
              s.add(author{.name = "s", .email = prefix + std::to_string(n) + "a@t"});
              s.add(author{.name = "s", .email = prefix + std::to_string(n) + "b@t"});
              s.commit();
              r.inserted += 2;
              auto mine = s.query<author>()
                              .where(tabula::col(&author::email) == prefix + std::to_string(n) + "a@t")
                              .all();
              if (mine.size() != 1) {
                r.messages.emplace_back("session query: " + std::to_string(mine.size()) + " rows");
                ++r.errors;
                break;
              }
              mine.front()->age = static_cast<std::int32_t>(n);
              s.commit();
              break;
            }
            case 2: {  // an explicit transaction: insert then delete one of its own
              auto c = e.connect();
              auto tx = c.begin();
              author a{.name = "x", .email = prefix + std::to_string(n) + "x@t"};
              c.insert(a);
              if (!c.remove(a)) {
                r.messages.emplace_back("remove found no row");
                ++r.errors;
              }
              tx.commit();
              break;
            }
            case 3: {  // a transaction rolled back leaves nothing
              auto c = e.connect();
              auto tx = c.begin();
              author a{.name = "y", .email = prefix + std::to_string(n) + "y@t"};
              c.insert(a);
              tx.rollback();
              // By its unique email: SQLite may give the rolled-back key to another row.
              if (c.query<author>().where(tabula::col(&author::email) == a.email).count() != 0) {
                r.messages.emplace_back("rolled-back row found");
                ++r.errors;
              }
              break;
            }
            default: {  // a read of this thread's rows
              const auto count = e.query<author>()
                                     .where(tabula::like(tabula::col(&author::email), prefix + "%"))
                                     .count();
              if (count != r.inserted) {
                r.messages.emplace_back("count " + std::to_string(count) + " != " +
                                        std::to_string(r.inserted));
                ++r.errors;
              }
              break;
            }
          }
        } catch (const tabula::error& err) {
          r.messages.emplace_back(err.what());
          ++r.errors;
        }
        ++n;
      }
    });
  }
  for (auto& w : workers) w.join();
  return results;
}

void check(tabula::engine& e, const std::vector<outcome>& results) {
  std::int64_t expected = 0;
  for (std::size_t t = 0; t < results.size(); ++t) {
    for (const auto& m : results[t].messages) UNSCOPED_INFO("thread " << t << ": " << m);
    CHECK(results[t].errors == 0);
    CHECK(results[t].inserted > 0);
    expected += results[t].inserted;
    const auto mine = e.query<author>()
                          .where(tabula::like(tabula::col(&author::email), std::to_string(t) + "-%"))
                          .count();
    CHECK(mine == results[t].inserted);
  }
  CHECK(e.query<author>().count() == expected);
  const auto s = e.pool_status();
  CHECK(s.checked_out == 0);
  CHECK(s.open <= 15);
}

}  // namespace

TEST_CASE("8 threads share one engine") {
  tabula::engine e(tabula::test::database_url(), {.sqlite_busy_timeout = 30s});
  e.drop_all<author>();
  e.create_all<author>();
  check(e, hammer(e, 8, 2s));
}

TEST_CASE("8 threads share one engine on an in-memory SQLite database", "[sqlite]") {
  // One database for all the pool's connections, each with its own transactions.
  tabula::engine e("sqlite://:memory:", {.sqlite_busy_timeout = 30s});
  e.create_all<author>();
  check(e, hammer(e, 8, 2s));
}

TEST_CASE("an in-memory SQLite engine: each connection its own transaction", "[sqlite]") {
  tabula::engine e("sqlite://:memory:", {.sqlite_busy_timeout = 100ms});
  e.create_all<author>();
  auto c1 = e.connect();
  auto c2 = e.connect();
  {
    auto tx = c1.begin();  // BEGIN IMMEDIATE on c1
    author a{.name = "one", .email = "1@m"};
    c1.insert(a);
    // A second connection's transaction is not a savepoint inside the first: it waits for the
    // first's lock and is refused clearly.
    CHECK_THROWS_AS(c2.begin(), tabula::operational_error);
  }  // rolled back
  CHECK(c2.query<author>().count() == 0);
  author b{.name = "two", .email = "2@m"};
  c2.insert(b);
  CHECK(c1.query<author>().count() == 1);  // one database, seen by every connection
}
