// expect: tabula: an aggregate cannot take another aggregate
// An aggregate of an aggregate (which SQL does not allow) is rejected at compile time.
#include <cstdint>

#include <tabula/tabula.hpp>

struct M {
  std::int64_t id = 0;
  std::int32_t qty = 0;
};

auto e = tabula::sum(tabula::max(tabula::col(&M::qty)));
