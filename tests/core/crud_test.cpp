// The core data API on a real database: insert, get, all, update, remove, typed where.

#include <catch2/catch.hpp>

#include <boost/hana/adapt_struct.hpp>
#include <boost/hana/define_struct.hpp>
#include <algorithm>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "core/models.hpp"
#include "support/test_backend.hpp"

using tabula::col;
using namespace fx;

namespace hana_models {
/// A class with a constructor and private fields, declared through Boost.Hana.
class account {
 public:
  account() = default;
  account(std::string holder, double amount) : owner(std::move(holder)), balance(amount) {}
  [[nodiscard]] std::int64_t key() const { return id; }
  [[nodiscard]] const std::string& holder() const { return owner; }
  [[nodiscard]] std::optional<double> amount() const { return balance; }
  bool operator==(const account&) const = default;

 private:
  BOOST_HANA_DEFINE_STRUCT(account, (std::int64_t, id), (std::string, owner),
                           (std::optional<double>, balance));
  template <class, class>
  friend struct boost::hana::accessors_impl;
};

/// An aggregate adapted with its fields in another order than declared: the adaptation's
/// order is the column order, and rows are read by it.
struct sensor {
  std::string name;
  std::int32_t reading = 0;
  std::int64_t id = 0;
  bool operator==(const sensor&) const = default;
};
}  // namespace hana_models

BOOST_HANA_ADAPT_STRUCT(hana_models::sensor, id, reading, name);

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

void fresh_schema() {
  db().drop_all<all_types, author, book, membership>();
  db().create_all<all_types, author, book, membership>();
}

tabula::blob bytes_of(std::initializer_list<int> v) {
  tabula::blob b;
  for (int x : v) b.push_back(static_cast<std::byte>(x));
  return b;
}

all_types extreme_values() {
  all_types v;
  v.b = true;
  v.i8 = std::numeric_limits<std::int8_t>::min();
  v.i16 = std::numeric_limits<std::int16_t>::max();
  v.i32 = std::numeric_limits<std::int32_t>::min();
  v.i64 = std::numeric_limits<std::int64_t>::max();
  v.u8 = std::numeric_limits<std::uint8_t>::max();
  v.u16 = std::numeric_limits<std::uint16_t>::max();
  v.u32 = std::numeric_limits<std::uint32_t>::max();
  v.u64 = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  v.f = 1.5F;
  v.d = -2.25e300;
  v.s = "h\xC3\xA9llo 'quoted' \"double\" ; -- \\";
  v.bytes = bytes_of({0, 1, 2, 255, 0, 39});
  v.c = color::blue;
  v.ob = false;
  v.oi = -7;
  v.ou = 42;
  v.od = 0.125;
  v.os = "";
  v.obytes = tabula::blob{};
  v.oc = color::green;
  return v;
}

}  // namespace

TEST_CASE("every supported type round-trips through insert and get") {
  fresh_schema();
  all_types v = extreme_values();
  db().insert(v);
  REQUIRE(v.id > 0);
  auto back = db().get<all_types>(v.id);
  REQUIRE(back.has_value());
  CHECK(*back == v);

  all_types nulls;  // every optional empty
  db().insert(nulls);
  auto back_nulls = db().get<all_types>(nulls.id);
  REQUIRE(back_nulls);
  CHECK(*back_nulls == nulls);
  CHECK_FALSE(back_nulls->os.has_value());
  CHECK(nulls.id != v.id);
}

TEST_CASE("a uint64 above INT64_MAX is a conversion_error, never a wrap") {
  fresh_schema();
  all_types v;
  v.u64 = std::numeric_limits<std::uint64_t>::max();
  CHECK_THROWS_AS(db().insert(v), tabula::conversion_error);
  CHECK(db().all<all_types>().empty());
  v.u64 = 1;
  db().insert(v);  // the engine is still usable
  CHECK(db().all<all_types>().size() == 1);
}

TEST_CASE("get, all, update and remove by primary key") {
  fresh_schema();
  author a{.name = "Ursula", .email = "ursula@example.org", .age = 88};
  author b{.name = "Octavia", .email = "octavia@example.org"};
  db().insert(a);
  db().insert(b);
  CHECK(b.id != a.id);

  CHECK_FALSE(db().get<author>(a.id + b.id + 1000).has_value());
  CHECK(db().all<author>().size() == 2);

  a.age = 89;
  a.name = "Ursula K.";
  CHECK(db().update_row(a));
  CHECK(db().get<author>(a.id) == a);
  author ghost{.id = 999999, .name = "x", .email = "x@x"};
  CHECK_FALSE(db().update_row(ghost));
  const author fixed{.id = a.id, .name = "Ursula K. Le Guin", .email = a.email, .age = 89};
  CHECK(db().update_row(fixed));  // a const object: written, nothing read back
  CHECK(db().get<author>(a.id)->name == "Ursula K. Le Guin");

  CHECK(db().remove(b));
  CHECK_FALSE(db().get<author>(b.id).has_value());
  CHECK_FALSE(db().remove(b));
  CHECK(db().remove_by_key<author>(a.id));
  CHECK(db().all<author>().empty());
}

TEST_CASE("an explicit value for a generated key is inserted as given") {
  fresh_schema();
  author a{.id = 500, .name = "Explicit", .email = "e@example.org"};
  db().insert(a);
  CHECK(a.id == 500);
  REQUIRE(db().get<author>(500));
  CHECK(db().get<author>(500)->name == "Explicit");
}

TEST_CASE("composite primary keys") {
  fresh_schema();
  membership m1{.group_id = 1, .user_name = "ann", .level = 3};
  membership m2{.group_id = 1, .user_name = "bob", .level = 1};
  membership m3{.group_id = 2, .user_name = "ann", .level = 2};
  db().insert(m1);
  db().insert(m2);
  db().insert(m3);
  CHECK(db().get<membership>(std::int64_t{1}, std::string("bob")) == m2);
  CHECK(db().get<membership>(2, "ann") == m3);
  CHECK_FALSE(db().get<membership>(2, "bob").has_value());
  m3.level = 9;
  CHECK(db().update_row(m3));
  CHECK(db().get<membership>(2, "ann")->level == 9);
  CHECK(db().get<membership>(1, "ann")->level == 3);
  CHECK_THROWS_AS(db().get<membership>(1), tabula::programming_error);
  CHECK(db().remove_by_key<membership>(1, "ann"));
  CHECK(db().all<membership>().size() == 2);
}

TEST_CASE("typed where: comparisons, logic and NULL tests") {
  fresh_schema();
  std::vector<author> people = {
      {.name = "a", .email = "a@x", .age = 10}, {.name = "b", .email = "b@x", .age = 20},
      {.name = "c", .email = "c@x", .age = 30}, {.name = "d", .email = "d@x"}};
  for (auto& p : people) db().insert(p);

  auto names = [](const std::vector<author>& rows) {
    std::string out;
    for (const auto& r : rows) out += r.name;
    return out;
  };
  auto q = [&] { return db().query<author>().order_by(tabula::asc(&author::name)); };
  CHECK(names(q().where(col(&author::age) == 20).all()) == "b");
  CHECK(names(q().where(col(&author::age) != 20).all()) == "ac");  // NULL is not != 20
  CHECK(names(q().where(col(&author::age) < 20).all()) == "a");
  CHECK(names(q().where(col(&author::age) <= 20).all()) == "ab");
  CHECK(names(q().where(col(&author::age) > 20).all()) == "c");
  CHECK(names(q().where(col(&author::age) >= 20).all()) == "bc");
  CHECK(names(q().where(col(&author::age) < 15 || col(&author::age) > 25).all()) == "ac");
  CHECK(names(q().where(col(&author::age) > 5 && col(&author::name) != "b").all()) == "ac");
  CHECK(names(q().where(!(col(&author::age) > 15)).all()) == "a");
  CHECK(names(q().where(tabula::is_null(col(&author::age))).all()) == "d");
  CHECK(names(q().where(col(&author::age) == std::nullopt).all()) == "d");
  CHECK(names(q().where(tabula::is_not_null(col(&author::age))).all()) == "abc");
  CHECK(names(q().where(col(&author::name) == std::string("c")).all()) == "c");
  // Two where() calls combine with AND.
  CHECK(names(q().where(col(&author::age) > 5).where(col(&author::age) < 25).all()) == "ab");
}

TEST_CASE("order_by, limit, offset and the terminal operations") {
  fresh_schema();
  for (int i = 1; i <= 5; ++i) {
    author a{.name = "n" + std::to_string(i), .email = std::to_string(i) + "@x", .age = i * 10};
    db().insert(a);
  }
  auto by_age_desc = db().query<author>().order_by(tabula::desc(&author::age));
  auto top2 = by_age_desc.limit(2).all();
  REQUIRE(top2.size() == 2);
  CHECK(top2[0].age == 50);
  CHECK(top2[1].age == 40);
  auto page = by_age_desc.limit(2).offset(2).all();
  REQUIRE(page.size() == 2);
  CHECK(page[0].age == 30);
  CHECK(by_age_desc.first()->age == 50);
  CHECK_FALSE(db().query<author>().where(col(&author::age) > 100).first().has_value());
  CHECK(db().query<author>().where(col(&author::age) == 30).one().name == "n3");
  CHECK_THROWS_AS(db().query<author>().where(col(&author::age) > 100).one(),
                  tabula::no_result_error);
  CHECK_THROWS_AS(db().query<author>().one(), tabula::multiple_results_error);
  CHECK_FALSE(db().query<author>().where(col(&author::age) > 100).one_or_none().has_value());
}

TEST_CASE("values are bound, never spliced into SQL") {
  fresh_schema();
  std::vector<std::string> seen;
  db().set_echo([&](std::string_view sql) { seen.emplace_back(sql); });
  const std::string evil = "x'); DROP TABLE authors; --";
  author a{.name = "evil", .email = evil};
  db().insert(a);
  auto found = db().query<author>().where(col(&author::email) == evil).all();
  db().set_echo({});
  REQUIRE(found.size() == 1);
  CHECK(found[0].email == evil);
  REQUIRE_FALSE(seen.empty());
  for (const auto& sql : seen) CHECK(sql.find("DROP") == std::string::npos);
  CHECK(db().all<author>().size() == 1);  // the table survived
}

TEST_CASE("explicit transactions and savepoints") {
  fresh_schema();
  auto conn = db().connect();
  {
    auto tx = conn.begin();
    author a{.name = "temp", .email = "t@x"};
    conn.insert(a);
    CHECK(conn.all<author>().size() == 1);
    tx.rollback();
  }
  CHECK(conn.all<author>().empty());
  {
    auto tx = conn.begin();
    author a{.name = "kept", .email = "k@x"};
    conn.insert(a);
    {
      auto sp = conn.begin();  // nested: a savepoint
      author b{.name = "dropped", .email = "d@x"};
      conn.insert(b);
    }  // destroyed without commit: rolled back to the savepoint
    tx.commit();
  }
  auto rows = conn.all<author>();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].name == "kept");
  CHECK_FALSE(conn.in_transaction());
}

TEST_CASE("insert_many writes every element and fills generated keys") {
  fresh_schema();
  std::vector<author> people;
  for (int i = 0; i < 50; ++i) {
    people.push_back({.name = "p" + std::to_string(i), .email = std::to_string(i) + "@x"});
  }
  db().insert_many(people);
  CHECK(db().all<author>().size() == 50);
  for (const auto& p : people) {
    REQUIRE(p.id > 0);
    CHECK(db().get<author>(p.id)->name == p.name);
  }
}

TEST_CASE("insert_many and remove_many of wide rows stay under the driver's parameter limit") {
  // 3000 rows of 19 columns: far more values than one statement may carry (on PostgreSQL,
  // libpq describes at most 7499 parameters), so the rows are cut into several statements.
  fresh_schema();
  std::vector<all_types> rows(3000);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].i64 = static_cast<std::int64_t>(i);
    rows[i].s = "row " + std::to_string(i);
  }
  db().insert_many(rows);
  CHECK(db().query<all_types>().count() == 3000);
  std::vector<std::int64_t> keys;
  for (const auto& r : rows) keys.push_back(r.id);
  std::sort(keys.begin(), keys.end());
  CHECK(std::adjacent_find(keys.begin(), keys.end()) == keys.end());  // every key its own
  const auto back = db().get<all_types>(rows[2999].id);
  REQUIRE(back);
  CHECK(back->s == "row 2999");
  CHECK(db().remove_many(rows) == 3000);
  CHECK(db().query<all_types>().count() == 0);
  // The connections are still in step with the server.
  CHECK(db().sql<std::int64_t>("SELECT 1").one() == 1);
}

TEST_CASE("remove_many deletes the elements' rows by key, in one transaction") {
  fresh_schema();
  std::vector<author> people;
  for (int i = 0; i < 1203; ++i) {
    people.push_back({.name = "r" + std::to_string(i), .email = std::to_string(i) + "@r"});
  }
  db().insert_many(people);
  std::vector<author> gone(people.begin(), people.begin() + 1100);
  gone.push_back(author{.id = people.back().id + 1000});  // no such row: not counted

  std::vector<std::string> statements;
  db().set_echo([&](std::string_view sql) { statements.emplace_back(sql); });
  CHECK(db().remove_many(gone) == 1100);
  db().set_echo({});
  // PostgreSQL: 1000 keys a statement, so two; an SQLite file: one reused single-row DELETE.
  CHECK(statements.size() == (tabula::test::backend() == "postgresql" ? 2U : 1U));
  CHECK(statements.front().find("DELETE") == 0);
  const auto left = db().query<author>().order_by(col(&author::id)).all();
  REQUIRE(left.size() == 103);
  CHECK(left.front() == people[1100]);
  CHECK(db().remove_many(std::vector<author>{}) == 0);

  // A composite key: one single-row DELETE per element on both databases.
  std::vector<membership> ms{{.group_id = 1, .user_name = "a", .level = 1},
                             {.group_id = 1, .user_name = "b", .level = 2},
                             {.group_id = 2, .user_name = "a", .level = 3}};
  db().insert_many(ms);
  CHECK(db().remove_many(std::span(ms).first(2)) == 2);
  CHECK(db().all<membership>() == std::vector<membership>{ms[2]});
}

// A storage choice of SQLite's.
TEST_CASE("insert_many on an in-memory SQLite database: multi-row statements, all rows",
          "[sqlite]") {
  tabula::engine memory("sqlite://:memory:");
  memory.create_all<author>();
  std::vector<author> people;
  for (int i = 0; i < 2500; ++i) {
    people.push_back({.name = "m" + std::to_string(i), .email = std::to_string(i) + "@m"});
  }
  std::vector<std::string> statements;
  memory.set_echo([&](std::string_view sql) { statements.emplace_back(sql); });
  memory.insert_many(people, tabula::skip_keys);  // keys not read back
  memory.set_echo({});
  // 1000 rows a statement: two full ones and a last of 500.
  REQUIRE(statements.size() == 3);
  CHECK(statements[0].find("), (") != std::string::npos);
  const auto stored = memory.query<author>().order_by(col(&author::id)).all();
  REQUIRE(stored.size() == people.size());
  for (std::size_t i = 0; i < stored.size(); ++i) CHECK(stored[i].email == people[i].email);
  // Keys read back: the single-row statement with sqlite3_last_insert_rowid, as on a file.
  std::vector<author> more{{.name = "k1", .email = "k1@m"}, {.name = "k2", .email = "k2@m"}};
  memory.insert_many(more);
  CHECK(more[1].id == more[0].id + 1);
  CHECK(memory.get<author>(more[1].id)->email == "k2@m");
}

TEST_CASE("count, exists, scalar and streaming") {
  fresh_schema();
  for (int i = 1; i <= 7; ++i) {
    author a{.name = "s" + std::to_string(i), .email = std::to_string(i) + "@s", .age = i};
    db().insert(a);
  }
  auto older = db().query<author>().where(col(&author::age) > 3);
  CHECK(older.count() == 4);
  CHECK(older.exists());
  CHECK_FALSE(db().query<author>().where(col(&author::age) > 30).exists());
  CHECK(db().query<author>().where(col(&author::age) > 30).count() == 0);

  int seen = 0;
  std::int64_t age_sum = 0;
  for (const author& a : older.order_by(tabula::asc(&author::age)).stream()) {
    ++seen;
    age_sum += *a.age;
  }
  CHECK(seen == 4);
  CHECK(age_sum == 4 + 5 + 6 + 7);

  // A statement built unbound runs through a connection or the engine.
  auto unbound = tabula::select_from<author>().where(col(&author::age) <= 2);
  CHECK(db().all(unbound).size() == 2);
  CHECK(db().connect().all(unbound).size() == 2);
}

TEST_CASE("statements of one type that name different columns run their own SQL") {
  fresh_schema();
  author a{.name = "same", .email = "other@x"};
  author b{.name = "other", .email = "same"};
  db().insert(a);
  db().insert(b);
  // Both conditions have the same C++ type: column<author, std::string> == const char*.
  auto by_name = db().query<author>().where(col(&author::name) == "same").one();
  auto by_email = db().query<author>().where(col(&author::email) == "same").one();
  CHECK(by_name.id == a.id);
  CHECK(by_email.id == b.id);
  auto ordered = db().query<author>().order_by(tabula::asc(&author::email)).all();
  auto ordered_by_name = db().query<author>().order_by(tabula::asc(&author::name)).all();
  REQUIRE(ordered.size() == 2);
  CHECK(ordered[0].id == a.id);          // "other@x" < "same"
  CHECK(ordered_by_name[0].id == b.id);  // "other" < "same"
}

TEST_CASE("Hana-adapted models: a class with private fields, an aggregate in its own order") {
  using hana_models::account;
  using hana_models::sensor;
  db().drop_all<account, sensor>();
  db().create_all<account, sensor>();

  account a("Ann", 12.5);
  db().insert(a);
  REQUIRE(a.key() > 0);
  const auto got = db().get<account>(a.key());
  REQUIRE(got.has_value());
  CHECK(*got == a);
  CHECK(got->holder() == "Ann");
  CHECK(got->amount() == 12.5);

  sensor s1{.name = "north", .reading = -4};
  sensor s2{.name = "south", .reading = 9};
  db().insert(s1);
  db().insert(s2);
  CHECK(tabula::reflect::field_names<sensor>[0] == "id");  // the adaptation's order
  const std::vector<sensor> all = db().query<sensor>().order_by(col(&sensor::id)).all();
  REQUIRE(all.size() == 2);
  CHECK(all[0] == s1);
  CHECK(all[1] == s2);
  CHECK(db().query<sensor>().where(col(&sensor::reading) > 0).first() == s2);
  // By column name, from hand-written SQL whose columns come in yet another order.
  const auto by_name = db().sql<sensor>("SELECT name, id, reading FROM sensor ORDER BY id").all();
  REQUIRE(by_name.size() == 2);
  CHECK(by_name[1] == s2);
  db().drop_all<account, sensor>();
}

TEST_CASE("engine_options::on_connect runs on every connection the pool opens") {
  int opened = 0;
  // A temporary table exists per connection on both databases: each connection gets its own.
  tabula::engine e(tabula::test::database_url(),
                   {.on_connect = [&opened](tabula::driver::connection& c) {
                     ++opened;
                     c.execute("CREATE TEMPORARY TABLE connection_mark (n INTEGER)");
                   }});
  CHECK(opened == 1);  // the engine's first connection
  {
    auto c1 = e.connect();
    auto c2 = e.connect();  // the first is in use: a new one is opened
    CHECK(opened == 2);
    for (auto* c : {&c1, &c2}) {
      c->execute("INSERT INTO connection_mark (n) VALUES (1)");
      CHECK(c->sql<std::int64_t>("SELECT count(*) FROM connection_mark").one() == 1);
    }
  }
  auto again = e.connect();  // from the pool: not opened again
  CHECK(opened == 2);
  CHECK(again.sql<std::int64_t>("SELECT count(*) FROM connection_mark").one() == 1);

  // A hook that throws: the engine is not made, and the error is the hook's.
  CHECK_THROWS_AS(tabula::engine(tabula::test::database_url(),
                                 {.on_connect = [](tabula::driver::connection& c) {
                                   c.execute("SELECT * FROM no_such_table_anywhere");
                                 }}),
                  tabula::programming_error);
}
