// Concurrency control: optimistic locking with a version column, UPDATE and DELETE that find
// no row, and row locks (SELECT ... FOR UPDATE).

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/models.hpp"
#include "support/test_backend.hpp"

using tabula::col;
using namespace fx;

namespace {

/// A tree whose rows go with their parent (ON DELETE CASCADE).
struct category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id{};
};

struct run {
  std::int64_t id = 0;
  std::string status{};
  std::int64_t version = 0;
};

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

/// Records the SQL the engine runs while alive.
struct sql_log {
  std::vector<std::string> statements;
  sql_log() {
    db().set_echo([this](std::string_view sql) { statements.emplace_back(sql); });
  }
  ~sql_log() { db().set_echo({}); }
  [[nodiscard]] std::vector<std::string> starting_with(std::string_view prefix) const {
    std::vector<std::string> out;
    for (const auto& s : statements) {
      if (s.rfind(prefix, 0) == 0) out.push_back(s);
    }
    return out;
  }
};

}  // namespace

template <>
struct tabula::schema<run> {
  static constexpr auto table = "runs";
  static constexpr auto options = tabula::options(tabula::version_column(&run::version));
};

template <>
struct tabula::schema<category> {
  static constexpr auto table = "categories";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&category::parent_id, &category::id).on_delete_cascade());
};

namespace {
void fresh_schema() {
  db().drop_all<author, book, run, category>();
  db().create_all<author, book, run, category>();
}
/// The first pending run no other transaction has locked, locked (the job-queue claim).
run* claim_next(tabula::session& s) {
  return s.query<run>()
      .where(col(&run::status) == "pending")
      .order_by(&run::id)
      .limit(1)
      .for_update()
      .skip_locked()
      .first();
}
/// `?n` on SQLite, `$n` on PostgreSQL.
std::string p(int n) { return (db().backend() == "postgresql" ? "$" : "?") + std::to_string(n); }
}  // namespace

TEST_CASE("a version column goes up with every UPDATE the session writes, and is checked") {
  fresh_schema();
  tabula::session s(db());
  run& r = s.add(run{.status = "pending"});
  s.commit();
  CHECK(r.version == 0);
  {
    sql_log log;
    r.status = "running";
    s.commit();
    CHECK(log.starting_with("UPDATE") ==
          std::vector<std::string>{"UPDATE \"runs\" SET \"status\" = " + p(1) +
                                   ", \"version\" = " + p(2) + " WHERE (\"runs\".\"id\" = " + p(3) +
                                   ") AND (\"runs\".\"version\" = " + p(4) + ")"});
  }
  CHECK(r.version == 1);
  CHECK(db().get<run>(r.id)->version == 1);
  r.status = "done";
  s.commit();
  CHECK(db().get<run>(r.id)->version == 2);
  // An unchanged object writes nothing, and its version stays.
  s.commit();
  CHECK(db().get<run>(r.id)->version == 2);
}

TEST_CASE("two sessions update one versioned object: one wins, the other gets stale_data_error") {
  fresh_schema();
  run seed{.status = "pending"};
  db().insert(seed);

  tabula::session first(db());
  tabula::session second(db());
  run* a = first.get<run>(seed.id);
  run* b = second.get<run>(seed.id);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  a->status = "claimed by first";
  b->status = "claimed by second";
  first.commit();
  try {
    second.commit();
    FAIL("the second commit should have found the row changed");
  } catch (const tabula::stale_data_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("run with id = " + std::to_string(seed.id)));
    CHECK_THAT(e.sql(), Catch::Contains("\"version\""));
  }
  // The flush was undone: the object still holds its change and its version.
  CHECK(b->status == "claimed by second");
  CHECK(b->version == 0);
  CHECK_FALSE(second.in_transaction());
  CHECK(db().get<run>(seed.id)->status == "claimed by first");
  CHECK(db().get<run>(seed.id)->version == 1);

  // The session stays usable.
  second.expunge(*b);
  second.add(run{.status = "other"});
  second.commit();
  CHECK(db().all<run>().size() == 2);

  // A versioned DELETE checks the version too.
  run* c = second.get<run>(seed.id);
  REQUIRE(c != nullptr);
  a->status = "again";
  first.commit();
  second.remove(*c);
  CHECK_THROWS_AS(second.commit(), tabula::stale_data_error);
  CHECK(db().get<run>(seed.id).has_value());
}

TEST_CASE("two threads commit the same versioned object at once: exactly one wins") {
  fresh_schema();
  run seed{.status = "pending"};
  db().insert(seed);
  std::latch both_read(2);
  std::atomic<int> won{0};
  std::atomic<int> stale{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      tabula::session s(db());
      run* r = s.get<run>(seed.id);
      r->status = "claimed by " + std::to_string(w);
      both_read.arrive_and_wait();  // both hold version 0 before either writes
      try {
        s.commit();
        ++won;
      } catch (const tabula::stale_data_error&) {
        ++stale;
        s.rollback();  // the session stays usable
        s.add(run{.status = "retried by " + std::to_string(w)});
        s.commit();
      } catch (const tabula::error&) {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(won == 1);
  CHECK(stale == 1);
  CHECK(other == 0);
  CHECK(db().get<run>(seed.id)->version == 1);
  CHECK(db().all<run>().size() == 2);
}

TEST_CASE("an UPDATE or DELETE of a row deleted behind the session's back is reported") {
  fresh_schema();
  tabula::session s(db());
  author& a = s.add(author{.name = "a", .email = "a@x"});
  author& b = s.add(author{.name = "b", .email = "b@x"});
  author& c = s.add(author{.name = "c", .email = "c@x"});
  s.commit();
  db().remove_by_key<author>(a.id);
  db().remove_by_key<author>(b.id);

  a.name = "renamed";
  try {
    s.commit();
    FAIL("the UPDATE should have found no row");
  } catch (const tabula::stale_data_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("UPDATE of "));
    CHECK_THAT(e.what(), Catch::Contains("with id = " + std::to_string(a.id)));
  }
  CHECK(a.name == "renamed");
  s.expunge(a);

  s.remove(b);
  CHECK_THROWS_AS(s.commit(), tabula::stale_data_error);
  CHECK(s.contains(b));
  s.expunge(b);
  // Several at once, in one batch: the message counts them.
  author& d = s.add(author{.name = "d", .email = "d@x"});
  s.commit();
  db().remove_by_key<author>(c.id);
  s.remove(c);
  s.remove(d);
  try {
    s.commit();
    FAIL("the DELETE should have found a row missing");
  } catch (const tabula::stale_data_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("DELETE of "));
  }
  CHECK(db().get<author>(d.id).has_value());  // undone with the flush
  s.expunge(c);
  s.commit();
  CHECK_FALSE(db().get<author>(d.id).has_value());
}

TEST_CASE("a row deleted with its parent in the same flush (a cascading tree) is not stale") {
  fresh_schema();
  tabula::session s(db());
  category& parent = s.add(category{});
  s.flush();
  category& child = s.add(category{.parent_id = parent.id});
  s.commit();
  s.remove(parent);  // deleted first: the database deletes the child's row with it
  s.remove(child);
  s.commit();
  CHECK(db().all<category>().empty());
}

TEST_CASE("row locks: FOR UPDATE SKIP LOCKED lets workers each claim a different run") {
  fresh_schema();
  if (db().backend() != "postgresql") {
    // SQLite locks the database, not rows: the lock is refused before anything runs.
    tabula::session s(db());
    auto tx = s.begin();
    try {
      (void)s.query<run>().for_update().skip_locked().all();
      FAIL("SQLite should refuse FOR UPDATE");
    } catch (const tabula::not_supported_error& e) {
      CHECK_THAT(e.what(), Catch::Contains("sqlite has no row locks"));
    }
    CHECK(s.in_transaction());
    s.add(run{.status = "pending"});
    tx.commit();
    CHECK(db().all<run>().size() == 1);
    return;
  }
  constexpr int runs = 40;
  constexpr int workers = 4;
  {
    tabula::session s(db());
    for (int i = 0; i < runs; ++i) s.add(run{.status = "pending"});
    s.commit();
  }
  {
    sql_log log;
    tabula::session s(db());
    auto tx = s.begin();
    run* r = claim_next(s);
    CHECK(r != nullptr);
    const auto selects = log.starting_with("SELECT");
    REQUIRE(selects.size() == 1);
    CHECK_THAT(selects[0], Catch::EndsWith(" LIMIT 1 FOR UPDATE SKIP LOCKED"));
    tx.rollback();
  }
  std::vector<std::vector<std::int64_t>> claimed(workers);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      try {
        for (;;) {
          tabula::session s(db());
          auto tx = s.begin();
          run* r = claim_next(s);
          if (r == nullptr) break;
          r->status = "claimed by " + std::to_string(w);
          claimed[static_cast<std::size_t>(w)].push_back(r->id);
          std::this_thread::sleep_for(std::chrono::milliseconds(2));  // others skip it meanwhile
        }
      } catch (const tabula::error&) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  std::vector<std::int64_t> all;
  for (const auto& ids : claimed) all.insert(all.end(), ids.begin(), ids.end());
  std::sort(all.begin(), all.end());
  CHECK(all.size() == static_cast<std::size_t>(runs));
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());  // none claimed twice
  for (const run& r : db().all<run>()) {
    CHECK(r.status != "pending");
    CHECK(r.version == 1);  // written once
  }
}

TEST_CASE("row locks: NOWAIT fails at once on a locked row, FOR SHARE is shared") {
  fresh_schema();
  if (db().backend() != "postgresql") return;  // SQLite refuses row locks (above)
  run seed{.status = "pending"};
  db().insert(seed);
  auto holder = db().connect();
  auto held = holder.begin();
  CHECK(holder.query<run>().for_update().all().size() == 1);

  auto other = db().connect();
  {
    auto tx = other.begin();
    try {
      (void)other.query<run>().for_update().nowait().all();
      FAIL("the row is locked");
    } catch (const tabula::operational_error& e) {
      CHECK(e.code() == "55P03");
    }
  }
  held.rollback();

  auto tx1 = holder.begin();
  CHECK(holder.query<run>().for_share().all().size() == 1);
  auto tx2 = other.begin();
  CHECK(other.query<run>().for_share().nowait().all().size() == 1);  // shared: no wait
  try {
    (void)other.query<run>().for_update().nowait().all();
    FAIL("a shared lock keeps FOR UPDATE out");
  } catch (const tabula::operational_error& e) {
    CHECK(e.code() == "55P03");
  }
}
