// expect: tabula: union_, union_all, intersect and except_ combine selects with the same row type
// A UNION of a text column with a number column.
#include <tabula/tabula.hpp>

#include <cstdint>
#include <string>

struct model {
  std::int64_t id = 0;
  std::string name;
};

int main() {
  using tabula::col;
  auto q = tabula::select(col(&model::name)).union_(tabula::select(col(&model::id)));
  (void)q;
}
