#pragma once
/// \file type_category.hpp
/// Which C++ types an expression may mix: each mapped type falls in a category (boolean,
/// number, text, blob, other); comparisons, arithmetic and assignments are checked by
/// category, and arithmetic yields the type SQL computes in.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "tabula/ast/ast.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula::detail {

enum class category : std::uint8_t { boolean, number, text, blob, other };

template <class T>
constexpr category category_of() {
  using U = unwrap_optional_t<std::remove_cvref_t<T>>;
  if constexpr (std::is_same_v<U, bool>) return category::boolean;
  else if constexpr (std::is_enum_v<U>) return category::other;
  else if constexpr (std::is_arithmetic_v<U>) return category::number;
  else if constexpr (std::is_convertible_v<const U&, std::string_view>) return category::text;
  else if constexpr (std::is_same_v<U, blob>) return category::blob;
  else return category::other;
}

template <class A, class B>
constexpr bool comparable_types() {
  using UA = unwrap_optional_t<std::remove_cvref_t<A>>;
  using UB = unwrap_optional_t<std::remove_cvref_t<B>>;
  constexpr category ca = category_of<A>();
  constexpr category cb = category_of<B>();
  if constexpr (ca == category::other || cb == category::other) return std::is_same_v<UA, UB>;
  else return ca == cb;
}

/// `T` without `std::optional`, references or cv-qualifiers.
template <class T>
using bare_t = unwrap_optional_t<std::remove_cvref_t<T>>;

template <class T>
constexpr bool is_number = category_of<T>() == category::number;
template <class T>
constexpr bool is_integer_number = is_number<T> && std::is_integral_v<bare_t<T>>;
template <class T>
constexpr bool is_floating_number = is_number<T> && std::is_floating_point_v<bare_t<T>>;
template <class T>
constexpr bool is_text = category_of<T>() == category::text;
template <class T>
constexpr bool is_boolean = category_of<T>() == category::boolean;

/// The C++ integer type of the SQL integer column type integer `U` is stored in (SMALLINT,
/// INTEGER or BIGINT): the type SQL arithmetic on it yields.
template <class U>
using sql_integer_t = std::conditional_t<
    type_traits<U>::sql_type.kind == ast::type_kind::int16, std::int16_t,
    std::conditional_t<type_traits<U>::sql_type.kind == ast::type_kind::int32, std::int32_t,
                       std::int64_t>>;

/// The result type of SQL arithmetic on numbers of types `A` and `B` (optionals unwrapped):
/// double when either is floating, else the wider of their SQL integer types. Both databases
/// compute in these types (PostgreSQL: `smallint + integer` is `integer`).
template <class A, class B>
using arithmetic_t =
    std::conditional_t<std::is_floating_point_v<bare_t<A>> || std::is_floating_point_v<bare_t<B>>,
                       double,
                       std::conditional_t<(sizeof(sql_integer_t<bare_t<A>>) >=
                                           sizeof(sql_integer_t<bare_t<B>>)),
                                          sql_integer_t<bare_t<A>>, sql_integer_t<bare_t<B>>>>;

/// `V`, or `std::optional<V>` when `Nullable`.
template <class V, bool Nullable>
using maybe_optional_t = std::conditional_t<Nullable, std::optional<V>, V>;

/// How a C++ value of type V is stored inside an expression: by value, with text owned.
template <class V>
using stored_t = std::conditional_t<
    std::is_convertible_v<const std::remove_cvref_t<V>&, std::string_view> &&
        !std::is_same_v<std::remove_cvref_t<V>, std::string>,
    std::string_view,  // string literals and views: the caller's text, which outlives the call
    std::remove_cvref_t<V>>;

/// True when a value of type `T` may be NULL: it is a `std::optional`.
template <class T>
constexpr bool is_nullable = is_optional_v<std::remove_cvref_t<T>>;

/// The SQL type a C++ type is stored as.
template <class T>
constexpr ast::sql_type sql_type_of() {
  return type_traits<bare_t<T>>::sql_type;
}

}  // namespace tabula::detail
