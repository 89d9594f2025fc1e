#include "tabula/schema/type_traits.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/ast/value.hpp"
#include "tabula/error.hpp"

using tabula::type_traits;
using tabula::ast::sql_type;
using tabula::ast::type_kind;

namespace {

enum class Color : std::int8_t { red = -1, green = 0, blue = 1 };
enum Plain : unsigned { plain_a = 0, plain_b = 7 };
enum class Wide : std::uint64_t { big = std::numeric_limits<std::uint64_t>::max() };

/// An amount of money, stored as cents.
struct Money {
  std::int64_t cents = 0;
  friend bool operator==(const Money&, const Money&) = default;
};

/// Stored by name, as text.
enum class Level { low, high };

/// Stored as the bytes of the object itself.
struct Digest {
  std::array<std::byte, 4> bytes{};
  friend bool operator==(const Digest&, const Digest&) = default;
};

struct Unmapped {
  int x;
};

}  // namespace

template <>
struct tabula::type_traits<Money> : tabula::mapped_as<std::int64_t, Money> {
  static std::int64_t to_db(const Money& m) { return m.cents; }
  static Money from_db(std::int64_t cents) { return Money{cents}; }
};

template <>
struct tabula::type_traits<Level> : tabula::mapped_as<std::string, Level> {
  static std::string_view to_db(Level l) { return l == Level::low ? "low" : "high"; }
  static Level from_db(const std::string& s) {
    if (s == "low") return Level::low;
    if (s == "high") return Level::high;
    tabula::detail::throw_error<tabula::conversion_error>("tabula: \"" + s + "\" is not a Level");
  }
};

template <>
struct tabula::type_traits<Digest> : tabula::mapped_as<tabula::blob, Digest> {
  static std::span<const std::byte> to_db(const Digest& d) { return d.bytes; }
  static Digest from_db(const tabula::blob& b) {
    if (b.size() != 4) tabula::detail::throw_error<tabula::conversion_error>("tabula: bad digest");
    Digest d;
    std::copy(b.begin(), b.end(), d.bytes.begin());
    return d;
  }
};

using time_point = std::chrono::system_clock::time_point;

/// The docs/models.md example: a time point as microseconds since the epoch.
template <>
struct tabula::type_traits<time_point> : tabula::mapped_as<std::int64_t, time_point> {
  static std::int64_t to_db(time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  }
  static time_point from_db(std::int64_t us) {
    return time_point(
        std::chrono::duration_cast<time_point::duration>(std::chrono::microseconds(us)));
  }
};

// --- which types are mapped -------------------------------------------------------------------

static_assert(tabula::sql_mappable<bool>);
static_assert(tabula::sql_mappable<signed char>);
static_assert(tabula::sql_mappable<unsigned char>);
static_assert(tabula::sql_mappable<short>);
static_assert(tabula::sql_mappable<unsigned short>);
static_assert(tabula::sql_mappable<int>);
static_assert(tabula::sql_mappable<unsigned>);
static_assert(tabula::sql_mappable<long>);
static_assert(tabula::sql_mappable<unsigned long>);
static_assert(tabula::sql_mappable<long long>);
static_assert(tabula::sql_mappable<unsigned long long>);
static_assert(tabula::sql_mappable<float>);
static_assert(tabula::sql_mappable<double>);
static_assert(tabula::sql_mappable<std::string>);
static_assert(tabula::sql_mappable<tabula::blob>);
static_assert(tabula::sql_mappable<Color>);
static_assert(tabula::sql_mappable<Plain>);
static_assert(tabula::sql_mappable<Money>);
static_assert(tabula::sql_mappable<Level>);
static_assert(tabula::sql_mappable<Digest>);
static_assert(tabula::sql_mappable<time_point>);

static_assert(!tabula::sql_mappable<char>);
static_assert(!tabula::sql_mappable<wchar_t>);
static_assert(!tabula::sql_mappable<char8_t>);
static_assert(!tabula::sql_mappable<long double>);
static_assert(!tabula::sql_mappable<const char*>);
static_assert(!tabula::sql_mappable<std::string_view>);
static_assert(!tabula::sql_mappable<Unmapped>);
static_assert(!tabula::sql_mappable<std::vector<int>>);
static_assert(!tabula::sql_mappable<std::optional<int>>);  // nullability is not a mapping

static_assert(tabula::column_type<int>);
static_assert(tabula::column_type<std::optional<std::string>>);
static_assert(tabula::column_type<std::optional<Money>>);
static_assert(!tabula::column_type<Unmapped>);
static_assert(!tabula::column_type<std::optional<Unmapped>>);
static_assert(!tabula::column_type<std::optional<std::optional<int>>>);

static_assert(tabula::is_optional_v<std::optional<int>>);
static_assert(tabula::is_optional_v<const std::optional<int>>);
static_assert(!tabula::is_optional_v<int>);
static_assert(std::is_same_v<tabula::unwrap_optional_t<std::optional<double>>, double>);
static_assert(std::is_same_v<tabula::unwrap_optional_t<double>, double>);

// --- column types -----------------------------------------------------------------------------

static_assert(type_traits<bool>::sql_type == sql_type{type_kind::boolean});
static_assert(type_traits<std::int8_t>::sql_type == sql_type{type_kind::int16});
static_assert(type_traits<std::int16_t>::sql_type == sql_type{type_kind::int16});
static_assert(type_traits<std::int32_t>::sql_type == sql_type{type_kind::int32});
static_assert(type_traits<std::int64_t>::sql_type == sql_type{type_kind::int64});
static_assert(type_traits<long long>::sql_type == sql_type{type_kind::int64});
static_assert(type_traits<std::uint8_t>::sql_type == sql_type{type_kind::int16});
static_assert(type_traits<std::uint16_t>::sql_type == sql_type{type_kind::int32});
static_assert(type_traits<std::uint32_t>::sql_type == sql_type{type_kind::int64});
static_assert(type_traits<std::uint64_t>::sql_type == sql_type{type_kind::int64});
static_assert(type_traits<float>::sql_type == sql_type{type_kind::float32});
static_assert(type_traits<double>::sql_type == sql_type{type_kind::float64});
static_assert(type_traits<std::string>::sql_type == sql_type{type_kind::text});
static_assert(type_traits<tabula::blob>::sql_type == sql_type{type_kind::blob});
static_assert(type_traits<Color>::sql_type == sql_type{type_kind::int16});
static_assert(type_traits<Plain>::sql_type == sql_type{type_kind::int64});
static_assert(type_traits<Money>::sql_type == sql_type{type_kind::int64});
static_assert(type_traits<Level>::sql_type == sql_type{type_kind::text});
static_assert(type_traits<Digest>::sql_type == sql_type{type_kind::blob});

static_assert(std::is_same_v<type_traits<std::uint16_t>::sql_value, std::int64_t>);
static_assert(std::is_same_v<type_traits<float>::sql_value, double>);
static_assert(std::is_same_v<type_traits<std::string>::sql_value, std::string_view>);
static_assert(std::is_same_v<type_traits<tabula::blob>::sql_value, std::span<const std::byte>>);
static_assert(std::is_same_v<type_traits<Level>::sql_value, std::string_view>);

// Conversions that fit are usable in constant expressions.
static_assert(type_traits<std::int16_t>::from_sql(-32768) == -32768);
static_assert(type_traits<Color>::to_sql(Color::red) == -1);

// --- round trips ------------------------------------------------------------------------------

namespace {
template <class T>
T round_trip(const T& v) {
  return type_traits<T>::from_sql(type_traits<T>::to_sql(v));
}

template <class T>
void check_integer_limits() {
  CHECK(round_trip(std::numeric_limits<T>::min()) == std::numeric_limits<T>::min());
  CHECK(round_trip(std::numeric_limits<T>::max()) == std::numeric_limits<T>::max());
  CHECK(round_trip(T{0}) == T{0});
  CHECK(round_trip(T{1}) == T{1});
}
}  // namespace

TEST_CASE("every integer width round-trips its extremes") {
  check_integer_limits<signed char>();
  check_integer_limits<std::int8_t>();
  check_integer_limits<std::int16_t>();
  check_integer_limits<std::int32_t>();
  check_integer_limits<std::int64_t>();
  check_integer_limits<long long>();
  check_integer_limits<unsigned char>();
  check_integer_limits<std::uint8_t>();
  check_integer_limits<std::uint16_t>();
  check_integer_limits<std::uint32_t>();
  CHECK(round_trip(std::uint64_t{9223372036854775807ULL}) == 9223372036854775807ULL);
  CHECK(type_traits<std::uint32_t>::to_sql(4294967295U) == 4294967295LL);
}

TEST_CASE("bool, floating point, text and blob round-trip") {
  CHECK(round_trip(true) == true);
  CHECK(round_trip(false) == false);
  CHECK(round_trip(0.1) == 0.1);
  CHECK(round_trip(-1e300) == -1e300);
  CHECK(round_trip(1.5f) == 1.5f);
  CHECK(round_trip(std::numeric_limits<float>::max()) == std::numeric_limits<float>::max());
  CHECK(round_trip(std::numeric_limits<float>::infinity()) ==
        std::numeric_limits<float>::infinity());
  const float nan = round_trip(std::numeric_limits<float>::quiet_NaN());
  CHECK(nan != nan);

  const std::string text = "héllo, 'world'\n";
  CHECK(round_trip(text) == text);
  CHECK(round_trip(std::string{}).empty());
  // The view refers to the string: no copy on the way in.
  CHECK(type_traits<std::string>::to_sql(text).data() == text.data());

  const tabula::blob bytes{std::byte{0}, std::byte{0xff}, std::byte{0x10}};
  CHECK(round_trip(bytes) == bytes);
  CHECK(type_traits<tabula::blob>::to_sql(bytes).data() == bytes.data());
  CHECK(round_trip(tabula::blob{}).empty());
}

TEST_CASE("enums round-trip as their underlying integer") {
  CHECK(type_traits<Color>::to_sql(Color::red) == -1);
  CHECK(type_traits<Color>::to_sql(Color::blue) == 1);
  CHECK(round_trip(Color::green) == Color::green);
  CHECK(round_trip(plain_b) == plain_b);
  CHECK(type_traits<Plain>::to_sql(plain_b) == 7);
  CHECK_THROWS_AS(type_traits<Color>::from_sql(200), tabula::conversion_error);
  CHECK_THROWS_AS(type_traits<Plain>::from_sql(-1), tabula::conversion_error);
  CHECK_THROWS_AS(type_traits<Wide>::to_sql(Wide::big), tabula::conversion_error);
}

TEST_CASE("a std::uint64_t above INT64_MAX cannot be stored") {
  const std::uint64_t too_big = 9223372036854775808ULL;
  CHECK_THROWS_AS(type_traits<std::uint64_t>::to_sql(too_big), tabula::conversion_error);
  CHECK_THROWS_WITH(type_traits<std::uint64_t>::to_sql(std::numeric_limits<std::uint64_t>::max()),
                    Catch::Contains("18446744073709551615") && Catch::Contains("std::uint64_t"));
  CHECK_THROWS_AS(type_traits<unsigned long long>::to_sql(too_big), tabula::conversion_error);
}

TEST_CASE("reading a value out of the C++ type's range throws, naming value and type") {
  CHECK_THROWS_WITH(type_traits<std::int16_t>::from_sql(32768),
                    Catch::Contains("32768") && Catch::Contains("std::int16_t"));
  CHECK_THROWS_AS(type_traits<std::int16_t>::from_sql(-32769), tabula::conversion_error);
  CHECK_THROWS_WITH(type_traits<std::int8_t>::from_sql(128),
                    Catch::Contains("128") && Catch::Contains("std::int8_t"));
  CHECK_THROWS_AS(type_traits<std::int32_t>::from_sql(2147483648LL), tabula::conversion_error);
  CHECK_THROWS_AS(type_traits<std::int32_t>::from_sql(-2147483649LL), tabula::conversion_error);

  CHECK_THROWS_WITH(type_traits<std::uint32_t>::from_sql(-1),
                    Catch::Contains("-1") && Catch::Contains("std::uint32_t"));
  CHECK_THROWS_AS(type_traits<std::uint64_t>::from_sql(-1), tabula::conversion_error);
  CHECK_THROWS_AS(type_traits<std::uint8_t>::from_sql(256), tabula::conversion_error);
  CHECK_THROWS_AS(type_traits<std::uint16_t>::from_sql(65536), tabula::conversion_error);
  CHECK_THROWS_AS(type_traits<std::uint32_t>::from_sql(4294967296LL), tabula::conversion_error);
  CHECK(type_traits<std::uint64_t>::from_sql(std::numeric_limits<std::int64_t>::max()) ==
        9223372036854775807ULL);

  CHECK_THROWS_WITH(type_traits<float>::from_sql(1e300),
                    Catch::Contains("1e+300") && Catch::Contains("float"));
  CHECK_THROWS_AS(type_traits<float>::from_sql(-1e39), tabula::conversion_error);
}

TEST_CASE("user mappings through mapped_as") {
  CHECK(type_traits<Money>::to_sql(Money{1999}) == 1999);
  CHECK(type_traits<Money>::from_sql(-5) == Money{-5});

  CHECK(type_traits<Level>::to_sql(Level::high) == "high");
  CHECK(round_trip(Level::low) == Level::low);
  CHECK_THROWS_WITH(type_traits<Level>::from_sql("medium"),
                    Catch::Contains("\"medium\" is not a Level"));

  const Digest d{{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}}};
  const auto stored = type_traits<Digest>::to_sql(d);
  CHECK(static_cast<const void*>(stored.data()) == static_cast<const void*>(d.bytes.data()));
  CHECK(round_trip(d) == d);
  CHECK_THROWS_AS(type_traits<Digest>::from_sql({}), tabula::conversion_error);

  const time_point t =
      std::chrono::system_clock::from_time_t(1700000000) + std::chrono::microseconds(123456);
  CHECK(type_traits<time_point>::to_sql(t) == 1700000000123456LL);
  CHECK(round_trip(t) == t);
}
