// Times, decimals and JSON documents as properties (RapidCheck), on both databases: any value in
// a type's documented range — edges weighted in — is written and read back equal; ORDER BY on
// the column orders as C++ does; SQL arithmetic on decimals gives the exact C++ result. Each
// property runs RapidCheck's default 100 cases, shrunk to the smallest failing one.

#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <tabula/tabula.hpp>
#include <tabula/types/json.hpp>

#include "support/test_backend.hpp"

using tabula::col;
using namespace std::chrono;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace tabula {
// How RapidCheck prints a counterexample.
inline void showValue(const time_of_day& t, std::ostream& os) { os << t.since_midnight.count() << "us"; }
template <unsigned P, unsigned S>
void showValue(const decimal<P, S>& d, std::ostream& os) {
  os << d.to_string();
}
}  // namespace tabula
namespace nlohmann {
inline void showValue(const json& j, std::ostream& os) { os << j.dump(); }
}  // namespace nlohmann

namespace {

using price = tabula::decimal<10, 2>;
using rate = tabula::decimal<18, 6>;

struct moment {
  std::int64_t id = 0;
  sys_time<microseconds> at;
  year_month_day day{year{2000} / 1 / 1};
  tabula::time_of_day clock;
  microseconds span{0};
  std::optional<sys_time<microseconds>> maybe;
  bool operator==(const moment&) const = default;
};

struct amount {
  std::int64_t id = 0;
  price a;
  price b;
  rate r;
  std::optional<rate> maybe;
  bool operator==(const amount&) const = default;
};

struct document {
  std::int64_t id = 0;
  json body;
  std::optional<json> extra;
  bool operator==(const document&) const = default;
};

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

// ---- times: years 1 to 9999 (SQLite's range, inside PostgreSQL's)

const sys_days first_day = sys_days(year{1} / 1 / 1);
const sys_days last_day = sys_days(year{9999} / 12 / 31);

rc::Gen<sys_time<microseconds>> any_instant() {
  const std::int64_t lo = sys_time<microseconds>(first_day).time_since_epoch().count();
  const std::int64_t hi = sys_time<microseconds>(last_day + days(1)).time_since_epoch().count();
  const auto instant = [](std::int64_t us) { return sys_time<microseconds>(microseconds(us)); };
  return rc::gen::weightedOneOf<sys_time<microseconds>>(
      {{1, rc::gen::element(instant(lo), instant(hi - 1), instant(0), instant(-1), instant(1),
                            sys_time<microseconds>(sys_days(year{2024} / 2 / 29)) - 1us,
                            sys_time<microseconds>(sys_days(year{1900} / 3 / 1)))},
       {6, rc::gen::map(rc::gen::inRange<std::int64_t>(lo, hi), instant)},
       // Near 1970, where the sign of the count changes.
       {2, rc::gen::map(rc::gen::inRange<std::int64_t>(-86'400'000'000, 86'400'000'000), instant)}});
}

rc::Gen<year_month_day> any_day() {
  return rc::gen::map(rc::gen::inRange<std::int64_t>(first_day.time_since_epoch().count(),
                                                     last_day.time_since_epoch().count() + 1),
                      [](std::int64_t d) { return year_month_day(sys_days(days(d))); });
}

rc::Gen<tabula::time_of_day> any_clock() {
  return rc::gen::map(rc::gen::inRange<std::int64_t>(0, microseconds(24h).count()),
                      [](std::int64_t us) { return tabula::time_of_day{microseconds(us)}; });
}

rc::Gen<microseconds> any_span() {
  return rc::gen::weightedOneOf<microseconds>(
      {{1, rc::gen::element(microseconds::min() + 1us, microseconds::max(), 0us, -1us, 1us)},
       {4, rc::gen::map(rc::gen::inRange<std::int64_t>(-microseconds(days(36500)).count(),
                                                       microseconds(days(36500)).count()),
                        [](std::int64_t us) { return microseconds(us); })},
       {2, rc::gen::map(rc::gen::suchThat(rc::gen::arbitrary<std::int64_t>(),
                                          [](std::int64_t us) {
                                            return us != std::numeric_limits<std::int64_t>::min();
                                          }),
                        [](std::int64_t us) { return microseconds(us); })}});
}

// ---- decimals: any value within the declared precision, the limits weighted in

template <class D>
rc::Gen<D> any_decimal() {
  return rc::gen::map(
      rc::gen::weightedOneOf<std::int64_t>(
          {{1, rc::gen::element<std::int64_t>(-D::limit + 1, D::limit - 1, 0, 1, -1)},
           {6, rc::gen::inRange<std::int64_t>(-D::limit + 1, D::limit)},
           {2, rc::gen::inRange<std::int64_t>(-1000, 1000)}}),
      [](std::int64_t units) { return D::from_units(units); });
}

// ---- JSON: any document of valid UTF-8 text without NUL, finite numbers, nested

std::string utf8(const std::vector<std::uint32_t>& code_points) {
  std::string out;
  for (std::uint32_t c : code_points) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

/// Text of any Unicode scalar values but NUL (which JSONB cannot store): ASCII (quotes,
/// backslashes and control characters included) most of the time.
rc::Gen<std::string> any_text() {
  const auto code_point = rc::gen::weightedOneOf<std::uint32_t>(
      {{6, rc::gen::inRange<std::uint32_t>(1, 0x80)},
       {2, rc::gen::inRange<std::uint32_t>(0x80, 0xD800)},
       {1, rc::gen::inRange<std::uint32_t>(0xE000, 0x110000)}});
  return rc::gen::map(rc::gen::container<std::vector<std::uint32_t>>(code_point), utf8);
}

rc::Gen<json> any_scalar() {
  return rc::gen::oneOf(
      rc::gen::just(json(nullptr)), rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return json(b); }),
      rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t i) { return json(i); }),
      rc::gen::map(rc::gen::suchThat(rc::gen::arbitrary<double>(), [](double d) { return std::isfinite(d); }),
                   [](double d) { return json(d); }),
      rc::gen::map(any_text(), [](std::string s) { return json(std::move(s)); }));
}

rc::Gen<json> any_json(int depth) {
  if (depth == 0) return any_scalar();
  const auto inner = rc::gen::lazy([depth] { return any_json(depth - 1); });
  return rc::gen::weightedOneOf<json>(
      {{3, any_scalar()},
       {1, rc::gen::map(rc::gen::container<std::vector<json>>(inner),
                        [](std::vector<json> items) { return json(std::move(items)); })},
       {1, rc::gen::map(rc::gen::container<std::vector<std::pair<std::string, json>>>(
                            rc::gen::pair(any_text(), inner)),
                        [](const std::vector<std::pair<std::string, json>>& members) {
                          json o = json::object();
                          for (const auto& [k, v] : members) o[k] = v;
                          return o;
                        })}});
}

}  // namespace

TEST_CASE("time properties: any value in years 1..9999 round-trips; ORDER BY orders as C++") {
  db().drop_all<moment>();
  db().create_all<moment>();

  rc::prop("a row of times read back by its key equals the row written", [] {
    moment m{0, *any_instant(), *any_day(), *any_clock(), *any_span(), std::nullopt};
    if (*rc::gen::arbitrary<bool>()) m.maybe = *any_instant();
    db().insert(m);
    const auto back = db().get<moment>(m.id);
    RC_ASSERT(back.has_value());
    RC_ASSERT(*back == m);
    RC_ASSERT(db().query<moment>().where(col(&moment::id) == m.id && col(&moment::at) == m.at).count() == 1);
  });

  rc::prop("ORDER BY a time column orders the rows as C++ does", [] {
    std::vector<sys_time<microseconds>> ats = *rc::gen::unique<std::vector<sys_time<microseconds>>>(any_instant());
    db().delete_from<moment>().all_rows().execute();
    std::vector<moment> rows;
    for (const auto& t : ats) rows.push_back({0, t, *any_day(), {}, 0us, std::nullopt});
    db().insert_many(rows);
    std::sort(ats.begin(), ats.end());
    std::vector<sys_time<microseconds>> read;
    for (const moment& r : db().query<moment>().order_by(col(&moment::at)).all()) read.push_back(r.at);
    RC_ASSERT(read == ats);
    if (!ats.empty()) {
      const auto pivot = ats[ats.size() / 2];
      RC_ASSERT(db().query<moment>().where(col(&moment::at) < pivot).count() ==
                static_cast<std::int64_t>(ats.size() / 2));
    }
  });
}

TEST_CASE("decimal properties: exact round trips, ORDER BY and SQL arithmetic as in C++") {
  db().drop_all<amount>();
  db().create_all<amount>();

  rc::prop("a row of decimals read back by its key equals the row written", [] {
    amount x{0, *any_decimal<price>(), *any_decimal<price>(), *any_decimal<rate>(), std::nullopt};
    if (*rc::gen::arbitrary<bool>()) x.maybe = *any_decimal<rate>();
    db().insert(x);
    const auto back = db().get<amount>(x.id);
    RC_ASSERT(back.has_value());
    RC_ASSERT(*back == x);
    RC_ASSERT(back->r.to_string() == x.r.to_string());
  });

  rc::prop("a + b and a - b computed by the database are the exact sums", [] {
    amount x{0, *any_decimal<price>(), *any_decimal<price>(), rate(), std::nullopt};
    db().insert(x);
    const auto [sum, difference] =
        db().select(col(&amount::a) + col(&amount::b), col(&amount::a) - col(&amount::b))
            .where(col(&amount::id) == x.id)
            .one();
    RC_ASSERT(sum.units() == x.a.units() + x.b.units());
    RC_ASSERT(difference.units() == x.a.units() - x.b.units());
  });

  rc::prop("ORDER BY a decimal column orders the rows as C++ does", [] {
    std::vector<rate> rs = *rc::gen::unique<std::vector<rate>>(any_decimal<rate>());
    db().delete_from<amount>().all_rows().execute();
    std::vector<amount> rows;
    for (const rate& r : rs) rows.push_back({0, price(), price(), r, std::nullopt});
    db().insert_many(rows);
    std::sort(rs.begin(), rs.end());
    std::vector<rate> read;
    for (const amount& a : db().query<amount>().order_by(col(&amount::r)).all()) read.push_back(a.r);
    RC_ASSERT(read == rs);
  });
}

TEST_CASE("JSON properties: any document of UTF-8 text and finite numbers round-trips equal") {
  db().drop_all<document>();
  db().create_all<document>();

  rc::prop("a document read back by its key equals the document written", [] {
    document d{0, *any_json(3), std::nullopt};
    if (*rc::gen::arbitrary<bool>()) d.extra = *any_json(1);
    db().insert(d);
    const auto back = db().get<document>(d.id);
    RC_ASSERT(back.has_value());
    RC_ASSERT(back->body == d.body);
    RC_ASSERT(back->extra == d.extra);
  });

  rc::prop("a document holding NaN, infinity or a NUL anywhere is refused, nothing written", [] {
    json doc = *any_json(2);
    const int kind = *rc::gen::inRange(0, 5);
    json bad;
    switch (kind) {
      case 0: bad = std::numeric_limits<double>::quiet_NaN(); break;
      case 1: bad = std::numeric_limits<double>::infinity(); break;
      case 2: bad = -std::numeric_limits<double>::infinity(); break;
      case 3: bad = std::string("a\0b", 3); break;
      default: bad = json::object({{std::string("k\0", 2), 1}}); break;
    }
    // Down a random path of containers, then in among the members or elements there.
    json* at = &doc;
    for (int step = *rc::gen::inRange(0, 4); step > 0 && !at->empty() && at->is_structured(); --step) {
      const auto pick = static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, at->size()));
      auto it = at->begin();
      std::advance(it, static_cast<std::ptrdiff_t>(pick));
      if (!it->is_structured()) break;
      at = &*it;
    }
    if (at->is_object()) {
      (*at)[*any_text()] = bad;
    } else if (at->is_array()) {
      at->insert(at->begin() + static_cast<std::ptrdiff_t>(*rc::gen::inRange<std::size_t>(0, at->size() + 1)), bad);
    } else {
      *at = json::array({*at, bad});
    }
    const std::int64_t before = db().query<document>().count();
    document d{0, doc, std::nullopt};
    RC_ASSERT_THROWS_AS(db().insert(d), tabula::conversion_error);
    RC_ASSERT(db().query<document>().count() == before);
  });

  rc::prop("documents written in one batch read back equal", [] {
    std::vector<document> docs;
    for (const json& j : *rc::gen::container<std::vector<json>>(any_json(2))) docs.push_back({0, j, std::nullopt});
    db().delete_from<document>().all_rows().execute();
    db().insert_many(docs);
    const auto back = db().query<document>().order_by(col(&document::id)).all();
    RC_ASSERT(back.size() == docs.size());
    for (std::size_t i = 0; i < docs.size(); ++i) RC_ASSERT(back[i].body == docs[i].body);
  });
}
