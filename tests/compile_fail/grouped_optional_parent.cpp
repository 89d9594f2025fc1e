// expect: tabula: grouped\(\) needs a select of two items with a whole model first
// grouped() on a RIGHT JOIN, whose first model is optional: there is no parent to group under.
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
  tabula::engine db("sqlite://:memory:");
  auto groups = db.select<model, experiment>()
                    .right_join<experiment>(col(&experiment::model_id) == col(&model::id))
                    .grouped();
  (void)groups;
}
