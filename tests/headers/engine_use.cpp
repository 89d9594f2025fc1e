// <tabula/core/engine.hpp> alone: the data API and typed queries run on an engine.
#include <tabula/core/engine.hpp>

#include "model.hpp"

void use_engine(tabula::engine& db) {
  db.create_all<header_item>();
  header_item item{.count = 1};
  db.insert(item);
  (void)db.get<header_item>(item.id);
  (void)db.query<header_item>().where(tabula::col(&header_item::count) > 0).all();
  (void)db.query<header_item>().count();
  (void)db.select(tabula::col(&header_item::count)).from<header_item>().first();
  (void)db.update<header_item>().set(tabula::col(&header_item::count) = 2).all_rows().execute();
  for (const auto& row : db.query<header_item>().stream()) (void)row;
  (void)db.pool_status();
}
