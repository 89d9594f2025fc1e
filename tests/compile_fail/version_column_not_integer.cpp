// expect: tabula: version_column takes an integer field
// A version column counts: a text field cannot be one.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct Doc {
  std::int64_t id = 0;
  std::string revision;
};

template <>
struct tabula::schema<Doc> {
  static constexpr auto options = tabula::options(tabula::version_column(&Doc::revision));
};

void touch(tabula::engine& db) { (void)db.all<Doc>(); }
