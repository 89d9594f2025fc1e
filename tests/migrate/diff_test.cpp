// The schema diff: a database made by create_all matches its models; each kind of drift is
// reported as its operation; renames happen only when declared; the rendered SQL upgrades the
// database to the models with the rows kept and downgrades it back.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <tabula/migrate/diff.hpp>
#include <tabula/tabula.hpp>

#include "migrate/models.hpp"
#include "support/test_backend.hpp"

#if __has_include(<nlohmann/json.hpp>)
#include <chrono>

#include <tabula/types/json.hpp>

/// A column of each type of its own kind (time, UUID, decimal, JSON) and a server default.
struct typed_run {
  std::int64_t id = 0;
  tabula::uuid token{};
  std::chrono::sys_time<std::chrono::microseconds> started{};
  std::optional<std::chrono::year_month_day> day{};
  tabula::time_of_day at{};
  std::chrono::microseconds took{};
  tabula::decimal<10, 2> cost{};
  nlohmann::json params{};
  std::optional<nlohmann::json> extra{};
  std::string created{};
};
template <>
struct tabula::schema<typed_run> {
  static constexpr auto table = "typed_runs";
  static constexpr auto options = tabula::options(
      tabula::server_default(&typed_run::created, tabula::sql_expr("CURRENT_TIMESTAMP")));
};
#endif

namespace {

using tabula::migrate::op_kind;

bool has_op(const tabula::migrate::schema_diff& d, op_kind kind, std::string_view table,
            std::string_view name = {}) {
  return std::any_of(d.operations.begin(), d.operations.end(), [&](const auto& op) {
    return op.kind == kind && op.table == table && (name.empty() || op.name == name);
  });
}

/// Runs statements as the migration runner does: one transaction, foreign keys off on SQLite.
void run_sql(tabula::engine& db, const std::vector<std::string>& statements) {
  auto c = db.connect();
  const bool sqlite = db.backend() == "sqlite";
  if (sqlite) c.execute("PRAGMA foreign_keys = OFF");
  auto tx = c.begin();
  for (const std::string& s : statements) c.execute(s);
  tx.commit();
  if (sqlite) c.execute("PRAGMA foreign_keys = ON");
}

void reset(tabula::engine& db) {
  for (const char* t : {"players", "teams", "clubs"}) {
    db.execute(std::string("DROP TABLE IF EXISTS ") + t + (db.backend() == "sqlite" ? "" : " CASCADE"));
  }
}

}  // namespace

TEST_CASE("a database made by create_all has no drift", "[diff]") {
  tabula::engine db(tabula::test::database_url());
  reset(db);
  db.create_all<v2::team, v2::player>();
  const auto d = tabula::migrate::check_schema<v2::team, v2::player>(db);
  INFO(d.summary());
  CHECK(d.empty());
  const auto strict = [&] {
    db.create_all<v2::team, v2::player>(tabula::existing_tables::fail_on_drift);
  };
  CHECK_NOTHROW(strict());
  reset(db);
}

#if __has_include(<nlohmann/json.hpp>)
TEST_CASE("columns of times, UUIDs, decimals and JSON made by create_all have no drift", "[diff]") {
  tabula::engine db(tabula::test::database_url());
  db.drop_all<typed_run>();
  db.create_all<typed_run>();
  const auto d = tabula::migrate::check_schema<typed_run>(db);
  INFO(d.summary());
  CHECK(d.empty());
  db.drop_all<typed_run>();
}
#endif

TEST_CASE("each kind of drift is an operation, and the SQL upgrades and downgrades", "[diff]") {
  tabula::engine db(tabula::test::database_url());
  reset(db);
  db.create_all<v1::team, v1::player>();
  db.execute("ALTER TABLE players ADD COLUMN gone INTEGER");
  db.execute("INSERT INTO teams (name) VALUES ('Reds')");
  db.execute("INSERT INTO players (team_id, nick, notes, goals) VALUES (1, 'ace', 'fast', 7)");

  const auto d = tabula::migrate::check_schema<v2::team, v2::player>(db);
  INFO(d.summary());
  CHECK(has_op(d, op_kind::add_column, "teams", "city"));
  CHECK(has_op(d, op_kind::add_unique, "teams", "uq_teams_name"));
  CHECK(has_op(d, op_kind::rename_column, "players", "handle"));
  CHECK_FALSE(has_op(d, op_kind::add_column, "players", "handle"));  // never guessed: declared
  CHECK_FALSE(has_op(d, op_kind::drop_column, "players", "nick"));
  CHECK(has_op(d, op_kind::alter_column, "players", "notes"));
  CHECK(has_op(d, op_kind::drop_column, "players", "gone"));
  CHECK(has_op(d, op_kind::add_column, "players", "mentor_id"));
  CHECK(has_op(d, op_kind::add_foreign_key, "players", "fk_players_mentor__id"));
  // The team foreign key gained ON DELETE CASCADE: dropped and added again.
  CHECK(has_op(d, op_kind::drop_foreign_key, "players", "fk_players_team__id"));
  CHECK(has_op(d, op_kind::add_foreign_key, "players", "fk_players_team__id"));
  CHECK(has_op(d, op_kind::drop_index, "players", "ix_players_goals"));
  CHECK(has_op(d, op_kind::create_index, "players", "ix_players_handle"));
  CHECK_FALSE(has_op(d, op_kind::drop_check, "players"));
  for (const auto& op : d.operations) {
    if (op.kind == op_kind::alter_column && op.name == "notes") {
      CHECK(op.changes.nullable);
      CHECK_FALSE(op.changes.type);
    }
  }

  const auto strict = [&] {
    db.create_all<v2::team, v2::player>(tabula::existing_tables::fail_on_drift);
  };
  CHECK_THROWS_AS(strict(), tabula::schema_drift_error);
  CHECK(db.inspect().table("teams").column("city") == nullptr);  // nothing ran

  const auto sql = tabula::migrate::render(d);
  CHECK_FALSE(sql.upgrade.empty());
  run_sql(db, sql.upgrade);
  const auto after = tabula::migrate::check_schema<v2::team, v2::player>(db);
  INFO(after.summary());
  CHECK(after.empty());
  using row = std::tuple<std::int64_t, std::string, std::string, std::int32_t>;
  auto rows = db.sql<row>("SELECT team_id, handle, notes, goals FROM players").all();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == row{1, "ace", "fast", 7});

  run_sql(db, sql.downgrade);
  const auto back = tabula::migrate::check_schema<v1::team, v1::player>(db);
  INFO(back.summary());
  // v1 as created plus the hand-added `gone` column, which the downgrade restores.
  CHECK(back.operations.size() == 1);
  CHECK(has_op(back, op_kind::drop_column, "players", "gone"));
  auto again = db.sql<std::tuple<std::string, std::optional<std::string>>>(
                     "SELECT nick, notes FROM players")
                   .all();
  REQUIRE(again.size() == 1);
  CHECK(std::get<0>(again[0]) == "ace");
  reset(db);
}

TEST_CASE("a declared table rename is a rename; unknown tables are dropped only on request",
          "[diff]") {
  tabula::engine db(tabula::test::database_url());
  reset(db);
  db.create_all<v1::team>();
  db.execute("INSERT INTO teams (name) VALUES ('Blues')");
  auto d = tabula::migrate::check_schema<v3::club>(db);
  INFO(d.summary());
  REQUIRE(d.operations.size() == 1);
  CHECK(d.operations[0].kind == op_kind::rename_table);
  CHECK(d.operations[0].old_name == "teams");
  run_sql(db, tabula::migrate::render(d).upgrade);
  CHECK(tabula::migrate::check_schema<v3::club>(db).empty());
  CHECK(db.sql<std::string>("SELECT name FROM clubs").one() == "Blues");

  db.create_all<v1::team>();  // a table no model of the check maps
  CHECK(tabula::migrate::check_schema<v3::club>(db).empty());
  tabula::migrate::diff_options all;
  all.drop_unknown_tables = true;
  const auto with_drops = tabula::migrate::check_schema<v3::club>(db, all);
  CHECK(has_op(with_drops, op_kind::drop_table, "teams"));
  reset(db);
}

TEST_CASE("every column type, key shape, foreign key action, index and check reads back equal",
          "[diff]") {
  tabula::engine db(tabula::test::database_url());
  db.drop_all<roundtrip::every_type, roundtrip::parent>();
  db.create_all<roundtrip::parent, roundtrip::every_type>();
  const auto d = tabula::migrate::check_schema<roundtrip::parent, roundtrip::every_type>(db);
  INFO(d.summary());
  CHECK(d.empty());
  const auto t = db.inspect().table("every_type");
  CHECK(t.foreign_keys.size() == 4);
  CHECK(t.checks.size() == 2);
  CHECK(t.column("bounded")->type->length == 12);
  const auto p = db.inspect().table("parent");
  CHECK(p.primary_key == std::vector<std::string>{"code", "part"});
  db.drop_all<roundtrip::every_type, roundtrip::parent>();
}

namespace defaults_v1 {
struct job {
  std::int64_t id = 0;
  std::string name;
};
}  // namespace defaults_v1
namespace defaults_v2 {
struct job {
  std::int64_t id = 0;
  std::string name;
  std::int32_t priority = 0;    // added, with a server default
  std::string queue;            // added, with a server default
  std::optional<double> weight;  // added, with a server default
  std::string created;          // added, DEFAULT CURRENT_TIMESTAMP
};
}  // namespace defaults_v2
template <>
struct tabula::schema<defaults_v1::job> {
  static constexpr auto table = "jobs";
};
template <>
struct tabula::schema<defaults_v2::job> {
  using T = defaults_v2::job;
  static constexpr auto table = "jobs";
  static constexpr auto options = tabula::options(
      tabula::server_default(&T::priority, 5), tabula::server_default(&T::queue, "main"),
      tabula::server_default(&T::weight, 1.5),
      tabula::server_default(&T::created, tabula::sql_expr("CURRENT_TIMESTAMP")));
};

TEST_CASE("server defaults compare equal after create_all, and columns added with one fill rows",
          "[diff]") {
  tabula::engine db(tabula::test::database_url());
  db.execute("DROP TABLE IF EXISTS jobs");
  db.create_all<defaults_v2::job>();
  {
    const auto d = tabula::migrate::check_schema<defaults_v2::job>(db);
    INFO(d.summary());
    CHECK(d.empty());
  }
  db.execute("DROP TABLE jobs");
  db.create_all<defaults_v1::job>();
  db.execute("INSERT INTO jobs (name) VALUES ('old')");
  const auto d = tabula::migrate::check_schema<defaults_v2::job>(db);
  INFO(d.summary());
  CHECK(d.operations.size() == 4);
  CHECK(has_op(d, op_kind::add_column, "jobs", "priority"));
  run_sql(db, tabula::migrate::render(d).upgrade);
  CHECK(tabula::migrate::check_schema<defaults_v2::job>(db).empty());
  using row = std::tuple<std::string, std::int32_t, std::string, std::optional<double>>;
  CHECK(db.sql<row>("SELECT name, priority, queue, weight FROM jobs").all() ==
        std::vector<row>{{"old", 5, "main", 1.5}});
  // A default changed in the model is an alter_column of the default.
  db.execute(db.backend() == "sqlite" ? "DROP TABLE jobs" : "ALTER TABLE jobs ALTER COLUMN priority SET DEFAULT 7");
  if (db.backend() == "postgresql") {
    const auto changed = tabula::migrate::check_schema<defaults_v2::job>(db);
    REQUIRE(changed.operations.size() == 1);
    CHECK(changed.operations[0].kind == op_kind::alter_column);
    CHECK(changed.operations[0].changes.default_value);
    run_sql(db, tabula::migrate::render(changed).upgrade);
    CHECK(tabula::migrate::check_schema<defaults_v2::job>(db).empty());
  }
  db.execute("DROP TABLE IF EXISTS jobs");
}
