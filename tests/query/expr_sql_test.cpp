// The expression language without a database: what compiles (pinned by concepts), the SQL each
// construct lowers to on SQLite and PostgreSQL, and the order its values bind in.

#include <catch2/catch.hpp>

#include <array>
#include <list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "query/expr_test_support.hpp"

using ex::item;
using ex::lite;
using ex::pg;
using ex::bound_values;
using tabula::col;
namespace t = tabula;

namespace {

using id_c = t::column<item, std::int64_t>;
using name_c = t::column<item, std::string>;
using note_c = t::column<item, std::optional<std::string>>;
using qty_c = t::column<item, std::int32_t>;
using opt_qty_c = t::column<item, std::optional<std::int32_t>>;
using price_c = t::column<item, double>;
using small_c = t::column<item, std::int16_t>;
using cond = decltype(col(&item::qty) > 1);

template <class E>
using value_t = t::expression_value_t<E>;

// ---- arithmetic: numbers only; % integers only; + also joins two texts.
static_assert(t::arithmetic<qty_c, int>);
static_assert(t::arithmetic<qty_c, price_c>);
static_assert(t::arithmetic<double, opt_qty_c>);
static_assert(!t::arithmetic<name_c, int>);
static_assert(!t::arithmetic<qty_c, const char*>);
static_assert(!t::arithmetic<cond, int>);   // a bool is not a number
static_assert(!t::arithmetic<int, int>);    // no expression at all
static_assert(t::integer_arithmetic<qty_c, int>);
static_assert(!t::integer_arithmetic<qty_c, double>);
static_assert(!t::integer_arithmetic<price_c, int>);
static_assert(t::concatenable<name_c, const char*>);
static_assert(t::concatenable<std::string, note_c>);
static_assert(!t::concatenable<name_c, int>);
static_assert(!t::concatenable<qty_c, qty_c>);
static_assert(t::numeric_expression<opt_qty_c>);
static_assert(!t::numeric_expression<name_c>);

// Result types: the common SQL type, optional when either side is.
static_assert(std::is_same_v<value_t<decltype(col(&item::qty) + 1)>, std::int32_t>);
static_assert(std::is_same_v<value_t<decltype(col(&item::qty) + col(&item::id))>, std::int64_t>);
static_assert(std::is_same_v<value_t<decltype(col(&item::small) + col(&item::small))>,
                             std::int16_t>);
static_assert(std::is_same_v<value_t<decltype(col(&item::qty) * 2.5)>, double>);
static_assert(std::is_same_v<value_t<decltype(col(&item::opt_qty) - col(&item::qty))>,
                             std::optional<std::int32_t>>);
static_assert(std::is_same_v<value_t<decltype(-col(&item::discount))>, std::optional<double>>);
static_assert(std::is_same_v<value_t<decltype(col(&item::name) + "!")>, std::string>);
static_assert(std::is_same_v<value_t<decltype(col(&item::note) + "!")>,
                             std::optional<std::string>>);

// ---- LIKE, BETWEEN, IN
static_assert(t::matchable<name_c, const char*>);
static_assert(t::matchable<note_c, std::string>);
static_assert(!t::matchable<qty_c, const char*>);
static_assert(!t::matchable<name_c, int>);
static_assert(t::in_comparable<qty_c, long>);
static_assert(!t::in_comparable<qty_c, std::string>);
static_assert(!t::in_comparable<name_c, int>);
static_assert(std::is_same_v<value_t<decltype(t::like(col(&item::name), "a%"))>, bool>);
static_assert(std::is_same_v<value_t<decltype(t::like(col(&item::note), "a%"))>,
                              std::optional<bool>>);

// ---- CASE / COALESCE: branches of one kind.
static_assert(t::same_kind<qty_c, double, opt_qty_c>);
static_assert(t::same_kind<name_c, const char*, note_c>);
static_assert(!t::same_kind<name_c, int>);
static_assert(!t::same_kind<cond, qty_c>);
static_assert(std::is_same_v<value_t<decltype(t::coalesce(col(&item::opt_qty), 0))>, std::int32_t>);
static_assert(std::is_same_v<value_t<decltype(t::coalesce(col(&item::opt_qty), col(&item::discount)))>,
                             std::optional<double>>);
static_assert(std::is_same_v<value_t<decltype(t::coalesce(col(&item::note), "-"))>, std::string>);
static_assert(std::is_same_v<value_t<decltype(t::nullif(col(&item::qty), 0))>,
                             std::optional<std::int32_t>>);
static_assert(std::is_same_v<value_t<decltype(t::cast<std::string>(col(&item::qty)))>, std::string>);
static_assert(std::is_same_v<value_t<decltype(t::cast<double>(col(&item::opt_qty)))>,
                             std::optional<double>>);
static_assert(std::is_same_v<value_t<decltype(t::case_when(col(&item::qty) > 1, 1).otherwise(2.5))>,
                             double>);
static_assert(std::is_same_v<value_t<decltype(t::case_when(col(&item::qty) > 1, 1))>,
                             std::optional<std::int32_t>>);
static_assert(std::is_same_v<value_t<decltype(t::case_when(col(&item::qty) > 1, col(&item::note))
                                                  .otherwise("x"))>,
                             std::optional<std::string>>);

// ---- functions and aggregates
static_assert(std::is_same_v<value_t<decltype(t::length(col(&item::name)))>, std::int64_t>);
static_assert(std::is_same_v<value_t<decltype(t::upper(col(&item::note)))>,
                             std::optional<std::string>>);
static_assert(std::is_same_v<value_t<decltype(t::abs(col(&item::small)))>, std::int16_t>);
static_assert(std::is_same_v<value_t<decltype(t::round(col(&item::qty)))>, double>);
static_assert(std::is_same_v<value_t<decltype(t::count())>, std::int64_t>);
static_assert(std::is_same_v<value_t<decltype(t::count(col(&item::note)))>, std::int64_t>);
static_assert(std::is_same_v<value_t<decltype(t::sum(col(&item::qty)))>,
                             std::optional<std::int64_t>>);
static_assert(std::is_same_v<value_t<decltype(t::sum(col(&item::price)))>, std::optional<double>>);
static_assert(std::is_same_v<value_t<decltype(t::avg(col(&item::qty)))>, std::optional<double>>);
static_assert(std::is_same_v<value_t<decltype(t::min(col(&item::name)))>,
                             std::optional<std::string>>);
static_assert(std::is_same_v<value_t<decltype(t::max(col(&item::opt_qty)))>,
                             std::optional<std::int32_t>>);
static_assert(std::is_same_v<value_t<decltype(t::row_number().over())>, std::int64_t>);
static_assert(std::is_same_v<value_t<decltype(t::lag(col(&item::qty)).over())>,
                             std::optional<std::int32_t>>);
static_assert(std::is_same_v<value_t<decltype(t::lead(col(&item::qty), 1, 0).over())>, std::int32_t>);
static_assert(std::is_same_v<value_t<decltype(t::raw<double>("1"))>, double>);

// A window function is not an expression until it has its window.
static_assert(!t::expression<decltype(t::row_number())>);
static_assert(t::expression<decltype(t::row_number().over())>);

// ---- the traits a select list uses to refuse a column beside aggregates without GROUP BY
template <class E>
constexpr bool agg = E::contains_aggregate;
template <class E>
constexpr bool bare = E::contains_bare_column;
static_assert(bare<id_c> && !agg<id_c>);
static_assert(!bare<decltype(t::val(1))> && !agg<decltype(t::val(1))>);
static_assert(bare<decltype(col(&item::qty) + 1)>);
static_assert(agg<decltype(t::count())> && !bare<decltype(t::count())>);
static_assert(agg<decltype(t::sum(col(&item::qty)))> && !bare<decltype(t::sum(col(&item::qty)))>);
static_assert(agg<decltype(t::sum(col(&item::qty)) + 1)>);
static_assert(agg<decltype(t::count() + col(&item::qty))> &&
              bare<decltype(t::count() + col(&item::qty))>);
static_assert(agg<decltype(t::count().as("n"))>);
static_assert(bare<decltype(t::lower(col(&item::name)))>);
static_assert(agg<decltype(t::case_when(t::count() > 1, 1).otherwise(0))>);
// A window over an aggregate is neither an aggregate nor free of bare columns.
static_assert(!agg<decltype(t::sum(col(&item::qty)).over())>);
static_assert(bare<decltype(t::sum(col(&item::qty)).over())>);
static_assert(bare<decltype(t::row_number().over(t::partition_by(&item::category)))>);
static_assert(!bare<decltype(t::row_number().over())> && !agg<decltype(t::row_number().over())>);
static_assert(agg<decltype(t::rank().over(t::order_by(t::desc(t::count()))))>);
static_assert(bare<decltype(t::raw<bool>("? > 0", col(&item::qty)))>);
static_assert(agg<decltype(t::raw<bool>("? > 0", t::count()))>);

// ---- assignment: `col = v` type-checked like a comparison, NULL only into optionals.
static_assert(t::assignable<qty_c, int>);
static_assert(t::assignable<qty_c, std::int64_t>);
static_assert(t::assignable<qty_c, decltype(col(&item::qty) + 1)>);
static_assert(t::assignable<opt_qty_c, std::nullopt_t>);
static_assert(t::assignable<opt_qty_c, opt_qty_c>);
static_assert(t::assignable<price_c, int>);
static_assert(t::assignable<name_c, const char*>);
static_assert(!t::assignable<qty_c, const char*>);
static_assert(!t::assignable<name_c, int>);
static_assert(!t::assignable<qty_c, std::nullopt_t>);
static_assert(!t::assignable<qty_c, opt_qty_c>);
static_assert(!t::assignable<qty_c, double>);
static_assert(!t::assignable<qty_c, decltype(col(&item::qty) * 1.5)>);

// Assigning to a column makes an assignment; copying a named column still copies it.
static_assert(std::is_same_v<decltype(col(&item::qty) = 3),
                             t::assignment<qty_c, t::value<int>>>);
static_assert(std::is_same_v<decltype(col(&item::qty) = col(&item::qty)),
                             t::assignment<qty_c, qty_c>>);
static_assert(std::is_same_v<decltype(std::declval<qty_c&>() = std::declval<const qty_c&>()),
                             qty_c&>);
static_assert(std::is_trivially_copyable_v<qty_c>);
constexpr auto constexpr_column = col(&item::qty);  // col() stays a constant expression
static_assert(constexpr_column.member == &item::qty);

// ---- labels
static_assert(t::labelled_expression<decltype(t::count().as("n"))>);
static_assert(t::labelled_expression<decltype(t::label<"n">(t::count()))>);
static_assert(!t::labelled_expression<decltype(t::count())>);
static_assert(!decltype(t::count().as("n"))::fixed_shape);
static_assert(decltype(t::count().as<"n">())::fixed_shape);

// ---- fixed shapes: SQL compiled once per type and shape unless it depends on run-time text.
// Run-time data that fits a word (an IN list's length, an escape character, a frame offset) is
// part of the statement's shape, reported through bind (see the test below).
static_assert(decltype(t::in(col(&item::qty), std::array{1, 2}))::fixed_shape);
static_assert(decltype(t::in(col(&item::qty), std::vector{1, 2}))::fixed_shape);
static_assert(decltype(t::in(col(&item::qty), {1, 2}))::fixed_shape);
static_assert(decltype(t::like(col(&item::name), "a", t::escape_with<'!'>))::fixed_shape);
static_assert(decltype(t::like(col(&item::name), "a", '!'))::fixed_shape);
static_assert(decltype(t::contains(col(&item::name), "a"))::fixed_shape);
static_assert(tabula::detail::count_placeholders("'?' || ? /* ? */ -- ?") == 1);
static_assert(tabula::detail::count_placeholders("\"?\" ?? ? ''") == 1);
static_assert(decltype(t::raw<std::string, "'?' || ?">(col(&item::name)))::fixed_shape);
static_assert(!decltype(t::raw<int>("1"))::fixed_shape);
static_assert(decltype(t::raw<int, "1">())::fixed_shape);
static_assert(decltype(t::sum(col(&item::qty))
                           .over(t::rows_between(t::preceding<1>(), t::current_row)))::fixed_shape);
static_assert(decltype(t::sum(col(&item::qty))
                           .over(t::rows_between(t::preceding(1), t::current_row)))::fixed_shape);

/// The shape an expression reports: what its SQL depends on beyond its type.
template <class E>
tabula::detail::shape_key shape_of(const E& e) {
  tabula::detail::shape_key key;
  tabula::detail::statement_binder probe{key};
  e.bind(probe);
  return key;
}

}  // namespace

TEST_CASE("arithmetic and concatenation lower to binary operators") {
  CHECK(lite(col(&item::qty) + 1) == R"("expr_items"."qty" + ?1)");
  CHECK(pg(col(&item::qty) + 1) == R"("expr_items"."qty" + $1)");
  CHECK(lite(col(&item::qty) - col(&item::id)) == R"("expr_items"."qty" - "expr_items"."id")");
  // 2 is an integer: a double column's parameter holds it, no cast needed.
  CHECK(lite(col(&item::qty) * col(&item::price) / 2) ==
        R"(("expr_items"."qty" * "expr_items"."price") / ?1)");
  CHECK(pg(col(&item::qty) % 3) == R"("expr_items"."qty" % $1)");
  CHECK(pg(-col(&item::qty)) == R"(-"expr_items"."qty")");
  CHECK(pg(col(&item::name) + "!") == R"("expr_items"."name" || $1)");
  CHECK(pg(t::concat(col(&item::name), " ", col(&item::category))) ==
        R"("expr_items"."name" || $1 || "expr_items"."category")");
  CHECK(bound_values(t::concat("<", col(&item::name), ">")) == std::vector<std::string>{"<", ">"});
}

TEST_CASE("a value PostgreSQL would give a narrower type gets an explicit CAST") {
  // PostgreSQL types a parameter after the operand it meets: an integer column would refuse
  // 2.5, a smallint column 100000.
  CHECK(pg(col(&item::qty) / 2.5) == R"("expr_items"."qty" / CAST($1 AS DOUBLE PRECISION))");
  CHECK(lite(col(&item::qty) / 2.5) == R"("expr_items"."qty" / CAST(?1 AS REAL))");
  CHECK(pg(col(&item::small) + 100000) == R"("expr_items"."small" + CAST($1 AS INTEGER))");
  CHECK(pg(col(&item::small) < std::int64_t{1}) == R"("expr_items"."small" < CAST($1 AS BIGINT))");
  CHECK(pg(col(&item::qty) > 2.5) == R"("expr_items"."qty" > CAST($1 AS DOUBLE PRECISION))");
  // A value that fits stays a bare parameter.
  CHECK(pg(col(&item::id) == 1) == R"("expr_items"."id" = $1)");
  CHECK(pg(col(&item::price) > 1) == R"("expr_items"."price" > $1)");
  // Two values: both typed (nothing else types them).
  CHECK(pg(t::val(1) + t::val(2.5)) == R"(CAST($1 AS INTEGER) + CAST($2 AS DOUBLE PRECISION))");
}

TEST_CASE("LIKE, ILIKE and their negations, with and without ESCAPE") {
  CHECK(lite(t::like(col(&item::name), "A%")) == R"("expr_items"."name" LIKE ?1)");
  CHECK(pg(t::not_like(col(&item::name), "A%")) == R"("expr_items"."name" NOT LIKE $1)");
  CHECK(pg(t::ilike(col(&item::name), "a%")) == R"("expr_items"."name" ILIKE $1)");
  CHECK(lite(t::ilike(col(&item::name), "a%")) == R"(lower("expr_items"."name") LIKE lower(?1))");
  CHECK(pg(t::not_ilike(col(&item::name), "a%")) == R"("expr_items"."name" NOT ILIKE $1)");
  CHECK(lite(t::not_ilike(col(&item::name), "a%")) ==
        R"(lower("expr_items"."name") NOT LIKE lower(?1))");
  CHECK(pg(t::like(col(&item::name), "a!%", '!')) == R"("expr_items"."name" LIKE $1 ESCAPE '!')");
  CHECK(lite(t::like(col(&item::name), "a!%", t::escape_with<'!'>)) ==
        R"("expr_items"."name" LIKE ?1 ESCAPE '!')");
  CHECK(pg(t::ilike(col(&item::name), "a\\%", '\\')) ==
        R"("expr_items"."name" ILIKE $1 ESCAPE '\')");
  CHECK(lite(t::not_like(col(&item::note), "x", '\'')) ==
        R"("expr_items"."note" NOT LIKE ?1 ESCAPE '''')");
  // The pattern is a parameter, never text.
  CHECK(bound_values(t::like(col(&item::name), "O'Brien%")) == std::vector<std::string>{"O'Brien%"});
}

TEST_CASE("like_escape makes user text match literally") {
  CHECK(t::like_escape("50%_off") == "50\\%\\_off");
  CHECK(t::like_escape("a\\b") == "a\\\\b");
  CHECK(t::like_escape("plain") == "plain");
  CHECK(t::like_escape("100%!", '!') == "100!%!!");
  CHECK(t::like_escape("") == "");
  auto c = t::contains(col(&item::name), "50%_off");
  CHECK(pg(c) == R"("expr_items"."name" LIKE $1 ESCAPE '\')");
  CHECK(bound_values(c) == std::vector<std::string>{"%50\\%\\_off%"});
  CHECK(bound_values(t::starts_with(col(&item::name), "a_")) == std::vector<std::string>{"a\\_%"});
  CHECK(bound_values(t::ends_with(col(&item::name), "%")) == std::vector<std::string>{"%\\%"});
}

TEST_CASE("BETWEEN and NOT BETWEEN") {
  CHECK(lite(t::between(col(&item::qty), 1, 10)) == R"("expr_items"."qty" BETWEEN ?1 AND ?2)");
  CHECK(pg(t::not_between(col(&item::qty), 1, 10)) ==
        R"("expr_items"."qty" NOT BETWEEN $1 AND $2)");
  CHECK(pg(t::between(col(&item::name), "a", col(&item::category))) ==
        R"("expr_items"."name" BETWEEN $1 AND "expr_items"."category")");
  CHECK(bound_values(t::between(col(&item::qty), 1, 10)) == std::vector<std::string>{"1", "10"});
}

TEST_CASE("IN lists of any length, from any range") {
  CHECK(lite(t::in(col(&item::qty), {1, 2, 3})) == R"("expr_items"."qty" IN (?1, ?2, ?3))");
  CHECK(pg(t::not_in(col(&item::qty), {1, 2})) == R"("expr_items"."qty" NOT IN ($1, $2))");
  CHECK(pg(t::in(col(&item::qty), std::vector<int>{7})) == R"("expr_items"."qty" IN ($1))");
  // Empty lists: false, and true when negated, without a syntax error.
  CHECK(lite(t::in(col(&item::qty), std::vector<int>{})) == "(1 = 0)");
  CHECK(pg(t::not_in(col(&item::qty), std::vector<int>{})) == "(1 = 1)");
  CHECK(ex::param_count(t::in(col(&item::qty), std::vector<int>{})) == 0);

  std::list<std::string> names{"a", "b'c"};
  auto from_list = t::in(col(&item::name), names);
  names.clear();  // the expression owns copies of the values
  CHECK(bound_values(from_list) == std::vector<std::string>{"a", "b'c"});
  CHECK(bound_values(t::in(col(&item::name), std::array<std::string_view, 2>{"x", "y"})) ==
        std::vector<std::string>{"x", "y"});
  const int raw_array[] = {4, 5, 6};
  CHECK(bound_values(t::in(col(&item::qty), raw_array)) == std::vector<std::string>{"4", "5", "6"});
  const std::set<std::int64_t> ordered{3, 1, 2};
  CHECK(bound_values(t::in(col(&item::id), ordered)) == std::vector<std::string>{"1", "2", "3"});

  std::vector<std::int64_t> many(1000);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = static_cast<std::int64_t>(i);
  auto big = t::in(col(&item::id), many);
  const std::string text = pg(big);
  CHECK(text.find("$1000)") != std::string::npos);
  CHECK(text.find("$1001") == std::string::npos);
  CHECK(ex::param_count(big) == 1000);
  CHECK(bound_values(big).size() == 1000);
  // An item that a smallint column could not hold gets its own type.
  CHECK(pg(t::in(col(&item::small), {std::int64_t{1}})) ==
        R"("expr_items"."small" IN (CAST($1 AS BIGINT)))");
}

TEST_CASE("CASE, COALESCE, NULLIF and CAST") {
  auto c = t::case_when(col(&item::qty) > 10, "many").when(col(&item::qty) > 0, "some").otherwise("none");
  // Every branch is a value, so each states its type; parameters follow the text's order.
  CHECK(pg(c) == R"(CASE WHEN "expr_items"."qty" > $1 THEN CAST($2 AS TEXT) WHEN "expr_items"."qty" > $3 THEN CAST($4 AS TEXT) ELSE CAST($5 AS TEXT) END)");
  CHECK(bound_values(c) == std::vector<std::string>{"10", "many", "0", "some", "none"});
  // A column branch types the values beside it.
  auto d = t::case_when(col(&item::qty) > 1, col(&item::price)).otherwise(0);
  CHECK(lite(d) == R"(CASE WHEN "expr_items"."qty" > ?1 THEN "expr_items"."price" ELSE ?2 END)");
  auto e = t::case_when(col(&item::qty) > 1, col(&item::qty));
  CHECK(pg(e) == R"(CASE WHEN "expr_items"."qty" > $1 THEN "expr_items"."qty" END)");

  CHECK(pg(t::coalesce(col(&item::opt_qty), col(&item::qty), 0)) ==
        R"(coalesce("expr_items"."opt_qty", "expr_items"."qty", $1))");
  CHECK(pg(t::coalesce(col(&item::opt_qty), 2.5)) ==
        R"(coalesce("expr_items"."opt_qty", CAST($1 AS DOUBLE PRECISION)))");
  CHECK(lite(t::nullif(col(&item::qty), 0)) == R"(nullif("expr_items"."qty", ?1))");
  CHECK(pg(t::cast<std::string>(col(&item::qty))) == R"(CAST("expr_items"."qty" AS TEXT))");
  CHECK(pg(t::cast<double>(col(&item::qty))) == R"(CAST("expr_items"."qty" AS DOUBLE PRECISION))");
  CHECK(lite(t::cast<std::int64_t>(col(&item::name))) == R"(CAST("expr_items"."name" AS INTEGER))");
  CHECK(pg(t::cast<std::int16_t>(col(&item::qty))) == R"(CAST("expr_items"."qty" AS SMALLINT))");
}

TEST_CASE("scalar functions use the portable names each dialect spells") {
  CHECK(pg(t::lower(col(&item::name))) == R"(lower("expr_items"."name"))");
  CHECK(pg(t::upper(col(&item::name))) == R"(upper("expr_items"."name"))");
  CHECK(lite(t::length(col(&item::name))) == R"(length("expr_items"."name"))");
  CHECK(pg(t::length(col(&item::name))) == R"(char_length("expr_items"."name"))");
  CHECK(pg(t::abs(col(&item::qty))) == R"(abs("expr_items"."qty"))");
  CHECK(lite(t::round(col(&item::price))) == R"(round("expr_items"."price", ?1))");
  CHECK(pg(t::round(col(&item::price))) == R"(round(CAST("expr_items"."price" AS numeric), $1))");
  CHECK(bound_values(t::round(col(&item::price))) == std::vector<std::string>{"0"});
  CHECK(pg(t::round(col(&item::price), 2)) == R"(round(CAST("expr_items"."price" AS numeric), $1))");
  CHECK(pg(t::trim(col(&item::name))) == R"(trim("expr_items"."name"))");
  CHECK(pg(t::ltrim(col(&item::name))) == R"(ltrim("expr_items"."name"))");
  CHECK(pg(t::rtrim(col(&item::name))) == R"(rtrim("expr_items"."name"))");
  CHECK(pg(t::substr(col(&item::name), 2)) == R"(substr("expr_items"."name", $1))");
  CHECK(lite(t::substr(col(&item::name), 2, 3)) == R"(substr("expr_items"."name", ?1, ?2))");
  CHECK(lite(t::current_timestamp()) == "CURRENT_TIMESTAMP");
  CHECK(pg(t::current_date()) == "CURRENT_DATE");
}

TEST_CASE("aggregates") {
  CHECK(pg(t::count()) == "count(*)");
  CHECK(pg(t::count(col(&item::note))) == R"(count("expr_items"."note"))");
  CHECK(lite(t::count_distinct(col(&item::category))) ==
        R"(count(DISTINCT "expr_items"."category"))");
  CHECK(pg(t::sum(col(&item::qty))) == R"(sum("expr_items"."qty"))");
  CHECK(pg(t::avg(col(&item::price))) == R"(avg("expr_items"."price"))");
  CHECK(pg(t::min(col(&item::name))) == R"(min("expr_items"."name"))");
  CHECK(pg(t::max(col(&item::qty) * 2)) == R"(max("expr_items"."qty" * $1))");
  CHECK(pg(t::count() > 1) == R"(count(*) > $1)");
}

TEST_CASE("window functions and frames") {
  auto rn = t::row_number().over(t::partition_by(col(&item::category)),
                                 t::order_by(t::desc(&item::price), &item::id));
  CHECK(pg(rn) == R"(row_number() OVER (PARTITION BY "expr_items"."category" ORDER BY "expr_items"."price" DESC, "expr_items"."id"))");
  CHECK(lite(rn) == pg(rn));
  // Clauses may come in any order; the SQL is always PARTITION BY, ORDER BY, frame.
  auto running = t::sum(col(&item::qty)).over(
      t::rows_between(t::unbounded_preceding, t::current_row), t::order_by(&item::id));
  CHECK(pg(running) == R"(sum("expr_items"."qty") OVER (ORDER BY "expr_items"."id" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))");
  CHECK(pg(t::avg(col(&item::price)).over(t::order_by(&item::id),
                                          t::rows_between(t::preceding<2>(), t::following(1)))) ==
        R"(avg("expr_items"."price") OVER (ORDER BY "expr_items"."id" ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING))");
  CHECK(pg(t::count().over(t::partition_by(&item::category),
                           t::range_between(t::current_row, t::unbounded_following))) ==
        R"(count(*) OVER (PARTITION BY "expr_items"."category" RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING))");
  CHECK(pg(t::rank().over(t::order_by(&item::qty),
                          t::groups_between(t::preceding(1), t::following<1>()))) ==
        R"(rank() OVER (ORDER BY "expr_items"."qty" GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING))");
  CHECK(pg(t::dense_rank().over()) == "dense_rank() OVER ()");
  CHECK(pg(t::percent_rank().over(t::order_by(&item::qty))) ==
        R"(percent_rank() OVER (ORDER BY "expr_items"."qty"))");
  CHECK(pg(t::cume_dist().over(t::order_by(&item::qty))) ==
        R"(cume_dist() OVER (ORDER BY "expr_items"."qty"))");
  CHECK(pg(t::ntile(3).over(t::order_by(&item::qty))) ==
        R"(ntile($1) OVER (ORDER BY "expr_items"."qty"))");
  CHECK(pg(t::lag(col(&item::qty)).over(t::order_by(&item::id))) ==
        R"(lag("expr_items"."qty") OVER (ORDER BY "expr_items"."id"))");
  auto lead = t::lead(col(&item::qty), 2, -1).over(t::order_by(t::desc(&item::id).nulls_last()));
  CHECK(pg(lead) == R"(lead("expr_items"."qty", $1, $2) OVER (ORDER BY "expr_items"."id" DESC NULLS LAST))");
  CHECK(bound_values(lead) == std::vector<std::string>{"2", "-1"});
  CHECK(pg(t::first_value(col(&item::name)).over(t::partition_by(&item::category))) ==
        R"(first_value("expr_items"."name") OVER (PARTITION BY "expr_items"."category"))");
  CHECK(pg(t::last_value(col(&item::name)).over()) == R"(last_value("expr_items"."name") OVER ())");

  // A window made once and used by several functions.
  auto w = t::window(t::partition_by(&item::category), t::order_by(&item::qty));
  CHECK(pg(t::rank().over(w)) ==
        R"(rank() OVER (PARTITION BY "expr_items"."category" ORDER BY "expr_items"."qty"))");
  CHECK(pg(t::max(col(&item::qty)).over(w)) ==
        R"(max("expr_items"."qty") OVER (PARTITION BY "expr_items"."category" ORDER BY "expr_items"."qty"))");
  // Values inside a window bind in the order of the text: arguments, PARTITION BY, ORDER BY.
  auto mixed = t::lag(col(&item::qty), 1).over(t::partition_by(col(&item::qty) % 2),
                                               t::order_by(col(&item::qty) * 3));
  CHECK(pg(mixed) == R"(lag("expr_items"."qty", $1) OVER (PARTITION BY "expr_items"."qty" % $2 ORDER BY "expr_items"."qty" * $3))");
  CHECK(bound_values(mixed) == std::vector<std::string>{"1", "2", "3"});
}

TEST_CASE("raw fragments: typed, with arguments as parameters or bracketed expressions") {
  auto r = t::raw<bool>("? % ? = 0", col(&item::qty), 3);
  CHECK(pg(r) == R"("expr_items"."qty" % $1 = 0)");
  CHECK(bound_values(r) == std::vector<std::string>{"3"});
  CHECK(lite(t::raw<double>("power(?, 2)", col(&item::qty) + 1)) ==
        R"(power(("expr_items"."qty" + ?1), 2))");
  CHECK(pg(t::raw<std::int64_t, "instr(?, ?)">(col(&item::name), "x")) ==
        R"(instr("expr_items"."name", $1))");
  CHECK(pg(t::raw<std::string>("'?' || ?", "'); DROP TABLE x; --")) == R"('?' || $1)");
  // A `?` in a string, a quoted identifier or a comment is text; `??` elsewhere is one `?`
  // (PostgreSQL's jsonb key operator, here).
  CHECK(pg(t::raw<int>("\"a?\" + ? /* ? */", col(&item::qty))) ==
        R"("a?" + "expr_items"."qty" /* ? */)");
  CHECK(lite(t::raw<std::string>("'it''s ?' || ?", 1)) == R"('it''s ?' || ?1)");
  CHECK(pg(t::raw<bool>("? ?? 'key'", col(&item::name))) == R"("expr_items"."name" ? 'key')");
  // Inside quotes `??` is text as well, and stays two characters (docs/query-expressions.md).
  CHECK(lite(t::raw<std::string>("? || '?\?'", col(&item::name))) == R"("expr_items"."name" || '??')");
  CHECK(pg(t::raw<std::string>("? || '?\?'", col(&item::name))) == R"("expr_items"."name" || '??')");
  CHECK(pg(t::raw<std::string>("? || '?'", col(&item::name))) == R"("expr_items"."name" || '?')");
  CHECK(pg(t::raw<std::string, "? || '?\?' || ?">(col(&item::name), "x")) == R"("expr_items"."name" || '??' || $1)");
  CHECK(pg(t::raw<std::string>("E'\\' ?' || ?", 1)) == R"(E'\' ?' || $1)");
  CHECK(pg(t::raw<std::string>("$q$ ? $q$ || ?", 1)) == R"($q$ ? $q$ || $1)");
  CHECK(bound_values(t::raw<std::string>("?", "'); DROP TABLE x; --")) ==
        std::vector<std::string>{"'); DROP TABLE x; --"});
  // A fragment whose `?` do not match its arguments is refused when compiled.
  CHECK_THROWS_AS(pg(t::raw<int>("? + ?", 1)), tabula::programming_error);
  // A raw fragment inside an operator is bracketed as a whole.
  CHECK(pg(t::raw<int>("1 + 1") * col(&item::qty)) == R"((1 + 1) * "expr_items"."qty")");
}

TEST_CASE("labels") {
  auto a = (col(&item::qty) + 1).as("next");
  CHECK(a.label() == "next");
  CHECK(pg(a) == R"("expr_items"."qty" + $1)");
  CHECK(t::label("n", t::count()).label() == "n");
  CHECK(t::count().as<"total">().label() == "total");
  CHECK(t::label<"total">(t::count()).label() == "total");
  // A labelled expression is still the expression.
  CHECK(pg(t::count().as("n") > 1) == "count(*) > $1");
}

TEST_CASE("assignments for UPDATE ... SET") {
  tabula::detail::lower_context ctx;
  auto a = col(&item::qty) = col(&item::qty) + 1;
  tabula::ast::assignment lowered = a.lower(ctx);
  CHECK(lowered.column == "qty");
  CHECK(a.column_name() == "qty");
  CHECK(ctx.next_param == 1);
  CHECK(bound_values(a) == std::vector<std::string>{"1"});

  tabula::ast::update u;
  u.table = tabula::ast::table_ref{"expr_items", ""};
  tabula::detail::lower_context uctx;
  u.set.push_back((col(&item::name) = "x").lower(uctx));
  u.set.push_back((col(&item::opt_qty) = std::nullopt).lower(uctx));
  u.set.push_back((col(&item::qty) = col(&item::qty) * 2).lower(uctx));
  u.set.push_back((col(&item::small) = 100000).lower(uctx));
  CHECK(tabula::postgres_dialect().compile(u).text ==
        R"(UPDATE "expr_items" SET "name" = $1, "opt_qty" = $2, "qty" = "expr_items"."qty" * $3, "small" = CAST($4 AS INTEGER))");
  CHECK(bound_values(col(&item::opt_qty) = std::nullopt) == std::vector<std::string>{"NULL"});

  // A named column object is still copied by assignment.
  auto c = col(&item::qty);
  const auto other = col(&item::opt_qty);
  auto d = col(&item::id);
  d = col(&item::id);
  CHECK(d.member == &item::id);
  CHECK(c.name() == "qty");
  CHECK((other = 5).column_name() == "opt_qty");
}

TEST_CASE("conditions built from these constructs work in a where clause") {
  auto q = t::select_from<item>()
               .where(t::like(col(&item::name), "a%") && t::between(col(&item::qty), 1, 9) &&
                      t::in(col(&item::category), {"x", "y"}) &&
                      t::coalesce(col(&item::opt_qty), 0) + col(&item::qty) > 3);
  const std::string text = tabula::postgres_dialect().compile(q.lower()).text;
  CHECK(text.find(R"(WHERE ("expr_items"."name" LIKE $1) AND ("expr_items"."qty" BETWEEN $2 AND $3) AND ("expr_items"."category" IN ($4, $5)) AND ((coalesce("expr_items"."opt_qty", $6) + "expr_items"."qty") > $7))") !=
        std::string::npos);
  CHECK(ex::bound_values(q) == std::vector<std::string>{"a%", "1", "9", "x", "y", "0", "3"});
}

TEST_CASE("the shape key tells apart what the SQL text depends on, and ignores values") {
  // Columns of one type: different members, different SQL.
  CHECK(shape_of(col(&item::name) == "x") != shape_of(col(&item::category) == "x"));
  CHECK(shape_of(col(&item::name) == "x") == shape_of(col(&item::name) == "y"));
  // SET of two columns of one type.
  CHECK(shape_of(col(&item::name) = "x") != shape_of(col(&item::category) = "x"));
  CHECK(shape_of(col(&item::name) = "x") == shape_of(col(&item::name) = "y"));
  // IN lists: one SQL per length.
  CHECK(shape_of(t::in(col(&item::id), {1, 2})) != shape_of(t::in(col(&item::id), {1, 2, 3})));
  CHECK(shape_of(t::in(col(&item::id), {1, 2})) == shape_of(t::in(col(&item::id), {7, 8})));
  CHECK(shape_of(t::in(col(&item::id), std::vector<int>{})) !=
        shape_of(t::in(col(&item::id), std::vector<int>{1})));
  // Escape characters and frame offsets.
  CHECK(shape_of(t::like(col(&item::name), "a", '!')) != shape_of(t::like(col(&item::name), "a", '#')));
  CHECK(shape_of(t::like(col(&item::name), "a", '!')) == shape_of(t::like(col(&item::name), "b", '!')));
  const auto moving = [](std::int64_t n) {
    return t::sum(col(&item::qty)).over(t::order_by(&item::id),
                                        t::rows_between(t::preceding(n), t::current_row));
  };
  CHECK(shape_of(moving(1)) != shape_of(moving(2)));
  CHECK(shape_of(moving(3)) == shape_of(moving(3)));
  // Within a window, the partition column counts too.
  CHECK(shape_of(t::rank().over(t::partition_by(&item::name))) !=
        shape_of(t::rank().over(t::partition_by(&item::category))));
}

TEST_CASE("a const named column assigned from a column of its type makes an assignment") {
  const auto name = col(&item::name);
  auto a = (name = col(&item::category));
  static_assert(std::is_same_v<decltype(a), t::assignment<name_c, name_c>>);
  tabula::detail::lower_context ctx;
  const tabula::ast::assignment lowered = a.lower(ctx);
  CHECK(lowered.column == "name");
  const auto* value = std::get_if<tabula::ast::column_ref>(&lowered.value.node());
  REQUIRE(value != nullptr);
  CHECK(value->name == "category");
}
