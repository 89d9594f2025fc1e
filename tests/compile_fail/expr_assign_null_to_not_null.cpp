// expect: tabula: cannot assign NULL \(std::nullopt\) to a column that is not std::optional
// Setting a NOT NULL column to NULL is rejected at compile time.
#include <cstdint>
#include <optional>
#include <string>

#include <tabula/tabula.hpp>

struct M {
  std::int64_t id = 0;
  std::string name;
};

auto a = (tabula::col(&M::name) = std::nullopt);
