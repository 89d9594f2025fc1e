#pragma once
/// \file decimal.hpp
/// `tabula::decimal<P, S>`: an exact decimal number of at most `P` digits, `S` of them after the
/// point — a `NUMERIC(P, S)` column on PostgreSQL, an INTEGER holding the value times 10^S on
/// SQLite (see docs/models.md).

#include <compare>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tabula/schema/type_traits.hpp"

namespace tabula {

namespace detail {
/// 10^n for n <= 18.
constexpr std::int64_t pow10(unsigned n) noexcept {
  std::int64_t p = 1;
  for (unsigned i = 0; i < n; ++i) p *= 10;
  return p;
}
/// Throws `conversion_error`: the value `units / 10^scale` does not fit `precision` digits.
[[noreturn]] void throw_decimal_overflow(std::string_view what, unsigned precision, unsigned scale);
/// "-12.340" for units -12340 at scale 3.
[[nodiscard]] std::string decimal_text(std::int64_t units, unsigned scale);
/// The units of `text` at `scale` when it is a decimal number with at most `scale` digits after
/// the point (more digits are refused, never rounded) and at most 18 digits in all.
[[nodiscard]] std::optional<std::int64_t> parse_decimal_units(std::string_view text,
                                                              unsigned scale) noexcept;
}  // namespace detail

/// An exact decimal: an integer count of 10^-S units, at most `P` digits (`P` up to 18, so it
/// fits 64 bits). Arithmetic that would need more digits, and text with more digits after the
/// point than `S`, is refused with `conversion_error` — never rounded.
///
/// ```cpp
/// using price = tabula::decimal<10, 2>;
/// price p = price::parse("19.99").value();   // p.units() == 1999
/// price q = p + price(1);                     // 20.99
/// ```
template <unsigned P, unsigned S>
class decimal {
  static_assert(P >= 1 && P <= 18,
                "tabula: decimal<P, S> holds 1 to 18 digits (a 64-bit integer). Use a precision "
                "P of at most 18.");
  static_assert(S <= P, "tabula: decimal<P, S> has at most P digits after the point. Use S <= P.");

 public:
  static constexpr unsigned precision = P;
  static constexpr unsigned scale = S;
  /// Every value's units are below this in magnitude: 10^P.
  static constexpr std::int64_t limit = detail::pow10(P);

  constexpr decimal() noexcept = default;
  /// A whole number; `conversion_error` when it needs more than P - S digits.
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  constexpr decimal(I whole) : units_(checked(static_cast<std::int64_t>(whole), detail::pow10(S))) {}  // NOLINT: a number converts

  /// The decimal of `units` 10^-S units; `conversion_error` when that needs more than P digits.
  [[nodiscard]] static constexpr decimal from_units(std::int64_t units) {
    decimal d;
    d.units_ = checked(units, 1);
    return d;
  }
  /// Reads "-12.5", "3", "0.25": nothing when the text is no decimal, has more than S digits
  /// after the point (other than trailing zeros), or more than P digits in all.
  [[nodiscard]] static std::optional<decimal> parse(std::string_view text) noexcept {
    const auto units = detail::parse_decimal_units(text, S);
    if (!units || *units <= -limit || *units >= limit) return std::nullopt;
    decimal d;
    d.units_ = *units;
    return d;
  }

  [[nodiscard]] constexpr std::int64_t units() const noexcept { return units_; }
  /// With exactly S digits after the point: "19.90".
  [[nodiscard]] std::string to_string() const { return detail::decimal_text(units_, S); }
  /// The nearest double (for display and computation that may round).
  [[nodiscard]] constexpr double to_double() const noexcept {
    return static_cast<double>(units_) / static_cast<double>(detail::pow10(S));
  }

  friend constexpr decimal operator+(decimal a, decimal b) { return from_units(a.units_ + b.units_); }
  friend constexpr decimal operator-(decimal a, decimal b) { return from_units(a.units_ - b.units_); }
  friend constexpr decimal operator-(decimal a) { return from_units(-a.units_); }
  friend constexpr bool operator==(const decimal&, const decimal&) noexcept = default;
  friend constexpr auto operator<=>(const decimal&, const decimal&) noexcept = default;

 private:
  // `v * factor`, when it stays below 10^P in magnitude (no overflow: |v| < 10^18 is checked
  // before multiplying, and factor <= 10^18).
  static constexpr std::int64_t checked(std::int64_t v, std::int64_t factor) {
    std::int64_t out = 0;
    if (__builtin_mul_overflow(v, factor, &out) || out <= -limit || out >= limit) {
      detail::throw_decimal_overflow(std::to_string(v) + (factor == 1 ? " units" : ""), P, S);
    }
    return out;
  }
  std::int64_t units_ = 0;
};

/// `decimal<P, S>` as NUMERIC(P, S) on PostgreSQL and as an INTEGER of units on SQLite. A stored
/// value with more than P digits (or, on PostgreSQL, more than S after the point) is refused
/// with `conversion_error` naming the column.
template <unsigned P, unsigned S>
struct type_traits<decimal<P, S>> {
  using sql_value = typed_value;
  static constexpr ast::sql_type sql_type{ast::type_kind::decimal, P, static_cast<std::uint8_t>(S)};
  static constexpr sql_value to_sql(const decimal<P, S>& d) noexcept {
    return {typed_kind::decimal, static_cast<std::uint8_t>(S), d.units(), 0};
  }
  static constexpr decimal<P, S> from_sql(sql_value v) { return decimal<P, S>::from_units(v.value); }
};

}  // namespace tabula
