#pragma once
/// \file json.hpp
/// Queries into JSON columns (`JSONB` on PostgreSQL, JSON text on SQLite), typed like every
/// other expression:
///
/// | C++                                        | SQLite                     | PostgreSQL                                   |
/// |--------------------------------------------|----------------------------|----------------------------------------------|
/// | `json_get<double>(col(&Run::params), "lr")` | `("params" ->> ?1)`        | `CAST(("params" ->> $1) AS DOUBLE PRECISION)` |
/// | `json_get<std::string>(c, "opt", "name")`  | `("params" -> ?1 ->> ?2)`  | `("params" -> $1 ->> $2)`                    |
/// | `json_get<nlohmann::json>(c, "layers", 0)` | `("params" -> ?1 -> CAST(?2 AS INTEGER))` | the same with `$n`            |
/// | `json_has(c, "lr")`                        | `(("params" -> ?1) IS NOT NULL)` | `(("params" -> $1) IS NOT NULL)`       |
///
/// Keys and array indexes are bound parameters. A member that is missing yields NULL, so
/// `json_get<T>` is a `std::optional<T>`; compare it, order by it, select it as any other
/// expression. On SQLite `->>` returns the member's own SQL type (a JSON number as INTEGER or
/// REAL, `true` as 1); on PostgreSQL it returns text, cast to `T`'s type.

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

namespace detail {

/// A key (text) or an array index (integer) of a JSON path: a bound parameter, an index cast
/// to INTEGER so that PostgreSQL picks the array form of `->`.
template <class K>
struct json_key {
  static constexpr bool is_index = std::is_integral_v<K>;
  using stored = std::conditional_t<is_index, std::int64_t, stored_t<K>>;
  stored v;

  [[nodiscard]] ast::expr lower(lower_context& ctx) const {
    if constexpr (is_index) {
      return ast::cast{ctx.param(), ast::sql_type{ast::type_kind::int32}};
    } else {
      return ctx.param();
    }
  }
  template <class Binder>
  void bind(Binder& b) const {
    b(v);
  }
};

template <class K>
concept json_path_key =
    std::is_integral_v<std::remove_cvref_t<K>> ||
    std::is_convertible_v<const std::remove_cvref_t<K>&, std::string_view>;

template <class E>
constexpr bool is_json_expr = kind_of_operand<E>(ast::type_kind::text) == ast::type_kind::json;

/// What `json_get` and `json_has` share: a document `E` and the keys of a path, lowered as
/// the AST function `Name(lead..., doc, keys...)` and bound in that order.
template <class Node, class E, class... Keys>
struct json_path : single_operand<E, expression_base<Node>> {
  bundle<json_key<Keys>...> keys;

  [[nodiscard]] ast::expr lower_path(lower_context& ctx, ast::function f) const {
    f.args.push_back(this->operand.lower(ctx));
    bundle_lower(keys, f.args, ctx);
    return f;
  }
  template <class Binder>
  void bind(Binder& b) const {
    this->operand.bind(b);
    bundle_bind(keys, b);
  }
};

/// `doc -> k1 -> ... ->> kn` (`->` last when `T` is itself JSON), as the AST function
/// `json_get(kind, doc, keys...)` that each dialect spells.
template <class T, class E, class... Keys>
struct json_get_expr : json_path<json_get_expr<T, E, Keys...>, E, Keys...> {
  using value_type = std::optional<T>;
  [[nodiscard]] ast::expr lower(lower_context& ctx) const {
    ast::function f{"json_get", {}, false, false};
    f.args.push_back(ast::literal{ast::value{static_cast<std::int64_t>(sql_type_of<T>().kind)}});
    return this->lower_path(ctx, TABULA_MOVE(f));
  }
};

/// `(doc -> k1 -> ... -> kn) IS NOT NULL`, as the AST function `json_has(doc, keys...)`.
template <class E, class... Keys>
struct json_has_expr : json_path<json_has_expr<E, Keys...>, E, Keys...> {
  using value_type = bool;
  [[nodiscard]] ast::expr lower(lower_context& ctx) const {
    return this->lower_path(ctx, ast::function{"json_has", {}, false, false});
  }
};

}  // namespace detail

/// The member at `keys` (object keys and array indexes) of JSON expression `doc`, as a `T`:
/// `bool`, an integer, a floating type, `std::string`, or the JSON type itself for a
/// sub-document. NULL (`std::nullopt`) when the member is missing.
///
/// ```cpp
/// db.query<Run>().where(tabula::json_get<double>(col(&Run::params), "lr") < 0.01)
///     .order_by(tabula::json_get<std::int64_t>(col(&Run::params), "batch"));
/// ```
template <class T, class E, class... Keys>
  requires(detail::json_path_key<Keys> && ...)
constexpr auto json_get(E&& doc, Keys&&... keys) {
  static_assert(detail::is_json_expr<E>,
                "tabula: json_get reads a JSON column or expression. Pass a column of a JSON type "
                "(nlohmann::json, see docs/models.md).");
  static_assert(sizeof...(Keys) > 0, "tabula: json_get needs a key. Name the member to read.");
  static_assert(sql_mappable<T>, "tabula: json_get<T> reads a T, and T has no SQL mapping. Use "
                                 "bool, an integer, double, std::string or the JSON type.");
  using X = detail::as_expr_t<E>;
  return detail::json_get_expr<T, X, std::remove_cvref_t<Keys>...>{
      {{{}, detail::as_expr(static_cast<E&&>(doc))},
       {{detail::json_key<std::remove_cvref_t<Keys>>{
           typename detail::json_key<std::remove_cvref_t<Keys>>::stored(keys)}}...}}};
}

/// Whether JSON expression `doc` has a member at `keys` (a member holding JSON `null` counts).
template <class E, class... Keys>
  requires(detail::json_path_key<Keys> && ...)
constexpr auto json_has(E&& doc, Keys&&... keys) {
  static_assert(detail::is_json_expr<E>,
                "tabula: json_has tests a JSON column or expression. Pass a column of a JSON type "
                "(nlohmann::json, see docs/models.md).");
  static_assert(sizeof...(Keys) > 0, "tabula: json_has needs a key. Name the member to test.");
  using X = detail::as_expr_t<E>;
  return detail::json_has_expr<X, std::remove_cvref_t<Keys>...>{
      {{{}, detail::as_expr(static_cast<E&&>(doc))},
       {{detail::json_key<std::remove_cvref_t<Keys>>{
           typename detail::json_key<std::remove_cvref_t<Keys>>::stored(keys)}}...}}};
}

}  // namespace tabula
