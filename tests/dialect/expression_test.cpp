// SQL text of every expression node, on SQLite and on PostgreSQL.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <tabula/error.hpp>

#include "dialect/ast_builders.hpp"

using namespace tabula::test;  // NOLINT(google-build-using-namespace)
using Catch::Matchers::Contains;
using tabula::programming_error;
using B = tabula::ast::binary_op;
using U = tabula::ast::unary_op;

TEST_CASE("column references and stars are quoted", "[dialect][expr]") {
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, col("name")) == R"("name")");
    CHECK(sql(*d, col("m", "name")) == R"("m"."name")");
    CHECK(sql(*d, col("t", "we\"ird")) == R"("t"."we""ird")");
    CHECK(sql(*d, col("select")) == R"("select")");
    CHECK(sql(*d, ast::star{}) == "*");
    CHECK(sql(*d, ast::star{"m"}) == R"("m".*)");
    CHECK_THROWS_AS(sql(*d, col("")), programming_error);
    CHECK_THROWS_AS(sql(*d, col(std::string("a\0b", 3))), programming_error);
  }
}

TEST_CASE("parameters are numbered placeholders", "[dialect][expr]") {
  CHECK(sql(lite(), p(0)) == "?1");
  CHECK(sql(pg(), p(0)) == "$1");
  CHECK(sql(lite(), p(41)) == "?42");
  CHECK(sql(pg(), p(41)) == "$42");

  // param_count is one past the highest slot, whatever the order and repetition.
  const auto s = select_of(add(add(p(2), p(0)), p(2)));
  CHECK(lite().compile(s).text == "SELECT ?3 + ?1 + ?3");
  CHECK(lite().compile(s).param_count == 3);
  CHECK(pg().compile(s).text == "SELECT $3 + $1 + $3");
  CHECK(pg().compile(s).param_count == 3);
  CHECK(pg().compile(select_of(lit(1))).param_count == 0);
}

TEST_CASE("literals", "[dialect][expr]") {
  CHECK(sql(lite(), lit(tabula::ast::null_t{})) == "NULL");
  CHECK(sql(pg(), lit(tabula::ast::null_t{})) == "NULL");
  CHECK(sql(lite(), lit(true)) == "1");
  CHECK(sql(lite(), lit(false)) == "0");
  CHECK(sql(pg(), lit(true)) == "TRUE");
  CHECK(sql(pg(), lit(false)) == "FALSE");
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, lit(42)) == "42");
    CHECK(sql(*d, lit(std::numeric_limits<std::int64_t>::max())) == "9223372036854775807");
    CHECK(sql(*d, lit(-7)) == "-7");
    CHECK(sql(*d, lit(0.5)) == "0.5");
    CHECK(sql(*d, lit(1.0)) == "1.0");  // stays a float, not the integer 1
    CHECK(sql(*d, lit(0.1)) == "0.1");
    CHECK(sql(*d, lit(1e300)) == "1e+300");
    CHECK(sql(*d, lit(-2.5e-8)) == "-2.5e-08");
    CHECK(sql(*d, lit("it's")) == "'it''s'");
    CHECK(sql(*d, lit("")) == "''");
    CHECK(sql(*d, lit(R"(back\slash)")) == R"('back\slash')");
    CHECK_THROWS_AS(sql(*d, lit(std::string("a\0b", 3))), programming_error);
  }
  const tabula::blob bytes{std::byte{0x00}, std::byte{0xAB}, std::byte{0x7F}};
  CHECK(sql(lite(), lit(bytes)) == "X'00ab7f'");
  CHECK(sql(pg(), lit(bytes)) == R"('\x00ab7f'::bytea)");
  CHECK(sql(lite(), lit(tabula::blob{})) == "X''");
  CHECK(sql(pg(), lit(tabula::blob{})) == R"('\x'::bytea)");

  const double inf = std::numeric_limits<double>::infinity();
  CHECK(sql(lite(), lit(inf)) == "9e999");
  CHECK(sql(lite(), lit(-inf)) == "-9e999");
  CHECK(sql(pg(), lit(inf)) == "CAST('Infinity' AS DOUBLE PRECISION)");
  CHECK(sql(pg(), lit(-inf)) == "CAST('-Infinity' AS DOUBLE PRECISION)");
  CHECK(sql(pg(), lit(std::nan(""))) == "CAST('NaN' AS DOUBLE PRECISION)");
  CHECK_THROWS_WITH(sql(lite(), lit(std::nan(""))), Contains("sqlite") && Contains("NaN"));
}

TEST_CASE("unary operators", "[dialect][expr]") {
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, un(U::not_, col("active"))) == R"(NOT "active")");
    CHECK(sql(*d, un(U::not_, eq(col("a"), lit(1)))) == R"(NOT ("a" = 1))");
    CHECK(sql(*d, un(U::negate, col("a"))) == R"(-"a")");
    // `--5` would start a comment.
    CHECK(sql(*d, un(U::negate, lit(-5))) == "-(-5)");
    CHECK(sql(*d, un(U::negate, un(U::negate, col("a")))) == R"(-(-"a"))");
    CHECK(sql(*d, un(U::is_null, col("a"))) == R"("a" IS NULL)");
    CHECK(sql(*d, un(U::is_not_null, add(col("a"), col("b")))) == R"(("a" + "b") IS NOT NULL)");
  }
}

TEST_CASE("binary operators", "[dialect][expr]") {
  const auto a = col("a");
  const auto b = col("b");
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, bin(B::eq, a, b)) == R"("a" = "b")");
    CHECK(sql(*d, bin(B::ne, a, b)) == R"("a" <> "b")");
    CHECK(sql(*d, bin(B::lt, a, b)) == R"("a" < "b")");
    CHECK(sql(*d, bin(B::le, a, b)) == R"("a" <= "b")");
    CHECK(sql(*d, bin(B::gt, a, b)) == R"("a" > "b")");
    CHECK(sql(*d, bin(B::ge, a, b)) == R"("a" >= "b")");
    CHECK(sql(*d, bin(B::and_, a, b)) == R"("a" AND "b")");
    CHECK(sql(*d, bin(B::or_, a, b)) == R"("a" OR "b")");
    CHECK(sql(*d, bin(B::add, a, b)) == R"("a" + "b")");
    CHECK(sql(*d, bin(B::sub, a, b)) == R"("a" - "b")");
    CHECK(sql(*d, bin(B::mul, a, b)) == R"("a" * "b")");
    CHECK(sql(*d, bin(B::div, a, b)) == R"("a" / "b")");
    CHECK(sql(*d, bin(B::mod, a, b)) == R"("a" % "b")");
    CHECK(sql(*d, bin(B::concat, a, b)) == R"("a" || "b")");
  }
  CHECK(sql(lite(), bin(B::is_distinct_from, a, b)) == R"("a" IS NOT "b")");
  CHECK(sql(lite(), bin(B::is_not_distinct_from, a, b)) == R"("a" IS "b")");
  CHECK(sql(pg(), bin(B::is_distinct_from, a, b)) == R"("a" IS DISTINCT FROM "b")");
  CHECK(sql(pg(), bin(B::is_not_distinct_from, a, b)) == R"("a" IS NOT DISTINCT FROM "b")");
}

TEST_CASE("nested operators keep the tree's meaning", "[dialect][expr]") {
  // Comparisons under a logical operator are bracketed; a chain of one operator is flat.
  CHECK(sql(lite(), and_(and_(eq(col("a"), p(0)), gt(col("b"), p(1))), lt(col("c"), p(2)))) ==
        R"(("a" = ?1) AND ("b" > ?2) AND ("c" < ?3))");
  CHECK(sql(pg(), and_(eq(col("a"), p(0)), and_(gt(col("b"), p(1)), lt(col("c"), p(2))))) ==
        R"(("a" = $1) AND ("b" > $2) AND ("c" < $3))");
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, or_(and_(col("a"), col("b")), col("c"))) == R"(("a" AND "b") OR "c")");
    CHECK(sql(*d, and_(or_(col("a"), col("b")), col("c"))) == R"(("a" OR "b") AND "c")");
    // Left-nested arithmetic reads the same flat; right-nested needs its brackets.
    CHECK(sql(*d, sub(sub(col("a"), col("b")), col("c"))) == R"("a" - "b" - "c")");
    CHECK(sql(*d, sub(col("a"), sub(col("b"), col("c")))) == R"("a" - ("b" - "c"))");
    CHECK(sql(*d, bin(B::mul, add(col("a"), col("b")), col("c"))) == R"(("a" + "b") * "c")");
    CHECK(sql(*d, sub(col("a"), lit(-1))) == R"("a" - (-1))");
    CHECK(sql(*d, eq(eq(col("a"), col("b")), lit(1))) == R"(("a" = "b") = 1)");
  }
}

TEST_CASE("LIKE", "[dialect][expr]") {
  const auto like = [](bool negated, bool ci, std::optional<char> escape = std::nullopt) {
    return expr(tabula::ast::like{col("name"), p(0), negated, ci, escape});
  };
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, like(false, false)) == std::string(R"("name" LIKE )") + d->placeholder(0));
    CHECK(sql(*d, like(true, false)) == std::string(R"("name" NOT LIKE )") + d->placeholder(0));
  }
  CHECK(sql(lite(), like(false, false, '\\')) == R"("name" LIKE ?1 ESCAPE '\')");
  CHECK(sql(pg(), like(false, false, '\\')) == R"("name" LIKE $1 ESCAPE '\')");
  CHECK(sql(pg(), like(false, false, '\'')) == R"("name" LIKE $1 ESCAPE '''')");
  CHECK(sql(lite(), like(false, true)) == R"(lower("name") LIKE lower(?1))");
  CHECK(sql(lite(), like(true, true, '!')) == R"(lower("name") NOT LIKE lower(?1) ESCAPE '!')");
  CHECK(sql(pg(), like(false, true)) == R"("name" ILIKE $1)");
  CHECK(sql(pg(), like(true, true, '!')) == R"("name" NOT ILIKE $1 ESCAPE '!')");
  // Operands that are expressions are bracketed.
  CHECK(sql(pg(), expr(tabula::ast::like{bin(B::concat, col("a"), col("b")),
                                         bin(B::concat, p(0), lit("%")), false, false,
                                         std::nullopt})) == R"(("a" || "b") LIKE ($1 || '%'))");
}

TEST_CASE("IN, BETWEEN, EXISTS and subqueries", "[dialect][expr]") {
  const auto in = [](tabula::ast::expr_list items, bool negated = false) {
    return expr(tabula::ast::in_list{col("id"), std::move(items), negated});
  };
  CHECK(sql(lite(), in({p(0), p(1)})) == R"("id" IN (?1, ?2))");
  CHECK(sql(pg(), in({p(0), p(1)}, true)) == R"("id" NOT IN ($1, $2))");
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, in({})) == "(1 = 0)");
    CHECK(sql(*d, in({}, true)) == "(1 = 1)");
    CHECK(sql(*d, and_(col("ok"), in({}))) == R"("ok" AND (1 = 0))");
  }

  const auto ids = select_from({{col("model_id"), ""}}, "runs");
  CHECK(sql(lite(), expr(tabula::ast::in_select{col("id"), ids, false})) ==
        R"("id" IN (SELECT "model_id" FROM "runs"))");
  CHECK(sql(pg(), expr(tabula::ast::in_select{col("id"), ids, true})) ==
        R"("id" NOT IN (SELECT "model_id" FROM "runs"))");

  CHECK(sql(lite(), expr(tabula::ast::between{col("x"), p(0), p(1), false})) ==
        R"("x" BETWEEN ?1 AND ?2)");
  CHECK(sql(pg(), expr(tabula::ast::between{col("x"), add(p(0), lit(1)), p(1), true})) ==
        R"("x" NOT BETWEEN ($1 + 1) AND $2)");

  CHECK(sql(lite(), expr(tabula::ast::exists{ids, false})) ==
        R"(EXISTS (SELECT "model_id" FROM "runs"))");
  CHECK(sql(pg(), and_(col("a"), tabula::ast::exists{ids, true})) ==
        R"("a" AND (NOT EXISTS (SELECT "model_id" FROM "runs")))");

  auto max_acc = select_from({{fn("max", col("accuracy")), ""}}, "models");
  CHECK(sql(pg(), eq(col("accuracy"), tabula::ast::subquery{max_acc})) ==
        R"("accuracy" = (SELECT max("accuracy") FROM "models"))");
}

TEST_CASE("functions", "[dialect][expr]") {
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, count_star()) == "count(*)");
    CHECK(sql(*d, expr(tabula::ast::function{"count", {col("x")}, true, false})) ==
          R"(count(DISTINCT "x"))");
    CHECK(sql(*d, fn("current_timestamp")) == "CURRENT_TIMESTAMP");
    CHECK(sql(*d, fn("current_date")) == "CURRENT_DATE");
    CHECK(sql(*d, fn("substr", col("s"), lit(1), lit(3))) == R"(substr("s", 1, 3))");
    CHECK(sql(*d, fn("random")) == "random()");
    CHECK(sql(*d, fn("COALESCE", col("a"), lit(0))) == R"(coalesce("a", 0))");
    CHECK(sql(*d, fn("avg", col("a"))) == R"(avg("a"))");
    CHECK(sql(*d, fn("round", col("a"))) == R"(round("a"))");
    CHECK(sql(*d, fn("pg_catalog.lower", col("a"))) == R"(pg_catalog.lower("a"))");
    CHECK_THROWS_AS(sql(*d, fn("x(); DROP TABLE t; --")), programming_error);
    CHECK_THROWS_AS(sql(*d, fn("")), programming_error);
    CHECK_THROWS_AS(sql(*d, fn("current_date", lit(1))), programming_error);
  }
  CHECK(sql(lite(), fn("length", col("s"))) == R"(length("s"))");
  CHECK(sql(pg(), fn("length", col("s"))) == R"(char_length("s"))");
  CHECK(sql(lite(), fn("round", col("a"), lit(2))) == R"(round("a", 2))");
  CHECK(sql(pg(), fn("round", col("a"), lit(2))) == R"(round(CAST("a" AS numeric), 2))");
}

TEST_CASE("CASE and CAST", "[dialect][expr]") {
  tabula::ast::case_when searched;
  searched.whens.emplace_back(gt(col("a"), p(0)), lit("big"));
  searched.whens.emplace_back(un(U::is_null, col("a")), lit("none"));
  searched.otherwise = tabula::ast::box<expr>(lit("small"));
  CHECK(sql(lite(), searched) ==
        R"(CASE WHEN "a" > ?1 THEN 'big' WHEN "a" IS NULL THEN 'none' ELSE 'small' END)");

  tabula::ast::case_when simple;
  simple.operand = tabula::ast::box<expr>(col("kind"));
  simple.whens.emplace_back(lit(1), lit(true));
  CHECK(sql(pg(), simple) == R"(CASE "kind" WHEN 1 THEN TRUE END)");
  CHECK(sql(pg(), add(simple, lit(1))) == R"(CASE "kind" WHEN 1 THEN TRUE END + 1)");
  CHECK_THROWS_AS(sql(pg(), tabula::ast::case_when{}), programming_error);

  using K = tabula::ast::type_kind;
  const auto cast = [](K kind, std::uint32_t length = 0) {
    return expr(tabula::ast::cast{col("v"), {kind, length}});
  };
  CHECK(sql(lite(), cast(K::boolean)) == R"(CAST("v" AS INTEGER))");
  CHECK(sql(lite(), cast(K::int16)) == R"(CAST("v" AS INTEGER))");
  CHECK(sql(lite(), cast(K::int64)) == R"(CAST("v" AS INTEGER))");
  CHECK(sql(lite(), cast(K::float32)) == R"(CAST("v" AS REAL))");
  CHECK(sql(lite(), cast(K::float64)) == R"(CAST("v" AS REAL))");
  CHECK(sql(lite(), cast(K::text)) == R"(CAST("v" AS TEXT))");
  CHECK(sql(lite(), cast(K::text, 20)) == R"(CAST("v" AS TEXT))");
  CHECK(sql(lite(), cast(K::blob)) == R"(CAST("v" AS BLOB))");
  CHECK(sql(lite(), cast(K::timestamp)) == R"(CAST("v" AS TEXT))");
  CHECK(sql(pg(), cast(K::boolean)) == R"(CAST("v" AS BOOLEAN))");
  CHECK(sql(pg(), cast(K::int16)) == R"(CAST("v" AS SMALLINT))");
  CHECK(sql(pg(), cast(K::int32)) == R"(CAST("v" AS INTEGER))");
  CHECK(sql(pg(), cast(K::int64)) == R"(CAST("v" AS BIGINT))");
  CHECK(sql(pg(), cast(K::float32)) == R"(CAST("v" AS REAL))");
  CHECK(sql(pg(), cast(K::float64)) == R"(CAST("v" AS DOUBLE PRECISION))");
  CHECK(sql(pg(), cast(K::text)) == R"(CAST("v" AS TEXT))");
  CHECK(sql(pg(), cast(K::text, 20)) == R"(CAST("v" AS VARCHAR(20)))");
  CHECK(sql(pg(), cast(K::blob)) == R"(CAST("v" AS BYTEA))");
  CHECK(sql(pg(), cast(K::timestamp)) == R"(CAST("v" AS TIMESTAMP))");
}

TEST_CASE("raw SQL fragments keep their arguments as parameters", "[dialect][expr]") {
  const auto raw = [](std::string text, tabula::ast::expr_list args) {
    return expr(tabula::ast::raw{std::move(text), std::move(args)});
  };
  CHECK(sql(lite(), raw("json_extract(?, '$.a') = ?", {col("doc"), p(0)})) ==
        R"(json_extract("doc", '$.a') = ?1)");
  CHECK(sql(pg(), raw("? @> ?", {col("tags"), p(3)})) == R"("tags" @> $4)");
  CHECK(pg().compile(select_of(raw("? @> ?", {col("tags"), p(3)}))).param_count == 4);
  // `??` is a literal question mark, and so is a `?` in a string; an expression argument is
  // bracketed.
  CHECK(sql(pg(), raw("jsonb_exists(?, 'a?') AND ?? = ?", {col("d"), add(p(0), lit(1))})) ==
        R"(jsonb_exists("d", 'a?') AND ? = ($1 + 1))");
  CHECK(sql(lite(), raw("1", {})) == "1");
  // A raw fragment nested under an operator is bracketed as a whole.
  CHECK(sql(lite(), and_(col("a"), raw("x OR y", {}))) == R"("a" AND (x OR y))");
  CHECK_THROWS_WITH(sql(lite(), raw("? = ?", {p(0)})),
                    Contains("raw SQL") && Contains("sqlite") && Contains("2 '?'"));
  CHECK_THROWS_WITH(sql(pg(), raw("a = ?", {p(0), p(1)})),
                    Contains("raw SQL") && Contains("postgresql"));
  CHECK_THROWS_AS(sql(pg(), raw("a = ??", {p(0)})), programming_error);
}

TEST_CASE("window functions", "[dialect][expr]") {
  using FK = tabula::ast::frame_bound_kind;
  using NO = tabula::ast::nulls_order;
  tabula::ast::window w{fn("row_number"), {col("framework")}, {}, std::nullopt};
  w.order_by.push_back(desc(col("accuracy"), NO::last));
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, w) ==
          R"(row_number() OVER (PARTITION BY "framework" ORDER BY "accuracy" DESC NULLS LAST))");
  }

  tabula::ast::window running{fn("sum", col("x")), {}, {}, std::nullopt};
  CHECK(sql(pg(), running) == R"(sum("x") OVER ())");
  running.order_by.push_back(asc(col("t"), NO::first));
  running.frame = tabula::ast::window_frame{
      tabula::ast::frame_unit::rows, {FK::unbounded_preceding, 0}, {FK::current_row, 0}};
  CHECK(
      sql(lite(), running) ==
      R"(sum("x") OVER (ORDER BY "t" NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))");
  running.frame = tabula::ast::window_frame{
      tabula::ast::frame_unit::range, {FK::preceding, 3}, {FK::following, 2}};
  CHECK(sql(pg(), running) ==
        R"(sum("x") OVER (ORDER BY "t" NULLS FIRST RANGE BETWEEN 3 PRECEDING AND 2 FOLLOWING))");
  running.frame = tabula::ast::window_frame{
      tabula::ast::frame_unit::groups, {FK::current_row, 0}, {FK::unbounded_following, 0}};
  CHECK(
      sql(lite(), running) ==
      R"(sum("x") OVER (ORDER BY "t" NULLS FIRST GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING))");
  // A window is an operand like a function call.
  CHECK(
      sql(pg(), gt(running, lit(1))) ==
      R"(sum("x") OVER (ORDER BY "t" NULLS FIRST GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) > 1)");

  running.frame->start = {FK::preceding, -1};
  CHECK_THROWS_AS(sql(pg(), running), programming_error);
  CHECK_THROWS_AS(sql(lite(), tabula::ast::window{col("x"), {}, {}, std::nullopt}),
                  programming_error);
}

TEST_CASE("excluded refers to the row proposed for insertion", "[dialect][expr]") {
  CHECK(sql(lite(), tabula::ast::excluded{"name"}) == R"(excluded."name")");
  CHECK(sql(pg(), tabula::ast::excluded{"na\"me"}) == R"(excluded."na""me")");
}
