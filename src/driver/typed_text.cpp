// Text spellings of times, UUIDs and decimals shared by the drivers.

#include "typed_text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>

namespace tabula::detail {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

namespace {

// Writes into a fixed buffer, tracking the end.
struct text_out {
  typed_text_buffer& buf;
  std::size_t n = 0;
  template <class... Args>
  void put(fmt::format_string<Args...> f, Args&&... args) {
    n += fmt::format_to_n(buf.data() + n, buf.size() - n, f, std::forward<Args>(args)...).size;
  }
  void put(char c) { buf[n++] = c; }
  // `v` (>= 0) as exactly `width` digits: the fixed-width fields of dates and times, written
  // by hand because they are written once per value bound.
  void digits(std::uint64_t v, std::size_t width) {
    for (std::size_t i = width; i-- > 0; v /= 10) buf[n + i] = static_cast<char>('0' + v % 10);
    n += width;
  }
  [[nodiscard]] std::string_view view() const { return {buf.data(), n}; }
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// "YYYY-MM-DD"; false when the style cannot spell the year. Sets `bc` for years before 1.
bool put_date(text_out& out, std::int64_t days, typed_style style, bool& bc) {
  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days, y, m, d);
  bc = y <= 0;
  if (style == typed_style::sqlite && (y < 1 || y > 9999)) return false;
  const auto year = static_cast<std::uint64_t>(bc ? 1 - y : y);
  if (year > 9999) {
    out.put("{}", year);  // PostgreSQL reads years of more than 4 digits
  } else {
    out.digits(year, 4);
  }
  out.put('-');
  out.digits(m, 2);
  out.put('-');
  out.digits(d, 2);
  return true;
}

// "HH:MM:SS.ffffff" of microseconds since midnight.
void put_time(text_out& out, std::int64_t usecs) {
  const auto u = static_cast<std::uint64_t>(usecs);
  const std::uint64_t s = u / 1'000'000;
  out.digits(s / 3600, 2);
  out.put(':');
  out.digits(s / 60 % 60, 2);
  out.put(':');
  out.digits(s % 60, 2);
  out.put('.');
  out.digits(u % 1'000'000, 6);
}

void put_decimal(text_out& out, std::int64_t v, unsigned scale) {
  const bool negative = v < 0;
  // The magnitude as unsigned, so INT64_MIN has one.
  const std::uint64_t mag = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::uint64_t pow = 1;
  for (unsigned i = 0; i < scale; ++i) pow *= 10;
  if (negative) out.put("-");
  out.put("{}", mag / pow);
  if (scale > 0) out.put(".{:0{}}", mag % pow, scale);
}

// A parser over the text, one piece at a time.
struct reader {
  std::string_view s;
  std::size_t i = 0;
  [[nodiscard]] bool done() const { return i == s.size(); }
  [[nodiscard]] char peek() const { return i < s.size() ? s[i] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  bool eat(std::string_view word) {
    if (s.substr(i).starts_with(word)) {
      i += word.size();
      return true;
    }
    return false;
  }
  // Exactly `min`..`max` decimal digits as a number.
  bool digits(std::int64_t& v, std::size_t min, std::size_t max) {
    v = 0;
    std::size_t k = 0;
    while (k < max && i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i] - '0');
      ++i;
      ++k;
    }
    return k >= min;
  }
  // ".ffffff..." as microseconds; digits past the sixth must be zeros (else precision is lost).
  bool fraction(std::int64_t& usecs) {
    usecs = 0;
    if (!eat('.')) return true;
    std::size_t k = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (k < 6) {
        usecs = usecs * 10 + (s[i] - '0');
      } else if (s[i] != '0') {
        return false;
      }
      ++i;
      ++k;
    }
    for (; k < 6; ++k) usecs *= 10;
    return true;
  }
};

bool read_date(reader& r, std::int64_t& days) {
  std::int64_t y = 0;
  std::int64_t m = 0;
  std::int64_t d = 0;
  if (!r.digits(y, 4, 9) || !r.eat('-') || !r.digits(m, 2, 2) || !r.eat('-') ||
      !r.digits(d, 2, 2) || m < 1 || m > 12 || d < 1) {
    return false;
  }
  static constexpr unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > month_days[m - 1]) return false;
  if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return false;
  days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// The days of a year written with " BC" (year 1 BC is year 0).
void apply_bc(reader& r, std::int64_t& days) {
  if (!r.eat(" BC")) return;
  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days, y, m, d);
  days = days_from_civil(1 - y, m, d);
}

bool read_time(reader& r, std::int64_t& usecs, std::int64_t max_hours) {
  std::int64_t h = 0;
  std::int64_t m = 0;
  std::int64_t s = 0;
  std::int64_t f = 0;
  if (!r.digits(h, 1, 12) || !r.eat(':') || !r.digits(m, 2, 2) || !r.eat(':') ||
      !r.digits(s, 2, 2) || !r.fraction(f) || h > max_hours || m > 59 || s > 59) {
    return false;
  }
  usecs = ((h * 60 + m) * 60 + s) * usecs_per_second + f;
  return true;
}

// A zone suffix: 'Z', '+HH', '+HH:MM', '+HH:MM:SS' (or '-'), as seconds east of UTC.
bool read_zone(reader& r, std::int64_t& seconds) {
  seconds = 0;
  if (r.eat('Z')) return true;
  const char sign = r.peek();
  if (sign != '+' && sign != '-') return true;
  ++r.i;
  std::int64_t h = 0;
  std::int64_t m = 0;
  std::int64_t s = 0;
  if (!r.digits(h, 2, 2)) return false;
  if (r.eat(':') && !r.digits(m, 2, 2)) return false;
  if (r.eat(':') && !r.digits(s, 2, 2)) return false;
  seconds = (h * 3600 + m * 60 + s) * (sign == '-' ? -1 : 1);
  return true;
}

std::optional<typed_value> parse_timestamp(reader& r) {
  std::int64_t days = 0;
  std::int64_t usecs = 0;
  std::int64_t zone = 0;
  if (!read_date(r, days)) return std::nullopt;
  if (r.eat(' ') || r.eat('T')) {
    if (!read_time(r, usecs, 24) || !read_zone(r, zone)) return std::nullopt;
  }
  apply_bc(r, days);
  if (!r.done()) return std::nullopt;
  std::int64_t out = 0;
  if (__builtin_mul_overflow(days, usecs_per_day, &out) || __builtin_add_overflow(out, usecs, &out) ||
      __builtin_sub_overflow(out, zone * usecs_per_second, &out)) {
    return std::nullopt;
  }
  return typed_value{typed_kind::timestamp, 0, out, 0};
}

// '[N day[s]] [-]H:MM:SS[.f]', '[-]N day[s]', or a plain '[-]H:MM:SS[.f]'.
std::optional<typed_value> parse_interval(reader& r) {
  std::int64_t days = 0;
  std::int64_t usecs = 0;
  const auto signed_number = [&](std::int64_t& v) {
    const bool neg = r.eat('-');
    if (!neg) r.eat('+');
    if (!r.digits(v, 1, 18)) return false;
    if (neg) v = -v;
    return true;
  };
  const std::size_t start = r.i;
  std::int64_t n = 0;
  if (signed_number(n) && (r.eat(" days") || r.eat(" day"))) {
    days = n;
    if (!r.done() && !r.eat(' ')) return std::nullopt;
  } else {
    r.i = start;
  }
  if (!r.done()) {
    const bool neg = r.eat('-');
    if (!neg) r.eat('+');
    if (!read_time(r, usecs, std::numeric_limits<std::int64_t>::max() / 3'600'000'000)) {
      return std::nullopt;
    }
    if (neg) usecs = -usecs;
  }
  if (!r.done()) return std::nullopt;  // months, years, other styles
  std::int64_t out = 0;
  if (__builtin_mul_overflow(days, usecs_per_day, &out) ||
      __builtin_add_overflow(out, usecs, &out)) {
    return std::nullopt;
  }
  return typed_value{typed_kind::interval, 0, out, 0};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<typed_value> parse_uuid(std::string_view s) {
  if (s.size() != 36) return std::nullopt;
  unsigned char bytes[16];
  std::size_t b = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int hi = hex_value(s[i]);
    const int lo = hex_value(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes[b++] = static_cast<unsigned char>(hi * 16 + lo);
    i += 2;
  }
  return uuid_from_bytes(bytes);
}

std::optional<typed_value> parse_decimal(std::string_view s, std::uint8_t scale) {
  reader r{s};
  const bool negative = r.eat('-');
  if (!negative) r.eat('+');
  std::uint64_t mag = 0;
  std::size_t int_digits = 0;
  std::size_t significant = 0;
  const auto add_digit = [&](char c) {
    if (mag != 0 || c != '0') ++significant;
    mag = mag * 10 + static_cast<std::uint64_t>(c - '0');
  };
  while (!r.done() && r.peek() >= '0' && r.peek() <= '9') {
    add_digit(r.peek());
    ++r.i;
    ++int_digits;
    if (significant > 18) return std::nullopt;
  }
  std::size_t frac_digits = 0;
  if (r.eat('.')) {
    while (!r.done() && r.peek() >= '0' && r.peek() <= '9') {
      if (frac_digits >= scale) {
        if (r.peek() != '0') return std::nullopt;  // more digits than the scale keeps
      } else {
        add_digit(r.peek());
        ++frac_digits;
        if (significant > 18) return std::nullopt;
      }
      ++r.i;
    }
  }
  if (!r.done() || (int_digits == 0 && frac_digits == 0)) return std::nullopt;
  for (; frac_digits < scale; ++frac_digits) {
    mag *= 10;
    if (mag > 999'999'999'999'999'999ULL) return std::nullopt;
  }
  const auto v = static_cast<std::int64_t>(mag);
  return typed_value{typed_kind::decimal, scale, negative ? -v : v, 0};
}

}  // namespace

std::optional<std::string_view> typed_text(const typed_value& v, typed_style style,
                                           typed_text_buffer& buf) {
  text_out out{buf};
  bool bc = false;
  switch (v.kind) {
    case typed_kind::timestamp: {
      const std::int64_t days = floor_div(v.value, usecs_per_day);
      if (!put_date(out, days, style, bc)) return std::nullopt;
      out.put(' ');
      put_time(out, v.value - days * usecs_per_day);
      if (style == typed_style::postgres) out.put("+00{}", bc ? " BC" : "");
      return out.view();
    }
    case typed_kind::date:
      if (!put_date(out, v.value, style, bc)) return std::nullopt;
      if (bc) out.put(" BC");
      return out.view();
    case typed_kind::time_of_day:
      if (v.value < 0 || v.value >= usecs_per_day) return std::nullopt;
      put_time(out, v.value);
      return out.view();
    case typed_kind::interval: {
      const std::uint64_t mag =
          v.value < 0 ? 0 - static_cast<std::uint64_t>(v.value) : static_cast<std::uint64_t>(v.value);
      const std::uint64_t s = mag / 1'000'000;
      out.put("{}{}:{:02}:{:02}.{:06}", v.value < 0 ? "-" : "", s / 3600, s / 60 % 60, s % 60,
              mag % 1'000'000);
      return out.view();
    }
    case typed_kind::uuid: {
      unsigned char b[16];
      uuid_bytes(v, b);
      for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.put("-");
        out.put("{:02x}", b[i]);
      }
      return out.view();
    }
    case typed_kind::decimal:
      put_decimal(out, v.value, v.scale);
      return out.view();
  }
  return std::nullopt;
}

std::optional<typed_value> parse_typed(std::string_view text, typed_kind kind,
                                       std::uint8_t scale) {
  reader r{text};
  switch (kind) {
    case typed_kind::timestamp:
      return parse_timestamp(r);
    case typed_kind::date: {
      std::int64_t days = 0;
      if (!read_date(r, days)) return std::nullopt;
      apply_bc(r, days);
      if (!r.done()) return std::nullopt;
      return typed_value{typed_kind::date, 0, days, 0};
    }
    case typed_kind::time_of_day: {
      std::int64_t usecs = 0;
      if (!read_time(r, usecs, 23) || !r.done()) return std::nullopt;
      return typed_value{typed_kind::time_of_day, 0, usecs, 0};
    }
    case typed_kind::interval:
      return parse_interval(r);
    case typed_kind::uuid:
      return parse_uuid(text);
    case typed_kind::decimal:
      return parse_decimal(text, scale);
  }
  return std::nullopt;
}

void uuid_bytes(const typed_value& v, unsigned char* out) noexcept {
  const auto hi = static_cast<std::uint64_t>(v.value);
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
    out[8 + i] = static_cast<unsigned char>(v.low >> (56 - 8 * i));
  }
}

typed_value uuid_from_bytes(const unsigned char* in) noexcept {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  for (int i = 0; i < 8; ++i) {
    hi = hi << 8 | in[i];
    lo = lo << 8 | in[8 + i];
  }
  return typed_value{typed_kind::uuid, 0, static_cast<std::int64_t>(hi), lo};
}

std::string describe_typed(const typed_value& v) {
  static constexpr std::string_view names[] = {"timestamp", "date",  "time of day",
                                               "interval",  "uuid", "decimal"};
  typed_text_buffer buf;
  const auto text = typed_text(v, typed_style::postgres, buf);
  if (!text) return fmt::format("the {} {}", names[static_cast<int>(v.kind)], v.value);
  return fmt::format("the {} {}", names[static_cast<int>(v.kind)], *text);
}

}  // namespace tabula::detail
