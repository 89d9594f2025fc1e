#pragma once
/// \file like_between_in.hpp
/// Pattern matching, ranges and value lists: `like`, `ilike` (and their negations) with
/// `like_escape` for user text, `contains` / `starts_with` / `ends_with`, `between`, and
/// `in` / `not_in` over value lists of any length (IN over a subquery is in subquery.hpp).
///
/// ```cpp
/// tabula::like(col(&T::name), "A%")                        // "name" LIKE ?1
/// tabula::contains(col(&T::name), user_text)               // "name" LIKE ?1 ESCAPE '\'
/// tabula::between(col(&T::age), 18, 65)                    // "age" BETWEEN ?1 AND ?2
/// tabula::in(col(&T::id), ids)                             // "id" IN (?1, ?2, ...)
/// ```

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/detail/range.hpp"
#include "tabula/query/expression.hpp"

namespace tabula {

// ---------------------------------------------------------------------------------------------
// LIKE

/// `text` with the LIKE wildcards `%` and `_`, and `escape` itself, preceded by `escape`, so
/// that it matches literally inside a pattern given the same escape character:
/// `like(col(&T::name), "%" + like_escape(user_text) + "%", '\\')`.
[[nodiscard]] inline std::string like_escape(std::string_view text, char escape = '\\') {
  std::string out;
  out.reserve(text.size() + 8);
  for (const char c : text) {
    if (c == '%' || c == '_' || c == escape) out += escape;
    out += c;
  }
  return out;
}

namespace detail {
/// A LIKE without ESCAPE.
struct no_escape {
  static constexpr std::optional<char> get() noexcept { return std::nullopt; }
};
/// An escape character given at run time. It is SQL text, so it is part of the statement's
/// shape: the SQL is compiled once per escape character (see `bind`).
struct runtime_escape {
  char c;
  [[nodiscard]] std::optional<char> get() const noexcept { return c; }
};
/// An escape character fixed at compile time (`escape_with<'!'>`).
template <char C>
struct constant_escape {
  static constexpr std::optional<char> get() noexcept { return C; }
};
}  // namespace detail

/// An escape character fixed at compile time: `like(e, pattern, escape_with<'!'>)`, the same
/// as `like(e, pattern, '!')` without the character in the statement's shape.
template <char C>
inline constexpr detail::constant_escape<C> escape_with{};

/// `operand [NOT] LIKE pattern [ESCAPE 'c']`, or ILIKE when `CaseInsensitive` (PostgreSQL's
/// ILIKE; `lower(x) LIKE lower(p)` on SQLite).
template <bool Negated, bool CaseInsensitive, class X, class P, class Escape>
struct like_expr : detail::expression_base<like_expr<Negated, CaseInsensitive, X, P, Escape>> {
  using value_type = std::conditional_t<detail::is_nullable<typename X::value_type> ||
                                            detail::is_nullable<typename P::value_type>,
                                        std::optional<bool>, bool>;
  using models = detail::merged_models<X, P>;
  static constexpr bool fixed_shape = X::fixed_shape && P::fixed_shape;
  static constexpr bool contains_aggregate = detail::any_aggregate<X, P>;
  static constexpr bool contains_bare_column = detail::any_bare_column<X, P>;

  X operand;
  P pattern;
  Escape escape;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    ast::expr x = operand.lower(ctx);
    ast::expr p = pattern.lower(ctx);
    return ast::like{TABULA_MOVE(x), TABULA_MOVE(p), Negated, CaseInsensitive, escape.get()};
  }
  template <class Binder>
  void bind(Binder& b) const {
    if constexpr (std::is_same_v<Escape, detail::runtime_escape>) {
      detail::bind_shape(b, escape.c);  // SQL text: part of the statement's shape
    }
    operand.bind(b);
    pattern.bind(b);
  }
};

/// True when `like(x, pattern)` is meaningful: both are text (expressions or values) and `x`
/// is an expression.
template <class X, class P>
concept matchable = column_or_expression<X> && detail::is_text<expression_value_t<X>> &&
                    detail::is_text<expression_value_t<detail::as_expr_t<P>>>;

namespace detail {
template <class E>
inline constexpr bool is_escape_spec = std::is_same_v<E, char> || std::is_same_v<E, no_escape>;
template <char C>
inline constexpr bool is_escape_spec<constant_escape<C>> = true;

template <class E>
constexpr auto as_escape(E e) {
  if constexpr (std::is_same_v<E, char>) return runtime_escape{e};
  else return e;
}

template <bool Negated, bool CaseInsensitive, class X, class P, class E>
constexpr auto make_like(X&& x, P&& p, E e) {
  static_assert(matchable<X, P>,
                "tabula: LIKE matches text against a text pattern. Use a text column or "
                "expression and a text pattern.");
  static_assert(is_escape_spec<E>,
                "tabula: the escape of LIKE is one character. Pass a char such as '\\\\', or "
                "tabula::escape_with<'\\\\'>.");
  using XE = as_expr_t<X>;
  using PE = as_expr_t<P>;
  using Esc = decltype(as_escape(e));
  return like_expr<Negated, CaseInsensitive, XE, PE, Esc>{
      {}, as_expr(static_cast<X&&>(x)), as_expr(static_cast<P&&>(p)), as_escape(e)};
}
}  // namespace detail

/// `x LIKE pattern`. On SQLite LIKE ignores the case of ASCII letters; on PostgreSQL it does
/// not. Use `ilike` to ignore case on both.
template <column_or_expression X, class P>
constexpr auto like(X&& x, P&& pattern) {
  return detail::make_like<false, false>(static_cast<X&&>(x), static_cast<P&&>(pattern),
                                         detail::no_escape{});
}
/// `x LIKE pattern ESCAPE 'c'`: `escape` is a `char` or `escape_with<'c'>`.
template <column_or_expression X, class P, class E>
constexpr auto like(X&& x, P&& pattern, E escape) {
  return detail::make_like<false, false>(static_cast<X&&>(x), static_cast<P&&>(pattern), escape);
}
/// `x NOT LIKE pattern`.
template <column_or_expression X, class P>
constexpr auto not_like(X&& x, P&& pattern) {
  return detail::make_like<true, false>(static_cast<X&&>(x), static_cast<P&&>(pattern),
                                        detail::no_escape{});
}
/// `x NOT LIKE pattern ESCAPE 'c'`.
template <column_or_expression X, class P, class E>
constexpr auto not_like(X&& x, P&& pattern, E escape) {
  return detail::make_like<true, false>(static_cast<X&&>(x), static_cast<P&&>(pattern), escape);
}
/// `x ILIKE pattern` (PostgreSQL), `lower(x) LIKE lower(pattern)` (SQLite): case-insensitive.
template <column_or_expression X, class P>
constexpr auto ilike(X&& x, P&& pattern) {
  return detail::make_like<false, true>(static_cast<X&&>(x), static_cast<P&&>(pattern),
                                        detail::no_escape{});
}
/// `x ILIKE pattern ESCAPE 'c'`.
template <column_or_expression X, class P, class E>
constexpr auto ilike(X&& x, P&& pattern, E escape) {
  return detail::make_like<false, true>(static_cast<X&&>(x), static_cast<P&&>(pattern), escape);
}
/// `x NOT ILIKE pattern`.
template <column_or_expression X, class P>
constexpr auto not_ilike(X&& x, P&& pattern) {
  return detail::make_like<true, true>(static_cast<X&&>(x), static_cast<P&&>(pattern),
                                       detail::no_escape{});
}
/// `x NOT ILIKE pattern ESCAPE 'c'`.
template <column_or_expression X, class P, class E>
constexpr auto not_ilike(X&& x, P&& pattern, E escape) {
  return detail::make_like<true, true>(static_cast<X&&>(x), static_cast<P&&>(pattern), escape);
}

/// `x LIKE '%text%' ESCAPE '\'` with `text` matched literally (its `%` and `_` included).
template <column_or_expression X>
auto contains(X&& x, std::string_view text) {
  return like(static_cast<X&&>(x), "%" + like_escape(text) + "%", escape_with<'\\'>);
}
/// `x LIKE 'text%' ESCAPE '\'` with `text` matched literally.
template <column_or_expression X>
auto starts_with(X&& x, std::string_view text) {
  return like(static_cast<X&&>(x), like_escape(text) + "%", escape_with<'\\'>);
}
/// `x LIKE '%text' ESCAPE '\'` with `text` matched literally.
template <column_or_expression X>
auto ends_with(X&& x, std::string_view text) {
  return like(static_cast<X&&>(x), "%" + like_escape(text), escape_with<'\\'>);
}

// ---------------------------------------------------------------------------------------------
// BETWEEN

/// `operand [NOT] BETWEEN low AND high` (both bounds included).
template <bool Negated, class X, class L, class H>
struct between_expr : detail::expression_base<between_expr<Negated, X, L, H>> {
  using value_type = std::conditional_t<detail::is_nullable<typename X::value_type> ||
                                            detail::is_nullable<typename L::value_type> ||
                                            detail::is_nullable<typename H::value_type>,
                                        std::optional<bool>, bool>;
  using models = detail::list_concat_t<detail::merged_models<X, L>, typename H::models>;
  static constexpr bool fixed_shape = detail::all_fixed<X, L, H>;
  static constexpr bool contains_aggregate = detail::any_aggregate<X, L, H>;
  static constexpr bool contains_bare_column = detail::any_bare_column<X, L, H>;

  X operand;
  L low;
  H high;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    using XV = typename X::value_type;
    ast::expr x = detail::lower_operand<typename L::value_type>(operand, ctx);
    ast::expr l = detail::lower_operand<XV>(low, ctx);
    ast::expr h = detail::lower_operand<XV>(high, ctx);
    return ast::between{TABULA_MOVE(x), TABULA_MOVE(l), TABULA_MOVE(h), Negated};
  }
  template <class Binder>
  void bind(Binder& b) const {
    operand.bind(b);
    low.bind(b);
    high.bind(b);
  }
};

namespace detail {
template <bool Negated, class X, class L, class H>
constexpr auto make_between(X&& x, L&& lo, H&& hi) {
  static_assert(comparable<X, L> && comparable<X, H>,
                "tabula: BETWEEN compares its operand with both bounds, so all three must be of "
                "one kind (numbers, text, ...). Use bounds of the operand's kind.");
  return between_expr<Negated, as_expr_t<X>, as_expr_t<L>, as_expr_t<H>>{
      {}, as_expr(static_cast<X&&>(x)), as_expr(static_cast<L&&>(lo)), as_expr(static_cast<H&&>(hi))};
}
}  // namespace detail

/// `x BETWEEN lo AND hi`.
template <column_or_expression X, class L, class H>
constexpr auto between(X&& x, L&& lo, H&& hi) {
  return detail::make_between<false>(static_cast<X&&>(x), static_cast<L&&>(lo),
                                     static_cast<H&&>(hi));
}
/// `x NOT BETWEEN lo AND hi`.
template <column_or_expression X, class L, class H>
constexpr auto not_between(X&& x, L&& lo, H&& hi) {
  return detail::make_between<true>(static_cast<X&&>(x), static_cast<L&&>(lo),
                                    static_cast<H&&>(hi));
}

// ---------------------------------------------------------------------------------------------
// IN (value list)

/// `operand [NOT] IN (v1, v2, ...)` over C++ values, each a bound parameter. `Items` is a
/// `std::vector` (a run-time length, which is part of the statement's shape: its SQL is
/// compiled once per length) or a `std::array` (a length fixed by the type). An empty list is
/// false (true for NOT IN).
template <bool Negated, class X, class Items>
struct in_expr
    : detail::single_operand<X, detail::expression_base<in_expr<Negated, X, Items>>> {
  using item_type = typename Items::value_type;
  using value_type = std::conditional_t<detail::is_nullable<typename X::value_type> ||
                                            detail::is_nullable<item_type>,
                                        std::optional<bool>, bool>;

  Items items;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    ast::in_list n{this->operand.lower(ctx), {}, Negated};
    n.items.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      n.items.push_back(detail::lower_param<item_type, typename X::value_type>(ctx));
    }
    return n;
  }
  template <class Binder>
  void bind(Binder& b) const {
    if constexpr (std::is_same_v<Items, std::vector<item_type>>) {
      // The number of placeholders is SQL text: part of the statement's shape.
      detail::bind_shape(b, static_cast<std::uint64_t>(items.size()));
    }
    this->operand.bind(b);
    for (const auto& v : items) b(v);
  }
};

/// True when `in(x, values)` is meaningful: `x` is an expression and the values compare with
/// it.
template <class X, class V>
concept in_comparable = column_or_expression<X> && comparable<X, V>;

namespace detail {
template <class R>
concept value_range = detail::input_range<R> &&
                      !std::is_convertible_v<const std::remove_cvref_t<R>&, std::string_view>;

/// The length of a range whose type fixes it (`std::array`, C arrays), 0 for any other.
template <class R>
inline constexpr std::size_t fixed_length = 0;
template <class T, std::size_t N>
inline constexpr std::size_t fixed_length<std::array<T, N>> = N;
template <class T, std::size_t N>
inline constexpr std::size_t fixed_length<T[N]> = N;

template <class R>
using range_item_t = stored_t<detail::range_reference_t<R>>;

/// The values of `r`, owned by the expression (a statement may outlive the range it was
/// built from).
template <class R>
auto collect_items(R&& r) {
  using item = range_item_t<R>;
  using plain = std::remove_cvref_t<R>;
  if constexpr (fixed_length<plain> != 0) {
    constexpr std::size_t n = fixed_length<plain>;
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<item, n>{item(static_cast<R&&>(r)[I])...};
    }(std::make_index_sequence<n>{});
  } else if constexpr (std::is_same_v<plain, std::vector<item>> && !std::is_lvalue_reference_v<R>) {
    return std::vector<item>(TABULA_MOVE(r));
  } else {
    std::vector<item> out;
    if constexpr (detail::sized_range<R>) out.reserve(std::ranges::size(r));
    for (auto&& v : r) out.push_back(item(static_cast<decltype(v)&&>(v)));
    return out;
  }
}

template <bool Negated, class X, class R>
auto make_in(X&& x, R&& values) {
  using item = range_item_t<R>;
  static_assert(comparable<X, item>,
                "tabula: the values of in() must be of the operand's kind (numbers, text, ...). "
                "Pass values that compare with the operand.");
  auto items = collect_items(static_cast<R&&>(values));
  return in_expr<Negated, as_expr_t<X>, decltype(items)>{
      {{}, as_expr(static_cast<X&&>(x))}, TABULA_MOVE(items)};
}
}  // namespace detail

/// `x IN (values...)` for any range of values: a `std::vector`, a `std::array`, a `std::set`,
/// a C array, ... Values are copied into the expression. The statement's SQL is compiled once
/// per list length. An empty range is false.
template <column_or_expression X, detail::value_range R>
auto in(X&& x, R&& values) {
  return detail::make_in<false>(static_cast<X&&>(x), static_cast<R&&>(values));
}
/// `x IN (a, b, c)` from a braced list: `in(col(&T::id), {1, 2, 3})`.
template <column_or_expression X, class V>
auto in(X&& x, std::initializer_list<V> values) {
  return detail::make_in<false>(static_cast<X&&>(x), values);
}
/// `x NOT IN (values...)`; an empty range is true.
template <column_or_expression X, detail::value_range R>
auto not_in(X&& x, R&& values) {
  return detail::make_in<true>(static_cast<X&&>(x), static_cast<R&&>(values));
}
/// `x NOT IN (a, b, c)` from a braced list.
template <column_or_expression X, class V>
auto not_in(X&& x, std::initializer_list<V> values) {
  return detail::make_in<true>(static_cast<X&&>(x), values);
}

}  // namespace tabula
