// Codegen round trip: models generated from a database made by create_all compile as
// generated; a program built from them creates the tables on an empty database, and those
// read back equal to the original models.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <fmt/format.h>

#include <tabula/migrate/codegen.hpp>
#include <tabula/migrate/diff.hpp>
#include <tabula/tabula.hpp>

#include "migrate/models.hpp"
#include "support/test_backend.hpp"

namespace {

/// The URL of another database beside the test's: on PostgreSQL a database of its own
/// (re-created), on SQLite another file.
std::string target_url(tabula::engine& db) {
  std::string url = tabula::test::database_url();
  if (db.backend() == "sqlite") return url + ".codegen";
  const std::size_t query = url.find('?');
  const std::size_t slash = url.rfind('/', query);
  const std::string name = url.substr(slash + 1, query - slash - 1) + "_codegen";
  db.execute("DROP DATABASE IF EXISTS " + name);
  db.execute("CREATE DATABASE " + name);
  return url.substr(0, slash + 1) + name + url.substr(query);
}

}  // namespace

TEST_CASE("generated models compile, and create tables equal to the originals", "[codegen]") {
  tabula::engine db(tabula::test::database_url());
  db.drop_all<roundtrip::every_type, roundtrip::parent>();
  db.create_all<roundtrip::parent, roundtrip::every_type>();

  const std::string header = tabula::migrate::generate_models(db.inspect().tables());
  CHECK(header.find("struct EveryType {") != std::string::npos);
  CHECK(header.find("tabula::primary_key(&models::Parent::code, &models::Parent::part)") !=
        std::string::npos);
  CHECK(header.find(".on_delete_set_null().on_update_cascade()") != std::string::npos);
  CHECK(header.find("tabula::max_length(&models::EveryType::bounded, 12)") != std::string::npos);

  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("tabula-codegen-{}-{}", tabula::test::backend(), ::getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "generated.hpp") << header;
  std::ofstream(dir / "main.cpp")
      << "#include \"generated.hpp\"\n"
#if defined(TABULA_TEST_HAVE_SQLITE)
         "#include <tabula/sqlite.hpp>\n"
#endif
#if defined(TABULA_TEST_HAVE_POSTGRES)
         "#include <tabula/postgres.hpp>\n"
#endif
         "int main(int, char** argv) { tabula::engine db(argv[1]); models::create_all(db); }\n";
  const std::string build = fmt::format(
      "{} -std=c++20 -O0 -w -I{} {} -o {} {} > {} 2>&1", TABULA_TEST_CXX, TABULA_TEST_INCLUDE,
      (dir / "main.cpp").string(), (dir / "create").string(), TABULA_TEST_LINK,
      (dir / "build.log").string());
  const int built = std::system(build.c_str());
  if (built != 0) {
    std::ifstream log(dir / "build.log");
    const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    INFO(header);
    INFO(text);
    REQUIRE(built == 0);
  }

  const std::string url = target_url(db);
  const std::string run = fmt::format("{} '{}'", (dir / "create").string(), url);
  REQUIRE(std::system(run.c_str()) == 0);
  {
    tabula::engine target(url);
    const auto d = tabula::migrate::check_schema<roundtrip::parent, roundtrip::every_type>(target);
    INFO(d.summary());
    CHECK(d.empty());
    CHECK(target.inspect().table_names() == db.inspect().table_names());
  }
  if (db.backend() == "postgresql") {
    const std::size_t query = url.find('?');
    db.execute("DROP DATABASE IF EXISTS " + url.substr(url.rfind('/', query) + 1,
                                                        query - url.rfind('/', query) - 1));
  } else {
    std::filesystem::remove(url.substr(std::string("sqlite://").size()));
  }
  db.drop_all<roundtrip::every_type, roundtrip::parent>();
  std::filesystem::remove_all(dir);
}
