// expect: tabula: joined..'s condition picks the owners, and this one reads the related model
// A condition on the children in joined() would leave each collection partly loaded.
#include <cstdint>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>

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
};
template <>
struct tabula::schema<Experiment> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Experiment::model_id, &Model::id));
};

std::size_t glue_models(tabula::session& s) {
  return s.joined(&Model::experiments, tabula::col(&Experiment::dataset) == "glue").size();
}
