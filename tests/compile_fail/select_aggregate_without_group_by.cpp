// expect: tabula: the select list has aggregates beside columns outside any aggregate, and no group_by
// SELECT name, count(*) FROM models: which name would the one row show?
#include <tabula/tabula.hpp>

#include <cstdint>
#include <string>

struct model {
  std::int64_t id = 0;
  std::string name;
};

int main() {
  using tabula::col;
  auto q = tabula::select(col(&model::name), tabula::count());
  (void)q.lower();
}
