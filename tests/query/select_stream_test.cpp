// stream(): rows read one at a time on both backends, with other work going on meanwhile.

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "query/select_models.hpp"
#include "support/test_backend.hpp"

using tabula::col;
using namespace sel;

namespace {

constexpr std::int64_t row_count = 100000;

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

/// `numbers` holding n = 1 .. row_count, written by the database itself.
void fill_numbers() {
  db().drop_all<number>();
  db().create_all<number>();
  db().execute(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " +
      std::to_string(row_count) + ") INSERT INTO numbers (n) SELECT x FROM c");
}

}  // namespace

TEST_CASE("a stream of 100k rows reads every row while other statements run") {
  fill_numbers();
  std::int64_t rows = 0;
  std::int64_t sum = 0;
  std::int64_t counted_meanwhile = -1;
  std::int64_t previous = 0;
  bool ordered = true;
  for (const number& x : db().query<number>().order_by(col(&number::n)).stream()) {
    ordered = ordered && x.n == previous + 1;
    previous = x.n;
    sum += x.n;
    if (++rows == row_count / 2) {
      // The stream holds its own pooled connection: this runs on another one.
      counted_meanwhile = db().select(tabula::count()).from<number>().where(col(&number::n) > 10).scalar();
    }
  }
  CHECK(rows == row_count);
  CHECK(ordered);
  CHECK(sum == row_count * (row_count + 1) / 2);
  CHECK(counted_meanwhile == row_count - 10);
}

TEST_CASE("a stream left early leaves its connection ready for the next statement") {
  fill_numbers();
  auto conn = db().connect();
  std::int64_t seen = 0;
  {
    auto rows = conn.select(col(&number::n)).order_by(col(&number::n)).stream();
    for (std::int64_t n : rows) {
      CHECK(n == seen + 1);
      if (++seen == 3) break;
    }
  }
  CHECK(seen == 3);
  // The same connection runs the next statement: the rest of the stream is gone.
  CHECK(conn.select(tabula::max(col(&number::n))).from<number>().scalar() == row_count);
  CHECK(conn.query<number>().where(col(&number::n) <= 5).count() == 5);
}

// SQLite steps through rows as it computes them; PostgreSQL's single-row mode is what is
// checked here.
TEST_CASE("a stream delivers rows before the statement has produced them all", "[postgresql]") {
  fill_numbers();
  // 1 / (n - 50000) fails at n = 50000: a stream sees the rows the table scan produced before
  // it (no ORDER BY, whose sort would compute every row first), a fetch of the whole result
  // none.
  const auto q =
      db().select(col(&number::n), tabula::val(std::int64_t{1}) / (col(&number::n) - 50000));
  std::int64_t seen = 0;
  CHECK_THROWS_AS(
      [&] {
        for (const auto& row : q.stream()) {
          (void)row;
          ++seen;
        }
      }(),
      tabula::error);
  CHECK(seen > 0);
  CHECK(seen < 50000);
  CHECK_THROWS_AS(q.all(), tabula::error);
  // The engine's connections are fine afterwards.
  CHECK(db().query<number>().where(col(&number::n) == 7).one().n == 7);
}
