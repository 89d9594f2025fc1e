#pragma once
/// \file array.hpp
/// `std::vector<T>` of a scalar as a PostgreSQL array column (`BIGINT[]`, `TEXT[]`, ...),
/// bound and read in PostgreSQL's binary array format.
/// SQLite has no array type: creating such a table there, or using an array operator, is a
/// `programming_error` (see docs/models.md).

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tabula/driver/array_value.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

namespace detail {
/// Element types of an array column: bool, the mapped integers, float, double, std::string.
template <class T>
inline constexpr bool is_array_element_v =
    std::is_same_v<T, bool> || is_mapped_integer_v<T> || std::is_floating_point_v<T> ||
    std::is_same_v<T, std::string>;

/// The `array_element` naming `T`, a C++ element type.
template <class T>
constexpr array_element array_element_of() noexcept {
  if constexpr (std::is_same_v<T, bool>) {
    return array_element::bits;  // std::vector<bool> packs its bits
  } else if constexpr (std::is_same_v<T, float>) {
    return array_element::float32;
  } else if constexpr (std::is_floating_point_v<T>) {
    static_assert(std::is_same_v<T, double>,
                  "tabula: array elements are float or double. Use std::vector<double>.");
    return array_element::float64;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return array_element::string;
  } else {
    constexpr int width = sizeof(T) == 1 ? 0 : sizeof(T) == 2 ? 1 : sizeof(T) == 4 ? 2 : 3;
    constexpr array_element signed_kinds[] = {array_element::int8, array_element::int16,
                                              array_element::int32, array_element::int64};
    constexpr array_element unsigned_kinds[] = {array_element::uint8, array_element::uint16,
                                                array_element::uint32, array_element::uint64};
    return std::is_signed_v<T> ? signed_kinds[width] : unsigned_kinds[width];
  }
}

/// Throws `conversion_error` unless a driver read `v` as `expected` elements.
void check_array_read(const array_value& v, array_element expected);
}  // namespace detail

/// `std::vector<T>` as `T[]` on PostgreSQL, bound and read in PostgreSQL's binary array format
/// (elements exact: doubles bit for bit, strings byte for byte). NULL elements and arrays of
/// more than one dimension are not supported (reading one is a `conversion_error`).
template <class T>
struct type_traits<std::vector<T>, std::enable_if_t<detail::is_array_element_v<T>>> {
  using sql_value = array_value;  // a view of the vector's elements
  static constexpr ast::sql_type sql_type{ast::type_kind::array, 0, 0,
                                          type_traits<T>::sql_type.kind};

  static array_value to_sql(const std::vector<T>& v) noexcept {
    if constexpr (std::is_same_v<T, bool>) {
      return {array_element::bits, &v, v.size()};
    } else {
      return {detail::array_element_of<T>(), v.data(), v.size()};
    }
  }

  static std::vector<T> from_sql(array_value v) {
    constexpr array_element read_as = detail::array_element_read_as(sql_type.element);
    if constexpr (read_as == array_element::boolean) {
      detail::check_array_read(v, array_element::uint8);
      const auto* p = static_cast<const std::uint8_t*>(v.data);
      return std::vector<T>(p, p + v.size);
    } else if constexpr (std::is_same_v<T, double>) {
      detail::check_array_read(v, array_element::float64);
      const auto* p = static_cast<const double*>(v.data);
      return std::vector<T>(p, p + v.size);
    } else if constexpr (std::is_same_v<T, std::string>) {
      detail::check_array_read(v, array_element::string_view);
      const auto* p = static_cast<const std::string_view*>(v.data);
      return std::vector<T>(p, p + v.size);
    } else {
      using E = std::conditional_t<read_as == array_element::int64, std::int64_t, double>;
      detail::check_array_read(v, read_as);
      const auto* p = static_cast<const E*>(v.data);
      std::vector<T> out;
      out.reserve(v.size);
      for (std::size_t i = 0; i < v.size; ++i) out.push_back(type_traits<T>::from_sql(p[i]));
      return out;
    }
  }
};

}  // namespace tabula
