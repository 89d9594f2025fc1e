#pragma once
/// \file uuid.hpp
/// `tabula::uuid`: a 128-bit identifier (RFC 9562), stored as PostgreSQL `UUID` and as a
/// 16-byte SQLite `BLOB`; random (version 4) and time-ordered (version 7) generation.

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>  // declares std::hash too (specialized below), as <functional> does

#include "tabula/schema/type_traits.hpp"

namespace tabula {

/// A UUID: 16 bytes, compared and ordered byte by byte as both databases order them.
///
/// ```cpp
/// struct Artifact {
///   tabula::uuid id = tabula::uuid::v7();  // a primary key that sorts by creation time
///   std::string name;
/// };
/// ```
class uuid {
 public:
  using bytes_type = std::array<std::uint8_t, 16>;

  /// The nil UUID, 00000000-0000-0000-0000-000000000000.
  constexpr uuid() noexcept = default;
  constexpr explicit uuid(const bytes_type& bytes) noexcept : bytes_(bytes) {}

  /// A random UUID (version 4): 122 random bits from a per-thread generator seeded by
  /// `std::random_device`.
  [[nodiscard]] static uuid v4();
  /// A time-ordered UUID (version 7): the Unix time in milliseconds, then random bits. UUIDs
  /// made by one thread increase strictly (a 12-bit counter orders those of one millisecond),
  /// so as keys they are inserted in index order.
  [[nodiscard]] static uuid v7();
  /// The max UUID, ffffffff-ffff-ffff-ffff-ffffffffffff.
  [[nodiscard]] static constexpr uuid max() noexcept {
    bytes_type b{};
    b.fill(0xff);
    return uuid(b);
  }

  /// Reads the canonical form, 8-4-4-4-12 hex digits (either case); nothing when `text` is not
  /// one.
  [[nodiscard]] static std::optional<uuid> parse(std::string_view text) noexcept;
  /// The canonical form in lower case: "0190c9a4-3b1e-7c2a-9f4e-0a1b2c3d4e5f".
  [[nodiscard]] std::string to_string() const;

  [[nodiscard]] constexpr const bytes_type& bytes() const noexcept { return bytes_; }
  /// The version field: 4 or 7 for generated UUIDs, 0 for nil.
  [[nodiscard]] constexpr int version() const noexcept { return bytes_[6] >> 4; }
  [[nodiscard]] constexpr bool is_nil() const noexcept { return *this == uuid(); }

  friend constexpr bool operator==(const uuid&, const uuid&) noexcept = default;
  friend constexpr auto operator<=>(const uuid&, const uuid&) noexcept = default;

 private:
  bytes_type bytes_{};
};

/// `tabula::uuid` as UUID (PostgreSQL) and a 16-byte BLOB (SQLite).
template <>
struct type_traits<uuid> {
  using sql_value = typed_value;
  static constexpr ast::sql_type sql_type{ast::type_kind::uuid};
  static constexpr sql_value to_sql(const uuid& u) noexcept {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      hi = hi << 8 | u.bytes()[i];
      lo = lo << 8 | u.bytes()[8 + i];
    }
    return {typed_kind::uuid, 0, static_cast<std::int64_t>(hi), lo};
  }
  static constexpr uuid from_sql(sql_value v) noexcept {
    uuid::bytes_type b{};
    const auto hi = static_cast<std::uint64_t>(v.value);
    for (std::size_t i = 0; i < 8; ++i) {
      b[i] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
      b[8 + i] = static_cast<std::uint8_t>(v.low >> (56 - 8 * i));
    }
    return uuid(b);
  }
};

}  // namespace tabula

/// Hashes a `tabula::uuid` (its bytes are random already, or nearly: v7's are mixed).
template <>
struct std::hash<tabula::uuid> {
  std::size_t operator()(const tabula::uuid& u) const noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
    for (const auto b : u.bytes()) h = (h ^ b) * 0x100000001b3ULL;
    return static_cast<std::size_t>(h);
  }
};
