// <tabula/query/dml.hpp> alone: INSERT with ON CONFLICT, UPDATE and DELETE with RETURNING,
// built and lowered without any database.
#include <tabula/query/dml.hpp>

#include "model.hpp"

void use_dml() {
  using tabula::col;
  const header_item item{};
  (void)tabula::insert_into<header_item>()
      .values(item)
      .on_conflict(&header_item::id)
      .do_update(col(&header_item::count) = tabula::excluded(&header_item::count))
      .lower();
  (void)tabula::update<header_item>()
      .set(col(&header_item::count) = col(&header_item::count) + 1)
      .where(col(&header_item::id) == 1)
      .returning(&header_item::count)
      .lower();
  (void)tabula::delete_from<header_item>()
      .where(col(&header_item::count) > 3)
      .returning_model()
      .lower();
}
