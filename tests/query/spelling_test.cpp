// One rule for spelling a column: wherever a column is expected — select lists, functions,
// aggregates, LIKE/IN/BETWEEN, IS NULL, GROUP BY, ORDER BY, windows, RETURNING, the right side
// of a comparison — `&T::x` and `col(&T::x)` are the same, down to the SQL and the binds.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/dry_sql.hpp"

using tabula::col;
using tabula::test::sql_of;
namespace t = tabula;

namespace {

struct run {
  std::int64_t id = 0;
  std::string name{};
  std::int32_t epochs = 0;
  std::optional<double> score{};
};


}  // namespace

TEST_CASE("a member and col() of it give the same select list, GROUP BY and ORDER BY") {
  CHECK(sql_of(t::select(&run::name, t::count()).from<run>().group_by(&run::name).order_by(
            t::desc(&run::name))) ==
        sql_of(t::select(col(&run::name), t::count())
                   .from<run>()
                   .group_by(col(&run::name))
                   .order_by(t::desc(col(&run::name)))));
  CHECK(sql_of(t::select(&run::name, &run::epochs)) ==
        sql_of(t::select(col(&run::name), col(&run::epochs))));
  CHECK(sql_of(t::select(&run::name, &run::epochs)).sqlite ==
        R"(SELECT "run"."name", "run"."epochs" FROM "run")");
}

TEST_CASE("a member and col() of it give the same functions and aggregates") {
  CHECK(sql_of(t::select(t::max(&run::epochs), t::avg(&run::score), t::count(&run::score))
                   .from<run>()) ==
        sql_of(t::select(t::max(col(&run::epochs)), t::avg(col(&run::score)),
                         t::count(col(&run::score)))
                   .from<run>()));
  CHECK(sql_of(t::select(t::lower(&run::name), t::abs(&run::epochs), t::coalesce(&run::score, 0.0))
                   .from<run>()) ==
        sql_of(t::select(t::lower(col(&run::name)), t::abs(col(&run::epochs)),
                         t::coalesce(col(&run::score), 0.0))
                   .from<run>()));
  CHECK(sql_of(t::select(t::row_number().over(t::partition_by(&run::name),
                                              t::order_by(&run::epochs)))
                   .from<run>()) ==
        sql_of(t::select(t::row_number().over(t::partition_by(col(&run::name)),
                                              t::order_by(col(&run::epochs))))
                   .from<run>()));
}

TEST_CASE("a member and col() of it give the same conditions") {
  const auto by_member = t::select_from<run>().where(
      t::like(&run::name, "bert%") && t::in(&run::epochs, {1, 2, 3}) &&
      t::between(&run::epochs, 1, 9) && t::is_not_null(&run::score) &&
      col(&run::epochs) > &run::id);
  const auto by_col = t::select_from<run>().where(
      t::like(col(&run::name), "bert%") && t::in(col(&run::epochs), {1, 2, 3}) &&
      t::between(col(&run::epochs), 1, 9) && t::is_not_null(col(&run::score)) &&
      col(&run::epochs) > col(&run::id));
  CHECK(sql_of(by_member) == sql_of(by_col));
  CHECK(sql_of(by_member).postgres.find(R"("run"."epochs" > "run"."id")") != std::string::npos);
}
