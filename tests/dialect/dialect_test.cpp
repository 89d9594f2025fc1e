// Dialect lookup, capabilities and the token-level entry points.

#include <catch2/catch.hpp>

#include <tabula/error.hpp>

#include "dialect/ast_builders.hpp"

using namespace tabula::test;  // NOLINT(google-build-using-namespace)
using Catch::Matchers::Contains;

TEST_CASE("dialects are found by name", "[dialect]") {
  CHECK(&tabula::dialect_named("sqlite") == &tabula::sqlite_dialect());
  CHECK(&tabula::dialect_named("postgresql") == &tabula::postgres_dialect());
  CHECK(&tabula::dialect_named("postgres") == &tabula::postgres_dialect());
  CHECK(lite().name() == "sqlite");
  CHECK(pg().name() == "postgresql");
  CHECK_THROWS_WITH(tabula::dialect_named("oracle"), Contains("oracle"));
  CHECK_THROWS_AS(tabula::dialect_named(""), tabula::programming_error);
}

TEST_CASE("capabilities", "[dialect]") {
  const auto& s = lite().capabilities();
  CHECK(s.returning);
  CHECK_FALSE(s.ilike);
  CHECK(s.full_join);
  CHECK(s.nulls_ordering);
  CHECK(s.transactional_ddl);
  CHECK(s.max_params == 32766);
  const auto& p = pg().capabilities();
  CHECK(p.returning);
  CHECK(p.ilike);
  CHECK(p.full_join);
  CHECK(p.nulls_ordering);
  CHECK(p.transactional_ddl);
  CHECK(p.max_params == 7499);  // what libpq (before 16) can describe, not the protocol's 65535
}

TEST_CASE("identifiers, placeholders and literals", "[dialect]") {
  for (const auto* d : {&lite(), &pg()}) {
    CHECK(d->quote_identifier("models") == R"("models")");
    CHECK(d->quote_identifier(R"(a"b""c)") == R"("a""b""""c")");
    CHECK(d->quote_identifier("with space") == R"("with space")");
    CHECK_THROWS_WITH(d->quote_identifier(""),
                      Contains("identifier") && Contains(std::string(d->name())));
    CHECK(d->literal(std::string("O'Brien")) == "'O''Brien'");
    CHECK(d->literal(std::int64_t{-3}) == "-3");
    CHECK(d->literal(2.0) == "2.0");
    CHECK(d->literal(tabula::ast::null_t{}) == "NULL");
  }
  CHECK(lite().placeholder(0) == "?1");
  CHECK(lite().placeholder(32765) == "?32766");
  CHECK(pg().placeholder(0) == "$1");
  CHECK(pg().placeholder(65534) == "$65535");
  CHECK(lite().literal(true) == "1");
  CHECK(pg().literal(true) == "TRUE");
  CHECK(lite().literal(tabula::blob{std::byte{1}}) == "X'01'");
  CHECK(pg().literal(tabula::blob{std::byte{1}}) == R"('\x01'::bytea)");
}

TEST_CASE("SQLite prints late placeholders in sequence bare: ? numbers like ?N", "[dialect]") {
  // An INSERT of 40 rows of one column: slots 1-32 numbered, 33-40 bare (`?` is one more than
  // the largest number so far), then slot 5 again, which must stay numbered.
  tabula::ast::insert ins;
  ins.table = tabula::ast::table_ref{"t", {}};
  ins.columns = {"a"};
  for (std::uint32_t i = 0; i < 40; ++i) ins.rows.push_back({p(i)});
  ins.rows.push_back({p(4)});
  const auto lite_sql = lite().compile(ins);
  CHECK(lite_sql.param_count == 40);
  CHECK_THAT(lite_sql.text, Contains("(?31), (?32), (?), (?), (?)"));
  CHECK_THAT(lite_sql.text, Contains("(?), (?5)"));
  CHECK(lite_sql.text.find("?33") == std::string::npos);
  const auto pg_sql = pg().compile(ins);
  CHECK_THAT(pg_sql.text, Contains("($32), ($33), ($34)"));
  CHECK_THAT(pg_sql.text, Contains("($40), ($5)"));
}

TEST_CASE("compiling the same tree twice gives the same text", "[dialect]") {
  auto s = select_from({{col("m", "id"), ""}}, "models", "m");
  s.where = and_(eq(col("m", "a"), p(0)), gt(col("m", "b"), p(1)));
  for (const auto* d : {&lite(), &pg()}) {
    const auto first = d->compile(s);
    const auto second = d->compile(s);
    CHECK(first.text == second.text);
    CHECK(first.param_count == 2);
    CHECK(second.param_count == 2);
  }
}

// ast::value is a class deriving from its std::variant and must behave as the variant does;
// ast::expr, ast::from_item and ast::statement keep theirs (node(), variant(), get_if<N>()).
static_assert(std::variant_size_v<tabula::ast::value> == 7);
static_assert(std::is_same_v<std::variant_alternative_t<4, tabula::ast::value>, std::string>);
static_assert(std::variant_size_v<tabula::ast::statement::variant_type> == 8);
static_assert(!std::is_constructible_v<tabula::ast::value, int*>);  // no pointer becomes a bool
static_assert(!std::is_constructible_v<tabula::ast::value, const char8_t*>);

TEST_CASE("the AST's variants construct, assign, visit and give their alternatives", "[dialect]") {
  namespace ast = tabula::ast;
  ast::value v;
  CHECK(std::holds_alternative<ast::null_t>(v));
  v = 5;
  CHECK(std::get<std::int64_t>(v) == 5);
  ast::value& same = (v = "text");
  CHECK(&same == &v);
  CHECK(std::get<std::string>(v) == "text");
  v = {};
  CHECK(v.index() == 0);
  v = true;
  CHECK(std::get<bool>(v));
  v = 2.5F;
  CHECK(std::get<double>(v) == 2.5);
  const ast::value::variant_type plain{std::int64_t{7}};
  const ast::value from_plain = plain;
  CHECK(from_plain == ast::value(std::int64_t{7}));
  CHECK(std::visit([](const auto& x) { return sizeof(x) > 0; }, from_plain));
  const ast::value blob(std::in_place_type<tabula::blob>, 3, std::byte{1});
  CHECK(std::get<tabula::blob>(blob).size() == 3);

  ast::statement st = ast::select{};
  CHECK(std::holds_alternative<ast::select>(st.variant()));
  CHECK(st.get_if<ast::select>() == &std::get<ast::select>(st.variant()));
  CHECK(st.get_if<ast::insert>() == nullptr);
  st = ast::drop_table{"t"};
  CHECK(st.get_if<ast::drop_table>()->name == "t");
  CHECK(lite().compile(st).text == R"(DROP TABLE IF EXISTS "t")");
  const ast::statement copied = st;
  CHECK(copied.get_if<ast::drop_table>()->name == "t");
  ast::from_item f = ast::table_ref{"models", "m"};
  CHECK(std::get<ast::table_ref>(f.variant()).alias == "m");
  CHECK(f.get_if<ast::derived_table>() == nullptr);
  f = ast::derived_table{ast::select{}, "d"};
  CHECK(f.get_if<ast::derived_table>()->alias == "d");
  CHECK(f.get_if<ast::table_ref>() == nullptr);

  ast::expr e = ast::param{3};
  CHECK(e.get_if<ast::param>()->index == 3);
  CHECK(e.get_if<ast::column_ref>() == nullptr);
  e = ast::column_ref{"m", "id"};
  ast::expr moved = std::move(e);
  CHECK(std::get<ast::column_ref>(moved.node()).name == "id");
  moved.get_if<ast::column_ref>()->name = "name";
  const ast::expr again = moved;  // NOLINT(performance-unnecessary-copy-initialization)
  CHECK(again.get_if<ast::column_ref>()->name == "name");
  CHECK(ast::expr().get_if<ast::column_ref>() != nullptr);  // an empty column reference
}
