// tabula::decimal<P, S> on a real database: NUMERIC(P, S) on PostgreSQL, integer units on
// SQLite; exact round trips at the precision limit, exact SQL arithmetic, and refusals of
// values beyond the declared precision with nothing written.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

using tabula::col;

namespace {

using price = tabula::decimal<10, 2>;
using rate = tabula::decimal<18, 6>;
using whole = tabula::decimal<18, 0>;

struct line {
  std::int64_t id = 0;
  price amount;
  price fee;
  rate ratio;
  whole big;
  std::int32_t qty = 1;
  std::optional<price> discount;
  bool operator==(const line&) const = default;
};

/// The same column declared narrower, to read a value beyond its precision.
struct narrow_line {
  std::int64_t id = 0;
  tabula::decimal<4, 2> amount;
};
}  // namespace

template <>
struct tabula::schema<narrow_line> {
  static constexpr auto table = "line";
};

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

bool on_sqlite() { return tabula::test::backend() == "sqlite"; }

void fresh_schema() {
  db().drop_all<line>();
  db().create_all<line>();
}

template <class D>
D random_decimal(std::mt19937_64& rng) {
  std::uniform_int_distribution<std::int64_t> units(-D::limit + 1, D::limit - 1);
  return D::from_units(units(rng));
}

}  // namespace

TEST_CASE("decimal: parse, format and arithmetic refuse what would lose digits") {
  CHECK(price::parse("19.99")->units() == 1999);
  CHECK(price::parse("-0.5")->to_string() == "-0.50");
  CHECK(price::parse("12.340")->units() == 1234);     // a trailing zero loses nothing
  CHECK_FALSE(price::parse("12.345").has_value());    // a third digit would be rounded
  CHECK_FALSE(price::parse("123456789.00").has_value());  // 11 digits
  CHECK_FALSE(price::parse("1e3").has_value());
  CHECK(price(99'999'999).to_string() == "99999999.00");
  CHECK_THROWS_AS(price(100'000'000), tabula::conversion_error);
  CHECK_THROWS_AS(price::from_units(price::limit - 1) + price::from_units(1), tabula::conversion_error);
  CHECK(rate::from_units(-999'999'999'999'999'999).to_string() == "-999999999999.999999");
}

TEST_CASE("decimals round-trip exactly, at the precision limit too, and order as in C++") {
  fresh_schema();
  std::mt19937_64 rng(2026);
  std::vector<line> rows;
  const auto max_price = price::from_units(price::limit - 1);
  const auto max_rate = rate::from_units(rate::limit - 1);
  const auto max_whole = whole::from_units(whole::limit - 1);
  rows.push_back({0, max_price, -max_price, max_rate, max_whole, 1, std::nullopt});
  rows.push_back({0, -max_price, max_price, -max_rate, -max_whole, 2, price()});
  rows.push_back({0, price(), price::from_units(1), rate::from_units(-1), whole(), 3, price::from_units(-1)});
  for (int i = 0; i < 300; ++i) {
    rows.push_back({0, random_decimal<price>(rng), random_decimal<price>(rng), random_decimal<rate>(rng),
                    random_decimal<whole>(rng), i,
                    i % 2 == 0 ? std::optional(random_decimal<price>(rng)) : std::nullopt});
  }
  for (std::size_t i = 0; i < 10; ++i) db().insert(rows[i]);
  db().insert_many(std::vector<line>(rows.begin() + 10, rows.begin() + 150));
  db().insert_many(std::vector<line>(rows.begin() + 150, rows.end()), tabula::skip_keys);
  auto back = db().query<line>().order_by(col(&line::ratio), col(&line::amount)).all();
  REQUIRE(back.size() == rows.size());
  std::sort(rows.begin(), rows.end(), [](const line& a, const line& b) {
    return a.ratio != b.ratio ? a.ratio < b.ratio : a.amount < b.amount;
  });
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].id = back[i].id;
    CHECK(back[i] == rows[i]);
  }
  CHECK(db().query<line>().where(col(&line::amount) > price::parse("0.01").value()).count() ==
        std::count_if(rows.begin(), rows.end(), [](const line& l) { return l.amount > price::from_units(1); }));
}

TEST_CASE("SQL arithmetic on decimals is exact on both databases") {
  fresh_schema();
  std::mt19937_64 rng(7);
  std::vector<line> rows;
  for (int i = 0; i < 100; ++i) {
    rows.push_back({0, random_decimal<price>(rng), random_decimal<price>(rng), rate(), whole(),
                    static_cast<std::int32_t>(rng() % 1000), std::nullopt});
  }
  db().insert_many(rows);
  const auto computed = db().select(col(&line::amount) + col(&line::fee), col(&line::amount) - col(&line::fee),
                                    col(&line::amount) * col(&line::qty))
                            .order_by(col(&line::id))
                            .all();
  REQUIRE(computed.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    CHECK(std::get<0>(computed[i]).units() == r.amount.units() + r.fee.units());
    CHECK(std::get<1>(computed[i]).units() == r.amount.units() - r.fee.units());
    CHECK(std::get<2>(computed[i]).units() == r.amount.units() * r.qty);
    CHECK(std::get<0>(computed[i]).to_string() ==
          tabula::decimal<11, 2>::from_units(r.amount.units() + r.fee.units()).to_string());
  }
  std::int64_t total = 0;
  for (const auto& r : rows) total += r.amount.units();
  const auto summed = db().select(tabula::sum(col(&line::amount))).one();
  REQUIRE(summed.has_value());
  CHECK(summed->units() == total);
}

TEST_CASE("a decimal beyond the declared precision is a conversion_error naming the column") {
  fresh_schema();
  line l{0, price(5), price(), rate(), whole(), 1, std::nullopt};
  db().insert(l);
  // Stored by hand beyond what a decimal<4, 2> field holds.
  db().sql("UPDATE line SET amount = ?", price(123)).execute();
  try {
    (void)db().query<narrow_line>().all();
    FAIL("no conversion_error");
  } catch (const tabula::conversion_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("\"amount\"") && Catch::Contains("NUMERIC(4, 2)"));
  }
  if (!on_sqlite()) {
    // More digits after the point than the field keeps.
    CHECK_THROWS_AS(db().sql<whole>("SELECT CAST(1.5 AS NUMERIC(18, 1))").one(), tabula::conversion_error);
  }
  CHECK(db().all<line>().size() == 1);
}

TEST_CASE("decimal storage: NUMERIC(P, S) on PostgreSQL, integer units on SQLite") {
  fresh_schema();
  line l{0, *price::parse("19.99"), price(), rate(), whole(), 1, std::nullopt};
  db().insert(l);
  if (on_sqlite()) {
    CHECK(db().sql<std::string>("SELECT typeof(amount) || ' ' || amount FROM line").one() == "integer 1999");
  } else {
    CHECK(db().sql<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                "WHERE attrelid = 'line'::regclass AND attname = 'amount'")
              .one() == "numeric(10,2)");
    CHECK(db().sql<std::string>("SELECT amount::text FROM line").one() == "19.99");
  }
}
