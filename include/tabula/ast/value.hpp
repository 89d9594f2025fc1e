#pragma once
/// \file value.hpp
/// A runtime SQL value: what a bound parameter or an inline literal holds when its C++ type
/// is not known at compile time (conditions composed at run time, DDL literals, raw SQL).

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace tabula {

/// A binary large object as stored in a model: `std::vector<std::byte>`.
using blob = std::vector<std::byte>;

/// What a `typed_value` holds. Each driver stores each kind in its database's own type (see
/// docs/models.md).
enum class typed_kind : std::uint8_t {
  timestamp,    ///< microseconds since 1970-01-01 00:00:00 UTC
  date,         ///< days since 1970-01-01
  time_of_day,  ///< microseconds since midnight, in [0, 86400000000)
  interval,     ///< microseconds (negative for a span backwards)
  uuid,         ///< 128 bits: the first 8 bytes (big-endian) in `value`, the last 8 in `low`
  decimal,      ///< `value / 10^scale`
};

/// A value whose storage differs between databases (a time, a UUID, a decimal): one integer
/// (two for a UUID) with its meaning, which each driver encodes in its own format — binary
/// TIMESTAMPTZ/DATE/TIME/INTERVAL/UUID/NUMERIC on PostgreSQL, fixed-width ISO-8601 text,
/// integers and 16-byte blobs on SQLite. Trivially copyable: binding one allocates nothing.
struct typed_value {
  typed_kind kind = typed_kind::timestamp;
  std::uint8_t scale = 0;  ///< decimal: digits after the point
  std::int64_t value = 0;
  std::uint64_t low = 0;  ///< uuid: the last 8 bytes
  friend bool operator==(const typed_value&, const typed_value&) = default;
  friend auto operator<=>(const typed_value&, const typed_value&) = default;
};

namespace ast {

/// SQL NULL.
struct null_t {
  friend bool operator==(null_t, null_t) = default;
};

/// One runtime SQL value: a class deriving from its `std::variant` (`std::visit`, `std::get`,
/// `std::get_if`, `std::holds_alternative`, `std::variant_size`, `index()` and comparisons work
/// as on the variant, which converts to and from it). The alternatives are the storage classes
/// every driver binds and reads natively, and `typed_value`, which each driver encodes in its
/// own way; `type_traits<T>` maps each C++ type onto one of them. A default-constructed value is
/// NULL.
///
/// The constructors from each alternative and the special members are compiled once in the
/// library (src/ast/ast.cpp); the variant's own constructors and assignments (from an `int`, a
/// `const char*`, `std::in_place_type`...) stay available, with the variant's rules: a pointer
/// other than `const char*` converts to nothing.
struct value : std::variant<null_t, bool, std::int64_t, double, std::string, blob, typed_value> {
  using variant_type =
      std::variant<null_t, bool, std::int64_t, double, std::string, blob, typed_value>;
  using variant_type::variant_type;

  value() noexcept;
  value(const variant_type& v);      // NOLINT(google-explicit-constructor)
  value(variant_type&& v) noexcept;  // NOLINT(google-explicit-constructor)
  value(null_t v) noexcept;        // NOLINT(google-explicit-constructor)
  value(std::int64_t v) noexcept;  // NOLINT(google-explicit-constructor)
  value(double v) noexcept;        // NOLINT(google-explicit-constructor)
  value(std::string v) noexcept;   // NOLINT(google-explicit-constructor)
  value(blob v) noexcept;          // NOLINT(google-explicit-constructor)
  value(typed_value v) noexcept;   // NOLINT(google-explicit-constructor)
  value(const value& other);
  value(value&& other) noexcept;
  value& operator=(const value& other);
  value& operator=(value&& other) noexcept;
  /// Assigns what the variant accepts (`v = 5`, `v = "text"`).
  template <class T>
    requires(!std::is_same_v<std::remove_cvref_t<T>, value> &&
             std::is_assignable_v<variant_type&, T &&>)
  value& operator=(T&& t) {
    variant_type::operator=(static_cast<T&&>(t));
    return *this;
  }
  ~value();
};

}  // namespace ast
}  // namespace tabula

// Instantiated once, in the library (src/ast/ast.cpp).
extern template class std::allocator<tabula::ast::value>;
extern template class std::vector<tabula::ast::value>;

/// The variant's size and alternatives, as for the `std::variant` it derives from.
template <>
struct std::variant_size<tabula::ast::value>
    : std::variant_size<tabula::ast::value::variant_type> {};
template <std::size_t I>
struct std::variant_alternative<I, tabula::ast::value>
    : std::variant_alternative<I, tabula::ast::value::variant_type> {};
