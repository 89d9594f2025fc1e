// expect: tabula: every branch of a CASE must be of one kind
// CASE branches of different kinds (a number and a text) are rejected at compile time.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct M {
  std::int64_t id = 0;
  std::string name;
};

auto e = tabula::case_when(tabula::col(&M::id) > 1, tabula::col(&M::name)).otherwise(0);
