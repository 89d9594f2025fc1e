// expect: tabula: any.. and has.. along a relationship of a model to itself
// any() over a collection of the same model would correlate the table with itself (always false).
#include <cstdint>
#include <optional>

#include <tabula/tabula.hpp>

struct Dataset {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id{};
  tabula::one<Dataset> parent{};
  tabula::many<Dataset> children{};
};
template <>
struct tabula::schema<Dataset> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Dataset::parent_id, &Dataset::id));
};

std::int64_t parents(tabula::engine& db) {
  return db.query<Dataset>().where(tabula::any(&Dataset::children)).count();
}
