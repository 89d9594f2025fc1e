// Analytics over an experiment tracker, written from the query documentation alone: window
// functions, top-k, aggregates, a recursive lineage, upserts, run-time filters, raw SQL, bulk
// writes, on SQLite and PostgreSQL.

#include <catch2/catch.hpp>

#include <tabula/postgres.hpp>
#include <tabula/sqlite.hpp>
#include <tabula/tabula.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "support/test_backend.hpp"

using tabula::col;

namespace analytics {

struct Model {
  std::int64_t id = 0;
  std::string name{};
  std::string framework{};
};

struct Run {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
  std::string dataset{};
  double score = 0;
  std::int32_t epochs = 0;
};

struct Metric {
  std::int64_t id = 0;
  std::int64_t run_id = 0;
  std::string name{};
  double value = 0;
  std::int32_t updates = 0;
};

struct Version {
  std::int64_t id = 0;
  std::string tag{};
  std::optional<std::int64_t> parent_id{};
};

}  // namespace analytics

template <>
struct tabula::schema<analytics::Model> {
  static constexpr auto table = "a_models";
  static constexpr auto options = tabula::options(tabula::unique(&analytics::Model::name));
};
template <>
struct tabula::schema<analytics::Run> {
  static constexpr auto table = "a_runs";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&analytics::Run::model_id, &analytics::Model::id).on_delete_cascade());
};
template <>
struct tabula::schema<analytics::Metric> {
  static constexpr auto table = "a_metrics";
  static constexpr auto options = tabula::options(
      tabula::unique(&analytics::Metric::run_id, &analytics::Metric::name),
      tabula::foreign_key(&analytics::Metric::run_id, &analytics::Run::id).on_delete_cascade());
};
template <>
struct tabula::schema<analytics::Version> {
  static constexpr auto table = "a_versions";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&analytics::Version::parent_id, &analytics::Version::id));
};

namespace analytics {
namespace {

struct Fixture {
  tabula::engine db{tabula::test::database_url()};
  std::vector<Model> models;
  std::vector<Run> runs;

  Fixture() {
    db.drop_all<Model, Run, Metric, Version>();
    db.create_all<Model, Run, Metric, Version>();
    models = {{0, "bert", "PyTorch"}, {0, "t5", "JAX"}, {0, "gpt", "PyTorch"}, {0, "vit", "JAX"}};
    db.insert_many(models);
    const char* datasets[] = {"sst2", "mnli", "qnli"};
    for (int i = 0; i < 30; ++i) {
      // Distinct scores so rankings have no ties.
      runs.push_back(Run{0, models[static_cast<std::size_t>(i % 3)].id, datasets[i % 3 == 0 ? (i / 3) % 3 : i % 3],
                         static_cast<double>((i * 37) % 101) / 100.0 + i * 1e-6, 1 + i % 5});
    }
    db.insert_many(runs);
  }
};

struct ranked_row {
  std::int64_t id;
  std::int64_t model_id;
  std::string dataset;
  double score;
  std::int64_t rn;
};

}  // namespace

TEST_CASE_METHOD(Fixture, "best run per model with row_number", "[scenario][analytics]") {
  using ranked = tabula::derived<ranked_row, "ranked">;
  auto rows =
      db.select(tabula::all_of<ranked>)
          .from(ranked::as(tabula::select(
              col(&Run::id), col(&Run::model_id), col(&Run::dataset), col(&Run::score),
              tabula::row_number().over(tabula::partition_by(col(&Run::model_id)),
                                        tabula::order_by(tabula::desc(&Run::score))))))
          .where(col<ranked>(&ranked_row::rn) == 1)
          .order_by(col<ranked>(&ranked_row::model_id))
          .all();

  std::map<std::int64_t, const Run*> best;
  for (const Run& r : runs) {
    auto& b = best[r.model_id];
    if (b == nullptr || r.score > b->score) b = &r;
  }
  REQUIRE(rows.size() == best.size());
  std::size_t i = 0;
  for (const auto& [model_id, run] : best) {
    CHECK(rows[i].model_id == model_id);
    CHECK(rows[i].id == run->id);
    CHECK(rows[i].score == run->score);
    CHECK(rows[i].rn == 1);
    ++i;
  }
}

TEST_CASE_METHOD(Fixture, "top-2 runs per dataset", "[scenario][analytics]") {
  using ranked = tabula::derived<ranked_row, "ranked">;
  auto rows =
      db.select(col<ranked>(&ranked_row::dataset), col<ranked>(&ranked_row::id),
                col<ranked>(&ranked_row::rn))
          .from(ranked::as(tabula::select(
              col(&Run::id), col(&Run::model_id), col(&Run::dataset), col(&Run::score),
              tabula::row_number().over(tabula::partition_by(&Run::dataset),
                                        tabula::order_by(tabula::desc(&Run::score))))))
          .where(col<ranked>(&ranked_row::rn) <= 2)
          .order_by(col<ranked>(&ranked_row::dataset), col<ranked>(&ranked_row::rn))
          .all();

  std::map<std::string, std::vector<Run>> by_dataset;
  for (const Run& r : runs) by_dataset[r.dataset].push_back(r);
  std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> expected;
  for (auto& [dataset, list] : by_dataset) {
    std::sort(list.begin(), list.end(), [](const Run& a, const Run& b) { return a.score > b.score; });
    for (std::size_t k = 0; k < 2 && k < list.size(); ++k) {
      expected.emplace_back(dataset, list[k].id, static_cast<std::int64_t>(k + 1));
    }
  }
  CHECK(rows == expected);
}

TEST_CASE_METHOD(Fixture, "aggregates with group_by and having", "[scenario][analytics]") {
  auto rows = db.select(col(&Run::model_id), tabula::count(), tabula::avg(col(&Run::score)),
                        tabula::max(col(&Run::epochs)))
                  .group_by(col(&Run::model_id))
                  .having(tabula::count() > 9)
                  .order_by(col(&Run::model_id))
                  .all();
  std::map<std::int64_t, std::vector<const Run*>> groups;
  for (const Run& r : runs) groups[r.model_id].push_back(&r);
  REQUIRE(rows.size() == 3);  // the fourth model has no runs
  for (const auto& [model_id, n, avg, max_epochs] : rows) {
    const auto& g = groups.at(model_id);
    CHECK(n == static_cast<std::int64_t>(g.size()));
    double total = 0;
    std::int32_t top = 0;
    for (const Run* r : g) {
      total += r->score;
      top = std::max(top, r->epochs);
    }
    REQUIRE(avg.has_value());
    CHECK(*avg == Approx(total / static_cast<double>(g.size())));
    CHECK(max_epochs == std::optional<std::int32_t>(top));
  }
  // A join with a grouped count per framework, keeping frameworks with more than 10 runs.
  auto per_framework = db.select(col(&Model::framework), tabula::count())
                           .from<Model>()
                           .join<Run>(col(&Run::model_id) == col(&Model::id))
                           .group_by(col(&Model::framework))
                           .having(tabula::count() > 10)
                           .all();
  REQUIRE(per_framework.size() == 1);
  CHECK(std::get<0>(per_framework[0]) == "PyTorch");
  CHECK(std::get<1>(per_framework[0]) == 20);
  CHECK(db.select(tabula::count()).from<Run>().scalar() == 30);
}

TEST_CASE_METHOD(Fixture, "all ancestors of a version through a recursive CTE", "[scenario][analytics]") {
  // root <- v1 <- v2 <- v3, and a side branch root <- side.
  Version root{0, "root", std::nullopt};
  db.insert(root);
  Version v1{0, "v1", root.id};
  db.insert(v1);
  Version side{0, "side", root.id};
  db.insert(side);
  Version v2{0, "v2", v1.id};
  db.insert(v2);
  Version v3{0, "v3", v2.id};
  db.insert(v3);

  struct lineage_row {
    std::int64_t id;
    std::optional<std::int64_t> parent_id;
    std::int32_t depth;
  };
  using lineage = tabula::cte<lineage_row, "lineage">;
  const auto walk = lineage::as(
      tabula::select(col(&Version::id), col(&Version::parent_id), tabula::val(0))
          .where(col(&Version::id) == v3.id)
          .union_all(tabula::select(col(&Version::id), col(&Version::parent_id),
                                    col<lineage>(&lineage_row::depth) + 1)
                         .from<Version>()
                         .join<lineage>(col<lineage>(&lineage_row::parent_id) ==
                                        col(&Version::id))));
  auto chain = db.select(tabula::all_of<lineage>)
                   .with(walk)
                   .order_by(col<lineage>(&lineage_row::depth))
                   .all();
  REQUIRE(chain.size() == 4);
  CHECK(chain[0].id == v3.id);
  CHECK(chain[1].id == v2.id);
  CHECK(chain[2].id == v1.id);
  CHECK(chain[3].id == root.id);
  CHECK(chain[3].depth == 3);
  CHECK_FALSE(chain[3].parent_id.has_value());

  auto names = db.select(col(&Version::tag))
                   .with(walk)
                   .from<lineage>()
                   .join<Version>(col(&Version::id) == col<lineage>(&lineage_row::id))
                   .where(col<lineage>(&lineage_row::depth) > 0)
                   .order_by(col<lineage>(&lineage_row::depth))
                   .all();
  CHECK(names == std::vector<std::string>{"v2", "v1", "root"});
}

TEST_CASE_METHOD(Fixture, "upsert of metrics per (run, name)", "[scenario][analytics]") {
  const std::int64_t r0 = runs[0].id;
  const std::int64_t r1 = runs[1].id;
  auto upsert = [&](std::vector<Metric> ms) {
    return db.insert_into<Metric>()
        .values(std::move(ms))
        .on_conflict(&Metric::run_id, &Metric::name)
        .do_update(col(&Metric::value) = tabula::excluded(&Metric::value),
                   col(&Metric::updates) = col(&Metric::updates) + 1)
        .returning(&Metric::id)
        .all();
  };
  auto first = upsert({{0, r0, "loss", 0.9, 0}, {0, r0, "acc", 0.5, 0}, {0, r1, "loss", 1.2, 0}});
  REQUIRE(first.size() == 3);
  auto second = upsert({{0, r0, "loss", 0.4, 0}, {0, r1, "acc", 0.7, 0}});
  REQUIRE(second.size() == 2);
  CHECK(std::get<0>(second[0]) == std::get<0>(first[0]));  // the same row, updated

  auto loss = db.query<Metric>()
                  .where(col(&Metric::run_id) == r0 && col(&Metric::name) == "loss")
                  .one();
  CHECK(loss.value == 0.4);
  CHECK(loss.updates == 1);
  CHECK(db.query<Metric>().count() == 4);

  // DO NOTHING leaves the stored value; DO UPDATE ... WHERE keeps only improvements.
  Metric worse{0, r0, "loss", 0.8, 0};
  CHECK(db.insert_into<Metric>().values(worse).on_conflict(&Metric::run_id, &Metric::name)
            .do_nothing().execute() == 0);
  auto kept = db.insert_into<Metric>()
                  .values(worse)
                  .on_conflict(&Metric::run_id, &Metric::name)
                  .do_update(col(&Metric::value) = tabula::excluded(&Metric::value))
                  .where(tabula::excluded(&Metric::value) < col(&Metric::value))
                  .execute();
  CHECK(kept == 0);
  CHECK(db.get<Metric>(loss.id)->value == 0.4);
}

TEST_CASE_METHOD(Fixture, "dynamic search filters from an optional-fields form", "[scenario][analytics]") {
  struct search_form {
    std::optional<std::string> dataset;
    std::optional<double> min_score;
    std::vector<std::int64_t> model_ids;
    std::optional<std::int32_t> max_epochs;
  };
  auto search = [&](const search_form& form) {
    tabula::filter<Run> f;
    if (form.dataset) f &= col(&Run::dataset) == *form.dataset;
    if (form.min_score) f &= col(&Run::score) >= *form.min_score;
    if (!form.model_ids.empty()) f &= tabula::in(col(&Run::model_id), form.model_ids);
    if (form.max_epochs) f &= col(&Run::epochs) <= *form.max_epochs;
    return db.query<Run>().where(f).order_by(&Run::id).all();
  };
  auto expect = [&](const search_form& form) {
    std::vector<std::int64_t> ids;
    for (const Run& r : runs) {
      if (form.dataset && r.dataset != *form.dataset) continue;
      if (form.min_score && r.score < *form.min_score) continue;
      if (!form.model_ids.empty() &&
          std::find(form.model_ids.begin(), form.model_ids.end(), r.model_id) ==
              form.model_ids.end())
        continue;
      if (form.max_epochs && r.epochs > *form.max_epochs) continue;
      ids.push_back(r.id);
    }
    return ids;
  };
  auto ids_of = [](const std::vector<Run>& rs) {
    std::vector<std::int64_t> ids;
    for (const Run& r : rs) ids.push_back(r.id);
    return ids;
  };
  std::vector<search_form> forms = {
      {},
      {"sst2", std::nullopt, {}, std::nullopt},
      {std::nullopt, 0.5, {models[0].id, models[2].id}, std::nullopt},
      {"mnli", 0.2, {models[1].id}, 3},
      {std::nullopt, std::nullopt, {models[3].id}, std::nullopt},
  };
  for (const auto& form : forms) CHECK(ids_of(search(form)) == expect(form));

  // Alternatives grown with |=, negated, and used in an UPDATE and a DELETE.
  tabula::filter<Run> any;
  for (const char* ds : {"sst2", "qnli"}) any |= col(&Run::dataset) == std::string(ds);
  const auto mnli = std::count_if(runs.begin(), runs.end(), [](const Run& r) { return r.dataset == "mnli"; });
  CHECK(db.query<Run>().where(!any).count() == mnli);
  CHECK(db.update<Run>().set(col(&Run::epochs) = 99).where(!any).execute() == mnli);
  CHECK_THROWS_AS(db.delete_from<Run>().where(tabula::filter<Run>{}).execute(),
                  tabula::programming_error);
  CHECK(db.query<Run>().count() == 30);
}

TEST_CASE_METHOD(Fixture, "raw SQL with typed results", "[scenario][analytics]") {
  struct Hit {
    std::int64_t id;
    std::string name;
    std::string framework;
  };
  auto hits = db.sql<Hit>("SELECT id, name, framework FROM a_models WHERE framework = ? ORDER BY id",
                          "JAX")
                  .all();
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].name == "t5");
  CHECK(hits[1].name == "vit");

  auto n = db.sql<std::int64_t>("SELECT count(*) FROM a_runs WHERE score > ?", 0.5).scalar();
  CHECK(n == std::count_if(runs.begin(), runs.end(), [](const Run& r) { return r.score > 0.5; }));

  auto pair = db.sql<std::tuple<std::string, std::int64_t>>(
                    "SELECT m.name, count(r.id) FROM a_models m LEFT JOIN a_runs r ON r.model_id = m.id "
                    "WHERE m.name = ? GROUP BY m.name",
                    "vit")
                  .one();
  CHECK(std::get<0>(pair) == "vit");
  CHECK(std::get<1>(pair) == 0);

  auto id = db.sql<std::int64_t>("INSERT INTO a_models (name, framework) VALUES (?, ?) RETURNING id",
                                 "clip", "PyTorch")
                .one();
  CHECK(db.get<Model>(id)->name == "clip");
  CHECK(db.sql("DELETE FROM a_models WHERE name = ?", "clip").execute() == 1);
  CHECK(db.sql<std::string>("SELECT 'what?' || ? -- why?\n", "!").one() == "what?!");
  CHECK_THROWS_AS(db.sql<Hit>("SELECT id, name AS title, framework FROM a_models").all(),
                  tabula::programming_error);
  CHECK_THROWS_AS(db.sql<std::int64_t>("SELECT count(*) FROM a_runs WHERE score > ?").scalar(),
                  tabula::programming_error);
}

TEST_CASE_METHOD(Fixture, "bulk insert, update with expressions, delete with returning", "[scenario][analytics]") {
  std::vector<Run> bulk;
  for (int i = 0; i < 2500; ++i) {
    bulk.push_back(Run{0, models[3].id, "bulk", i / 2500.0, 1 + i % 7});
  }
  db.insert_many(bulk);
  std::set<std::int64_t> keys;
  for (const Run& r : bulk) keys.insert(r.id);
  CHECK(keys.size() == 2500);
  CHECK(db.query<Run>().where(col(&Run::dataset) == "bulk").count() == 2500);
  // Keys match their rows.
  CHECK(db.get<Run>(bulk[1234].id)->score == bulk[1234].score);

  // A failing row rolls back the whole bulk insert and resets the keys.
  std::vector<Run> broken(1500, Run{0, models[0].id, "broken", 0.1, 1});
  broken[1400].model_id = 999999;
  CHECK_THROWS_AS(db.insert_many(broken), tabula::foreign_key_violation);
  CHECK(broken[0].id == 0);
  CHECK(db.query<Run>().where(col(&Run::dataset) == "broken").count() == 0);

  auto updated = db.update<Run>()
                     .set(col(&Run::epochs) = col(&Run::epochs) * 2 + 1,
                          col(&Run::score) = col(&Run::score) / 2.0)
                     .where(col(&Run::dataset) == "bulk" && col(&Run::epochs) == 7)
                     .returning(&Run::id, &Run::epochs)
                     .all();
  const auto sevens = std::count_if(bulk.begin(), bulk.end(), [](const Run& r) { return r.epochs == 7; });
  CHECK(static_cast<std::ptrdiff_t>(updated.size()) == sevens);
  for (const auto& [id, epochs] : updated) CHECK(epochs == 15);

  auto removed = db.delete_from<Run>()
                     .where(col(&Run::dataset) == "bulk" && col(&Run::score) < 0.01)
                     .returning(&Run::id, &Run::score)
                     .all();
  const auto small = std::count_if(bulk.begin(), bulk.end(), [](const Run& r) {
    return r.score / (r.epochs == 7 ? 2.0 : 1.0) < 0.01;
  });
  CHECK(static_cast<std::ptrdiff_t>(removed.size()) == small);
  CHECK(db.query<Run>().where(col(&Run::dataset) == "bulk").count() == 2500 - small);

  auto doubled = db.update<Run>().set(col(&Run::epochs) = col(&Run::epochs) + 0).all_rows().execute();
  CHECK(doubled == db.query<Run>().count());
}

}  // namespace analytics
