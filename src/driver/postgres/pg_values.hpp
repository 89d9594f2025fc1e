#pragma once
// Reading PostgreSQL values from a result cell, in the binary or the text format, by type OID.

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // arrays of the types above
  name_array_oid = 1003,
  bool_array_oid = 1000,
  int2_array_oid = 1005,
  int4_array_oid = 1007,
  text_array_oid = 1009,
  bpchar_array_oid = 1014,
  varchar_array_oid = 1015,
  int8_array_oid = 1016,
  float4_array_oid = 1021,
  float8_array_oid = 1022,
  numeric_array_oid = 1231,
};

/// The element type of an array type whose elements the driver converts (booleans, integers,
/// floats, numeric, character types); 0 for any other type.
[[nodiscard]] unsigned array_element_type(unsigned array_oid) noexcept;

/// Character types, whose binary format is the text itself.
[[nodiscard]] inline bool is_text_type(unsigned oid) noexcept {
  return oid == text_oid || oid == varchar_oid || oid == bpchar_oid || oid == name_oid ||
         oid == unknown_oid;
}

/// Whether every getter reads this type in the binary format. A statement with a result
/// column of any other type (enums, domains, extension types, arrays of elements other than
/// those of `array_element_type`) asks for text results instead, so that such values read as
/// PostgreSQL prints them.
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

/// Per result column: the elements of the array read last, for the `array_value` viewing them.
struct array_scratch {
  std::vector<std::uint8_t> bools;
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::string_view> texts;  // into the result, or into `text`
  std::string text;                     // elements unescaped from array text
  void clear() noexcept;
};

/// Reads an array cell (binary or text) as `want` elements (`boolean`, `int64`, `float64`,
/// `string_view`; see `driver::statement::get_array`) into `s`, viewed by `out`. Nothing on
/// success; else what the cell holds that cannot be read so ("a 2-dimensional array", "an
/// array with a NULL element", "an array of numeric (element 0: 1.5)", ...).
[[nodiscard]] std::optional<std::string> read_array(const cell& c, array_element want,
                                                    array_scratch& s, array_value& out);

/// PostgreSQL's text of a binary array (`{1,2}`, `{{1,2},{3,4}}`, `[0:1]={a,b}`, `{NULL}`);
/// false when it is malformed or its elements have no text here.
[[nodiscard]] bool array_binary_text(std::string_view data, std::string& out);

enum class array_encoding : std::uint8_t {
  done,         ///< written in the binary format
  not_binary,   ///< the elements do not convert to the element type: send the array text
  bad_element,  ///< an element is out of the element type's range (described in `bad`)
};
/// Writes `v` into `out` as a binary array of `element`s (the parameter's element type).
[[nodiscard]] array_encoding encode_array(const array_value& v, unsigned element, std::string& out,
                                          std::string& bad);

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

/// Big-endian encodings of the binary parameter formats: inline, as an array of doubles
/// writes one per element.
inline void put_be16(char* out, std::uint16_t v) noexcept {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap16(v);
  std::memcpy(out, &v, sizeof v);
}
inline void put_be32(char* out, std::uint32_t v) noexcept {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  std::memcpy(out, &v, sizeof v);
}
inline void put_be64(char* out, std::uint64_t v) noexcept {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(out, &v, sizeof v);
}

}  // namespace tabula::detail::pg
