// Bad input gets a typed exception carrying the SQL, the database's code and message, and
// the engine stays usable.

#include <catch2/catch.hpp>

#include <string>

#include "core/models.hpp"
#include "support/test_backend.hpp"

using namespace fx;

namespace {
struct shelf {
  std::int64_t id = 0;
  std::string label{};
};
struct slot {
  std::int64_t id = 0;
  std::int64_t shelf_id = 0;
};
}  // namespace

template <>
struct tabula::schema<slot> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&slot::shelf_id, &shelf::id).on_delete_restrict());
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

/// Runs `f`, expecting exactly exception type E with every part filled; returns it.
template <class E, class F>
E expect_error(F&& f) {
  try {
    f();
  } catch (const E& e) {
    CHECK_FALSE(e.sql().empty());
    CHECK_FALSE(e.code().empty());
    CHECK_FALSE(e.driver_message().empty());
    CHECK(std::string(e.what()).find(e.driver_message()) != std::string::npos);
    return e;
  }
  FAIL("no exception of the expected type was thrown");
  throw;  // unreachable
}

}  // namespace

TEST_CASE("unique violation") {
  fresh_schema();
  author a{.name = "a", .email = "same@x"};
  author b{.name = "b", .email = "same@x"};
  db().insert(a);
  auto e = expect_error<tabula::unique_violation>([&] { db().insert(b); });
  CHECK(e.sql().find("INSERT") != std::string::npos);
  CHECK((e.code() == "23505" || e.code() == "2067"));
  b.email = "other@x";
  db().insert(b);  // still usable
  CHECK(db().all<author>().size() == 2);
}

TEST_CASE("foreign key violation, and ON DELETE CASCADE") {
  fresh_schema();
  book orphan{.author_id = 12345, .title = "Nobody's", .pages = 10};
  expect_error<tabula::foreign_key_violation>([&] { db().insert(orphan); });
  author a{.name = "a", .email = "a@x"};
  db().insert(a);
  book ok{.author_id = a.id, .title = "Somebody's", .pages = 10};
  db().insert(ok);
  CHECK(db().all<book>().size() == 1);
  db().remove(a);
  CHECK(db().all<book>().empty());  // cascaded
}

TEST_CASE("not null violation") {
  fresh_schema();
  loose_author a{.name = std::nullopt, .email = "n@x"};
  expect_error<tabula::not_null_violation>([&] { db().insert(a); });
  CHECK(db().all<author>().empty());
}

TEST_CASE("check violations, including max_length") {
  fresh_schema();
  author a{.name = "a", .email = "a@x"};
  db().insert(a);
  book bad{.author_id = a.id, .title = "Empty", .pages = 0};
  expect_error<tabula::check_violation>([&] { db().insert(bad); });
  author negative{.name = "n", .email = "n@x", .age = -1};
  expect_error<tabula::check_violation>([&] { db().insert(negative); });
  author too_long{.name = std::string(21, 'x'), .email = "l@x"};
  expect_error<tabula::check_violation>([&] { db().insert(too_long); });
  author just_fits{.name = std::string(20, 'x'), .email = "f@x"};
  db().insert(just_fits);
  CHECK(db().all<author>().size() == 2);
}

TEST_CASE("programming errors: bad SQL and missing tables") {
  fresh_schema();
  expect_error<tabula::programming_error>([&] { db().execute("SELEKT nonsense"); });
  db().drop_all<author, book>();
  expect_error<tabula::programming_error>([&] { (void)db().all<author>(); });
  db().create_all<author, book>();
  CHECK(db().all<author>().empty());
}

TEST_CASE("a failed statement inside a transaction leaves the connection usable") {
  fresh_schema();
  auto conn = db().connect();
  author a{.name = "a", .email = "dup@x"};
  conn.insert(a);
  auto tx = conn.begin();
  author b{.name = "b", .email = "fresh@x"};
  conn.insert(b);
  {
    auto sp = conn.begin();
    author dup{.name = "c", .email = "dup@x"};
    CHECK_THROWS_AS(conn.insert(dup), tabula::unique_violation);
    sp.rollback();
  }
  tx.commit();
  CHECK(conn.all<author>().size() == 2);
}

TEST_CASE("an unknown URL scheme names the registered drivers") {
  try {
    tabula::engine e("mysql://localhost/db");
    FAIL("an engine was made for an unregistered scheme");
  } catch (const tabula::programming_error& e) {
    CHECK(std::string(e.what()).find("mysql") != std::string::npos);
  }
}

TEST_CASE("ON DELETE RESTRICT refusals are foreign key violations on both databases") {
  db().drop_all<shelf, slot>();
  db().create_all<shelf, slot>();
  shelf sh{.label = "a"};
  db().insert(sh);
  slot sl{.shelf_id = sh.id};
  db().insert(sl);
  expect_error<tabula::foreign_key_violation>([&] { db().remove(sh); });
  CHECK(db().get<shelf>(sh.id).has_value());
  db().remove(sl);
  CHECK(db().remove(sh));
}
