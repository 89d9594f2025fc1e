// The SQL of every select construct, on SQLite and PostgreSQL.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "query/select_models.hpp"
#include "support/bind_recorder.hpp"
#include "support/dry_sql.hpp"

using tabula::col;
using namespace sel;
using tabula::test::bound_values;
using tabula::test::postgres_sql;
using tabula::test::sqlite_sql;
namespace t = tabula;

namespace {

struct lineage_row {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id{};
  std::int32_t depth = 0;
};
using lineage = t::cte<lineage_row, "lineage">;
using manager = t::alias<employee, "manager">;

struct ranked_row {
  std::int64_t model_id = 0;
  std::string dataset{};
  double score = 0;
  std::int64_t rn = 0;
};
using ranked = t::derived<ranked_row, "ranked">;

struct per_model {
  std::int64_t model_id = 0;
  std::int64_t runs = 0;
};
using counts = t::derived<per_model, "counts">;


}  // namespace

TEST_CASE("select list: expressions, labels, DISTINCT, FROM inferred or given") {
  const auto projection =
      t::select(col(&ml_model::name), col(&ml_model::accuracy).as<"acc">()).distinct();
  CHECK(sqlite_sql(projection) == R"(SELECT DISTINCT "models"."name", "models"."accuracy" AS "acc" FROM "models")");
  CHECK(postgres_sql(projection) == R"(SELECT DISTINCT "models"."name", "models"."accuracy" AS "acc" FROM "models")");

  const auto from = t::select(t::count()).from<ml_model>();
  CHECK(sqlite_sql(from) == R"(SELECT count(*) FROM "models")");
  CHECK(postgres_sql(from) == R"(SELECT count(*) FROM "models")");

  // A bare value in a select list carries its type: PostgreSQL cannot infer it there.
  const auto param = t::select(t::val(std::string("x")), t::val(1.5), col(&ml_model::id));
  CHECK(sqlite_sql(param) == R"(SELECT CAST(?1 AS TEXT), CAST(?2 AS REAL), "models"."id" FROM "models")");
  CHECK(postgres_sql(param) == R"(SELECT CAST($1 AS TEXT), CAST($2 AS DOUBLE PRECISION), "models"."id" FROM "models")");
}

TEST_CASE("group_by, having, and order_by with directions and NULL placement") {
  const auto group = t::select(col(&ml_model::framework), t::count(), t::avg(col(&ml_model::accuracy)))
                         .group_by(col(&ml_model::framework))
                         .having(t::count() > 1)
                         .order_by(t::desc(t::count()));
  CHECK(sqlite_sql(group) == R"(SELECT "models"."framework", count(*), avg("models"."accuracy") FROM "models" GROUP BY "models"."framework" HAVING count(*) > ?1 ORDER BY count(*) DESC)");
  CHECK(postgres_sql(group) == R"(SELECT "models"."framework", count(*), avg("models"."accuracy") FROM "models" GROUP BY "models"."framework" HAVING count(*) > $1 ORDER BY count(*) DESC)");

  const auto order = t::select_from<ml_model>()
                         .order_by(t::asc(&ml_model::accuracy).nulls_first(),
                                   t::desc(col(&ml_model::name)).nulls_last(), &ml_model::id)
                         .limit(10)
                         .offset(20);
  CHECK(sqlite_sql(order) == R"(SELECT "models"."id", "models"."name", "models"."framework", "models"."accuracy", "models"."parent_id" FROM "models" ORDER BY "models"."accuracy" NULLS FIRST, "models"."name" DESC NULLS LAST, "models"."id" LIMIT 10 OFFSET ?1)");
  CHECK(postgres_sql(order) == R"(SELECT "models"."id", "models"."name", "models"."framework", "models"."accuracy", "models"."parent_id" FROM "models" ORDER BY "models"."accuracy" NULLS FIRST, "models"."name" DESC NULLS LAST, "models"."id" LIMIT 10 OFFSET $1)");
  CHECK(bound_values(order) == std::vector<std::string>{"20"});  // LIMIT is SQL text: its shape

  const auto offset = t::select_from<ml_model>().offset(5);
  CHECK(sqlite_sql(offset) == R"(SELECT "models"."id", "models"."name", "models"."framework", "models"."accuracy", "models"."parent_id" FROM "models" LIMIT -1 OFFSET ?1)");
  CHECK(postgres_sql(offset) == R"(SELECT "models"."id", "models"."name", "models"."framework", "models"."accuracy", "models"."parent_id" FROM "models" OFFSET $1)");
}

TEST_CASE("joins of each kind, and a self-join through an alias") {
  const auto inner = t::select<ml_model, experiment>().join<experiment>(
      col(&experiment::model_id) == col(&ml_model::id));
  CHECK(sqlite_sql(inner) == R"(SELECT "models"."id", "models"."name", "models"."framework", "models"."accuracy", "models"."parent_id", "experiments"."id", "experiments"."model_id", "experiments"."dataset" FROM "models" INNER JOIN "experiments" ON "experiments"."model_id" = "models"."id")");
  CHECK(postgres_sql(inner) == R"(SELECT "models"."id", "models"."name", "models"."framework", "models"."accuracy", "models"."parent_id", "experiments"."id", "experiments"."model_id", "experiments"."dataset" FROM "models" INNER JOIN "experiments" ON "experiments"."model_id" = "models"."id")");

  const auto on = col(&experiment::model_id) == col(&ml_model::id);
  const auto left =
      t::select(col(&ml_model::name), col(&experiment::dataset)).left_join<experiment>(on);
  CHECK(sqlite_sql(left) == R"(SELECT "models"."name", "experiments"."dataset" FROM "models" LEFT OUTER JOIN "experiments" ON "experiments"."model_id" = "models"."id")");
  CHECK(postgres_sql(left) == R"(SELECT "models"."name", "experiments"."dataset" FROM "models" LEFT OUTER JOIN "experiments" ON "experiments"."model_id" = "models"."id")");

  const auto right = t::select(col(&ml_model::name), col(&experiment::dataset))
                         .from<ml_model>()
                         .right_join<experiment>(on);
  CHECK(sqlite_sql(right) == R"(SELECT "models"."name", "experiments"."dataset" FROM "models" RIGHT OUTER JOIN "experiments" ON "experiments"."model_id" = "models"."id")");
  CHECK(postgres_sql(right) == R"(SELECT "models"."name", "experiments"."dataset" FROM "models" RIGHT OUTER JOIN "experiments" ON "experiments"."model_id" = "models"."id")");

  const auto full = t::select(col(&ml_model::name), col(&experiment::dataset))
                        .from<ml_model>()
                        .full_join<experiment>(on);
  CHECK(sqlite_sql(full) == R"(SELECT "models"."name", "experiments"."dataset" FROM "models" FULL OUTER JOIN "experiments" ON "experiments"."model_id" = "models"."id")");
  CHECK(postgres_sql(full) == R"(SELECT "models"."name", "experiments"."dataset" FROM "models" FULL OUTER JOIN "experiments" ON "experiments"."model_id" = "models"."id")");

  const auto cross =
      t::select(col(&ml_model::name), col(&experiment::dataset)).from<ml_model>().cross_join<experiment>();
  CHECK(sqlite_sql(cross) == R"(SELECT "models"."name", "experiments"."dataset" FROM "models" CROSS JOIN "experiments")");
  CHECK(postgres_sql(cross) == R"(SELECT "models"."name", "experiments"."dataset" FROM "models" CROSS JOIN "experiments")");

  const auto self = t::select(col(&employee::name), col<manager>(&employee::name))
                        .left_join<manager>(col<manager>(&employee::id) == col(&employee::manager_id));
  CHECK(sqlite_sql(self) == R"(SELECT "employees"."name", "manager"."name" FROM "employees" LEFT OUTER JOIN "employees" AS "manager" ON "manager"."id" = "employees"."manager_id")");
  CHECK(postgres_sql(self) == R"(SELECT "employees"."name", "manager"."name" FROM "employees" LEFT OUTER JOIN "employees" AS "manager" ON "manager"."id" = "employees"."manager_id")");
}

TEST_CASE("subqueries in WHERE: IN, NOT IN, EXISTS, NOT EXISTS, scalar comparisons") {
  const auto in = t::select_from<ml_model>().where(t::in(
      col(&ml_model::id),
      t::select(col(&experiment::model_id)).where(col(&experiment::dataset) == "imagenet")));
  CHECK(sqlite_sql(in) == R"(SELECT "models"."id", "models"."name", "models"."framework", "models"."accuracy", "models"."parent_id" FROM "models" WHERE "models"."id" IN (SELECT "experiments"."model_id" FROM "experiments" WHERE "experiments"."dataset" = ?1))");
  CHECK(postgres_sql(in) == R"(SELECT "models"."id", "models"."name", "models"."framework", "models"."accuracy", "models"."parent_id" FROM "models" WHERE "models"."id" IN (SELECT "experiments"."model_id" FROM "experiments" WHERE "experiments"."dataset" = $1))");

  const auto not_in = t::select(col(&ml_model::id))
                          .where(t::not_in(col(&ml_model::id), t::select(col(&experiment::model_id))));
  CHECK(sqlite_sql(not_in) == R"(SELECT "models"."id" FROM "models" WHERE "models"."id" NOT IN (SELECT "experiments"."model_id" FROM "experiments"))");
  CHECK(postgres_sql(not_in) == R"(SELECT "models"."id" FROM "models" WHERE "models"."id" NOT IN (SELECT "experiments"."model_id" FROM "experiments"))");

  // Correlated: the subquery reads the enclosing select's model.
  const auto runs_of_model =
      t::select(col(&experiment::id)).where(col(&experiment::model_id) == col(&ml_model::id));
  const auto exists = t::select(col(&ml_model::name)).where(t::exists(runs_of_model));
  CHECK(sqlite_sql(exists) == R"(SELECT "models"."name" FROM "models" WHERE EXISTS (SELECT "experiments"."id" FROM "experiments" WHERE "experiments"."model_id" = "models"."id"))");
  CHECK(postgres_sql(exists) == R"(SELECT "models"."name" FROM "models" WHERE EXISTS (SELECT "experiments"."id" FROM "experiments" WHERE "experiments"."model_id" = "models"."id"))");
  const auto not_exists = t::select(col(&ml_model::name)).where(t::not_exists(runs_of_model));
  CHECK(sqlite_sql(not_exists) == R"(SELECT "models"."name" FROM "models" WHERE NOT EXISTS (SELECT "experiments"."id" FROM "experiments" WHERE "experiments"."model_id" = "models"."id"))");
  CHECK(postgres_sql(not_exists) == R"(SELECT "models"."name" FROM "models" WHERE NOT EXISTS (SELECT "experiments"."id" FROM "experiments" WHERE "experiments"."model_id" = "models"."id"))");

  const auto scalar = t::select(col(&ml_model::name))
                          .where(col(&ml_model::accuracy) >
                                 t::subquery(t::select(t::avg(col(&ml_model::accuracy)))));
  CHECK(sqlite_sql(scalar) == R"(SELECT "models"."name" FROM "models" WHERE "models"."accuracy" > (SELECT avg("models"."accuracy") FROM "models"))");
  CHECK(postgres_sql(scalar) == R"(SELECT "models"."name" FROM "models" WHERE "models"."accuracy" > (SELECT avg("models"."accuracy") FROM "models"))");
}

TEST_CASE("subqueries in the select list and in FROM") {
  const auto scalar_list =
      t::select(col(&ml_model::name),
                t::subquery(t::select(t::count())
                                .from<experiment>()
                                .where(col(&experiment::model_id) == col(&ml_model::id)))
                    .as<"experiments">());
  CHECK(sqlite_sql(scalar_list) == R"(SELECT "models"."name", (SELECT count(*) FROM "experiments" WHERE "experiments"."model_id" = "models"."id") AS "experiments" FROM "models")");
  CHECK(postgres_sql(scalar_list) == R"(SELECT "models"."name", (SELECT count(*) FROM "experiments" WHERE "experiments"."model_id" = "models"."id") AS "experiments" FROM "models")");

  const auto derived =
      t::select(col(&ml_model::name), col<counts>(&per_model::runs))
          .from(counts::as(t::select(col(&run::model_id), t::count()).group_by(col(&run::model_id))))
          .join<ml_model>(col(&ml_model::id) == col<counts>(&per_model::model_id));
  CHECK(sqlite_sql(derived) == R"(SELECT "models"."name", "counts"."runs" FROM (SELECT "runs"."model_id", count(*) AS "runs" FROM "runs" GROUP BY "runs"."model_id") AS "counts" INNER JOIN "models" ON "models"."id" = "counts"."model_id")");
  CHECK(postgres_sql(derived) == R"(SELECT "models"."name", "counts"."runs" FROM (SELECT "runs"."model_id", count(*) AS "runs" FROM "runs" GROUP BY "runs"."model_id") AS "counts" INNER JOIN "models" ON "models"."id" = "counts"."model_id")");
}

TEST_CASE("a recursive CTE walks a lineage") {
  const auto walk = lineage::as(
      t::select(col(&ml_model::id), col(&ml_model::parent_id), t::val(0))
          .where(col(&ml_model::id) == 5)
          .union_all(t::select(col(&ml_model::id), col(&ml_model::parent_id),
                               col<lineage>(&lineage_row::depth) + 1)
                         .from<ml_model>()
                         .join<lineage>(col<lineage>(&lineage_row::id) == col(&ml_model::parent_id))));
  const auto q = t::select(t::all_of<lineage>).with(walk).order_by(col<lineage>(&lineage_row::depth));
  CHECK(sqlite_sql(q) == R"(WITH RECURSIVE "lineage"("id", "parent_id", "depth") AS (SELECT "models"."id", "models"."parent_id", CAST(?1 AS INTEGER) FROM "models" WHERE "models"."id" = ?2 UNION ALL SELECT "models"."id", "models"."parent_id", "lineage"."depth" + ?3 FROM "models" INNER JOIN "lineage" ON "lineage"."id" = "models"."parent_id") SELECT "lineage"."id", "lineage"."parent_id", "lineage"."depth" FROM "lineage" ORDER BY "lineage"."depth")");
  CHECK(postgres_sql(q) == R"(WITH RECURSIVE "lineage"("id", "parent_id", "depth") AS (SELECT "models"."id", "models"."parent_id", CAST($1 AS INTEGER) FROM "models" WHERE "models"."id" = $2 UNION ALL SELECT "models"."id", "models"."parent_id", "lineage"."depth" + $3 FROM "models" INNER JOIN "lineage" ON "lineage"."id" = "models"."parent_id") SELECT "lineage"."id", "lineage"."parent_id", "lineage"."depth" FROM "lineage" ORDER BY "lineage"."depth")");
  CHECK(bound_values(q) == std::vector<std::string>{"0", "5", "1"});
}

TEST_CASE("set operations, with ORDER BY and LIMIT on the whole") {
  const auto names = t::select(col(&ml_model::name));
  const auto archived = t::select(col(&archived_model::name));

  const auto union_ = t::select(col(&ml_model::name))
                          .where(col(&ml_model::framework) == "jax")
                          .union_(archived)
                          .order_by(t::desc(col(&ml_model::name)))
                          .limit(3);
  CHECK(sqlite_sql(union_) == R"(SELECT "models"."name" FROM "models" WHERE "models"."framework" = ?1 UNION SELECT "archived_models"."name" FROM "archived_models" ORDER BY "name" DESC LIMIT 3)");
  CHECK(postgres_sql(union_) == R"(SELECT "models"."name" FROM "models" WHERE "models"."framework" = $1 UNION SELECT "archived_models"."name" FROM "archived_models" ORDER BY "name" DESC LIMIT 3)");
  CHECK(bound_values(union_) == std::vector<std::string>{"jax"});

  CHECK(sqlite_sql(names.union_all(archived)) == R"(SELECT "models"."name" FROM "models" UNION ALL SELECT "archived_models"."name" FROM "archived_models")");
  CHECK(postgres_sql(names.union_all(archived)) == R"(SELECT "models"."name" FROM "models" UNION ALL SELECT "archived_models"."name" FROM "archived_models")");
  CHECK(sqlite_sql(names.intersect(archived)) == R"(SELECT "models"."name" FROM "models" INTERSECT SELECT "archived_models"."name" FROM "archived_models")");
  CHECK(postgres_sql(names.intersect(archived)) == R"(SELECT "models"."name" FROM "models" INTERSECT SELECT "archived_models"."name" FROM "archived_models")");
  const auto except = names.except_(archived).except_(t::select(col(&employee::name)));
  CHECK(sqlite_sql(except) == R"(SELECT "models"."name" FROM "models" EXCEPT SELECT "archived_models"."name" FROM "archived_models" EXCEPT SELECT "employees"."name" FROM "employees")");
  CHECK(postgres_sql(except) == R"(SELECT "models"."name" FROM "models" EXCEPT SELECT "archived_models"."name" FROM "archived_models" EXCEPT SELECT "employees"."name" FROM "employees")");

  // A first operand with its own ORDER BY / LIMIT keeps them to itself.
  const auto limited = t::select(col(&ml_model::name))
                           .order_by(col(&ml_model::id))
                           .limit(2)
                           .union_all(t::select(col(&archived_model::name))
                                          .order_by(col(&archived_model::id))
                                          .limit(2));
  CHECK(sqlite_sql(limited) == R"(SELECT * FROM (SELECT "models"."name" FROM "models" ORDER BY "models"."id" LIMIT 2) AS "first" UNION ALL SELECT * FROM (SELECT "archived_models"."name" FROM "archived_models" ORDER BY "archived_models"."id" LIMIT 2))");
  CHECK(postgres_sql(limited) == R"(SELECT * FROM (SELECT "models"."name" FROM "models" ORDER BY "models"."id" LIMIT 2) AS "first" UNION ALL (SELECT "archived_models"."name" FROM "archived_models" ORDER BY "archived_models"."id" LIMIT 2))");

  // A compound's ORDER BY names a labelled result column by its label.
  const auto by_label = t::select(col(&ml_model::name).as<"n">())
                            .union_(t::select(col(&archived_model::name).as<"n">()))
                            .order_by(t::desc(col(&ml_model::name).as<"n">()));
  CHECK(sqlite_sql(by_label) ==
        R"(SELECT "models"."name" AS "n" FROM "models" UNION SELECT "archived_models"."name" AS "n" FROM "archived_models" ORDER BY "n" DESC)");
  CHECK(postgres_sql(by_label) ==
        R"(SELECT "models"."name" AS "n" FROM "models" UNION SELECT "archived_models"."name" AS "n" FROM "archived_models" ORDER BY "n" DESC)");
}

TEST_CASE("window functions in the select list and ORDER BY; top-k per group") {
  const auto rn = t::row_number().over(t::partition_by(col(&run::model_id)),
                                       t::order_by(t::desc(col(&run::score))));
  const auto window =
      t::select(col(&run::model_id), col(&run::score), rn.as<"rn">()).order_by(col(&run::model_id), rn);
  CHECK(sqlite_sql(window) == R"(SELECT "runs"."model_id", "runs"."score", row_number() OVER (PARTITION BY "runs"."model_id" ORDER BY "runs"."score" DESC) AS "rn" FROM "runs" ORDER BY "runs"."model_id", row_number() OVER (PARTITION BY "runs"."model_id" ORDER BY "runs"."score" DESC))");
  CHECK(postgres_sql(window) == R"(SELECT "runs"."model_id", "runs"."score", row_number() OVER (PARTITION BY "runs"."model_id" ORDER BY "runs"."score" DESC) AS "rn" FROM "runs" ORDER BY "runs"."model_id", row_number() OVER (PARTITION BY "runs"."model_id" ORDER BY "runs"."score" DESC))");

  const auto topk =
      t::select(t::all_of<ranked>)
          .from(ranked::as(t::select(col(&run::model_id), col(&run::dataset), col(&run::score), rn)))
          .where(col<ranked>(&ranked_row::rn) <= 2);
  CHECK(sqlite_sql(topk) == R"(SELECT "ranked"."model_id", "ranked"."dataset", "ranked"."score", "ranked"."rn" FROM (SELECT "runs"."model_id", "runs"."dataset", "runs"."score", row_number() OVER (PARTITION BY "runs"."model_id" ORDER BY "runs"."score" DESC) AS "rn" FROM "runs") AS "ranked" WHERE "ranked"."rn" <= ?1)");
  CHECK(postgres_sql(topk) == R"(SELECT "ranked"."model_id", "ranked"."dataset", "ranked"."score", "ranked"."rn" FROM (SELECT "runs"."model_id", "runs"."dataset", "runs"."score", row_number() OVER (PARTITION BY "runs"."model_id" ORDER BY "runs"."score" DESC) AS "rn" FROM "runs") AS "ranked" WHERE "ranked"."rn" <= $1)");
}

TEST_CASE("parameters of subqueries, CTEs and derived tables bind in the order they are numbered") {
  using recent = t::derived<ml_model, "recent">;
  const auto q =
      t::select(col<recent>(&ml_model::name), t::val(std::string("a")))
          .from(recent::as(t::select_from<ml_model>().where(col(&ml_model::framework) == "b").offset(7)))
          .where(t::in(col<recent>(&ml_model::id),
                       t::select(col(&experiment::model_id)).where(col(&experiment::dataset) == "c")))
          .offset(9);
  CHECK(bound_values(q) == std::vector<std::string>{"a", "b", "7", "c", "9"});
  const std::string sql = sqlite_sql(q);
  INFO(sql);
  // Each value's slot appears where its value belongs.
  CHECK(sql.find("CAST(?1 AS TEXT)") != std::string::npos);
  CHECK(sql.find("\"framework\" = ?2") != std::string::npos);
  CHECK(sql.find("OFFSET ?3") != std::string::npos);
  CHECK(sql.find("\"dataset\" = ?4") != std::string::npos);
  CHECK(sql.find("OFFSET ?5") != std::string::npos);
  // A derived table's columns are named after its row struct; names already right stay bare.
  CHECK(sql.find(R"("models"."name", )") != std::string::npos);
  CHECK(sql.find(R"(AS "name")") == std::string::npos);
}

TEST_CASE("a select's SQL is cached per type unless a part depends on run-time data") {
  using fixed = decltype(t::select(col(&ml_model::name)).where(col(&ml_model::id) == 1).limit(3));
  STATIC_REQUIRE(fixed::fixed_shape);
  using labelled_at_run_time = decltype(t::select(col(&ml_model::name).as(std::string("n"))));
  STATIC_REQUIRE_FALSE(labelled_at_run_time::fixed_shape);
  // A condition composed at run time, even inside a subquery, is compiled per execution.
  using filtered = decltype(t::select(col(&ml_model::name))
                                .where(t::exists(t::select(col(&experiment::id))
                                                     .where(std::declval<t::filter<experiment>>()))));
  STATIC_REQUIRE_FALSE(filtered::fixed_shape);
  // Direction and NULL placement are SQL text, so they are part of the type.
  using by = decltype(col(&ml_model::accuracy));
  STATIC_REQUIRE_FALSE(std::is_same_v<decltype(t::asc(std::declval<by>())),
                                      decltype(t::desc(std::declval<by>()))>);
  STATIC_REQUIRE_FALSE(std::is_same_v<decltype(t::desc(std::declval<by>()).nulls_first()),
                                      decltype(t::desc(std::declval<by>()).nulls_last())>);
}

TEST_CASE("an expression with a value repeated in GROUP BY / ORDER BY reuses its parameters") {
  // PostgreSQL matches GROUP BY to the select list by comparing expressions, and `$1` is not
  // `$2`: each repeat of the select item must print the same placeholders.
  const auto b = col(&run::epoch) / 10;
  const auto grouped = t::select(b, t::count()).group_by(b).order_by(b);
  CHECK(sqlite_sql(grouped) == R"(SELECT "runs"."epoch" / ?1, count(*) FROM "runs" GROUP BY "runs"."epoch" / ?1 ORDER BY "runs"."epoch" / ?1)");
  CHECK(postgres_sql(grouped) == R"(SELECT "runs"."epoch" / $1, count(*) FROM "runs" GROUP BY "runs"."epoch" / $1 ORDER BY "runs"."epoch" / $1)");
  CHECK(bound_values(grouped) == std::vector<std::string>{"10"});

  // Written out twice, with equal values: the same expression.
  const auto twice = t::select(col(&run::epoch) / 10).group_by(col(&run::epoch) / 10);
  CHECK(postgres_sql(twice) == R"(SELECT "runs"."epoch" / $1 FROM "runs" GROUP BY "runs"."epoch" / $1)");
  CHECK(bound_values(twice) == std::vector<std::string>{"10"});

  // Of one type but with other values, or other columns: parameters of their own.
  const auto other_value = t::select(col(&run::epoch) / 10).group_by(col(&run::epoch) / 5);
  STATIC_REQUIRE(std::is_same_v<decltype(other_value), decltype(twice)>);
  CHECK(sqlite_sql(other_value) == R"(SELECT "runs"."epoch" / ?1 FROM "runs" GROUP BY "runs"."epoch" / ?2)");
  CHECK(postgres_sql(other_value) == R"(SELECT "runs"."epoch" / $1 FROM "runs" GROUP BY "runs"."epoch" / $2)");
  CHECK(bound_values(other_value) == std::vector<std::string>{"10", "5"});
  const auto other_column =
      t::select(col(&run::id) % 3, t::count()).group_by(col(&run::model_id) % 3);
  CHECK(postgres_sql(other_column) == R"(SELECT "runs"."id" % $1, count(*) FROM "runs" GROUP BY "runs"."model_id" % $2)");
  CHECK(bound_values(other_column) == std::vector<std::string>{"3", "3"});

  // Values elsewhere keep their order; ORDER BY may repeat a GROUP BY term not selected.
  const auto around = t::select(t::count())
                          .from<run>()
                          .where(col(&run::score) > 0.5)
                          .group_by(b)
                          .having(t::count() > 1)
                          .order_by(t::desc(b))
                          .offset(2);
  CHECK(sqlite_sql(around) == R"(SELECT count(*) FROM "runs" WHERE "runs"."score" > ?1 GROUP BY "runs"."epoch" / ?2 HAVING count(*) > ?3 ORDER BY "runs"."epoch" / ?2 DESC LIMIT -1 OFFSET ?4)");
  CHECK(postgres_sql(around) == R"(SELECT count(*) FROM "runs" WHERE "runs"."score" > $1 GROUP BY "runs"."epoch" / $2 HAVING count(*) > $3 ORDER BY "runs"."epoch" / $2 DESC OFFSET $4)");
  CHECK(bound_values(around) == std::vector<std::string>{"0.5", "10", "1", "2"});
}

TEST_CASE("CASE buckets, coalesce with a value, and a labelled DISTINCT item repeated in ORDER BY") {
  const auto bucket =
      t::case_when(col(&run::score) < 0.7, "low").when(col(&run::score) < 0.85, "mid").otherwise("high");
  const auto buckets = t::select(bucket, t::count()).group_by(bucket).order_by(t::desc(bucket));
  CHECK(sqlite_sql(buckets) == R"(SELECT CASE WHEN "runs"."score" < ?1 THEN CAST(?2 AS TEXT) WHEN "runs"."score" < ?3 THEN CAST(?4 AS TEXT) ELSE CAST(?5 AS TEXT) END, count(*) FROM "runs" GROUP BY CASE WHEN "runs"."score" < ?1 THEN CAST(?2 AS TEXT) WHEN "runs"."score" < ?3 THEN CAST(?4 AS TEXT) ELSE CAST(?5 AS TEXT) END ORDER BY CASE WHEN "runs"."score" < ?1 THEN CAST(?2 AS TEXT) WHEN "runs"."score" < ?3 THEN CAST(?4 AS TEXT) ELSE CAST(?5 AS TEXT) END DESC)");
  CHECK(postgres_sql(buckets) == R"(SELECT CASE WHEN "runs"."score" < $1 THEN CAST($2 AS TEXT) WHEN "runs"."score" < $3 THEN CAST($4 AS TEXT) ELSE CAST($5 AS TEXT) END, count(*) FROM "runs" GROUP BY CASE WHEN "runs"."score" < $1 THEN CAST($2 AS TEXT) WHEN "runs"."score" < $3 THEN CAST($4 AS TEXT) ELSE CAST($5 AS TEXT) END ORDER BY CASE WHEN "runs"."score" < $1 THEN CAST($2 AS TEXT) WHEN "runs"."score" < $3 THEN CAST($4 AS TEXT) ELSE CAST($5 AS TEXT) END DESC)");
  CHECK(bound_values(buckets).size() == 5);

  const auto acc = t::coalesce(col(&ml_model::accuracy), 0.5);
  const auto by_acc = t::select(acc, t::count()).group_by(acc).order_by(acc);
  CHECK(sqlite_sql(by_acc) == R"(SELECT coalesce("models"."accuracy", ?1), count(*) FROM "models" GROUP BY coalesce("models"."accuracy", ?1) ORDER BY coalesce("models"."accuracy", ?1))");
  CHECK(postgres_sql(by_acc) == R"(SELECT coalesce("models"."accuracy", $1), count(*) FROM "models" GROUP BY coalesce("models"."accuracy", $1) ORDER BY coalesce("models"."accuracy", $1))");
  CHECK(bound_values(by_acc) == std::vector<std::string>{"0.5"});

  // A label is not part of the expression: ORDER BY repeats the labelled item.
  const auto b = col(&run::epoch) / 10;
  const auto distinct = t::select(b.as<"b">()).distinct().order_by(b);
  CHECK(sqlite_sql(distinct) == R"(SELECT DISTINCT "runs"."epoch" / ?1 AS "b" FROM "runs" ORDER BY "runs"."epoch" / ?1)");
  CHECK(postgres_sql(distinct) == R"(SELECT DISTINCT "runs"."epoch" / $1 AS "b" FROM "runs" ORDER BY "runs"."epoch" / $1)");
  CHECK(bound_values(distinct) == std::vector<std::string>{"10"});
}

TEST_CASE("which items repeat is a part of the statement's shape, and costs nothing without repeats") {
  const auto shape_of = [](const auto& s) {
    t::detail::shape_key key;
    t::detail::statement_binder probe{key};
    s.bind(probe);
    return key;
  };
  const auto same = t::select(col(&run::epoch) * 1).order_by(col(&run::epoch) * 1);
  const auto other = t::select(col(&run::epoch) * 1).order_by(col(&run::epoch) * -1);
  STATIC_REQUIRE(std::is_same_v<decltype(same), decltype(other)>);
  CHECK_FALSE(shape_of(same) == shape_of(other));
  CHECK(postgres_sql(same) == R"(SELECT "runs"."epoch" * $1 FROM "runs" ORDER BY "runs"."epoch" * $1)");
  CHECK(postgres_sql(other) == R"(SELECT "runs"."epoch" * $1 FROM "runs" ORDER BY "runs"."epoch" * $2)");

  // No two items of one type that can hold a value (columns hold none): no word in the shape
  // beyond the members the columns name, nothing compared.
  CHECK(shape_of(t::select(col(&run::epoch) / 10, t::count()).group_by(&run::epoch)).size == 2);
  CHECK(shape_of(t::select(col(&run::epoch)).group_by(&run::epoch).order_by(&run::epoch)).size == 3);
  CHECK(shape_of(same).size == 2);   // which items repeat, and the select item's member
  CHECK(shape_of(other).size == 3);  // ... and the ORDER BY term's, which is not a repeat
}

TEST_CASE("row locks: FOR UPDATE / FOR SHARE with NOWAIT or SKIP LOCKED; refused on SQLite") {
  const auto base = t::select(col(&ml_model::id)).from<ml_model>().limit(1);
  CHECK(postgres_sql(base.for_update()) ==
        R"(SELECT "models"."id" FROM "models" LIMIT 1 FOR UPDATE)");
  CHECK(postgres_sql(base.for_update().nowait()) ==
        R"(SELECT "models"."id" FROM "models" LIMIT 1 FOR UPDATE NOWAIT)");
  CHECK(postgres_sql(base.for_update().skip_locked()) ==
        R"(SELECT "models"."id" FROM "models" LIMIT 1 FOR UPDATE SKIP LOCKED)");
  CHECK(postgres_sql(base.for_share()) == R"(SELECT "models"."id" FROM "models" LIMIT 1 FOR SHARE)");
  CHECK(postgres_sql(base.for_share().skip_locked()) ==
        R"(SELECT "models"."id" FROM "models" LIMIT 1 FOR SHARE SKIP LOCKED)");
  CHECK_THROWS_AS(sqlite_sql(base.for_update()), tabula::not_supported_error);
  CHECK(sqlite_sql(base) == R"(SELECT "models"."id" FROM "models" LIMIT 1)");
}
