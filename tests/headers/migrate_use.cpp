// <tabula/migrate/migrations.hpp> alone: diff, migrations and the inspector they rest on.
#include <tabula/migrate/migrations.hpp>

#include "model.hpp"

void use_migrate(tabula::engine& db) {
  (void)tabula::migrate::check_schema<header_item>(db).summary();
  db.create_all<header_item>(tabula::existing_tables::fail_on_drift);
  tabula::migrate::migrator m(db, "migrations");
  (void)m.upgrade("head");
  (void)m.history();
  (void)db.inspect().table_names();
}
