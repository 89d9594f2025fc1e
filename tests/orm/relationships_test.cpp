// Relationships: members that are not columns, graphs saved in one commit with keys copied
// along the foreign keys, selectin loading by paths, identity across paths, many-to-many
// association rows, orphans, and failed flushes and rollbacks that restore collections.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/test_backend.hpp"

#include <tabula/tabula.hpp>

using tabula::col;

namespace rel {

struct Metric;  // declared after the models that hold relationships to them
struct Hyperparameter;
struct Tag;
struct ExperimentTag;
struct Experiment;

struct Model {
  std::int64_t id = 0;
  std::string name{};
  tabula::many<Experiment> experiments{};
};

struct Experiment {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
  std::string dataset{};
  tabula::one<Model> model{};
  tabula::many<Metric> metrics{};
  tabula::many<Hyperparameter> hyperparameters{};
  tabula::many<Tag, tabula::via<ExperimentTag>> tags{};
};

struct Metric {
  std::int64_t id = 0;
  std::int64_t experiment_id = 0;
  std::string name{};
  double value = 0;
  tabula::one<Experiment> experiment{};
};

struct Hyperparameter {
  std::int64_t id = 0;
  std::optional<std::int64_t> experiment_id{};  // nullable: an unlinked one is kept, detached
  std::string name{};
  std::string value{};
};

struct Tag {
  std::int64_t id = 0;
  std::string tag_name{};
};

struct ExperimentTag {
  std::int64_t experiment_id = 0;
  std::int64_t tag_id = 0;
};

/// Datasets derived from a parent dataset: both ends of the relationship on one table.
struct Dataset {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id{};
  std::string name{};
  tabula::one<Dataset> parent{};
  tabula::many<Dataset> children{};
};

struct Profile;

/// One-to-one: the profile holds the key; the user refers to it from the referenced side.
struct User {
  std::int64_t id = 0;
  std::string name{};
  tabula::one<Profile> profile{};
};

struct Profile {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string bio{};
  tabula::one<User> user{};
};

struct Label;

/// Shelves named by a code that is not unique: a reference by code may match several rows.
struct Shelf {
  std::int64_t id = 0;
  std::string code{};
  tabula::many<Label> labels{};
};

struct Label {
  std::int64_t id = 0;
  std::int64_t shelf_id = 0;
  std::string text{};
};

struct Book {
  std::int64_t id = 0;
  std::string shelf_code{};
  tabula::one<Shelf> shelf{};
};

}  // namespace rel

template <>
struct tabula::schema<rel::Shelf> {
  static constexpr auto table = "rel_shelves";
};
template <>
struct tabula::schema<rel::Label> {
  static constexpr auto table = "rel_labels";
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&rel::Label::shelf_id, &rel::Shelf::id));
};
template <>
struct tabula::schema<rel::Book> {
  static constexpr auto table = "rel_books";
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&rel::Book::shelf_code, &rel::Shelf::code));
};
template <>
struct tabula::schema<rel::User> {
  static constexpr auto table = "rel_users";
};
template <>
struct tabula::schema<rel::Profile> {
  static constexpr auto table = "rel_profiles";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&rel::Profile::user_id, &rel::User::id).on_delete_cascade(),
      tabula::unique(&rel::Profile::user_id));
};
template <>
struct tabula::schema<rel::Model> {
  static constexpr auto table = "rel_models";
  static constexpr auto options = tabula::options(tabula::unique(&rel::Model::name));
};
template <>
struct tabula::schema<rel::Experiment> {
  static constexpr auto table = "rel_experiments";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&rel::Experiment::model_id, &rel::Model::id).on_delete_cascade(),
      tabula::relationship(&rel::Experiment::metrics).delete_orphan());
};
template <>
struct tabula::schema<rel::Metric> {
  static constexpr auto table = "rel_metrics";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&rel::Metric::experiment_id, &rel::Experiment::id).on_delete_cascade(),
      tabula::check("value >= 0"));
};
template <>
struct tabula::schema<rel::Hyperparameter> {
  static constexpr auto table = "rel_hyperparameters";
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&rel::Hyperparameter::experiment_id, &rel::Experiment::id)
                          .on_delete_set_null());
};
template <>
struct tabula::schema<rel::Tag> {
  static constexpr auto table = "rel_tags";
};
template <>
struct tabula::schema<rel::ExperimentTag> {
  static constexpr auto table = "rel_experiment_tags";
  static constexpr auto options = tabula::options(
      tabula::primary_key(&rel::ExperimentTag::experiment_id, &rel::ExperimentTag::tag_id),
      tabula::foreign_key(&rel::ExperimentTag::experiment_id, &rel::Experiment::id)
          .on_delete_cascade(),
      tabula::foreign_key(&rel::ExperimentTag::tag_id, &rel::Tag::id).on_delete_cascade());
};
template <>
struct tabula::schema<rel::Dataset> {
  static constexpr auto table = "rel_datasets";
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&rel::Dataset::parent_id, &rel::Dataset::id));
};

using namespace rel;

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

void fresh_schema() {
  db().drop_all<Model, Experiment, Metric, Hyperparameter, Tag, ExperimentTag, Dataset, User,
                Profile>();
  db().create_all<Model, Experiment, Metric, Hyperparameter, Tag, ExperimentTag, Dataset, User,
                  Profile>();
}

/// Records the SQL the engine runs while alive.
struct sql_log {
  std::vector<std::string> statements;
  sql_log() {
    db().set_echo([this](std::string_view sql) { statements.emplace_back(sql); });
  }
  ~sql_log() { db().set_echo({}); }
  sql_log(const sql_log&) = delete;
  sql_log& operator=(const sql_log&) = delete;
  [[nodiscard]] std::size_t count(std::string_view prefix) const {
    return static_cast<std::size_t>(
        std::count_if(statements.begin(), statements.end(),
                      [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }));
  }
  /// The statements that read or write rows (not BEGIN, COMMIT, SAVEPOINT...).
  [[nodiscard]] std::size_t data_statements() const {
    return count("SELECT") + count("INSERT") + count("UPDATE") + count("DELETE");
  }
};

/// Experiments of `m`: `experiments` of them with `metrics` metrics and `params`
/// hyperparameters each, all new.
void grow(Model& m, int experiments, int metrics, int params) {
  for (int e = 0; e < experiments; ++e) {
    Experiment& exp = m.experiments.add(Experiment{.dataset = "ds" + std::to_string(e)});
    for (int k = 0; k < metrics; ++k) {
      exp.metrics.add(Metric{.name = "m" + std::to_string(k), .value = e + k / 10.0});
    }
    for (int k = 0; k < params; ++k) {
      exp.hyperparameters.add(Hyperparameter{.name = "p" + std::to_string(k), .value = "v"});
    }
  }
}

/// A model "a" with `experiments` experiments of `metrics` metrics each, added to `s` and
/// committed.
Model& saved_model(tabula::session& s, int experiments, int metrics) {
  Model m{.name = "a"};
  grow(m, experiments, metrics, 0);
  Model& a = s.add(std::move(m));
  s.commit();
  return a;
}

}  // namespace

TEST_CASE("relationship members are not columns, and may name types declared later") {
  const auto& t = tabula::table_of<Experiment>();
  REQUIRE(t.def.columns.size() == 3);
  CHECK(t.def.columns[0].name == "id");
  CHECK(t.def.columns[1].name == "model_id");
  CHECK(t.def.columns[2].name == "dataset");
  STATIC_REQUIRE(tabula::reflect::field_count<Experiment> == 3);
  STATIC_REQUIRE(tabula::reflect::non_column_count<Experiment> == 4);
  STATIC_REQUIRE(tabula::detail::link_of<&Experiment::metrics>::fk == &Metric::experiment_id);
  STATIC_REQUIRE(tabula::detail::link_of<&Experiment::model>::fk == &Experiment::model_id);
  STATIC_REQUIRE(tabula::detail::link_of<&Experiment::tags>::target_fk == &ExperimentTag::tag_id);
  STATIC_REQUIRE(tabula::detail::link_of<&Dataset::children>::fk == &Dataset::parent_id);
  STATIC_REQUIRE(tabula::detail::link_of<&Experiment::metrics>::delete_orphan);
  STATIC_REQUIRE(!tabula::detail::link_of<&Experiment::hyperparameters>::delete_orphan);
  // Still an aggregate with designated initializers.
  const Experiment e{.model_id = 3, .dataset = "imagenet"};
  CHECK(e.metrics.empty());  // built by the program: complete, and empty
  fresh_schema();
  CHECK(db().all<Experiment>().empty());
}

TEST_CASE("a graph is saved in one commit, one INSERT per table, keys copied to dependants") {
  fresh_schema();
  auto s = db().session();
  Model m{.name = "BERT"};
  grow(m, 10, 5, 3);
  Model& bert = s.add(std::move(m));
  Experiment& first = bert.experiments[0];
  CHECK(s.contains(first));  // taken in with its owner (cascade save)
  CHECK(s.contains(first.metrics[4]));

  sql_log log;
  s.commit();
  // models, experiments, metrics, hyperparameters: one multi-row INSERT each.
  CHECK(log.count("INSERT") == 4);
  CHECK(log.data_statements() == 4);

  REQUIRE(bert.id > 0);
  CHECK(bert.experiments.size() == 10);
  for (Experiment& e : bert.experiments) {
    CHECK(e.id > 0);
    CHECK(e.model_id == bert.id);
    for (Metric& x : e.metrics) CHECK(x.experiment_id == e.id);
    for (Hyperparameter& h : e.hyperparameters) CHECK(h.experiment_id == e.id);
  }
  CHECK(db().query<Experiment>().where(col(&Experiment::model_id) == bert.id).count() == 10);
  CHECK(db().query<Metric>().where(col(&Metric::experiment_id) == first.id).count() == 5);
  CHECK(db().query<Metric>().count() == 50);
  CHECK(db().query<Hyperparameter>().count() == 30);

  // A child added later to a persistent parent gets the parent's key.
  first.metrics.add(Metric{.name = "late", .value = 1});
  s.commit();
  CHECK(first.metrics[5].experiment_id == first.id);
  CHECK(db().query<Metric>().where(col(&Metric::experiment_id) == first.id).count() == 6);
}

TEST_CASE("a many-to-one reference is saved: the foreign key comes from the target's key") {
  fresh_schema();
  auto s = db().session();
  Metric& x =
      s.add(Metric{.name = "acc",
                   .value = 0.9,
                   .experiment = Experiment{.dataset = "d", .model = Model{.name = "ResNet"}}});
  s.commit();
  Experiment& e = *x.experiment;
  REQUIRE(e.id > 0);
  CHECK(x.experiment_id == e.id);
  CHECK(e.model_id == e.model->id);
  CHECK(db().get<Experiment>(e.id)->model_id == e.model->id);
}

TEST_CASE("selectin loads a path in one SELECT per level, into the identity map") {
  fresh_schema();
  {
    auto w = db().session();
    for (int i = 0; i < 100; ++i) {
      Model m{.name = "model" + std::to_string(i)};
      grow(m, i % 4, 2, 0);  // 0 to 3 experiments, 2 metrics each
      w.add(std::move(m));
    }
    w.commit();
  }
  auto s = db().session();
  sql_log log;
  std::vector<Model*> models = s.query<Model>().order_by(col(&Model::id)).all();
  s.load(models, &Model::experiments, &Experiment::metrics);
  CHECK(log.count("SELECT") == 3);  // 1 + one per level
  CHECK(log.data_statements() == 3);

  REQUIRE(models.size() == 100);
  std::size_t experiments = 0;
  std::size_t metrics = 0;
  for (std::size_t i = 0; i < models.size(); ++i) {
    CHECK(models[i]->experiments.size() == i % 4);
    for (Experiment& e : models[i]->experiments) {
      ++experiments;
      CHECK(e.model_id == models[i]->id);
      CHECK(e.metrics.size() == 2);
      metrics += e.metrics.size();
      // The back-reference is set by the same load, without a query.
      CHECK(e.model.get() == models[i]);
      CHECK(e.metrics[0].experiment.get() == &e);
    }
  }
  CHECK(experiments == 150);
  CHECK(metrics == 300);
  CHECK(log.count("SELECT") == 3);  // reading loaded relationships reads nothing

  // The same row is the same object whichever path reached it.
  Experiment* some = nullptr;
  for (Model* m : models) {
    if (!m->experiments.empty()) some = &m->experiments[0];
  }
  REQUIRE(some != nullptr);
  CHECK(s.get<Experiment>(some->id) == some);
  std::vector<Experiment*> by_query =
      s.query<Experiment>().where(col(&Experiment::id) == some->id).all();
  REQUIRE(by_query.size() == 1);
  CHECK(by_query[0] == some);
  s.load(*some, &Experiment::model);
  CHECK(some->model.get() == s.get<Model>(some->model_id));
  // Many-to-one back along the path: the owner itself.
  s.load(some->metrics[0], &Metric::experiment);
  CHECK(some->metrics[0].experiment.get() == some);

  // Loading what is loaded reads nothing; a path through it still goes on.
  sql_log again;
  s.load(models, &Model::experiments);
  CHECK(again.data_statements() == 0);
  // Nothing changed by loading: a commit writes nothing.
  s.commit();
  CHECK(again.data_statements() == 0);
}

TEST_CASE("an unloaded relationship throws instead of looking empty") {
  fresh_schema();
  {
    auto w = db().session();
    Model m{.name = "m"};
    grow(m, 1, 1, 0);
    w.add(std::move(m));
    w.commit();
  }
  auto s = db().session();
  Model& m = s.query<Model>().one();
  CHECK_FALSE(m.experiments.loaded());
  CHECK_THROWS_AS(m.experiments.size(), tabula::programming_error);
  CHECK_THROWS_AS(m.experiments.begin(), tabula::programming_error);
  CHECK_THROWS_AS(m.experiments.add(Experiment{}), tabula::programming_error);
  // Rows read without a session are unloaded too.
  auto plain = db().all<Model>();
  REQUIRE(plain.size() == 1);
  CHECK_FALSE(plain[0].experiments.loaded());
  s.load(m, &Model::experiments);
  CHECK(m.experiments.size() == 1);
}

TEST_CASE("self-referential lineage three levels deep is saved and loaded") {
  fresh_schema();
  {
    auto s = db().session();
    Dataset root{.name = "raw"};
    Dataset& clean = root.children.add(Dataset{.name = "clean"});
    clean.children.add(Dataset{.name = "train"});
    clean.children.add(Dataset{.name = "test"});
    Dataset& r = s.add(std::move(root));
    s.commit();
    REQUIRE(r.id > 0);
    CHECK(clean.parent_id == r.id);
    CHECK(clean.children[0].parent_id == clean.id);
    CHECK(clean.children[1].parent_id == clean.id);
    CHECK_FALSE(r.parent_id.has_value());
  }
  auto s = db().session();
  std::vector<Dataset*> roots =
      s.query<Dataset>().where(tabula::is_null(col(&Dataset::parent_id))).all();
  REQUIRE(roots.size() == 1);
  sql_log log;
  s.load(roots, &Dataset::children, &Dataset::children);
  CHECK(log.count("SELECT") == 2);
  Dataset& clean = roots[0]->children[0];
  CHECK(clean.name == "clean");
  REQUIRE(clean.children.size() == 2);
  Dataset& train = clean.children[0].name == "train" ? clean.children[0] : clean.children[1];
  s.load(train, &Dataset::parent, &Dataset::parent);
  CHECK(train.parent.get() == &clean);  // the same object, from the identity map
  CHECK(clean.parent.get() == roots[0]);
  CHECK_FALSE(roots[0]->parent.loaded());
}

TEST_CASE("many-to-many: association rows follow the collection's changes") {
  fresh_schema();
  auto s = db().session();
  Tag& nlp = s.add(Tag{.tag_name = "NLP"});
  Tag& vision = s.add(Tag{.tag_name = "vision"});
  Model& m = s.add(Model{.name = "BERT"});
  Experiment& e = m.experiments.add(Experiment{.dataset = "glue"});
  e.tags.add(nlp);
  e.tags.add(Tag{.tag_name = "new"});  // a new tag, saved with the experiment
  s.commit();
  CHECK(db().query<ExperimentTag>().count() == 2);
  CHECK(db().query<ExperimentTag>()
            .where(col(&ExperimentTag::experiment_id) == e.id &&
                   col(&ExperimentTag::tag_id) == nlp.id)
            .count() == 1);
  CHECK(db().query<Tag>().count() == 3);

  sql_log log;
  e.tags.remove(nlp);
  e.tags.add(vision);
  s.commit();
  CHECK(log.count("DELETE") == 1);
  CHECK(log.count("INSERT") == 1);
  CHECK(db().query<ExperimentTag>().count() == 2);
  CHECK(db().query<ExperimentTag>().where(col(&ExperimentTag::tag_id) == nlp.id).count() == 0);
  CHECK(db().query<ExperimentTag>().where(col(&ExperimentTag::tag_id) == vision.id).count() == 1);
  CHECK(db().query<Tag>().count() == 3);  // unlinking a tag keeps it

  auto r = db().session();
  Experiment* loaded = r.get<Experiment>(e.id);
  REQUIRE(loaded != nullptr);
  sql_log reads;
  r.load(*loaded, &Experiment::tags);
  CHECK(reads.count("SELECT") == 1);
  REQUIRE(loaded->tags.size() == 2);
  std::vector<std::string> names;
  for (Tag& t : loaded->tags) names.push_back(t.tag_name);
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"new", "vision"});
  CHECK(r.get<Tag>(vision.id) == &loaded->tags[loaded->tags[0].tag_name == "vision" ? 0 : 1]);
}

TEST_CASE("an object removed from a collection is deleted (delete-orphan) or detached") {
  fresh_schema();
  auto s = db().session();
  Model m{.name = "m"};
  grow(m, 1, 3, 2);
  Model& model = s.add(std::move(m));
  s.commit();
  Experiment& e = model.experiments[0];
  Metric& gone = e.metrics[1];
  const auto gone_id = gone.id;
  Hyperparameter& loose = e.hyperparameters[0];
  const auto loose_id = loose.id;

  CHECK(e.metrics.remove(gone));
  CHECK(e.hyperparameters.remove(loose));
  CHECK(e.metrics.size() == 2);
  s.commit();
  // Metrics are delete-orphan: the row is gone, and so is the object from the session.
  CHECK_FALSE(db().get<Metric>(gone_id).has_value());
  CHECK_FALSE(s.contains(gone));
  CHECK(db().query<Metric>().count() == 2);
  // Hyperparameters are not: the row stays, its foreign key NULL.
  auto kept = db().get<Hyperparameter>(loose_id);
  REQUIRE(kept.has_value());
  CHECK_FALSE(kept->experiment_id.has_value());
  CHECK_FALSE(loose.experiment_id.has_value());
  CHECK(s.contains(loose));
}

TEST_CASE("a failed flush in the middle of a graph leaves database and objects as before") {
  fresh_schema();
  auto s = db().session();
  Model m{.name = "m"};
  grow(m, 3, 2, 1);
  m.experiments[2].metrics[1].value = -1;  // violates the CHECK on metrics
  Model& model = s.add(std::move(m));
  CHECK_THROWS_AS(s.commit(), tabula::check_violation);

  CHECK(db().query<Model>().count() == 0);
  CHECK(db().query<Experiment>().count() == 0);
  CHECK(db().query<Metric>().count() == 0);
  CHECK(model.id == 0);
  REQUIRE(model.experiments.size() == 3);
  for (Experiment& e : model.experiments) {
    CHECK(e.id == 0);
    CHECK(e.model_id == 0);
    REQUIRE(e.metrics.size() == 2);
    for (Metric& x : e.metrics) {
      CHECK(x.id == 0);
      CHECK(x.experiment_id == 0);
    }
  }

  // Fixed, the same graph is written.
  model.experiments[2].metrics[1].value = 1;
  s.commit();
  CHECK(db().query<Metric>().count() == 6);
  CHECK(model.experiments[2].metrics[1].experiment_id == model.experiments[2].id);
}

TEST_CASE("a failed flush undoes association rows and orphan deletes") {
  fresh_schema();
  auto s = db().session();
  Model m{.name = "m"};
  grow(m, 1, 2, 0);
  Model& model = s.add(std::move(m));
  Tag& t = s.add(Tag{.tag_name = "t"});
  s.commit();
  Experiment& e = model.experiments[0];
  Metric& orphan = e.metrics[0];
  e.metrics.remove(orphan);
  e.tags.add(t);
  e.metrics.add(Metric{.name = "bad", .value = -5});
  CHECK_THROWS_AS(s.commit(), tabula::check_violation);
  CHECK(db().query<Metric>().count() == 2);
  CHECK(db().query<ExperimentTag>().count() == 0);
  CHECK(s.contains(orphan));
  e.metrics[1].value = 5;  // the new one
  s.commit();
  CHECK(db().query<Metric>().count() == 2);  // one deleted, one added
  CHECK(db().query<ExperimentTag>().count() == 1);
  CHECK_FALSE(s.contains(orphan));
}

TEST_CASE("rollback restores collections and references") {
  fresh_schema();
  auto s = db().session();
  Model m{.name = "a"};
  grow(m, 1, 2, 0);
  Model& a = s.add(std::move(m));
  Model& b = s.add(Model{.name = "b"});
  s.commit();
  Experiment& e = a.experiments[0];
  Metric* first = &e.metrics[0];
  Metric* second = &e.metrics[1];

  e.metrics.remove(*first);
  e.model = b;
  s.flush();
  CHECK(e.model_id == b.id);
  s.rollback();
  REQUIRE(e.metrics.size() == 2);
  CHECK(&e.metrics[0] == first);
  CHECK(&e.metrics[1] == second);
  CHECK(e.model_id == a.id);
  CHECK(db().query<Metric>().count() == 2);
  CHECK(db().get<Experiment>(e.id)->model_id == a.id);
  s.commit();  // nothing left to write
  CHECK(db().query<Metric>().count() == 2);
}

TEST_CASE("joined loads a relationship in one SELECT with a LEFT JOIN, rows grouped by owner") {
  fresh_schema();
  {
    auto w = db().session();
    Tag& t = w.add(Tag{.tag_name = "NLP"});
    for (int i = 0; i < 100; ++i) {
      Model m{.name = "model" + std::to_string(i)};
      grow(m, i % 4, 1, 0);
      if (i % 4 == 3) m.experiments[0].tags.add(t);
      w.add(std::move(m));
    }
    w.commit();
  }
  auto s = db().session();
  sql_log log;
  std::vector<Model*> models = s.joined(&Model::experiments);
  CHECK(log.count("SELECT") == 1);
  CHECK(log.data_statements() == 1);
  CHECK(log.statements.back().find("LEFT OUTER JOIN") != std::string::npos);
  REQUIRE(models.size() == 100);  // models without experiments too
  std::size_t experiments = 0;
  for (Model* m : models) {
    const auto i = std::stoi(m->name.substr(5));
    CHECK(m->experiments.size() == static_cast<std::size_t>(i % 4));
    for (Experiment& e : m->experiments) {
      CHECK(e.model_id == m->id);
      CHECK(s.get<Experiment>(e.id) == &e);
      ++experiments;
    }
  }
  CHECK(experiments == 150);
  CHECK(s.query<Model>().where(col(&Model::name) == "model7").one().experiments.size() == 3);

  // With a condition; many-to-one and many-to-many.
  sql_log more;
  std::vector<Experiment*> exps = s.joined(&Experiment::model, col(&Experiment::dataset) == "ds0");
  CHECK(more.count("SELECT") == 1);
  REQUIRE(exps.size() == 75);
  for (Experiment* e : exps) CHECK(e->model.get() == s.get<Model>(e->model_id));
  std::vector<Experiment*> tagged = s.joined(&Experiment::tags);
  CHECK(more.count("SELECT") == 2);
  REQUIRE(tagged.size() == 150);
  std::size_t with_tag = 0;
  for (Experiment* e : tagged) with_tag += e->tags.size();
  CHECK(with_tag == 25);
}

TEST_CASE("deleting a parent follows ON DELETE CASCADE and SET NULL in the tracked children") {
  fresh_schema();
  auto s = db().session();
  Model m{.name = "m"};
  grow(m, 2, 2, 2);
  Model& model = s.add(std::move(m));
  Model& other = s.add(Model{.name = "other"});
  grow(other, 1, 1, 0);
  s.commit();
  Experiment& e0 = model.experiments[0];
  Metric& x0 = e0.metrics[0];
  Hyperparameter& h0 = e0.hyperparameters[0];
  const auto e0_id = e0.id;
  const auto x0_id = x0.id;

  // Experiments cascade from the model, metrics from the experiments; hyperparameters are
  // SET NULL from the experiments.
  s.remove(model);
  s.commit();
  CHECK(db().query<Experiment>().count() == 1);
  CHECK(db().query<Metric>().count() == 1);
  CHECK(db().query<Hyperparameter>().count() == 4);
  CHECK_FALSE(s.contains(e0));
  CHECK_FALSE(s.contains(x0));
  CHECK(s.get<Experiment>(e0_id) == nullptr);
  CHECK(s.get<Metric>(x0_id) == nullptr);
  CHECK(s.contains(h0));
  CHECK_FALSE(h0.experiment_id.has_value());
  CHECK(s.contains(other.experiments[0].metrics[0]));
  s.commit();  // nothing left to write: the objects match the rows
  CHECK(db().query<Hyperparameter>()
            .where(tabula::is_null(col(&Hyperparameter::experiment_id)))
            .count() == 4);
}

TEST_CASE("a parent delete undone by a failed flush brings the tracked children back") {
  fresh_schema();
  auto s = db().session();
  Model m{.name = "m"};
  grow(m, 1, 1, 1);
  Model& model = s.add(std::move(m));
  s.commit();
  Experiment& e = model.experiments[0];
  Hyperparameter& h = e.hyperparameters[0];
  s.remove(model);
  Metric& bad = s.add(Metric{.experiment_id = e.id, .name = "bad", .value = -1});  // CHECK
  CHECK_THROWS_AS(s.commit(), tabula::check_violation);
  s.expunge(bad);
  CHECK(s.contains(e));
  CHECK(s.contains(e.metrics[0]));
  CHECK(h.experiment_id == e.id);
  CHECK(db().query<Experiment>().count() == 1);
  s.rollback();  // the removal is forgotten too
  CHECK(s.get<Experiment>(e.id) == &e);
  CHECK(s.get<Model>(model.id) == &model);
}

TEST_CASE("back-references: each side of a pair knows the other after load and after flush") {
  fresh_schema();
  auto s = db().session();
  Model m{.name = "a"};
  grow(m, 2, 2, 0);
  Model& a = s.add(std::move(m));
  Model& b = s.add(Model{.name = "b"});
  s.commit();
  Experiment& e = a.experiments[0];
  // Saved children refer back to their owner.
  CHECK(e.metrics[0].experiment.get() == &e);

  // Assigning the many-to-one side moves the object between the owners' collections.
  e.model = b;
  s.commit();
  CHECK(e.model_id == b.id);
  REQUIRE(b.experiments.size() == 1);
  CHECK(&b.experiments[0] == &e);
  CHECK(a.experiments.size() == 1);
  CHECK(db().query<Experiment>().where(col(&Experiment::model_id) == b.id).count() == 1);

  // Loaded through the one-to-many side, the children's many-to-one side is set too.
  auto r = db().session();
  std::vector<Model*> models = r.query<Model>().all();
  sql_log log;
  r.load(models, &Model::experiments);
  CHECK(log.count("SELECT") == 1);
  for (Model* owner : models) {
    for (Experiment& x : owner->experiments) CHECK(x.model.get() == owner);
  }
  CHECK(log.count("SELECT") == 1);

  // Moving a metric between experiments: delete-orphan does not delete a moved object.
  Experiment& from = a.experiments[0];
  Experiment& to = b.experiments[0];
  Metric& moved = from.metrics[0];
  from.metrics.remove(moved);
  to.metrics.add(moved);
  s.commit();
  CHECK(s.contains(moved));
  CHECK(moved.experiment_id == to.id);
  CHECK(db().get<Metric>(moved.id)->experiment_id == to.id);
}

TEST_CASE("moving an object between loaded collections: the side changed decides, and stays") {
  fresh_schema();
  auto s = db().session();
  Model& a = saved_model(s, 2, 2);
  Experiment& from = a.experiments[0];
  Experiment& to = a.experiments[1];
  Metric& moved = from.metrics[0];
  REQUIRE(moved.experiment.get() == &from);

  // The collections changed, the reference did not: the reference follows the collections.
  CHECK(from.metrics.remove(moved));
  to.metrics.add(moved);
  to.metrics.add(moved);  // held already: not added twice
  CHECK(to.metrics.size() == 3);
  s.commit();
  CHECK(moved.experiment.get() == &to);
  CHECK(moved.experiment_id == to.id);
  {
    sql_log log;
    s.commit();  // nothing changed since: nothing is written (the key does not flip back)
    CHECK(log.count("UPDATE") == 0);
  }
  CHECK(db().get<Metric>(moved.id)->experiment_id == to.id);

  // The key field changed, the reference did not: the key decides, the reference follows it
  // to the session's object with that key, and the collections follow too.
  moved.experiment_id = from.id;
  s.commit();
  CHECK(db().get<Metric>(moved.id)->experiment_id == from.id);
  CHECK(moved.experiment.get() == &from);
  CHECK(std::ranges::count_if(from.metrics, [&](const Metric& x) { return &x == &moved; }) == 1);
  CHECK(std::ranges::none_of(to.metrics, [&](const Metric& x) { return &x == &moved; }));
  {
    sql_log log;
    s.commit();
    CHECK(log.count("UPDATE") == 0);
  }

  // A key of an object the session does not hold: the reference is no longer loaded.
  std::int64_t elsewhere = 0;
  {
    auto w = db().session();
    Experiment& x = w.add(Experiment{.model_id = a.id, .dataset = "other"});
    w.commit();
    elsewhere = x.id;
  }
  moved.experiment_id = elsewhere;
  s.commit();
  CHECK_FALSE(moved.experiment.loaded());
  CHECK(db().get<Metric>(moved.id)->experiment_id == elsewhere);
  CHECK(std::ranges::none_of(from.metrics, [&](const Metric& x) { return &x == &moved; }));
  s.load(moved, &Metric::experiment);
  REQUIRE(moved.experiment.get() != nullptr);
  CHECK(moved.experiment->id == elsewhere);

  // Both sides changed, to different owners: refused before anything is written.
  Metric& other = to.metrics[0];
  CHECK(to.metrics.remove(other));
  from.metrics.add(other);
  other.experiment = *moved.experiment;
  CHECK_THROWS_AS(s.flush(), tabula::programming_error);
  CHECK(db().get<Metric>(other.id)->experiment_id == to.id);
  // Made consistent, the same session writes it.
  other.experiment = from;
  s.commit();
  CHECK(db().get<Metric>(other.id)->experiment_id == from.id);
  CHECK(other.experiment_id == from.id);
}

TEST_CASE("a failed flush leaves references and collections as the program left them") {
  fresh_schema();
  auto s = db().session();
  Model& a = saved_model(s, 2, 2);
  Experiment& from = a.experiments[0];
  Experiment& to = a.experiments[1];
  Metric& moved = from.metrics[0];
  CHECK(from.metrics.remove(moved));
  to.metrics.add(moved);
  to.metrics.add(Metric{.name = "bad", .value = -1});  // violates the CHECK on metrics
  CHECK_THROWS_AS(s.commit(), tabula::check_violation);
  // The flush had pointed the reference at the new owner: undone with the flush.
  CHECK(moved.experiment.get() == &from);
  CHECK(moved.experiment_id == from.id);
  CHECK(from.metrics.size() == 1);
  CHECK(to.metrics.size() == 4);
  CHECK(db().get<Metric>(moved.id)->experiment_id == from.id);

  // Fixed, the same change is written.
  to.metrics[3].value = 1;
  s.commit();
  CHECK(moved.experiment.get() == &to);
  CHECK(db().get<Metric>(moved.id)->experiment_id == to.id);
  CHECK(db().query<Metric>().where(col(&Metric::experiment_id) == to.id).count() == 4);
}

TEST_CASE("an object whose row a flush deletes leaves the loaded collections that held it") {
  fresh_schema();
  auto s = db().session();
  Tag& nlp = s.add(Tag{.tag_name = "NLP"});
  Tag& cv = s.add(Tag{.tag_name = "vision"});
  Model m{.name = "a"};
  grow(m, 2, 3, 0);
  m.experiments[0].tags.add(nlp);
  m.experiments[0].tags.add(cv);
  m.experiments[1].tags.add(nlp);
  Model& a = s.add(std::move(m));
  s.commit();
  Experiment& e = a.experiments[0];
  Metric& gone = e.metrics[1];
  s.remove(gone);
  s.remove(nlp);  // its association rows go by ON DELETE CASCADE
  s.commit();
  CHECK(e.metrics.size() == 2);
  CHECK(std::ranges::none_of(e.metrics, [&](const Metric& x) { return &x == &gone; }));
  REQUIRE(e.tags.size() == 1);
  CHECK(&e.tags[0] == &cv);
  CHECK(a.experiments[1].tags.empty());
  {
    sql_log log;
    s.commit();  // nothing left to write for the collections
    CHECK(log.data_statements() == 0);
  }
  CHECK(db().query<ExperimentTag>().count() == 1);

  // Undone by a failed flush: the collection holds the object again.
  Metric& second = e.metrics[0];
  s.remove(second);
  e.metrics.add(Metric{.name = "bad", .value = -1});  // violates the CHECK on metrics
  CHECK_THROWS_AS(s.commit(), tabula::check_violation);
  CHECK(std::ranges::count_if(e.metrics, [&](const Metric& x) { return &x == &second; }) == 1);
  // rollback() brings the deleted object back into the session and the collection.
  s.rollback();
  CHECK(s.contains(second));
  CHECK(std::ranges::count_if(e.metrics, [&](const Metric& x) { return &x == &second; }) == 1);
}

TEST_CASE("reset() of a reference whose key cannot be NULL: an orphan, or refused") {
  fresh_schema();
  auto s = db().session();
  Model& a = saved_model(s, 1, 2);
  Experiment& e = a.experiments[0];
  Metric& dropped = e.metrics[0];
  const std::int64_t dropped_id = dropped.id;
  // Metric::experiment_id cannot be NULL; Experiment::metrics deletes orphans.
  dropped.experiment.reset();
  s.commit();
  CHECK_FALSE(db().get<Metric>(dropped_id).has_value());
  CHECK(e.metrics.size() == 1);

  // Experiment::model_id cannot be NULL, and Model::experiments keeps orphans: refused.
  e.model.reset();
  CHECK_THROWS_WITH(s.commit(), Catch::Contains("Experiment::model was reset"));
  CHECK(db().get<Experiment>(e.id)->model_id == a.id);
  Model& b = s.add(Model{.name = "b"});
  e.model = b;
  s.commit();
  CHECK(db().get<Experiment>(e.id)->model_id == b.id);

  // Moved in (by its reference), then reset: refused as for an object that was always there.
  e.model.reset();
  CHECK_THROWS_WITH(s.commit(), Catch::Contains("Experiment::model was reset"));
  e.model = a;
  s.commit();
  CHECK(db().get<Experiment>(e.id)->model_id == a.id);

  // The reference and the key field changed to different owners: refused.
  Model& c = s.add(Model{.name = "c"});
  s.commit();
  e.model = b;
  e.model_id = c.id;
  CHECK_THROWS_AS(s.commit(), tabula::programming_error);
  CHECK(db().get<Experiment>(e.id)->model_id == a.id);
  e.model_id = b.id;  // now both name b
  s.commit();
  CHECK(db().get<Experiment>(e.id)->model_id == b.id);
}

TEST_CASE("rollback drops a new child the restored collection no longer holds") {
  fresh_schema();
  auto s = db().session();
  Model& a = saved_model(s, 1, 1);
  Experiment& e = a.experiments[0];
  Metric& added = e.metrics.add(Metric{.name = "new", .value = 2});
  s.flush();
  CHECK(added.id > 0);
  s.rollback();
  CHECK(e.metrics.size() == 1);
  CHECK_FALSE(s.contains(added));
  s.commit();
  CHECK(db().query<Metric>().count() == 1);
}

TEST_CASE("joins along relationships, and any()/has() as EXISTS over them") {
  fresh_schema();
  {
    auto w = db().session();
    Tag& nlp = w.add(Tag{.tag_name = "NLP"});
    w.add(Tag{.tag_name = "vision"});
    for (int i = 0; i < 6; ++i) {
      Model m{.name = "model" + std::to_string(i)};
      grow(m, i % 3, 2, 0);  // models 0 and 3 have no experiments
      if (i % 3 == 2) m.experiments[1].tags.add(nlp);
      w.add(std::move(m));
    }
    w.commit();
  }
  auto s = db().session();
  // Many-to-many, as the SQLAlchemy tutorial writes it.
  sql_log log;
  std::vector<Experiment*> nlp =
      s.query<Experiment>().join(&Experiment::tags).where(col(&Tag::tag_name) == "NLP").all();
  CHECK(nlp.size() == 2);
  for (Experiment* e : nlp) CHECK(e->dataset == "ds1");
  REQUIRE(log.count("SELECT") == 1);
  CHECK(
      log.statements[0].find(
          R"(INNER JOIN "rel_experiment_tags" ON "rel_experiment_tags"."experiment_id" = "rel_experiments"."id" INNER JOIN "rel_tags" ON "rel_tags"."id" = "rel_experiment_tags"."tag_id")") !=
      std::string::npos);
  // One-to-many and many-to-one.
  CHECK(db().query<Model>().join(&Model::experiments).distinct().count() == 4);
  CHECK(db().select(col(&Metric::name), col(&Experiment::dataset))
            .from<Metric>()
            .join(&Metric::experiment)
            .where(col(&Experiment::dataset) == "ds1")
            .all()
            .size() == 4);
  CHECK(db().query<Model>().left_join(&Model::experiments).count() == 6 + 2);  // 2 without

  // EXISTS filters.
  CHECK(db().query<Model>().where(tabula::any(&Model::experiments)).count() == 4);
  CHECK(db().query<Model>()
            .where(tabula::any(&Model::experiments, col(&Experiment::dataset) == "ds1"))
            .count() == 2);
  CHECK(db().query<Model>().where(!tabula::any(&Model::experiments)).count() == 2);
  CHECK(db().query<Experiment>()
            .where(tabula::any(&Experiment::tags, col(&Tag::tag_name) == "NLP"))
            .count() == 2);
  CHECK(db().query<Experiment>()
            .where(tabula::any(&Experiment::tags, col(&Tag::tag_name) == "vision"))
            .count() == 0);
  CHECK(db().query<Metric>()
            .where(tabula::has(&Metric::experiment, col(&Experiment::dataset) == "ds0"))
            .count() == 8);
  CHECK(db().query<Experiment>().where(tabula::any<&Experiment::metrics>()).count() == 6);
}

TEST_CASE("an object removed from the session is no longer written through a relationship") {
  fresh_schema();
  auto s = db().session();
  Model m{.name = "m"};
  grow(m, 1, 2, 0);
  Model& model = s.add(std::move(m));
  s.commit();
  Experiment& e = model.experiments[0];
  Metric& x = e.metrics[0];
  s.remove(x);  // still in e.metrics
  s.commit();
  CHECK(db().query<Metric>().count() == 1);
  e.dataset = "changed";
  s.commit();  // the collection's stale entry is skipped
  CHECK(db().get<Experiment>(e.id)->dataset == "changed");

  // An object the session never knew is refused, with the relationship's name.
  Metric stray{.name = "stray"};
  e.metrics.add(stray);
  try {
    s.commit();
    FAIL("the commit should have been refused");
  } catch (const tabula::programming_error& err) {
    CHECK(std::string(err.what()).find("Experiment::metrics") != std::string::npos);
  }
  e.metrics.remove(stray);
  s.commit();
  CHECK(db().query<Metric>().count() == 1);
}

TEST_CASE("plain values load their relationships without a session, one SELECT per level") {
  fresh_schema();
  {
    auto w = db().session();
    Tag& nlp = w.add(Tag{.tag_name = "NLP"});
    for (int i = 0; i < 20; ++i) {
      Model m{.name = "model" + std::to_string(i)};
      grow(m, i % 3, 2, 0);
      for (Experiment& e : m.experiments) e.tags.add(nlp);
      w.add(std::move(m));
    }
    w.commit();
  }
  std::vector<Model> models = db().query<Model>().order_by(col(&Model::id)).all();
  sql_log log;
  tabula::load(db(), models, &Model::experiments, &Experiment::metrics);
  CHECK(log.count("SELECT") == 2);
  std::size_t metrics = 0;
  std::vector<Experiment*> experiments;
  for (std::size_t i = 0; i < models.size(); ++i) {
    REQUIRE(models[i].experiments.size() == i % 3);
    for (Experiment& e : models[i].experiments) {
      CHECK(e.model_id == models[i].id);
      metrics += e.metrics.size();
      for (Metric& x : e.metrics) CHECK(x.experiment_id == e.id);
      experiments.push_back(&e);
      CHECK_FALSE(e.tags.loaded());
    }
  }
  CHECK(metrics == 2 * 19);
  // Many-to-one and many-to-many, from one value; a tag shared by rows is one object.
  std::vector<Experiment> exps = db().query<Experiment>().all();
  tabula::load(db(), exps, &Experiment::tags);
  tabula::load(db(), exps, &Experiment::model);
  CHECK(log.count("SELECT") == 5);
  REQUIRE(exps.size() == 19);
  for (Experiment& e : exps) {
    REQUIRE(e.tags.size() == 1);
    CHECK(&e.tags[0] == &exps[0].tags[0]);
    CHECK(e.model->id == e.model_id);
  }
  // On a connection too.
  auto c = db().connect();
  Model one = c.query<Model>().where(col(&Model::name) == "model2").one();
  tabula::load(c, one, &Model::experiments);
  CHECK(one.experiments.size() == 2);
}

TEST_CASE("one-to-one from the referenced side: saved, loaded, replaced, queried") {
  STATIC_REQUIRE(tabula::detail::link_of<&User::profile>::kind ==
                 tabula::detail::link_kind::one_to_one);
  STATIC_REQUIRE(tabula::detail::link_of<&User::profile>::fk == &Profile::user_id);
  STATIC_REQUIRE(tabula::detail::link_of<&Profile::user>::kind ==
                 tabula::detail::link_kind::many_to_one);
  fresh_schema();
  {
    auto s = db().session();
    User& ann = s.add(User{.name = "ann", .profile = Profile{.bio = "likes SQL"}});
    s.add(User{.name = "bob"});
    s.commit();
    REQUIRE(ann.profile);
    CHECK(ann.profile->user_id == ann.id);
    CHECK(ann.profile->user.get() == &ann);  // the other side
    CHECK(db().query<Profile>().count() == 1);
  }
  {
    auto s = db().session();
    std::vector<User*> users = s.query<User>().order_by(col(&User::name)).all();
    sql_log log;
    s.load(users, &User::profile);
    CHECK(log.count("SELECT") == 1);
    REQUIRE(users.size() == 2);
    REQUIRE(users[0]->profile.get() != nullptr);
    CHECK(users[0]->profile->bio == "likes SQL");
    CHECK(users[0]->profile->user.get() == users[0]);
    CHECK(users[1]->profile.get() == nullptr);  // loaded, and there is none

    // Replacing it: the old profile's key cannot be NULL, so without delete-orphan the flush
    // says what to declare; the new one gets the user's key.
    Profile* old = users[0]->profile.get();
    users[0]->profile = Profile{.bio = "likes C++"};
    CHECK_THROWS_AS(s.commit(), tabula::programming_error);
    users[0]->profile = *old;
    s.commit();
    // A profile for bob, given from the many-to-one side.
    Profile& p = s.add(Profile{.bio = "new", .user = *users[1]});
    s.commit();
    CHECK(p.user_id == users[1]->id);
    CHECK(users[1]->profile.get() == &p);
  }
  {
    auto s = db().session();
    sql_log log;
    std::vector<User*> users = s.joined(&User::profile);
    CHECK(log.count("SELECT") == 1);
    REQUIRE(users.size() == 2);
    for (User* u : users) {
      REQUIRE(u->profile.get() != nullptr);
      CHECK(u->profile->user_id == u->id);
    }
  }
  CHECK(db().query<User>().where(tabula::has(&User::profile, col(&Profile::bio) == "new")).count() ==
        1);
  CHECK(db().query<User>().join(&User::profile).count() == 2);
  std::vector<User> plain = db().query<User>().all();
  tabula::load(db(), plain, &User::profile);
  for (User& u : plain) CHECK(u.profile->user_id == u.id);
}

TEST_CASE("selectin splits an IN list longer than the driver's parameter limit") {
  fresh_schema();
  auto c = db().connect();
  const std::size_t limit = tabula::detail::in_list_limit(c);
  CHECK(limit == 5000);  // as docs/relationships.md says, on both databases
  std::vector<Model> rows;
  rows.reserve(limit + 10);
  for (std::size_t i = 0; i < limit + 10; ++i) rows.push_back(Model{.name = std::to_string(i)});
  db().insert_many(rows);
  const auto last_id = db().query<Model>().where(col(&Model::name) == std::to_string(limit + 9)).one().id;
  Experiment e{.model_id = last_id, .dataset = "tail"};
  db().insert(e);

  auto s = db().session();
  std::vector<Model*> models = s.query<Model>().all();
  REQUIRE(models.size() == limit + 10);
  sql_log log;
  s.load(models, &Model::experiments);
  CHECK(log.count("SELECT") == 2);  // two IN lists: `limit` keys, then 10
  Model* last = s.get<Model>(last_id);
  REQUIRE(last != nullptr);
  REQUIRE(last->experiments.size() == 1);
  CHECK(last->experiments[0].dataset == "tail");
  std::size_t loaded = 0;
  for (Model* m : models) loaded += m->experiments.loaded() ? 1 : 0;
  CHECK(loaded == limit + 10);
}

TEST_CASE("a reference by a column that is not unique loads the last row read, and the path "
          "goes on from it") {
  // The database cannot hold this foreign key (PostgreSQL refuses one to a column that is not
  // unique, SQLite refuses writes through it): the tables are made without it, as an existing
  // database may have them.
  for (const char* t : {"rel_books", "rel_labels", "rel_shelves"}) {
    db().execute(std::string("DROP TABLE IF EXISTS ") + t);
  }
  db().execute("CREATE TABLE rel_shelves (id BIGINT PRIMARY KEY, code TEXT NOT NULL)");
  db().execute(
      "CREATE TABLE rel_labels (id BIGINT PRIMARY KEY, shelf_id BIGINT NOT NULL, "
      "text TEXT NOT NULL)");
  db().execute("CREATE TABLE rel_books (id BIGINT PRIMARY KEY, shelf_code TEXT NOT NULL)");
  db().execute("INSERT INTO rel_shelves (id, code) VALUES (1, 'A'), (2, 'A'), (3, 'B')");
  db().execute(
      "INSERT INTO rel_labels (id, shelf_id, text) VALUES (1, 1, 'one'), (2, 2, 'two'), "
      "(3, 3, 'three')");
  db().execute("INSERT INTO rel_books (id, shelf_code) VALUES (1, 'A'), (2, 'A'), (3, 'B')");

  std::vector<Book> books = db().query<Book>().order_by(col(&Book::id)).all();
  sql_log log;
  tabula::load(db(), books, &Book::shelf, &Shelf::labels);
  CHECK(log.count("SELECT") == 2);
  REQUIRE(books.size() == 3);
  for (Book& b : books) {
    REQUIRE(b.shelf);
    CHECK(b.shelf->code == b.shelf_code);
    // The shelf the book holds is the one the next step loaded from.
    REQUIRE(b.shelf->labels.loaded());
    REQUIRE(b.shelf->labels.size() == 1);
    CHECK(b.shelf->labels[0].shelf_id == b.shelf->id);
  }
  CHECK(&*books[0].shelf == &*books[1].shelf);  // one key, one object
  CHECK(books[2].shelf->labels[0].text == "three");
  for (const char* t : {"rel_books", "rel_labels", "rel_shelves"}) {
    db().execute(std::string("DROP TABLE ") + t);
  }
}
