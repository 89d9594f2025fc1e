// expect: tabula: session::add.. takes the object itself, not a copy of your variable
// add() of a variable does not compile: the change made to `m` after add() would be lost.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct Model {
  std::int64_t id = 0;
  std::string name{};
};

void track(tabula::engine& db) {
  tabula::session s(db);
  Model m{.name = "BERT"};
  s.add(m);
  m.name = "RoBERTa";  // would silently not be written
  s.commit();
}
