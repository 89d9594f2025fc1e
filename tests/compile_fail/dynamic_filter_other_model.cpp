// expect: tabula: this condition reads a model the filter does not list
// A filter of one model refuses a condition on another: declare filter<A, B> for a join.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct A {
  std::int64_t id = 0;
  std::string name;
};
struct B {
  std::int64_t id = 0;
  std::string title;
};

void grow(tabula::filter<A>& f) { f &= tabula::col(&B::title) == "x"; }
