// Times as columns on a real database: sys_time, year_month_day, time_of_day and durations
// round-trip exactly to the microsecond, order as in C++, and out-of-range or finer values are
// refused with nothing written.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

using tabula::col;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

struct event {
  std::int64_t id = 0;
  sys_time<microseconds> at;
  year_month_day day{year{2000} / 1 / 1};
  tabula::time_of_day clock;
  microseconds span{0};
  std::optional<sys_seconds> maybe;
  bool operator==(const event&) const = default;
};

/// A nanosecond time point: system_clock's own on this library.
struct reading {
  std::int64_t id = 0;
  system_clock::time_point taken;
  seconds took{0};
};

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

bool on_sqlite() { return tabula::test::backend() == "sqlite"; }

void fresh_schema() {
  db().drop_all<event, reading>();
  db().create_all<event, reading>();
}

sys_time<microseconds> at(year_month_day d, microseconds since_midnight = 0us) {
  return sys_days(d) + since_midnight;
}

// Years 1 to 9999 on both databases (SQLite's range).
const sys_time<microseconds> first_instant = at(year{1} / 1 / 1);
const sys_time<microseconds> last_instant = at(year{9999} / 12 / 31, 24h - 1us);

std::vector<event> edge_events() {
  std::vector<event> v;
  const auto add = [&](sys_time<microseconds> t, year_month_day d, microseconds clock,
                       microseconds span) {
    v.push_back(event{.at = t, .day = d, .clock = tabula::time_of_day{clock}, .span = span,
                      .maybe = {}});
  };
  add(sys_time<microseconds>{}, year{1970} / 1 / 1, 0us, 0us);  // the epoch
  add(sys_time<microseconds>{} - 1us, year{1969} / 12 / 31, 24h - 1us, -1us);
  add(first_instant, year{1} / 1 / 1, 1us, microseconds::min() + 1us);
  add(last_instant, year{9999} / 12 / 31, 12h, microseconds::max());
  add(at(year{2024} / 2 / 29, 23h + 59min + 59s + 999999us), year{2024} / 2 / 29, 0us, -24h);
  add(at(year{2000} / 2 / 29, 1us), year{2000} / 2 / 29, 999999us, 1us);
  add(at(year{1900} / 3 / 1), year{1900} / 2 / 28, 1s, -(24h * 365 * 1000));
  add(at(year{1583} / 10 / 15, 500000us), year{1582} / 10 / 4, 23h, 1h + 1us);
  v.back().maybe = sys_seconds{} - 1s;
  return v;
}

std::vector<event> random_events(std::size_t n) {
  std::mt19937_64 rng(20261205);
  const auto lo = first_instant.time_since_epoch().count();
  const auto hi = last_instant.time_since_epoch().count();
  std::uniform_int_distribution<std::int64_t> instant(lo, hi);
  std::uniform_int_distribution<std::int64_t> day(sys_days(year{1} / 1 / 1).time_since_epoch().count(),
                                                  sys_days(year{9999} / 12 / 31).time_since_epoch().count());
  std::uniform_int_distribution<std::int64_t> clock(0, 86'400'000'000 - 1);
  std::uniform_int_distribution<std::int64_t> span(-4'000'000'000'000'000'000, 4'000'000'000'000'000'000);
  std::vector<event> v;
  for (std::size_t i = 0; i < n; ++i) {
    event e{.at = sys_time<microseconds>(microseconds(instant(rng))),
            .day = year_month_day(sys_days(days(day(rng)))),
            .clock = tabula::time_of_day{microseconds(clock(rng))},
            .span = microseconds(span(rng)),
            .maybe = {}};
    if (i % 3 == 0) e.maybe = floor<seconds>(e.at);
    v.push_back(e);
  }
  return v;
}

}  // namespace

TEST_CASE("times, dates, times of day and durations round-trip exactly, edges included") {
  fresh_schema();
  auto rows = edge_events();
  for (auto& e : rows) db().insert(e);
  for (const auto& e : rows) {
    const auto back = db().get<event>(e.id);
    REQUIRE(back.has_value());
    CHECK(*back == e);
  }
}

TEST_CASE("many random values round-trip and order by the column as in C++") {
  fresh_schema();
  auto rows = random_events(400);
  db().insert_many(rows);  // COPY on PostgreSQL: the text form of each type
  auto single = random_events(1);
  db().insert(single.front());  // a prepared statement: the binary form
  rows.push_back(single.front());

  auto back = db().query<event>().order_by(col(&event::id)).all();
  REQUIRE(back.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) CHECK(back[i] == rows[i]);

  const auto sorted_by = [&](auto member) {
    auto expected = rows;
    std::stable_sort(expected.begin(), expected.end(),
                     [&](const event& a, const event& b) { return a.*member < b.*member; });
    std::vector<std::int64_t> ids;
    for (const auto& e : expected) ids.push_back(e.id);
    return ids;
  };
  const auto ordered_ids = [&](auto member) {
    std::vector<std::int64_t> ids;
    for (const auto& e : db().query<event>().order_by(col(member), col(&event::id)).all()) {
      ids.push_back(e.id);
    }
    return ids;
  };
  CHECK(ordered_ids(&event::at) == sorted_by(&event::at));
  CHECK(ordered_ids(&event::day) == sorted_by(&event::day));
  CHECK(ordered_ids(&event::clock) == sorted_by(&event::clock));
  CHECK(ordered_ids(&event::span) == sorted_by(&event::span));
}

TEST_CASE("rows loaded in bulk (COPY on PostgreSQL) keep every value") {
  fresh_schema();
  auto rows = random_events(200);
  auto edges = edge_events();
  rows.insert(rows.end(), edges.begin(), edges.end());
  db().insert_many(rows, tabula::skip_keys);
  auto back = db().query<event>().order_by(col(&event::at), col(&event::span)).all();
  REQUIRE(back.size() == rows.size());
  std::sort(rows.begin(), rows.end(), [](const event& a, const event& b) {
    return a.at != b.at ? a.at < b.at : a.span < b.span;
  });
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].id = back[i].id;
    CHECK(back[i] == rows[i]);
  }
}

TEST_CASE("times compare in WHERE as in C++") {
  fresh_schema();
  auto rows = random_events(50);
  db().insert_many(rows);
  const auto pivot = rows[17].at;
  const auto n = std::count_if(rows.begin(), rows.end(), [&](const event& e) { return e.at > pivot; });
  CHECK(db().query<event>().where(col(&event::at) > pivot).count() == n);
  const auto found = db().query<event>().where(col(&event::day) == rows[3].day).all();
  REQUIRE_FALSE(found.empty());
  CHECK(found.front().day == rows[3].day);
  tabula::filter<event> f;
  f &= col(&event::clock) == rows[5].clock;
  CHECK(db().query<event>().where(f).one().id == rows[5].id);
}

TEST_CASE("a nanosecond time point with a finer part is refused; a whole microsecond is kept") {
  fresh_schema();
  reading r{.taken = system_clock::time_point(nanoseconds(1'700'000'000'123'456'789))};
  CHECK_THROWS_AS(db().insert(r), tabula::conversion_error);
  CHECK(db().all<reading>().empty());
  r.taken = floor<microseconds>(r.taken);
  r.took = -5s;
  db().insert(r);
  const auto back = db().get<reading>(r.id);
  REQUIRE(back.has_value());
  CHECK(back->taken == r.taken);
  CHECK(back->took == -5s);
}

TEST_CASE("times outside the database's range, and invalid dates, are refused with nothing written") {
  fresh_schema();
  event e;
  e.at = on_sqlite() ? at(year{10000} / 1 / 1) : at(year{-5000} / 1 / 1);
  CHECK_THROWS_WITH(db().insert(e), Catch::Contains("column \"at\""));
  CHECK_THROWS_AS(db().insert(e), tabula::conversion_error);
  std::vector<event> many(3);
  many[1].at = e.at;
  CHECK_THROWS_AS(db().insert_many(many), tabula::conversion_error);
  CHECK_THROWS_AS(db().insert_many(many, tabula::skip_keys), tabula::conversion_error);
  e.at = {};
  e.day = on_sqlite() ? year_month_day(year{0} / 12 / 31) : year_month_day(year{-5000} / 1 / 1);
  CHECK_THROWS_AS(db().insert(e), tabula::conversion_error);
  e.day = year{2023} / 2 / 29;  // not a leap year
  CHECK_THROWS_AS(db().insert(e), tabula::conversion_error);
  e.day = year{2023} / 2 / 28;
  e.clock = tabula::time_of_day{24h};
  CHECK_THROWS_AS(db().insert(e), tabula::conversion_error);
  CHECK(db().all<event>().empty());
  e.clock = tabula::time_of_day{24h - 1us};
  db().insert(e);  // the engine is still usable
  CHECK(db().all<event>().size() == 1);
}

TEST_CASE("a stored value the field cannot hold exactly is a conversion_error naming the column") {
  fresh_schema();
  event e;
  e.maybe = sys_seconds{};
  db().insert(e);
  // A fraction of a second where the field holds whole seconds.
  db().sql("UPDATE event SET maybe = ?", at(year{2020} / 1 / 1, 1500ms)).execute();
  try {
    (void)db().get<event>(e.id);
    FAIL("no conversion_error");
  } catch (const tabula::conversion_error& err) {
    CHECK_THAT(err.what(), Catch::Contains("\"maybe\""));
  }
  if (on_sqlite()) {
    db().sql("UPDATE event SET maybe = NULL, at = 'yesterday'").execute();
    try {
      (void)db().get<event>(e.id);
      FAIL("no conversion_error");
    } catch (const tabula::conversion_error& err) {
      CHECK_THAT(err.what(), Catch::Contains("\"at\"") && Catch::Contains("yesterday"));
    }
  }
}

TEST_CASE("SQLite's date functions read the stored text; PostgreSQL stores native types") {
  fresh_schema();
  event e{.at = at(year{2024} / 2 / 29, 13h + 14min + 15s + 123456us),
          .day = year{2024} / 2 / 29,
          .clock = tabula::time_of_day{13h + 14min + 15s + 123456us},
          .span = 90s,
          .maybe = {}};
  db().insert(e);
  if (on_sqlite()) {
    CHECK(db().sql<std::string>("SELECT at FROM event").one() == "2024-02-29 13:14:15.123456");
    CHECK(db().sql<std::string>("SELECT date(at, '+1 day') FROM event").one() == "2024-03-01");
    CHECK(db().sql<std::string>("SELECT time(clock) FROM event").one() == "13:14:15");
    CHECK(db().sql<std::int64_t>("SELECT span FROM event").one() == 90'000'000);
  } else {
    CHECK(db().sql<std::string>("SELECT pg_typeof(at)::text || ' ' || pg_typeof(day)::text || ' ' "
                                "|| pg_typeof(clock)::text || ' ' || pg_typeof(span)::text "
                                "FROM event")
              .one() == "timestamp with time zone date time without time zone interval");
    CHECK(db().sql<std::string>("SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') "
                                "FROM event")
              .one() == "2024-02-29 13:14:15.123456");
    CHECK(db().sql<std::string>("SELECT span::text FROM event").one() == "00:01:30");
  }
}
