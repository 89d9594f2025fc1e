// expect: tabula: LIKE matches text against a text pattern
// LIKE on an integer column is rejected at compile time.
#include <cstdint>

#include <tabula/tabula.hpp>

struct M {
  std::int64_t id = 0;
  std::int32_t qty = 0;
};

auto c = tabula::like(tabula::col(&M::qty), "1%");
