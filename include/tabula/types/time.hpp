#pragma once
/// \file time.hpp
/// Times as columns: points in time, dates, times of day and durations from `<chrono>`.
///
/// | C++ type                                  | PostgreSQL    | SQLite                                   |
/// |-------------------------------------------|---------------|------------------------------------------|
/// | `std::chrono::sys_time<D>`                | `TIMESTAMPTZ` | `TEXT` 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC) |
/// | `std::chrono::year_month_day`             | `DATE`        | `TEXT` 'YYYY-MM-DD'                      |
/// | `tabula::time_of_day`                     | `TIME`        | `TEXT` 'HH:MM:SS.ffffff'                 |
/// | `std::chrono::duration<R, P>` (integral R) | `INTERVAL`    | `INTEGER` microseconds                   |
///
/// Both databases keep microseconds. A value with a finer part (a nanosecond
/// `system_clock::now()`) is refused with `conversion_error`, never rounded: round it first with
/// `std::chrono::floor<std::chrono::microseconds>`. Reading into a coarser type (a
/// `sys_seconds` field) refuses a stored value with a finer part the same way. SQLite stores
/// years 0001 to 9999 (what its date functions read); PostgreSQL its own range.

#include <chrono>
#include <cstdint>
#include <ratio>
#include <string_view>
#include <type_traits>

#include "tabula/schema/type_traits.hpp"

namespace tabula {

/// A time of day to the microsecond, in [00:00, 24:00): a `TIME` column.
///
/// ```cpp
/// using namespace std::chrono_literals;
/// tabula::time_of_day opens{9h + 30min};
/// ```
struct time_of_day {
  std::chrono::microseconds since_midnight{0};

  /// Hours, minutes, seconds and subseconds, as `<chrono>` splits a duration. Defined in the
  /// library: compiling `hh_mm_ss`'s constructor costs a file about as much as a query.
  [[nodiscard]] std::chrono::hh_mm_ss<std::chrono::microseconds> hms() const;
  friend constexpr bool operator==(const time_of_day&, const time_of_day&) = default;
  friend constexpr auto operator<=>(const time_of_day&, const time_of_day&) = default;
};

namespace detail {

/// 128 bits, for exact conversions between units (GCC and Clang).
__extension__ typedef __int128 wide_int;  // NOLINT(modernize-use-using): __extension__ needs it

/// Why a time cannot be stored or read: `what` is the value ("a std::chrono::sys_time of
/// 1700000000123456789 ticks"), `reason` the rule it breaks. Throws `conversion_error`.
[[noreturn]] void throw_time_error(std::string_view type, std::int64_t count,
                                   std::string_view reason);

/// `d` in microseconds, exactly: `conversion_error` when it has a finer part or does not fit.
template <class Rep, class Period>
std::int64_t exact_micros(std::chrono::duration<Rep, Period> d, std::string_view type) {
  static_assert(std::is_integral_v<Rep>,
                "tabula: a time with a floating-point count has no exact column type. Use an "
                "integral duration, such as std::chrono::microseconds.");
  using ticks = std::ratio_divide<Period, std::micro>;  // microseconds per tick
  const auto count = static_cast<wide_int>(d.count()) * ticks::num;
  if (count % ticks::den != 0) {
    throw_time_error(type, static_cast<std::int64_t>(d.count()),
                     "it has a part finer than a microsecond, which the column would lose. "
                     "Round it first with std::chrono::floor<std::chrono::microseconds>");
  }
  const auto micros = count / ticks::den;
  if (micros < INT64_MIN || micros > INT64_MAX) {
    throw_time_error(type, static_cast<std::int64_t>(d.count()),
                     "it is beyond 64 bits of microseconds");
  }
  return static_cast<std::int64_t>(micros);
}

/// `micros` microseconds as a `Duration`, exactly: `conversion_error` when `Duration` is too
/// coarse or too narrow to hold it.
template <class Duration>
Duration exact_duration(std::int64_t micros, std::string_view type) {
  using ticks = std::ratio_divide<std::micro, typename Duration::period>;  // ticks per microsecond
  const auto count = static_cast<wide_int>(micros) * ticks::num;
  if (count % ticks::den != 0) {
    throw_time_error(type, micros,
                     "the stored value (in microseconds) has a part finer than the field's "
                     "type holds. Use a finer duration, such as std::chrono::microseconds");
  }
  const auto n = count / ticks::den;
  using rep = typename Duration::rep;
  if (n < static_cast<wide_int>(std::numeric_limits<rep>::min()) ||
      n > static_cast<wide_int>(std::numeric_limits<rep>::max())) {
    throw_time_error(type, micros,
                     "the stored value (in microseconds) does not fit in the field's type");
  }
  return Duration(static_cast<rep>(n));
}

inline constexpr std::int64_t min_ymd_days =
    std::chrono::sys_days(std::chrono::year::min() / 1 / 1).time_since_epoch().count();
inline constexpr std::int64_t max_ymd_days =
    std::chrono::sys_days(std::chrono::year::max() / 12 / 31).time_since_epoch().count();

}  // namespace detail

/// `std::chrono::sys_time<D>` (`system_clock::time_point`, `sys_days`, ...) as TIMESTAMPTZ: a
/// point in time, stored in UTC.
template <class Duration>
struct type_traits<std::chrono::time_point<std::chrono::system_clock, Duration>> {
  using time_type = std::chrono::time_point<std::chrono::system_clock, Duration>;
  using sql_value = typed_value;
  static constexpr ast::sql_type sql_type{ast::type_kind::timestamptz};
  static sql_value to_sql(const time_type& t) {
    return {typed_kind::timestamp, 0, detail::exact_micros(t.time_since_epoch(), "std::chrono::sys_time"), 0};
  }
  static time_type from_sql(sql_value v) {
    return time_type(detail::exact_duration<Duration>(v.value, "std::chrono::sys_time"));
  }
};

/// `std::chrono::year_month_day` as DATE. An invalid date (February 30) is refused.
template <>
struct type_traits<std::chrono::year_month_day> {
  using sql_value = typed_value;
  static constexpr ast::sql_type sql_type{ast::type_kind::date};
  static sql_value to_sql(const std::chrono::year_month_day& d) {
    if (!d.ok()) {
      detail::throw_time_error("std::chrono::year_month_day",
                               static_cast<int>(d.year()) * 10000 +
                                   static_cast<int>(static_cast<unsigned>(d.month())) * 100 +
                                   static_cast<int>(static_cast<unsigned>(d.day())),
                               "it is not a valid date");
    }
    return {typed_kind::date, 0, std::chrono::sys_days(d).time_since_epoch().count(), 0};
  }
  static std::chrono::year_month_day from_sql(sql_value v) {
    if (v.value < detail::min_ymd_days || v.value > detail::max_ymd_days) {
      detail::throw_time_error("std::chrono::year_month_day", v.value,
                               "the stored date (in days since 1970-01-01) is outside the years "
                               "-32767 to 32767 that std::chrono::year holds");
    }
    return std::chrono::year_month_day(std::chrono::sys_days(std::chrono::days(v.value)));
  }
};

/// `tabula::time_of_day` as TIME.
template <>
struct type_traits<time_of_day> {
  using sql_value = typed_value;
  static constexpr ast::sql_type sql_type{ast::type_kind::time};
  static sql_value to_sql(const time_of_day& t) {
    const auto us = t.since_midnight.count();
    if (us < 0 || us >= std::int64_t{86'400'000'000}) {
      detail::throw_time_error("tabula::time_of_day", us,
                               "it is not in [00:00, 24:00) (microseconds since midnight)");
    }
    return {typed_kind::time_of_day, 0, us, 0};
  }
  static time_of_day from_sql(sql_value v) {
    return time_of_day{std::chrono::microseconds(v.value)};
  }
};

/// `std::chrono::duration`s of an integral count as INTERVAL on PostgreSQL (microseconds;
/// an interval with months is refused when read, a month having no fixed length) and as
/// INTEGER microseconds on SQLite.
template <class Rep, class Period>
struct type_traits<std::chrono::duration<Rep, Period>, std::enable_if_t<std::is_integral_v<Rep>>> {
  using duration_type = std::chrono::duration<Rep, Period>;
  using sql_value = typed_value;
  static constexpr ast::sql_type sql_type{ast::type_kind::interval};
  static sql_value to_sql(const duration_type& d) {
    return {typed_kind::interval, 0, detail::exact_micros(d, "std::chrono::duration"), 0};
  }
  static duration_type from_sql(sql_value v) {
    return detail::exact_duration<duration_type>(v.value, "std::chrono::duration");
  }
};

}  // namespace tabula
