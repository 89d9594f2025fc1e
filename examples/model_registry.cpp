// A model registry: models, their versions and tags (many-to-many), saved as object graphs,
// loaded without N+1, and the latest deployed version of each model.
//
//   model_registry [URL] [--echo]
//
// URL defaults to a SQLite file in the current directory; any tabula URL works, e.g.
// postgresql://user@localhost/registry. --echo prints every SQL statement as it runs.

#include <tabula/postgres.hpp>
#include <tabula/sqlite.hpp>
#include <tabula/tabula.hpp>

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

using tabula::col;

struct ModelVersion;
struct Tag;
struct ModelTag;

enum class Stage : std::int8_t { staging = 0, production = 1, archived = 2 };

struct RegisteredModel {
  std::int64_t id = 0;
  std::string name{};
  tabula::many<ModelVersion> versions{};
  tabula::many<Tag, tabula::via<ModelTag>> tags{};
};

struct ModelVersion {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
  std::int32_t version = 0;
  Stage stage = Stage::staging;
  std::string artifact_uri{};
  tabula::one<RegisteredModel> model{};
};

struct Tag {
  std::int64_t id = 0;
  std::string name{};
};

struct ModelTag {
  std::int64_t model_id = 0;
  std::int64_t tag_id = 0;
};

template <>
struct tabula::schema<RegisteredModel> {
  static constexpr auto table = "registered_models";
  static constexpr auto options = tabula::options(tabula::unique(&RegisteredModel::name));
};
template <>
struct tabula::schema<ModelVersion> {
  static constexpr auto table = "model_versions";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&ModelVersion::model_id, &RegisteredModel::id).on_delete_cascade(),
      tabula::unique(&ModelVersion::model_id, &ModelVersion::version));
};
template <>
struct tabula::schema<Tag> {
  static constexpr auto table = "tags";
  static constexpr auto options = tabula::options(tabula::unique(&Tag::name));
};
template <>
struct tabula::schema<ModelTag> {
  static constexpr auto table = "model_tags";
  static constexpr auto options = tabula::options(
      tabula::primary_key(&ModelTag::model_id, &ModelTag::tag_id),
      tabula::foreign_key(&ModelTag::model_id, &RegisteredModel::id).on_delete_cascade(),
      tabula::foreign_key(&ModelTag::tag_id, &Tag::id).on_delete_cascade());
};

namespace {

const char* stage_name(Stage s) {
  switch (s) {
    case Stage::staging:
      return "staging";
    case Stage::production:
      return "production";
    case Stage::archived:
      return "archived";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  std::string url = "sqlite:///model_registry.db";
  bool echo = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--echo") {
      echo = true;
    } else {
      url = arg;
    }
  }

  try {
    tabula::engine db(url);
    std::cout << "tabula model registry on " << db.backend() << "\n";
    db.drop_all<RegisteredModel, ModelVersion, Tag, ModelTag>();
    db.create_all<RegisteredModel, ModelVersion, Tag, ModelTag>();
    std::size_t statements = 0;
    db.set_echo([&](std::string_view sql) {
      ++statements;
      if (echo) std::cout << "  SQL> " << sql << "\n";
    });

    // Register two models with their versions and tags: one graph, one commit.
    {
      auto s = db.session();
      Tag& nlp = s.add(Tag{.name = "nlp"});
      Tag& vision = s.add(Tag{.name = "vision"});
      RegisteredModel bert{.name = "bert"};
      for (std::int32_t v = 1; v <= 3; ++v) {
        bert.versions.add(ModelVersion{.version = v,
                                       .stage = v == 2 ? Stage::production : Stage::staging,
                                       .artifact_uri = "s3://models/bert/" + std::to_string(v)});
      }
      bert.tags.add(nlp);
      bert.tags.add(Tag{.name = "transformer"});  // a new tag, saved with the model
      RegisteredModel resnet{.name = "resnet"};
      resnet.versions.add(ModelVersion{
          .version = 1, .stage = Stage::production, .artifact_uri = "s3://models/resnet/1"});
      resnet.tags.add(vision);
      s.add(std::move(bert));
      s.add(std::move(resnet));
      statements = 0;
      s.commit();
      std::cout << "registered 2 models, 4 versions, 3 tags: " << statements
                << " INSERT statements, one per table\n";
    }

    // The latest deployed version of each model, joined along the relationship.
    const auto deployed =
        db.select(col(&RegisteredModel::name), tabula::max(col(&ModelVersion::version)))
            .from<RegisteredModel>()
            .join(&RegisteredModel::versions)
            .where(col(&ModelVersion::stage) == Stage::production)
            .group_by(col(&RegisteredModel::name))
            .order_by(col(&RegisteredModel::name))
            .all();
    for (const auto& [name, version] : deployed) {
      std::cout << "deployed: " << name << " v" << version.value_or(0) << "\n";
    }

    // Promote bert v3; the session writes only the changed columns.
    {
      auto s = db.session();
      RegisteredModel& bert =
          s.query<RegisteredModel>().where(col(&RegisteredModel::name) == "bert").one();
      s.load(bert, &RegisteredModel::versions);
      for (ModelVersion& v : bert.versions) {
        if (v.stage == Stage::production) v.stage = Stage::archived;
        if (v.version == 3) v.stage = Stage::production;
      }
      s.commit();
    }

    // Every model with its versions and tags: one SELECT per relationship, not one per model.
    auto s = db.session();
    statements = 0;
    std::vector<RegisteredModel*> models =
        s.query<RegisteredModel>().order_by(col(&RegisteredModel::name)).all();
    s.load(models, &RegisteredModel::versions);
    s.load(models, &RegisteredModel::tags);
    std::cout << "\nregistry (" << statements << " SELECTs)\n";
    for (const RegisteredModel* m : models) {
      std::cout << m->name << " [";
      for (const Tag& t : m->tags) std::cout << " " << t.name;
      std::cout << " ]\n";
      for (const ModelVersion& v : m->versions) {
        std::cout << "  v" << v.version << "  " << stage_name(v.stage) << "  " << v.artifact_uri
                  << "\n";
      }
    }

    // Models tagged "nlp", as SQLAlchemy's query(Model).join(Model.tags).filter(...).
    for (const RegisteredModel* m : s.query<RegisteredModel>()
                                        .join(&RegisteredModel::tags)
                                        .where(col(&Tag::name) == "nlp")
                                        .all()) {
      std::cout << "tagged nlp: " << m->name << "\n";
    }
    // Models with a version in staging, as an EXISTS condition.
    std::cout << "models with a staged version: "
              << db.query<RegisteredModel>()
                     .where(tabula::any(&RegisteredModel::versions,
                                        col(&ModelVersion::stage) == Stage::staging))
                     .count()
              << "\n";
    return 0;
  } catch (const tabula::error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
