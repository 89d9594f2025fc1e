// <tabula/query/select.hpp> alone: a statement built and lowered without any database.
#include <tabula/query/select.hpp>

#include "model.hpp"

void use_query() {
  using tabula::col;
  const auto q = tabula::select_from<header_item>().where(col(&header_item::count) > 3);
  (void)q.lower();
}
