// nlohmann::json as a column on a real database (JSONB on PostgreSQL, checked JSON text on
// SQLite): random documents round-trip equal, members are queried as typed values, and what
// JSON cannot hold is refused with nothing written.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>
#include <tabula/types/json.hpp>

#include "support/test_backend.hpp"

using tabula::col;
using tabula::json_get;
using tabula::json_has;
using json = nlohmann::json;

namespace {

struct run {
  std::int64_t id = 0;
  std::string name;
  json params;
  std::optional<json> meta;
  bool operator==(const run&) const = default;
};

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

bool on_sqlite() { return tabula::test::backend() == "sqlite"; }

void fresh_schema() {
  db().drop_all<run>();
  db().create_all<run>();
}

const std::vector<std::string> texts = {"", "plain", "h\xC3\xA9llo \xE2\x9C\x93 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80",
                                        "quote \" backslash \\ slash / \t\n\r\b\f", "\x01\x1f control",
                                        "'single' -- ; DROP TABLE run"};

json random_json(std::mt19937_64& rng, int depth) {
  const int pick = static_cast<int>(rng() % (depth > 0 ? 8 : 6));
  switch (pick) {
    case 0:
      return nullptr;
    case 1:
      return rng() % 2 == 0;
    case 2: {
      const std::int64_t edges[] = {0, -1, std::numeric_limits<std::int64_t>::min(),
                                    std::numeric_limits<std::int64_t>::max(),
                                    static_cast<std::int64_t>(rng())};
      return edges[rng() % 5];
    }
    case 3: {
      double d = 0;
      do {
        const std::uint64_t bits = rng();
        std::memcpy(&d, &bits, sizeof d);
      } while (!std::isfinite(d));
      return rng() % 2 == 0 ? d : static_cast<double>(static_cast<std::int32_t>(rng())) / 1024.0;
    }
    case 4:
      return texts[rng() % texts.size()];
    case 5:
      return std::numeric_limits<std::uint64_t>::max() - rng() % 1000;
    case 6: {
      json a = json::array();
      const auto n = rng() % 5;
      for (std::uint64_t i = 0; i < n; ++i) a.push_back(random_json(rng, depth - 1));
      return a;
    }
    default: {
      json o = json::object();
      const auto n = rng() % 5;
      for (std::uint64_t i = 0; i < n; ++i) {
        o[texts[rng() % texts.size()] + std::to_string(i)] = random_json(rng, depth - 1);
      }
      return o;
    }
  }
}

json deep(int levels) {
  json j = "bottom";
  for (int i = 0; i < levels; ++i) j = i % 2 == 0 ? json::array({j}) : json{{"k", j}};
  return j;
}

}  // namespace

TEST_CASE("random JSON documents round-trip equal, unicode and deep nesting included") {
  fresh_schema();
  std::mt19937_64 rng(14);
  std::vector<run> rows;
  for (int i = 0; i < 200; ++i) {
    rows.push_back({0, "r" + std::to_string(i), random_json(rng, 4),
                    i % 3 == 0 ? std::optional(random_json(rng, 2)) : std::nullopt});
  }
  rows.push_back({0, "empty object", json::object(), json::array()});
  rows.push_back({0, "deep", deep(200), json(nullptr)});
  for (std::size_t i = 0; i < 20; ++i) db().insert(rows[i]);
  db().insert_many(std::vector<run>(rows.begin() + 20, rows.begin() + 120));
  // Keys not read back: COPY on PostgreSQL, the text escaped for its format.
  for (std::size_t i = 120; i < rows.size(); ++i) rows[i].id = static_cast<std::int64_t>(i + 1000);
  db().insert_many(std::vector<run>(rows.begin() + 120, rows.end()), tabula::skip_keys);
  const auto back = db().query<run>().order_by(col(&run::id)).all();
  REQUIRE(back.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i < 120) rows[i].id = back[i].id;
    CHECK(back[i].params == rows[i].params);
    CHECK(back[i] == rows[i]);
  }
}

TEST_CASE("members are read, compared, ordered and tested as typed values") {
  fresh_schema();
  std::vector<run> rows;
  for (int i = 0; i < 30; ++i) {
    json p = {{"lr", 0.001 * (i % 7 + 1)},
              {"batch", 64 - i},
              {"opt", {{"name", i % 2 == 0 ? "adam" : "sgd"}}},
              {"layers", {i, i * 2, i * 3}}};
    if (i % 5 == 0) p.erase("lr");
    if (i % 4 == 0) p["note"] = nullptr;
    rows.push_back({0, "r" + std::to_string(i), p, std::nullopt});
  }
  db().insert_many(rows);

  const auto lr = json_get<double>(col(&run::params), "lr");
  const auto expected_small = std::count_if(rows.begin(), rows.end(), [](const run& r) {
    return r.params.contains("lr") && r.params["lr"].get<double>() < 0.0035;
  });
  CHECK(db().query<run>().where(lr < 0.0035).count() == expected_small);
  CHECK(db().query<run>().where(json_has(col(&run::params), "lr")).count() == 24);
  CHECK(db().query<run>().where(!json_has(col(&run::params), "lr")).count() == 6);
  CHECK(db().query<run>().where(json_has(col(&run::params), "note")).count() == 8);  // null counts
  CHECK(db().query<run>()
            .where(json_get<std::string>(col(&run::params), "opt", "name") == "adam")
            .count() == 15);

  auto by_batch = db().query<run>()
                      .order_by(json_get<std::int64_t>(col(&run::params), "batch"))
                      .all();
  REQUIRE(by_batch.size() == rows.size());
  CHECK(std::is_sorted(by_batch.begin(), by_batch.end(), [](const run& a, const run& b) {
    return a.params["batch"].get<std::int64_t>() < b.params["batch"].get<std::int64_t>();
  }));

  const auto second_layer = db().select(json_get<std::int64_t>(col(&run::params), "layers", 1))
                                .where(col(&run::name) == "r7")
                                .one();
  CHECK(second_layer == 14);
  const auto opt = db().select(json_get<json>(col(&run::params), "opt"))
                       .where(col(&run::name) == "r3")
                       .one();
  REQUIRE(opt.has_value());
  CHECK(*opt == json{{"name", "sgd"}});
  const auto missing = db().select(json_get<double>(col(&run::params), "nothing"))
                               .where(col(&run::name) == "r3")
                           .one();
  CHECK_FALSE(missing.has_value());
}

TEST_CASE("what JSON cannot hold is a conversion_error naming the column, nothing written") {
  fresh_schema();
  run r{0, "bad", {{"loss", std::numeric_limits<double>::quiet_NaN()}}, std::nullopt};
  CHECK_THROWS_WITH(db().insert(r), Catch::Contains("column \"params\"") && Catch::Contains("NaN"));
  r.params = {{"x", json::array({1, std::numeric_limits<double>::infinity()})}};
  CHECK_THROWS_AS(db().insert(r), tabula::conversion_error);
  r.params = {{"text", std::string("nul \0 inside", 12)}};
  CHECK_THROWS_AS(db().insert(r), tabula::conversion_error);
  r.params = {{"text", "\xFF\xFE not utf-8"}};
  CHECK_THROWS_AS(db().insert(r), tabula::conversion_error);
  // Found wherever it is: many containers open at once (more than the walk keeps on the
  // stack), a NUL in a key, NaN in the last of them.
  json wide = json::array();
  for (int i = 0; i < 100; ++i) wide.push_back(json{{"i", i}, {"inner", json::array({i})}});
  r.params = wide;
  CHECK_NOTHROW(db().insert(r));
  CHECK(db().get<run>(r.id)->params == wide);
  db().remove(r);
  r.id = 0;
  wide[99]["inner"].push_back(std::numeric_limits<double>::quiet_NaN());
  r.params = wide;
  CHECK_THROWS_AS(db().insert(r), tabula::conversion_error);
  wide[99]["inner"] = json::array();
  wide[0][std::string("k\0ey", 4)] = 1;
  r.params = wide;
  CHECK_THROWS_AS(db().insert(r), tabula::conversion_error);
  r.params = json::object();
  r.meta = json{{std::string("\xC3"), 1}};
  CHECK_THROWS_WITH(db().insert(r), Catch::Contains("column \"meta\""));
  CHECK(db().all<run>().empty());

  // Text that is no JSON never reaches the column.
  if (on_sqlite()) {
    CHECK_THROWS_AS(db().sql("INSERT INTO run (name, params) VALUES ('x', '{not json')").execute(),
                    tabula::check_violation);
  } else {
    CHECK_THROWS_AS(db().sql("INSERT INTO run (name, params) VALUES ('x', '{not json')").execute(),
                    tabula::conversion_error);
  }
  r.meta.reset();
  db().insert(r);  // still usable
  CHECK(db().all<run>().size() == 1);

  // Text that only looks like what is refused is stored: a null, the word "nullable", a
  // backslash followed by "u0000" (an escaped backslash, not a NUL).
  run lookalike{0, "lookalike", {{"n", nullptr}, {"word", "nullable"}, {"path", "C:\\u0000"}},
                json{{"x", 1.5}}};
  db().insert(lookalike);
  CHECK(db().get<run>(lookalike.id) == lookalike);
}

TEST_CASE("JSON storage: JSONB on PostgreSQL, TEXT with json_valid on SQLite") {
  fresh_schema();
  if (on_sqlite()) {
    CHECK_THAT(db().sql<std::string>("SELECT sql FROM sqlite_master WHERE name = 'run'").one(),
               Catch::Contains("\"params\" TEXT NOT NULL") &&
                   Catch::Contains("CHECK (json_valid(\"params\"))"));
  } else {
    run r{0, "x", {{"a", 1}}, std::nullopt};
    db().insert(r);
    CHECK(db().sql<std::string>("SELECT pg_typeof(params)::text FROM run").one() == "jsonb");
  }
}

TEST_CASE("a statement hook shows a JSON parameter as its text") {
  fresh_schema();
  std::vector<std::string> shown;
  db().set_statement_hook([&](const tabula::statement_event& e) {
    if (e.sql.find("INSERT") != std::string_view::npos) {
      shown.assign(e.parameters.begin(), e.parameters.end());
    }
  });
  run r{0, "hooked", {{"it's", {1, 2}}}, std::nullopt};
  db().insert(r);
  db().set_statement_hook({});
  CHECK(std::find(shown.begin(), shown.end(), R"('{"it''s":[1,2]}')") != shown.end());
  CHECK(db().get<run>(r.id)->params == r.params);
}
