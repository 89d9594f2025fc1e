#pragma once
// Walking the elements of an `array_value` as one of four families (bool, 64-bit integer,
// double, text), with the switch on the C++ element type outside the loop, so that encoding
// an array costs a few instructions per element.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tabula/driver/array_value.hpp"

namespace tabula::detail {

enum class array_family : std::uint8_t { boolean, integer, floating, text };

[[nodiscard]] constexpr array_family family_of(array_element e) noexcept {
  switch (e) {
    case array_element::boolean:
    case array_element::bits:
      return array_family::boolean;
    case array_element::float32:
    case array_element::float64:
      return array_family::floating;
    case array_element::string:
    case array_element::string_view:
      return array_family::text;
    default:
      return array_family::integer;
  }
}

/// Throws `conversion_error`: element `index`, a `std::uint64_t`, is above INT64_MAX.
[[noreturn]] void throw_array_element_range(std::size_t index, std::uint64_t value);

namespace array_walk {
template <class E, class F>
void each(const array_value& v, F&& f) {
  const E* p = static_cast<const E*>(v.data);
  for (std::size_t i = 0; i < v.size; ++i) f(p[i]);
}
}  // namespace array_walk

/// Calls `f(x)` for each element of `v`, a `bool` array (`family_of` is `boolean`).
template <class F>
void for_each_bool(const array_value& v, F&& f) {
  if (v.element == array_element::bits) {
    for (const bool b : *static_cast<const std::vector<bool>*>(v.data)) f(b);
  } else {
    array_walk::each<bool>(v, f);
  }
}

/// Calls `f(std::int64_t)` for each element of `v`, an integer array; a `std::uint64_t` above
/// INT64_MAX throws `conversion_error`.
template <class F>
void for_each_integer(const array_value& v, F&& f) {
  using array_walk::each;
  const auto as_int = [&f](auto x) { f(static_cast<std::int64_t>(x)); };
  switch (v.element) {
    case array_element::int8:
      each<std::int8_t>(v, as_int);
      return;
    case array_element::int16:
      each<std::int16_t>(v, as_int);
      return;
    case array_element::int32:
      each<std::int32_t>(v, as_int);
      return;
    case array_element::uint8:
      each<std::uint8_t>(v, as_int);
      return;
    case array_element::uint16:
      each<std::uint16_t>(v, as_int);
      return;
    case array_element::uint32:
      each<std::uint32_t>(v, as_int);
      return;
    case array_element::uint64: {
      const auto* p = static_cast<const std::uint64_t*>(v.data);
      for (std::size_t i = 0; i < v.size; ++i) {
        if (p[i] > static_cast<std::uint64_t>(INT64_MAX)) throw_array_element_range(i, p[i]);
        f(static_cast<std::int64_t>(p[i]));
      }
      return;
    }
    default:
      each<std::int64_t>(v, f);
      return;
  }
}

/// Calls `f(double)` for each element of `v`, a `float` or `double` array.
template <class F>
void for_each_double(const array_value& v, F&& f) {
  if (v.element == array_element::float32) {
    array_walk::each<float>(v, [&f](float x) { f(static_cast<double>(x)); });
  } else {
    array_walk::each<double>(v, f);
  }
}

/// Calls `f(std::string_view)` for each element of `v`, a text array.
template <class F>
void for_each_text(const array_value& v, F&& f) {
  if (v.element == array_element::string) {
    array_walk::each<std::string>(v, [&f](const std::string& x) { f(std::string_view(x)); });
  } else {
    array_walk::each<std::string_view>(v, f);
  }
}

/// Calls `f(x)` for each element of `v`, in order: `x` is a `bool`, `std::int64_t`, `double` or
/// `std::string_view` by `family_of(v.element)`.
template <class F>
void for_each_element(const array_value& v, F&& f) {
  switch (family_of(v.element)) {
    case array_family::boolean:
      for_each_bool(v, f);
      return;
    case array_family::integer:
      for_each_integer(v, f);
      return;
    case array_family::floating:
      for_each_double(v, f);
      return;
    case array_family::text:
      for_each_text(v, f);
      return;
  }
}

/// Whether PostgreSQL's array input reads `s` as written only inside double quotes: empty,
/// holding a delimiter, quote, backslash or white space, or spelling NULL.
[[nodiscard]] bool array_text_needs_quotes(std::string_view s) noexcept;
/// Appends `s` inside double quotes, `"` and `\` escaped by a backslash.
void append_quoted_array_element(std::string& out, std::string_view s);

}  // namespace tabula::detail
