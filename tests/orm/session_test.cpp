// The unit-of-work session: identity map, change tracking, flush order, commit, rollback,
// and recovery from a failed flush.

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/models.hpp"
#include "support/test_backend.hpp"

using tabula::col;
using namespace fx;

namespace {
/// A user type with a mapping and no operator==.
struct cents {
  std::int64_t value = 0;
};
struct invoice {
  std::int64_t id = 0;
  cents total{};
};

// Pilots and planes refer to each other through nullable foreign keys: a cycle the session
// breaks. Hens and eggs refer to each other through NOT NULL ones: a cycle it refuses.
struct pilot {
  std::int64_t id = 0;
  std::string name{};
  std::optional<std::int64_t> plane_id{};
};
struct plane {
  std::int64_t id = 0;
  std::optional<std::int64_t> pilot_id{};
};
struct hen {
  std::int64_t id = 0;
  std::int64_t egg_id = 0;
};
struct egg {
  std::int64_t id = 0;
  std::int64_t hen_id = 0;
};

// A chain: street -> city -> country.
struct country {
  std::int64_t id = 0;
};
struct city {
  std::int64_t id = 0;
  std::int64_t country_id = 0;
};
struct street {
  std::int64_t id = 0;
  std::int64_t city_id = 0;
};
}  // namespace

template <>
struct tabula::type_traits<cents> : tabula::mapped_as<std::int64_t, cents> {
  static std::int64_t to_db(const cents& c) { return c.value; }
  static cents from_db(std::int64_t v) { return cents{v}; }
};

template <>
struct tabula::schema<pilot> {
  static constexpr auto table = "pilots";
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&pilot::plane_id, &plane::id));
};
template <>
struct tabula::schema<plane> {
  static constexpr auto table = "planes";
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&plane::pilot_id, &pilot::id));
};
template <>
struct tabula::schema<hen> {
  static constexpr auto table = "hens";
  static constexpr auto options = tabula::options(tabula::foreign_key(&hen::egg_id, &egg::id));
};
template <>
struct tabula::schema<egg> {
  static constexpr auto table = "eggs";
  static constexpr auto options = tabula::options(tabula::foreign_key(&egg::hen_id, &hen::id));
};
template <>
struct tabula::schema<city> {
  static constexpr auto table = "cities";
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&city::country_id, &country::id));
};
template <>
struct tabula::schema<street> {
  static constexpr auto table = "streets";
  static constexpr auto options = tabula::options(tabula::foreign_key(&street::city_id, &city::id));
};

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

void fresh_schema() {
  db().drop_all<author, book>();
  db().create_all<author, book>();
}

/// Records the SQL the engine runs while alive.
struct sql_log {
  std::vector<std::string> statements;
  sql_log() {
    db().set_echo([this](std::string_view sql) { statements.emplace_back(sql); });
  }
  ~sql_log() { db().set_echo({}); }
  [[nodiscard]] std::size_t count(std::string_view prefix) const {
    return static_cast<std::size_t>(std::count_if(
        statements.begin(), statements.end(),
        [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }));
  }
  /// Each INSERT, UPDATE and DELETE as its verb and table, in order: `INSERT "pilots"`.
  [[nodiscard]] std::vector<std::string> writes() const {
    std::vector<std::string> out;
    for (const auto& s : statements) {
      const std::string verb = s.substr(0, s.find(' '));
      if (verb != "INSERT" && verb != "UPDATE" && verb != "DELETE") continue;
      const auto open = s.find('"');
      out.push_back(verb + " " + s.substr(open, s.find('"', open + 1) - open + 1));
    }
    return out;
  }
  [[nodiscard]] std::vector<std::string> starting_with(std::string_view prefix) const {
    std::vector<std::string> out;
    for (const auto& s : statements) {
      if (s.rfind(prefix, 0) == 0) out.push_back(s);
    }
    return out;
  }
};

/// Empty tables for pilots and planes. create_all refuses their cycle, so they are made here:
/// SQLite accepts a reference to a table created later, PostgreSQL needs ALTER TABLE.
void fresh_cycle_tables() {
  static bool created = false;
  if (!created) {
    const bool pg = tabula::test::backend() == "postgresql";
    db().execute(std::string("CREATE TABLE pilots (id BIGINT PRIMARY KEY, name TEXT NOT NULL, "
                             "plane_id BIGINT") +
                 (pg ? ")" : " REFERENCES planes (id))"));
    db().execute(
        "CREATE TABLE planes (id BIGINT PRIMARY KEY, pilot_id BIGINT REFERENCES pilots (id))");
    if (pg) db().execute("ALTER TABLE pilots ADD FOREIGN KEY (plane_id) REFERENCES planes (id)");
    created = true;
  }
  db().execute("UPDATE pilots SET plane_id = NULL");
  db().execute("DELETE FROM planes");
  db().execute("DELETE FROM pilots");
}

std::vector<std::string> strings(std::initializer_list<const char*> list) {
  return {list.begin(), list.end()};
}

}  // namespace

TEST_CASE("add and commit insert rows and fill generated keys") {
  fresh_schema();
  auto s = db().session();
  author& a = s.add(author{.name = "Ann", .email = "ann@x"});
  author& b = s.add(author{.name = "Bob", .email = "bob@x"});
  CHECK(a.id == 0);
  s.commit();
  CHECK(a.id > 0);
  CHECK(b.id > 0);
  CHECK(a.id != b.id);
  CHECK(db().get<author>(a.id) == a);
  CHECK(db().get<author>(b.id) == b);
}

TEST_CASE("flush inserts the new objects of one model as one batch, keys in the order added") {
  fresh_schema();
  auto s = db().session();
  std::vector<author*> added;
  for (int i = 0; i < 30; ++i) {
    added.push_back(&s.add(author{.name = "A" + std::to_string(i),
                                  .email = std::to_string(i) + "@x",
                                  .age = i % 3 == 0 ? std::optional<std::int32_t>() : i}));
  }
  // Two models interleaved: each forms one batch, the referenced table's first.
  author& parent = s.add(author{.id = 500, .name = "Parent", .email = "p@x"});
  s.add(book{.author_id = 500, .title = "One", .pages = 1});
  s.add(book{.author_id = 500, .title = "Two", .pages = 2});

  sql_log log;
  s.commit();
  const auto inserts = log.starting_with("INSERT");
  // The 30 authors with generated keys, the author with a given key, the two books.
  REQUIRE(inserts.size() == 3);
  CHECK(inserts[0].find("\"authors\"") != std::string::npos);
  CHECK(inserts[1].find("\"authors\"") != std::string::npos);
  CHECK(inserts[2].find("\"books\"") != std::string::npos);

  for (std::size_t i = 0; i < added.size(); ++i) {
    if (i > 0) CHECK(added[i]->id > added[i - 1]->id);
    CHECK(db().get<author>(added[i]->id) == *added[i]);
    CHECK(s.get<author>(added[i]->id) == added[i]);  // in the identity map under its new key
  }
  CHECK(parent.id == 500);
  CHECK(db().query<book>().where(col(&book::author_id) == 500).count() == 2);

  // Changed after the batch, they are tracked like any other object.
  added[3]->name = "changed";
  s.commit();
  CHECK(db().get<author>(added[3]->id)->name == "changed");
}

TEST_CASE("flush deletes the removed objects of one model as one batch, children first") {
  fresh_schema();
  auto s = db().session();
  std::vector<author*> people;
  for (int i = 0; i < 20; ++i) {
    people.push_back(&s.add(author{.name = "D" + std::to_string(i), .email = std::to_string(i) + "@d"}));
  }
  s.commit();
  book& b1 = s.add(book{.author_id = people[0]->id, .title = "One", .pages = 1});
  book& b2 = s.add(book{.author_id = people[0]->id, .title = "Two", .pages = 2});
  s.commit();

  // Removed in mixed order: the books (which refer to an author) must go first.
  for (int i = 0; i < 15; ++i) s.remove(*people[static_cast<std::size_t>(i)]);
  s.remove(b1);
  s.remove(b2);
  sql_log log;
  s.commit();
  const auto deletes = log.starting_with("DELETE");
  REQUIRE(!deletes.empty());
  CHECK(deletes.front().find("\"books\"") != std::string::npos);
  // PostgreSQL: one statement per table; an SQLite file: one reused single-row statement each.
  CHECK(deletes.size() == 2);
  CHECK(db().all<author>().size() == 5);
  CHECK(db().all<book>().empty());
  for (int i = 0; i < 15; ++i) CHECK_FALSE(s.contains(*people[static_cast<std::size_t>(i)]));
  CHECK(s.get<author>(people[15]->id) == people[15]);

  // A failed batch is undone: a removed object is still removed, and deleted by the next commit.
  s.remove(*people[15]);
  s.remove(*people[16]);
  author& dup = s.add(author{.name = "Dup", .email = "19@d"});  // the unique e-mail of people[19]
  CHECK_THROWS_AS(s.commit(), tabula::unique_violation);
  CHECK(db().all<author>().size() == 5);
  s.expunge(dup);
  s.commit();
  CHECK(db().all<author>().size() == 3);
}

TEST_CASE("get goes through the identity map") {
  fresh_schema();
  author stored{.name = "Ann", .email = "ann@x"};
  db().insert(stored);
  auto s = db().session();
  author* first = s.get<author>(stored.id);
  REQUIRE(first != nullptr);
  author* second = s.get<author>(stored.id);
  CHECK(first == second);
  CHECK(*first == stored);
  CHECK(s.get<author>(stored.id + 1000) == nullptr);

  author& added = s.add(author{.name = "Cy", .email = "cy@x"});
  s.commit();
  CHECK(s.get<author>(added.id) == &added);
  // A key given as another integer type finds the same object.
  CHECK(s.get<author>(static_cast<std::int32_t>(added.id)) == &added);
}

TEST_CASE("a moved session keeps its objects, identity map, transaction and listeners") {
  fresh_schema();
  std::optional<tabula::session> kept;
  int commits = 0;
  author* ann = nullptr;
  {
    auto s = db().session();
    s.on(tabula::session_event::after_commit, [&](tabula::session&) { ++commits; });
    ann = &s.add(author{.name = "Ann", .email = "ann@x"});
    s.flush();  // the transaction is open, the row written
    REQUIRE(s.in_transaction());
    kept.emplace(std::move(s));
  }  // the moved-from session is destroyed: it holds nothing, so it rolls nothing back
  tabula::session& s = *kept;
  CHECK(s.in_transaction());
  CHECK(s.contains(*ann));
  CHECK(s.get<author>(ann->id) == ann);
  ann->email = "ann@y";
  s.commit();
  CHECK(commits == 1);
  CHECK(db().get<author>(ann->id)->email == "ann@y");
}

TEST_CASE("commit updates only the changed objects and columns") {
  fresh_schema();
  auto s = db().session();
  author& a = s.add(author{.name = "Ann", .email = "ann@x", .age = 30});
  author& b = s.add(author{.name = "Bob", .email = "bob@x"});
  s.commit();

  sql_log log;
  a.age = 31;
  s.commit();
  auto updates = log.starting_with("UPDATE");
  REQUIRE(updates.size() == 1);
  CHECK(updates[0].find("\"age\"") != std::string::npos);
  CHECK(updates[0].find("\"name\"") == std::string::npos);
  CHECK(updates[0].find("\"email\"") == std::string::npos);
  CHECK(db().get<author>(a.id)->age == 31);
  CHECK(db().get<author>(b.id) == b);

  s.commit();  // nothing changed: nothing written
  CHECK(log.count("UPDATE") == 1);
  CHECK(log.count("INSERT") == 0);
}

TEST_CASE("rollback returns objects to their committed state") {
  fresh_schema();
  auto s = db().session();
  author& a = s.add(author{.name = "Ann", .email = "ann@x", .age = 30});
  s.commit();
  const auto id = a.id;

  a.age = 99;
  author& c = s.add(author{.name = "Cy", .email = "cy@x"});
  s.flush();
  CHECK(c.id > 0);
  CHECK(db().session().get<author>(id) != nullptr);
  s.rollback();
  CHECK(a.age == 30);  // restored
  CHECK(a.id == id);
  CHECK(c.id == 0);  // pending again
  CHECK(db().all<author>().size() == 1);
  CHECK(db().get<author>(id)->age == 30);

  s.commit();  // the pending object is inserted now
  CHECK(c.id > 0);
  CHECK(db().all<author>().size() == 2);
}

TEST_CASE("a failed flush is undone and the session stays usable") {
  fresh_schema();
  auto s = db().session();
  author& a = s.add(author{.name = "Ann", .email = "same@x"});
  s.commit();

  SECTION("the failing flush begins the transaction") {}
  SECTION("the failing flush runs in a transaction an earlier flush began") {
    author& early = s.add(author{.name = "Early", .email = "early@x"});
    s.flush();
    REQUIRE(s.in_transaction());
    CHECK(early.id > 0);
  }
  const std::size_t before = db().all<author>().size() + (s.in_transaction() ? 1 : 0);

  author& ok = s.add(author{.name = "Ok", .email = "ok@x"});
  author& dup = s.add(author{.name = "Dup", .email = "same@x"});
  a.age = 40;
  CHECK_THROWS_AS(s.commit(), tabula::unique_violation);
  CHECK(ok.id == 0);   // the insert that succeeded before the failure was undone
  CHECK(dup.id == 0);
  CHECK(db().get<author>(a.id)->age == std::nullopt);

  s.expunge(dup);
  s.commit();
  CHECK(ok.id > 0);
  CHECK(db().all<author>().size() == before + 1);  // an earlier flush's row is kept
  CHECK(db().get<author>(a.id)->age == 40);
  CHECK_FALSE(s.contains(dup));
}

TEST_CASE("remove deletes at flush; rollback brings the object back") {
  fresh_schema();
  auto s = db().session();
  author& a = s.add(author{.name = "Ann", .email = "ann@x"});
  author& b = s.add(author{.name = "Bob", .email = "bob@x"});
  s.commit();

  s.remove(a);
  s.flush();
  CHECK(s.get<author>(a.id) == nullptr);
  s.rollback();
  CHECK(s.get<author>(a.id) == &a);
  CHECK(db().all<author>().size() == 2);

  s.remove(b);
  s.commit();
  CHECK_FALSE(db().get<author>(b.id).has_value());
  CHECK(db().all<author>().size() == 1);
  CHECK_THROWS_AS(s.remove(b), tabula::programming_error);  // no longer tracked
}

TEST_CASE("flush inserts parents before children") {
  fresh_schema();
  auto s = db().session();
  // The child is added first; its parent's key is explicit so the child can refer to it.
  s.add(book{.author_id = 77, .title = "Child first", .pages = 5});
  s.add(author{.id = 77, .name = "Parent", .email = "p@x"});
  s.commit();
  CHECK(db().all<book>().size() == 1);
  CHECK(db().get<author>(77).has_value());

  // And deletes children before parents.
  auto s2 = db().session();
  author* parent = s2.get<author>(77);
  REQUIRE(parent != nullptr);
  auto books = db().query<book>().where(col(&book::author_id) == 77).all();
  REQUIRE(books.size() == 1);
  book* child = s2.get<book>(books[0].id);
  REQUIRE(child != nullptr);
  s2.remove(*parent);
  s2.remove(*child);
  s2.commit();
  CHECK(db().all<author>().empty());
  CHECK(db().all<book>().empty());
}

TEST_CASE("changing a persistent object's primary key is refused") {
  fresh_schema();
  auto s = db().session();
  author& a = s.add(author{.name = "Ann", .email = "ann@x"});
  s.commit();
  const auto id = a.id;
  a.id = id + 100;
  CHECK_THROWS_AS(s.commit(), tabula::programming_error);
  a.id = id;
  s.commit();
}

TEST_CASE("a session that goes away uncommitted leaves no trace") {
  fresh_schema();
  {
    auto s = db().session();
    s.add(author{.name = "Ghost", .email = "g@x"});
    s.flush();
  }
  CHECK(db().all<author>().empty());
}

TEST_CASE("queries through the session return its own objects, after an autoflush") {
  fresh_schema();
  author stored{.name = "Ann", .email = "ann@x", .age = 30};
  db().insert(stored);
  auto s = db().session();
  author* ann = s.get<author>(stored.id);
  REQUIRE(ann != nullptr);
  ann->age = 31;  // an unflushed change

  author& bob = s.add(author{.name = "Bob", .email = "bob@x", .age = 40});
  auto adults = s.query<author>().where(col(&author::age) > 30).order_by(tabula::asc(&author::age)).all();
  REQUIRE(adults.size() == 2);  // autoflush wrote ann's change and inserted bob first
  CHECK(adults[0] == ann);
  CHECK(adults[1] == &bob);
  CHECK(bob.id > 0);

  // A row loaded by a query is tracked: changing it is written at commit.
  author* first = s.query<author>().where(col(&author::name) == "Bob").first();
  CHECK(first == &bob);
  CHECK(s.query<author>().count() == 2);
  s.remove(*ann);
  CHECK(s.query<author>().all().size() == 1);
  s.commit();
  CHECK(db().all<author>().size() == 1);
}

TEST_CASE("get flushes pending objects first; other changes wait for the next flush") {
  fresh_schema();
  author stored{.name = "Ann", .email = "ann@x", .age = 30};
  db().insert(stored);
  auto s = db().session();
  author& added = s.add(author{.id = 900, .name = "Given", .email = "given@x"});
  sql_log log;
  CHECK(s.get<author>(900) == &added);  // inserted by the autoflush, then found by its key
  CHECK(log.count("INSERT") == 1);

  author* ann = s.get<author>(stored.id);
  REQUIRE(ann != nullptr);
  ann->age = 31;
  CHECK(s.get<author>(stored.id + 5000) == nullptr);  // a lookup by key: nothing flushed
  CHECK(log.count("UPDATE") == 0);
  s.commit();
  CHECK(log.count("UPDATE") == 1);
  CHECK(db().get<author>(stored.id)->age == 31);
}

TEST_CASE("a user type without operator== is inserted and change-tracked") {
  db().drop_all<invoice>();
  db().create_all<invoice>();
  invoice direct{.total = cents{250}};
  db().insert(direct);
  CHECK(direct.id > 0);
  auto s = db().session();
  invoice& i = s.add(invoice{.total = cents{100}});
  s.commit();
  sql_log log;
  s.commit();
  CHECK(log.count("UPDATE") == 0);  // unchanged: compared through its stored value
  i.total.value = 175;
  s.commit();
  CHECK(log.count("UPDATE") == 1);
  CHECK(db().get<invoice>(i.id)->total.value == 175);
}

TEST_CASE("a cycle of nullable foreign keys is inserted with NULL, then UPDATE") {
  fresh_cycle_tables();
  auto s = db().session();
  pilot& ann = s.add(pilot{.id = 1, .name = "Ann", .plane_id = 10});
  plane& p10 = s.add(plane{.id = 10, .pilot_id = 1});
  {
    sql_log log;
    s.commit();
    // The first table of the cycle goes first, with its reference to the second left NULL.
    CHECK(log.writes() ==
          strings({R"(INSERT "pilots")", R"(INSERT "planes")", R"(UPDATE "pilots")"}));
    const auto updates = log.starting_with("UPDATE");
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].find(R"(SET "plane_id" = )") != std::string::npos);
    CHECK(updates[0].find("\"name\"") == std::string::npos);  // only the deferred column
  }
  CHECK(ann.plane_id == 10);  // the object kept its value throughout
  CHECK(p10.pilot_id == 1);
  CHECK(db().get<pilot>(1)->plane_id == 10);
  CHECK(db().get<plane>(10)->pilot_id == 1);
  {
    sql_log log;
    s.commit();  // the session knows the row as it is now: nothing left to write
    CHECK(log.writes().empty());
  }

  // A batch: only the objects whose deferred column holds a value get an UPDATE.
  s.add(pilot{.id = 2, .name = "Bob", .plane_id = 11});
  s.add(pilot{.id = 3, .name = "Cid"});
  s.add(pilot{.id = 4, .name = "Dee", .plane_id = 10});
  s.add(plane{.id = 11, .pilot_id = 2});
  sql_log log;
  s.commit();
  CHECK(log.writes() == strings({R"(INSERT "pilots")", R"(INSERT "planes")", R"(UPDATE "pilots")",
                                 R"(UPDATE "pilots")"}));
  CHECK(db().get<pilot>(2)->plane_id == 11);
  CHECK(db().get<pilot>(3)->plane_id == std::nullopt);
  CHECK(db().get<pilot>(4)->plane_id == 10);
  CHECK(db().get<plane>(11)->pilot_id == 2);
}

TEST_CASE("a cycle of nullable foreign keys is deleted after an UPDATE to NULL") {
  fresh_cycle_tables();
  {
    auto s = db().session();
    s.add(pilot{.id = 1, .name = "Ann", .plane_id = 10});
    s.add(pilot{.id = 2, .name = "Bob"});
    s.add(plane{.id = 10, .pilot_id = 1});
    s.commit();
  }
  auto s = db().session();
  pilot* ann = s.get<pilot>(1);
  pilot* bob = s.get<pilot>(2);
  plane* p10 = s.get<plane>(10);
  REQUIRE(ann != nullptr);
  REQUIRE(bob != nullptr);
  REQUIRE(p10 != nullptr);
  s.remove(*ann);
  s.remove(*bob);
  s.remove(*p10);
  sql_log log;
  s.commit();
  // The deferred reference is cleared (Bob's holds none), then referencing tables go first.
  CHECK(log.writes() ==
        strings({R"(UPDATE "pilots")", R"(DELETE "planes")", R"(DELETE "pilots")"}));
  CHECK(db().all<pilot>().empty());
  CHECK(db().all<plane>().empty());
  CHECK_FALSE(s.contains(*ann));
}

TEST_CASE("a failed flush undoes the deferred UPDATE of a cycle with the inserts") {
  fresh_cycle_tables();
  {
    auto s = db().session();
    s.add(pilot{.id = 98, .name = "Old", .plane_id = 99});
    s.add(plane{.id = 99});
    s.commit();
  }
  auto s = db().session();
  plane* p99 = s.get<plane>(99);
  REQUIRE(p99 != nullptr);
  pilot& ann = s.add(pilot{.id = 1, .name = "Ann", .plane_id = 10});
  plane& p10 = s.add(plane{.id = 10, .pilot_id = 1});
  s.remove(*p99);  // pilot 98 still refers to it: the DELETE, last of the flush, fails
  {
    sql_log log;
    CHECK_THROWS_AS(s.commit(), tabula::foreign_key_violation);
    CHECK(log.writes() == strings({R"(INSERT "pilots")", R"(INSERT "planes")", R"(UPDATE "pilots")",
                                   R"(DELETE "planes")"}));
  }
  CHECK_FALSE(db().get<pilot>(1).has_value());
  CHECK(ann.plane_id == 10);
  CHECK(p10.pilot_id == 1);

  s.expunge(*p99);
  sql_log log;
  s.commit();  // pending again: inserted as before, the deferred column written again
  CHECK(log.writes() ==
        strings({R"(INSERT "pilots")", R"(INSERT "planes")", R"(UPDATE "pilots")"}));
  CHECK(db().get<pilot>(1)->plane_id == 10);
  CHECK(db().get<plane>(10)->pilot_id == 1);
  CHECK(db().get<plane>(99).has_value());
}

TEST_CASE("a cycle of NOT NULL foreign keys is refused before anything is written") {
  fresh_schema();
  auto s = db().session();
  author& a = s.add(author{.name = "Ann", .email = "ann@x"});
  hen& h = s.add(hen{.id = 1, .egg_id = 1});
  egg& e = s.add(egg{.id = 1, .hen_id = 1});
  {
    sql_log log;
    CHECK_THROWS_AS(s.commit(), tabula::programming_error);
    CHECK_THROWS_WITH(s.flush(), Catch::StartsWith("tabula: ") &&
                                     Catch::Contains(R"("hens" -> "eggs" -> "hens")") &&
                                     Catch::Contains("std::optional"));
    CHECK(log.statements.empty());  // refused before BEGIN
  }
  CHECK_FALSE(s.in_transaction());
  CHECK(a.id == 0);

  // Usable: without the cycle's objects the rest is written.
  s.expunge(h);
  s.expunge(e);
  s.commit();
  CHECK(a.id > 0);
  CHECK(db().all<author>().size() == 1);
}

TEST_CASE("the order of many objects of a chain of tables is the order of their tables") {
  db().drop_all<country, city, street>();
  db().create_all<country, city, street>();
  auto s = db().session();
  // Added children first, the three models interleaved: each table's objects are one batch.
  std::vector<street*> streets;
  std::vector<city*> cities;
  std::vector<country*> countries;
  std::int64_t next_street = 1;
  for (std::int64_t c = 1; c <= 5; ++c) {
    for (std::int64_t t = 1; t <= 4; ++t) {
      const std::int64_t city_id = c * 10 + t;
      for (int k = 0; k < 5; ++k) {
        streets.push_back(&s.add(street{.id = next_street++, .city_id = city_id}));
      }
      cities.push_back(&s.add(city{.id = city_id, .country_id = c}));
    }
    countries.push_back(&s.add(country{.id = c}));
  }
  {
    sql_log log;
    s.commit();
    CHECK(log.writes() ==
          strings({R"(INSERT "country")", R"(INSERT "cities")", R"(INSERT "streets")"}));
  }
  CHECK(db().all<country>().size() == 5);
  CHECK(db().all<city>().size() == 20);
  CHECK(db().all<street>().size() == 100);

  // Removed parents first: the referencing tables are deleted first, one batch each.
  for (country* c : countries) s.remove(*c);
  for (city* c : cities) s.remove(*c);
  for (street* t : streets) s.remove(*t);
  sql_log log;
  s.commit();
  CHECK(log.writes() ==
        strings({R"(DELETE "streets")", R"(DELETE "cities")", R"(DELETE "country")"}));
  CHECK(db().all<country>().empty());
  CHECK(db().all<street>().empty());
}
