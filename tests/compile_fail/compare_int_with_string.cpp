// expect: tabula: .*compar
// An integer column compared with a string literal is rejected at compile time.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct M {
  std::int64_t id = 0;
  std::string name;
};

auto e = tabula::col(&M::id) == "x";
