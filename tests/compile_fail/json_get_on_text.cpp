// expect: tabula: json_get reads a JSON column or expression
// json_get reads members of a JSON column; a text column is not one.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct M {
  std::int64_t id = 0;
  std::string body;
};

auto e = tabula::json_get<double>(tabula::col(&M::body), "lr");
