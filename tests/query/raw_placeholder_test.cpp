// The portable `?` placeholders of hand-written SQL, translated per dialect.

#include <catch2/catch.hpp>

#include <string>

#include <tabula/tabula.hpp>

using Catch::Matchers::Contains;

namespace {

const tabula::dialect& lite() { return tabula::sqlite_dialect(); }
const tabula::dialect& pg() { return tabula::postgres_dialect(); }

std::string on(const tabula::dialect& d, std::string_view sql) {
  return tabula::translate_sql(d, sql).text;
}

}  // namespace

TEST_CASE("each ? becomes the dialect's next numbered placeholder", "[raw]") {
  const std::string_view sql = "SELECT id FROM models WHERE framework = ? AND accuracy > ?";
  CHECK(on(lite(), sql) == "SELECT id FROM models WHERE framework = ?1 AND accuracy > ?2");
  CHECK(on(pg(), sql) == "SELECT id FROM models WHERE framework = $1 AND accuracy > $2");
  CHECK(tabula::translate_sql(lite(), sql).param_count == 2);
  CHECK(tabula::translate_sql(pg(), sql).param_count == 2);
  CHECK(on(pg(), "SELECT ?,?,(?)") == "SELECT $1,$2,($3)");
  CHECK(tabula::translate_sql(pg(), "SELECT 1").param_count == 0);
  CHECK(on(pg(), "") == "");
}

TEST_CASE("?? is a literal ?", "[raw]") {
  CHECK(on(pg(), "SELECT doc ?? 'key' FROM t WHERE id = ?") ==
        "SELECT doc ? 'key' FROM t WHERE id = $1");
  CHECK(on(pg(), "SELECT doc ??| array['a'] FROM t") == "SELECT doc ?| array['a'] FROM t");
  CHECK(on(lite(), "SELECT ??, ?") == "SELECT ?, ?1");
  CHECK(tabula::translate_sql(lite(), "SELECT ??").param_count == 0);
}

TEST_CASE("a ? inside a string, a quoted identifier or a comment stays as written", "[raw]") {
  for (const auto* d : {&lite(), &pg()}) {
    const char p = d == &lite() ? '?' : '$';
    const std::string one = std::string(1, p) + "1";
    const std::string two = std::string(1, p) + "2";
    CHECK(on(*d, "SELECT 'what?' , ?") == "SELECT 'what?' , " + one);
    CHECK(on(*d, "SELECT 'it''s ? here', ?") == "SELECT 'it''s ? here', " + one);
    CHECK(on(*d, R"(SELECT "odd?name", ? FROM "t""?")") ==
          R"(SELECT "odd?name", )" + one + R"( FROM "t""?")");
    CHECK(on(*d, "SELECT ? -- why? because\n, ?") == "SELECT " + one + " -- why? because\n, " + two);
    CHECK(on(*d, "SELECT ? -- trailing ?") == "SELECT " + one + " -- trailing ?");
    CHECK(on(*d, "SELECT /* ? */ ? /* ?? */") == "SELECT /* ? */ " + one + " /* ?? */");
    CHECK(on(*d, "SELECT '?''?'") == "SELECT '?''?'");
    CHECK(tabula::translate_sql(*d, "SELECT '?', \"?\" /* ? */ -- ?").param_count == 0);
    // An unterminated string is copied as is: the database reports it.
    CHECK(on(*d, "SELECT ?, 'open ?") == "SELECT " + one + ", 'open ?");
  }
}

TEST_CASE("PostgreSQL: escape strings, dollar quoting and nested comments", "[raw]") {
  CHECK(on(pg(), R"(SELECT E'it\'s ?', ?)") == R"(SELECT E'it\'s ?', $1)");
  CHECK(on(pg(), R"(SELECT e'a\\', ?)") == R"(SELECT e'a\\', $1)");
  // In a standard string a backslash is an ordinary character.
  CHECK(on(pg(), R"(SELECT 'a\', ?)") == R"(SELECT 'a\', $1)");
  CHECK(on(pg(), "SELECT $$what? 'no' ?$$, ?") == "SELECT $$what? 'no' ?$$, $1");
  CHECK(on(pg(), "SELECT $fn$ ? $x$ ? $fn$, ?") == "SELECT $fn$ ? $x$ ? $fn$, $1");
  CHECK(on(pg(), "SELECT /* a /* ? */ ? */ ?") == "SELECT /* a /* ? */ ? */ $1");
  // `$` inside a word is part of an identifier, not a quote.
  CHECK(on(pg(), "SELECT a$b$ FROM t WHERE x = ?") == "SELECT a$b$ FROM t WHERE x = $1");
}

TEST_CASE("SQLite: bracket and backtick identifiers", "[raw]") {
  CHECK(on(lite(), "SELECT [a?b], `c?d`, ? FROM t") == "SELECT [a?b], `c?d`, ?1 FROM t");
  // SQLite comments do not nest: the first */ ends the comment.
  CHECK(on(lite(), "SELECT /* a /* */ ?") == "SELECT /* a /* */ ?1");
}

TEST_CASE("the database's own parameter syntax is refused", "[raw]") {
  CHECK_THROWS_AS(on(pg(), "SELECT $1"), tabula::programming_error);
  CHECK_THROWS_WITH(on(pg(), "SELECT * FROM t WHERE a = $1 AND b = ?"),
                    Contains("$1") && Contains("Write each parameter as ?"));
  CHECK_THROWS_AS(on(lite(), "SELECT ?1"), tabula::programming_error);
  CHECK_THROWS_AS(on(pg(), "SELECT ?2"), tabula::programming_error);
  CHECK_THROWS_WITH(on(lite(), "SELECT * FROM t WHERE a = :name"), Contains(":name"));
  CHECK_THROWS_AS(on(lite(), "SELECT @x"), tabula::programming_error);
  CHECK_THROWS_AS(on(lite(), "SELECT $x"), tabula::programming_error);
  // ...but not inside quotes, and not where it cannot be a parameter.
  CHECK(on(lite(), "SELECT ':name', \"$1\" FROM t") == "SELECT ':name', \"$1\" FROM t");
  CHECK(on(pg(), "SELECT '$1', x::text FROM t") == "SELECT '$1', x::text FROM t");
  CHECK(on(lite(), "SELECT a$1 FROM t") == "SELECT a$1 FROM t");
}

TEST_CASE("a raw statement binds its arguments in order and counts them", "[raw]") {
  using stmt = tabula::raw_statement<void, std::int64_t, std::string_view, double>;
  static_assert(stmt::param_count == 2);
  static_assert(!stmt::rows_by_name);
  static_assert(tabula::detail::text_statement<stmt>);
  struct row {
    std::int64_t id;
    std::string name;
  };
  static_assert(tabula::raw_statement<void, row>::rows_by_name);
  static_assert(tabula::detail::raw_row<row>);
  static_assert(tabula::detail::raw_row<std::tuple<std::int64_t, std::string>>);
  static_assert(tabula::detail::raw_row<std::optional<double>>);
  static_assert(!tabula::detail::raw_row<std::optional<row>>);
  static_assert(!tabula::detail::raw_row<void*>);
  static_assert(tabula::detail::raw_argument<std::optional<std::int32_t>>);
  static_assert(!tabula::detail::raw_argument<row>);

  const stmt s(nullptr, std::string("SELECT ? + ?"), {"a", 2.5});
  CHECK(s.sql_text() == "SELECT ? + ?");
  std::vector<std::string> seen;
  auto binder = [&](const auto& v) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(v)>, std::string_view>) {
      seen.emplace_back(v);
    } else {
      seen.push_back(std::to_string(v));
    }
  };
  s.bind(binder);
  CHECK(seen == std::vector<std::string>{"a", std::to_string(2.5)});
}
