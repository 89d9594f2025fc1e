// <tabula/sqlite.hpp> alone: the driver interface.
#include <tabula/sqlite.hpp>

void use_sqlite() {
  auto c = tabula::driver::connect(tabula::driver::parse_url("sqlite://:memory:"));
  c->execute("CREATE TABLE t (x INTEGER)");
  auto st = c->prepare("SELECT count(*) FROM t");
  while (st->step()) (void)st->get_int64(0);
}
