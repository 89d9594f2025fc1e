#pragma once
/// \file array.hpp
/// `std::vector<T>` of a scalar as a PostgreSQL array column (`BIGINT[]`, `TEXT[]`, ...).
/// SQLite has no array type: creating such a table there, or using an array operator, is a
/// `programming_error` (see docs/models.md).

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tabula/schema/type_traits.hpp"

namespace tabula {

namespace detail {
/// Element types of an array column: bool, the mapped integers, float, double, std::string.
template <class T>
inline constexpr bool is_array_element_v =
    std::is_same_v<T, bool> || is_mapped_integer_v<T> || std::is_floating_point_v<T> ||
    std::is_same_v<T, std::string>;

/// Throws `conversion_error`: "tabula: the array ... <why>".
[[noreturn]] void throw_array_error(std::string_view why);
/// Appends `s` as a quoted array element: `"a \"b\""`.
void append_array_text(std::string& out, std::string_view s);
/// Appends a double as PostgreSQL reads it back exactly (NaN, Infinity, shortest digits).
void append_array_double(std::string& out, double v);
/// The elements of PostgreSQL's text form of a one-dimensional array (`{1,2}`,
/// `{"a b",c}`), unquoted; false when it is not one or holds NULL.
[[nodiscard]] bool split_array_text(std::string_view text, std::vector<std::string>& out);
[[nodiscard]] double parse_array_double(std::string_view s);
}  // namespace detail

/// `std::vector<T>` as `T[]` on PostgreSQL, written and read as PostgreSQL's array text. NULL
/// elements are not supported (reading one is a `conversion_error`).
template <class T>
struct type_traits<std::vector<T>, std::enable_if_t<detail::is_array_element_v<T>>> {
  using sql_value = std::string;  // made by to_sql: the driver copies it
  static constexpr ast::sql_type sql_type{ast::type_kind::array, 0, 0,
                                          type_traits<T>::sql_type.kind};

  static std::string to_sql(const std::vector<T>& v) {
    std::string out = "{";
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out += ',';
      if constexpr (std::is_same_v<T, bool>) {
        out += v[i] ? 't' : 'f';
      } else if constexpr (std::is_integral_v<T>) {
        char buf[24];
        out.append(buf, std::to_chars(buf, buf + sizeof buf, detail::integer_mapping_for<T>::to_sql(v[i])).ptr);
      } else if constexpr (std::is_floating_point_v<T>) {
        detail::append_array_double(out, static_cast<double>(v[i]));
      } else {
        detail::append_array_text(out, v[i]);
      }
    }
    out += '}';
    return out;
  }

  static std::vector<T> from_sql(std::string_view text) {
    std::vector<std::string> parts;
    if (!detail::split_array_text(text, parts)) {
      detail::throw_array_error("text is not a one-dimensional array without NULL elements");
    }
    std::vector<T> out;
    out.reserve(parts.size());
    for (auto& p : parts) {
      if constexpr (std::is_same_v<T, bool>) {
        if (p != "t" && p != "f" && p != "true" && p != "false") {
          detail::throw_array_error("an element is not a boolean");
        }
        out.push_back(p[0] == 't');
      } else if constexpr (std::is_integral_v<T>) {
        std::int64_t n = 0;
        const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
        if (ec != std::errc() || end != p.data() + p.size()) {
          detail::throw_array_error("an element is not an integer");
        }
        out.push_back(type_traits<T>::from_sql(n));
      } else if constexpr (std::is_floating_point_v<T>) {
        out.push_back(type_traits<T>::from_sql(detail::parse_array_double(p)));
      } else {
        out.push_back(std::move(p));
      }
    }
    return out;
  }
};

}  // namespace tabula
