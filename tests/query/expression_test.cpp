// The typed expression layer: what compiles, what does not, and the SQL it lowers to.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/models.hpp"
#include "support/bind_recorder.hpp"
#include "support/dry_sql.hpp"

using tabula::col;
using namespace fx;

namespace {

using age_col = tabula::column<author, std::optional<std::int32_t>>;
using name_col = tabula::column<author, std::string>;
using id_col = tabula::column<author, std::int64_t>;
using color_col = tabula::column<all_types, color>;
using blob_col = tabula::column<all_types, tabula::blob>;

// Comparisons between kinds that SQL would compare meaningfully compile...
static_assert(tabula::comparable<id_col, int>);
static_assert(tabula::comparable<id_col, double>);
static_assert(tabula::comparable<age_col, std::int64_t>);
static_assert(tabula::comparable<age_col, id_col>);
static_assert(tabula::comparable<name_col, const char*>);
static_assert(tabula::comparable<name_col, std::string>);
static_assert(tabula::comparable<name_col, std::string_view>);
static_assert(tabula::comparable<color_col, color>);
static_assert(tabula::comparable<blob_col, tabula::blob>);
// ...and mismatched kinds do not.
static_assert(!tabula::comparable<id_col, const char*>);
static_assert(!tabula::comparable<id_col, std::string>);
static_assert(!tabula::comparable<name_col, int>);
static_assert(!tabula::comparable<name_col, id_col>);
static_assert(!tabula::comparable<color_col, int>);
static_assert(!tabula::comparable<blob_col, std::string>);
static_assert(!tabula::comparable<int, int>);  // no expression at all

// && and || take conditions only.
using cond = decltype(col(&author::id) == 1);
static_assert(tabula::combinable<cond, cond>);
static_assert(!tabula::combinable<cond, id_col>);
static_assert(!tabula::combinable<name_col, cond>);

// Result types: a comparison with a nullable side may be NULL.
static_assert(std::is_same_v<tabula::expression_value_t<cond>, bool>);
static_assert(std::is_same_v<tabula::expression_value_t<decltype(col(&author::age) > 1)>,
                             std::optional<bool>>);

// where() refuses a condition on a model the query does not read.
template <class Q, class C>
concept can_filter = requires(Q q, C c) { q.where(c); };
static_assert(can_filter<tabula::select_statement<void, author>, cond>);

using tabula::test::sql_text;

}  // namespace

TEST_CASE("a where clause lowers to parameters in order, on both dialects") {
  auto q = tabula::select_from<author>()
               .where(col(&author::name) == "x" && (col(&author::age) > 3 || col(&author::age) == std::nullopt))
               .order_by(tabula::desc(&author::age))
               .limit(5)
               .offset(6);
  const auto lite = sql_text(tabula::sqlite_dialect(), q);
  const auto pg = sql_text(tabula::postgres_dialect(), q);
  INFO(lite);
  INFO(pg);
  // Values are parameters numbered in the order they appear; none is in the text.
  CHECK(lite.find("?1") < lite.find("?2"));
  CHECK(lite.find("?2") < lite.find("?3"));
  CHECK(pg.find("$1") < pg.find("$2"));
  CHECK(pg.find("$3") != std::string::npos);
  CHECK(lite.find("'x'") == std::string::npos);
  CHECK(lite.find("IS NULL") != std::string::npos);
  CHECK(lite.find("ORDER BY \"authors\".\"age\" DESC") != std::string::npos);
  // The LIMIT count is SQL text (the planner sees it); the offset is a parameter.
  CHECK(lite.find("LIMIT 5 OFFSET ?3") != std::string::npos);
  CHECK(pg.find("LIMIT 5 OFFSET $3") != std::string::npos);
  CHECK(tabula::sqlite_dialect().compile(q.lower()).param_count == 3);
}

TEST_CASE("the binder receives values in the order the lowering numbered them") {
  auto q = tabula::select_from<author>()
               .where(col(&author::name) == "a" || col(&author::age) > 7)
               .where(col(&author::email) != std::string("e"))
               .limit(3)
               .offset(4);
  CHECK(tabula::test::bound_values(q) == std::vector<std::string>{"a", "7", "e", "4"});  // LIMIT 3 is SQL text
}
