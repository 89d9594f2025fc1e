// expect: tabula: this model is declared read-only
// A read-only model (a view) is read, never written: update_row of a modifiable object does not
// compile either.
#include <cstdint>
#include <vector>

#include <tabula/tabula.hpp>

struct Summary {
  std::int64_t id = 0;
  std::int64_t total = 0;
};
template <>
struct tabula::schema<Summary> {
  static constexpr auto table = "summary_view";
  static constexpr bool read_only = true;
};

void write(tabula::engine& db) {
  for (Summary& row : db.query<Summary>().all()) db.update_row(row);
}
