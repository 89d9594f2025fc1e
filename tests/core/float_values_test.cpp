// NaN in floating fields: PostgreSQL stores it exactly; SQLite has none (it would store NULL),
// so every write of one there is a conversion_error. A session compares NaN as the database
// does: an unchanged NaN field is not a change.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

namespace {

struct reading {
  std::int64_t id = 0;
  double value = 0;
  std::optional<double> spare{};
  float single = 0;
};

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

bool on_sqlite() { return tabula::test::backend() == "sqlite"; }

void fresh_schema() {
  db().drop_all<reading>();
  db().create_all<reading>();
}

/// Runs `write` and checks it is refused as SQLite refuses NaN.
template <class F>
void check_nan_refused(F&& write) {
  try {
    write();
    FAIL("a NaN was written to SQLite");
  } catch (const tabula::conversion_error& e) {
    CHECK(std::string_view(e.what()).find("tabula: ") == 0);
    CHECK(std::string_view(e.what()).find("NaN cannot be stored in SQLite") != std::string::npos);
  }
}

/// Counts the statements the engine prepares that start with `prefix`, while alive.
struct statement_count {
  std::string prefix;
  std::size_t count = 0;
  explicit statement_count(std::string p) : prefix(std::move(p)) {
    db().set_echo([this](std::string_view sql) {
      if (sql.rfind(prefix, 0) == 0) ++count;
    });
  }
  statement_count(const statement_count&) = delete;
  statement_count& operator=(const statement_count&) = delete;
  ~statement_count() { db().set_echo({}); }
};

}  // namespace

TEST_CASE("NaN: stored exactly by insert and update on PostgreSQL, refused on SQLite") {
  fresh_schema();
  reading plain{0, not_a_number, 1.0, 1.0F};
  reading optional{0, 1.0, not_a_number, 1.0F};
  reading single{0, 1.0, 1.0, std::numeric_limits<float>::quiet_NaN()};
  if (on_sqlite()) {
    check_nan_refused([&] { db().insert(plain); });
    check_nan_refused([&] { db().insert(optional); });
    check_nan_refused([&] { db().insert(single); });
    CHECK(db().query<reading>().count() == 0);
    CHECK(plain.id == 0);

    reading finite{0, 2.0, 2.0, 2.0F};
    db().insert(finite);
    reading changed = finite;
    changed.value = not_a_number;
    check_nan_refused([&] { db().update_row(changed); });
    CHECK(db().get<reading>(finite.id)->value == 2.0);
  } else {
    db().insert(plain);
    db().insert(optional);
    db().insert(single);
    CHECK(std::isnan(db().get<reading>(plain.id)->value));
    const auto spare = db().get<reading>(optional.id)->spare;
    REQUIRE(spare.has_value());  // not NULL
    CHECK(std::isnan(*spare));
    CHECK(std::isnan(db().get<reading>(single.id)->single));

    reading changed = *db().get<reading>(single.id);
    changed.value = not_a_number;
    CHECK(db().update_row(changed));
    CHECK(std::isnan(db().get<reading>(single.id)->value));
    CHECK(db().query<reading>().count() == 3);
  }
}

TEST_CASE("NaN: stored exactly by insert_many on PostgreSQL, refused on SQLite with no row") {
  fresh_schema();
  std::vector<reading> keyed{{0, 1.0, {}, 0.0F}, {0, not_a_number, not_a_number, 0.0F}, {0, 3.0, {}, 0.0F}};
  // Keys not read back (PostgreSQL's COPY path).
  const std::vector<reading> loaded{{0, not_a_number, not_a_number, 0.0F}, {0, 5.0, {}, 0.0F}};
  if (on_sqlite()) {
    check_nan_refused([&] { db().insert_many(keyed); });
    check_nan_refused([&] { db().insert_many(loaded, tabula::skip_keys); });
    CHECK(db().query<reading>().count() == 0);
    CHECK(std::all_of(keyed.begin(), keyed.end(), [](const reading& r) { return r.id == 0; }));
  } else {
    db().insert_many(keyed);
    db().insert_many(loaded, tabula::skip_keys);
    const auto rows = db().query<reading>().all();
    REQUIRE(rows.size() == 5);
    const auto nans = std::count_if(rows.begin(), rows.end(), [](const reading& r) {
      return std::isnan(r.value) && r.spare.has_value() && std::isnan(*r.spare);
    });
    CHECK(nans == 2);
    CHECK(std::isnan(db().get<reading>(keyed[1].id)->value));
  }
}

TEST_CASE("same_value compares floating values as the database does: NaN is NaN") {
  using tabula::detail::same_value;
  CHECK(same_value(not_a_number, not_a_number));
  CHECK_FALSE(same_value(not_a_number, 1.0));
  CHECK_FALSE(same_value(1.0, not_a_number));
  constexpr float not_a_float = std::numeric_limits<float>::quiet_NaN();
  CHECK(same_value(not_a_float, not_a_float));
  CHECK(same_value(std::optional<double>(not_a_number), std::optional<double>(not_a_number)));
  CHECK_FALSE(same_value(std::optional<double>(not_a_number), std::optional<double>()));
  CHECK(same_value(0.5, 0.5));
}

TEST_CASE("a session: a NaN field is not a change at every commit (PostgreSQL), refused (SQLite)") {
  fresh_schema();
  auto s = db().session();
  reading& r = s.add(reading{0, not_a_number, not_a_number, 1.0F});
  if (on_sqlite()) {
    check_nan_refused([&] { s.commit(); });
    CHECK(r.id == 0);
    r.value = 4.0;
    r.spare.reset();
    s.commit();  // the session stays usable
    CHECK(r.id != 0);
    CHECK(db().get<reading>(r.id)->value == 4.0);
    return;
  }
  s.commit();
  REQUIRE(r.id != 0);
  {
    statement_count updates("UPDATE");
    s.commit();
    s.commit();
    CHECK(updates.count == 0);
  }
  {
    statement_count updates("UPDATE");
    r.single = 2.0F;
    s.commit();
    CHECK(updates.count == 1);
  }
  const auto row = db().get<reading>(r.id);
  CHECK(std::isnan(row->value));
  CHECK(row->single == 2.0F);
}
