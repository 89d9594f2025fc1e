// expect: tabula: returning\(\) names a member or column of another model
// returning() of a member that the written model does not have does not compile.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct Run {
  std::int64_t id = 0;
  std::int64_t n = 0;
};
struct Model {
  std::int64_t id = 0;
  std::string name;
};

void rename(tabula::engine& db) {
  db.update<Run>()
      .set(tabula::col(&Run::n) = 1)
      .where(tabula::col(&Run::id) == 1)
      .returning(&Model::name)
      .all();
}
