// INSERT / UPDATE / DELETE on a real database: insert_many in chunks with keys read back in
// order, typed inserts, upserts, insert-from-select, updates with expressions, deletes,
// RETURNING rows, the all_rows opt-in, and a failure in the middle of a bulk insert.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "query/dml_models.hpp"
#include "support/test_backend.hpp"

using tabula::col;
using tabula::excluded;
using namespace dml_test;

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

void fresh_schema() {
  db().drop_all<metric, archived_metric, counter>();
  db().create_all<metric, archived_metric, counter>();
}

std::vector<counter> counters(std::size_t n, std::string_view prefix = "c") {
  std::vector<counter> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back({0, std::string(prefix) + std::to_string(i), static_cast<std::int64_t>(i)});
  }
  return out;
}

/// Counts the INSERT statements run while it lives (every statement run is echoed once).
class insert_counter {
 public:
  insert_counter() {
    db().set_echo([this](std::string_view sql) {
      if (sql.starts_with("INSERT")) ++inserts_;
    });
  }
  ~insert_counter() { db().set_echo({}); }
  insert_counter(const insert_counter&) = delete;
  insert_counter& operator=(const insert_counter&) = delete;
  [[nodiscard]] int inserts() const { return inserts_; }

 private:
  int inserts_ = 0;
};

/// Every element has the key of the row holding its own values.
void check_keys_match_rows(const std::vector<counter>& rows) {
  std::set<std::int64_t> keys;
  for (const auto& c : rows) {
    REQUIRE(c.id > 0);
    keys.insert(c.id);
  }
  CHECK(keys.size() == rows.size());
  auto stored = db().query<counter>().all();
  REQUIRE(stored.size() == rows.size());
  std::sort(stored.begin(), stored.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  auto expected = rows;
  std::sort(expected.begin(), expected.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  CHECK(stored == expected);
}

std::int64_t count_counters() { return db().query<counter>().count(); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// insert_many

TEST_CASE("insert_many of 0, 1, 999 and 5000 rows: one statement per chunk, keys in order") {
  for (const std::size_t n : {0, 1, 999, 5000}) {
    DYNAMIC_SECTION(n << " rows") {
      fresh_schema();
      auto rows = counters(n);
      int statements = 0;
      {
        insert_counter inserts;
        db().insert_many(rows);
        statements = inserts.inserts();
      }
      // 2 columns a row: one statement text per chunk of up to 1000 rows on both databases
      // (on SQLite a single-row INSERT prepared once and run for each row of the chunk).
      CHECK(statements == static_cast<int>((n + 999) / 1000));
      CHECK(count_counters() == static_cast<std::int64_t>(n));
      check_keys_match_rows(rows);
      // Keys were generated in element order.
      CHECK(std::is_sorted(rows.begin(), rows.end(),
                           [](const auto& a, const auto& b) { return a.id < b.id; }));
    }
  }
}

TEST_CASE("insert_many with explicit and generated keys mixed splits statements by shape") {
  fresh_schema();
  auto rows = counters(2500);
  for (std::size_t i = 0; i < rows.size(); i += 7)
    rows[i].id = 1'000'000 + static_cast<std::int64_t>(i);
  const auto given = rows;
  db().insert_many(rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (given[i].id != 0) CHECK(rows[i].id == given[i].id);  // explicit keys kept as given
  }
  check_keys_match_rows(rows);
}

TEST_CASE("insert_many inside a transaction, through a connection") {
  fresh_schema();
  auto conn = db().connect();
  auto tx = conn.begin();
  auto rows = counters(1200);
  conn.insert_many(rows);  // a savepoint inside the open transaction
  CHECK(conn.in_transaction());
  tx.rollback();
  CHECK(count_counters() == 0);
}

TEST_CASE("a unique violation in the middle of insert_many inserts nothing") {
  fresh_schema();
  auto rows = counters(5000);
  rows[3500].label = rows[10].label;  // in the fourth statement
  CHECK_THROWS_AS(db().insert_many(rows), tabula::unique_violation);
  CHECK(count_counters() == 0);
  // Keys filled in from the rolled-back statements are reset: the rows are not stored.
  CHECK(std::all_of(rows.begin(), rows.end(), [](const auto& c) { return c.id == 0; }));

  // The engine, and a connection inside a transaction, stay usable.
  rows[3500].label = "fixed";
  db().insert_many(rows);
  CHECK(count_counters() == 5000);
  check_keys_match_rows(rows);

  auto conn = db().connect();
  auto tx = conn.begin();
  counter kept{0, "kept", 1};
  conn.insert(kept);
  auto clash = counters(3, "new");
  clash[2].label = "kept";
  CHECK_THROWS_AS(conn.insert_many(clash), tabula::unique_violation);
  tx.commit();
  CHECK(count_counters() == 5001);
  CHECK(db().query<counter>().where(col(&counter::label) == "new0").count() == 0);
}

TEST_CASE("insert_many with skip_keys leaves keys unread and takes the bulk path") {
  fresh_schema();
  auto made = counters(2500);
  for (std::size_t i = 0; i < made.size(); i += 500)
    made[i].id = 2'000'000 + static_cast<std::int64_t>(i);  // shapes alternate
  const std::vector<counter> rows = made;
  std::vector<std::string> seen;
  db().set_echo([&](std::string_view sql) { seen.emplace_back(sql); });
  db().insert_many(rows, tabula::skip_keys);
  db().set_echo({});

  CHECK(count_counters() == 2500);
  CHECK(db().get<counter>(2'000'500)->label == "c500");
  CHECK(db().query<counter>().where(col(&counter::label) == "c1").one().n == 1);
  const auto starting = [&](std::string_view word) {
    return std::count_if(seen.begin(), seen.end(),
                         [&](const std::string& sql) { return sql.starts_with(word); });
  };
  if (db().backend() == "postgresql") {
    CHECK(starting("COPY") == 10);  // one load per run of one shape
    CHECK(starting("INSERT") == 0);
  } else {
    CHECK(db().backend() == "sqlite");
    CHECK(starting("INSERT") == 10);  // one single-row statement per run, reused
    for (const auto& sql : seen) {
      CHECK(sql.find("RETURNING") == std::string::npos);
      CHECK(sql.find("), (") == std::string::npos);  // one row: no statement journal
    }
  }

  // A failing row stores nothing, and the database stays usable.
  std::vector<counter> clash = counters(300, "again");
  clash[250].id = 2'000'000;  // taken
  const auto& const_clash = clash;
  CHECK_THROWS_AS(db().insert_many(const_clash, tabula::skip_keys), tabula::unique_violation);
  CHECK(count_counters() == 2500);
  clash[250].id = 0;
  db().insert_many(const_clash, tabula::skip_keys);
  CHECK(count_counters() == 2800);
}

// ---------------------------------------------------------------------------------------------
// Typed INSERT

TEST_CASE("insert_into().values(): one model, a range, RETURNING") {
  fresh_schema();
  counter one{0, "one", 1};
  CHECK(db().insert_into<counter>().values(one).execute() == 1);
  CHECK(one.id > 0);  // a modifiable object gets its key, as with insert()
  CHECK(db().get<counter>(one.id)->label == "one");

  auto [id, n] = db().insert_into<counter>()
                     .values(counter{0, "two", 2})
                     .returning(&counter::id, &counter::n)
                     .one();
  CHECK(id > 0);
  CHECK(n == 2);
  CHECK(db().get<counter>(id)->label == "two");

  // An explicit key is inserted as given.
  const counter explicit_key{1'000'077, "explicit", 7};
  CHECK(db().insert_into<counter>().values(explicit_key).returning(&counter::id).scalar() ==
        1'000'077);

  // A range: rows come back in VALUES order, as whole models.
  auto rows = counters(2500, "r");
  auto back = db().insert_into<counter>().values(rows).returning_model().all();
  REQUIRE(back.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(back[i].label == rows[i].label);
    CHECK(back[i].n == rows[i].n);
  }
  CHECK(count_counters() == 2503);
  CHECK(db().insert_into<counter>().values(std::vector<counter>{}).execute() == 0);
}

TEST_CASE("insert_into on a connection: several statements run in one transaction") {
  fresh_schema();
  auto conn = db().connect();
  auto rows = counters(2100, "t");
  rows[2050].label = rows[5].label;  // fails in the third statement
  CHECK_THROWS_AS(conn.insert_into<counter>().values(rows).execute(), tabula::unique_violation);
  CHECK_FALSE(conn.in_transaction());
  CHECK(conn.query<counter>().count() == 0);
  rows[2050].label = "unique";
  CHECK(rows[0].id == 0);  // the keys read back before the failure are reset
  CHECK(conn.insert_into<counter>().values(rows).execute() == 2100);
  CHECK(conn.query<counter>().count() == 2100);
  CHECK(conn.get<counter>(rows[2099].id)->label == rows[2099].label);
}

TEST_CASE("upsert: on_conflict do_nothing skips rows that exist") {
  fresh_schema();
  db().insert_into<metric>().values(metric{0, "e1", "loss", 0.5, 1}).execute();
  auto upsert = [](const metric& m) {
    return db()
        .insert_into<metric>()
        .values(m)
        .on_conflict(&metric::experiment, &metric::name)
        .do_nothing()
        .execute();
  };
  CHECK(upsert(metric{0, "e1", "loss", 0.9, 2}) == 0);
  CHECK(upsert(metric{0, "e1", "acc", 0.7, 2}) == 1);
  auto loss = db().query<metric>().where(col(&metric::name) == "loss").one();
  CHECK(loss.value == 0.5);
  CHECK(db().query<metric>().count() == 2);

  // With RETURNING, a skipped row returns nothing.
  auto none = db().insert_into<metric>()
                  .values(metric{0, "e1", "loss", 0.1, 3})
                  .on_conflict()
                  .do_nothing()
                  .returning(&metric::id)
                  .one_or_none();
  CHECK_FALSE(none.has_value());
}

TEST_CASE("upsert of metrics: the same (experiment, name) updates the value") {
  fresh_schema();
  auto record = [](std::vector<metric> ms) {
    return db()
        .insert_into<metric>()
        .values(std::move(ms))
        .on_conflict(&metric::experiment, &metric::name)
        .do_update(col(&metric::value) = excluded(&metric::value),
                   col(&metric::step) = excluded(&metric::step))
        .returning(&metric::id, &metric::value)
        .all();
  };
  auto first =
      record({{0, "e1", "loss", 0.9, 1}, {0, "e1", "acc", 0.5, 1}, {0, "e2", "loss", 1.5, 1}});
  REQUIRE(first.size() == 3);
  auto second = record({{0, "e1", "loss", 0.4, 2}, {0, "e3", "loss", 2.0, 1}});
  REQUIRE(second.size() == 2);
  CHECK(std::get<0>(second[0]) == std::get<0>(first[0]));  // the same row, updated
  CHECK(std::get<1>(second[0]) == 0.4);
  CHECK(db().query<metric>().count() == 4);
  auto loss = db().query<metric>()
                  .where(col(&metric::experiment) == "e1" && col(&metric::name) == "loss")
                  .one();
  CHECK(loss.value == 0.4);
  CHECK(loss.step == 2);
  CHECK(db().query<metric>()
            .where(col(&metric::experiment) == "e1" && col(&metric::name) == "acc")
            .one()
            .value == 0.5);

  // do_update(...).where(...): keep the best (lowest) loss only.
  auto keep_best = [](double v) {
    return db()
        .insert_into<metric>()
        .values(metric{0, "e1", "loss", v, 3})
        .on_conflict(&metric::experiment, &metric::name)
        .do_update(col(&metric::value) = excluded(&metric::value))
        .where(excluded(&metric::value) < col(&metric::value))
        .execute();
  };
  CHECK(keep_best(0.8) == 0);
  CHECK(keep_best(0.2) == 1);
  CHECK(db().query<metric>()
            .where(col(&metric::experiment) == "e1" && col(&metric::name) == "loss")
            .one()
            .value == 0.2);

  // The existing value in the new one: accumulate.
  db().insert_into<metric>()
      .values(metric{0, "e2", "loss", 0.25, 2})
      .on_conflict(&metric::experiment, &metric::name)
      .do_update(col(&metric::value) = col(&metric::value) + excluded(&metric::value))
      .execute();
  CHECK(db().query<metric>().where(col(&metric::experiment) == std::string("e2")).one().value ==
        1.75);
}

TEST_CASE("insert from a select") {
  fresh_schema();
  std::vector<metric> ms{
      {0, "e1", "loss", 0.9, 1}, {0, "e1", "acc", 0.5, 1}, {0, "e2", "loss", 1.5, 2}};
  db().insert_many(ms);

  // Columns chosen by members, from a projection; the archive generates its own key.
  auto copied =
      db().insert_into<archived_metric>()
          .from_select(
              db().select(col(&metric::experiment), col(&metric::name), col(&metric::value) * 10.0)
                  .where(col(&metric::name) == "acc"),
              &archived_metric::experiment, &archived_metric::name, &archived_metric::value)
          .returning_model()
          .all();
  REQUIRE(copied.size() == 1);
  CHECK(copied[0].id > 0);
  CHECK(copied[0].experiment == "e1");
  CHECK(copied[0].value == 5.0);
  CHECK_FALSE(copied[0].step.has_value());
  CHECK(db().delete_from<archived_metric>().all_rows().execute() == 1);

  // Every column, from a whole-model select into a table with the same columns.
  CHECK(db().insert_into<archived_metric>()
            .from_select(tabula::select_from<metric>().where(col(&metric::name) == "loss"))
            .execute() == 2);
  auto archived = db().query<archived_metric>().order_by(&archived_metric::id).all();
  REQUIRE(archived.size() == 2);
  CHECK(archived[0] == archived_metric{ms[0].id, "e1", "loss", 0.9, 1});
  CHECK(archived[1] == archived_metric{ms[2].id, "e2", "loss", 1.5, 2});

  // Copying every row again: the rows already there conflict on the key and are skipped.
  CHECK(db().insert_into<archived_metric>()
            .from_select(tabula::select_from<metric>())
            .on_conflict(&archived_metric::id)
            .do_nothing()
            .execute() == 1);
  CHECK(db().query<archived_metric>().count() == 3);
}

// ---------------------------------------------------------------------------------------------
// UPDATE and DELETE

TEST_CASE("update with n = n + 1, where and returning") {
  fresh_schema();
  auto rows = counters(5);  // n = 0..4
  db().insert_many(rows);

  auto bumped = db().update<counter>()
                    .set(col(&counter::n) = col(&counter::n) + 1)
                    .where(col(&counter::n) >= 3)
                    .returning(&counter::label, &counter::n)
                    .all();
  std::sort(bumped.begin(), bumped.end());
  CHECK(bumped == std::vector<std::tuple<std::string, std::int64_t>>{{"c3", 4}, {"c4", 5}});

  CHECK(db().update<counter>()
            .set(col(&counter::label) = "first", col(&counter::n) = col(&counter::n) * 10)
            .where(col(&counter::id) == rows[1].id)
            .execute() == 1);
  CHECK(*db().get<counter>(rows[1].id) == counter{rows[1].id, "first", 10});

  auto changed = db().update<counter>()
                     .set(col(&counter::n) = 0)
                     .where(col(&counter::label) == "first")
                     .returning_model()
                     .one();
  CHECK(changed == counter{rows[1].id, "first", 0});
  CHECK(db().update<counter>().set(col(&counter::n) = 1).where(col(&counter::id) < 0).execute() ==
        0);
  CHECK_THROWS_AS(db().update<counter>()
                      .set(col(&counter::n) = 1)
                      .where(col(&counter::n) > -1)
                      .returning(&counter::id)
                      .one(),
                  tabula::multiple_results_error);

  // A unique violation from an UPDATE is an integrity error; the engine stays usable.
  CHECK_THROWS_AS(db().update<counter>()
                      .set(col(&counter::label) = "c0")
                      .where(col(&counter::id) == rows[2].id)
                      .execute(),
                  tabula::unique_violation);
  CHECK(db().get<counter>(rows[2].id)->label == "c2");
}

TEST_CASE("the RETURNING rows of an UPDATE, streamed") {
  fresh_schema();
  auto rows = counters(50);
  db().insert_many(rows);
  std::int64_t sum = 0;
  int seen = 0;
  for (const auto& [n] : db().update<counter>()
                             .set(col(&counter::n) = col(&counter::n) + 1000)
                             .where(col(&counter::n) < 10)
                             .returning(&counter::n)
                             .stream()) {
    sum += n;
    ++seen;
  }
  CHECK(seen == 10);
  CHECK(sum == 10 * 1000 + 45);
  CHECK(db().query<counter>().where(col(&counter::n) >= 1000).count() == 10);
}

TEST_CASE("update and delete of every row need all_rows()") {
  fresh_schema();
  auto rows = counters(4);
  db().insert_many(rows);
  CHECK(
      db().update<counter>().set(col(&counter::n) = col(&counter::n) + 100).all_rows().execute() ==
      4);
  CHECK(db().query<counter>().where(col(&counter::n) >= 100).count() == 4);
  auto gone = db().delete_from<counter>().all_rows().returning(&counter::id).all();
  CHECK(gone.size() == 4);
  CHECK(count_counters() == 0);
}

TEST_CASE("delete with where and returning") {
  fresh_schema();
  auto rows = counters(6);
  db().insert_many(rows);
  auto conn = db().connect();
  auto gone =
      conn.delete_from<counter>().where(col(&counter::n) % 2 == 1).returning(&counter::id).all();
  std::vector<std::int64_t> ids;
  for (const auto& [id] : gone) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  CHECK(ids == std::vector<std::int64_t>{rows[1].id, rows[3].id, rows[5].id});
  CHECK(conn.query<counter>().count() == 3);

  auto last =
      conn.delete_from<counter>().where(col(&counter::label) == "c4").returning_model().one();
  CHECK(last == rows[4]);
  CHECK(conn.delete_from<counter>().where(col(&counter::label) == "c4").execute() == 0);
  CHECK(conn.delete_from<counter>().where(col(&counter::n) < 3).execute() == 2);
  CHECK(conn.query<counter>().count() == 0);
}

TEST_CASE("statements of one type that name different columns each run their own SQL") {
  fresh_schema();
  db().insert_into<metric>().values(metric{0, "e1", "loss", 0.5, 1}).execute();
  // One statement type (a string column set to a string value); two columns.
  const auto set_text = [](std::string metric::*member, const char* value) {
    return db().update<metric>().set(col(member) = value).where(col(&metric::step) == 1).execute();
  };
  CHECK(set_text(&metric::experiment, "e9") == 1);
  CHECK(set_text(&metric::name, "accuracy") == 1);
  const auto row = db().query<metric>().one();
  CHECK(row.experiment == "e9");
  CHECK(row.name == "accuracy");
}

TEST_CASE("values are parameters: text that looks like SQL is stored as text") {
  fresh_schema();
  const std::string evil = "x'); DROP TABLE counters; --";
  counter c{0, evil, 1};
  db().insert_into<counter>().values(c).execute();
  db().update<counter>()
      .set(col(&counter::label) = evil + "2")
      .where(col(&counter::label) == evil)
      .execute();
  CHECK(db().query<counter>().one().label == evil + "2");
  CHECK(db().delete_from<counter>().where(col(&counter::label) == evil + "2").execute() == 1);
}
