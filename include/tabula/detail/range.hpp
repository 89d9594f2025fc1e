#pragma once
/// \file range.hpp
/// The three range notions the headers need — an input range, its reference type, a range that
/// knows its size — built on `<iterator>` (whose `std::ranges::begin`, `end` and `size` the
/// standard makes available there). `<ranges>` brings the views and their adaptors besides,
/// which none of the headers use, and costs every file that includes tabula a twentieth of a
/// second of parsing.

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

}  // namespace tabula::detail
