// tabula::filter: conditions composed at run time, their SQL and their parameter numbering.

#include <catch2/catch.hpp>

#include "support/bind_recorder.hpp"
#include "support/dry_sql.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/models.hpp"

using tabula::col;
using namespace fx;  // NOLINT(google-build-using-namespace)

namespace {

using author_filter = tabula::filter<author>;
using cond_on_author = decltype(col(&author::name) == "x");
using cond_on_book = decltype(col(&book::pages) > 1);
using name_col = tabula::column<author, std::string>;

// A filter is an expression whose SQL depends on what was added at run time.
static_assert(tabula::expression<author_filter>);
static_assert(!author_filter::fixed_shape);
static_assert(std::is_same_v<tabula::expression_value_t<author_filter>, std::optional<bool>>);

// Pieces are typed conditions on the filter's models.
static_assert(tabula::filter_piece<author_filter, cond_on_author>);
static_assert(tabula::filter_piece<author_filter, author_filter>);
static_assert(!tabula::filter_piece<author_filter, cond_on_book>);   // another model
static_assert(!tabula::filter_piece<author_filter, name_col>);       // not a condition
static_assert(tabula::filter_piece<tabula::filter<author, book>, cond_on_book>);
static_assert(tabula::filter_piece<tabula::filter<author, book>, author_filter>);
static_assert(!tabula::filter_piece<author_filter, tabula::filter<author, book>>);

// Combining a filter yields a filter over the models of both sides.
static_assert(std::is_same_v<decltype(author_filter{} && col(&author::id) == 1), author_filter>);
static_assert(std::is_same_v<decltype(col(&author::id) == 1 || author_filter{}), author_filter>);
static_assert(std::is_same_v<decltype(!author_filter{}), author_filter>);
static_assert(std::is_same_v<decltype(author_filter{} && tabula::filter<book>{}),
                             tabula::filter<author, book>>);
static_assert(std::is_same_v<decltype(author_filter{} && col(&book::pages) > 1),
                             tabula::filter<author, book>>);

// A query takes a filter on its own model only.
template <class Q, class C>
concept can_filter = requires(Q q, C c) { q.where(c); };
static_assert(can_filter<tabula::select_statement<void, author>, author_filter>);

using tabula::test::bound_values;
using tabula::test::expression_select;
using tabula::test::postgres_sql;
using tabula::test::sqlite_sql;

/// The fields of a search form, each optional.
struct search_form {
  std::optional<std::string> name;
  std::optional<std::int32_t> min_age;
  std::optional<std::string> email;
};

author_filter filter_for(const search_form& form) {
  author_filter f;
  if (form.name) f &= col(&author::name) == *form.name;
  if (form.min_age) f &= col(&author::age) >= *form.min_age;
  if (form.email) f &= col(&author::email) != *form.email;
  return f;
}

/// An expression that numbers one parameter but binds two values.
struct broken : tabula::detail::expression_tag {
  using value_type = bool;
  using models = tabula::detail::type_list<author>;
  [[nodiscard]] tabula::ast::expr lower(tabula::detail::lower_context& ctx) const {
    return ctx.param();
  }
  template <class B>
  void bind(B& b) const {
    b(1);
    b(2);
  }
};

}  // namespace

TEST_CASE("an empty filter restricts nothing", "[filter]") {
  const author_filter f;
  CHECK(f.empty());
  CHECK(f.values().empty());
  auto q = tabula::select_from<author>().where(f);
  CHECK(sqlite_sql(q) ==
        R"(SELECT "authors"."id", "authors"."name", "authors"."email", "authors"."age" FROM "authors" WHERE 1 = 1)");
  CHECK(tabula::postgres_dialect().compile(q.lower()).param_count == 0);
  CHECK(bound_values(q).empty());
}

TEST_CASE("a filter grows inside ifs; each combination of fields gives its own SQL", "[filter]") {
  for (int mask = 0; mask < 8; ++mask) {
    search_form form;
    std::vector<std::string> parts_lite;
    std::vector<std::string> parts_pg;
    std::vector<std::string> values;
    int n = 0;
    if ((mask & 1) != 0) {
      form.name = "Ada";
      ++n;
      parts_lite.push_back("\"authors\".\"name\" = ?" + std::to_string(n));
      parts_pg.push_back("\"authors\".\"name\" = $" + std::to_string(n));
      values.emplace_back("Ada");
    }
    if ((mask & 2) != 0) {
      form.min_age = 30;
      ++n;
      parts_lite.push_back("\"authors\".\"age\" >= ?" + std::to_string(n));
      parts_pg.push_back("\"authors\".\"age\" >= $" + std::to_string(n));
      values.emplace_back("30");
    }
    if ((mask & 4) != 0) {
      form.email = "x@y";
      ++n;
      parts_lite.push_back("\"authors\".\"email\" <> ?" + std::to_string(n));
      parts_pg.push_back("\"authors\".\"email\" <> $" + std::to_string(n));
      values.emplace_back("x@y");
    }
    // The dialects parenthesize each operand of a chain of ANDs.
    auto join = [](const std::vector<std::string>& parts) {
      if (parts.empty()) return std::string("1 = 1");
      if (parts.size() == 1) return parts[0];
      std::string out;
      for (const auto& p : parts) out += (out.empty() ? "(" : " AND (") + p + ")";
      return out;
    };
    const author_filter f = filter_for(form);
    INFO("mask " << mask);
    CHECK(f.empty() == (mask == 0));
    CHECK(f.values().size() == values.size());
    auto q = tabula::select_from<author>().where(f).offset(10);
    const std::string lite = sqlite_sql(q);
    const std::string pg = postgres_sql(q);
    CHECK(lite.substr(lite.find(" WHERE ")) ==
          " WHERE " + join(parts_lite) + " LIMIT -1 OFFSET ?" + std::to_string(n + 1));
    CHECK(pg.substr(pg.find(" WHERE ")) ==
          " WHERE " + join(parts_pg) + " OFFSET $" + std::to_string(n + 1));
    values.emplace_back("10");
    CHECK(bound_values(q) == values);
  }
}

TEST_CASE("pieces keep their values in parameter order, boxed by their SQL type", "[filter]") {
  author_filter f;
  f &= col(&author::age) > std::int32_t{18} && col(&author::name) != "bob";
  f |= col(&author::age) == std::optional<std::int32_t>{};
  f &= col(&author::id) < 1000;
  REQUIRE(f.values().size() == 4);
  CHECK(std::get<std::int64_t>(f.values()[0]) == 18);
  CHECK(std::get<std::string>(f.values()[1]) == "bob");
  CHECK(std::holds_alternative<tabula::ast::null_t>(f.values()[2]));
  CHECK(std::get<std::int64_t>(f.values()[3]) == 1000);
  CHECK(expression_select(tabula::sqlite_dialect(), f) ==
        R"(SELECT ((("authors"."age" > ?1) AND ("authors"."name" <> ?2)) OR ("authors"."age" = ?3)) AND ("authors"."id" < ?4))");
  CHECK(bound_values(f) == std::vector<std::string>{"18", "bob", "NULL", "1000"});

  tabula::filter<all_types> g;
  g &= col(&all_types::b) == true;
  g &= col(&all_types::d) > 0.5;
  g &= col(&all_types::c) == color::blue;
  g &= col(&all_types::bytes) == tabula::blob{std::byte{1}, std::byte{2}};
  REQUIRE(g.values().size() == 4);
  CHECK(std::get<bool>(g.values()[0]));
  CHECK(std::get<double>(g.values()[1]) == 0.5);
  CHECK(std::get<std::int64_t>(g.values()[2]) == 3);
  CHECK(std::get<tabula::blob>(g.values()[3]).size() == 2);
}

TEST_CASE("a filter inside a statement is renumbered after the parameters before it",
          "[filter]") {
  author_filter f = col(&author::name) == "a";
  f |= col(&author::email) == "b";
  // Two parameters come before the filter, two after it.
  CHECK(expression_select(tabula::sqlite_dialect(), f, 2) ==
        R"(SELECT ("authors"."name" = ?3) OR ("authors"."email" = ?4))");
  CHECK(expression_select(tabula::postgres_dialect(), f, 2) ==
        R"(SELECT ("authors"."name" = $3) OR ("authors"."email" = $4))");

  using and_expr = tabula::binary_expr<tabula::ast::binary_op::and_, cond_on_author,
                                       author_filter, std::optional<bool>>;
  const and_expr both{{}, col(&author::name) == "first", f};
  auto q = tabula::select_from<author>().where(both).order_by(tabula::asc(&author::id)).limit(7).offset(8);
  const std::string pg = postgres_sql(q);
  CHECK(pg.substr(pg.find(" WHERE ")) ==
        R"( WHERE ("authors"."name" = $1) AND (("authors"."name" = $2) OR ("authors"."email" = $3)) ORDER BY "authors"."id" LIMIT 7 OFFSET $4)");
  CHECK(tabula::postgres_dialect().compile(q.lower()).param_count == 4);
  CHECK(bound_values(q) == std::vector<std::string>{"first", "a", "b", "8"});

  // The filter itself is unchanged by being lowered: lowering again numbers the same way.
  CHECK(postgres_sql(q) == pg);
  CHECK(expression_select(tabula::sqlite_dialect(), f) ==
        R"(SELECT ("authors"."name" = ?1) OR ("authors"."email" = ?2))");
}

TEST_CASE("in UPDATE and DELETE a filter is numbered after SET; an empty one is refused",
          "[filter]") {
  author_filter f = col(&author::name) == "a";
  f |= col(&author::email) == "b";
  const auto u = tabula::update<author>()
                     .set(col(&author::age) = 40, col(&author::email) = "new")
                     .where(f)
                     .returning(&author::id);
  const std::string lite = sqlite_sql(u);
  CHECK(lite.substr(lite.find(" SET ")) ==
        R"( SET "age" = ?1, "email" = ?2 WHERE ("authors"."name" = ?3) OR ("authors"."email" = ?4) RETURNING "authors"."id")");
  CHECK(bound_values(u) == std::vector<std::string>{"40", "new", "a", "b"});
  const std::string pg = postgres_sql(tabula::delete_from<author>().where(!f));
  CHECK(pg.substr(pg.find(" WHERE ")) ==
        R"( WHERE NOT (("authors"."name" = $1) OR ("authors"."email" = $2)))");

  // An empty filter would change every row: that takes all_rows().
  const author_filter empty;
  CHECK_THROWS_WITH(tabula::update<author>().set(col(&author::age) = 1).where(empty).lower(),
                    Catch::Matchers::Contains("empty filter"));
  CHECK_THROWS_AS(tabula::delete_from<author>().where(empty).lower(), tabula::programming_error);
  const std::string all = sqlite_sql(tabula::delete_from<author>().all_rows().where(empty));
  CHECK(all.substr(all.find(" WHERE ")) == " WHERE 1 = 1");
}

TEST_CASE("filters combine with &&, || and !, and an empty one is no condition", "[filter]") {
  const author_filter a = col(&author::name) == "a";
  const author_filter b = col(&author::age) > 1 || col(&author::age) < 0;
  const author_filter empty;

  CHECK(expression_select(tabula::sqlite_dialect(), a && b) ==
        R"(SELECT ("authors"."name" = ?1) AND (("authors"."age" > ?2) OR ("authors"."age" < ?3)))");
  CHECK(bound_values(a && b) == std::vector<std::string>{"a", "1", "0"});
  CHECK(expression_select(tabula::sqlite_dialect(), b || a) ==
        R"(SELECT ("authors"."age" > ?1) OR ("authors"."age" < ?2) OR ("authors"."name" = ?3))");
  CHECK(bound_values(b || a) == std::vector<std::string>{"1", "0", "a"});
  CHECK(expression_select(tabula::postgres_dialect(), !b) ==
        R"(SELECT NOT (("authors"."age" > $1) OR ("authors"."age" < $2)))");
  CHECK(expression_select(tabula::postgres_dialect(), !(a && b) || a) ==
        R"(SELECT (NOT (("authors"."name" = $1) AND (("authors"."age" > $2) OR ("authors"."age" < $3)))) OR ("authors"."name" = $4))");

  // An empty filter is the identity of both && and ||, and stays empty under !.
  CHECK(expression_select(tabula::sqlite_dialect(), empty && a) == expression_select(tabula::sqlite_dialect(), a));
  CHECK(expression_select(tabula::sqlite_dialect(), a || empty) == expression_select(tabula::sqlite_dialect(), a));
  CHECK((!empty).empty());
  author_filter grown;
  grown |= col(&author::id) == 5;  // |= on an empty filter: just the piece, not TRUE OR ...
  CHECK(expression_select(tabula::sqlite_dialect(), grown) == R"(SELECT "authors"."id" = ?1)");

  // A typed condition on either side makes a filter too.
  CHECK(expression_select(tabula::sqlite_dialect(), col(&author::id) == 9 && empty) ==
        R"(SELECT "authors"."id" = ?1)");
  CHECK(expression_select(tabula::sqlite_dialect(), a || col(&author::id) == 9) ==
        R"(SELECT ("authors"."name" = ?1) OR ("authors"."id" = ?2))");

  // A filter added to itself, or to another, keeps its values in step with its parameters.
  author_filter twice = a;
  const author_filter& itself = twice;
  twice &= itself;
  CHECK(expression_select(tabula::sqlite_dialect(), twice) ==
        R"(SELECT ("authors"."name" = ?1) AND ("authors"."name" = ?2))");
  CHECK(bound_values(twice) == std::vector<std::string>{"a", "a"});
}

TEST_CASE("a filter over several models holds conditions on each", "[filter]") {
  tabula::filter<author, book> f;
  f &= col(&author::name) == "Ada";
  f &= col(&book::pages) > 100;
  f |= tabula::filter<book>(col(&book::rating) == std::nullopt);
  CHECK(expression_select(tabula::sqlite_dialect(), f) ==
        R"(SELECT (("authors"."name" = ?1) AND ("books"."pages" > ?2)) OR ("books"."rating" IS NULL))");
  CHECK(bound_values(f) == std::vector<std::string>{"Ada", "100"});
}

TEST_CASE("a piece whose lowering and binding disagree is refused", "[filter]") {
  author_filter f;
  CHECK_THROWS_AS(f &= broken{}, tabula::programming_error);
  CHECK(f.empty());  // nothing half-added
}
