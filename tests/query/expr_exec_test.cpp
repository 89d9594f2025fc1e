// The expression language on real databases: each construct's rows and values on SQLite and
// PostgreSQL, NULL semantics, and injection attempts through values, LIKE patterns and raw
// fragments' arguments. Expected values are computed in C++ from the fixture rows.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "query/expr_test_support.hpp"
#include "support/test_backend.hpp"

using ex::canary;
using ex::item;
using tabula::col;
namespace t = tabula;
namespace ast = tabula::ast;

namespace {

// ---- A minimal statement selecting expressions from `item` (the statement protocol of
// executable.hpp), so these tests depend on nothing but the expression layer.

struct no_where {
  static constexpr bool fixed_shape = true;
  template <class B>
  void bind(B& /*b*/) const {}
};

/// `SELECT e1, e2, ... FROM "expr_items" [WHERE c] [ORDER BY "id"]`.
template <bool Ordered, class Where, class... Es>
struct probe {
  using row_type = std::tuple<typename Es::value_type...>;
  static constexpr bool fixed_shape = Where::fixed_shape && (Es::fixed_shape && ...);

  Where where;
  std::tuple<Es...> items;

  [[nodiscard]] ast::statement lower() const {
    t::detail::lower_context ctx;
    ast::select s;
    std::apply([&](const auto&... e) { (s.columns.push_back({e.lower(ctx), ""}), ...); }, items);
    s.from = ast::table_ref{"expr_items", ""};
    if constexpr (!std::is_same_v<Where, no_where>) s.where = where.lower(ctx);
    if constexpr (Ordered) {
      s.order_by.push_back(ast::order_item{ast::expr(ast::column_ref{"expr_items", "id"})});
    }
    return s;
  }
  template <class B>
  void bind(B& b) const {
    std::apply([&](const auto&... e) { (e.bind(b), ...); }, items);
    where.bind(b);
  }
};

/// `UPDATE "expr_items" SET a1, a2, ... WHERE c`, from assignments.
template <class Where, class... As>
struct update_probe {
  using row_type = void;
  static constexpr bool fixed_shape = Where::fixed_shape && (As::fixed_shape && ...);

  Where where;
  std::tuple<As...> set;

  [[nodiscard]] ast::statement lower() const {
    t::detail::lower_context ctx;
    ast::update u;
    u.table = ast::table_ref{"expr_items", ""};
    std::apply([&](const auto&... a) { (u.set.push_back(a.lower(ctx)), ...); }, set);
    u.where = where.lower(ctx);
    return u;
  }
  template <class B>
  void bind(B& b) const {
    std::apply([&](const auto&... a) { (a.bind(b), ...); }, set);
    where.bind(b);
  }
};

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

std::vector<item> fixtures() {
  return {
      {0, "Alice", "50% off", 3, 5, 2.5, 0.5, 10, "a"},
      {0, "bob", std::nullopt, 7, std::nullopt, 10.0, std::nullopt, -3, "a"},
      {0, "Carol_x", "under_score", 0, 0, 0.25, 0.0, 32000, "b"},
      {0, "  dave  ", "back\\slash", 12, 2, 100.0, std::nullopt, 0, "b"},
      {0, "Eve%", "it's; DROP TABLE expr_canary; --", 5, std::nullopt, 3.5, 1.0, 7, "c"},
  };
}

/// The fixture rows as stored (ids filled in), in id order.
std::vector<item> reset() {
  db().drop_all<item, canary>();
  db().create_all<item, canary>();
  std::vector<item> rows = fixtures();
  for (auto& r : rows) db().insert(r);
  canary c{0, "still here"};
  db().insert(c);
  return rows;
}

bool canary_alive() {
  auto rows = db().all<canary>();
  return rows.size() == 1 && rows[0].word == "still here";
}

/// The value of `e` for every row, in id order.
template <class E>
auto column_of(const E& e) {
  std::vector<typename E::value_type> out;
  for (auto& row : db().all(probe<true, no_where, E>{{}, {e}})) out.push_back(std::get<0>(row));
  return out;
}

/// The ids of the rows where `c` holds, in id order.
template <class C>
std::vector<std::int64_t> ids_where(const C& c) {
  std::vector<std::int64_t> out;
  using id_col = decltype(col(&item::id));
  for (auto& row : db().all(probe<true, C, id_col>{c, {col(&item::id)}})) {
    out.push_back(std::get<0>(row));
  }
  return out;
}

/// The ids of the rows for which `pred` holds.
template <class Pred>
std::vector<std::int64_t> expected_ids(const std::vector<item>& rows, Pred pred) {
  std::vector<std::int64_t> out;
  for (const auto& r : rows) {
    if (pred(r)) out.push_back(r.id);
  }
  return out;
}

/// The value of `e` over the whole table, as one row (aggregates).
template <class E, class C = no_where>
auto aggregate_of(const E& e, const C& where = {}) {
  auto rows = db().all(probe<false, C, E>{where, {e}});
  REQUIRE(rows.size() == 1);
  return std::get<0>(rows[0]);
}

template <class T, class F>
std::vector<T> map_rows(const std::vector<item>& rows, F f) {
  std::vector<T> out;
  for (const auto& r : rows) out.push_back(f(r));
  return out;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

TEST_CASE("arithmetic computes in the C++ result type on both databases") {
  const auto rows = reset();
  CHECK(column_of(col(&item::qty) + 1) ==
        map_rows<std::int32_t>(rows, [](const item& r) { return r.qty + 1; }));
  CHECK(column_of(col(&item::qty) - col(&item::small)) ==
        map_rows<std::int32_t>(rows, [](const item& r) { return r.qty - r.small; }));
  CHECK(column_of(col(&item::qty) * col(&item::price)) ==
        map_rows<double>(rows, [](const item& r) { return r.qty * r.price; }));
  // Integer division truncates, as in C++.
  CHECK(column_of(col(&item::qty) / 2) ==
        map_rows<std::int32_t>(rows, [](const item& r) { return r.qty / 2; }));
  CHECK(column_of(col(&item::qty) / 2.5) ==
        map_rows<double>(rows, [](const item& r) { return r.qty / 2.5; }));
  CHECK(column_of(col(&item::qty) % 5) ==
        map_rows<std::int32_t>(rows, [](const item& r) { return r.qty % 5; }));
  CHECK(column_of(-col(&item::qty)) ==
        map_rows<std::int32_t>(rows, [](const item& r) { return -r.qty; }));
  // A value too wide for the smallint column it meets is still added exactly.
  CHECK(column_of(col(&item::small) + 100000) ==
        map_rows<std::int32_t>(rows, [](const item& r) { return r.small + 100000; }));
  // NULL in, NULL out.
  CHECK(column_of(col(&item::opt_qty) + col(&item::qty)) ==
        map_rows<std::optional<std::int32_t>>(rows, [](const item& r) {
          return r.opt_qty ? std::optional<std::int32_t>(*r.opt_qty + r.qty) : std::nullopt;
        }));
  CHECK(column_of(col(&item::price) * (1.0 - col(&item::discount))) ==
        map_rows<std::optional<double>>(rows, [](const item& r) {
          return r.discount ? std::optional<double>(r.price * (1.0 - *r.discount)) : std::nullopt;
        }));
  // In a condition.
  CHECK(ids_where(col(&item::qty) * 2 > col(&item::small)) ==
        expected_ids(rows, [](const item& r) { return r.qty * 2 > r.small; }));
}

TEST_CASE("concatenation") {
  const auto rows = reset();
  CHECK(column_of(col(&item::name) + "!") ==
        map_rows<std::string>(rows, [](const item& r) { return r.name + "!"; }));
  CHECK(column_of(t::concat(col(&item::category), "-", col(&item::name), "'")) ==
        map_rows<std::string>(rows,
                              [](const item& r) { return r.category + "-" + r.name + "'"; }));
  CHECK(column_of(t::concat(col(&item::name), col(&item::note))) ==
        map_rows<std::optional<std::string>>(rows, [](const item& r) {
          return r.note ? std::optional<std::string>(r.name + *r.note) : std::nullopt;
        }));
}

TEST_CASE("LIKE with escapes matches user text literally") {
  const auto rows = reset();
  // Without escaping, % and _ in the user's text are wildcards: every row matches.
  CHECK(ids_where(t::like(col(&item::name), "%" + std::string("%") + "%")).size() == rows.size());
  // Escaped, they match themselves.
  const auto has = [&](const std::string& field_text, const std::string& needle) {
    return field_text.find(needle) != std::string::npos;
  };
  for (const std::string needle : {"%", "_", "50%", "\\", "'", "x%"}) {
    INFO(needle);
    CHECK(ids_where(t::like(col(&item::name), "%" + t::like_escape(needle) + "%", '\\')) ==
          expected_ids(rows, [&](const item& r) { return has(r.name, needle); }));
    CHECK(ids_where(t::contains(col(&item::note), needle)) ==
          expected_ids(rows, [&](const item& r) { return r.note && has(*r.note, needle); }));
  }
  CHECK(ids_where(t::starts_with(col(&item::note), "50%")) ==
        expected_ids(rows, [](const item& r) { return r.note && r.note->starts_with("50%"); }));
  CHECK(ids_where(t::ends_with(col(&item::name), "%")) ==
        expected_ids(rows, [](const item& r) { return r.name.ends_with("%"); }));
  // Another escape character, at run time and at compile time.
  CHECK(ids_where(t::like(col(&item::name), "%" + t::like_escape("_", '!') + "%", '!')) ==
        expected_ids(rows, [&](const item& r) { return has(r.name, "_"); }));
  CHECK(ids_where(t::like(col(&item::name), "%!%", t::escape_with<'!'>)) ==
        expected_ids(rows, [&](const item& r) { return has(r.name, "%"); }));
  // NOT LIKE leaves out NULLs as well as matches. (A pattern without letters whose case
  // differs in the data: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.)
  CHECK(ids_where(t::not_like(col(&item::note), "%s%")) ==
        expected_ids(rows, [&](const item& r) { return r.note && !has(*r.note, "s"); }));
}

TEST_CASE("ILIKE ignores case on both databases") {
  const auto rows = reset();
  CHECK(ids_where(t::ilike(col(&item::name), "ALICE")) ==
        expected_ids(rows, [](const item& r) { return lower_ascii(r.name) == "alice"; }));
  CHECK(ids_where(t::ilike(col(&item::name), "%C%")) ==
        expected_ids(rows, [](const item& r) { return lower_ascii(r.name).find('c') != std::string::npos; }));
  CHECK(ids_where(t::not_ilike(col(&item::name), "b%")) ==
        expected_ids(rows, [](const item& r) { return !lower_ascii(r.name).starts_with("b"); }));
  CHECK(ids_where(t::ilike(col(&item::name), "%" + t::like_escape("L_X") + "%", '\\')) ==
        expected_ids(rows, [](const item& r) { return lower_ascii(r.name).find("l_x") != std::string::npos; }));
}

TEST_CASE("BETWEEN includes both bounds") {
  const auto rows = reset();
  CHECK(ids_where(t::between(col(&item::qty), 3, 7)) ==
        expected_ids(rows, [](const item& r) { return r.qty >= 3 && r.qty <= 7; }));
  CHECK(ids_where(t::not_between(col(&item::qty), 3, 7)) ==
        expected_ids(rows, [](const item& r) { return r.qty < 3 || r.qty > 7; }));
  CHECK(ids_where(t::between(col(&item::price), 0.25, col(&item::qty))) ==
        expected_ids(rows, [](const item& r) { return r.price >= 0.25 && r.price <= r.qty; }));
  CHECK(ids_where(t::between(col(&item::name), "B", "D")) ==
        expected_ids(rows, [](const item& r) { return r.name >= "B" && r.name <= "D"; }));
  // NULL BETWEEN ... is NULL: the row is left out either way.
  CHECK(ids_where(t::not_between(col(&item::opt_qty), 100, 200)) ==
        expected_ids(rows, [](const item& r) { return r.opt_qty.has_value(); }));
}

TEST_CASE("IN over lists of any length") {
  const auto rows = reset();
  std::vector<std::int64_t> all_ids;
  for (const auto& r : rows) all_ids.push_back(r.id);

  CHECK(ids_where(t::in(col(&item::id), std::vector<std::int64_t>{})).empty());
  CHECK(ids_where(t::not_in(col(&item::id), std::vector<std::int64_t>{})) == all_ids);
  CHECK(ids_where(t::in(col(&item::id), {rows[2].id})) == std::vector<std::int64_t>{rows[2].id});
  CHECK(ids_where(t::in(col(&item::id), {rows[0].id, rows[3].id, std::int64_t{-1}})) ==
        std::vector<std::int64_t>{rows[0].id, rows[3].id});
  CHECK(ids_where(t::not_in(col(&item::qty), std::array{3, 7})) ==
        expected_ids(rows, [](const item& r) { return r.qty != 3 && r.qty != 7; }));
  CHECK(ids_where(t::in(col(&item::category), {"b", "c", "x'"})) ==
        expected_ids(rows, [](const item& r) { return r.category == "b" || r.category == "c"; }));

  // 1000 values, each a parameter.
  std::vector<std::int64_t> many;
  for (std::int64_t i = 0; i < 1000; ++i) many.push_back(all_ids[0] + i * 2);
  CHECK(ids_where(t::in(col(&item::id), many)) == expected_ids(rows, [&](const item& r) {
          return std::find(many.begin(), many.end(), r.id) != many.end();
        }));
  // NOT IN with a NULL operand is NULL: those rows are left out.
  CHECK(ids_where(t::not_in(col(&item::opt_qty), {5})) ==
        expected_ids(rows, [](const item& r) { return r.opt_qty && *r.opt_qty != 5; }));
}

TEST_CASE("CASE, COALESCE, NULLIF and CAST") {
  const auto rows = reset();
  CHECK(column_of(t::case_when(col(&item::qty) > 6, "many")
                      .when(col(&item::qty) > 0, "some")
                      .otherwise("none")) ==
        map_rows<std::string>(rows, [](const item& r) {
          return std::string(r.qty > 6 ? "many" : r.qty > 0 ? "some" : "none");
        }));
  // Without ELSE, no match is NULL.
  CHECK(column_of(t::case_when(col(&item::qty) > 6, col(&item::qty) * 10)) ==
        map_rows<std::optional<std::int32_t>>(rows, [](const item& r) {
          return r.qty > 6 ? std::optional<std::int32_t>(r.qty * 10) : std::nullopt;
        }));
  // Branches of different numeric types meet in the common type.
  CHECK(column_of(t::case_when(col(&item::qty) > 6, col(&item::price)).otherwise(1)) ==
        map_rows<double>(rows, [](const item& r) { return r.qty > 6 ? r.price : 1.0; }));
  CHECK(column_of(t::case_when(col(&item::qty) > 6, 1).otherwise(0.5)) ==
        map_rows<double>(rows, [](const item& r) { return r.qty > 6 ? 1.0 : 0.5; }));

  CHECK(column_of(t::coalesce(col(&item::opt_qty), col(&item::qty))) ==
        map_rows<std::int32_t>(rows, [](const item& r) { return r.opt_qty.value_or(r.qty); }));
  CHECK(column_of(t::coalesce(col(&item::note), "(none)")) ==
        map_rows<std::string>(rows, [](const item& r) { return r.note.value_or("(none)"); }));
  CHECK(column_of(t::coalesce(col(&item::discount), col(&item::opt_qty))) ==
        map_rows<std::optional<double>>(rows, [](const item& r) -> std::optional<double> {
          if (r.discount) return r.discount;
          if (r.opt_qty) return *r.opt_qty;
          return std::nullopt;
        }));
  CHECK(column_of(t::nullif(col(&item::qty), 0)) ==
        map_rows<std::optional<std::int32_t>>(rows, [](const item& r) {
          return r.qty == 0 ? std::nullopt : std::optional<std::int32_t>(r.qty);
        }));
  CHECK(column_of(t::cast<std::string>(col(&item::qty))) ==
        map_rows<std::string>(rows, [](const item& r) { return std::to_string(r.qty); }));
  CHECK(column_of(t::cast<double>(col(&item::qty)) / 2) ==
        map_rows<double>(rows, [](const item& r) { return r.qty / 2.0; }));
  CHECK(column_of(t::cast<std::int64_t>(t::cast<std::string>(col(&item::small)))) ==
        map_rows<std::int64_t>(rows, [](const item& r) { return std::int64_t{r.small}; }));
  CHECK(column_of(t::cast<std::string>(col(&item::opt_qty))) ==
        map_rows<std::optional<std::string>>(rows, [](const item& r) {
          return r.opt_qty ? std::optional<std::string>(std::to_string(*r.opt_qty)) : std::nullopt;
        }));
}

TEST_CASE("scalar functions") {
  const auto rows = reset();
  const auto trim_with = [](std::string s, bool left, bool right) {
    if (left) s.erase(0, s.find_first_not_of(' '));
    if (right) s.erase(s.find_last_not_of(' ') + 1);
    return s;
  };
  CHECK(column_of(t::lower(col(&item::name))) ==
        map_rows<std::string>(rows, [](const item& r) { return lower_ascii(r.name); }));
  CHECK(column_of(t::upper(col(&item::category))) ==
        map_rows<std::string>(rows, [](const item& r) {
          std::string s = r.category;
          for (char& c : s) c = static_cast<char>(c - 'a' + 'A');
          return s;
        }));
  CHECK(column_of(t::length(col(&item::name))) ==
        map_rows<std::int64_t>(rows, [](const item& r) { return static_cast<std::int64_t>(r.name.size()); }));
  CHECK(column_of(t::length(col(&item::note))) ==
        map_rows<std::optional<std::int64_t>>(rows, [](const item& r) {
          return r.note ? std::optional<std::int64_t>(static_cast<std::int64_t>(r.note->size()))
                        : std::nullopt;
        }));
  CHECK(column_of(t::abs(col(&item::small))) ==
        map_rows<std::int16_t>(rows, [](const item& r) { return static_cast<std::int16_t>(std::abs(r.small)); }));
  // Halves round away from zero on both databases.
  CHECK(column_of(t::round(col(&item::price))) ==
        map_rows<double>(rows, [](const item& r) { return std::round(r.price); }));
  CHECK(column_of(t::round(-col(&item::price))) ==
        map_rows<double>(rows, [](const item& r) { return std::round(-r.price); }));
  CHECK(column_of(t::round(col(&item::price) / 3, 2)) ==
        map_rows<double>(rows, [](const item& r) { return std::round(r.price / 3 * 100) / 100; }));
  CHECK(column_of(t::trim(col(&item::name))) ==
        map_rows<std::string>(rows, [&](const item& r) { return trim_with(r.name, true, true); }));
  CHECK(column_of(t::ltrim(col(&item::name))) ==
        map_rows<std::string>(rows, [&](const item& r) { return trim_with(r.name, true, false); }));
  CHECK(column_of(t::rtrim(col(&item::name))) ==
        map_rows<std::string>(rows, [&](const item& r) { return trim_with(r.name, false, true); }));
  CHECK(column_of(t::substr(col(&item::name), 2)) ==
        map_rows<std::string>(rows, [](const item& r) { return r.name.substr(1); }));
  CHECK(column_of(t::substr(col(&item::name), 2, 3)) ==
        map_rows<std::string>(rows, [](const item& r) { return r.name.substr(1, 3); }));
  CHECK(column_of(t::substr(col(&item::name), col(&item::qty) % 3 + 1, 2)) ==
        map_rows<std::string>(rows, [](const item& r) {
          return r.name.substr(static_cast<std::size_t>(r.qty % 3), 2);
        }));

  const auto now = column_of(t::current_timestamp());
  REQUIRE(now.size() == rows.size());
  INFO(now[0]);
  CHECK(now[0].size() >= 19);  // YYYY-MM-DD HH:MM:SS
  CHECK(now[0][4] == '-');
  CHECK(now[0][10] == ' ');
  const auto today = column_of(t::current_date());
  INFO(today[0]);
  CHECK(today[0].size() == 10);  // YYYY-MM-DD
  CHECK(today[0][4] == '-');
  CHECK(today[0][7] == '-');
}

TEST_CASE("aggregates, and their NULL semantics over no rows") {
  const auto rows = reset();
  CHECK(aggregate_of(t::count()) == static_cast<std::int64_t>(rows.size()));
  CHECK(aggregate_of(t::count(col(&item::note))) ==
        std::count_if(rows.begin(), rows.end(), [](const item& r) { return r.note.has_value(); }));
  std::vector<std::string> categories;
  for (const auto& r : rows) {
    if (std::find(categories.begin(), categories.end(), r.category) == categories.end()) {
      categories.push_back(r.category);
    }
  }
  CHECK(aggregate_of(t::count_distinct(col(&item::category))) ==
        static_cast<std::int64_t>(categories.size()));
  CHECK(aggregate_of(t::sum(col(&item::qty))) ==
        std::accumulate(rows.begin(), rows.end(), std::int64_t{0},
                        [](std::int64_t s, const item& r) { return s + r.qty; }));
  CHECK(aggregate_of(t::sum(col(&item::id))) ==
        std::accumulate(rows.begin(), rows.end(), std::int64_t{0},
                        [](std::int64_t s, const item& r) { return s + r.id; }));
  CHECK(aggregate_of(t::sum(col(&item::price))) ==
        Approx(std::accumulate(rows.begin(), rows.end(), 0.0,
                               [](double s, const item& r) { return s + r.price; })));
  const double mean_qty = std::accumulate(rows.begin(), rows.end(), 0.0,
                                          [](double s, const item& r) { return s + r.qty; }) /
                          static_cast<double>(rows.size());
  REQUIRE(aggregate_of(t::avg(col(&item::qty))).has_value());
  CHECK(*aggregate_of(t::avg(col(&item::qty))) == Approx(mean_qty));
  CHECK(aggregate_of(t::min(col(&item::name))) ==
        std::min_element(rows.begin(), rows.end(), [](const item& a, const item& b) {
          return a.name < b.name;
        })->name);
  std::optional<std::int32_t> max_opt;
  std::int64_t sum_opt = 0;
  std::int32_t max_expr = 0;
  std::int64_t nulls = 0;
  for (const auto& r : rows) {
    if (r.opt_qty && (!max_opt || *r.opt_qty > *max_opt)) max_opt = r.opt_qty;
    sum_opt += r.opt_qty.value_or(0);
    max_expr = std::max(max_expr, r.qty * 2 + 1);
    nulls += r.opt_qty ? 0 : 1;
  }
  CHECK(aggregate_of(t::max(col(&item::opt_qty))) == max_opt);
  CHECK(aggregate_of(t::max(col(&item::qty) * 2 + 1)) == max_expr);
  // Aggregates skip NULLs.
  CHECK(aggregate_of(t::sum(col(&item::opt_qty))) == sum_opt);

  // Over no rows: count is 0, the others NULL.
  const auto none = col(&item::id) < 0;
  CHECK(aggregate_of(t::count(), none) == 0);
  CHECK(aggregate_of(t::count(col(&item::qty)), none) == 0);
  CHECK_FALSE(aggregate_of(t::sum(col(&item::qty)), none).has_value());
  CHECK_FALSE(aggregate_of(t::sum(col(&item::price)), none).has_value());
  CHECK_FALSE(aggregate_of(t::avg(col(&item::qty)), none).has_value());
  CHECK_FALSE(aggregate_of(t::min(col(&item::name)), none).has_value());
  CHECK_FALSE(aggregate_of(t::max(col(&item::qty)), none).has_value());
  // Over only NULLs: the same.
  const auto only_null = t::is_null(col(&item::opt_qty));
  CHECK(aggregate_of(t::count(col(&item::opt_qty)), only_null) == 0);
  CHECK(aggregate_of(t::count(), only_null) == nulls);
  CHECK_FALSE(aggregate_of(t::sum(col(&item::opt_qty)), only_null).has_value());
  // coalesce turns that NULL into a value.
  CHECK(aggregate_of(t::coalesce(t::sum(col(&item::qty)), std::int64_t{0}), none) == 0);
}

TEST_CASE("window functions") {
  const auto rows = reset();
  // row_number within each category, by id.
  const auto numbers = column_of(
      t::row_number().over(t::partition_by(&item::category), t::order_by(&item::id)));
  CHECK(numbers == map_rows<std::int64_t>(rows, [&](const item& r) {
          return std::count_if(rows.begin(), rows.end(), [&](const item& o) {
            return o.category == r.category && o.id <= r.id;
          });
        }));
  // rank and dense_rank by category.
  CHECK(column_of(t::rank().over(t::order_by(&item::category))) ==
        map_rows<std::int64_t>(rows, [&](const item& r) {
          return 1 + std::count_if(rows.begin(), rows.end(),
                                   [&](const item& o) { return o.category < r.category; });
        }));
  CHECK(column_of(t::dense_rank().over(t::order_by(t::desc(&item::category)))) ==
        map_rows<std::int64_t>(rows, [&](const item& r) {
          std::vector<std::string> above;  // distinct categories ordered before r's, descending
          for (const auto& o : rows) {
            if (o.category > r.category &&
                std::find(above.begin(), above.end(), o.category) == above.end()) {
              above.push_back(o.category);
            }
          }
          return static_cast<std::int64_t>(above.size()) + 1;
        }));
  // lag / lead by id, with and without a default.
  CHECK(column_of(t::lag(col(&item::qty)).over(t::order_by(&item::id))) ==
        std::vector<std::optional<std::int32_t>>{std::nullopt, rows[0].qty, rows[1].qty,
                                                  rows[2].qty, rows[3].qty});
  CHECK(column_of(t::lead(col(&item::qty), 2, -1).over(t::order_by(&item::id))) ==
        std::vector<std::int32_t>{rows[2].qty, rows[3].qty, rows[4].qty, -1, -1});
  CHECK(column_of(t::lag(col(&item::name), 1, "-").over(t::partition_by(&item::category),
                                                       t::order_by(&item::id))) ==
        std::vector<std::string>{"-", rows[0].name, "-", rows[2].name, "-"});
  CHECK(column_of(t::first_value(col(&item::name))
                      .over(t::partition_by(&item::category), t::order_by(&item::id))) ==
        std::vector<std::optional<std::string>>{rows[0].name, rows[0].name, rows[2].name,
                                                 rows[2].name, rows[4].name});
  CHECK(column_of(t::last_value(col(&item::name))
                      .over(t::partition_by(&item::category), t::order_by(&item::id),
                            t::rows_between(t::unbounded_preceding, t::unbounded_following))) ==
        std::vector<std::optional<std::string>>{rows[1].name, rows[1].name, rows[3].name,
                                                 rows[3].name, rows[4].name});
  std::vector<std::int64_t> halves;  // ntile(2): the first ceil(n / 2) rows are bucket 1
  for (std::size_t i = 0; i < rows.size(); ++i) halves.push_back(i < (rows.size() + 1) / 2 ? 1 : 2);
  CHECK(column_of(t::ntile(2).over(t::order_by(&item::id))) == halves);
  // Aggregates over windows: a running sum, a moving sum, a per-partition count.
  std::vector<std::int64_t> running;
  std::int64_t acc = 0;
  for (const auto& r : rows) running.push_back(acc += r.qty);
  CHECK(column_of(t::sum(col(&item::qty))
                      .over(t::order_by(&item::id),
                            t::rows_between(t::unbounded_preceding, t::current_row))) ==
        std::vector<std::optional<std::int64_t>>(running.begin(), running.end()));
  std::vector<std::optional<std::int64_t>> moving;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    moving.emplace_back(rows[i].qty + (i > 0 ? rows[i - 1].qty : 0));
  }
  CHECK(column_of(t::sum(col(&item::qty))
                      .over(t::order_by(&item::id),
                            t::rows_between(t::preceding<1>(), t::current_row))) == moving);
  CHECK(column_of(t::sum(col(&item::qty))
                      .over(t::order_by(&item::id),
                            t::rows_between(t::preceding(1), t::current_row))) == moving);
  // The offset is SQL text: the same statement type with another offset has its own SQL.
  std::vector<std::optional<std::int64_t>> wider;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::int64_t s = 0;
    for (std::size_t j = i >= 2 ? i - 2 : 0; j <= i; ++j) s += rows[j].qty;
    wider.emplace_back(s);
  }
  CHECK(column_of(t::sum(col(&item::qty))
                      .over(t::order_by(&item::id),
                            t::rows_between(t::preceding(2), t::current_row))) == wider);
  CHECK(column_of(t::count().over(t::partition_by(&item::category))) ==
        map_rows<std::int64_t>(rows, [&](const item& r) {
          return std::count_if(rows.begin(), rows.end(),
                               [&](const item& o) { return o.category == r.category; });
        }));
  const auto w = t::window(t::partition_by(&item::category));
  CHECK(column_of(t::max(col(&item::qty)).over(w)) ==
        map_rows<std::optional<std::int32_t>>(rows, [&](const item& r) {
          std::int32_t m = 0;
          for (const auto& o : rows) {
            if (o.category == r.category) m = std::max(m, o.qty);
          }
          return std::optional<std::int32_t>(m);
        }));
}

TEST_CASE("raw fragments, typed, with arguments bound") {
  const auto rows = reset();
  CHECK(column_of(t::raw<std::int32_t>("? * ?", col(&item::qty), 10)) ==
        map_rows<std::int32_t>(rows, [](const item& r) { return r.qty * 10; }));
  CHECK(column_of(t::raw<std::int64_t, "abs(?) + ?">(col(&item::small), std::int64_t{1})) ==
        map_rows<std::int64_t>(rows, [](const item& r) { return std::abs(r.small) + 1; }));
  CHECK(ids_where(t::raw<bool>("? > ?", col(&item::qty), col(&item::small))) ==
        expected_ids(rows, [](const item& r) { return r.qty > r.small; }));
  // A `?` inside a string literal is text.
  CHECK(column_of(t::raw<std::string>("? || '?'", col(&item::category))) ==
        map_rows<std::string>(rows, [](const item& r) { return r.category + "?"; }));
}

TEST_CASE("assignments update rows") {
  auto rows = reset();
  const auto target = col(&item::id) == rows[1].id;
  tabula::executor<tabula::engine>::execute(
      db(), update_probe<decltype(target), decltype(col(&item::qty) = col(&item::qty) * 2 + 1),
                         decltype(col(&item::note) = "it's; --"),
                         decltype(col(&item::opt_qty) = std::nullopt),
                         decltype(col(&item::small) = col(&item::small) - 1)>{
                target,
                {col(&item::qty) = col(&item::qty) * 2 + 1, col(&item::note) = "it's; --",
                 col(&item::opt_qty) = std::nullopt, col(&item::small) = col(&item::small) - 1}});
  auto after = db().get<item>(rows[1].id);
  REQUIRE(after);
  CHECK(after->qty == rows[1].qty * 2 + 1);
  CHECK(after->note == "it's; --");
  CHECK_FALSE(after->opt_qty.has_value());
  CHECK(after->small == rows[1].small - 1);
  // The other rows are untouched.
  CHECK(db().get<item>(rows[0].id) == rows[0]);
  CHECK(canary_alive());

  // One statement type, two columns of one C++ type: each execution sets its own column.
  using set_text = decltype(col(&item::name) = std::string());
  const auto first = col(&item::id) == rows[0].id;
  using text_update = update_probe<decltype(first), set_text>;
  tabula::executor<tabula::engine>::execute(
      db(), text_update{first, {col(&item::name) = std::string("renamed")}});
  tabula::executor<tabula::engine>::execute(
      db(), text_update{first, {col(&item::category) = std::string("z")}});
  auto changed = db().get<item>(rows[0].id);
  REQUIRE(changed);
  CHECK(changed->name == "renamed");
  CHECK(changed->category == "z");
}

TEST_CASE("injection through values, LIKE patterns and raw arguments leaves the canary alive") {
  const auto rows = reset();
  const std::vector<std::string> attacks = {
      "'; DROP TABLE expr_canary; --",
      "%'; DROP TABLE expr_canary; --",
      "\\'; DELETE FROM expr_canary; --",
      "x' OR '1'='1",
      "?1 $1 ?? --",
      "\"; DROP TABLE \"expr_canary\"; --",
  };
  for (const auto& attack : attacks) {
    INFO(attack);
    CHECK(ids_where(col(&item::name) == attack).empty());
    CHECK(ids_where(t::like(col(&item::name), attack)).empty());
    CHECK(ids_where(t::ilike(col(&item::name), attack, '\\')).empty());
    CHECK(ids_where(t::contains(col(&item::name), attack)).empty());
    CHECK(ids_where(t::in(col(&item::name), {attack, std::string("z")})).empty());
    // A raw fragment's arguments are parameters: the text comes back unchanged.
    CHECK(column_of(t::raw<std::string>("?", attack)) == std::vector<std::string>(rows.size(), attack));
    CHECK(column_of(t::raw<std::string>("? || ?", col(&item::category), attack)) ==
          map_rows<std::string>(rows, [&](const item& r) { return r.category + attack; }));
    CHECK(canary_alive());
  }
  // A stored value that looks like SQL is matched as text.
  CHECK(ids_where(t::contains(col(&item::note), "DROP TABLE expr_canary; --")) ==
        expected_ids(rows, [](const item& r) {
          return r.note && r.note->find("DROP TABLE") != std::string::npos;
        }));
  CHECK(canary_alive());
}

TEST_CASE("expressions in select lists: groups, labels, windows, conditional aggregates") {
  const auto rows = reset();
  // Per category: count, sum, a labelled average, a conditional count; groups of more than one.
  const auto per_category =
      db().select(col(&item::category), t::count(), t::sum(col(&item::qty)),
                  t::avg(col(&item::price)).as<"mean_price">(),
                  t::sum(t::case_when(t::is_null(col(&item::note)), 1).otherwise(0)).as("no_note"))
          .group_by(col(&item::category))
          .having(t::count() > 1)
          .order_by(&item::category)
          .all();
  std::vector<std::tuple<std::string, std::int64_t, std::optional<std::int64_t>,
                         std::optional<double>, std::optional<std::int64_t>>>
      expected;
  for (const auto& r : rows) {
    if (!expected.empty() && std::get<0>(expected.back()) == r.category) continue;
    std::int64_t n = 0;
    std::int64_t qty = 0;
    double price = 0;
    std::int64_t no_note = 0;
    for (const auto& o : rows) {
      if (o.category != r.category) continue;
      ++n;
      qty += o.qty;
      price += o.price;
      no_note += o.note ? 0 : 1;
    }
    if (n > 1) expected.emplace_back(r.category, n, qty, price / static_cast<double>(n), no_note);
  }
  REQUIRE(per_category.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(std::get<0>(per_category[i]) == std::get<0>(expected[i]));
    CHECK(std::get<1>(per_category[i]) == std::get<1>(expected[i]));
    CHECK(std::get<2>(per_category[i]) == std::get<2>(expected[i]));
    REQUIRE(std::get<3>(per_category[i]).has_value());
    CHECK(*std::get<3>(per_category[i]) == Approx(*std::get<3>(expected[i])));
    CHECK(std::get<4>(per_category[i]) == std::get<4>(expected[i]));
  }

  // The item with the most quantity per category: a window ranked inside, filtered outside.
  const auto ranked = db().select(col(&item::name), col(&item::category), col(&item::qty),
                                  t::rank()
                                      .over(t::partition_by(&item::category),
                                            t::order_by(t::desc(&item::qty)))
                                      .as<"rk">())
                          .order_by(&item::id)
                          .all();
  REQUIRE(ranked.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto better = std::count_if(rows.begin(), rows.end(), [&](const item& o) {
      return o.category == rows[i].category && o.qty > rows[i].qty;
    });
    CHECK(std::get<3>(ranked[i]) == better + 1);
  }

  // Computed columns of every kind in one list, each read into its C++ type.
  const auto computed =
      db().select(col(&item::qty) * 2 + col(&item::small), t::upper(col(&item::name)) + "!",
                  t::coalesce(col(&item::opt_qty), -1), t::round(col(&item::price) * 1.5, 1),
                  t::cast<std::string>(col(&item::id)))
          .where(t::in(col(&item::category), {"a", "c"}) && !t::contains(col(&item::name), "%"))
          .order_by(t::desc(&item::id))
          .all();
  std::vector<item> kept;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    if ((it->category == "a" || it->category == "c") && it->name.find('%') == std::string::npos) {
      kept.push_back(*it);
    }
  }
  REQUIRE(computed.size() == kept.size());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    std::string upper = kept[i].name;
    for (char& c : upper) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    CHECK(std::get<0>(computed[i]) == kept[i].qty * 2 + kept[i].small);
    CHECK(std::get<1>(computed[i]) == upper + "!");
    CHECK(std::get<2>(computed[i]) == kept[i].opt_qty.value_or(-1));
    CHECK(std::get<3>(computed[i]) == Approx(std::round(kept[i].price * 1.5 * 10) / 10));
    CHECK(std::get<4>(computed[i]) == std::to_string(kept[i].id));
  }
}
