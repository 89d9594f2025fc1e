#pragma once
/// \file range.hpp
/// The three range notions the headers need — an input range, its reference type, a range that
/// knows its size — and the few searches they make, on `<iterator>` (whose
/// `std::ranges::begin`, `end` and `size` the standard makes available there). `<ranges>`
/// brings the views and their adaptors besides, which none of the headers use, and costs every
/// file that includes tabula a twentieth of a second of parsing.

#include <iterator>
#include <utility>

namespace tabula::detail {

/// `std::ranges::iterator_t<R>`: the type `std::ranges::begin` gives for an lvalue `R`.
template <class R>
using iterator_t = decltype(std::ranges::begin(std::declval<R&>()));

/// What `std::ranges::input_range` says: `begin` and `end` of an lvalue `R`, an input iterator.
template <class R>
concept input_range = requires(R& r) {
  std::ranges::begin(r);
  std::ranges::end(r);
} && std::input_iterator<iterator_t<R>>;

/// `std::ranges::range_reference_t<R>`: what dereferencing the range's iterator gives.
template <input_range R>
using range_reference_t = std::iter_reference_t<iterator_t<R>>;

/// `std::ranges::sized_range`: `std::ranges::size` tells the length without walking the range.
template <class R>
concept sized_range = input_range<R> && requires(R& r) { std::ranges::size(r); };

/// The first element of `r` equal to `v`, or `std::ranges::end(r)`: `std::ranges::find`, without
/// `<algorithm>` (a tenth of a second of parsing for each file including tabula, with the hash
/// tables and `<functional>` it comes with).
template <class R, class V>
  requires input_range<std::remove_reference_t<R>>
auto range_find(R&& r, const V& v) {
  auto it = std::ranges::begin(r);
  const auto end = std::ranges::end(r);
  while (it != end && !(*it == v)) ++it;
  return it;
}

/// Whether `r` holds an element equal to `v`.
template <class R, class V>
  requires input_range<std::remove_reference_t<R>>
bool range_contains(R&& r, const V& v) {
  return detail::range_find(r, v) != std::ranges::end(r);
}

/// Whether `a` and `b` hold equal elements in the same order: `std::ranges::equal`.
template <class A, class B>
  requires input_range<const A> && input_range<const B>
bool range_equal(const A& a, const B& b) {
  auto i = std::ranges::begin(a);
  auto j = std::ranges::begin(b);
  for (; i != std::ranges::end(a) && j != std::ranges::end(b); ++i, ++j) {
    if (!(*i == *j)) return false;
  }
  return i == std::ranges::end(a) && j == std::ranges::end(b);
}

}  // namespace tabula::detail
