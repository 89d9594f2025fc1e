// The main of every tabula test executable: says which database the tests run against, and
// reports a PostgreSQL test with no server as skipped (exit code 77, CTest's SKIP_RETURN_CODE) —
// except in CI, where a missing server must fail the run rather than pass it unnoticed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string_view>

#include <tabula/driver/url.hpp>

#include "support/test_backend.hpp"

// The drivers register their URL schemes through these headers.
#ifdef TABULA_TEST_HAVE_SQLITE
#include <tabula/sqlite.hpp>
#endif
#ifdef TABULA_TEST_HAVE_POSTGRES
#include <tabula/postgres.hpp>
#endif

namespace {

constexpr int skip_return_code = 77;

bool env_is_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

bool in_ci() {
  const char* value = std::getenv("CI");
  return value != nullptr && std::string_view(value) == "true";
}

}  // namespace

int main(int argc, char* argv[]) {
  try {
    // Only behaviour tests name a backend; a dry test touches no database.
    if (env_is_set("TABULA_TEST_BACKEND")) {
      const std::string_view backend = tabula::test::backend();
      if (backend == "postgresql" && !env_is_set("TABULA_TEST_PG_URL")) {
        if (in_ci()) {
          std::cerr << "tabula tests: CI=true but TABULA_TEST_PG_URL is not set: PostgreSQL "
                       "tests must run in CI\n";
          return 1;
        }
        std::cout << "tabula tests: skipped: TABULA_TEST_PG_URL is not set (scripts/test.sh "
                     "starts a PostgreSQL server and sets it)\n";
        return skip_return_code;
      }
      const auto url = tabula::driver::parse_url(tabula::test::database_url());
      std::cout << "tabula tests: backend " << backend << ", database " << url.redacted()
                << std::endl;
    }
    return Catch::Session().run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "tabula tests: " << e.what() << '\n';
    return 1;
  }
}
