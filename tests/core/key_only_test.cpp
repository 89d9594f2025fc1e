// A model whose only field is its generated key: each row is INSERT ... DEFAULT VALUES, through
// insert, insert_many (one statement per row), a typed INSERT and a session's flush.

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

namespace {

struct ticket {
  std::int64_t id = 0;
};

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

void fresh_schema() {
  db().drop_all<ticket>();
  db().create_all<ticket>();
}

/// The statements the engine prepares while alive.
struct sql_log {
  std::vector<std::string> statements;
  sql_log() {
    db().set_echo([this](std::string_view sql) { statements.emplace_back(sql); });
  }
  sql_log(const sql_log&) = delete;
  sql_log& operator=(const sql_log&) = delete;
  ~sql_log() { db().set_echo({}); }
};

std::set<std::int64_t> stored_keys() {
  std::set<std::int64_t> keys;
  for (const ticket& t : db().query<ticket>().all()) keys.insert(t.id);
  return keys;
}

}  // namespace

TEST_CASE("insert of a key-only model: DEFAULT VALUES, the generated key written back") {
  fresh_schema();
  ticket a;
  ticket b;
  {
    sql_log log;
    db().insert(a);
    db().insert(b);
    const std::string expected = tabula::test::backend() == "sqlite"
                                     ? R"(INSERT INTO "ticket" DEFAULT VALUES)"
                                     : R"(INSERT INTO "ticket" DEFAULT VALUES RETURNING "id")";
    CHECK(log.statements == std::vector<std::string>{expected, expected});
  }
  CHECK(a.id > 0);
  CHECK(b.id > a.id);
  ticket given{100};  // a key given is inserted as given
  db().insert(given);
  CHECK(given.id == 100);
  CHECK(stored_keys() == std::set<std::int64_t>{a.id, b.id, 100});
}

TEST_CASE("insert_many of key-only rows: one statement a row, keys written back") {
  fresh_schema();
  std::vector<ticket> rows(5);
  db().insert_many(rows);
  std::set<std::int64_t> keys;
  for (const ticket& t : rows) keys.insert(t.id);
  CHECK(keys.size() == 5);
  CHECK(keys.count(0) == 0);
  CHECK(stored_keys() == keys);

  // Keys not read back, and rows mixing given and generated keys.
  const std::vector<ticket> unread(3);
  db().insert_many(unread, tabula::skip_keys);
  std::vector<ticket> mixed{{0}, {1000}, {0}};
  db().insert_many(mixed);
  CHECK(mixed[1].id == 1000);
  CHECK(mixed[0].id != 0);
  CHECK(mixed[2].id != 0);
  CHECK(db().query<ticket>().count() == 11);
}

TEST_CASE("a typed INSERT of a key-only model") {
  fresh_schema();
  CHECK(db().insert_into<ticket>().values(ticket{}).execute() == 1);
  CHECK(db().insert_into<ticket>().values(std::vector<ticket>(3)).execute() == 3);
  const auto [key] = db().insert_into<ticket>().values(ticket{}).returning(&ticket::id).one();
  CHECK(key > 0);
  CHECK(db().query<ticket>().count() == 5);
  CHECK(stored_keys().size() == 5);
  CHECK(stored_keys().count(key) == 1);
}

TEST_CASE("a session flushes key-only objects") {
  fresh_schema();
  auto s = db().session();
  ticket& one = s.add(ticket{});
  s.commit();  // a batch of one
  CHECK(one.id > 0);
  ticket& two = s.add(ticket{});
  ticket& three = s.add(ticket{});
  s.commit();  // a batch of two
  CHECK(two.id > 0);
  CHECK(three.id > 0);
  CHECK(two.id != three.id);
  CHECK(stored_keys() == std::set<std::int64_t>{one.id, two.id, three.id});
  s.remove(two);
  s.commit();
  CHECK(stored_keys() == std::set<std::int64_t>{one.id, three.id});
}
