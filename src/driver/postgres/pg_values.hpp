#pragma once
// Reading PostgreSQL values from a result cell, in the binary or the text format, by type OID.

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "tabula/driver/driver.hpp"

namespace tabula::detail::pg {

/// Type OIDs of the built-in types the driver knows (from PostgreSQL's pg_type.dat; libpq-dev
/// does not install the server's catalog headers).
enum type_oid : unsigned {
  bool_oid = 16,
  bytea_oid = 17,
  char_oid = 18,
  name_oid = 19,
  int8_oid = 20,
  int2_oid = 21,
  int4_oid = 23,
  text_oid = 25,
  oid_oid = 26,
  json_oid = 114,
  float4_oid = 700,
  float8_oid = 701,
  unknown_oid = 705,
  bpchar_oid = 1042,
  varchar_oid = 1043,
  date_oid = 1082,
  time_oid = 1083,
  timestamp_oid = 1114,
  timestamptz_oid = 1184,
  interval_oid = 1186,
  numeric_oid = 1700,
  uuid_oid = 2950,
  jsonb_oid = 3802,
};

/// Character types, whose binary format is the text itself.
[[nodiscard]] inline bool is_text_type(unsigned oid) noexcept {
  return oid == text_oid || oid == varchar_oid || oid == bpchar_oid || oid == name_oid ||
         oid == unknown_oid;
}

/// Whether every getter reads this type in the binary format. A statement with a result
/// column of any other type (arrays, intervals, enums, domains, extension types) asks for
/// text results instead, so that such values read as PostgreSQL prints them.
[[nodiscard]] bool reads_binary(unsigned oid) noexcept;

/// The SQL name of a type for messages ("smallint", "text", ...; "type 1234" when unknown).
[[nodiscard]] std::string type_name(unsigned oid);

/// One non-NULL value of a result.
struct cell {
  unsigned type;
  bool binary;
  std::string_view data;
};

// Each conversion returns nothing when the value does not convert without loss; the caller
// throws with the column's name. `scratch` holds text or bytes produced by the conversion.
[[nodiscard]] std::optional<bool> to_bool(const cell& c);
[[nodiscard]] std::optional<std::int64_t> to_int64(const cell& c);
[[nodiscard]] std::optional<double> to_double(const cell& c);
[[nodiscard]] std::optional<std::string_view> to_text(const cell& c, std::string& scratch);
[[nodiscard]] std::optional<driver::blob_view> to_blob(const cell& c, std::string& scratch);
/// A time, UUID or decimal of `kind` from its binary form (TIMESTAMPTZ, DATE, TIME, INTERVAL,
/// UUID, NUMERIC) or from text; nothing when the value is not one exactly (infinity, an
/// interval with months, more digits than `scale`, ...).
[[nodiscard]] std::optional<typed_value> to_typed(const cell& c, typed_kind kind,
                                                  std::uint8_t scale, std::string& scratch);

/// Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
inline constexpr std::int64_t usecs_1970_to_2000 = 946'684'800'000'000;
inline constexpr std::int64_t days_1970_to_2000 = 10'957;

/// The big-endian integer in the first 2, 4 or 8 bytes of `p`.
[[nodiscard]] inline std::uint16_t load_be16(const char* p) noexcept {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return std::endian::native == std::endian::big ? v : __builtin_bswap16(v);
}
[[nodiscard]] inline std::uint32_t load_be32(const char* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return std::endian::native == std::endian::big ? v : __builtin_bswap32(v);
}
[[nodiscard]] inline std::uint64_t load_be64(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return std::endian::native == std::endian::big ? v : __builtin_bswap64(v);
}

/// Big-endian encodings of the binary parameter formats.
void put_be16(char* out, std::uint16_t v) noexcept;
void put_be32(char* out, std::uint32_t v) noexcept;
void put_be64(char* out, std::uint64_t v) noexcept;

}  // namespace tabula::detail::pg
