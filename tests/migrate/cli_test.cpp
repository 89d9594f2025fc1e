// The command line on a real database: inspect (text and JSON), and the migrate verbs of an
// application's tool (tabula::migrate::run_cli with its models), with output and exit codes.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include <tabula/migrate/cli.hpp>
#include <tabula/tabula.hpp>

#include "migrate/models.hpp"
#include "support/test_backend.hpp"

namespace {

namespace mg = tabula::migrate;

struct result {
  int code = 0;
  std::string out;
  std::string err;
};

result run(std::vector<std::string> args, std::span<const tabula::table_info* const> models = {}) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = mg::run_cli(args, models, out, err);
  return {code, out.str(), err.str()};
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("tabula inspect prints the schema as text and as JSON", "[cli]") {
  const std::string url = tabula::test::database_url();
  tabula::engine db(url);
  for (const char* t : {"players", "teams"}) db.execute(std::string("DROP TABLE IF EXISTS ") + t);
  db.create_all<v2::team, v2::player>();

  const result text = run({"inspect", url});
  INFO(text.err);
  CHECK(text.code == mg::exit_ok);
  CHECK(contains(text.out, "table players"));
  CHECK(contains(text.out, "foreign key fk_players_team__id (team_id) -> teams (id) ON DELETE CASCADE"));
  CHECK(contains(text.out, "index ix_players_handle (handle)"));
  CHECK(contains(text.out, "unique uq_teams_name (name)"));

  const result json = run({"inspect", url, "--json", "--tables", "teams"});
  CHECK(json.code == mg::exit_ok);
  CHECK(contains(json.out, R"("tables": [{"name": "teams")"));
  CHECK_FALSE(contains(json.out, R"("name": "players")"));
  CHECK(contains(json.out, R"("uniques": [{"name": "uq_teams_name", "columns": ["name"]}])"));

  const result erd = run({"erd", url});
  INFO(erd.err);
  CHECK(erd.code == mg::exit_ok);
  CHECK(contains(erd.out, "erDiagram\n"));
  CHECK(contains(erd.out, "teams ||--o{ players : \"team_id\""));
  CHECK(contains(erd.out, "players |o--o{ players : \"mentor_id\""));  // nullable: optional parent
  CHECK(contains(erd.out, " id PK\n"));
  CHECK(contains(erd.out, " team_id FK\n"));
  const result dot = run({"erd", url, "--format", "dot"});
  CHECK(dot.code == mg::exit_ok);
  CHECK(contains(dot.out, R"("players":"team_id" -> "teams":"id" [label="fk_players_team__id"])"));
  const bool have_dot = std::system("command -v dot > /dev/null 2>&1") == 0;
  const result svg = run({"erd", url, "--format", "svg"});
  CHECK(svg.code == (have_dot ? mg::exit_ok : mg::exit_failure));
  CHECK(contains(have_dot ? svg.out : svg.err, have_dot ? "<svg" : "Graphviz"));
  CHECK(run({"erd", url, "--format", "png"}).code == mg::exit_usage);
  // From a file `inspect --json` wrote: the same diagram.
  const auto json_file = std::filesystem::temp_directory_path() /
                         fmt::format("tabula-erd-{}-{}.json", tabula::test::backend(), ::getpid());
  std::ofstream(json_file) << run({"inspect", url, "--json"}).out;
  const result from_json = run({"erd", "--json", json_file.string(), "--format", "dot"});
  CHECK(from_json.code == mg::exit_ok);
  CHECK(from_json.out == dot.out);
  std::ofstream(json_file) << "{\"tables\": [";
  CHECK(run({"erd", "--json", json_file.string()}).code == mg::exit_failure);
  std::filesystem::remove(json_file);

  CHECK(run({"inspect", url, "--tables", "nothing"}).code == mg::exit_failure);
  CHECK(run({"inspect"}).code == mg::exit_usage);
  CHECK(run({"inspect", url, "--bogus"}).code == mg::exit_usage);
  const result help = run({"inspect", "--help"});
  CHECK(help.code == mg::exit_ok);
  CHECK(contains(help.out, "usage: tabula inspect"));
  CHECK(run({}).code == mg::exit_usage);
  CHECK(run({"frobnicate"}).code == mg::exit_usage);
  for (const char* t : {"players", "teams"}) {
    db.execute(std::string("DROP TABLE ") + t + (db.backend() == "postgresql" ? " CASCADE" : ""));
  }
}

TEST_CASE("tabula migrate: revision, upgrade, check, history, downgrade, stamp", "[cli]") {
  const std::string url = tabula::test::database_url();
  tabula::engine db(url);
  for (const char* t : {"players", "teams", "league", "tabula_version"}) {
    db.execute(std::string("DROP TABLE IF EXISTS ") + t +
               (db.backend() == "postgresql" ? " CASCADE" : ""));
  }
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("tabula-cli-{}-{}", tabula::test::backend(), ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string d = dir.string();
  const auto v1_models = mg::models<v1::team, v1::player>();
  const auto v2_models = mg::models<v2::team, v2::player>();

  // The models are not in the database yet: check says so, with exit code 1.
  const result drift = run({"migrate", "check", "--dir", d, "--url", url}, v1_models);
  CHECK(drift.code == mg::exit_drift);
  CHECK(contains(drift.out, "create table \"teams\""));

  const result rev1 = run({"migrate", "revision", "--autogenerate", "-m", "first tables",
                           "--dir", d, "--url", url},
                          v1_models);
  INFO(rev1.err);
  REQUIRE(rev1.code == mg::exit_ok);
  CHECK(contains(rev1.out, "wrote "));
  CHECK(contains(rev1.out, "first_tables.sql"));
  const result up = run({"migrate", "upgrade", "--dir", d, "--url", url});
  INFO(up.err);
  CHECK(up.code == mg::exit_ok);
  CHECK(contains(up.out, "upgrade base -> "));
  CHECK(run({"migrate", "check", "-d", d, "-u", url}, v1_models).code == mg::exit_ok);
  db.execute("INSERT INTO teams (name) VALUES ('Reds')");

  REQUIRE(run({"migrate", "revision", "--autogenerate", "-m", "v2", "-d", d, "-u", url}, v2_models)
              .code == mg::exit_ok);
  CHECK(run({"migrate", "upgrade", "head", "-d", d, "-u", url}).code == mg::exit_ok);
  const result cur = run({"migrate", "current", d, url});  // DIR and URL without options
  CHECK(contains(cur.out, "(head)"));
  CHECK(run({"migrate", "check", "-d", d, "-u", url}, v2_models).code == mg::exit_ok);

  // A table the models do not own: dropped by the diff unless ignored.
  db.execute("CREATE TABLE legacy_notes (body TEXT)");
  const result extra = run({"migrate", "check", "-d", d, "-u", url}, v2_models);
  CHECK(extra.code == mg::exit_drift);
  CHECK(contains(extra.out, "drop table \"legacy_notes\""));
  CHECK(run({"migrate", "check", "-d", d, "-u", url, "--ignore-tables", "legacy_notes"}, v2_models)
            .code == mg::exit_ok);
  db.execute("DROP TABLE legacy_notes");

  const result hist = run({"migrate", "history", "-d", d, "-u", url});
  CHECK(hist.code == mg::exit_ok);
  CHECK(contains(hist.out, "first tables"));
  CHECK(contains(hist.out, "> "));
  CHECK(contains(hist.out, "(head)"));

  const result down = run({"migrate", "downgrade", "-1", d, url});
  CHECK(down.code == mg::exit_ok);
  CHECK(contains(down.out, "downgrade "));
  CHECK(run({"migrate", "check", "-d", d, "-u", url}, v1_models).code == mg::exit_ok);
  CHECK(run({"migrate", "stamp", "head", "-d", d, "-u", url}).code == mg::exit_ok);
  CHECK(contains(run({"migrate", "current", "-d", d, "-u", url}).out, "(head)"));
  CHECK(run({"migrate", "stamp", "base", "-d", d, "-u", url}).code == mg::exit_ok);
  CHECK(run({"migrate", "current", "-d", d, "-u", url}).out == "base\n");

  // Usage errors and failures.
  CHECK(run({"migrate", "revision", "--autogenerate", "-m", "x", "-d", d, "-u", url}).code ==
        mg::exit_usage);  // no models in this program
  CHECK(run({"migrate", "check", "-d", d, "-u", url}).code == mg::exit_usage);
  CHECK(run({"migrate", "revision", "-d", d, "-u", url}).code == mg::exit_usage);  // no -m
  CHECK(run({"migrate", "sideways", "-d", d, "-u", url}).code == mg::exit_usage);
  CHECK(run({"migrate", "downgrade", "-d", d, "-u", url}).code == mg::exit_usage);
  CHECK(run({"migrate", "upgrade", "-d", (dir / "missing").string(), "-u", url}).code ==
        mg::exit_failure);
  const result bad = run({"migrate", "upgrade", "zzzz", "-d", d, "-u", url});
  CHECK(bad.code == mg::exit_failure);
  CHECK(contains(bad.err, "no revision zzzz"));
  CHECK(run({"migrate", "--help"}).code == mg::exit_ok);

  for (const char* t : {"players", "teams", "tabula_version"}) {
    db.execute(std::string("DROP TABLE IF EXISTS ") + t +
               (db.backend() == "postgresql" ? " CASCADE" : ""));
  }
  std::filesystem::remove_all(dir);
}
