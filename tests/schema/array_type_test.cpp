// std::vector<T> as a PostgreSQL array column, in the binary array format: random round trips
// (empty and large arrays, strings that need quoting), edge values bit for bit, arrays beside
// other columns, arrays that cannot be read, parameters typed and untyped, results in the text
// format, the array operators; on SQLite, which has no arrays, a programming_error.

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <tuple>
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
  // Numbers: containment and overlap with the extremes of a 64-bit integer.
  const std::vector<std::int64_t> extremes = {std::numeric_limits<std::int64_t>::min(),
                                              std::numeric_limits<std::int64_t>::max()};
  const auto holds = [](const std::vector<std::int64_t>& v, std::int64_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  const auto both_extremes = std::count_if(rows.begin(), rows.end(), [&](const tagged& t) {
    return holds(t.counts, extremes[0]) && holds(t.counts, extremes[1]);
  });
  const auto an_extreme = std::count_if(rows.begin(), rows.end(), [&](const tagged& t) {
    return holds(t.counts, extremes[0]) || holds(t.counts, extremes[1]);
  });
  CHECK(both_extremes > 0);
  CHECK(an_extreme > both_extremes);
  CHECK(
      db().query<tagged>().where(tabula::array_contains(col(&tagged::counts), extremes)).count() ==
      both_extremes);
  CHECK(
      db().query<tagged>().where(tabula::array_overlaps(col(&tagged::counts), extremes)).count() ==
      an_extreme);
}

namespace {

struct measured {
  std::int64_t id = 0;
  std::vector<double> values;
  std::vector<float> coarse;
  std::vector<std::int16_t> small;
  std::vector<std::uint64_t> big;
  std::vector<std::string> labels;
  std::vector<bool> marks;
  bool operator==(const measured&) const = default;
};

// A result with an array column beside integer, text and time columns.
struct sample {
  std::int64_t id = 0;
  std::string name;
  std::vector<double> embedding;
  std::chrono::sys_time<std::chrono::microseconds> taken{};
  std::int32_t rank = 0;
  bool operator==(const sample&) const = default;
};

std::vector<std::uint64_t> bits_of(const std::vector<double>& v) {
  std::vector<std::uint64_t> out;
  for (const double d : v) out.push_back(std::bit_cast<std::uint64_t>(d));
  return out;
}

std::vector<std::uint32_t> bits_of(const std::vector<float>& v) {
  std::vector<std::uint32_t> out;
  for (const float f : v) out.push_back(std::bit_cast<std::uint32_t>(f));
  return out;
}

// Compared bit for bit: NaN equals itself, -0.0 differs from 0.0.
void check_same(const measured& back, const measured& sent) {
  CHECK(back.id == sent.id);
  CHECK(bits_of(back.values) == bits_of(sent.values));
  CHECK(bits_of(back.coarse) == bits_of(sent.coarse));
  CHECK(back.small == sent.small);
  CHECK(back.big == sent.big);
  CHECK(back.labels == sent.labels);
  CHECK(back.marks == sent.marks);
}

measured edge_row() {
  using dl = std::numeric_limits<double>;
  using fl = std::numeric_limits<float>;
  measured m;
  m.values = {0.0,
              -0.0,
              dl::quiet_NaN(),
              dl::infinity(),
              -dl::infinity(),
              dl::max(),
              dl::lowest(),
              dl::min(),
              dl::denorm_min(),
              0.1,
              1.0 / 3.0,
              -2.5e-300,
              1e16,
              123456789.125};
  m.coarse = {
      0.0F, -0.0F, fl::quiet_NaN(), fl::infinity(), -fl::infinity(), fl::max(), fl::denorm_min(),
      0.1F};
  m.small = {std::numeric_limits<std::int16_t>::min(), -1, 0, 1,
             std::numeric_limits<std::int16_t>::max()};
  m.big = {0, 1, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())};
  m.labels = words;
  m.labels.push_back("null");
  m.labels.push_back("tab\there, new\nline");
  m.labels.push_back("{\"json\": [1, 2]}");
  m.marks = {true, false, true};
  return m;
}

}  // namespace

TEST_CASE("array elements round-trip bit for bit: edge values, 1 and 10,000 elements",
          "[postgresql]") {
  if (on_sqlite()) return;
  db().drop_all<measured>();
  db().create_all<measured>();
  std::vector<measured> rows;
  rows.push_back(edge_row());
  measured one;
  one.values = {-0.0};
  one.coarse = {1.5F};
  one.small = {-7};
  one.big = {42};
  one.labels = {""};
  one.marks = {false};
  rows.push_back(one);
  rows.push_back(measured{});  // every array empty
  measured large;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 10000; ++i) {
    large.values.push_back(std::bit_cast<double>(rng() & ~(std::uint64_t{0x7FF} << 52)) * 1e300);
    large.labels.push_back(words[rng() % words.size()]);
    large.marks.push_back(rng() % 2 == 0);
  }
  rows.push_back(large);
  // One at a time (binary parameters), several per statement, and through COPY (array text).
  db().insert(rows[0]);
  db().insert(rows[1]);
  db().insert_many(std::vector<measured>{rows[2], rows[3]});
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].id = static_cast<std::int64_t>(i + 1);
  auto copied = rows;
  for (auto& r : copied) r.id += 100;
  db().insert_many(copied, tabula::skip_keys);
  const auto back = db().query<measured>().order_by(col(&measured::id)).all();
  REQUIRE(back.size() == 2 * rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    check_same(back[i], rows[i]);
    check_same(back[rows.size() + i], copied[i]);
  }
  // The server holds what was sent: its own text of the doubles reads back as the same bits.
  CHECK(db().sql<std::string>("SELECT values[2]::text || ' ' || values[3]::text || ' ' || "
                              "values[5]::text FROM measured WHERE id = 1")
            .one() == "-0 NaN -Infinity");
  CHECK(db().sql<std::int64_t>("SELECT cardinality(values) FROM measured WHERE id = 4").one() ==
        10000);
  // An element the column's type cannot hold is refused, and nothing is written.
  measured too_big;
  too_big.big = {std::uint64_t{1} << 63};
  CHECK_THROWS_AS(db().insert(too_big), tabula::conversion_error);
  CHECK(db().query<measured>().count() == static_cast<std::int64_t>(back.size()));
}

TEST_CASE("a result with an array column beside integers, text and times", "[postgresql]") {
  if (on_sqlite()) return;
  db().drop_all<sample>();
  db().create_all<sample>();
  using namespace std::chrono;
  std::vector<sample> rows;
  for (int i = 0; i < 50; ++i) {
    sample s;
    s.id = i + 1;
    s.name = "sample \"" + std::to_string(i) + "\", {x}";
    for (int k = 0; k < i; ++k) s.embedding.push_back(k * 0.25 - i);
    s.taken = sys_days{2024y / 2 / 29} + microseconds{123456789LL * i};
    s.rank = -i;
    rows.push_back(s);
  }
  db().insert_many(rows);
  CHECK(db().query<sample>().order_by(col(&sample::id)).all() == rows);
  const auto picked = db().query<sample>()
                          .where(tabula::in_array(-3.75, col(&sample::embedding)))
                          .order_by(col(&sample::id))
                          .all();
  std::vector<sample> expected;
  for (const auto& s : rows) {
    if (std::find(s.embedding.begin(), s.embedding.end(), -3.75) != s.embedding.end()) {
      expected.push_back(s);
    }
  }
  CHECK(expected.size() == 1);  // k * 0.25 - 4 = -3.75 for k = 1
  CHECK(picked == expected);
  CHECK(db().sql<std::tuple<std::int64_t, std::vector<double>, std::string>>(
                "SELECT id, embedding, name FROM sample WHERE id = 3")
            .one() == std::tuple{std::int64_t{3}, rows[2].embedding, rows[2].name});
}

TEST_CASE("arrays that cannot be read: NULL elements, more dimensions, out of range",
          "[postgresql]") {
  if (on_sqlite()) return;
  using ints = std::vector<std::int64_t>;
  const auto refused = [](auto read, std::string_view column, std::string_view why) {
    try {
      (void)read();
      FAIL("read without error");
    } catch (const tabula::conversion_error& e) {
      CHECK_THAT(e.what(),
                 Catch::Contains(std::string(column)) && Catch::Contains(std::string(why)));
    }
  };
  refused([] { return db().sql<ints>("SELECT ARRAY[1, NULL]::bigint[] AS with_null").one(); },
          "with_null", "NULL element");
  refused([] { return db().sql<ints>("SELECT ARRAY[[1, 2], [3, 4]]::bigint[] AS grid").one(); },
          "grid", "2-dimensional");
  refused(
      [] { return db().sql<std::vector<std::string>>("SELECT ARRAY[1]::bigint[] AS nums").one(); },
      "nums", "bigint");
  refused([] { return db().sql<ints>("SELECT 5::bigint AS scalar").one(); }, "scalar", "bigint");
  refused(
      [] {
        return db()
            .sql<std::vector<std::int32_t>>("SELECT ARRAY[5000000000]::bigint[] AS wide")
            .one();
      },
      "wide", "does not fit in std::int32_t");
  refused(
      [] { return db().sql<std::vector<std::uint8_t>>("SELECT ARRAY[-1]::int2[] AS neg").one(); },
      "neg", "does not fit in std::uint8_t");
  // In a result read as text (an inet column has no binary reader here), likewise.
  using row = std::tuple<ints, std::string>;
  refused(
      [] {
        return db().sql<row>("SELECT ARRAY[1, NULL]::bigint[] AS t_null, '10.0.0.1'::inet").one();
      },
      "t_null", "NULL element");
  refused(
      [] {
        return db().sql<row>("SELECT ARRAY[[1], [2]]::bigint[] AS t_grid, '10.0.0.1'::inet").one();
      },
      "t_grid", "multidimensional");
  // Text holding an array's text reads as the array, in a binary result and a text one alike;
  // text that is none is refused.
  CHECK(db().sql<ints>("SELECT '{1, -2}'::text").one() == ints{1, -2});
  CHECK(db().sql<row>("SELECT '{3}'::text, '10.0.0.1'::inet").one() == row{ints{3}, "10.0.0.1"});
  refused([] { return db().sql<ints>("SELECT 'three'::text AS word").one(); }, "word",
          "a malformed array");
  // The connection stays usable.
  CHECK(db().sql<ints>("SELECT ARRAY[1, 2]::bigint[]").one() == ints{1, 2});
}

TEST_CASE("arrays in results read as text, and arrays read as text", "[postgresql]") {
  if (on_sqlite()) return;
  // A column of a type only text shows makes the whole result text: arrays are parsed.
  const std::vector<std::string> strings = {
      "", "a b", "NULL", "null", "q\"uote", "back\\slash", "{}", ",", " pad ", "h\xC3\xA9"};
  CHECK(db().sql<std::tuple<std::vector<std::string>, std::string>>(
                "SELECT CAST(? AS text[]), '10.0.0.1'::inet", strings)
            .one() == std::tuple{strings, std::string("10.0.0.1")});
  const std::vector<double> doubles = {-0.0, 0.1, std::numeric_limits<double>::infinity(), 1e-310};
  const auto [d, ip] = db().sql<std::tuple<std::vector<double>, std::string>>(
                               "SELECT CAST(? AS float8[]), '10.0.0.1'::inet", doubles)
                           .one();
  CHECK(bits_of(d) == bits_of(doubles));
  CHECK(db().sql<std::tuple<std::vector<bool>, std::string>>(
                "SELECT ARRAY[true, false]::bool[], '10.0.0.1'::inet")
            .one() == std::tuple{std::vector<bool>{true, false}, std::string("10.0.0.1")});
  // An array column read as text is PostgreSQL's own text of it.
  for (const char* array :
       {"ARRAY['', 'a b', 'NULL', 'q\"uote', 'back\\slash', '{}', ' ']::text[]",
        "ARRAY[[1, 2], [3, NULL]]::int4[]", "'[0:1]={7,8}'::int8[]",
        "ARRAY[0.1, -0, 'NaN', '-Infinity', 1e300]::float8[]", "ARRAY[true, false]::bool[]",
        "'{}'::text[]", "ARRAY[1.50, -2]::numeric[]", "ARRAY[1.5]::float4[]"}) {
    INFO(array);
    const std::string query = std::string("SELECT ") + array + ", (" + array + ")::text";
    const auto [as_text, server_text] = db().sql<std::tuple<std::string, std::string>>(query).one();
    CHECK(as_text == server_text);
  }
}

TEST_CASE("array parameters: binary when typed as an array, text otherwise", "[postgresql]") {
  if (on_sqlite()) return;
  const std::vector<std::int64_t> v = {1, -2, std::numeric_limits<std::int64_t>::min()};
  // Typed: each element range-checked like a scalar parameter.
  CHECK(db().sql<std::vector<std::int64_t>>("SELECT CAST(? AS int2[])",
                                            std::vector<std::int64_t>{-1, 7})
            .one() == std::vector<std::int64_t>{-1, 7});
  CHECK_THROWS_WITH(db().sql<std::vector<std::int64_t>>("SELECT CAST(? AS int2[])",
                                                        std::vector<std::int64_t>{1, 70000})
                        .one(),
                    Catch::Contains("element 1 (70000)") && Catch::Contains("smallint"));
  CHECK_THROWS_AS(
      db().sql<std::vector<float>>("SELECT CAST(? AS real[])", std::vector<std::int64_t>{16777217})
          .one(),
      tabula::conversion_error);
  CHECK(
      db().sql<std::vector<double>>("SELECT CAST(? AS float8[])", std::vector<std::int32_t>{3, -4})
          .one() == std::vector<double>{3, -4});
  CHECK(db().sql<std::vector<std::string>>("SELECT CAST(? AS varchar[])",
                                           std::vector<std::string>{"x, y", ""})
            .one() == std::vector<std::string>{"x, y", ""});
  // Not an array parameter: PostgreSQL's array text, which the server reads.
  CHECK(db().sql<std::string>("SELECT CAST(? AS text)", v).one() == "{1,-2,-9223372036854775808}");
  CHECK(
      db().sql<std::string>("SELECT CAST(? AS text)", std::vector<std::string>{"a\"b", "c\\d", ""})
          .one() == R"({"a\"b","c\\d",""})");
  CHECK(db().sql<std::vector<double>>("SELECT CAST(CAST(? AS text) AS float8[])",
                                      std::vector<double>{-0.0, 0.1})
            .one()
            .size() == 2);
  CHECK(db().sql<std::vector<std::int64_t>>("SELECT CAST(? AS numeric[])", v).one() == v);
}

TEST_CASE("arrays on SQLite are refused in parameters and results", "[sqlite]") {
  if (!on_sqlite()) return;
  CHECK_THROWS_WITH(db().sql<std::int64_t>("SELECT ?", std::vector<std::int64_t>{1, 2}).one(),
                    Catch::Contains("SQLite has no array type"));
  CHECK_THROWS_AS(db().sql<std::int64_t>("SELECT ?", std::vector<std::int64_t>{1, 2}).one(),
                  tabula::programming_error);
  CHECK_THROWS_WITH(db().sql<std::vector<std::int64_t>>("SELECT '{1,2}'").one(),
                    Catch::Contains("SQLite has no array type"));
  CHECK(db().sql<std::int64_t>("SELECT 1").one() == 1);  // the connection stays usable
}

TEST_CASE("a statement hook shows an array parameter as its array text", "[postgresql]") {
  if (on_sqlite()) return;
  std::vector<std::string> shown;
  db().set_statement_hook([&](const tabula::statement_event& e) {
    shown.assign(e.parameters.begin(), e.parameters.end());
  });
  CHECK(db().sql<std::int64_t>("SELECT cardinality(CAST(? AS text[]))",
                               std::vector<std::string>{"a b", "it's"})
            .one() == 2);
  db().set_statement_hook({});
  CHECK(shown == std::vector<std::string>{R"('{"a b","it''s"}')"});
}
