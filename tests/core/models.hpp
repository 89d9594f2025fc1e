#pragma once
// Models shared by the behaviour tests.

#include <tabula/tabula.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace fx {

enum class color : std::int16_t { red = 1, green = 2, blue = 3 };

/// One field of every supported type, and the optional of each.
struct all_types {
  std::int64_t id = 0;
  bool b = false;
  std::int8_t i8 = 0;
  std::int16_t i16 = 0;
  std::int32_t i32 = 0;
  std::int64_t i64 = 0;
  std::uint8_t u8 = 0;
  std::uint16_t u16 = 0;
  std::uint32_t u32 = 0;
  std::uint64_t u64 = 0;
  float f = 0;
  double d = 0;
  std::string s{};
  tabula::blob bytes{};
  color c = color::red;
  std::optional<bool> ob{};
  std::optional<std::int32_t> oi{};
  std::optional<std::uint64_t> ou{};
  std::optional<double> od{};
  std::optional<std::string> os{};
  std::optional<tabula::blob> obytes{};
  std::optional<color> oc{};
  bool operator==(const all_types&) const = default;
};

struct author {
  std::int64_t id = 0;
  std::string name{};
  std::string email{};
  std::optional<std::int32_t> age{};
  bool operator==(const author&) const = default;
};

/// The same table as `author`, but with a nullable name: writes NULL into a NOT NULL column.
struct loose_author {
  std::int64_t id = 0;
  std::optional<std::string> name{};
  std::string email{};
  std::optional<std::int32_t> age{};
};

struct book {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::string title{};
  std::int32_t pages = 0;
  std::optional<double> rating{};
  bool operator==(const book&) const = default;
};

/// A composite primary key that is not generated.
struct membership {
  std::int64_t group_id = 0;
  std::string user_name{};
  std::int32_t level = 0;
  bool operator==(const membership&) const = default;
};

}  // namespace fx

template <>
struct tabula::schema<fx::author> {
  static constexpr auto table = "authors";
  static constexpr auto options = tabula::options(
      tabula::unique(&fx::author::email), tabula::max_length(&fx::author::name, 20),
      tabula::check("age IS NULL OR age >= 0"));
};
template <>
struct tabula::schema<fx::loose_author> {
  static constexpr auto table = "authors";
};
template <>
struct tabula::schema<fx::book> {
  static constexpr auto table = "books";
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&fx::book::author_id, &fx::author::id).on_delete_cascade(),
                      tabula::index(&fx::book::author_id), tabula::check("pages > 0"),
                      tabula::unique(&fx::book::author_id, &fx::book::title));
};
template <>
struct tabula::schema<fx::membership> {
  static constexpr auto options =
      tabula::options(tabula::primary_key(&fx::membership::group_id, &fx::membership::user_name));
};
