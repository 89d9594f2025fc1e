// <tabula/postgres.hpp> alone: the driver interface.
#include <tabula/postgres.hpp>

void use_postgres(const char* url) {
  auto c = tabula::driver::connect(tabula::driver::parse_url(url));
  auto st = c->prepare("SELECT 1");
  while (st->step()) (void)st->get_int64(0);
}
