// expect: tabula: all.x. runs a statement, and x is not one
// db.all(x) with something that is not a statement stops the build with one sentence.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct Model {
  std::int64_t id = 0;
  std::string name{};
};

void read(tabula::engine& db) {
  Model m{.name = "BERT"};
  auto rows = db.all(m);  // meant db.all<Model>()
  (void)rows;
}
