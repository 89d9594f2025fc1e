#pragma once
/// \file array_value.hpp
/// `tabula::array_value`: a one-dimensional array of scalars as a driver binds and reads it (a
/// view of contiguous C++ elements, no copy), and its PostgreSQL array text.

#include <cstddef>
#include <cstdint>
#include <string>

namespace tabula {

/// The C++ type of an `array_value`'s elements.
enum class array_element : std::uint8_t {
  boolean,  ///< `bool`
  bits,     ///< `data` is the `const std::vector<bool>*` itself (its bits have no address)
  int8,
  int16,
  int32,
  int64,
  uint8,
  uint16,
  uint32,
  uint64,
  float32,
  float64,
  string,       ///< `std::string`
  string_view,  ///< `std::string_view`
};

/// A one-dimensional array without NULL elements: `size` elements of type `element` at
/// `data`. It refers to the elements, which stay alive while it is used (as a `std::string_view`
/// does). Bound by a driver in the database's array type (PostgreSQL's binary array format);
/// read back by `driver::statement::get_array` as `std::uint8_t` (booleans, 0 or 1),
/// `std::int64_t`, `double` or `std::string_view` elements, which the reader converts to its
/// own.
struct array_value {
  array_element element = array_element::int64;
  const void* data = nullptr;
  std::size_t size = 0;
};

namespace detail {
/// Appends `v` as PostgreSQL's array text (`{1,2}`, `{"a b","c\"d"}`, `{NaN,-0}`), which
/// reads back exactly: shortest round-trip digits for doubles, every string quoted. Throws
/// `conversion_error` for a `std::uint64_t` element above `INT64_MAX`.
void append_array_text(std::string& out, const array_value& v);
/// `append_array_text` into a new string.
[[nodiscard]] std::string array_text(const array_value& v);
}  // namespace detail

}  // namespace tabula
