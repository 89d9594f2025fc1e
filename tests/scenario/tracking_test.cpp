// An experiment-tracking application written from the documentation alone: models,
// experiments, metrics and a lineage of model versions, on SQLite and PostgreSQL.

#include <catch2/catch.hpp>

#include <tabula/postgres.hpp>
#include <tabula/sqlite.hpp>
#include <tabula/tabula.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "support/test_backend.hpp"

using tabula::col;

namespace tracking {

using time_point = std::chrono::system_clock::time_point;

struct Model {
  std::int64_t id = 0;
  std::string name{};
  std::string framework{};
  std::optional<std::string> description{};
};

enum class RunStatus : std::int8_t { running, finished, failed };

struct Experiment {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
  std::string dataset{};
  double learning_rate = 0;
  std::int32_t epochs = 0;
  RunStatus status = RunStatus::running;
};

struct Cost {
  std::int64_t cents = 0;
  // Needed by db.insert of any model holding a Cost, though models.md does not say so.
  friend bool operator==(const Cost&, const Cost&) = default;
};

enum class Goal { minimize, maximize };

}  // namespace tracking

template <>
struct tabula::type_traits<tracking::time_point>
    : tabula::mapped_as<std::int64_t, tracking::time_point> {
  static std::int64_t to_db(tracking::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  }
  static tracking::time_point from_db(std::int64_t us) {
    return tracking::time_point(std::chrono::duration_cast<tracking::time_point::duration>(
        std::chrono::microseconds(us)));
  }
};

template <>
struct tabula::type_traits<tracking::Cost> : tabula::mapped_as<std::int64_t, tracking::Cost> {
  static std::int64_t to_db(const tracking::Cost& c) { return c.cents; }
  static tracking::Cost from_db(std::int64_t cents) { return tracking::Cost{cents}; }
};

template <>
struct tabula::type_traits<tracking::Goal> : tabula::mapped_as<std::string, tracking::Goal> {
  static std::string_view to_db(tracking::Goal g) {
    return g == tracking::Goal::minimize ? "minimize" : "maximize";
  }
  static tracking::Goal from_db(const std::string& s) {
    if (s == "minimize") return tracking::Goal::minimize;
    if (s == "maximize") return tracking::Goal::maximize;
    throw tabula::conversion_error("\"" + s + "\" is not a Goal");
  }
};

namespace tracking {

// A metric row uses every documented built-in type and the three custom mappings.
struct Metric {
  std::int64_t id = 0;
  std::int64_t experiment_id = 0;
  std::string name{};
  double value = 0;
  float smoothed = 0;
  bool is_final = false;
  std::int16_t step = 0;
  std::uint8_t worker = 0;
  std::uint16_t shard = 0;
  std::uint32_t samples = 0;
  std::uint64_t tokens = 0;
  signed char priority = 0;
  std::optional<std::int64_t> wall_ms{};
  tabula::blob checkpoint{};
  std::optional<tabula::blob> attachment{};
  time_point recorded{};
  Cost cost{};
  std::optional<Cost> budget{};
  Goal goal = Goal::minimize;
};

// Model versions: each version may derive from a parent version of the same table.
struct ModelVersion {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
  std::string tag{};
  std::optional<std::int64_t> parent_id{};
};

// A dataset keyed by its text name, and a composite-key assignment of datasets to models.
struct Dataset {
  std::string id{};
  std::int64_t rows = 0;
};

struct Assignment {
  std::int64_t model_id = 0;
  std::string dataset_id{};
  std::optional<std::string> note{};
};

struct Review {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
  std::string dataset_id{};
  std::int64_t score = 0;
};

}  // namespace tracking

template <>
struct tabula::schema<tracking::Model> {
  static constexpr auto table = "models";
  static constexpr auto options = tabula::options(
      tabula::unique(&tracking::Model::name), tabula::max_length(&tracking::Model::name, 20),
      tabula::index(&tracking::Model::framework));
};

template <>
struct tabula::schema<tracking::Experiment> {
  static constexpr auto table = "experiments";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&tracking::Experiment::model_id, &tracking::Model::id)
          .on_delete_cascade(),
      tabula::index(&tracking::Experiment::model_id), tabula::check("epochs > 0"));
};

template <>
struct tabula::schema<tracking::Metric> {
  static constexpr auto table = "metrics";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&tracking::Metric::experiment_id, &tracking::Experiment::id)
          .on_delete_cascade(),
      tabula::unique(&tracking::Metric::experiment_id, &tracking::Metric::name)
          .named("metric_per_run"),
      tabula::column_name(&tracking::Metric::recorded, "recorded_at"),
      tabula::check("value_is_finite", "value > -1e300 AND value < 1e300"));
};

template <>
struct tabula::schema<tracking::ModelVersion> {
  static constexpr auto table = "model_versions";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&tracking::ModelVersion::model_id, &tracking::Model::id)
          .on_delete_cascade(),
      tabula::foreign_key(&tracking::ModelVersion::parent_id, &tracking::ModelVersion::id)
          .on_delete_set_null(),
      tabula::unique_index(&tracking::ModelVersion::model_id, &tracking::ModelVersion::tag));
};

template <>
struct tabula::schema<tracking::Assignment> {
  static constexpr auto options = tabula::options(
      tabula::primary_key(&tracking::Assignment::model_id, &tracking::Assignment::dataset_id),
      tabula::foreign_key(&tracking::Assignment::model_id, &tracking::Model::id)
          .on_delete_cascade(),
      tabula::foreign_key(&tracking::Assignment::dataset_id, &tracking::Dataset::id)
          .on_delete_restrict()
          .on_update_cascade());
};

template <>
struct tabula::schema<tracking::Review> {
  static constexpr auto options = tabula::options(tabula::foreign_key(
      tabula::columns(&tracking::Review::model_id, &tracking::Review::dataset_id),
      tabula::columns(&tracking::Assignment::model_id, &tracking::Assignment::dataset_id))
                                                      .on_delete_cascade());
};

namespace tracking {
namespace {

tabula::engine open_fresh() {
  tabula::engine db(tabula::test::database_url());
  db.drop_all<Model, Experiment, Metric, ModelVersion, Dataset, Assignment, Review>();
  db.create_all<Model, Experiment, Metric, ModelVersion, Dataset, Assignment, Review>();
  return db;
}

Metric make_metric(std::int64_t experiment, std::string name, double value) {
  Metric m;
  m.experiment_id = experiment;
  m.name = std::move(name);
  m.value = value;
  m.smoothed = static_cast<float>(value / 2);
  m.recorded = time_point(std::chrono::microseconds(1'700'000'000'123'456));
  return m;
}

}  // namespace

TEST_CASE("every documented column type round-trips through insert and get", "[scenario]") {
  auto db = open_fresh();
  Model bert{.name = "BERT-base", .framework = "PyTorch"};
  db.insert(bert);
  REQUIRE(bert.id != 0);
  Experiment run{.model_id = bert.id, .dataset = "sst2", .learning_rate = 3e-5, .epochs = 3,
                 .status = RunStatus::finished};
  db.insert(run);
  REQUIRE(run.id != 0);

  Metric m = make_metric(run.id, "accuracy", 0.9125);
  m.is_final = true;
  m.step = -32000;
  m.worker = 255;
  m.shard = 65535;
  m.samples = 4'000'000'000u;
  m.tokens = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  m.priority = -7;
  m.wall_ms = 123456789012;
  m.checkpoint = {std::byte{0x00}, std::byte{0xCA}, std::byte{0xFE}, std::byte{0xFF}};
  m.attachment = std::nullopt;
  m.cost = Cost{1999};
  m.budget = Cost{5000};
  m.goal = Goal::maximize;
  db.insert(m);
  REQUIRE(m.id != 0);

  std::optional<Metric> back = db.get<Metric>(m.id);
  REQUIRE(back.has_value());
  CHECK(back->experiment_id == run.id);
  CHECK(back->name == "accuracy");
  CHECK(back->value == 0.9125);
  CHECK(back->smoothed == m.smoothed);
  CHECK(back->is_final);
  CHECK(back->step == -32000);
  CHECK(back->worker == 255);
  CHECK(back->shard == 65535);
  CHECK(back->samples == 4'000'000'000u);
  CHECK(back->tokens == m.tokens);
  CHECK(back->priority == -7);
  CHECK(back->wall_ms == std::optional<std::int64_t>(123456789012));
  CHECK(back->checkpoint == m.checkpoint);
  CHECK_FALSE(back->attachment.has_value());
  CHECK(back->recorded == m.recorded);
  CHECK(back->cost.cents == 1999);
  REQUIRE(back->budget.has_value());
  CHECK(back->budget->cents == 5000);
  CHECK(back->goal == Goal::maximize);

  std::optional<Experiment> run_back = db.get<Experiment>(run.id);
  REQUIRE(run_back.has_value());
  CHECK(run_back->status == RunStatus::finished);
  CHECK(run_back->learning_rate == 3e-5);
  CHECK_FALSE(db.get<Model>(bert.id + 1000).has_value());

  SECTION("a uint64 above INT64_MAX is refused on write and nothing is stored") {
    Metric big = make_metric(run.id, "tokens", 1);
    big.tokens = std::numeric_limits<std::uint64_t>::max();
    CHECK_THROWS_AS(db.insert(big), tabula::conversion_error);
    CHECK(db.query<Metric>().where(col(&Metric::name) == "tokens").count() == 0);
  }
  SECTION("text and composite keys chosen by the program") {
    Dataset sst2{.id = "sst2", .rows = 67349};
    db.insert(sst2);
    Assignment a{.model_id = bert.id, .dataset_id = "sst2", .note = "baseline"};
    db.insert(a);
    std::optional<Assignment> got = db.get<Assignment>(bert.id, std::string("sst2"));
    REQUIRE(got.has_value());
    CHECK(got->note == std::optional<std::string>("baseline"));
    Review r{.model_id = bert.id, .dataset_id = "sst2", .score = 7};
    db.insert(r);
    // A review without an assignment breaks the composite foreign key.
    Review orphan{.model_id = bert.id, .dataset_id = "mnli", .score = 1};
    CHECK_THROWS_AS(db.insert(orphan), tabula::foreign_key_violation);
    // The dataset is referenced with ON DELETE RESTRICT. (SQLite reports the refusal as
    // SQLITE_CONSTRAINT_TRIGGER, PostgreSQL as 23503; both are integrity errors.)
    CHECK_THROWS_AS(db.remove(sst2), tabula::integrity_error);
    CHECK(db.get<Dataset>(std::string("sst2")).has_value());
    CHECK(db.remove_by_key<Assignment>(bert.id, std::string("sst2")));
    CHECK(db.all<Review>().empty());  // cascaded from the assignment
    CHECK(db.remove(sst2));
  }
}

TEST_CASE("insert, update, remove and cascades on the engine", "[scenario]") {
  auto db = open_fresh();
  Model gpt{.name = "GPT-2", .framework = "PyTorch", .description = "small"};
  db.insert(gpt);
  Experiment a{.model_id = gpt.id, .dataset = "wikitext", .learning_rate = 1e-4, .epochs = 2};
  db.insert(a);

  gpt.description = std::nullopt;
  gpt.framework = "JAX";
  CHECK(db.update_row(gpt));
  auto reread = db.get<Model>(gpt.id);
  REQUIRE(reread.has_value());
  CHECK(reread->framework == "JAX");
  CHECK_FALSE(reread->description.has_value());

  Model ghost{.id = gpt.id + 99, .name = "ghost", .framework = "none"};
  CHECK_FALSE(db.update_row(ghost));
  CHECK_FALSE(db.remove(ghost));

  // An explicit non-zero key is inserted as given.
  Model fixed{.id = 5000, .name = "fixed-id", .framework = "TF"};
  db.insert(fixed);
  CHECK(fixed.id == 5000);
  CHECK(db.get<Model>(5000).has_value());

  CHECK(db.remove(gpt));
  CHECK_FALSE(db.get<Model>(gpt.id).has_value());
  CHECK_FALSE(db.get<Experiment>(a.id).has_value());  // ON DELETE CASCADE

  SECTION("a self-referencing lineage survives deleting a parent with SET NULL") {
    ModelVersion v1{.model_id = fixed.id, .tag = "v1"};
    db.insert(v1);
    ModelVersion v2{.model_id = fixed.id, .tag = "v2", .parent_id = v1.id};
    db.insert(v2);
    CHECK(db.remove(v1));
    auto child = db.get<ModelVersion>(v2.id);
    REQUIRE(child.has_value());
    CHECK_FALSE(child->parent_id.has_value());
    ModelVersion dup{.model_id = fixed.id, .tag = "v2"};
    CHECK_THROWS_AS(db.insert(dup), tabula::unique_violation);
  }
}

TEST_CASE("typed queries and every terminal operation", "[scenario]") {
  auto db = open_fresh();
  Model bert{.name = "BERT", .framework = "PyTorch"};
  Model t5{.name = "T5", .framework = "JAX"};
  db.insert(bert);
  db.insert(t5);
  std::vector<Experiment> runs;
  for (int i = 1; i <= 6; ++i) {
    runs.push_back(Experiment{.model_id = i % 2 ? bert.id : t5.id,
                              .dataset = i <= 3 ? "sst2" : "mnli",
                              .learning_rate = 1e-5 * i,
                              .epochs = i,
                              .status = i % 3 == 0 ? RunStatus::failed : RunStatus::finished});
  }
  db.insert_many(runs);
  for (const auto& r : runs) REQUIRE(r.id != 0);

  auto top = db.query<Experiment>()
                 .where(col(&Experiment::model_id) == bert.id &&
                        col(&Experiment::status) == RunStatus::finished)
                 .order_by(tabula::desc(&Experiment::epochs))
                 .limit(5)
                 .all();
  REQUIRE(top.size() == 2);  // epochs 5 and 1 (3 failed)
  CHECK(top[0].epochs == 5);
  CHECK(top[1].epochs == 1);

  auto paged = db.query<Experiment>()
                   .order_by(tabula::asc(&Experiment::dataset), tabula::desc(&Experiment::epochs))
                   .limit(2)
                   .offset(1)
                   .all();
  REQUIRE(paged.size() == 2);
  CHECK(paged[0].dataset == "mnli");
  CHECK(paged[0].epochs == 5);
  CHECK(paged[1].epochs == 4);

  auto only_offset = db.query<Experiment>().order_by(tabula::asc(&Experiment::epochs)).offset(4).all();
  REQUIRE(only_offset.size() == 2);
  CHECK(only_offset[0].epochs == 5);

  auto two_wheres = db.query<Experiment>()
                        .where(col(&Experiment::dataset) == "sst2")
                        .where(col(&Experiment::epochs) >= 2)
                        .count();
  CHECK(two_wheres == 2);
  CHECK(db.query<Experiment>().where(!(col(&Experiment::dataset) == "sst2")).count() == 3);
  CHECK(db.query<Experiment>()
            .where(col(&Experiment::epochs) < 2 || col(&Experiment::epochs) > 5)
            .count() == 2);
  CHECK(db.query<Experiment>().where(col(&Experiment::epochs) != 3).count() == 5);
  CHECK(db.query<Experiment>().where(col(&Experiment::epochs) <= 3).count() == 3);

  auto first = db.query<Experiment>().order_by(tabula::desc(&Experiment::learning_rate)).first();
  REQUIRE(first.has_value());
  CHECK(first->epochs == 6);
  CHECK_FALSE(db.query<Experiment>().where(col(&Experiment::epochs) > 100).first().has_value());

  Model one = db.query<Model>().where(col(&Model::name) == "T5").one();
  CHECK(one.id == t5.id);
  CHECK_THROWS_AS(db.query<Model>().where(col(&Model::name) == "nope").one(),
                  tabula::no_result_error);
  CHECK_THROWS_AS(db.query<Model>().one(), tabula::multiple_results_error);
  CHECK_FALSE(db.query<Model>().where(col(&Model::name) == "nope").one_or_none().has_value());
  CHECK(db.query<Model>().where(col(&Model::name) == "BERT").one_or_none()->id == bert.id);
  CHECK_THROWS_AS(db.query<Model>().one_or_none(), tabula::multiple_results_error);

  CHECK(db.query<Model>().where(col(&Model::framework) == "JAX").exists());
  CHECK_FALSE(db.query<Model>().where(col(&Model::framework) == "MXNet").exists());

  std::vector<std::string> names;
  for (const Model& m : db.query<Model>().order_by(tabula::desc(&Model::name)).stream()) {
    names.push_back(m.name);
  }
  CHECK(names == std::vector<std::string>{"T5", "BERT"});

  // Optional columns: IS NULL in both spellings, and NULLS LAST.
  Model described{.name = "RoBERTa", .framework = "PyTorch", .description = "robust"};
  db.insert(described);
  CHECK(db.query<Model>().where(col(&Model::description) == std::nullopt).count() == 2);
  CHECK(db.query<Model>().where(tabula::is_null(col(&Model::description))).count() == 2);
  CHECK(db.query<Model>().where(tabula::is_not_null(col(&Model::description))).count() == 1);
  CHECK(db.query<Model>().where(col(&Model::description) != std::nullopt).one().id ==
        described.id);
  auto by_description =
      db.query<Model>().order_by(tabula::desc(&Model::description).nulls_last()).all();
  REQUIRE(by_description.size() == 3);
  CHECK(by_description[0].id == described.id);

  // Comparing two columns of the same row.
  CHECK(db.query<Experiment>()
            .where(col(&Experiment::model_id) == col(&Experiment::epochs))
            .count() ==
        static_cast<std::int64_t>(std::count_if(runs.begin(), runs.end(), [](const auto& r) {
          return r.model_id == r.epochs;
        })));

  // A query built without a source runs on the engine or a connection.
  auto q = tabula::select_from<Experiment>().where(col(&Experiment::dataset) == "mnli");
  CHECK(db.all(q).size() == 3);
  auto conn = db.connect();
  CHECK(conn.all(q).size() == 3);
  CHECK(conn.query<Model>().count() == 3);
}

TEST_CASE("a session: unit of work, identity map, rollback and failed commits", "[scenario]") {
  auto db = open_fresh();
  auto s = db.session();
  Model& bert = s.add(Model{.name = "BERT-base", .framework = "PyTorch"});
  CHECK(s.contains(bert));
  s.commit();
  REQUIRE(bert.id != 0);
  CHECK(db.get<Model>(bert.id)->name == "BERT-base");

  Experiment& run = s.add(Experiment{.model_id = bert.id, .dataset = "sst2", .epochs = 3});
  s.flush();
  REQUIRE(run.id != 0);
  run.status = RunStatus::finished;
  s.commit();
  CHECK(db.get<Experiment>(run.id)->status == RunStatus::finished);

  SECTION("identity map") {
    Model* same = s.get<Model>(bert.id);
    CHECK(same == &bert);
    auto s2 = db.session();
    Model* loaded = s2.get<Model>(bert.id);
    REQUIRE(loaded != nullptr);
    CHECK(loaded != &bert);
    CHECK(s2.get<Model>(bert.id) == loaded);
    CHECK(s2.get<Model>(bert.id + 500) == nullptr);
    // session.query returns the session's own tracked objects.
    auto found = s2.query<Model>().where(col(&Model::name) == "BERT-base").all();
    REQUIRE(found.size() == 1);
    CHECK(found[0] == loaded);
  }

  SECTION("rollback restores committed values, re-pends inserts and undeletes") {
    bert.framework = "JAX";
    Model& pending = s.add(Model{.name = "T5", .framework = "JAX"});
    s.flush();
    REQUIRE(pending.id != 0);
    s.remove(run);
    s.flush();
    s.rollback();
    CHECK(bert.framework == "PyTorch");
    CHECK(pending.id == 0);
    CHECK(s.contains(pending));
    CHECK(s.contains(run));
    s.commit();  // the pending T5 is inserted again; the run was never deleted
    CHECK(pending.id != 0);
    CHECK(db.query<Model>().count() == 2);
    CHECK(db.get<Experiment>(run.id).has_value());
    CHECK(db.get<Model>(bert.id)->framework == "PyTorch");
  }

  SECTION("a unique violation at commit leaves the session usable") {
    Model& t5 = s.add(Model{.name = "T5", .framework = "JAX"});
    Model& dup = s.add(Model{.name = "BERT-base", .framework = "TF"});
    bert.description = "changed with the failing flush";
    try {
      s.commit();
      FAIL("the duplicate name was accepted");
    } catch (const tabula::unique_violation& e) {
      CHECK_FALSE(e.sql().empty());
      CHECK(e.sql().find("INSERT") != std::string::npos);
      CHECK((e.code() == "23505" || e.code() == "2067"));
      CHECK_FALSE(e.driver_message().empty());
      CHECK(std::string(e.what()).find(e.code()) != std::string::npos);
    }
    CHECK(t5.id == 0);
    CHECK(dup.id == 0);
    CHECK(bert.description == std::optional<std::string>("changed with the failing flush"));
    CHECK(db.query<Model>().count() == 1);
    s.expunge(dup);
    CHECK_FALSE(s.contains(dup));
    s.commit();
    CHECK(t5.id != 0);
    CHECK(db.query<Model>().count() == 2);
    CHECK(db.get<Model>(bert.id)->description ==
          std::optional<std::string>("changed with the failing flush"));
  }

  SECTION("a check violation, fixed in place, then committed") {
    Experiment& bad = s.add(Experiment{.model_id = bert.id, .dataset = "mnli", .epochs = 0});
    CHECK_THROWS_AS(s.commit(), tabula::check_violation);
    CHECK(bad.id == 0);
    bad.epochs = 4;
    s.commit();
    CHECK(bad.id != 0);
    CHECK(db.get<Experiment>(bad.id)->epochs == 4);
  }

  SECTION("max_length is a check violation on both databases") {
    s.add(Model{.name = std::string(21, 'x'), .framework = "PyTorch"});
    CHECK_THROWS_AS(s.commit(), tabula::check_violation);
  }

  SECTION("changing a primary key is refused") {
    bert.id += 1;
    CHECK_THROWS_AS(s.flush(), tabula::programming_error);
  }

  SECTION("removing a tracked object deletes it at commit and detaches it") {
    s.remove(run);
    s.commit();
    CHECK_FALSE(db.get<Experiment>(run.id).has_value());
    CHECK_FALSE(s.contains(run));
  }

  SECTION("an expunged object's changes are not written") {
    s.expunge(bert);
    bert.framework = "changed after expunge";
    s.commit();
    CHECK(db.get<Model>(bert.id)->framework == "PyTorch");
  }
}

TEST_CASE("errors carry the statement, the code and the database's message", "[scenario]") {
  auto db = open_fresh();
  Model bert{.name = "BERT", .framework = "PyTorch"};
  db.insert(bert);
  const bool pg = tabula::test::backend() == "postgresql";

  Model again{.name = "BERT", .framework = "JAX"};
  try {
    db.insert(again);
    FAIL("duplicate accepted");
  } catch (const tabula::unique_violation& e) {
    CHECK(e.code() == (pg ? "23505" : "2067"));
    CHECK(e.sql().find("\"models\"") != std::string::npos);
    CHECK((e.driver_message().find("uq_models_name") != std::string::npos ||
           e.driver_message().find("models.name") != std::string::npos));
  }

  Experiment orphan{.model_id = bert.id + 77, .dataset = "x", .epochs = 1};
  try {
    db.insert(orphan);
    FAIL("orphan accepted");
  } catch (const tabula::foreign_key_violation& e) {
    CHECK(e.code() == (pg ? "23503" : "787"));
  }

  Experiment zero{.model_id = bert.id, .dataset = "x", .epochs = 0};
  try {
    db.insert(zero);
    FAIL("CHECK not enforced");
  } catch (const tabula::check_violation& e) {
    CHECK(e.code() == (pg ? "23514" : "275"));
    CHECK(dynamic_cast<const tabula::integrity_error*>(&e) != nullptr);
  }

  Model too_long{.name = std::string(25, 'n'), .framework = "x"};
  try {
    db.insert(too_long);
    FAIL("max_length not enforced");
  } catch (const tabula::check_violation& e) {
    CHECK(e.code() == (pg ? "22001" : "275"));
  }

  try {
    db.execute("SELECT * FROM no_such_table");
    FAIL("missing table accepted");
  } catch (const tabula::programming_error& e) {
    CHECK(e.sql() == "SELECT * FROM no_such_table");
    CHECK_FALSE(e.driver_message().empty());
  }

  CHECK_THROWS_AS(tabula::engine("nosuchdb://x"), tabula::programming_error);

  // After all of this the engine still works.
  CHECK(db.query<Model>().count() == 1);
}

TEST_CASE("transactions and savepoints on a connection", "[scenario]") {
  auto db = open_fresh();
  Model a{.name = "a", .framework = "f"};
  Model b{.name = "b", .framework = "f"};
  Model c{.name = "c", .framework = "f"};
  {
    auto conn = db.connect();
    auto tx = conn.begin();
    conn.insert(a);
    {
      auto sp = conn.begin();
      conn.insert(b);
    }  // rolled back to the savepoint
    {
      auto sp = conn.begin();
      conn.insert(c);
      sp.commit();
    }
    CHECK(conn.query<Model>().count() == 2);
    tx.commit();
  }
  CHECK(db.get<Model>(a.id).has_value());
  CHECK(db.query<Model>().where(col(&Model::name) == "b").count() == 0);
  CHECK(db.query<Model>().where(col(&Model::name) == "c").count() == 1);

  SECTION("a failed statement inside a savepoint keeps the transaction going") {
    auto conn = db.connect();
    auto tx = conn.begin();
    Model d{.name = "d", .framework = "f"};
    conn.insert(d);
    {
      auto sp = conn.begin();
      Model dup{.name = "a", .framework = "f"};
      CHECK_THROWS_AS(conn.insert(dup), tabula::unique_violation);
    }
    Model e{.name = "e", .framework = "f"};
    conn.insert(e);
    tx.commit();
    CHECK(db.query<Model>().count() == 4);
  }

  SECTION("a transaction destroyed without commit rolls back") {
    {
      auto conn = db.connect();
      auto tx = conn.begin();
      Model d{.name = "d", .framework = "f"};
      conn.insert(d);
      CHECK(conn.get<Model>(d.id).has_value());
    }
    CHECK(db.query<Model>().count() == 2);
  }
}

}  // namespace tracking
