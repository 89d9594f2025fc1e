// Selects on a real database: the rows each construct returns, checked against the same
// question answered in C++ over the data the test inserted.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "query/select_models.hpp"
#include "support/test_backend.hpp"

using tabula::col;
using namespace sel;
namespace t = tabula;

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

/// An experiment-tracking registry: models fine-tuned from one another, their experiments
/// (one of a model that is gone), runs with scores, employees and an archive.
struct registry {
  std::vector<ml_model> models{
      {0, "bert", "pytorch", 0.91, std::nullopt},
      {0, "bert-ft", "pytorch", 0.93, std::nullopt},
      {0, "bert-ft2", "pytorch", std::nullopt, std::nullopt},
      {0, "t5", "jax", 0.88, std::nullopt},
      {0, "t5-small", "jax", 0.85, std::nullopt},
      {0, "resnet", "tensorflow", std::nullopt, std::nullopt},
  };
  std::vector<experiment> experiments;
  std::vector<run> runs;
  std::vector<employee> employees{{0, "ada", std::nullopt}, {0, "bob", std::nullopt},
                                  {0, "cy", std::nullopt}, {0, "dee", std::nullopt}};
  std::vector<archived_model> archive{
      {0, "t5", "jax"}, {0, "bert", "pytorch"}, {0, "gpt2", "tensorflow"}};

  registry() {
    db().drop_all<ml_model, experiment, run, employee, archived_model>();
    db().create_all<ml_model, experiment, run, employee, archived_model>();
    for (std::size_t i = 0; i < models.size(); ++i) {
      if (i == 1 || i == 2) models[i].parent_id = models[i - 1].id;  // bert <- bert-ft <- bert-ft2
      if (i == 4) models[i].parent_id = models[3].id;                 // t5 <- t5-small
      db().insert(models[i]);
    }
    experiments = {{0, models[0].id, "imagenet"}, {0, models[0].id, "squad"},
                   {0, models[1].id, "squad"},    {0, models[3].id, "c4"},
                   {0, 4242, "orphaned"}};
    for (auto& e : experiments) db().insert(e);
    const std::vector<std::tuple<std::size_t, double>> scores{
        {0, 0.70}, {0, 0.80}, {0, 0.75}, {1, 0.85}, {1, 0.90}, {3, 0.60},
        {3, 0.65}, {3, 0.62}, {3, 0.66}, {4, 0.50}};
    std::int32_t epoch = 0;
    for (const auto& [m, score] : scores) {
      run r{0, models[m].id, models[m].framework == "jax" ? "c4" : "squad", score, ++epoch};
      db().insert(r);
      runs.push_back(r);
    }
    for (std::size_t i = 0; i < employees.size(); ++i) {
      if (i == 1 || i == 2) employees[i].manager_id = employees[0].id;
      if (i == 3) employees[i].manager_id = employees[1].id;
      db().insert(employees[i]);
    }
    for (auto& a : archive) db().insert(a);
  }

  [[nodiscard]] const ml_model* model(std::int64_t id) const {
    for (const auto& m : models) {
      if (m.id == id) return &m;
    }
    return nullptr;
  }
};

/// A run with an optional tag, for grouping by `coalesce(tag, "none")`.
struct tagged_run {
  std::int64_t id = 0;
  std::optional<std::string> tag{};
  std::int32_t epoch = 0;
};

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

template <>
struct tabula::schema<tagged_run> {
  static constexpr auto table = "tagged_runs";
};

TEST_CASE("group_by and having with aggregates") {
  const registry r;
  // Frameworks with more than one model, their counts and mean accuracy (NULLs ignored).
  std::map<std::string, std::pair<std::int64_t, std::vector<double>>> expected;
  for (const auto& m : r.models) {
    auto& [n, accs] = expected[m.framework];
    ++n;
    if (m.accuracy) accs.push_back(*m.accuracy);
  }
  const auto rows = db().select(col(&ml_model::framework), t::count(), t::avg(col(&ml_model::accuracy)))
                        .group_by(col(&ml_model::framework))
                        .having(t::count() > 1)
                        .order_by(col(&ml_model::framework))
                        .all();
  std::size_t groups = 0;
  for (const auto& [fw, entry] : expected) {
    if (entry.first > 1) ++groups;
  }
  REQUIRE(rows.size() == groups);
  for (const auto& [fw, n, avg] : rows) {
    const auto& [count, accs] = expected.at(fw);
    CHECK(n == count);
    REQUIRE(avg.has_value() == !accs.empty());
    double sum = 0;
    for (double a : accs) sum += a;
    CHECK(*avg == Approx(sum / static_cast<double>(accs.size())));
  }
  CHECK(std::is_sorted(rows.begin(), rows.end()));

  // An aggregate over no rows is NULL; count is 0.
  const auto [n, best] = db().select(t::count(), t::max(col(&ml_model::accuracy)))
                             .where(col(&ml_model::framework) == "none")
                             .one();
  CHECK(n == 0);
  CHECK_FALSE(best.has_value());
}

TEST_CASE("inner, left, right, full and cross joins read the optional side as optional") {
  const registry r;
  const auto on = col(&experiment::model_id) == col(&ml_model::id);

  // INNER: one row per experiment whose model exists.
  const auto inner = db().select<ml_model, experiment>()
                         .join<experiment>(on)
                         .order_by(col(&experiment::id))
                         .all();
  std::vector<std::pair<std::string, std::string>> expected_inner;
  for (const auto& e : r.experiments) {
    if (const auto* m = r.model(e.model_id)) expected_inner.emplace_back(m->name, e.dataset);
  }
  REQUIRE(inner.size() == expected_inner.size());
  for (std::size_t i = 0; i < inner.size(); ++i) {
    const auto& [m, e] = inner[i];
    CHECK(m == *r.model(e.model_id));
    CHECK(std::pair(m.name, e.dataset) == expected_inner[i]);
  }

  // LEFT: every model, with nullopt where it has no experiment.
  const auto left = db().select<ml_model, experiment>().left_join<experiment>(on).all();
  std::size_t expected_left = 0;
  for (const auto& m : r.models) {
    const auto n = std::count_if(r.experiments.begin(), r.experiments.end(),
                                 [&](const experiment& e) { return e.model_id == m.id; });
    expected_left += std::max<std::size_t>(1, static_cast<std::size_t>(n));
  }
  CHECK(left.size() == expected_left);
  std::set<std::string> without_experiments;
  for (const auto& [m, e] : left) {
    if (!e) without_experiments.insert(m.name);
  }
  std::set<std::string> expected_without;
  for (const auto& m : r.models) {
    if (std::none_of(r.experiments.begin(), r.experiments.end(),
                     [&](const experiment& e) { return e.model_id == m.id; })) {
      expected_without.insert(m.name);
    }
  }
  CHECK(without_experiments == expected_without);

  // RIGHT: every experiment; the orphaned one has no model. Columns of the optional side are
  // optional too.
  const auto right = db().select(col(&ml_model::name), col(&experiment::dataset))
                         .from<ml_model>()
                         .right_join<experiment>(on)
                         .order_by(col(&experiment::id))
                         .all();
  REQUIRE(right.size() == r.experiments.size());
  for (std::size_t i = 0; i < right.size(); ++i) {
    const auto* m = r.model(r.experiments[i].model_id);
    CHECK(std::get<0>(right[i]) == (m ? std::optional(m->name) : std::nullopt));
    CHECK(std::get<1>(right[i]) == r.experiments[i].dataset);
  }

  // FULL: both kinds of unmatched row.
  const auto full = db().select<ml_model, experiment>().full_join<experiment>(on).all();
  std::size_t no_model = 0;
  std::size_t no_experiment = 0;
  for (const auto& [m, e] : full) {
    REQUIRE((m || e));
    if (!m) ++no_model;
    if (!e) ++no_experiment;
  }
  CHECK(no_model == 1);
  CHECK(no_experiment == expected_without.size());
  CHECK(full.size() == expected_inner.size() + no_model + no_experiment);

  // CROSS: every pair.
  CHECK(db().select<ml_model, experiment>().cross_join<experiment>().count() ==
        static_cast<std::int64_t>(r.models.size() * r.experiments.size()));
}

/// The rows of `all()` grouped by hand: parents by key in order of first appearance.
template <class Child, class Rows>
std::vector<std::pair<ml_model, std::vector<Child>>> group_by_model(const Rows& rows) {
  std::vector<std::pair<ml_model, std::vector<Child>>> out;
  for (const auto& row : rows) {
    const ml_model& m = std::get<0>(row);
    const auto& child = std::get<1>(row);
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.first.id == m.id; });
    if (it == out.end()) it = out.insert(out.end(), {m, {}});
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(child)>, std::optional<Child>>) {
      if (child) it->second.push_back(*child);
    } else {
      it->second.push_back(child);
    }
  }
  return out;
}

TEST_CASE("grouped() collects the rows of a join under each model, by its primary key") {
  const registry r;
  // A run of bert scored between t5-small's and t5's: ordered by score, bert's runs are not
  // adjacent, and must still land in one group.
  run late{0, r.models[0].id, "squad", 0.55, 99};
  db().insert(late);
  const auto on = col(&run::model_id) == col(&ml_model::id);
  const auto by_score = db().select<ml_model, run>().join<run>(on).order_by(col(&run::score));

  const std::vector<std::pair<ml_model, std::vector<run>>> groups = by_score.grouped();
  const auto rows = by_score.all();
  CHECK(groups == group_by_model<run>(rows));
  // One group per model with runs, each run under its own model, every run once.
  std::set<std::int64_t> seen;
  std::size_t runs = 0;
  for (const auto& [m, rs] : groups) {
    CHECK(seen.insert(m.id).second);
    CHECK(m == *r.model(m.id));
    for (const run& x : rs) CHECK(x.model_id == m.id);
    runs += rs.size();
  }
  CHECK(runs == r.runs.size() + 1);
  CHECK(groups.size() == 4);                 // bert, bert-ft, t5, t5-small
  CHECK(groups.front().first.name == "t5-small");  // the lowest score comes first
  const auto bert = std::find_if(groups.begin(), groups.end(),
                                 [&](const auto& g) { return g.first.id == r.models[0].id; });
  REQUIRE(bert != groups.end());
  REQUIRE(bert->second.size() == 4);
  CHECK(bert->second.front().id == late.id);  // rows keep the select's order within a group
  CHECK(std::is_sorted(bert->second.begin(), bert->second.end(),
                       [](const run& a, const run& b) { return a.score < b.score; }));

  // LEFT JOIN: a model without runs has an empty list.
  const auto left = db().select<ml_model, run>()
                        .left_join<run>(on)
                        .order_by(col(&ml_model::id), col(&run::id))
                        .grouped();
  REQUIRE(left.size() == r.models.size());
  for (std::size_t i = 0; i < left.size(); ++i) {
    CHECK(left[i].first == r.models[i]);
    const auto expected = static_cast<std::size_t>(
        std::count_if(r.runs.begin(), r.runs.end(), [&](const run& x) {
          return x.model_id == r.models[i].id;
        })) + (i == 0 ? 1 : 0);
    CHECK(left[i].second.size() == expected);
  }
  CHECK(left[2].second.empty());  // bert-ft2 has no run

  // A value under each model, through a connection inside a transaction.
  auto conn = db().connect();
  auto tx = conn.begin();
  const auto scores = conn.select(t::all_of<ml_model>, col(&run::score))
                          .join<run>(on)
                          .order_by(t::desc(&run::score))
                          .grouped();
  CHECK(scores == group_by_model<double>(conn.select(t::all_of<ml_model>, col(&run::score))
                                             .join<run>(on)
                                             .order_by(t::desc(&run::score))
                                             .all()));
  CHECK(scores.front().second.front() == 0.90);  // bert-ft's best comes first
}

TEST_CASE("a self-join through an alias pairs employees with their managers") {
  const registry r;
  using manager = t::alias<employee, "manager">;
  const auto rows = db().select(t::all_of<employee>, t::all_of<manager>)
                        .left_join<manager>(col<manager>(&employee::id) == col(&employee::manager_id))
                        .order_by(col(&employee::id))
                        .all();
  REQUIRE(rows.size() == r.employees.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& [e, m] = rows[i];
    CHECK(e == r.employees[i]);
    REQUIRE(m.has_value() == e.manager_id.has_value());
    if (m) CHECK(m->id == *e.manager_id);
  }
  // Names only, filtered on the alias.
  const auto reports = db().select(col(&employee::name))
                           .join<manager>(col<manager>(&employee::id) == col(&employee::manager_id))
                           .where(col<manager>(&employee::name) == r.employees[0].name)
                           .order_by(col(&employee::name))
                           .all();
  std::vector<std::string> expected;
  for (const auto& e : r.employees) {
    if (e.manager_id == r.employees[0].id) expected.push_back(e.name);
  }
  CHECK(reports == sorted(expected));
}

TEST_CASE("subqueries in WHERE, in the select list and in FROM") {
  const registry r;
  std::set<std::int64_t> with_experiments;
  for (const auto& e : r.experiments) with_experiments.insert(e.model_id);
  std::vector<std::string> expected_in;
  std::vector<std::string> expected_not_in;
  for (const auto& m : r.models) {
    (with_experiments.count(m.id) ? expected_in : expected_not_in).push_back(m.name);
  }

  const auto experimented = t::select(col(&experiment::model_id));
  CHECK(db().select(col(&ml_model::name))
            .where(t::in(col(&ml_model::id), experimented))
            .order_by(col(&ml_model::name))
            .all() == sorted(expected_in));
  CHECK(db().select(col(&ml_model::name))
            .where(t::not_in(col(&ml_model::id), experimented))
            .order_by(col(&ml_model::name))
            .all() == sorted(expected_not_in));

  const auto experiments_of_model =
      t::select(col(&experiment::id)).where(col(&experiment::model_id) == col(&ml_model::id));
  CHECK(db().select(col(&ml_model::name))
            .where(t::exists(experiments_of_model))
            .order_by(col(&ml_model::name))
            .all() == sorted(expected_in));
  CHECK(db().select(col(&ml_model::name))
            .where(t::not_exists(experiments_of_model))
            .order_by(col(&ml_model::name))
            .all() == sorted(expected_not_in));

  // Models better than the mean accuracy.
  double sum = 0;
  int n = 0;
  for (const auto& m : r.models) {
    if (m.accuracy) {
      sum += *m.accuracy;
      ++n;
    }
  }
  std::vector<std::string> above;
  for (const auto& m : r.models) {
    if (m.accuracy && *m.accuracy > sum / n) above.push_back(m.name);
  }
  CHECK(db().select(col(&ml_model::name))
            .where(col(&ml_model::accuracy) > t::subquery(t::select(t::avg(col(&ml_model::accuracy)))))
            .order_by(col(&ml_model::name))
            .all() == sorted(above));

  // A correlated scalar subquery per row: each model's number of experiments.
  const auto counted =
      db().select(col(&ml_model::id),
                  t::subquery(t::select(t::count())
                                  .from<experiment>()
                                  .where(col(&experiment::model_id) == col(&ml_model::id))))
          .order_by(col(&ml_model::id))
          .all();
  REQUIRE(counted.size() == r.models.size());
  for (const auto& [model_id, c] : counted) {
    const std::int64_t id = model_id;  // a lambda cannot capture a structured binding (C++20)
    CHECK(c == std::count_if(r.experiments.begin(), r.experiments.end(),
                             [&](const experiment& e) { return e.model_id == id; }));
  }

  // A derived table: runs per model, joined back to the models.
  struct per_model {
    std::int64_t model_id = 0;
    std::int64_t runs = 0;
  };
  using counts = t::derived<per_model, "counts">;
  const auto per = db().select(col(&ml_model::name), col<counts>(&per_model::runs))
                       .from(counts::as(t::select(col(&run::model_id), t::count())
                                            .group_by(col(&run::model_id))))
                       .join<ml_model>(col(&ml_model::id) == col<counts>(&per_model::model_id))
                       .where(col<counts>(&per_model::runs) >= 2)
                       .order_by(col(&ml_model::name))
                       .all();
  std::map<std::string, std::int64_t> expected_runs;
  for (const auto& ru : r.runs) ++expected_runs[r.model(ru.model_id)->name];
  std::vector<std::tuple<std::string, std::int64_t>> expected_per;
  for (const auto& [name, c] : expected_runs) {
    if (c >= 2) expected_per.emplace_back(name, c);
  }
  CHECK(per == expected_per);
}

TEST_CASE("a recursive CTE walks a model's lineage up to its root") {
  const registry r;
  struct lineage_row {
    std::int64_t id = 0;
    std::optional<std::int64_t> parent_id{};
    std::int32_t depth = 0;
  };
  using lineage = t::cte<lineage_row, "lineage">;
  const ml_model& leaf = r.models[2];  // bert-ft2
  const auto walk = lineage::as(
      t::select(col(&ml_model::id), col(&ml_model::parent_id), t::val(0))
          .where(col(&ml_model::id) == leaf.id)
          .union_all(t::select(col(&ml_model::id), col(&ml_model::parent_id),
                               col<lineage>(&lineage_row::depth) + 1)
                         .from<ml_model>()
                         .join<lineage>(col<lineage>(&lineage_row::parent_id) == col(&ml_model::id))));
  const auto rows = db().select(t::all_of<lineage>).with(walk).order_by(col<lineage>(&lineage_row::depth)).all();

  std::vector<std::int64_t> expected;
  for (const ml_model* m = &leaf; m != nullptr; m = m->parent_id ? r.model(*m->parent_id) : nullptr) {
    expected.push_back(m->id);
  }
  REQUIRE(rows.size() == expected.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].id == expected[i]);
    CHECK(rows[i].depth == static_cast<std::int32_t>(i));
  }

  // The walk joined back to the models: the ancestors' names, root last.
  const auto names = db().select(col(&ml_model::name))
                         .with(walk)
                         .from<lineage>()
                         .join<ml_model>(col(&ml_model::id) == col<lineage>(&lineage_row::id))
                         .where(col<lineage>(&lineage_row::depth) > 0)
                         .order_by(col<lineage>(&lineage_row::depth))
                         .all();
  REQUIRE(names.size() + 1 == expected.size());
  CHECK(names.back() == r.model(expected.back())->name);
}

TEST_CASE("union, union all, intersect and except") {
  const registry r;
  std::set<std::string> live;
  std::set<std::string> archived;
  for (const auto& m : r.models) live.insert(m.name);
  for (const auto& a : r.archive) archived.insert(a.name);
  std::vector<std::string> both;
  std::vector<std::string> either;
  std::vector<std::string> only_live;
  std::set_intersection(live.begin(), live.end(), archived.begin(), archived.end(), std::back_inserter(both));
  std::set_union(live.begin(), live.end(), archived.begin(), archived.end(), std::back_inserter(either));
  std::set_difference(live.begin(), live.end(), archived.begin(), archived.end(), std::back_inserter(only_live));

  const auto names = db().select(col(&ml_model::name));
  const auto old = t::select(col(&archived_model::name));
  CHECK(names.union_(old).order_by(col(&ml_model::name)).all() == either);
  CHECK(names.union_all(old).count() == static_cast<std::int64_t>(live.size() + archived.size()));
  CHECK(names.intersect(old).order_by(col(&ml_model::name)).all() == both);
  CHECK(names.except_(old).order_by(col(&ml_model::name)).all() == only_live);

  // ORDER BY and LIMIT apply to the whole; a value in an operand stays a parameter.
  auto top = db().select(col(&ml_model::name))
                 .where(col(&ml_model::framework) == "jax")
                 .union_(old)
                 .order_by(t::desc(col(&ml_model::name)))
                 .limit(2)
                 .all();
  std::set<std::string> jax_or_old = archived;
  for (const auto& m : r.models) {
    if (m.framework == "jax") jax_or_old.insert(m.name);
  }
  std::vector<std::string> expected_top(jax_or_old.rbegin(), jax_or_old.rend());
  expected_top.resize(2);
  CHECK(top == expected_top);
}

TEST_CASE("window functions: the best run per model, and the top two per model") {
  const registry r;
  const auto best_first = t::row_number().over(t::partition_by(col(&run::model_id)),
                                               t::order_by(t::desc(col(&run::score))));
  struct ranked_row {
    std::int64_t model_id = 0;
    double score = 0;
    std::int64_t rn = 0;
  };
  using ranked = t::derived<ranked_row, "ranked">;
  const auto ranked_runs =
      ranked::as(t::select(col(&run::model_id), col(&run::score), best_first.as<"rn">()));

  std::map<std::int64_t, std::vector<double>> by_model;
  for (const auto& ru : r.runs) by_model[ru.model_id].push_back(ru.score);
  for (auto& [id, scores] : by_model) std::sort(scores.rbegin(), scores.rend());

  // Best run per model.
  const auto best = db().select(col<ranked>(&ranked_row::model_id), col<ranked>(&ranked_row::score))
                        .from(ranked_runs)
                        .where(col<ranked>(&ranked_row::rn) == 1)
                        .order_by(col<ranked>(&ranked_row::model_id))
                        .all();
  REQUIRE(best.size() == by_model.size());
  for (const auto& [id, score] : best) CHECK(score == Approx(by_model.at(id).front()));

  // Top two per model, as whole rows of the derived table.
  const auto top2 = db().select(t::all_of<ranked>)
                        .from(ranked_runs)
                        .where(col<ranked>(&ranked_row::rn) <= 2)
                        .order_by(col<ranked>(&ranked_row::model_id), col<ranked>(&ranked_row::rn))
                        .all();
  std::size_t expected_rows = 0;
  for (const auto& [id, scores] : by_model) expected_rows += std::min<std::size_t>(2, scores.size());
  REQUIRE(top2.size() == expected_rows);
  for (const auto& row : top2) {
    CHECK(row.score == Approx(by_model.at(row.model_id)[static_cast<std::size_t>(row.rn - 1)]));
  }

  // A window in the select list and in ORDER BY of the same select.
  const auto numbered = db().select(col(&run::id), best_first)
                            .order_by(col(&run::model_id), best_first)
                            .all();
  REQUIRE(numbered.size() == r.runs.size());
  std::map<std::int64_t, std::int64_t> last_rank;
  for (const auto& [run_id, rn] : numbered) {
    const std::int64_t id = run_id;  // a lambda cannot capture a structured binding (C++20)
    const auto it = std::find_if(r.runs.begin(), r.runs.end(), [&](const run& x) { return x.id == id; });
    REQUIRE(it != r.runs.end());
    CHECK(rn == last_rank[it->model_id] + 1);
    last_rank[it->model_id] = rn;
  }
}

TEST_CASE("distinct, NULLS FIRST / LAST, limit and offset, and terminal operations") {
  const registry r;
  std::set<std::string> frameworks;
  for (const auto& m : r.models) frameworks.insert(m.framework);
  CHECK(db().select(col(&ml_model::framework)).distinct().order_by(col(&ml_model::framework)).all() ==
        std::vector<std::string>(frameworks.begin(), frameworks.end()));
  CHECK(db().select(col(&ml_model::framework)).distinct().count() ==
        static_cast<std::int64_t>(frameworks.size()));

  const auto nulls = std::count_if(r.models.begin(), r.models.end(),
                                   [](const ml_model& m) { return !m.accuracy; });
  const auto first = db().select(col(&ml_model::accuracy))
                         .order_by(t::desc(col(&ml_model::accuracy)).nulls_first())
                         .all();
  const auto last = db().select(col(&ml_model::accuracy))
                        .order_by(t::desc(col(&ml_model::accuracy)).nulls_last())
                        .all();
  REQUIRE(first.size() == r.models.size());
  REQUIRE(last.size() == r.models.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    CHECK(first[i].has_value() == (i >= static_cast<std::size_t>(nulls)));
    CHECK(last[i].has_value() == (i < first.size() - static_cast<std::size_t>(nulls)));
  }
  CHECK(*last.front() == Approx(std::max_element(r.models.begin(), r.models.end(), [](const auto& a, const auto& b) {
                                  return a.accuracy.value_or(0) < b.accuracy.value_or(0);
                                })->accuracy.value()));

  // A page of names, by id.
  const auto page = db().select(col(&ml_model::name)).order_by(col(&ml_model::id)).limit(2).offset(1).all();
  CHECK(page == std::vector<std::string>{r.models[1].name, r.models[2].name});
  // The LIMIT count is SQL text: one statement type run with counts 1, 3, 2 and 1 again gets
  // the SQL of each count (cached per count), never another count's.
  const auto first_names = [&](std::int64_t n) {
    return db().select(col(&ml_model::name)).order_by(col(&ml_model::id)).limit(n).all();
  };
  for (const std::int64_t n : {1, 3, 2, 1}) {
    const auto names = first_names(n);
    REQUIRE(names.size() == static_cast<std::size_t>(n));
    CHECK(names.back() == r.models[static_cast<std::size_t>(n) - 1].name);
  }

  // Terminal operations on a projection, on the engine and on a connection.
  auto conn = db().connect();
  const auto by_name = [&](const std::string& n) {
    return conn.select(col(&ml_model::id), col(&ml_model::framework)).where(col(&ml_model::name) == n);
  };
  CHECK(by_name("t5").one() == std::tuple(r.models[3].id, std::string("jax")));
  CHECK_THROWS_AS(by_name("nope").one(), t::no_result_error);
  CHECK_FALSE(by_name("nope").one_or_none().has_value());
  CHECK(by_name("t5").first().has_value());
  CHECK(by_name("t5").exists());
  CHECK_FALSE(by_name("nope").exists());
  CHECK(conn.select(col(&ml_model::framework)).where(col(&ml_model::framework) == "jax").count() == 2);
  CHECK_THROWS_AS(conn.select(col(&ml_model::framework)).where(col(&ml_model::framework) == "jax").one(),
                  t::multiple_results_error);
  CHECK(db().select(t::max(col(&ml_model::id))).scalar() == r.models.back().id);
  std::int64_t streamed = 0;
  for (const auto& [id, fw] : conn.select(col(&ml_model::id), col(&ml_model::framework)).stream()) {
    CHECK(r.model(id)->framework == fw);
    ++streamed;
  }
  CHECK(streamed == static_cast<std::int64_t>(r.models.size()));
  // The count of a join (columns of the same name on both sides) is the number of its rows.
  CHECK(db().select<ml_model, experiment>()
            .join<experiment>(col(&experiment::model_id) == col(&ml_model::id))
            .count() == 4);
}

TEST_CASE("selects of one type that differ in columns or list lengths each get their own SQL") {
  const registry r;
  // The same statement type, naming different columns of the same C++ type.
  const auto ids_where = [](std::string ml_model::*member, const std::string& v) {
    return db().select(col(&ml_model::id)).where(col(member) == v).order_by(col(&ml_model::id));
  };
  static_assert(std::is_same_v<decltype(ids_where(&ml_model::name, "")),
                               decltype(ids_where(&ml_model::framework, ""))>);
  std::vector<std::int64_t> named_t5;
  std::vector<std::int64_t> jax;
  for (const auto& m : r.models) {
    if (m.name == "t5") named_t5.push_back(m.id);
    if (m.framework == "jax") jax.push_back(m.id);
  }
  CHECK(ids_where(&ml_model::name, "t5").all() == named_t5);
  CHECK(ids_where(&ml_model::framework, "jax").all() == jax);
  CHECK(ids_where(&ml_model::name, "t5").all() == named_t5);

  // An IN list inside a subquery, of two lengths.
  const auto models_on = [](std::vector<std::string> datasets) {
    return db().select(col(&ml_model::name))
        .where(t::in(col(&ml_model::id), t::select(col(&experiment::model_id))
                                             .where(t::in(col(&experiment::dataset), std::move(datasets)))))
        .order_by(col(&ml_model::name));
  };
  const auto expected = [&](const std::set<std::string>& datasets) {
    std::set<std::string> names;
    for (const auto& e : r.experiments) {
      if (datasets.count(e.dataset) && r.model(e.model_id)) names.insert(r.model(e.model_id)->name);
    }
    return std::vector<std::string>(names.begin(), names.end());
  };
  CHECK(models_on({"squad"}).all() == expected({"squad"}));
  CHECK(models_on({"imagenet", "c4"}).all() == expected({"imagenet", "c4"}));
  CHECK(models_on({}).all().empty());
}

TEST_CASE("expressions holding values, repeated in GROUP BY, ORDER BY and under DISTINCT") {
  // PostgreSQL refuses these unless each repeat prints the select item's own parameters.
  const registry r;
  const auto b = col(&run::epoch) / 4;
  std::map<std::int32_t, std::int64_t> per_bucket;
  for (const auto& x : r.runs) ++per_bucket[x.epoch / 4];
  const auto buckets = db().select(b, t::count()).group_by(b).order_by(b).all();
  CHECK(buckets == std::vector<std::tuple<std::int32_t, std::int64_t>>(per_bucket.begin(), per_bucket.end()));
  REQUIRE(buckets.size() == 3);

  // DISTINCT with ORDER BY an expression: it must be the select item's expression.
  const auto distinct = db().select(b.as<"b">()).distinct().order_by(t::desc(b)).all();
  CHECK(distinct == std::vector<std::int32_t>{2, 1, 0});

  // CASE buckets: values in the conditions and in the results.
  const auto bucket = t::case_when(col(&run::score) < 0.7, "low")
                          .when(col(&run::score) < 0.85, "mid")
                          .otherwise("high");
  std::map<std::string, std::int64_t, std::greater<>> per_score;
  for (const auto& x : r.runs) ++per_score[x.score < 0.7 ? "low" : x.score < 0.85 ? "mid" : "high"];
  const auto scored = db().select(bucket, t::count()).group_by(bucket).order_by(t::desc(bucket)).all();
  CHECK(scored == std::vector<std::tuple<std::string, std::int64_t>>(per_score.begin(), per_score.end()));
  const auto labels = db().select(bucket.as<"bucket">()).distinct().order_by(bucket).all();
  CHECK(labels == std::vector<std::string>{"high", "low", "mid"});

  // coalesce with a text value; HAVING on an aggregate beside it.
  db().drop_all<tagged_run>();
  db().create_all<tagged_run>();
  for (const tagged_run& x : std::vector<tagged_run>{{0, "gpu", 1}, {0, std::nullopt, 2}, {0, "gpu", 3},
                                                     {0, std::nullopt, 4}, {0, "cpu", 5}}) {
    tagged_run row = x;
    db().insert(row);
  }
  const auto tag = t::coalesce(col(&tagged_run::tag), "none");
  const auto tags = db().select(tag, t::count()).group_by(tag).having(t::count() > 1).order_by(tag).all();
  CHECK(tags == std::vector<std::tuple<std::string, std::int64_t>>{{"gpu", 2}, {"none", 2}});
  CHECK(db().select(tag).distinct().order_by(tag).all() == std::vector<std::string>{"cpu", "gpu", "none"});
  // The same type with another fallback is another expression, and binds its own value.
  const auto spelled = [](const char* fallback) {
    const auto e = t::coalesce(col(&tagged_run::tag), fallback);
    return db().select(e, t::count()).group_by(e).order_by(e);
  };
  CHECK(spelled("-").all() == std::vector<std::tuple<std::string, std::int64_t>>{{"-", 2}, {"cpu", 1}, {"gpu", 2}});
  CHECK(spelled("z").all() == std::vector<std::tuple<std::string, std::int64_t>>{{"cpu", 1}, {"gpu", 2}, {"z", 2}});
}

TEST_CASE("a statement type whose items repeat for some values and not others runs right each way") {
  // The SQL of one statement type differs by which items repeat: the cache keeps each apart.
  const registry r;
  const auto by = [](std::int32_t factor) {
    return db().select(col(&run::epoch) * 1).order_by(col(&run::epoch) * factor);
  };
  std::vector<std::int32_t> up;
  for (const auto& x : r.runs) up.push_back(x.epoch);
  std::sort(up.begin(), up.end());
  const std::vector<std::int32_t> down(up.rbegin(), up.rend());
  CHECK(by(1).all() == up);     // ORDER BY repeats the select item: one parameter
  CHECK(by(-1).all() == down);  // two parameters
  CHECK(by(1).all() == up);
  CHECK(by(-1).all() == down);
}
