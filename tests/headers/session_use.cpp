// <tabula/orm/session.hpp> alone: a unit of work on an engine, both spellings.
#include <tabula/orm/session.hpp>

#include "model.hpp"

void use_session(tabula::engine& db) {
  tabula::session s(db);
  header_item& item = s.add(header_item{.count = 1});
  s.commit();
  item.count = 2;
  (void)s.query<header_item>().all();
  auto other = db.session();
  (void)other.get<header_item>(item.id);
}
