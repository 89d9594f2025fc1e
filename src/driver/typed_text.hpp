#pragma once
// The text spellings of `typed_value`s that both drivers use: the fixed-width ISO-8601 text
// SQLite stores, and the input text PostgreSQL parses (COPY, values read in the text format).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tabula/ast/value.hpp"

namespace tabula::detail {

inline constexpr std::int64_t usecs_per_second = 1'000'000;
inline constexpr std::int64_t usecs_per_day = 86'400 * usecs_per_second;

/// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
[[nodiscard]] std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept;
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept;

/// Enough room for the text of any typed value.
using typed_text_buffer = std::array<char, 64>;

/// Which spelling `typed_text` writes.
enum class typed_style : std::uint8_t {
  /// SQLite's stored text: timestamps 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC, 26 characters), dates
  /// 'YYYY-MM-DD', times 'HH:MM:SS.ffffff' — fixed width, so text order is time order, and read
  /// by SQLite's date functions. Years 1 to 9999 only.
  sqlite,
  /// PostgreSQL's input: the same with "+00" after a timestamp, " BC" for years before 1, and
  /// any number of year digits.
  postgres,
};

/// The text of `v`, or nothing when `style` cannot spell it (a year outside 1..9999 on SQLite,
/// a time of day outside [00:00, 24:00)). Intervals are '[-]H:MM:SS.ffffff', UUIDs the
/// canonical 36 hex digits and hyphens, decimals '[-]digits[.digits]' with `scale` digits after
/// the point.
[[nodiscard]] std::optional<std::string_view> typed_text(const typed_value& v, typed_style style,
                                                         typed_text_buffer& buf);

/// Reads the text of a `kind` value: what `typed_text` writes, SQLite's own date function
/// output ('YYYY-MM-DD HH:MM:SS', a 'T' separator, a 'Z' or '+HH:MM' zone), and PostgreSQL's
/// output in the ISO date style (intervals '[N days] [-]HH:MM:SS[.f]'). Nothing when the text
/// is not such a value, or would lose digits (more than 6 digits of a second, more than `scale`
/// digits of a decimal, a decimal beyond 18 digits, an interval with months).
[[nodiscard]] std::optional<typed_value> parse_typed(std::string_view text, typed_kind kind,
                                                     std::uint8_t scale);

/// The 16 bytes of a UUID value (big-endian), and back.
void uuid_bytes(const typed_value& v, unsigned char* out) noexcept;
[[nodiscard]] typed_value uuid_from_bytes(const unsigned char* in) noexcept;

/// What a typed value is called in messages: "the timestamp 2024-01-02 03:04:05.000000".
[[nodiscard]] std::string describe_typed(const typed_value& v);

}  // namespace tabula::detail
