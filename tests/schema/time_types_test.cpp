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
#include <tuple>
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

TEST_CASE("a time of day read back splits into hours, minutes, seconds and microseconds") {
  fresh_schema();
  event e{.at = {},
          .day = year{2000} / 1 / 1,
          .clock = tabula::time_of_day{13h + 5min + 7s + 123456us},
          .span = 0us,
          .maybe = {}};
  db().insert(e);
  const auto back = db().get<event>(e.id);
  REQUIRE(back.has_value());
  const auto hms = back->clock.hms();
  CHECK(hms.hours() == 13h);
  CHECK(hms.minutes() == 5min);
  CHECK(hms.seconds() == 7s);
  CHECK(hms.subseconds() == 123456us);
  CHECK(tabula::time_of_day{}.hms().to_duration() == 0us);
  CHECK(tabula::time_of_day{24h - 1us}.hms().hours() == 23h);
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
    // An interval read as text (from its binary form) reads as PostgreSQL prints it.
    for (const char* iv : {"-1 year -2 mons 3 days -04:05:06.5", "1 year 1 mon 1 day 00:00:00.000001",
                           "-1 days", "0", "27 hours", "-00:00:01",
                           "-2 days 03:00:00", "1 mon -1 days"}) {
      CHECK(db().sql<std::string>("SELECT CAST(? AS INTERVAL)", std::string(iv)).one() ==
            db().sql<std::string>("SELECT CAST(CAST(? AS INTERVAL) AS TEXT)", std::string(iv)).one());
    }
    // An interval with months has no fixed length: refused, naming the column.
    CHECK_THROWS_WITH(db().sql<microseconds>("SELECT interval '1 mon' AS span").one(),
                      Catch::Contains("\"span\""));
  }
}

// ---------------------------------------------------------------------------------------------
// Time in queries

TEST_CASE("now() and a time moved by a duration select rows as in C++") {
  fresh_schema();
  const auto t = floor<microseconds>(system_clock::now());
  event a{.at = t - 3h, .day = year{2024} / 1 / 1, .clock = {}, .span = 2h, .maybe = {}};
  event b{.at = t - days(10), .day = year{2024} / 1 / 1, .clock = {}, .span = 0us, .maybe = {}};
  db().insert(a);
  db().insert(b);
  CHECK(db().query<event>().where(col(&event::at) > tabula::now() - days(7)).count() == 1);
  CHECK(db().query<event>().where(col(&event::at) < tabula::now() - days(7)).count() == 1);
  CHECK(db().query<event>().where(col(&event::at) + col(&event::span) > tabula::now() - 2h).count() ==
        1);
  const auto server_now = std::get<0>(*db().select(tabula::now(), col(&event::id)).first());
  CHECK(server_now >= t - 1min);
  CHECK(server_now <= floor<microseconds>(system_clock::now()) + 1min);
}

TEST_CASE("time arithmetic, truncation and fields are exact, before 1970 included") {
  fresh_schema();
  auto rows = random_events(150);
  auto edges = edge_events();
  // Keep a margin of a day inside years 1..9999, where both databases compute.
  for (auto& e : edges) {
    if (e.at < first_instant + days(2)) e.at = first_instant + days(2) + 1us;
    if (e.at > last_instant - days(2)) e.at = last_instant - days(2) - 1us;
  }
  rows.insert(rows.end(), edges.begin(), edges.end());
  for (auto& e : rows) {
    e.at = std::clamp(e.at, first_instant + days(2), last_instant - days(2));
    e.span = microseconds(e.span.count() % 86'400'000'000);  // within a day either way
  }
  db().insert_many(rows);

  const auto shifted = db().select(col(&event::id), col(&event::at) + col(&event::span),
                                   col(&event::at) - microseconds(1'000'001))
                           .order_by(col(&event::id))
                           .all();
  REQUIRE(shifted.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(std::get<1>(shifted[i]) == rows[i].at + rows[i].span);
    CHECK(std::get<2>(shifted[i]) == rows[i].at - microseconds(1'000'001));
  }

  using tabula::time_unit;
  using tabula::time_field;
  const auto cut = db().select(tabula::trunc(time_unit::year, col(&event::at)),
                               tabula::trunc(time_unit::month, col(&event::at)),
                               tabula::trunc(time_unit::day, col(&event::at)),
                               tabula::trunc(time_unit::hour, col(&event::at)),
                               tabula::trunc(time_unit::minute, col(&event::at)),
                               tabula::trunc(time_unit::second, col(&event::at)))
                       .order_by(col(&event::id))
                       .all();
  const auto fields = db().select(tabula::extract(time_field::year, col(&event::at)),
                                  tabula::extract(time_field::month, col(&event::at)),
                                  tabula::extract(time_field::day, col(&event::at)),
                                  tabula::extract(time_field::hour, col(&event::at)),
                                  tabula::extract(time_field::minute, col(&event::at)),
                                  tabula::extract(time_field::second, col(&event::at)),
                                  tabula::extract(time_field::day_of_week, col(&event::at)),
                                  tabula::extract(time_field::day_of_year, col(&event::at)))
                          .order_by(col(&event::id))
                          .all();
  REQUIRE(cut.size() == rows.size());
  REQUIRE(fields.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto t = rows[i].at;
    const auto day = floor<days>(t);
    const year_month_day ymd(day);
    const hh_mm_ss hms(t - day);
    INFO("row " << i << ": " << static_cast<int>(ymd.year()) << "-" << static_cast<unsigned>(ymd.month())
                << "-" << static_cast<unsigned>(ymd.day()) << " + " << (t - day).count() << "us");
    CHECK(std::get<0>(cut[i]) == sys_days(ymd.year() / 1 / 1));
    CHECK(std::get<1>(cut[i]) == sys_days(ymd.year() / ymd.month() / 1));
    CHECK(std::get<2>(cut[i]) == day);
    CHECK(std::get<3>(cut[i]) == floor<hours>(t));
    CHECK(std::get<4>(cut[i]) == floor<minutes>(t));
    CHECK(std::get<5>(cut[i]) == floor<seconds>(t));
    CHECK(std::get<0>(fields[i]) == static_cast<std::int64_t>(static_cast<int>(ymd.year())));
    CHECK(std::get<1>(fields[i]) == static_cast<std::int64_t>(static_cast<unsigned>(ymd.month())));
    CHECK(std::get<2>(fields[i]) == static_cast<std::int64_t>(static_cast<unsigned>(ymd.day())));
    CHECK(std::get<3>(fields[i]) == hms.hours().count());
    CHECK(std::get<4>(fields[i]) == hms.minutes().count());
    CHECK(std::get<5>(fields[i]) == hms.seconds().count());
    CHECK(std::get<6>(fields[i]) == static_cast<std::int64_t>(weekday(day).c_encoding()));
    CHECK(std::get<7>(fields[i]) == (day - sys_days(ymd.year() / 1 / 1)).count() + 1);
  }
}
