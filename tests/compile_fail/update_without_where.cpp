// expect: tabula: an UPDATE without where.. changes every row
// An UPDATE with neither where() nor all_rows() does not compile: it would change every row.
#include <cstdint>

#include <tabula/tabula.hpp>

struct Counter {
  std::int64_t id = 0;
  std::int64_t n = 0;
};

void bump(tabula::engine& db) {
  db.update<Counter>().set(tabula::col(&Counter::n) = tabula::col(&Counter::n) + 1).execute();
}
