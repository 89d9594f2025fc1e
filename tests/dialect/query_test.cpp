// SQL text of SELECT, INSERT, UPDATE and DELETE, on SQLite and on PostgreSQL.

#include <catch2/catch.hpp>

#include <tabula/error.hpp>

#include "dialect/ast_builders.hpp"

using namespace tabula::test;  // NOLINT(google-build-using-namespace)
using Catch::Matchers::Contains;
using tabula::programming_error;
namespace ast = tabula::ast;

TEST_CASE("a filtered select", "[dialect][select]") {
  auto s = select_from({{col("m", "id"), ""}, {col("m", "name"), ""}}, "models", "m");
  s.where = and_(eq(col("m", "framework"), p(0)), gt(col("m", "accuracy"), p(1)));
  CHECK(
      sql(lite(), s) ==
      R"(SELECT "m"."id", "m"."name" FROM "models" AS "m" WHERE ("m"."framework" = ?1) AND ("m"."accuracy" > ?2))");
  CHECK(
      sql(pg(), s) ==
      R"(SELECT "m"."id", "m"."name" FROM "models" AS "m" WHERE ("m"."framework" = $1) AND ("m"."accuracy" > $2))");
  CHECK(pg().compile(s).param_count == 2);
}

TEST_CASE("select list: star, DISTINCT, aliases", "[dialect][select]") {
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, select_from({}, "models")) == R"(SELECT * FROM "models")");
    auto s = select_from({{col("framework"), "fw"}, {count_star(), "n"}}, "models");
    s.distinct = true;
    CHECK(sql(*d, s) == R"(SELECT DISTINCT "framework" AS "fw", count(*) AS "n" FROM "models")");
    CHECK(sql(*d, select_of(lit(1))) == "SELECT 1");
    CHECK_THROWS_AS(sql(*d, ast::select{}), programming_error);
  }
}

TEST_CASE("derived tables", "[dialect][select]") {
  auto s = select_from({{col("t", "n"), ""}}, "unused");
  s.from = ast::derived_table{select_from({{count_star(), "n"}}, "models"), "t"};
  const char* expected = R"(SELECT "t"."n" FROM (SELECT count(*) AS "n" FROM "models") AS "t")";
  CHECK(sql(lite(), s) == expected);
  CHECK(sql(pg(), s) == expected);
  s.from = ast::derived_table{select_from({}, "models"), ""};
  CHECK(sql(lite(), s) == R"(SELECT "t"."n" FROM (SELECT * FROM "models"))");
  CHECK_THROWS_WITH(sql(pg(), s), Contains("derived table") && Contains("postgresql"));
}

TEST_CASE("joins", "[dialect][select]") {
  const auto on = eq(col("e", "model_id"), col("m", "id"));
  const auto with_join = [&](ast::join_kind kind, std::optional<ast::expr> cond) {
    auto s = select_from({{col("m", "name"), ""}, {col("e", "dataset"), ""}}, "models", "m");
    s.joins.push_back({kind, ast::table_ref{"experiments", "e"}, std::move(cond)});
    return s;
  };
  const std::string head = R"(SELECT "m"."name", "e"."dataset" FROM "models" AS "m")";
  const std::string tail = R"( "experiments" AS "e" ON "e"."model_id" = "m"."id")";
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, with_join(ast::join_kind::inner, on)) == head + " INNER JOIN" + tail);
    CHECK(sql(*d, with_join(ast::join_kind::left, on)) == head + " LEFT OUTER JOIN" + tail);
    CHECK(sql(*d, with_join(ast::join_kind::right, on)) == head + " RIGHT OUTER JOIN" + tail);
    CHECK(sql(*d, with_join(ast::join_kind::full, on)) == head + " FULL OUTER JOIN" + tail);
    CHECK(sql(*d, with_join(ast::join_kind::cross, std::nullopt)) ==
          head + R"( CROSS JOIN "experiments" AS "e")");
    CHECK_THROWS_AS(sql(*d, with_join(ast::join_kind::inner, std::nullopt)), programming_error);
    CHECK_THROWS_AS(sql(*d, with_join(ast::join_kind::cross, on)), programming_error);
  }
  // Two joins, the second to a derived table.
  auto s = with_join(ast::join_kind::inner, on);
  s.joins.push_back({ast::join_kind::left,
                     ast::derived_table{select_from({{col("model_id"), ""}}, "runs"), "r"},
                     eq(col("r", "model_id"), col("m", "id"))});
  CHECK(
      sql(pg(), s) ==
      head + " INNER JOIN" + tail +
          R"( LEFT OUTER JOIN (SELECT "model_id" FROM "runs") AS "r" ON "r"."model_id" = "m"."id")");
}

TEST_CASE("GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET", "[dialect][select]") {
  auto s = select_from(
      {{col("framework"), ""}, {count_star(), ""}, {fn("avg", col("accuracy")), ""}}, "models");
  s.where = gt(col("accuracy"), p(0));
  s.group_by = {col("framework")};
  s.having = gt(count_star(), p(1));
  s.order_by = {desc(fn("avg", col("accuracy")), ast::nulls_order::last), asc(col("framework"))};
  s.limit = p(2);
  s.offset = p(3);
  CHECK(
      sql(lite(), s) ==
      R"(SELECT "framework", count(*), avg("accuracy") FROM "models" WHERE "accuracy" > ?1 GROUP BY "framework" HAVING count(*) > ?2 ORDER BY avg("accuracy") DESC NULLS LAST, "framework" LIMIT ?3 OFFSET ?4)");
  CHECK(
      sql(pg(), s) ==
      R"(SELECT "framework", count(*), avg("accuracy") FROM "models" WHERE "accuracy" > $1 GROUP BY "framework" HAVING count(*) > $2 ORDER BY avg("accuracy") DESC NULLS LAST, "framework" LIMIT $3 OFFSET $4)");

  auto page = select_from({}, "models");
  page.order_by = {asc(col("id"), ast::nulls_order::first)};
  page.offset = p(0);
  // SQLite takes OFFSET only after a LIMIT; -1 means no limit.
  CHECK(sql(lite(), page) ==
        R"(SELECT * FROM "models" ORDER BY "id" NULLS FIRST LIMIT -1 OFFSET ?1)");
  CHECK(sql(pg(), page) == R"(SELECT * FROM "models" ORDER BY "id" NULLS FIRST OFFSET $1)");
  page.offset.reset();
  page.limit = lit(10);
  CHECK(sql(lite(), page) == R"(SELECT * FROM "models" ORDER BY "id" NULLS FIRST LIMIT 10)");
  CHECK(sql(pg(), page) == R"(SELECT * FROM "models" ORDER BY "id" NULLS FIRST LIMIT 10)");
}

TEST_CASE("compound selects", "[dialect][select]") {
  const auto a = select_from({{col("name"), ""}}, "models");
  const auto b = select_from({{col("name"), ""}}, "archive");
  const auto with_part = [&](ast::set_op op) {
    auto s = a;
    s.compound.push_back({op, b});
    return s;
  };
  const std::string sa = R"(SELECT "name" FROM "models")";
  const std::string sb = R"(SELECT "name" FROM "archive")";
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, with_part(ast::set_op::union_)) == sa + " UNION " + sb);
    CHECK(sql(*d, with_part(ast::set_op::union_all)) == sa + " UNION ALL " + sb);
    CHECK(sql(*d, with_part(ast::set_op::intersect)) == sa + " INTERSECT " + sb);
    CHECK(sql(*d, with_part(ast::set_op::except)) == sa + " EXCEPT " + sb);
    // ORDER BY and LIMIT of the first select apply to the whole compound.
    auto ordered = with_part(ast::set_op::union_all);
    ordered.order_by = {asc(col("name"))};
    ordered.limit = lit(5);
    CHECK(sql(*d, ordered) == sa + " UNION ALL " + sb + R"( ORDER BY "name" LIMIT 5)");
  }

  // An operand with its own LIMIT: bracketed on PostgreSQL, a subquery on SQLite (which takes
  // no brackets around compound operands).
  auto limited = b;
  limited.order_by = {desc(col("name"))};
  limited.limit = lit(3);
  auto s = a;
  s.compound.push_back({ast::set_op::union_, limited});
  s.compound.push_back({ast::set_op::except, b});
  CHECK(
      sql(lite(), s) ==
      sa +
          R"( UNION SELECT * FROM (SELECT "name" FROM "archive" ORDER BY "name" DESC LIMIT 3) EXCEPT )" +
          sb);
  CHECK(sql(pg(), s) ==
        sa + R"( UNION (SELECT "name" FROM "archive" ORDER BY "name" DESC LIMIT 3) EXCEPT )" + sb);

  // A nested compound keeps its grouping.
  auto nested = a;
  nested.compound.push_back({ast::set_op::intersect, with_part(ast::set_op::union_)});
  CHECK(sql(lite(), nested) == sa + " INTERSECT SELECT * FROM (" + sa + " UNION " + sb + ")");
  CHECK(sql(pg(), nested) == sa + " INTERSECT (" + sa + " UNION " + sb + ")");
}

TEST_CASE("common table expressions", "[dialect][select]") {
  // WITH RECURSIVE "n"("i") AS (SELECT 1 UNION ALL SELECT "i" + 1 FROM "n" WHERE "i" < ?1)
  auto step = select_from({{add(col("i"), lit(1)), ""}}, "n");
  step.where = lt(col("i"), p(0));
  auto base = select_of(lit(1));
  base.compound.push_back({ast::set_op::union_all, step});
  auto s = select_from({{col("i"), ""}}, "n");
  s.recursive = true;
  s.with.push_back({"n", {"i"}, base});
  CHECK(
      sql(lite(), s) ==
      R"(WITH RECURSIVE "n"("i") AS (SELECT 1 UNION ALL SELECT "i" + 1 FROM "n" WHERE "i" < ?1) SELECT "i" FROM "n")");
  CHECK(
      sql(pg(), s) ==
      R"(WITH RECURSIVE "n"("i") AS (SELECT 1 UNION ALL SELECT "i" + 1 FROM "n" WHERE "i" < $1) SELECT "i" FROM "n")");

  auto two = select_from({}, "a");
  two.with.push_back({"a", {}, select_from({{col("x"), ""}}, "t")});
  two.with.push_back({"b", {"y", "z"}, select_from({}, "a")});
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(
        sql(*d, two) ==
        R"(WITH "a" AS (SELECT "x" FROM "t"), "b"("y", "z") AS (SELECT * FROM "a") SELECT * FROM "a")");
  }
}

TEST_CASE("INSERT with VALUES and DEFAULT VALUES", "[dialect][insert]") {
  ast::insert ins;
  ins.table = {"models", ""};
  ins.columns = {"name", "framework"};
  ins.rows = {{p(0), p(1)}, {p(2), p(3)}};
  CHECK(sql(lite(), ins) ==
        R"(INSERT INTO "models" ("name", "framework") VALUES (?1, ?2), (?3, ?4))");
  CHECK(sql(pg(), ins) ==
        R"(INSERT INTO "models" ("name", "framework") VALUES ($1, $2), ($3, $4))");
  CHECK(pg().compile(ins).param_count == 4);

  ins.returning = {{col("id"), ""}, {col("name"), "n"}};
  CHECK(
      sql(lite(), ins) ==
      R"(INSERT INTO "models" ("name", "framework") VALUES (?1, ?2), (?3, ?4) RETURNING "id", "name" AS "n")");

  ins.rows.push_back({p(4)});
  CHECK_THROWS_AS(sql(lite(), ins), programming_error);

  ast::insert defaults;
  defaults.table = {"counters", ""};
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, defaults) == R"(INSERT INTO "counters" DEFAULT VALUES)");
  }
  defaults.returning = {{col("id"), ""}};
  CHECK(sql(pg(), defaults) == R"(INSERT INTO "counters" DEFAULT VALUES RETURNING "id")");
  defaults.columns = {"a"};
  CHECK_THROWS_AS(sql(pg(), defaults), programming_error);
}

TEST_CASE("upsert", "[dialect][insert]") {
  ast::insert ins;
  ins.table = {"models", ""};
  ins.columns = {"name", "accuracy"};
  ins.rows = {{p(0), p(1)}};
  ins.conflict = ast::on_conflict{{"name"}, true, {}, std::nullopt};
  CHECK(
      sql(lite(), ins) ==
      R"(INSERT INTO "models" ("name", "accuracy") VALUES (?1, ?2) ON CONFLICT ("name") DO NOTHING)");
  CHECK(
      sql(pg(), ins) ==
      R"(INSERT INTO "models" ("name", "accuracy") VALUES ($1, $2) ON CONFLICT ("name") DO NOTHING)");

  ins.conflict = ast::on_conflict{{"name"},
                                  false,
                                  {{"accuracy", ast::excluded{"accuracy"}}},
                                  lt(col("models", "accuracy"), ast::excluded{"accuracy"})};
  ins.returning = {{col("id"), ""}};
  CHECK(
      sql(lite(), ins) ==
      R"(INSERT INTO "models" ("name", "accuracy") VALUES (?1, ?2) ON CONFLICT ("name") DO UPDATE SET "accuracy" = excluded."accuracy" WHERE "models"."accuracy" < excluded."accuracy" RETURNING "id")");
  CHECK(
      sql(pg(), ins) ==
      R"(INSERT INTO "models" ("name", "accuracy") VALUES ($1, $2) ON CONFLICT ("name") DO UPDATE SET "accuracy" = excluded."accuracy" WHERE "models"."accuracy" < excluded."accuracy" RETURNING "id")");

  // Without a target: DO NOTHING on both; DO UPDATE only where the database infers it.
  ins.returning.clear();
  ins.conflict = ast::on_conflict{};
  CHECK(sql(pg(), ins) ==
        R"(INSERT INTO "models" ("name", "accuracy") VALUES ($1, $2) ON CONFLICT DO NOTHING)");
  ins.conflict = ast::on_conflict{{}, false, {{"accuracy", p(1)}}, std::nullopt};
  CHECK(
      sql(lite(), ins) ==
      R"(INSERT INTO "models" ("name", "accuracy") VALUES (?1, ?2) ON CONFLICT DO UPDATE SET "accuracy" = ?2)");
  CHECK_THROWS_WITH(sql(pg(), ins), Contains("ON CONFLICT") && Contains("postgresql"));

  ins.conflict = ast::on_conflict{{"name"}, false, {}, std::nullopt};
  CHECK_THROWS_AS(sql(lite(), ins), programming_error);
  ins.conflict = ast::on_conflict{{"name"}, true, {{"accuracy", p(1)}}, std::nullopt};
  CHECK_THROWS_AS(sql(pg(), ins), programming_error);

  // SQLite cannot follow DEFAULT VALUES with an upsert clause.
  ast::insert defaults;
  defaults.table = {"counters", ""};
  defaults.conflict = ast::on_conflict{};
  CHECK(sql(pg(), defaults) == R"(INSERT INTO "counters" DEFAULT VALUES ON CONFLICT DO NOTHING)");
  CHECK_THROWS_WITH(sql(lite(), defaults), Contains("DEFAULT VALUES") && Contains("sqlite"));
}

TEST_CASE("INSERT ... SELECT", "[dialect][insert]") {
  ast::insert ins;
  ins.table = {"archive", ""};
  ins.columns = {"name"};
  ins.from_select = ast::box<ast::select>(select_from({{col("name"), ""}}, "models"));
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(sql(*d, ins) == R"(INSERT INTO "archive" ("name") SELECT "name" FROM "models")");
  }
  // With an upsert clause SQLite needs a WHERE, or it reads ON as a join constraint.
  ins.conflict = ast::on_conflict{{"name"}, true, {}, std::nullopt};
  CHECK(
      sql(lite(), ins) ==
      R"(INSERT INTO "archive" ("name") SELECT "name" FROM "models" WHERE true ON CONFLICT ("name") DO NOTHING)");
  CHECK(
      sql(pg(), ins) ==
      R"(INSERT INTO "archive" ("name") SELECT "name" FROM "models" ON CONFLICT ("name") DO NOTHING)");
  (*ins.from_select)->where = gt(col("accuracy"), p(0));
  (*ins.from_select)->group_by = {col("name")};
  CHECK(
      sql(lite(), ins) ==
      R"(INSERT INTO "archive" ("name") SELECT "name" FROM "models" WHERE "accuracy" > ?1 GROUP BY "name" ON CONFLICT ("name") DO NOTHING)");
  // In a compound source the WHERE goes into the last operand.
  (*ins.from_select)->where.reset();
  (*ins.from_select)->group_by.clear();
  (*ins.from_select)
      ->compound.push_back({ast::set_op::union_, select_from({{col("name"), ""}}, "drafts")});
  CHECK(
      sql(lite(), ins) ==
      R"(INSERT INTO "archive" ("name") SELECT "name" FROM "models" UNION SELECT "name" FROM "drafts" WHERE true ON CONFLICT ("name") DO NOTHING)");

  ins.rows = {{p(0)}};
  CHECK_THROWS_AS(sql(pg(), ins), programming_error);
}

TEST_CASE("UPDATE", "[dialect][update]") {
  ast::update up;
  up.table = {"models", ""};
  up.set = {{"accuracy", p(0)}, {"name", fn("upper", col("models", "name"))}};
  up.where = eq(col("models", "id"), p(1));
  CHECK(
      sql(lite(), up) ==
      R"(UPDATE "models" SET "accuracy" = ?1, "name" = upper("models"."name") WHERE "models"."id" = ?2)");
  CHECK(
      sql(pg(), up) ==
      R"(UPDATE "models" SET "accuracy" = $1, "name" = upper("models"."name") WHERE "models"."id" = $2)");
  up.returning = {{ast::star{}, ""}};
  up.where.reset();
  CHECK(sql(pg(), up) ==
        R"(UPDATE "models" SET "accuracy" = $1, "name" = upper("models"."name") RETURNING *)");
  up.set.clear();
  CHECK_THROWS_AS(sql(lite(), up), programming_error);
}

TEST_CASE("DELETE", "[dialect][delete]") {
  ast::delete_ del;
  del.table = {"models", ""};
  for (const auto* d : {&lite(), &pg()}) CHECK(sql(*d, del) == R"(DELETE FROM "models")");
  del.where = tabula::ast::in_list{col("models", "id"), {p(0), p(1), p(2)}, false};
  del.returning = {{col("models", "id"), ""}};
  CHECK(sql(lite(), del) ==
        R"(DELETE FROM "models" WHERE "models"."id" IN (?1, ?2, ?3) RETURNING "models"."id")");
  CHECK(sql(pg(), del) ==
        R"(DELETE FROM "models" WHERE "models"."id" IN ($1, $2, $3) RETURNING "models"."id")");
}

TEST_CASE("data changes with a WITH clause", "[dialect][insert][update][delete]") {
  const ast::cte stale{"stale", {}, [] {
                         auto s = select_from({{col("id"), ""}}, "models");
                         s.where = lt(col("accuracy"), p(0));
                         return s;
                       }()};
  ast::delete_ del;
  del.with = {stale};
  del.table = {"models", ""};
  del.where = ast::in_select{col("id"), select_from({{col("id"), ""}}, "stale"), false};
  CHECK(
      sql(lite(), del) ==
      R"(WITH "stale" AS (SELECT "id" FROM "models" WHERE "accuracy" < ?1) DELETE FROM "models" WHERE "id" IN (SELECT "id" FROM "stale"))");

  ast::update up;
  up.with = {stale};
  up.table = {"models", ""};
  up.set = {{"accuracy", lit(tabula::ast::null_t{})}};
  up.where = ast::in_select{col("id"), select_from({{col("id"), ""}}, "stale"), false};
  CHECK(
      sql(pg(), up) ==
      R"(WITH "stale" AS (SELECT "id" FROM "models" WHERE "accuracy" < $1) UPDATE "models" SET "accuracy" = NULL WHERE "id" IN (SELECT "id" FROM "stale"))");

  ast::insert ins;
  ins.with = {stale};
  ins.table = {"archive", ""};
  ins.columns = {"id"};
  ins.from_select = ast::box<ast::select>(select_from({{col("id"), ""}}, "stale"));
  CHECK(
      sql(pg(), ins) ==
      R"(WITH "stale" AS (SELECT "id" FROM "models" WHERE "accuracy" < $1) INSERT INTO "archive" ("id") SELECT "id" FROM "stale")");
}
