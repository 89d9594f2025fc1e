// <tabula/core/connection.hpp> alone: statements and transactions on one connection.
#include <tabula/core/connection.hpp>

#include "model.hpp"

void use_connection(tabula::connection& c) {
  auto tx = c.begin();
  header_item item{.count = 1};
  c.insert(item);
  (void)c.query<header_item>().all();
  (void)c.query<header_item>().one_or_none();
  (void)c.get<header_item>(item.id);
  tx.commit();
}
