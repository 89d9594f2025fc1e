// Conditions composed at run time on a real database: a search form with optional fields,
// every combination of set and unset, checked against the same search done in C++.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

using tabula::col;

namespace dyn {

struct ml_model {
  std::int64_t id = 0;
  std::string name;
  std::string framework;
  std::optional<double> accuracy;
  std::int64_t params = 0;
};

struct experiment {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
  std::string dataset;
  double score = 0;
};

}  // namespace dyn

template <>
struct tabula::schema<dyn::ml_model> {
  static constexpr auto table = "models";
};
template <>
struct tabula::schema<dyn::experiment> {
  static constexpr auto table = "experiments";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&dyn::experiment::model_id, &dyn::ml_model::id).on_delete_cascade());
};

using dyn::experiment;
using dyn::ml_model;

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

std::vector<ml_model> seed() {
  db().drop_all<ml_model, experiment>();
  db().create_all<ml_model, experiment>();
  std::vector<ml_model> rows = {
      {0, "BERT", "PyTorch", 0.92, 110},
      {0, "BERT-large", "PyTorch", 0.94, 340},
      {0, "ResNet-50", "TensorFlow", 0.76, 25},
      {0, "ResNet_101", "TensorFlow", std::nullopt, 44},
      {0, "GPT-2", "PyTorch", std::nullopt, 1500},
      {0, "T5", "JAX", 0.89, 220},
      {0, "100%_sure", "JAX", 0.99, 1},
      {0, "o'brien", "PyTorch", 0.5, 7},
  };
  for (auto& m : rows) db().insert(m);
  return rows;
}

/// A search form: every field optional.
struct search_form {
  std::optional<std::string> framework;
  std::optional<double> min_accuracy;
  std::optional<std::string> name_prefix;  // matched literally, wildcards included
  std::vector<std::string> names;          // any of these; empty = any name
  std::optional<std::int64_t> max_params;
};

tabula::filter<ml_model> to_filter(const search_form& form) {
  tabula::filter<ml_model> f;
  if (form.framework) f &= col(&ml_model::framework) == *form.framework;
  if (form.min_accuracy) f &= col(&ml_model::accuracy) >= *form.min_accuracy;
  if (form.name_prefix) f &= tabula::starts_with(col(&ml_model::name), *form.name_prefix);
  if (!form.names.empty()) f &= tabula::in(col(&ml_model::name), form.names);
  if (form.max_params) f &= col(&ml_model::params) <= *form.max_params;
  return f;
}

/// The same search, in C++ (SQL's NULL: a NULL accuracy never satisfies >=).
bool matches(const ml_model& m, const search_form& form) {
  if (form.framework && m.framework != *form.framework) return false;
  if (form.min_accuracy && !(m.accuracy && *m.accuracy >= *form.min_accuracy)) return false;
  if (form.name_prefix && m.name.rfind(*form.name_prefix, 0) != 0) return false;
  if (!form.names.empty() &&
      std::find(form.names.begin(), form.names.end(), m.name) == form.names.end()) {
    return false;
  }
  if (form.max_params && m.params > *form.max_params) return false;
  return true;
}

std::vector<std::int64_t> ids_of(const std::vector<ml_model>& rows) {
  std::vector<std::int64_t> ids;
  for (const auto& m : rows) ids.push_back(m.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::int64_t> expected_ids(const std::vector<ml_model>& all,
                                       bool (*keep)(const ml_model&, const search_form&),
                                       const search_form& form) {
  std::vector<ml_model> kept;
  for (const auto& m : all) {
    if (keep(m, form)) kept.push_back(m);
  }
  return ids_of(kept);
}

}  // namespace

TEST_CASE("a search form: every combination of set and unset fields returns the right rows") {
  const auto all = seed();
  for (int mask = 0; mask < 32; ++mask) {
    search_form form;
    if ((mask & 1) != 0) form.framework = "PyTorch";
    if ((mask & 2) != 0) form.min_accuracy = 0.9;
    if ((mask & 4) != 0) form.name_prefix = "BERT";
    if ((mask & 8) != 0) form.names = {"BERT-large", "GPT-2", "T5", "o'brien"};
    if ((mask & 16) != 0) form.max_params = 400;
    INFO("mask " << mask);
    const auto f = to_filter(form);
    CHECK(f.empty() == (mask == 0));
    const auto rows = db().query<ml_model>().where(f).order_by(&ml_model::id).all();
    CHECK(ids_of(rows) == expected_ids(all, matches, form));
    CHECK(db().query<ml_model>().where(f).count() == static_cast<std::int64_t>(rows.size()));
  }
}

TEST_CASE("user text in a filter is a value: quotes and LIKE wildcards match literally") {
  const auto all = seed();
  search_form form;
  form.name_prefix = "100%_";
  auto rows = db().query<ml_model>().where(to_filter(form)).all();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].name == "100%_sure");

  form.name_prefix = "ResNet_";  // `_` is no wildcard here: ResNet-50 must not match
  rows = db().query<ml_model>().where(to_filter(form)).all();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].name == "ResNet_101");

  form = {};
  form.names = {"o'brien"};
  CHECK(db().query<ml_model>().where(to_filter(form)).count() == 1);
  form.names = {"o'brien' OR '1'='1"};
  CHECK(db().query<ml_model>().where(to_filter(form)).count() == 0);
  CHECK(db().query<ml_model>().count() == static_cast<std::int64_t>(all.size()));
}

TEST_CASE("a filter combines with other where() conditions, before and after it") {
  const auto all = seed();
  tabula::filter<ml_model> f;
  f &= col(&ml_model::framework) == "PyTorch";
  f |= col(&ml_model::framework) == "JAX";

  const auto rows = db().query<ml_model>()
                        .where(col(&ml_model::params) > 5)
                        .where(f)
                        .where(col(&ml_model::params) < 1000)
                        .order_by(&ml_model::id)
                        .all();
  auto keep = [](const ml_model& m, const search_form&) {
    return m.params > 5 && m.params < 1000 && (m.framework == "PyTorch" || m.framework == "JAX");
  };
  CHECK(ids_of(rows) == expected_ids(all, keep, {}));
  REQUIRE_FALSE(rows.empty());

  // limit and offset bind after the filter's values.
  const auto page = db().query<ml_model>()
                        .where(f)
                        .order_by(tabula::desc(&ml_model::params))
                        .limit(2)
                        .offset(1)
                        .all();
  REQUIRE(page.size() == 2);
  CHECK(page[0].params >= page[1].params);
  CHECK(page[0].name == "BERT-large");
}

TEST_CASE("!, || and && on filters follow SQL's NULL logic") {
  const auto all = seed();
  const tabula::filter<ml_model> accurate = col(&ml_model::accuracy) > 0.9;
  const tabula::filter<ml_model> tiny = col(&ml_model::params) < 10;

  // NOT (accuracy > 0.9) leaves out the rows whose accuracy is NULL, as SQL does.
  auto not_accurate = [](const ml_model& m, const search_form&) {
    return m.accuracy && !(*m.accuracy > 0.9);
  };
  CHECK(ids_of(db().query<ml_model>().where(!accurate).all()) ==
        expected_ids(all, not_accurate, {}));

  auto either = [](const ml_model& m, const search_form&) {
    return (m.accuracy && *m.accuracy > 0.9) || m.params < 10;
  };
  CHECK(ids_of(db().query<ml_model>().where(accurate || tiny).all()) ==
        expected_ids(all, either, {}));
  auto both = [](const ml_model& m, const search_form&) {
    return m.accuracy && *m.accuracy > 0.9 && m.params < 10;
  };
  CHECK(ids_of(db().query<ml_model>().where(accurate && tiny).all()) ==
        expected_ids(all, both, {}));

  // Missing accuracy, spelled `== std::nullopt`, becomes IS NULL.
  tabula::filter<ml_model> unknown;
  unknown |= col(&ml_model::accuracy) == std::nullopt;
  auto no_accuracy = [](const ml_model& m, const search_form&) { return !m.accuracy; };
  CHECK(ids_of(db().query<ml_model>().where(unknown).all()) == expected_ids(all, no_accuracy, {}));

  // An empty filter restricts nothing, alone or negated.
  const tabula::filter<ml_model> none;
  CHECK(db().query<ml_model>().where(none).count() == static_cast<std::int64_t>(all.size()));
  CHECK(db().query<ml_model>().where(!none).count() == static_cast<std::int64_t>(all.size()));
}

TEST_CASE("the same filter runs on a connection, inside a transaction, and repeatedly") {
  const auto all = seed();
  auto conn = db().connect();
  auto tx = conn.begin();
  for (std::int64_t limit : {10, 100, 1000}) {
    tabula::filter<ml_model> f = col(&ml_model::params) <= limit;
    auto keep_under = [limit](const ml_model& m) { return m.params <= limit; };
    const auto n = std::count_if(all.begin(), all.end(), keep_under);
    CHECK(conn.query<ml_model>().where(f).count() == n);
    CHECK(conn.query<ml_model>().where(f).all().size() == static_cast<std::size_t>(n));
  }
  tx.commit();
}

TEST_CASE("a filter over two models narrows a join, in every combination") {
  const auto models = seed();
  std::vector<experiment> runs;
  const char* datasets[] = {"glue", "imagenet", "squad"};
  for (std::size_t i = 0; i < models.size(); ++i) {
    for (std::size_t k = 0; k <= i % 3; ++k) {
      experiment e{0, models[i].id, datasets[(i + k) % 3], 0.1 * static_cast<double>(i + k)};
      db().insert(e);
      runs.push_back(e);
    }
  }
  for (int mask = 0; mask < 8; ++mask) {
    std::optional<std::string> framework;
    std::optional<std::string> dataset;
    std::optional<double> min_score;
    if ((mask & 1) != 0) framework = "PyTorch";
    if ((mask & 2) != 0) dataset = "glue";
    if ((mask & 4) != 0) min_score = 0.35;

    tabula::filter<ml_model, experiment> f;
    if (framework) f &= col(&ml_model::framework) == *framework;
    if (dataset) f &= col(&experiment::dataset) == *dataset;
    if (min_score) f &= col(&experiment::score) >= *min_score;
    const auto rows = db().select(tabula::all_of<ml_model>, col(&experiment::id))
                          .from<ml_model>()
                          .join<experiment>(col(&experiment::model_id) == col(&ml_model::id))
                          .where(f)
                          .order_by(col(&experiment::id))
                          .all();

    std::vector<std::int64_t> expected;
    for (const auto& e : runs) {
      const auto m = std::find_if(models.begin(), models.end(),
                                  [&](const ml_model& x) { return x.id == e.model_id; });
      if (framework && m->framework != *framework) continue;
      if (dataset && e.dataset != *dataset) continue;
      if (min_score && !(e.score >= *min_score)) continue;
      expected.push_back(e.id);
    }
    std::vector<std::int64_t> got;
    for (const auto& row : rows) {
      const ml_model& m = std::get<0>(row);
      const std::int64_t run_id = std::get<1>(row);
      got.push_back(run_id);
      const auto e = std::find_if(runs.begin(), runs.end(),
                                  [&](const experiment& x) { return x.id == run_id; });
      CHECK(m.id == e->model_id);  // the model read beside its run
    }
    INFO("mask " << mask);
    CHECK(got == expected);
  }
}

TEST_CASE("a filter of aggregates narrows groups in having()") {
  const auto all = seed();
  for (int mask = 0; mask < 4; ++mask) {
    std::optional<std::int64_t> min_models;
    std::optional<double> min_mean_params;
    if ((mask & 1) != 0) min_models = 3;
    if ((mask & 2) != 0) min_mean_params = 100;
    tabula::filter<ml_model> h;
    if (min_models) h &= tabula::count() >= *min_models;
    if (min_mean_params) h &= tabula::avg(col(&ml_model::params)) > *min_mean_params;
    const auto groups = db().select(col(&ml_model::framework), tabula::count())
                            .group_by(col(&ml_model::framework))
                            .having(h)
                            .order_by(col(&ml_model::framework))
                            .all();

    std::vector<std::tuple<std::string, std::int64_t>> expected;
    for (const char* fw : {"JAX", "PyTorch", "TensorFlow"}) {
      std::int64_t n = 0;
      double total = 0;
      for (const auto& m : all) {
        if (m.framework != fw) continue;
        ++n;
        total += static_cast<double>(m.params);
      }
      if (min_models && n < *min_models) continue;
      if (min_mean_params && !(total / static_cast<double>(n) > *min_mean_params)) continue;
      expected.emplace_back(fw, n);
    }
    INFO("mask " << mask);
    CHECK(groups == expected);
  }
}

TEST_CASE("a filter picks the rows an UPDATE or DELETE changes; an empty one changes none") {
  const auto all = seed();
  tabula::filter<ml_model> f;
  f &= col(&ml_model::framework) == "TensorFlow";
  f |= col(&ml_model::accuracy) == std::nullopt;
  auto picked = [](const ml_model& m, const search_form&) {
    return m.framework == "TensorFlow" || !m.accuracy;
  };
  const auto expected = expected_ids(all, picked, {});
  REQUIRE_FALSE(expected.empty());

  // SET binds its value before the filter's.
  const auto changed = db().update<ml_model>()
                           .set(col(&ml_model::params) = col(&ml_model::params) + 1000)
                           .where(f)
                           .execute();
  CHECK(changed == static_cast<std::int64_t>(expected.size()));
  for (const auto& m : all) {
    const auto now = db().get<ml_model>(m.id);
    REQUIRE(now);
    CHECK(now->params == m.params + (picked(m, {}) ? 1000 : 0));
  }

  // An empty filter is refused rather than changing every row; all_rows() says it is meant.
  const tabula::filter<ml_model> empty;
  CHECK_THROWS_AS(db().delete_from<ml_model>().where(empty).execute(), tabula::programming_error);
  CHECK_THROWS_AS(db().update<ml_model>().set(col(&ml_model::params) = 0).where(empty).execute(),
                  tabula::programming_error);
  CHECK(db().query<ml_model>().count() == static_cast<std::int64_t>(all.size()));

  const auto deleted = db().delete_from<ml_model>().where(!f).returning(&ml_model::id).all();
  std::vector<std::int64_t> deleted_ids;
  for (const auto& [id] : deleted) deleted_ids.push_back(id);
  std::sort(deleted_ids.begin(), deleted_ids.end());
  CHECK(deleted_ids == expected_ids(all, [](const ml_model& m, const search_form&) {
          return m.framework != "TensorFlow" && m.accuracy.has_value();
        }, {}));
  CHECK(ids_of(db().query<ml_model>().all()) == expected);
  CHECK(db().delete_from<ml_model>().all_rows().where(empty).execute() ==
        static_cast<std::int64_t>(expected.size()));
}
