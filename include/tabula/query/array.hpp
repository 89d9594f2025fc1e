#pragma once
/// \file array.hpp
/// Operators on PostgreSQL array columns (`std::vector<T>` fields):
///
/// | C++ | PostgreSQL | C++ type |
/// |---|---|---|
/// | `array_contains(col(&Run::tags), tags)` | `("run"."tags" @> $1)` | `bool` |
/// | `array_overlaps(col(&Run::tags), tags)` | `("run"."tags" && $1)` | `bool` |
/// | `in_array("gpu", col(&Run::tags))` | `($1 = ANY("run"."tags"))` | `bool` |
///
/// Both operands of `@>` and `&&` are arrays of one element type; `in_array` takes an element
/// of the array's type. On SQLite, which has no arrays, compiling any of them is a
/// `programming_error`.

#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/query/column.hpp"
#include "tabula/query/functions.hpp"
#include "tabula/types/array.hpp"

namespace tabula {

namespace detail {
template <class T>
struct array_parts {
  static constexpr bool is_array = false;
  using element = void;
};
template <class T>
  requires is_array_element_v<T>
struct array_parts<std::vector<T>> {
  static constexpr bool is_array = true;
  using element = T;
};
template <class E>
using array_of = array_parts<bare_t<expression_value_t<as_expr_t<E>>>>;

template <class A, class B>
constexpr bool same_arrays =
    array_of<A>::is_array && array_of<B>::is_array &&
    std::is_same_v<typename array_of<A>::element, typename array_of<B>::element>;
}  // namespace detail

/// Whether array `a` holds every element of array `b` (`a @> b`).
template <column_or_expression A, class B>
constexpr auto array_contains(A&& a, B&& b) {
  static_assert(detail::same_arrays<A, B>,
                "tabula: array_contains compares two arrays of one element type. Pass an array "
                "column and a std::vector of its element type.");
  return detail::call<detail::fn<"array_contains">, bool>(static_cast<A&&>(a), static_cast<B&&>(b));
}

/// Whether arrays `a` and `b` share an element (`a && b`).
template <column_or_expression A, class B>
constexpr auto array_overlaps(A&& a, B&& b) {
  static_assert(detail::same_arrays<A, B>,
                "tabula: array_overlaps compares two arrays of one element type. Pass an array "
                "column and a std::vector of its element type.");
  return detail::call<detail::fn<"array_overlaps">, bool>(static_cast<A&&>(a), static_cast<B&&>(b));
}

/// Whether `x` is an element of array `a` (`x = ANY(a)`).
template <class X, column_or_expression A>
constexpr auto in_array(X&& x, A&& a) {
  static_assert(detail::array_of<A>::is_array,
                "tabula: in_array looks for a value in an array column. Pass an array (a "
                "std::vector column) second.");
  static_assert(detail::comparable_types<expression_value_t<detail::as_expr_t<X>>,
                                 typename detail::array_of<A>::element>(),
                "tabula: in_array looks for a value of the array's element type. Pass a value "
                "of that type.");
  return detail::call<detail::fn<"in_array">, bool>(static_cast<X&&>(x), static_cast<A&&>(a));
}

}  // namespace tabula
