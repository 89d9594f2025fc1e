// Typed INSERT / UPDATE / DELETE without a database: the SQL each construct lowers to on
// SQLite and PostgreSQL, the order values are bound in, how value lists are split into
// statements, and the compile-time guards.

#include <catch2/catch.hpp>

#include "support/bind_recorder.hpp"
#include "support/dry_sql.hpp"

#include <string>
#include <tuple>
#include <vector>

#include "query/dml_models.hpp"

using tabula::col;
using tabula::excluded;
using namespace dml_test;

using tabula::test::bound_values;
using tabula::test::sql_of;

namespace {

using strings = std::vector<std::string>;

/// A SELECT of three columns of `metric` as a tuple, built by hand: what from_select() needs
/// of any typed SELECT (row_type, fixed_shape, lower, bind).
struct metric_projection {
  using row_type = std::tuple<std::string, std::string, double>;
  static constexpr bool fixed_shape = true;
  double above = 0;
  [[nodiscard]] tabula::ast::statement lower() const {
    namespace ast = tabula::ast;
    ast::select s;
    for (const char* c : {"experiment", "name", "value"}) {
      s.columns.push_back({ast::column_ref{"metrics", c}, {}});
    }
    s.from = ast::table_ref{"metrics", {}};
    s.where = ast::binary{ast::binary_op::gt, ast::expr{ast::column_ref{"metrics", "value"}},
                          ast::expr{ast::param{0}}};
    return s;
  }
  template <class Binder>
  void bind(Binder& b) const {
    b(above);
  }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Compile-time guards

namespace {
using unscoped_update = decltype(tabula::update<counter>().set(col(&counter::n) = 1));
using unscoped_delete = decltype(tabula::delete_from<counter>());
}  // namespace

// An UPDATE or DELETE may run only with a where() or after all_rows().
static_assert(!tabula::row_scoped<unscoped_update>);
static_assert(
    !tabula::row_scoped<decltype(std::declval<unscoped_update>().returning(&counter::id))>);
static_assert(
    tabula::row_scoped<decltype(std::declval<unscoped_update>().where(col(&counter::id) == 1))>);
static_assert(tabula::row_scoped<decltype(std::declval<unscoped_update>().all_rows())>);
static_assert(!tabula::row_scoped<unscoped_delete>);
static_assert(
    tabula::row_scoped<decltype(std::declval<unscoped_delete>().where(col(&counter::n) > 1))>);
static_assert(tabula::row_scoped<decltype(std::declval<unscoped_delete>().all_rows())>);

// returning() takes members and expressions of the model written, nothing else.
static_assert(tabula::returnable<counter, decltype(&counter::n)>);
static_assert(tabula::returnable<counter, decltype(col(&counter::n))>);
static_assert(!tabula::returnable<counter, decltype(&metric::id)>);
static_assert(!tabula::returnable<counter, decltype(col(&metric::value))>);
static_assert(!tabula::returnable<counter, decltype(col(&counter::n) == col(&metric::id))>);
static_assert(!tabula::returnable<counter, int>);

// Rows: tuples of the returned members' types, or whole models.
static_assert(std::is_same_v<decltype(tabula::delete_from<metric>().all_rows().returning(
                                 &metric::id, &metric::step))::row_type,
                             std::tuple<std::int64_t, std::optional<std::int32_t>>>);
static_assert(
    std::is_same_v<decltype(tabula::insert_into<metric>().returning_model())::row_type, metric>);
static_assert(
    std::is_same_v<decltype(tabula::insert_into<metric>().returning<metric>())::row_type, metric>);
static_assert(std::is_void_v<decltype(tabula::insert_into<metric>())::row_type>);

// The SQL of a statement whose shape its type fixes is cached; a value list's is not (its
// statements are, per chunk shape).
static_assert(unscoped_update::fixed_shape);
static_assert(decltype(std::declval<unscoped_delete>().where(col(&counter::n) > 1))::fixed_shape);
static_assert(
    !decltype(tabula::insert_into<counter>().values(std::vector<counter>{}))::fixed_shape);
static_assert(decltype(tabula::insert_into<archived_metric>().from_select(
    metric_projection{}, &archived_metric::experiment, &archived_metric::name,
    &archived_metric::value))::fixed_shape);

// ---------------------------------------------------------------------------------------------
// INSERT

TEST_CASE("insert one model: the generated key is left out when it is 0, sent when set") {
  counter c{0, "hits", 3};
  auto q = tabula::insert_into<counter>().values(c);
  CHECK(sql_of(q).sqlite == R"(INSERT INTO "counters" ("label", "n") VALUES (?1, ?2))");
  CHECK(sql_of(q).postgres == R"(INSERT INTO "counters" ("label", "n") VALUES ($1, $2))");
  CHECK(bound_values(q) == strings{"hits", "3"});

  c.id = 42;  // an lvalue is read when the statement runs
  CHECK(sql_of(q).sqlite == R"(INSERT INTO "counters" ("id", "label", "n") VALUES (?1, ?2, ?3))");
  CHECK(sql_of(q).postgres == R"(INSERT INTO "counters" ("id", "label", "n") VALUES ($1, $2, $3))");
  CHECK(bound_values(q) == strings{"42", "hits", "3"});

  // An rvalue is kept by the statement.
  auto owned = tabula::insert_into<counter>().values(counter{0, "kept", 9});
  CHECK(bound_values(owned) == strings{"kept", "9"});
}

TEST_CASE("insert a range: one VALUES tuple per element, parameters numbered row by row") {
  std::vector<metric> ms{{0, "e1", "loss", 0.5, 1}, {0, "e1", "acc", 0.75, std::nullopt}};
  auto q = tabula::insert_into<metric>().values(ms);
  CHECK(
      sql_of(q).sqlite ==
      R"(INSERT INTO "metrics" ("experiment", "name", "value", "step") VALUES (?1, ?2, ?3, ?4), (?5, ?6, ?7, ?8))");
  CHECK(
      sql_of(q).postgres ==
      R"(INSERT INTO "metrics" ("experiment", "name", "value", "step") VALUES ($1, $2, $3, $4), ($5, $6, $7, $8))");
  CHECK(bound_values(q) == strings{"e1", "loss", "0.5", "1", "e1", "acc", "0.75", "NULL"});

  // Rows that give the generated key and rows that do not cannot share one statement: running
  // the statement splits them; lowering it whole is refused.
  ms[1].id = 7;
  CHECK_THROWS_AS(q.lower(), tabula::programming_error);
  CHECK_THROWS_WITH(q.lower(), Catch::Contains("some rows give the generated key"));
  CHECK_THROWS_AS(tabula::insert_into<metric>().values(std::vector<metric>{}).lower(),
                  tabula::programming_error);
}

TEST_CASE("insert with RETURNING members or the whole model") {
  counter c{0, "x", 1};
  auto members = tabula::insert_into<counter>().values(c).returning(&counter::id, &counter::n);
  CHECK(
      sql_of(members).sqlite ==
      R"(INSERT INTO "counters" ("label", "n") VALUES (?1, ?2) RETURNING "counters"."id", "counters"."n")");
  CHECK(
      sql_of(members).postgres ==
      R"(INSERT INTO "counters" ("label", "n") VALUES ($1, $2) RETURNING "counters"."id", "counters"."n")");

  auto whole = tabula::insert_into<counter>().values(c).returning_model();
  const std::string returning_all =
      R"( RETURNING "counters"."id", "counters"."label", "counters"."n")";
  CHECK(sql_of(whole).sqlite ==
        R"(INSERT INTO "counters" ("label", "n") VALUES (?1, ?2))" + returning_all);
  CHECK(sql_of(whole).postgres ==
        R"(INSERT INTO "counters" ("label", "n") VALUES ($1, $2))" + returning_all);
  CHECK(sql_of(tabula::insert_into<counter>().values(c).returning<counter>()).sqlite ==
        sql_of(whole).sqlite);
}

TEST_CASE("upsert: on_conflict do_nothing, with and without a target") {
  metric m{0, "e1", "loss", 0.5, 1};
  auto q = tabula::insert_into<metric>()
               .values(m)
               .on_conflict(&metric::experiment, &metric::name)
               .do_nothing();
  const std::string tail = R"( ON CONFLICT ("experiment", "name") DO NOTHING)";
  CHECK(sql_of(q).sqlite ==
        R"(INSERT INTO "metrics" ("experiment", "name", "value", "step") VALUES (?1, ?2, ?3, ?4))" +
            tail);
  CHECK(sql_of(q).postgres ==
        R"(INSERT INTO "metrics" ("experiment", "name", "value", "step") VALUES ($1, $2, $3, $4))" +
            tail);

  auto any = tabula::insert_into<metric>().on_conflict().do_nothing().values(m);
  CHECK(
      sql_of(any).sqlite ==
      R"(INSERT INTO "metrics" ("experiment", "name", "value", "step") VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING)");
  CHECK(
      sql_of(any).postgres ==
      R"(INSERT INTO "metrics" ("experiment", "name", "value", "step") VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING)");
}

TEST_CASE("upsert: do_update with excluded values, a where and returning") {
  metric m{0, "e1", "loss", 0.5, 1};
  auto q =
      tabula::insert_into<metric>()
          .values(m)
          .on_conflict(&metric::experiment, &metric::name)
          .do_update(col(&metric::value) = excluded(&metric::value),
                     col(&metric::step) = excluded(&metric::step))
          .where(col(&metric::value) != excluded(&metric::value) && col(&metric::value) < 100.0)
          .returning(&metric::id);
  CHECK(
      sql_of(q).sqlite ==
      R"(INSERT INTO "metrics" ("experiment", "name", "value", "step") VALUES (?1, ?2, ?3, ?4) )"
      R"(ON CONFLICT ("experiment", "name") DO UPDATE SET "value" = excluded."value", "step" = excluded."step" )"
      R"(WHERE ("metrics"."value" <> excluded."value") AND ("metrics"."value" < ?5) RETURNING "metrics"."id")");
  CHECK(
      sql_of(q).postgres ==
      R"(INSERT INTO "metrics" ("experiment", "name", "value", "step") VALUES ($1, $2, $3, $4) )"
      R"(ON CONFLICT ("experiment", "name") DO UPDATE SET "value" = excluded."value", "step" = excluded."step" )"
      R"(WHERE ("metrics"."value" <> excluded."value") AND ("metrics"."value" < $5) RETURNING "metrics"."id")");
  CHECK(bound_values(q) == strings{"e1", "loss", "0.5", "1", "100."});

  // Values in DO UPDATE come after every row's values.
  std::vector<metric> two{m, m};
  auto sum =
      tabula::insert_into<metric>()
          .values(two)
          .on_conflict(&metric::experiment, &metric::name)
          .do_update(col(&metric::value) = col(&metric::value) + excluded(&metric::value) * 2.0);
  CHECK(
      sql_of(sum).postgres ==
      R"(INSERT INTO "metrics" ("experiment", "name", "value", "step") VALUES ($1, $2, $3, $4), ($5, $6, $7, $8) )"
      R"(ON CONFLICT ("experiment", "name") DO UPDATE SET "value" = "metrics"."value" + (excluded."value" * $9))");
  CHECK(bound_values(sum).size() == 9);
  CHECK(bound_values(sum).back() == "2.");
}

TEST_CASE("insert from a select: every column, or the members named") {
  auto all_columns = tabula::insert_into<archived_metric>().from_select(
      tabula::select_from<metric>().where(col(&metric::value) > 1.0));
  const std::string select_all =
      R"(SELECT "metrics"."id", "metrics"."experiment", "metrics"."name", "metrics"."value", "metrics"."step" FROM "metrics")";
  CHECK(sql_of(all_columns).sqlite ==
        R"(INSERT INTO "metrics_archive" ("id", "experiment", "name", "value", "step") )" +
            select_all + R"( WHERE "metrics"."value" > ?1)");
  CHECK(sql_of(all_columns).postgres ==
        R"(INSERT INTO "metrics_archive" ("id", "experiment", "name", "value", "step") )" +
            select_all + R"( WHERE "metrics"."value" > $1)");
  CHECK(bound_values(all_columns) == strings{"1."});

  // Parameters of ON CONFLICT continue after the select's.
  auto named = tabula::insert_into<archived_metric>()
                   .from_select(metric_projection{0.25}, &archived_metric::experiment,
                                &archived_metric::name, &archived_metric::value)
                   .on_conflict(&archived_metric::id)
                   .do_update(col(&archived_metric::value) = 0.0)
                   .returning(&archived_metric::id);
  CHECK(
      sql_of(named).sqlite ==
      R"(INSERT INTO "metrics_archive" ("experiment", "name", "value") SELECT "metrics"."experiment", "metrics"."name", "metrics"."value" FROM "metrics" WHERE "metrics"."value" > ?1 )"
      R"(ON CONFLICT ("id") DO UPDATE SET "value" = ?2 RETURNING "metrics_archive"."id")");
  CHECK(
      sql_of(named).postgres ==
      R"(INSERT INTO "metrics_archive" ("experiment", "name", "value") SELECT "metrics"."experiment", "metrics"."name", "metrics"."value" FROM "metrics" WHERE "metrics"."value" > $1 )"
      R"(ON CONFLICT ("id") DO UPDATE SET "value" = $2 RETURNING "metrics_archive"."id")");
  CHECK(bound_values(named) == strings{"0.25", "0."});

  // SQLite reads `ON` after a select without WHERE as a join constraint: it gets WHERE true.
  auto unfiltered = tabula::insert_into<archived_metric>()
                        .from_select(tabula::select_from<metric>())
                        .on_conflict()
                        .do_nothing();
  CHECK(sql_of(unfiltered).sqlite ==
        R"(INSERT INTO "metrics_archive" ("id", "experiment", "name", "value", "step") )" +
            select_all + R"( WHERE true ON CONFLICT DO NOTHING)");
  CHECK(sql_of(unfiltered).postgres ==
        R"(INSERT INTO "metrics_archive" ("id", "experiment", "name", "value", "step") )" +
            select_all + R"( ON CONFLICT DO NOTHING)");
}

// ---------------------------------------------------------------------------------------------
// UPDATE and DELETE

TEST_CASE("update with expressions, where and returning") {
  auto q = tabula::update<counter>()
               .set(col(&counter::n) = col(&counter::n) + 1, col(&counter::label) = "x")
               .where(col(&counter::id) == 7)
               .returning(&counter::n);
  CHECK(
      sql_of(q).sqlite ==
      R"(UPDATE "counters" SET "n" = "counters"."n" + ?1, "label" = ?2 WHERE "counters"."id" = ?3 RETURNING "counters"."n")");
  CHECK(
      sql_of(q).postgres ==
      R"(UPDATE "counters" SET "n" = "counters"."n" + $1, "label" = $2 WHERE "counters"."id" = $3 RETURNING "counters"."n")");
  CHECK(bound_values(q) == strings{"1", "x", "7"});

  // set() and where() add up: assignments in order, conditions with AND.
  auto more = tabula::update<counter>()
                  .set(col(&counter::n) = 0)
                  .where(col(&counter::n) > 5)
                  .set(col(&counter::label) = std::string("reset"))
                  .where(col(&counter::label) != "keep")
                  .returning_model();
  CHECK(
      sql_of(more).postgres ==
      R"(UPDATE "counters" SET "n" = $1, "label" = $2 WHERE ("counters"."n" > $3) AND ("counters"."label" <> $4) )"
      R"(RETURNING "counters"."id", "counters"."label", "counters"."n")");
  CHECK(bound_values(more) == strings{"0", "reset", "5", "keep"});
}

TEST_CASE("update every row only with all_rows()") {
  auto q = tabula::update<counter>().set(col(&counter::n) = col(&counter::n) * 2).all_rows();
  CHECK(sql_of(q).sqlite == R"(UPDATE "counters" SET "n" = "counters"."n" * ?1)");
  CHECK(sql_of(q).postgres == R"(UPDATE "counters" SET "n" = "counters"."n" * $1)");
}

TEST_CASE("delete with where and returning, or every row with all_rows()") {
  auto q = tabula::delete_from<metric>()
               .where(col(&metric::experiment) == "e1" && col(&metric::step) == std::nullopt)
               .returning(&metric::id, &metric::name);
  CHECK(
      sql_of(q).sqlite ==
      R"(DELETE FROM "metrics" WHERE ("metrics"."experiment" = ?1) AND ("metrics"."step" IS NULL) RETURNING "metrics"."id", "metrics"."name")");
  CHECK(
      sql_of(q).postgres ==
      R"(DELETE FROM "metrics" WHERE ("metrics"."experiment" = $1) AND ("metrics"."step" IS NULL) RETURNING "metrics"."id", "metrics"."name")");
  CHECK(bound_values(q) == strings{"e1"});

  auto every = tabula::delete_from<metric>().all_rows().returning_model();
  CHECK(
      sql_of(every).sqlite ==
      R"(DELETE FROM "metrics" RETURNING "metrics"."id", "metrics"."experiment", "metrics"."name", "metrics"."value", "metrics"."step")");
  CHECK(sql_of(tabula::delete_from<metric>().all_rows()).postgres == R"(DELETE FROM "metrics")");
}

// ---------------------------------------------------------------------------------------------
// Splitting value lists into statements

TEST_CASE("rows per INSERT statement: under the parameter limit, at most 1000") {
  using tabula::detail::dml::rows_per_insert;
  CHECK(rows_per_insert(32766, 4, 0) == 1000);   // SQLite, 4 columns: the row cap
  CHECK(rows_per_insert(32766, 40, 0) == 819);   // 40 columns: the parameter limit
  CHECK(rows_per_insert(7499, 100, 0) == 74);  // PostgreSQL
  CHECK(rows_per_insert(7499, 100, 99) == 74);
  CHECK(rows_per_insert(7499, 100, 100) == 73);  // DO UPDATE values take room too
  CHECK(rows_per_insert(999, 3, 0) == 333);
  CHECK(rows_per_insert(10, 20, 0) == 1);  // never less than one row
  CHECK(rows_per_insert(32766, 0, 0) == 1);  // no columns: DEFAULT VALUES, one row a statement
}

namespace {
struct key_only {
  std::int64_t id = 0;
};
}  // namespace

TEST_CASE("a row of no values is INSERT ... DEFAULT VALUES, one row a statement") {
  CHECK(sql_of(tabula::insert_into<key_only>().values(key_only{})).sqlite ==
        R"(INSERT INTO "key_only" DEFAULT VALUES)");
  CHECK(sql_of(tabula::insert_into<key_only>().values(key_only{}).returning(&key_only::id))
            .postgres == R"(INSERT INTO "key_only" DEFAULT VALUES RETURNING "key_only"."id")");
  // A given key is a value.
  CHECK(sql_of(tabula::insert_into<key_only>().values(key_only{7})).postgres ==
        R"(INSERT INTO "key_only" ("id") VALUES ($1))");
  // Several rows are several statements: lowering them as one is refused.
  CHECK_THROWS_WITH(tabula::insert_into<key_only>().values(std::vector<key_only>(2)).lower(),
                    Catch::Contains("a row of no values is one DEFAULT VALUES statement"));
}

TEST_CASE("a value list splits into chunks of one shape, in order") {
  // k: the row gives its generated key; g: the database generates it.
  const std::string shapes = "gggggkkgggk";
  std::vector<tabula::detail::dml::insert_chunk> chunks;
  tabula::detail::dml::for_each_insert_chunk(
      shapes.size(), [&](std::size_t i) { return shapes[i] == 'k'; },
      [](bool key) -> std::size_t { return key ? 3 : 2; },
      [&](const tabula::detail::dml::insert_chunk& c) { chunks.push_back(c); });
  std::string seen;
  for (const auto& c : chunks) {
    seen += std::to_string(c.first) + ":" + std::to_string(c.count) + (c.with_key ? "k" : "g") +
            (c.full ? "F " : " ");
  }
  CHECK(seen == "0:2gF 2:2gF 4:1g 5:2k 7:2gF 9:1g 10:1k ");
  // Every row is in exactly one chunk.
  std::size_t next = 0;
  for (const auto& c : chunks) {
    CHECK(c.first == next);
    next += c.count;
  }
  CHECK(next == shapes.size());
}
