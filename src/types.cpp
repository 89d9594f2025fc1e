/// \file types.cpp
/// The parts of the time, UUID, decimal and blob column types that do not depend on user types.

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <string_view>

#include "driver/typed_text.hpp"
#include "tabula/error.hpp"
#include "tabula/types/time.hpp"
#include "tabula/types/uuid.hpp"
#include "tabula/types/decimal.hpp"
#include "tabula/types/array.hpp"

namespace tabula::detail {

void throw_time_error(std::string_view type, std::int64_t count, std::string_view reason) {
  throw_error<conversion_error>(
      fmt::format("tabula: the {} value {} cannot be stored or read exactly: {}.", type, count,
                  reason));
}

}  // namespace tabula::detail

namespace tabula {

std::chrono::hh_mm_ss<std::chrono::microseconds> time_of_day::hms() const {
  return std::chrono::hh_mm_ss<std::chrono::microseconds>(since_midnight);
}

type_traits<blob>::sql_value type_traits<blob>::to_sql(const blob& v) noexcept {
  return {v.data(), v.size()};
}

blob type_traits<blob>::from_sql(sql_value v) { return blob(v.begin(), v.end()); }

namespace {

std::mt19937_64& generator() {
  thread_local std::mt19937_64 g = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  return g;
}

void put_random(uuid::bytes_type& b, std::size_t from) {
  auto& g = generator();
  for (std::size_t i = from; i < b.size(); i += 8) {
    std::uint64_t r = g();
    for (std::size_t k = i; k < i + 8 && k < b.size(); ++k, r >>= 8) {
      b[k] = static_cast<std::uint8_t>(r);
    }
  }
}

// Version in the high nibble of byte 6, variant 10 in the high bits of byte 8.
void set_version(uuid::bytes_type& b, unsigned version) {
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | (version << 4));
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
}

}  // namespace

uuid uuid::v4() {
  bytes_type b{};
  put_random(b, 0);
  set_version(b, 4);
  return uuid(b);
}

// RFC 9562 section 6.2, method 1: a 12-bit counter in rand_a, started at a random value below
// 2048 each millisecond; when it overflows, the timestamp moves on by a millisecond.
uuid uuid::v7() {
  thread_local std::int64_t last_ms = 0;
  thread_local std::uint32_t counter = 0;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  if (ms <= last_ms) {
    ms = last_ms;
    if (++counter > 0xfff) {
      ++ms;
      counter = static_cast<std::uint32_t>(generator()() & 0x7ff);
    }
  } else {
    counter = static_cast<std::uint32_t>(generator()() & 0x7ff);
  }
  last_ms = ms;
  bytes_type b{};
  put_random(b, 8);
  const auto t = static_cast<std::uint64_t>(ms);
  for (std::size_t i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(t >> (40 - 8 * i));
  b[6] = static_cast<std::uint8_t>(counter >> 8);
  b[7] = static_cast<std::uint8_t>(counter);
  set_version(b, 7);
  return uuid(b);
}

std::optional<uuid> uuid::parse(std::string_view text) noexcept {
  const auto v = detail::parse_typed(text, typed_kind::uuid, 0);
  if (!v) return std::nullopt;
  return type_traits<uuid>::from_sql(*v);
}

std::string uuid::to_string() const {
  detail::typed_text_buffer buf;
  return std::string(*detail::typed_text(type_traits<uuid>::to_sql(*this), detail::typed_style::postgres, buf));
}

}  // namespace tabula

namespace tabula::detail {

void throw_json_error(std::string_view why) {
  throw_error<conversion_error>(
      fmt::format("tabula: the JSON value cannot be stored or read: {}.", why));
}

}  // namespace tabula::detail

namespace tabula::detail {

void throw_decimal_overflow(std::string_view what, unsigned precision, unsigned scale) {
  throw_error<conversion_error>(fmt::format(
      "tabula: the decimal value {} does not fit NUMERIC({}, {}): it needs more than {} digits "
      "({} after the point). Use a wider decimal<P, S>, or keep the value in range.",
      what, precision, scale, precision, scale));
}

std::string decimal_text(std::int64_t units, unsigned scale) {
  detail::typed_text_buffer buf;
  return std::string(*typed_text(typed_value{typed_kind::decimal, static_cast<std::uint8_t>(scale), units, 0},
                                 typed_style::postgres, buf));
}

std::optional<std::int64_t> parse_decimal_units(std::string_view text, unsigned scale) noexcept {
  const auto v = parse_typed(text, typed_kind::decimal, static_cast<std::uint8_t>(scale));
  if (!v) return std::nullopt;
  return v->value;
}

}  // namespace tabula::detail

namespace tabula::detail {

void check_array_read(const array_value& v, array_element expected) {
  if (v.element != expected || (v.data == nullptr && v.size != 0)) {
    throw_error<conversion_error>(fmt::format(
        "tabula: the driver read an array as elements of kind {} where kind {} was asked for",
        static_cast<int>(v.element), static_cast<int>(expected)));
  }
}

}  // namespace tabula::detail
