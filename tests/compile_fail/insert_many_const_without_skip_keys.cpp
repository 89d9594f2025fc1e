// expect: tabula: insert_many.. writes the generated keys back into the elements, and these are const
// insert_many() of const elements does not compile without tabula::skip_keys: the bulk-load path
// that reads no keys back is chosen by name, not by the range's constness.
#include <cstdint>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>

struct Metric {
  std::int64_t id = 0;
  std::string name{};
};

void load(tabula::engine& db, const std::vector<Metric>& readings) { db.insert_many(readings); }
