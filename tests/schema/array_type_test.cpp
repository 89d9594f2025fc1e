// std::vector<T> as a PostgreSQL array column: random round trips (empty and large arrays,
// strings that need quoting), the array operators; on SQLite, which has no arrays, a
// programming_error.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

using tabula::col;

namespace {

struct tagged {
  std::int64_t id = 0;
  std::vector<std::string> tags;
  std::vector<std::int64_t> counts;
  std::vector<double> weights;
  std::vector<bool> flags;
  std::optional<std::vector<std::int32_t>> maybe;
  bool operator==(const tagged&) const = default;
};

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

bool on_sqlite() { return tabula::test::backend() == "sqlite"; }

const std::vector<std::string> words = {"",          "plain",      "two words", "comma,inside",
                                        "{braces}",  "quote \" q", "back\\slash", "NULL",
                                        "h\xC3\xA9llo \xF0\x9F\x98\x80", " lead and trail "};

tagged random_row(std::mt19937_64& rng, std::size_t max_len) {
  tagged t;
  const auto n = rng() % (max_len + 1);
  for (std::size_t i = 0; i < n; ++i) {
    t.tags.push_back(words[rng() % words.size()]);
    const std::int64_t edges[] = {0, -1, std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<std::int64_t>::max(),
                                  static_cast<std::int64_t>(rng())};
    t.counts.push_back(edges[rng() % 5]);
    t.weights.push_back(static_cast<double>(static_cast<std::int32_t>(rng())) / 7.0);
    t.flags.push_back(rng() % 2 == 0);
  }
  if (rng() % 2 == 0) t.maybe = std::vector<std::int32_t>{static_cast<std::int32_t>(rng()), -5};
  return t;
}

}  // namespace

TEST_CASE("arrays: SQLite has none, and says so before anything is created", "[sqlite]") {
  if (!on_sqlite()) return;
  db().drop_all<tagged>();
  CHECK_THROWS_WITH(db().create_all<tagged>(), Catch::Contains("SQLite has no array type"));
  CHECK_THROWS_AS(db().create_all<tagged>(), tabula::programming_error);
}

TEST_CASE("arrays round-trip exactly: empty, large, strings that need quoting", "[postgresql]") {
  if (on_sqlite()) return;
  db().drop_all<tagged>();
  db().create_all<tagged>();
  std::mt19937_64 rng(5);
  std::vector<tagged> rows;
  rows.push_back({});                      // every array empty
  rows.push_back(random_row(rng, 0));
  tagged large = random_row(rng, 0);
  for (int i = 0; i < 10000; ++i) large.counts.push_back(i);
  rows.push_back(large);
  for (int i = 0; i < 100; ++i) rows.push_back(random_row(rng, 8));
  for (std::size_t i = 0; i < 10; ++i) db().insert(rows[i]);
  db().insert_many(std::vector<tagged>(rows.begin() + 10, rows.begin() + 60));
  for (std::size_t i = 60; i < rows.size(); ++i) rows[i].id = static_cast<std::int64_t>(i + 1000);
  db().insert_many(std::vector<tagged>(rows.begin() + 60, rows.end()), tabula::skip_keys);  // COPY
  const auto back = db().query<tagged>().order_by(col(&tagged::id)).all();
  REQUIRE(back.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i < 60) rows[i].id = back[i].id;
    CHECK(back[i] == rows[i]);
  }
  CHECK(db().sql<std::string>("SELECT pg_typeof(tags)::text || ' ' || pg_typeof(counts)::text "
                              "FROM tagged LIMIT 1")
            .one() == "text[] bigint[]");
}

TEST_CASE("array operators: containment, overlap, ANY", "[postgresql]") {
  if (on_sqlite()) return;
  db().drop_all<tagged>();
  db().create_all<tagged>();
  std::mt19937_64 rng(9);
  std::vector<tagged> rows;
  for (int i = 0; i < 60; ++i) rows.push_back(random_row(rng, 5));
  db().insert_many(rows);
  const std::vector<std::string> probe = {"plain", "comma,inside"};
  const auto has = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  const auto contains_all = std::count_if(rows.begin(), rows.end(), [&](const tagged& t) {
    return has(t.tags, probe[0]) && has(t.tags, probe[1]);
  });
  const auto contains_any = std::count_if(rows.begin(), rows.end(), [&](const tagged& t) {
    return has(t.tags, probe[0]) || has(t.tags, probe[1]);
  });
  const auto with_quote = std::count_if(rows.begin(), rows.end(),
                                        [&](const tagged& t) { return has(t.tags, "quote \" q"); });
  CHECK(db().query<tagged>().where(tabula::array_contains(col(&tagged::tags), probe)).count() ==
        contains_all);
  CHECK(db().query<tagged>().where(tabula::array_overlaps(col(&tagged::tags), probe)).count() ==
        contains_any);
  CHECK(db().query<tagged>()
            .where(tabula::in_array(std::string("quote \" q"), col(&tagged::tags)))
            .count() == with_quote);
  CHECK(db().query<tagged>().where(tabula::in_array(std::int64_t{0}, col(&tagged::counts))).count() ==
        std::count_if(rows.begin(), rows.end(), [](const tagged& t) {
          return std::find(t.counts.begin(), t.counts.end(), 0) != t.counts.end();
        }));
}
