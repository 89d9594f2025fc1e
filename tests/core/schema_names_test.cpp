// The names create_all gives tables, constraints and indexes: generated names that cannot
// collide, names within what the database keeps (PostgreSQL cuts names at 63 bytes), and
// collisions refused with an error instead of a constraint silently missing.

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

namespace names {

// Index (c) of table ia_b and index (b_c) of table ia: both were named ix_ia_b_c, and the
// second CREATE INDEX IF NOT EXISTS did nothing.
struct ia_b {
  std::int64_t id = 0;
  std::string c{};
};
struct ia {
  std::int64_t id = 0;
  std::string b_c{};
};

// Two unique indexes whose generated names agree in their first 63 bytes (PostgreSQL kept one).
struct long_columns {
  std::int64_t id = 0;
  std::string measurementwithaverylongnamethatkeepsgoingandgoingandgoingone{};
  std::string measurementwithaverylongnamethatkeepsgoingandgoingandgoingtwo{};
};

// An index and a UNIQUE constraint of two tables given one name in one create_all.
struct left_side {
  std::int64_t id = 0;
  std::string code{};
};
struct right_side {
  std::int64_t id = 0;
  std::string code{};
};

// The same name in two create_all calls: the second CREATE INDEX IF NOT EXISTS finds it taken.
struct first_owner {
  std::int64_t id = 0;
  std::string code{};
};
struct second_owner {
  std::int64_t id = 0;
  std::string code{};
};

// Table names from struct names (not constant: checked when the tables are created), alike in
// their first 63 bytes.
struct AVeryLongModelNameThatKeepsGoingWellPastWhatPostgresKeepsInOneNameFirst {
  std::int64_t id = 0;
  std::string note{};
};
struct AVeryLongModelNameThatKeepsGoingWellPastWhatPostgresKeepsInOneNameSecond {
  std::int64_t id = 0;
  std::string note{};
};
using long_first = AVeryLongModelNameThatKeepsGoingWellPastWhatPostgresKeepsInOneNameFirst;
using long_second = AVeryLongModelNameThatKeepsGoingWellPastWhatPostgresKeepsInOneNameSecond;

struct long_column {
  std::int64_t id = 0;
  std::string a_field_name_that_is_longer_than_the_sixty_three_bytes_postgres_keeps{};
};

}  // namespace names

using namespace names;

template <>
struct tabula::schema<ia_b> {
  static constexpr auto table = "ia_b";
  static constexpr auto options = tabula::options(tabula::unique_index(&ia_b::c));
};
template <>
struct tabula::schema<ia> {
  static constexpr auto table = "ia";
  static constexpr auto options = tabula::options(tabula::unique_index(&ia::b_c));
};
template <>
struct tabula::schema<long_columns> {
  static constexpr auto options = tabula::options(
      tabula::unique_index(
          &long_columns::measurementwithaverylongnamethatkeepsgoingandgoingandgoingone),
      tabula::unique_index(
          &long_columns::measurementwithaverylongnamethatkeepsgoingandgoingandgoingtwo));
};
template <>
struct tabula::schema<left_side> {
  static constexpr auto options =
      tabula::options(tabula::index(&left_side::code).named("shared_name"));
};
template <>
struct tabula::schema<right_side> {
  static constexpr auto options =
      tabula::options(tabula::unique(&right_side::code).named("shared_name"));
};
template <>
struct tabula::schema<first_owner> {
  static constexpr auto options =
      tabula::options(tabula::index(&first_owner::code).named("ix_taken"));
};
template <>
struct tabula::schema<second_owner> {
  static constexpr auto options =
      tabula::options(tabula::unique_index(&second_owner::code).named("ix_taken"));
};

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

bool on_postgres() { return tabula::test::backend() == "postgresql"; }

/// Whether the model's table exists: a count of its rows succeeds.
template <class T>
bool table_exists() {
  try {
    (void)db().query<T>().count();
    return true;
  } catch (const tabula::programming_error&) {  // no such table
    return false;
  }
}

}  // namespace

TEST_CASE("generated names keep index (c) of ia_b and index (b_c) of ia apart") {
  db().drop_all<ia_b, ia>();
  const std::string& first = tabula::table_of<ia_b>().def.indexes.at(0).name;
  const std::string& second = tabula::table_of<ia>().def.indexes.at(0).name;
  CHECK(first == "ix_ia__b_c");
  CHECK(second == "ix_ia_b__c");

  db().create_all<ia_b, ia>();
  // Both unique indexes exist: each table refuses a duplicate.
  db().insert_many(std::vector<ia_b>{{0, "x"}});
  db().insert_many(std::vector<ia>{{0, "x"}});
  ia_b dup_first{0, "x"};
  ia dup_second{0, "x"};
  CHECK_THROWS_AS(db().insert(dup_first), tabula::unique_violation);
  CHECK_THROWS_AS(db().insert(dup_second), tabula::unique_violation);
  CHECK(db().query<ia_b>().count() == 1);
  CHECK(db().query<ia>().count() == 1);
  // A second create_all finds both indexes where they belong.
  CHECK_NOTHROW(db().create_all<ia_b, ia>());
}

TEST_CASE("generated names over 63 bytes end in a hash of the whole name, on every database") {
  db().drop_all<long_columns>();
  const auto& indexes = tabula::table_of<long_columns>().def.indexes;
  REQUIRE(indexes.size() == 2);
  // The same names on both databases (pinned: a database created earlier keeps them).
  CHECK(indexes[0].name == "ix_long__columns_measurementwithaverylongnamethatkeeps_5e7f2ab6");
  CHECK(indexes[1].name.size() <= 63);
  CHECK(indexes[0].name.substr(0, 54) == indexes[1].name.substr(0, 54));
  CHECK(indexes[0].name != indexes[1].name);

  db().create_all<long_columns>();
  long_columns row{0, "one", "two"};
  db().insert(row);
  long_columns same_one{0, "one", "other"};
  long_columns same_two{0, "other", "two"};
  CHECK_THROWS_AS(db().insert(same_one), tabula::unique_violation);
  CHECK_THROWS_AS(db().insert(same_two), tabula::unique_violation);  // the second index too
  CHECK(db().query<long_columns>().count() == 1);
}

TEST_CASE("two objects of one create_all with one name: a programming_error before any DDL") {
  db().drop_all<left_side, right_side>();
  try {
    db().create_all<left_side, right_side>();
    FAIL("create_all accepted an index and a UNIQUE constraint with one name");
  } catch (const tabula::programming_error& e) {
    const std::string message = e.what();
    CHECK(message.rfind("tabula: ", 0) == 0);
    CHECK(message.find("\"shared_name\"") != std::string::npos);
    CHECK(message.find("\"left_side\"") != std::string::npos);
    CHECK(message.find("\"right_side\"") != std::string::npos);
    CHECK(message.find(".named(") != std::string::npos);
  }
  CHECK_FALSE(table_exists<left_side>());
  CHECK_FALSE(table_exists<right_side>());
  // Each alone is fine.
  CHECK_NOTHROW(db().create_all<left_side>());
  db().drop_all<left_side>();
}

TEST_CASE("an index name taken by another table's index is an error, not a missing index") {
  db().drop_all<first_owner, second_owner>();
  db().create_all<first_owner>();
  try {
    db().create_all<second_owner>();
    FAIL("create_all skipped the unique index of second_owner");
  } catch (const tabula::programming_error& e) {
    const std::string message = e.what();
    CHECK(message.rfind("tabula: ", 0) == 0);
    CHECK(message.find("\"ix_taken\"") != std::string::npos);
    CHECK(message.find("\"second_owner\"") != std::string::npos);
    CHECK(message.find("table \"first_owner\" has an index of that name") != std::string::npos);
  }
  db().drop_all<first_owner, second_owner>();
}

TEST_CASE("a table name over 63 bytes: refused on PostgreSQL, which would cut it") {
  const std::string first(tabula::table_name<long_first>());
  REQUIRE(first.size() > 63);
  REQUIRE(first.substr(0, 63) == std::string(tabula::table_name<long_second>()).substr(0, 63));
  if (on_postgres()) {
    for (const bool create : {true, false}) {
      try {
        if (create) {
          db().create_all<long_first, long_second>();
        } else {
          db().drop_all<long_first>();  // would drop a table of the cut name
        }
        FAIL("a table name over 63 bytes was accepted");
      } catch (const tabula::programming_error& e) {
        const std::string message = e.what();
        CHECK(message.rfind("tabula: ", 0) == 0);
        CHECK(message.find("\"" + first + "\"") != std::string::npos);
        CHECK(message.find("at most 63 bytes") != std::string::npos);
      }
    }
  } else {
    // SQLite keeps whole names: two tables.
    db().drop_all<long_first, long_second>();
    db().create_all<long_first, long_second>();
    long_first row{0, "kept"};
    db().insert(row);
    db().drop_all<long_second>();
    CHECK(db().query<long_first>().count() == 1);
    db().drop_all<long_first>();
  }
}

TEST_CASE("a column name over 63 bytes: refused on PostgreSQL before any DDL") {
  db().drop_all<long_column>();
  if (on_postgres()) {
    try {
      db().create_all<long_column>();
      FAIL("a column name over 63 bytes was accepted");
    } catch (const tabula::programming_error& e) {
      const std::string message = e.what();
      const std::string column =
          "\"a_field_name_that_is_longer_than_the_sixty_three_bytes_postgres_keeps\"";
      CHECK(message.find(column) != std::string::npos);
      CHECK(message.find("tabula::column_name") != std::string::npos);
    }
    CHECK_FALSE(table_exists<long_column>());
  } else {
    CHECK_NOTHROW(db().create_all<long_column>());
    CHECK(table_exists<long_column>());
  }
}
