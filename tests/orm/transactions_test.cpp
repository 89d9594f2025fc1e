// Transactions the program chooses: session scopes (begin, begin_nested) and connection
// scopes, savepoints that return the session's objects to their state.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/models.hpp"
#include "support/test_backend.hpp"

using tabula::col;
using namespace fx;

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

void fresh_schema() {
  db().drop_all<author, book>();
  db().create_all<author, book>();
}

struct boom : std::runtime_error {
  boom() : std::runtime_error("boom") {}
};

/// The names of the authors in the database, sorted.
std::vector<std::string> names_in_db() {
  std::vector<std::string> out;
  for (const auto& a : db().all<author>()) out.push_back(a.name);
  std::sort(out.begin(), out.end());
  return out;
}

author make(const std::string& name) { return author{.name = name, .email = name + "@x"}; }

}  // namespace

TEST_CASE("a session scope commits when it ends normally and rolls back on an exception") {
  fresh_schema();
  tabula::session s(db());
  {
    auto tx = s.begin();
    CHECK(s.in_transaction());
    CHECK(tx.active());
    s.add(make("kept"));
  }
  CHECK_FALSE(s.in_transaction());
  CHECK(names_in_db() == std::vector<std::string>{"kept"});

  author* lost = nullptr;
  try {
    auto tx = s.begin();
    lost = &s.add(make("lost"));
    s.flush();
    CHECK(lost->id != 0);
    throw boom();
  } catch (const boom&) {
  }
  CHECK_FALSE(s.in_transaction());
  CHECK(names_in_db() == std::vector<std::string>{"kept"});
  CHECK(lost->id == 0);  // pending again, as after session::rollback()

  // An explicit commit ends the scope; its end does nothing more.
  {
    auto tx = s.begin();
    s.add(make("explicit"));
    tx.commit();
    CHECK_FALSE(tx.active());
    CHECK_THROWS_AS(tx.commit(), tabula::programming_error);
  }
  // begin() while a transaction is open is refused; the session stays usable.
  {
    auto tx = s.begin();
    CHECK_THROWS_AS(s.begin(), tabula::programming_error);
    tx.rollback();
  }
  s.commit();
  CHECK(names_in_db() == std::vector<std::string>{"explicit", "kept", "lost"});
}

TEST_CASE("nested scopes three deep: an exception at each level undoes that level only") {
  // level: where the exception is thrown (0: the outer transaction).
  for (int level = 0; level <= 3; ++level) {
    CAPTURE(level);
    fresh_schema();
    tabula::session s(db());
    author& p = s.add(make("p0"));
    s.commit();

    author* a1 = nullptr;
    author* a2 = nullptr;
    author* a3 = nullptr;
    author* a4 = nullptr;
    try {
      auto tx = s.begin();
      a1 = &s.add(make("a1"));
      if (level == 0) throw boom();
      try {
        auto sp1 = s.begin_nested();
        p.name = "p1";
        a2 = &s.add(make("a2"));
        if (level == 1) throw boom();
        try {
          auto sp2 = s.begin_nested();
          p.name = "p2";
          a1->name = "a1-2";
          a3 = &s.add(make("a3"));
          if (level == 2) throw boom();
          try {
            auto sp3 = s.begin_nested();
            p.name = "p3";
            s.remove(*a2);
            a3->name = "a3-3";
            a4 = &s.add(make("a4"));
            s.flush();  // written inside the savepoint, then undone
            throw boom();
          } catch (const boom&) {
            if (level != 3) throw;
          }
        } catch (const boom&) {
          if (level != 2) throw;
        }
      } catch (const boom&) {
        if (level != 1) throw;
      }
      // The enclosing transaction goes on after a savepoint was rolled back.
      CHECK(s.in_transaction());
      s.add(make("after"));
    } catch (const boom&) {
      REQUIRE(level == 0);
    }
    CHECK_FALSE(s.in_transaction());

    std::vector<std::string> expected;
    switch (level) {
      case 0:
        expected = {"p0"};
        CHECK(p.name == "p0");
        CHECK(s.contains(*a1));  // pending again: the next commit inserts it
        CHECK(a1->id == 0);
        break;
      case 1:
        expected = {"a1", "after", "p0"};
        CHECK(p.name == "p0");
        CHECK(a1->name == "a1");
        CHECK_FALSE(s.contains(*a2));
        break;
      case 2:
        expected = {"a1", "a2", "after", "p1"};
        CHECK(p.name == "p1");
        CHECK(a1->name == "a1");
        CHECK(s.contains(*a2));
        CHECK_FALSE(s.contains(*a3));
        break;
      case 3:
        expected = {"a1-2", "a2", "a3", "after", "p2"};
        CHECK(p.name == "p2");
        CHECK(a1->name == "a1-2");
        CHECK(s.contains(*a2));
        CHECK(s.get<author>(a2->id) == a2);
        CHECK(a3->name == "a3");
        CHECK_FALSE(s.contains(*a4));
        break;
      default:
        break;
    }
    CHECK(names_in_db() == expected);
    // Nothing is left to write but the objects pending again after a rollback of the whole.
    s.commit();
    if (level == 0) expected = {"a1", "p0"};
    CHECK(names_in_db() == expected);
  }
}

TEST_CASE("a rolled-back savepoint leaves objects it did not touch as they are") {
  fresh_schema();
  tabula::session s(db());
  author& before = s.add(make("before"));
  author& other = s.add(make("other"));
  s.commit();
  auto tx = s.begin();
  before.name = "changed before";  // flushed by begin_nested: part of the transaction
  author* loaded = nullptr;
  {
    auto sp = s.begin_nested();
    other.age = 30;
    loaded = s.get<author>(before.id);
    CHECK(loaded == &before);
    sp.rollback();
    CHECK_FALSE(sp.active());
  }
  CHECK(before.name == "changed before");
  CHECK_FALSE(other.age.has_value());
  tx.commit();
  CHECK(names_in_db() == std::vector<std::string>{"changed before", "other"});

  // An object loaded inside a savepoint stays, with its values as loaded.
  author outside = make("outside");
  db().insert(outside);
  const auto outside_id = outside.id;
  auto tx2 = s.begin();
  author* o = nullptr;
  {
    auto sp = s.begin_nested();
    o = s.get<author>(outside_id);
    REQUIRE(o != nullptr);
    o->name = "renamed";
    s.flush();
    sp.rollback();
  }
  CHECK(s.contains(*o));
  CHECK(o->name == "outside");
  CHECK(s.get<author>(outside_id) == o);
  tx2.commit();
  CHECK(db().get<author>(outside_id)->name == "outside");
}

TEST_CASE("a scope whose flush fails rolls back its savepoint and leaves the transaction usable") {
  fresh_schema();
  tabula::session s(db());
  s.add(make("taken"));
  s.commit();
  auto tx = s.begin();
  s.add(make("first"));
  try {
    auto sp = s.begin_nested();
    s.add(author{.name = "dup", .email = "taken@x"});  // unique email
  } catch (const tabula::unique_violation&) {
  }
  CHECK(s.in_transaction());
  s.add(make("second"));
  tx.commit();
  CHECK(names_in_db() == std::vector<std::string>{"first", "second", "taken"});
}

TEST_CASE("session commit and rollback end the scopes open in the session") {
  fresh_schema();
  tabula::session s(db());
  auto tx = s.begin();
  auto sp = s.begin_nested();
  s.add(make("x"));
  s.commit();
  CHECK_FALSE(sp.active());
  CHECK_FALSE(tx.active());
  CHECK(names_in_db() == std::vector<std::string>{"x"});
}

TEST_CASE("connection scopes: commit_on_exit and begin_nested") {
  fresh_schema();
  auto conn = db().connect();
  CHECK_THROWS_AS(conn.begin_nested(), tabula::programming_error);
  {
    auto tx = conn.begin().commit_on_exit();
    author a = make("a");
    conn.insert(a);
    try {
      auto sp = conn.begin_nested().commit_on_exit();
      author b = make("b");
      conn.insert(b);
      throw boom();
    } catch (const boom&) {
    }
    {
      auto sp = conn.begin_nested().commit_on_exit();
      author c = make("c");
      conn.insert(c);
    }
  }
  CHECK_FALSE(conn.in_transaction());
  CHECK(names_in_db() == std::vector<std::string>{"a", "c"});
  try {
    auto tx = conn.begin().commit_on_exit();
    author d = make("d");
    conn.insert(d);
    throw boom();
  } catch (const boom&) {
  }
  CHECK(names_in_db() == std::vector<std::string>{"a", "c"});
  CHECK_FALSE(conn.in_transaction());
}

namespace {
struct counter {
  std::int64_t id = 0;
  std::string name{};
  std::int64_t value = 0;
};

/// The first column of the first row of `sql`, as text, on `c`.
std::string scalar_text(tabula::connection& c, const std::string& sql) {
  auto st = c.raw().prepare(sql);
  const bool row = st->step();  // a failure propagates to the caller
  REQUIRE(row);
  std::string out(st->get_text(0));
  st->reset();
  return out;
}
}  // namespace

TEST_CASE("transaction options: isolation level, read-only, statement timeout") {
  fresh_schema();
  const bool pg = db().backend() == "postgresql";
  using tabula::isolation_level;
  auto conn = db().connect();
  {
    auto tx = conn.begin({.isolation = isolation_level::serializable});
    if (pg) CHECK(scalar_text(conn, "SHOW transaction_isolation") == "serializable");
    author a = make("in serializable");
    conn.insert(a);
    tx.commit();
  }
  {
    auto tx = conn.begin({.isolation = isolation_level::repeatable_read});
    if (pg) CHECK(scalar_text(conn, "SHOW transaction_isolation") == "repeatable read");
    // Options are chosen at BEGIN: a savepoint takes none.
    CHECK_THROWS_AS(conn.begin({.read_only = true}), tabula::programming_error);
  }
  {
    auto tx = conn.begin({.read_only = true});
    CHECK(conn.all<author>().size() == 1);  // reads work
    author b = make("refused");
    CHECK_THROWS_AS(conn.insert(b), tabula::error);
  }
  // The next transaction writes again.
  {
    auto tx = conn.begin();
    author c = make("writes again");
    conn.insert(c);
    tx.commit();
  }
  CHECK(names_in_db() == std::vector<std::string>{"in serializable", "writes again"});
  // A read-only transaction the database ended by itself (SQLite rolls back on some errors):
  // the connection writes again all the same, in autocommit too.
  {
    auto tx = conn.begin({.read_only = true});
    conn.raw().execute("ROLLBACK");
  }
  {
    author d = make("after read-only");
    conn.insert(d);
    conn.remove(d);
  }

  if (pg) {
    auto tx = conn.begin({.statement_timeout = std::chrono::milliseconds(50)});
    try {
      (void)scalar_text(conn, "SELECT pg_sleep(2)::text");
      FAIL("the statement should have been cancelled");
    } catch (const tabula::operational_error& e) {
      CHECK(e.code() == "57014");
    }
    tx.rollback();
    // SET LOCAL ended with the transaction.
    CHECK(scalar_text(conn, "SHOW statement_timeout") == "0");
  } else {
    CHECK_THROWS_AS(conn.begin({.statement_timeout = std::chrono::milliseconds(50)}),
                    tabula::not_supported_error);
    CHECK_FALSE(conn.in_transaction());
    auto tx = conn.begin({.sqlite_begin = tabula::begin_mode::exclusive});
    CHECK(conn.in_transaction());
  }

  // The session takes them in begin().
  tabula::session s(db());
  {
    auto tx = s.begin({.isolation = isolation_level::serializable, .read_only = true});
    if (pg) CHECK(scalar_text(s.conn(), "SHOW transaction_read_only") == "on");
    CHECK(s.query<author>().all().size() == 2);
  }
}

TEST_CASE("retry re-runs a unit of work after a real serialization failure") {
  db().drop_all<counter>();
  db().create_all<counter>();
  counter a{.name = "a"};
  counter b{.name = "b"};
  db().insert(a);
  db().insert(b);
  const auto find = [](std::vector<counter>& rows, const std::string& name) -> counter& {
    return *std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.name == name; });
  };
  using tabula::isolation_level;

  if (db().backend() == "postgresql") {
    // Write skew: each transaction reads both rows and writes the one the other did not.
    int runs = 0;
    tabula::retry(
        [&] {
          ++runs;
          auto c1 = db().connect();
          auto tx = c1.begin({.isolation = isolation_level::serializable});
          auto rows = c1.all<counter>();
          const auto sum = rows[0].value + rows[1].value;
          if (runs == 1) {  // another serializable transaction commits in between
            auto c2 = db().connect();
            auto tx2 = c2.begin({.isolation = isolation_level::serializable});
            auto rows2 = c2.all<counter>();
            counter& other = find(rows2, "b");
            other.value = rows2[0].value + rows2[1].value + 1;
            c2.update_row(other);
            tx2.commit();
          }
          counter& mine = find(rows, "a");
          mine.value = sum + 1;
          c1.update_row(mine);
          tx.commit();
        },
        {.attempts = 3, .backoff = std::chrono::milliseconds(1)});
    CHECK(runs == 2);
    auto rows = db().all<counter>();
    CHECK(find(rows, "a").value == 2);  // the second run saw b's 1
    CHECK(find(rows, "b").value == 1);
  } else {
    // SQLite: a writer holds the lock past the busy timeout; the first run gets SQLITE_BUSY.
    using namespace std::chrono_literals;
    tabula::engine busy_db(tabula::test::database_url(), {.sqlite_busy_timeout = 20ms});
    std::optional<tabula::connection> holder(busy_db.connect());
    std::optional<tabula::transaction> held(holder->begin());
    int runs = 0;
    tabula::retry(
        [&] {
          if (++runs == 2) {
            held.reset();  // the other writer finishes
            holder.reset();
          }
          tabula::session s(busy_db);
          auto tx = s.begin();
          s.add(counter{.name = "c", .value = runs});
        },
        {.attempts = 3, .backoff = 1ms});
    CHECK(runs == 2);
    CHECK(db().all<counter>().size() == 3);
  }

  // Bounded: the last failure propagates.
  int runs = 0;
  CHECK_THROWS_AS(tabula::retry(
                      [&] {
                        ++runs;
                        throw tabula::transaction_error("serialization failure", "COMMIT", "40001");
                      },
                      {.attempts = 4, .backoff = std::chrono::milliseconds(1)}),
                  tabula::transaction_error);
  CHECK(runs == 4);
  // Never after a commit of unknown outcome, nor after other errors.
  runs = 0;
  CHECK_THROWS_AS(tabula::retry([&] {
                    ++runs;
                    throw tabula::commit_outcome_unknown("lost in COMMIT", "COMMIT", "08006");
                  }),
                  tabula::commit_outcome_unknown);
  CHECK(runs == 1);
  runs = 0;
  CHECK_THROWS_AS(tabula::retry([&] {
                    ++runs;
                    throw tabula::unique_violation("taken", "INSERT", "23505");
                  }),
                  tabula::unique_violation);
  CHECK(runs == 1);
  // The value of the work is returned.
  CHECK(tabula::retry([] { return 42; }) == 42);
}

TEST_CASE("refresh reads an object's row now, dropping changes not flushed") {
  fresh_schema();
  tabula::session s(db());
  author& a = s.add(make("a"));
  s.commit();
  author behind = *db().get<author>(a.id);
  behind.name = "changed behind";
  db().update_row(behind);

  a.age = 5;  // not flushed: dropped
  s.refresh(a);
  CHECK(a.name == "changed behind");
  CHECK_FALSE(a.age.has_value());
  s.commit();  // nothing to write
  CHECK(db().get<author>(a.id)->name == "changed behind");
  CHECK_FALSE(db().get<author>(a.id)->age.has_value());

  // Inside a transaction, a rollback returns to the state before it, refresh or not.
  {
    auto tx = s.begin();
    a.name = "in tx";
    s.flush();
    s.refresh(a);
    CHECK(a.name == "in tx");
    tx.rollback();
  }
  CHECK(a.name == "changed behind");

  author& pending = s.add(make("pending"));
  CHECK_THROWS_AS(s.refresh(pending), tabula::programming_error);
  s.expunge(pending);
  db().remove_by_key<author>(a.id);
  CHECK_THROWS_AS(s.refresh(a), tabula::stale_data_error);
}

TEST_CASE("expire: the next get or query reads the object again; a flush skips it") {
  fresh_schema();
  tabula::session s(db());
  author& a = s.add(make("a"));
  author& b = s.add(make("b"));
  s.commit();
  {
    author behind = *db().get<author>(a.id);
    behind.name = "a behind";
    db().update_row(behind);
  }
  s.expire(a);
  a.name = "local";  // dropped: the object is to be read again
  s.commit();
  CHECK(db().get<author>(a.id)->name == "a behind");
  CHECK(s.get<author>(a.id) == &a);
  CHECK(a.name == "a behind");

  {
    author behind = *db().get<author>(b.id);
    behind.name = "b behind";
    db().update_row(behind);
  }
  s.expire_all();
  const auto all = s.query<author>().order_by(&author::id).all();
  REQUIRE(all.size() == 2);
  CHECK(all[1] == &b);
  CHECK(b.name == "b behind");
  // Read again, the object is tracked as before: a change is written.
  b.name = "b again";
  s.commit();
  CHECK(db().get<author>(b.id)->name == "b again");

  // An expired object whose row went away leaves the session at the next get.
  s.expire(a);
  db().remove_by_key<author>(a.id);
  CHECK(s.get<author>(a.id) == nullptr);
  CHECK_FALSE(s.contains(a));
  author& pending = s.add(make("p"));
  CHECK_THROWS_AS(s.expire(pending), tabula::programming_error);
}

TEST_CASE("merge copies a detached object onto the session's object with its key") {
  fresh_schema();
  author stored = make("stored");
  db().insert(stored);

  tabula::session s(db());
  // Not in the session yet: loaded, then changed.
  author incoming = stored;
  incoming.name = "merged";
  author& m = s.merge(incoming);
  CHECK(&m != &incoming);
  CHECK(s.contains(m));
  CHECK(m.name == "merged");
  CHECK(s.get<author>(stored.id) == &m);
  s.commit();
  CHECK(db().get<author>(stored.id)->name == "merged");

  // In the session already: the same object.
  incoming.age = 40;
  CHECK(&s.merge(incoming) == &m);
  CHECK(m.age == 40);
  s.commit();
  CHECK(db().get<author>(stored.id)->age == 40);

  // No row: added as new.
  author& fresh = s.merge(make("new one"));
  CHECK(fresh.id == 0);
  s.commit();
  CHECK(fresh.id != 0);
  author with_key = make("given key");
  with_key.id = 999;
  s.merge(with_key);
  s.commit();
  CHECK(db().get<author>(999)->name == "given key");

  // Marked for deletion: refused.
  s.remove(m);
  CHECK_THROWS_AS(s.merge(incoming), tabula::programming_error);
}
