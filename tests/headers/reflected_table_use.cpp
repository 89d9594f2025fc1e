// <tabula/core/reflected_table.hpp> with the engine: a table used without a struct.
#include <tabula/core/engine.hpp>
#include <tabula/core/reflected_table.hpp>

void use_reflected_table(tabula::engine& db) {
  tabula::reflected_table t = db.reflect("items");
  tabula::filter<tabula::reflected_row> f;
  f &= t.col<std::int64_t>("count") > 0;
  for (const tabula::reflected_row& r : t.select(db, f)) (void)r.get<std::int64_t>("count");
  (void)t.insert(db, {{"count", 1}});
}
