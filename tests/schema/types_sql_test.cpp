// The SQL of the time, UUID and JSON column types and of the JSON operators on both dialects,
// without a database.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <tabula/tabula.hpp>
#include <tabula/types/json.hpp>

#include "support/dry_sql.hpp"

using tabula::col;
using tabula::json_get;
using tabula::json_has;
using tabula::test::expression_sql;
using namespace std::chrono;

namespace {

struct typed_row {
  tabula::uuid id;
  sys_time<microseconds> at;
  std::optional<year_month_day> day;
  tabula::time_of_day clock;
  seconds span{0};
  nlohmann::json doc;
};

std::string create_sql(const tabula::dialect& d) {
  return d.compile(tabula::ast::create_table{tabula::table_of<typed_row>().def, true}).text;
}

template <class E>
tabula::test::sql_pair sql_of_expr(const E& e) {
  return {expression_sql(tabula::sqlite_dialect(), e), expression_sql(tabula::postgres_dialect(), e)};
}

}  // namespace

TEST_CASE("CREATE TABLE: each type's column on each dialect") {
  CHECK(create_sql(tabula::sqlite_dialect()) ==
        R"(CREATE TABLE IF NOT EXISTS "typed_row" ("id" BLOB NOT NULL, "at" TEXT NOT NULL, )"
        R"("day" TEXT, "clock" TEXT NOT NULL, "span" INTEGER NOT NULL, "doc" TEXT NOT NULL, )"
        R"(PRIMARY KEY ("id"), CONSTRAINT "ck_typed_row_doc_json" CHECK (json_valid("doc"))))");
  CHECK(create_sql(tabula::postgres_dialect()) ==
        R"(CREATE TABLE IF NOT EXISTS "typed_row" ("id" UUID NOT NULL, "at" TIMESTAMPTZ NOT NULL, )"
        R"("day" DATE, "clock" TIME NOT NULL, "span" INTERVAL NOT NULL, "doc" JSONB NOT NULL, )"
        R"(PRIMARY KEY ("id")))");
}

TEST_CASE("JSON members: ->> typed per dialect, keys and indexes bound") {
  const auto doc = col(&typed_row::doc);
  CHECK(sql_of_expr(json_get<double>(doc, "lr")) ==
        tabula::test::sql_pair{R"(("typed_row"."doc" ->> ?1))",
                               R"(CAST(("typed_row"."doc" ->> $1) AS DOUBLE PRECISION))"});
  CHECK(sql_of_expr(json_get<std::string>(doc, "opt", "name")) ==
        tabula::test::sql_pair{R"(("typed_row"."doc" -> ?1 ->> ?2))",
                               R"(("typed_row"."doc" -> $1 ->> $2))"});
  CHECK(sql_of_expr(json_get<nlohmann::json>(doc, "layers", 0)) ==
        tabula::test::sql_pair{R"(("typed_row"."doc" -> ?1 -> CAST(?2 AS INTEGER)))",
                               R"(("typed_row"."doc" -> $1 -> CAST($2 AS INTEGER)))"});
  CHECK(sql_of_expr(json_has(doc, "lr")) ==
        tabula::test::sql_pair{R"((("typed_row"."doc" -> ?1) IS NOT NULL))",
                               R"((("typed_row"."doc" -> $1) IS NOT NULL))"});
  CHECK(sql_of_expr(json_get<std::int64_t>(doc, "batch") > 32) ==
        tabula::test::sql_pair{R"(("typed_row"."doc" ->> ?1) > ?2)",
                               R"(CAST(("typed_row"."doc" ->> $1) AS BIGINT) > $2)"});
  // Typed like other expressions: a member read as a number does not compare with text.
  using member = decltype(json_get<double>(doc, "lr"));
  STATIC_REQUIRE(std::is_same_v<member::value_type, std::optional<double>>);
  STATIC_REQUIRE(!tabula::comparable<member, std::string>);
  STATIC_REQUIRE(tabula::comparable<member, double>);
}

TEST_CASE("typed values as literals: each dialect's storage") {
  using tabula::typed_kind;
  using tabula::typed_value;
  const auto lit = [](const tabula::dialect& d, typed_value v) { return d.literal(tabula::ast::value{v}); };
  const typed_value ts{typed_kind::timestamp, 0, 951'782'400'000'001, 0};  // 2000-02-29 00:00:00.000001
  CHECK(lit(tabula::sqlite_dialect(), ts) == "'2000-02-29 00:00:00.000001'");
  CHECK(lit(tabula::postgres_dialect(), ts) == "TIMESTAMPTZ '2000-02-29 00:00:00.000001+00'");
  const typed_value before_1970{typed_kind::timestamp, 0, -1, 0};
  CHECK(lit(tabula::sqlite_dialect(), before_1970) == "'1969-12-31 23:59:59.999999'");
  CHECK(lit(tabula::postgres_dialect(), typed_value{typed_kind::date, 0, -719'528, 0}) ==
        "DATE '0001-01-01 BC'");  // year 0 is 1 BC
  CHECK_THROWS_AS(lit(tabula::sqlite_dialect(), typed_value{typed_kind::date, 0, -719'528, 0}),
                  tabula::programming_error);
  CHECK(lit(tabula::postgres_dialect(), typed_value{typed_kind::interval, 0, -90'000'001, 0}) ==
        "INTERVAL '-0:01:30.000001'");
  CHECK(lit(tabula::sqlite_dialect(), typed_value{typed_kind::interval, 0, -90'000'001, 0}) ==
        "-90000001");
  const auto u = tabula::type_traits<tabula::uuid>::to_sql(tabula::uuid::max());
  CHECK(lit(tabula::sqlite_dialect(), u) == "X'ffffffffffffffffffffffffffffffff'");
  CHECK(lit(tabula::postgres_dialect(), u) == "UUID 'ffffffff-ffff-ffff-ffff-ffffffffffff'");
}

TEST_CASE("time in queries: now, moved by a duration, truncated, a field — per dialect") {
  using namespace std::chrono_literals;
  const auto at = col(&typed_row::at);
  CHECK(sql_of_expr(tabula::now()) ==
        tabula::test::sql_pair{"(strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')", "now()"});
  const auto recent = at > tabula::now() - days(7);
  CHECK(expression_sql(tabula::postgres_dialect(), recent) ==
        R"("typed_row"."at" > (now() - CAST($1 AS INTERVAL)))");
  const std::string micros =
      R"((unixepoch(substr("typed_row"."at", 1, 19)) * 1000000 + CAST(substr("typed_row"."at", 21, 6) AS INTEGER) + ?1))";
  CHECK(expression_sql(tabula::sqlite_dialect(), at + 90s) ==
        "(strftime('%Y-%m-%d %H:%M:%S', " + micros + " / 1000000 - (" + micros +
            " % 1000000 < 0), 'unixepoch') || printf('.%06d', (" + micros +
            " % 1000000 + 1000000) % 1000000))");
  CHECK(sql_of_expr(tabula::trunc(tabula::time_unit::day, at)) ==
        tabula::test::sql_pair{R"((strftime('%Y-%m-%d', substr("typed_row"."at", 1, 19)) || ' 00:00:00.000000'))",
                               R"(date_trunc('day', "typed_row"."at", 'UTC'))"});
  CHECK(sql_of_expr(tabula::extract(tabula::time_field::hour, at)) ==
        tabula::test::sql_pair{R"(CAST(strftime('%H', substr("typed_row"."at", 1, 19)) AS INTEGER))",
                               R"(CAST(floor(EXTRACT(HOUR FROM "typed_row"."at" AT TIME ZONE 'UTC')) AS BIGINT))"});
  // Only a point in time moves by a duration.
  STATIC_REQUIRE(!tabula::detail::time_shift_operands<decltype(col(&typed_row::span)), seconds>);
}

namespace {
struct priced {
  std::int64_t id = 0;
  tabula::decimal<10, 2> amount;
  std::int32_t qty = 0;
};
}  // namespace

TEST_CASE("decimals: NUMERIC(P, S) or integer units; arithmetic typed with its scale") {
  const auto ddl = [](const tabula::dialect& d) {
    return d.compile(tabula::ast::create_table{tabula::table_of<priced>().def, true}).text;
  };
  CHECK_THAT(ddl(tabula::postgres_dialect()), Catch::Contains(R"("amount" NUMERIC(10, 2) NOT NULL)"));
  CHECK_THAT(ddl(tabula::sqlite_dialect()), Catch::Contains(R"("amount" INTEGER NOT NULL)"));
  const auto amount = col(&priced::amount);
  CHECK(sql_of_expr(amount + amount) ==
        tabula::test::sql_pair{R"("priced"."amount" + "priced"."amount")",
                               R"("priced"."amount" + "priced"."amount")"});
  using sum_type = decltype(amount + amount)::value_type;
  STATIC_REQUIRE(std::is_same_v<sum_type, tabula::decimal<11, 2>>);
  using product_type = decltype(amount * col(&priced::qty))::value_type;
  STATIC_REQUIRE(std::is_same_v<product_type, tabula::decimal<18, 2>>);
  using total_type = decltype(tabula::sum(amount))::value_type;
  STATIC_REQUIRE(std::is_same_v<total_type, std::optional<tabula::decimal<18, 2>>>);
  // Decimals of different scales do not add: their units differ.
  STATIC_REQUIRE(!tabula::detail::decimal_sum_operands<decltype(amount), tabula::decimal<10, 3>>);
  STATIC_REQUIRE(!tabula::arithmetic<decltype(amount), double>);
}

namespace {
struct listed {
  std::int64_t id = 0;
  std::vector<std::string> tags;
  std::vector<double> weights;
};
}  // namespace

TEST_CASE("arrays: T[] and @>, &&, ANY on PostgreSQL; refused on SQLite") {
  const auto ddl = tabula::postgres_dialect()
                       .compile(tabula::ast::create_table{tabula::table_of<listed>().def, true})
                       .text;
  CHECK_THAT(ddl, Catch::Contains(R"("tags" TEXT[] NOT NULL, "weights" DOUBLE PRECISION[] NOT NULL)"));
  CHECK_THROWS_AS(tabula::sqlite_dialect().compile(
                      tabula::ast::create_table{tabula::table_of<listed>().def, true}),
                  tabula::programming_error);
  const std::vector<std::string> probe{"a"};
  const auto pg = [](const auto& e) { return expression_sql(tabula::postgres_dialect(), e); };
  CHECK(pg(tabula::array_contains(col(&listed::tags), probe)) == R"(("listed"."tags" @> $1))");
  CHECK(pg(tabula::array_overlaps(col(&listed::tags), probe)) == R"(("listed"."tags" && $1))");
  CHECK(pg(tabula::in_array(std::string("a"), col(&listed::tags))) == R"(($1 = ANY("listed"."tags")))");
  CHECK_THROWS_AS(expression_sql(tabula::sqlite_dialect(), tabula::array_contains(col(&listed::tags), probe)),
                  tabula::programming_error);
  // The element type is checked: a number is not looked for in a text array.
  STATIC_REQUIRE(std::is_same_v<tabula::type_traits<std::vector<std::string>>::sql_value, tabula::array_value>);
}
