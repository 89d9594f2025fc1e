// expect: tabula: a join's ON condition reads a column of a model that is not in this select's FROM
// join(&Model::experiments) joins ON a column of Model: a query that does not read Model
// cannot join along it.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct Experiment;
struct Model {
  std::int64_t id = 0;
  tabula::many<Experiment> experiments{};
};
struct Experiment {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
};
struct Tag {
  std::int64_t id = 0;
  std::string name{};
};
template <>
struct tabula::schema<Experiment> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Experiment::model_id, &Model::id));
};

auto q = tabula::select_from<Tag>().join(&Model::experiments);
auto sql = q.lower();
