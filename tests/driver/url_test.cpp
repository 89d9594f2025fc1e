// Database URLs: every accepted form, malformed ones, redaction, and the driver registry.

#include <catch2/catch.hpp>

#include <string>

#include "tabula/driver/driver.hpp"
#include "tabula/driver/url.hpp"
#include "tabula/error.hpp"
#ifdef TABULA_TEST_HAVE_SQLITE
#include "tabula/sqlite.hpp"
#endif
#ifdef TABULA_TEST_HAVE_POSTGRES
#include "tabula/postgres.hpp"
#endif

using Catch::Matchers::Contains;
using tabula::driver::parse_url;

TEST_CASE("sqlite URLs name a file or memory", "[url]") {
  SECTION("three slashes: a relative path") {
    const auto u = parse_url("sqlite:///relative.db");
    CHECK(u.scheme == "sqlite");
    CHECK(u.database == "relative.db");
    CHECK(u.host.empty());
    CHECK_FALSE(u.keyword_form);
    CHECK(u.text == "sqlite:///relative.db");
  }
  SECTION("four slashes: an absolute path") {
    CHECK(parse_url("sqlite:////abs/path.db").database == "/abs/path.db");
    CHECK(parse_url("sqlite:///dir/sub/x.db").database == "dir/sub/x.db");
  }
  SECTION("memory, spelled in the ways SQLAlchemy users write it") {
    CHECK(parse_url("sqlite://:memory:").database == ":memory:");
    CHECK(parse_url("sqlite:///:memory:").database == ":memory:");
    CHECK(parse_url("sqlite://").database == ":memory:");
  }
  SECTION("query parameters are kept, decoded") {
    const auto u = parse_url("sqlite:///app.db?mode=ro&cache=shared&x=a%20b");
    CHECK(u.database == "app.db");
    CHECK(u.params.size() == 3);
    CHECK(u.params.at("mode") == "ro");
    CHECK(u.params.at("cache") == "shared");
    CHECK(u.params.at("x") == "a b");
  }
  SECTION("the scheme is case-insensitive") {
    CHECK(parse_url("SQLite:///x.db").scheme == "sqlite");
  }
}

TEST_CASE("postgresql URLs", "[url]") {
  SECTION("every part") {
    const auto u =
        parse_url("postgresql://alice:s3cret@db.example.com:6543/inventory?sslmode=require");
    CHECK(u.scheme == "postgresql");
    CHECK(u.user == "alice");
    CHECK(u.password == "s3cret");
    CHECK(u.host == "db.example.com");
    REQUIRE(u.port);
    CHECK(*u.port == 6543);
    CHECK(u.database == "inventory");
    CHECK(u.params.size() == 1);
    CHECK(u.params.at("sslmode") == "require");
    CHECK_FALSE(u.keyword_form);
  }
  SECTION("postgres:// is the same scheme") {
    const auto u = parse_url("postgres://bob@localhost/app");
    CHECK(u.scheme == "postgresql");
    CHECK(u.user == "bob");
    CHECK(u.password.empty());
    CHECK(u.host == "localhost");
    CHECK_FALSE(u.port);
    CHECK(u.database == "app");
  }
  SECTION("percent-encoded user, password and database are decoded") {
    const auto u = parse_url("postgresql://us%40er:p%3Aa%2Fs%25s@h/my%20db");
    CHECK(u.user == "us@er");
    CHECK(u.password == "p:a/s%s");
    CHECK(u.database == "my db");
  }
  SECTION("no host: libpq's default Unix socket") {
    const auto u = parse_url("postgresql://me@/app");
    CHECK(u.host.empty());
    CHECK(u.user == "me");
    CHECK(u.database == "app");
    const auto bare = parse_url("postgresql://");
    CHECK(bare.host.empty());
    CHECK(bare.database.empty());
    CHECK(bare.user.empty());
  }
  SECTION("a socket directory in the query fills the host and port") {
    const auto u = parse_url("postgresql://postgres@/postgres?host=/tmp/sock%20dir&port=55999");
    CHECK(u.host == "/tmp/sock dir");
    REQUIRE(u.port);
    CHECK(*u.port == 55999);
    CHECK(u.params.empty());
  }
  SECTION("a percent-encoded socket directory as the host") {
    CHECK(parse_url("postgresql://%2Fvar%2Frun%2Fpostgresql/app").host == "/var/run/postgresql");
  }
  SECTION("a bracketed IPv6 address") {
    const auto u = parse_url("postgresql://[::1]:5433/app");
    CHECK(u.host == "::1");
    REQUIRE(u.port);
    CHECK(*u.port == 5433);
  }
  SECTION("several parameters") {
    const auto u =
        parse_url("postgresql://h/d?connect_timeout=10&application_name=my%20app&sslmode=disable");
    CHECK(u.params.size() == 3);
    CHECK(u.params.at("connect_timeout") == "10");
    CHECK(u.params.at("application_name") == "my app");
  }
  SECTION("an unknown scheme parses; the registry rejects it later") {
    const auto u = parse_url("mysql://root@localhost:3306/shop");
    CHECK(u.scheme == "mysql");
    CHECK(u.host == "localhost");
    CHECK(u.database == "shop");
  }
}

TEST_CASE("libpq's key=value form", "[url]") {
  const auto u = parse_url(
      "host=/tmp dbname=app user=me password='it\\'s quoted' port = 5444 sslmode=disable");
  CHECK(u.keyword_form);
  CHECK(u.scheme == "postgresql");
  CHECK(u.host == "/tmp");
  CHECK(u.database == "app");
  CHECK(u.user == "me");
  REQUIRE(u.port);
  CHECK(*u.port == 5444);
  CHECK(u.params.size() == 1);
  CHECK(u.params.at("sslmode") == "disable");
  CHECK(u.password == "it's quoted");

  const auto single = parse_url("dbname=app");
  CHECK(single.keyword_form);
  CHECK(single.database == "app");
  CHECK(single.host.empty());
}

TEST_CASE("malformed URLs are programming errors that say what is wrong", "[url]") {
  const auto rejects = [](const std::string& text, const std::string& reason) {
    INFO(text);
    CHECK_THROWS_AS(parse_url(text), tabula::programming_error);
    CHECK_THROWS_WITH(parse_url(text), Contains(reason));
  };
  rejects("", "empty");
  rejects("   ", "empty");
  rejects("just-a-name", "expected <scheme>://");
  rejects("sqlite:/x.db", "expected <scheme>://");
  rejects("sqlite://relative.db", "has no host");
  rejects("postgresql://h:port/db", "not a number from 1 to 65535");
  rejects("postgresql://h:0/db", "not a number from 1 to 65535");
  rejects("postgresql://h:70000/db", "not a number from 1 to 65535");
  rejects("postgresql://h:/db", "followed by a port");
  rejects("postgresql://[::1/db", "\"[\" without a matching \"]\"");
  rejects("postgresql://[::1]x/db", "expected \":port\"");
  rejects("postgresql://h1,h2/db", "several hosts");
  rejects("postgresql://h/d%zz", "two hex digits");
  rejects("postgresql://h/d%4", "two hex digits");
  rejects("postgresql://h/d?sslmode", "not of the form key=value");
  rejects("postgresql://h/d?=x", "not of the form key=value");
  rejects("postgresql://h/d?port=abc", "not a number from 1 to 65535");
  rejects("host=h junk", "without \"=\"");
  rejects("host=h =x", "without a key");
  rejects("host=h password='open", "no closing quote");
  rejects("port=x dbname=d", "not a number from 1 to 65535");
}

TEST_CASE("error messages about a malformed URL do not repeat its password", "[url]") {
  const auto message_of = [](const std::string& text) {
    try {
      (void)parse_url(text);
    } catch (const tabula::programming_error& e) {
      return std::string(e.what());
    }
    FAIL("no error for " << text);
    return std::string();
  };
  CHECK_THAT(message_of("postgresql://u:hunter2@h:bad/db"), !Contains("hunter2"));
  CHECK_THAT(message_of("postgresql://u@h:bad/db?password=hunter2"), !Contains("hunter2"));
  CHECK_THAT(message_of("host=h password=hunter2 junk"), !Contains("hunter2"));
  CHECK_THAT(message_of("host=h password='hunter 2' junk"), !Contains("hunter"));
}

TEST_CASE("redacted() hides the password and parses back to the same fields", "[url]") {
  const auto round_trip = [](const std::string& text) {
    INFO(text);
    const auto u = parse_url(text);
    const auto shown = u.redacted();
    INFO(shown);
    if (!u.password.empty()) CHECK_THAT(shown, !Contains(u.password));
    const auto back = parse_url(shown);
    CHECK(back.scheme == u.scheme);
    CHECK(back.user == u.user);
    CHECK(back.password == (u.password.empty() ? "" : "***"));
    CHECK(back.host == u.host);
    CHECK(back.port == u.port);
    CHECK(back.database == u.database);
    CHECK(back.params == u.params);
  };
  round_trip("postgresql://alice:s3cret@db.example.com:6543/inventory?sslmode=require");
  round_trip("postgresql://us%40er:p%3Aw@h/my%20db");
  round_trip("postgresql://postgres@/postgres?host=/tmp/sock&port=55999");
  round_trip("postgresql://[::1]:5433/app");
  round_trip("postgresql://");
  round_trip("host=/tmp dbname=app user=me password=topsecret application_name='a b'");
  round_trip("sqlite:///relative.db");
  round_trip("sqlite:////abs/path.db?mode=ro");
  round_trip("sqlite://:memory:");

  CHECK(parse_url("postgresql://alice:s3cret@h/db").redacted() == "postgresql://alice:***@h/db");
  CHECK(parse_url("sqlite:////abs/x.db").redacted() == "sqlite:////abs/x.db");
}

TEST_CASE("the driver registry", "[url][registry]") {
  using namespace tabula::driver;
#ifdef TABULA_TEST_HAVE_SQLITE
  SECTION("including tabula/sqlite.hpp registers sqlite") {
    CHECK(find_driver("sqlite") == &connect_sqlite);
  }
#endif
#ifdef TABULA_TEST_HAVE_POSTGRES
  SECTION("including tabula/postgres.hpp registers postgresql and postgres") {
    CHECK(find_driver("postgresql") == &connect_postgres);
    CHECK(find_driver("postgres") == &connect_postgres);
  }
#endif
  SECTION("an unknown scheme names the registered ones and how to get a driver") {
    CHECK_THROWS_AS(find_driver("mysql"), tabula::programming_error);
    CHECK_THROWS_WITH(find_driver("mysql"), Contains("\"mysql\"") &&
                                                Contains("Link tabula::sqlite") &&
                                                Contains("<tabula/postgres.hpp>"));
#ifdef TABULA_TEST_HAVE_SQLITE
    CHECK_THROWS_WITH(find_driver("mysql"), Contains("sqlite"));
#endif
    CHECK_THROWS_AS(connect(parse_url("mysql://root@localhost/shop")), tabula::programming_error);
  }
#ifdef TABULA_TEST_HAVE_SQLITE
  SECTION("a driver registered for a new scheme is used by connect()") {
    // A scheme of its own that opens SQLite in memory, whatever the URL says.
    register_driver("memdb",
                    [](const url&) { return connect_sqlite(parse_url("sqlite://:memory:")); });
    auto conn = connect(parse_url("memdb://anything/at-all"));
    REQUIRE(conn);
    CHECK(conn->dialect_name() == "sqlite");
    auto st = conn->prepare("SELECT 40 + 2");
    REQUIRE(st->step());
    CHECK(st->get_int64(0) == 42);
  }
#endif
}
