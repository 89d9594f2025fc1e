// expect: tabula: cannot assign a value of another SQL type to this column
// UPDATE ... SET with a text value for an integer column is rejected at compile time.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct M {
  std::int64_t id = 0;
  std::int32_t qty = 0;
};

auto a = (tabula::col(&M::qty) = "ten");
