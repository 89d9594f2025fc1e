// expect: tabula: nowait.. and skip_locked.. refine a row lock
// nowait() without for_update() or for_share() before it does not compile: there is no lock to
// refine.
#include <cstdint>
#include <string>

#include <tabula/tabula.hpp>

struct Job {
  std::int64_t id = 0;
  std::string status;
};

void claim(tabula::engine& db) { (void)db.query<Job>().nowait().all(); }
