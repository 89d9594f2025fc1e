// expect: tabula: the where condition reads a column of a model that is not in this select's FROM or JOINs
// A condition on a model the select neither reads FROM nor joins.
#include <tabula/tabula.hpp>

#include <cstdint>
#include <string>

struct model {
  std::int64_t id = 0;
  std::string name;
};
struct experiment {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
};

int main() {
  using tabula::col;
  auto q = tabula::select(col(&model::name)).where(col(&experiment::model_id) == 1);
  (void)q.lower();
}
