// expect: tabula: \+ adds two numbers or concatenates two texts
// Adding a number to a text column is rejected at compile time.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct M {
  std::int64_t id = 0;
  std::string name;
};

auto e = tabula::col(&M::name) + 1;
