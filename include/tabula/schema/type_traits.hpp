#pragma once
/// \file type_traits.hpp
/// How a C++ type is stored in a column: `tabula::type_traits<T>`, the customization point users
/// specialize for their own types, and the built-in mappings.
///
/// | C++ type                                   | column type | `sql_value`                  |
/// |--------------------------------------------|-------------|------------------------------|
/// | `bool`                                     | boolean     | `bool`                       |
/// | `std::int8_t`, `std::int16_t`, `std::uint8_t` | int16    | `std::int64_t`               |
/// | `std::int32_t`, `std::uint16_t`            | int32       | `std::int64_t`               |
/// | `std::int64_t`, `std::uint32_t`, `std::uint64_t` | int64 | `std::int64_t`               |
/// | `float`                                    | float32     | `double`                     |
/// | `double`                                   | float64     | `double`                     |
/// | `std::string`                              | text        | `std::string_view`           |
/// | `tabula::blob` (`std::vector<std::byte>`)  | blob        | `std::span<const std::byte>` |
/// | enumerations                               | as their underlying integer type          ||
///
/// Times, UUIDs and decimals (`tabula/types/*.hpp`) are stored as a `tabula::typed_value`,
/// which each driver encodes in its database's own type; arrays (`tabula/types/array.hpp`) as
/// a `tabula::array_value`, a view of their elements.
///
/// `std::optional<T>` is not a mapping of its own: it makes the column nullable and maps `T`.
/// No conversion loses information silently: out-of-range values throw `conversion_error`.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "tabula/ast/ast.hpp"
#include "tabula/ast/value.hpp"
#include "tabula/driver/array_value.hpp"
#include "tabula/error.hpp"

namespace tabula {

/// The mapping of `T` onto a column. The primary template is left undefined: a type without a
/// specialization has no SQL mapping. A specialization provides
///
/// ```cpp
/// // bool, std::int64_t, double, std::string_view, std::span<const std::byte>,
/// // tabula::typed_value, tabula::array_value, or std::string (text made by to_sql, which
/// // the driver copies):
/// using sql_value = ...;
/// static constexpr ast::sql_type sql_type{...};  // the column type in CREATE TABLE
/// static sql_value to_sql(const T& v);           // may throw conversion_error
/// static T from_sql(sql_value v);                // may throw conversion_error
/// ```
///
/// A `std::string_view` or `std::span` returned by `to_sql` may refer into `v` (or to static
/// storage), so it is used while `v` lives; `from_sql` copies what it keeps. A type whose text
/// is made by `to_sql` (JSON serialized from a document) returns a `std::string`, which the
/// driver copies when bound; its `from_sql` takes the stored text as a `std::string_view`. `Enable` allows
/// partial specializations constrained with `std::enable_if_t`.
template <class T, class Enable = void>
struct type_traits;

namespace detail {
template <class V>
inline constexpr bool is_sql_value_v =
    std::is_same_v<V, bool> || std::is_same_v<V, std::int64_t> || std::is_same_v<V, double> ||
    std::is_same_v<V, std::string_view> || std::is_same_v<V, std::span<const std::byte>> ||
    std::is_same_v<V, typed_value> || std::is_same_v<V, array_value> ||
    std::is_same_v<V, std::string>;
}  // namespace detail

namespace detail {
/// What a `typed_value` read from a column of type `k` holds (timestamps for TIMESTAMPTZ, ...).
constexpr typed_kind typed_kind_of(ast::type_kind k) noexcept {
  switch (k) {
    case ast::type_kind::date:
      return typed_kind::date;
    case ast::type_kind::time:
      return typed_kind::time_of_day;
    case ast::type_kind::interval:
      return typed_kind::interval;
    case ast::type_kind::uuid:
      return typed_kind::uuid;
    case ast::type_kind::decimal:
      return typed_kind::decimal;
    default:
      return typed_kind::timestamp;
  }
}

/// The elements a driver reads for an array of `element`s (`driver::statement::get_array`):
/// `bool`, 64-bit integers, doubles or text.
constexpr array_element array_element_read_as(ast::type_kind element) noexcept {
  switch (element) {
    case ast::type_kind::boolean:
      return array_element::boolean;
    case ast::type_kind::float32:
    case ast::type_kind::float64:
      return array_element::float64;
    case ast::type_kind::int16:
    case ast::type_kind::int32:
    case ast::type_kind::int64:
      return array_element::int64;
    default:
      return array_element::string_view;
  }
}

template <class T>
concept has_sql_value = requires {
  typename type_traits<T>::sql_value;
};

template <class T>
concept has_sql_conversions = requires(const T& v, typename type_traits<T>::sql_value s) {
  { type_traits<T>::sql_type } -> std::convertible_to<ast::sql_type>;
  { type_traits<T>::to_sql(v) } -> std::same_as<typename type_traits<T>::sql_value>;
  { type_traits<T>::from_sql(s) } -> std::same_as<T>;
};
}  // namespace detail

/// A type with a complete `type_traits<T>` providing `sql_value`, `sql_type`, `to_sql` and
/// `from_sql` with the signatures above.
template <class T>
concept sql_mappable = detail::has_sql_value<T> &&
    detail::is_sql_value_v<typename type_traits<T>::sql_value> && detail::has_sql_conversions<T>;

namespace detail {
template <class T>
struct optional_parts {
  static constexpr bool is_optional = false;
  using type = T;
};
template <class U>
struct optional_parts<std::optional<U>> {
  static constexpr bool is_optional = true;
  using type = U;
};
}  // namespace detail

/// Whether `T` is a `std::optional` (a nullable column).
template <class T>
inline constexpr bool is_optional_v = detail::optional_parts<std::remove_cv_t<T>>::is_optional;

/// `U` for `std::optional<U>`, else `T`.
template <class T>
using unwrap_optional_t = typename detail::optional_parts<std::remove_cv_t<T>>::type;

/// A type a field may have: a mapped type, or a `std::optional` of one.
template <class T>
concept column_type = sql_mappable<unwrap_optional_t<T>>;

/// Fails to compile, with a message saying what to do, unless `T` is a `column_type`. The
/// instantiation context of the error names the type.
template <class T>
consteval void assert_column_type() {
  static_assert(column_type<T>,
                "tabula: the field type has no SQL mapping. Specialize tabula::type_traits<T> for "
                "it (see docs/models.md).");
}

namespace detail {

[[noreturn]] void throw_out_of_range(std::int64_t value, std::string_view cpp_type);
[[noreturn]] void throw_out_of_range(std::uint64_t value, std::string_view cpp_type);
[[noreturn]] void throw_out_of_range(double value, std::string_view cpp_type);

/// Integers of any width and signedness, stored as the database's 64-bit signed integer in a
/// column wide enough for every value of the C++ type.
template <std::size_t Size, bool Signed>
struct integer_mapping {
  static constexpr ast::type_kind kind =
      Size == 1               ? ast::type_kind::int16
      : Size == 2             ? (Signed ? ast::type_kind::int16 : ast::type_kind::int32)
      : (Size == 4 && Signed) ? ast::type_kind::int32
                              : ast::type_kind::int64;
  static constexpr std::string_view name = Signed ? (Size == 1   ? "std::int8_t"
                                                     : Size == 2 ? "std::int16_t"
                                                     : Size == 4 ? "std::int32_t"
                                                                 : "std::int64_t")
                                                  : (Size == 1   ? "std::uint8_t"
                                                     : Size == 2 ? "std::uint16_t"
                                                     : Size == 4 ? "std::uint32_t"
                                                                 : "std::uint64_t");

  template <class I>
  static constexpr std::int64_t to_sql(I v) {
    if constexpr (!Signed && Size >= sizeof(std::int64_t)) {
      if (v > static_cast<I>(std::numeric_limits<std::int64_t>::max())) {
        throw_out_of_range(static_cast<std::uint64_t>(v), name);
      }
    }
    return static_cast<std::int64_t>(v);
  }

  template <class I>
  static constexpr I from_sql(std::int64_t v) {
    if constexpr (Signed) {
      if constexpr (Size < sizeof(std::int64_t)) {
        if (v < std::numeric_limits<I>::min() || v > std::numeric_limits<I>::max()) {
          throw_out_of_range(v, name);
        }
      }
    } else {
      if (v < 0) throw_out_of_range(v, name);
      if constexpr (Size < sizeof(std::int64_t)) {
        if (static_cast<std::uint64_t>(v) > std::numeric_limits<I>::max()) {
          throw_out_of_range(v, name);
        }
      }
    }
    return static_cast<I>(v);
  }
};

/// The integer types with a built-in mapping: every standard signed and unsigned type. Plain
/// `char`, the character types and `bool` are excluded; `signed char`/`unsigned char` are the
/// 8-bit integers.
template <class T>
inline constexpr bool is_mapped_integer_v =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
    !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> &&
    !std::is_same_v<T, char32_t>;

template <class T>
using integer_mapping_for = integer_mapping<sizeof(T), std::is_signed_v<T>>;

}  // namespace detail

/// `bool` as BOOLEAN.
template <>
struct type_traits<bool> {
  using sql_value = bool;
  static constexpr ast::sql_type sql_type{ast::type_kind::boolean};
  static constexpr sql_value to_sql(bool v) noexcept { return v; }
  static constexpr bool from_sql(sql_value v) noexcept { return v; }
};

/// Integers as SMALLINT, INTEGER or BIGINT, whichever holds every value of the type; an
/// `std::uint64_t` above `INT64_MAX` cannot be stored and throws `conversion_error`.
template <class T>
struct type_traits<T, std::enable_if_t<detail::is_mapped_integer_v<T>>> {
  using sql_value = std::int64_t;
  static constexpr ast::sql_type sql_type{detail::integer_mapping_for<T>::kind};
  static constexpr sql_value to_sql(T v) { return detail::integer_mapping_for<T>::to_sql(v); }
  static constexpr T from_sql(sql_value v) {
    return detail::integer_mapping_for<T>::template from_sql<T>(v);
  }
};

/// Enumerations as their underlying integer type.
template <class T>
struct type_traits<T, std::enable_if_t<std::is_enum_v<T>>> {
  using underlying = std::underlying_type_t<T>;
  using mapping = detail::integer_mapping<sizeof(underlying), std::is_signed_v<underlying>>;
  using sql_value = std::int64_t;
  static constexpr ast::sql_type sql_type{mapping::kind};
  static constexpr sql_value to_sql(T v) { return mapping::to_sql(static_cast<underlying>(v)); }
  static constexpr T from_sql(sql_value v) {
    return static_cast<T>(mapping::template from_sql<underlying>(v));
  }
};

/// `float` as REAL; a value beyond `float`'s range throws `conversion_error` when read.
template <>
struct type_traits<float> {
  using sql_value = double;
  static constexpr ast::sql_type sql_type{ast::type_kind::float32};
  static constexpr sql_value to_sql(float v) noexcept { return v; }
  static constexpr float from_sql(sql_value v) {
    // NaN and infinities convert exactly; a finite value beyond float's range would not.
    if (v == v &&
        (v > static_cast<double>(std::numeric_limits<float>::max()) ||
         v < -static_cast<double>(std::numeric_limits<float>::max())) &&
        v != std::numeric_limits<double>::infinity() &&
        v != -std::numeric_limits<double>::infinity()) {
      detail::throw_out_of_range(v, "float");
    }
    return static_cast<float>(v);
  }
};

/// `double` as DOUBLE PRECISION.
template <>
struct type_traits<double> {
  using sql_value = double;
  static constexpr ast::sql_type sql_type{ast::type_kind::float64};
  static constexpr sql_value to_sql(double v) noexcept { return v; }
  static constexpr double from_sql(sql_value v) noexcept { return v; }
};

/// `std::string` as TEXT (VARCHAR(n) with `tabula::max_length`).
template <>
struct type_traits<std::string> {
  using sql_value = std::string_view;
  static constexpr ast::sql_type sql_type{ast::type_kind::text};
  static sql_value to_sql(const std::string& v) noexcept { return v; }
  static std::string from_sql(sql_value v) { return std::string(v); }
};

/// `tabula::blob` (`std::vector<std::byte>`) as BLOB / BYTEA.
template <>
struct type_traits<blob> {
  using sql_value = std::span<const std::byte>;
  static constexpr ast::sql_type sql_type{ast::type_kind::blob};
  // Defined in the library: constructing a std::span, or a vector from its iterators, checks
  // their constructors' concepts, which would cost every file including tabula.
  static sql_value to_sql(const blob& v) noexcept;
  static blob from_sql(sql_value v);
};

namespace detail {
template <class V>
inline constexpr bool is_view_value_v =
    std::is_same_v<V, std::string_view> || std::is_same_v<V, std::span<const std::byte>> ||
    std::is_same_v<V, array_value>;
}  // namespace detail

/// A base for mapping a type of your own onto a type tabula already maps, by writing only the
/// two conversions:
///
/// ```cpp
/// struct Money { std::int64_t cents; };
/// template <>
/// struct tabula::type_traits<Money> : tabula::mapped_as<std::int64_t, Money> {
///   static std::int64_t to_db(const Money& m) { return m.cents; }
///   static Money from_db(std::int64_t cents) { return Money{cents}; }
/// };
/// ```
///
/// `Storage` is the mapped type the value is stored as (its column type and checks apply);
/// `T` is the type being mapped, the one `type_traits` is specialized for (named because a base
/// class cannot see which class derives from it). `from_db` may throw `conversion_error` for a
/// stored value that is not a valid `T`. When `Storage` is stored as a view (`std::string`,
/// `tabula::blob`), `to_db` returns a reference into the object, or a `std::string_view` /
/// `std::span<const std::byte>` of the object or of static storage — never a temporary.
template <class Storage, class T>
struct mapped_as {
  static_assert(sql_mappable<Storage>,
                "tabula: the storage type of mapped_as<Storage, T> has no SQL mapping. Use a "
                "built-in type (see docs/models.md) or another mapped type as Storage.");

  using storage_type = Storage;
  using sql_value = typename type_traits<Storage>::sql_value;
  static constexpr ast::sql_type sql_type = type_traits<Storage>::sql_type;

  static sql_value to_sql(const T& v) {
    using result = decltype(type_traits<T>::to_db(v));
    if constexpr (std::is_same_v<std::remove_cvref_t<result>, sql_value>) {
      return type_traits<T>::to_db(v);
    } else {
      static_assert(!detail::is_view_value_v<sql_value> || std::is_lvalue_reference_v<result>,
                    "tabula: to_db returns a temporary that the stored view would outlive. "
                    "Return a reference into the object, or a std::string_view / std::span of "
                    "it or of static storage.");
      return type_traits<Storage>::to_sql(type_traits<T>::to_db(v));
    }
  }

  static T from_sql(sql_value v) {
    return type_traits<T>::from_db(type_traits<Storage>::from_sql(v));
  }
};

}  // namespace tabula
