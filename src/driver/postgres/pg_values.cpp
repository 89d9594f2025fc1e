// Decoding PostgreSQL values. The binary formats are those of the types' send/receive functions
// (src/backend/utils/adt/*.c in PostgreSQL): integers and floats big-endian, NUMERIC as base-10000
// digits, timestamps as microseconds and dates as days since 2000-01-01.

#include "pg_values.hpp"

#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>

#include "../driver_text.hpp"
#include "../typed_text.hpp"

namespace tabula::detail::pg {
namespace {


/// The big-endian integer of 2, 4 or 8 bytes at `offset`.
std::uint64_t get_be(std::string_view d, std::size_t offset, std::size_t bytes) noexcept {
  const char* p = d.data() + offset;
  switch (bytes) {
    case 2:
      return load_be16(p);
    case 4:
      return load_be32(p);
    default:
      return load_be64(p);
  }
}

std::int16_t get_i16(std::string_view d, std::size_t offset) noexcept {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(get_be(d, offset, 2)));
}

std::optional<std::int64_t> binary_integer(const cell& c) {
  switch (c.type) {
    case int2_oid:
      if (c.data.size() == 2) return get_i16(c.data, 0);
      break;
    case int4_oid:
      if (c.data.size() == 4) {
        return static_cast<std::int32_t>(static_cast<std::uint32_t>(get_be(c.data, 0, 4)));
      }
      break;
    case int8_oid:
      if (c.data.size() == 8) return static_cast<std::int64_t>(get_be(c.data, 0, 8));
      break;
    case oid_oid:
      if (c.data.size() == 4) return static_cast<std::int64_t>(get_be(c.data, 0, 4));
      break;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<double> binary_float(const cell& c) {
  if (c.type == float4_oid && c.data.size() == 4) {
    return std::bit_cast<float>(static_cast<std::uint32_t>(get_be(c.data, 0, 4)));
  }
  if (c.type == float8_oid && c.data.size() == 8) {
    return std::bit_cast<double>(get_be(c.data, 0, 8));
  }
  return std::nullopt;
}

bool is_integer_type(unsigned oid) {
  return oid == int2_oid || oid == int4_oid || oid == int8_oid || oid == oid_oid;
}

bool is_float_type(unsigned oid) { return oid == float4_oid || oid == float8_oid; }

// NUMERIC: int16 ndigits, int16 weight, uint16 sign, int16 dscale, then ndigits base-10000
// digits; digit i is worth 10000^(weight - i). Written the way PostgreSQL prints it, with
// dscale digits after the point.
bool numeric_text(std::string_view d, std::string& out) {
  if (d.size() < 8) return false;
  const int ndigits = get_i16(d, 0);
  const int weight = get_i16(d, 2);
  const auto sign = static_cast<std::uint16_t>(get_be(d, 4, 2));
  const int dscale = get_i16(d, 6);
  if (ndigits < 0 || dscale < 0 || d.size() != 8 + 2 * static_cast<std::size_t>(ndigits)) {
    return false;
  }
  switch (sign) {
    case 0xC000:
      out = "NaN";
      return true;
    case 0xD000:
      out = "Infinity";
      return true;
    case 0xF000:
      out = "-Infinity";
      return true;
    case 0x0000:
    case 0x4000:
      break;
    default:
      return false;
  }
  const auto digit = [&](int i) {
    return i >= 0 && i < ndigits ? get_i16(d, 8 + 2 * static_cast<std::size_t>(i)) : 0;
  };
  out.clear();
  if (sign == 0x4000) out += '-';
  if (weight < 0) {
    out += '0';
  } else {
    fmt::format_to(std::back_inserter(out), "{}", digit(0));
    for (int i = 1; i <= weight; ++i) fmt::format_to(std::back_inserter(out), "{:04}", digit(i));
  }
  if (dscale > 0) {
    out += '.';
    const auto point = out.size();
    for (int i = weight + 1; out.size() - point < static_cast<std::size_t>(dscale); ++i) {
      fmt::format_to(std::back_inserter(out), "{:04}", digit(i));
    }
    out.resize(point + static_cast<std::size_t>(dscale));
  }
  return true;
}

// A decimal number ("-123", "45.000") as an integer when it is one and fits.
std::optional<std::int64_t> decimal_to_int64(std::string_view s) {
  std::size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++i;
  std::uint64_t magnitude = 0;
  const std::size_t first_digit = i;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const auto digit = static_cast<std::uint64_t>(s[i] - '0');
    if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  if (i == first_digit) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] == '0'; ++i) {
    }
  }
  if (i != s.size()) return std::nullopt;  // a nonzero fraction, an exponent, NaN, Infinity
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (magnitude > max + 1) return std::nullopt;
    return magnitude == max + 1 ? std::numeric_limits<std::int64_t>::min()
                                : -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > max) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

std::optional<double> parse_double(std::string_view s) {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  double v = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_int64(std::string_view s) {
  std::int64_t v = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

// A double as an int64 when it is integral and within [-2^63, 2^63).
std::optional<std::int64_t> exact_int64(double v) {
  if (std::trunc(v) == v && v >= -9223372036854775808.0 && v < 9223372036854775808.0) {
    return static_cast<std::int64_t>(v);
  }
  return std::nullopt;
}

// "YYYY-MM-DD"; returns whether the year is before 1 AD, which PostgreSQL writes as "... BC".
bool format_date(std::int64_t days_since_2000, std::string& out) {
  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days_since_2000 + days_1970_to_2000, y, m, d);
  const bool bc = y <= 0;
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}", bc ? 1 - y : y, m, d);
  return bc;
}

// "HH:MM:SS" and, when there are any, the microseconds without trailing zeros.
void format_time_of_day(std::int64_t usecs, std::string& out) {
  const auto seconds = usecs / 1'000'000;
  fmt::format_to(std::back_inserter(out), "{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60,
                 seconds % 60);
  if (auto fraction = usecs % 1'000'000; fraction != 0) {
    int width = 6;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --width;
    }
    fmt::format_to(std::back_inserter(out), ".{:0{}}", fraction, width);
  }
}

void format_timestamp(std::int64_t usecs, std::string& out) {
  if (usecs == std::numeric_limits<std::int64_t>::max()) {
    out = "infinity";
    return;
  }
  if (usecs == std::numeric_limits<std::int64_t>::min()) {
    out = "-infinity";
    return;
  }
  auto days = usecs / usecs_per_day;
  auto time = usecs % usecs_per_day;
  if (time < 0) {
    --days;
    time += usecs_per_day;
  }
  out.clear();
  const bool bc = format_date(days, out);
  out += ' ';
  format_time_of_day(time, out);
  if (bc) out += " BC";
}

// As PostgreSQL prints an interval in its default style: "1 year 2 mons 3 days 04:05:06.5";
// a part after a negative one gets an explicit "+" (EncodeInterval in PostgreSQL's datetime.c).
void format_interval(std::string_view d, std::string& out) {
  const auto usecs = static_cast<std::int64_t>(get_be(d, 0, 8));
  const auto days = static_cast<std::int32_t>(static_cast<std::uint32_t>(get_be(d, 8, 4)));
  const auto months = static_cast<std::int32_t>(static_cast<std::uint32_t>(get_be(d, 12, 4)));
  out.clear();
  bool before_negative = false;
  const auto part = [&](std::int64_t n, std::string_view unit) {
    if (n == 0) return;
    fmt::format_to(std::back_inserter(out), "{}{}{} {}{}", out.empty() ? "" : " ",
                   before_negative && n > 0 ? "+" : "", n, unit, n == 1 ? "" : "s");
    before_negative = n < 0;
  };
  part(months / 12, "year");
  part(months % 12, "mon");
  part(days, "day");
  if (usecs != 0 || out.empty()) {
    if (!out.empty()) out += ' ';
    const std::uint64_t mag =
        usecs < 0 ? 0 - static_cast<std::uint64_t>(usecs) : static_cast<std::uint64_t>(usecs);
    if (usecs < 0) {
      out += '-';
    } else if (before_negative) {
      out += '+';
    }
    const std::uint64_t secs = mag / 1'000'000;
    fmt::format_to(std::back_inserter(out), "{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60,
                   secs % 60);
    if (auto fraction = mag % 1'000'000; fraction != 0) {
      int width = 6;
      while (fraction % 10 == 0) {
        fraction /= 10;
        --width;
      }
      fmt::format_to(std::back_inserter(out), ".{:0{}}", fraction, width);
    }
  }
}

void format_uuid(std::string_view d, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    fmt::format_to(std::back_inserter(out), "{:02x}", static_cast<unsigned char>(d[i]));
  }
}

std::optional<std::string_view> binary_text(const cell& c, std::string& scratch) {
  const auto& d = c.data;
  if (is_text_type(c.type) || c.type == json_oid || c.type == char_oid) return d;
  if (c.type == bool_oid) {
    if (d.size() != 1) return std::nullopt;
    return d[0] != 0 ? std::string_view("true") : std::string_view("false");
  }
  if (auto i = binary_integer(c)) {
    scratch.clear();
    fmt::format_to(std::back_inserter(scratch), "{}", *i);
    return scratch;
  }
  if (c.type == float4_oid) {
    if (auto f = binary_float(c)) {
      format_float(static_cast<float>(*f), scratch);
      return scratch;
    }
    return std::nullopt;
  }
  if (auto f = binary_float(c)) {
    format_float(*f, scratch);
    return scratch;
  }
  switch (c.type) {
    case numeric_oid:
      if (numeric_text(d, scratch)) return scratch;
      break;
    case jsonb_oid:  // a version byte (1), then the JSON text
      if (!d.empty() && d[0] == 1) return d.substr(1);
      break;
    case uuid_oid:
      if (d.size() == 16) {
        format_uuid(d, scratch);
        return scratch;
      }
      break;
    case timestamp_oid:
    case timestamptz_oid:  // microseconds since 2000-01-01 00:00 (UTC for timestamptz)
      if (d.size() == 8) {
        format_timestamp(static_cast<std::int64_t>(get_be(d, 0, 8)), scratch);
        return scratch;
      }
      break;
    case date_oid:
      if (d.size() == 4) {
        const auto days = static_cast<std::int32_t>(static_cast<std::uint32_t>(get_be(d, 0, 4)));
        if (days == std::numeric_limits<std::int32_t>::max()) return "infinity";
        if (days == std::numeric_limits<std::int32_t>::min()) return "-infinity";
        scratch.clear();
        if (format_date(days, scratch)) scratch += " BC";
        return scratch;
      }
      break;
    case time_oid:
      if (d.size() == 8) {
        scratch.clear();
        format_time_of_day(static_cast<std::int64_t>(get_be(d, 0, 8)), scratch);
        return scratch;
      }
      break;
    case interval_oid:
      if (d.size() == 16) {
        format_interval(d, scratch);
        return scratch;
      }
      break;
    default:
      if (array_element_type(c.type) != 0 && array_binary_text(d, scratch)) return scratch;
      break;
  }
  return std::nullopt;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea's text output in the default hex format: "\x" and two hex digits per byte.
bool decode_bytea_hex(std::string_view s, std::string& out) {
  if (s.size() < 2 || s[0] != '\\' || s[1] != 'x' || s.size() % 2 != 0) return false;
  out.clear();
  for (std::size_t i = 2; i < s.size(); i += 2) {
    const int hi = hex_digit(s[i]);
    const int lo = hex_digit(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

bool reads_binary(unsigned oid) noexcept {
  switch (oid) {
    case bool_oid:
    case bytea_oid:
    case char_oid:
    case int8_oid:
    case int2_oid:
    case int4_oid:
    case oid_oid:
    case json_oid:
    case float4_oid:
    case float8_oid:
    case date_oid:
    case time_oid:
    case timestamp_oid:
    case timestamptz_oid:
    case numeric_oid:
    case uuid_oid:
    case jsonb_oid:
    case interval_oid:
      return true;
    default:
      return is_text_type(oid) || array_element_type(oid) != 0;
  }
}

std::string type_name(unsigned oid) {
  switch (oid) {
    case bool_oid:
      return "boolean";
    case bytea_oid:
      return "bytea";
    case char_oid:
      return "\"char\"";
    case name_oid:
      return "name";
    case int8_oid:
      return "bigint";
    case int2_oid:
      return "smallint";
    case int4_oid:
      return "integer";
    case text_oid:
      return "text";
    case oid_oid:
      return "oid";
    case json_oid:
      return "json";
    case float4_oid:
      return "real";
    case float8_oid:
      return "double precision";
    case unknown_oid:
      return "unknown";
    case bpchar_oid:
      return "character";
    case varchar_oid:
      return "character varying";
    case date_oid:
      return "date";
    case time_oid:
      return "time";
    case timestamp_oid:
      return "timestamp";
    case timestamptz_oid:
      return "timestamp with time zone";
    case interval_oid:
      return "interval";
    case numeric_oid:
      return "numeric";
    case uuid_oid:
      return "uuid";
    case jsonb_oid:
      return "jsonb";
    default:
      if (const unsigned element = array_element_type(oid); element != 0) {
        return type_name(element) + "[]";
      }
      return fmt::format("type {}", oid);
  }
}

std::optional<bool> to_bool(const cell& c) {
  if (c.type == bool_oid) {
    if (c.binary) {
      if (c.data.size() == 1) return c.data[0] != 0;
      return std::nullopt;
    }
    if (c.data == "t") return true;
    if (c.data == "f") return false;
    return std::nullopt;
  }
  if (is_integer_type(c.type)) {  // as SQLite stores booleans: 0 or 1
    const auto v = c.binary ? binary_integer(c) : parse_int64(c.data);
    if (v && (*v == 0 || *v == 1)) return *v == 1;
  }
  return std::nullopt;
}

std::optional<std::int64_t> to_int64(const cell& c) {
  if (is_integer_type(c.type)) return c.binary ? binary_integer(c) : parse_int64(c.data);
  if (is_float_type(c.type)) {
    const auto v = c.binary ? binary_float(c) : parse_double(c.data);
    return v ? exact_int64(*v) : std::nullopt;
  }
  if (c.type == numeric_oid) {
    if (!c.binary) return decimal_to_int64(c.data);
    std::string text;
    return numeric_text(c.data, text) ? decimal_to_int64(text) : std::nullopt;
  }
  if (c.type == bool_oid) {
    const auto b = to_bool(c);
    return b ? std::optional<std::int64_t>(*b ? 1 : 0) : std::nullopt;
  }
  return std::nullopt;
}

std::optional<double> to_double(const cell& c) {
  if (is_float_type(c.type)) return c.binary ? binary_float(c) : parse_double(c.data);
  if (is_integer_type(c.type)) {
    const auto v = c.binary ? binary_integer(c) : parse_int64(c.data);
    return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
  }
  if (c.type == numeric_oid) {
    if (!c.binary) return parse_double(c.data);
    std::string text;
    return numeric_text(c.data, text) ? parse_double(text) : std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string_view> to_text(const cell& c, std::string& scratch) {
  if (c.type == bytea_oid) return std::nullopt;  // bytes, not text: read with get_blob
  if (c.binary) return binary_text(c, scratch);
  if (c.type == bool_oid) {
    const auto b = to_bool(c);
    return b ? std::optional<std::string_view>(*b ? "true" : "false") : std::nullopt;
  }
  return c.data;  // PostgreSQL's own text output
}

std::optional<driver::blob_view> to_blob(const cell& c, std::string& scratch) {
  const auto as_blob = [](std::string_view s) {
    return driver::blob_view(reinterpret_cast<const std::byte*>(s.data()), s.size());
  };
  if (c.type == bytea_oid) {
    if (c.binary) return as_blob(c.data);
    if (decode_bytea_hex(c.data, scratch)) return as_blob(scratch);
    return std::nullopt;
  }
  if (is_text_type(c.type)) return as_blob(c.data);
  return std::nullopt;
}

namespace {

std::optional<typed_value> binary_typed(const cell& c, typed_kind kind, std::uint8_t scale,
                                        std::string& scratch) {
  const auto& d = c.data;
  std::int64_t out = 0;
  switch (kind) {
    case typed_kind::timestamp:
      if ((c.type != timestamptz_oid && c.type != timestamp_oid) || d.size() != 8) break;
      if (__builtin_add_overflow(static_cast<std::int64_t>(get_be(d, 0, 8)), usecs_1970_to_2000,
                                 &out)) {
        break;  // infinity, or beyond what 64 bits of microseconds since 1970 hold
      }
      return typed_value{kind, 0, out, 0};
    case typed_kind::date: {
      if (c.type != date_oid || d.size() != 4) break;
      const auto days = static_cast<std::int32_t>(static_cast<std::uint32_t>(get_be(d, 0, 4)));
      if (days == std::numeric_limits<std::int32_t>::max() ||
          days == std::numeric_limits<std::int32_t>::min()) {
        break;  // infinity
      }
      return typed_value{kind, 0, days + days_1970_to_2000, 0};
    }
    case typed_kind::time_of_day:
      if (c.type != time_oid || d.size() != 8) break;
      return typed_value{kind, 0, static_cast<std::int64_t>(get_be(d, 0, 8)), 0};
    case typed_kind::interval: {
      if (c.type != interval_oid || d.size() != 16) break;
      const auto days = static_cast<std::int32_t>(static_cast<std::uint32_t>(get_be(d, 8, 4)));
      const auto months = static_cast<std::int32_t>(static_cast<std::uint32_t>(get_be(d, 12, 4)));
      if (months != 0 ||  // a month has no fixed length
          __builtin_mul_overflow(static_cast<std::int64_t>(days), usecs_per_day, &out) ||
          __builtin_add_overflow(out, static_cast<std::int64_t>(get_be(d, 0, 8)), &out)) {
        break;
      }
      return typed_value{kind, 0, out, 0};
    }
    case typed_kind::uuid:
      if (c.type != uuid_oid || d.size() != 16) break;
      return uuid_from_bytes(reinterpret_cast<const unsigned char*>(d.data()));
    case typed_kind::decimal:
      if (c.type == numeric_oid) {
        if (!numeric_text(d, scratch)) break;
        return parse_typed(scratch, kind, scale);
      }
      if (auto i = binary_integer(c)) {
        return parse_typed(fmt::format("{}", *i), kind, scale);
      }
      break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<typed_value> to_typed(const cell& c, typed_kind kind, std::uint8_t scale,
                                    std::string& scratch) {
  if (c.binary && !is_text_type(c.type)) return binary_typed(c, kind, scale, scratch);
  return parse_typed(c.data, kind, scale);  // PostgreSQL's text output, or text holding one
}

}  // namespace tabula::detail::pg
