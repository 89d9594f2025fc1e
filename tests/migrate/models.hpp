#pragma once
// Models of one schema in three releases, for the schema diff and migration tests: v1, v2
// (columns added, dropped, renamed by declaration, made NOT NULL; foreign keys, uniques and
// indexes changed) and v3 (a table renamed by declaration, a new table); and models using
// every column type, key shape and foreign key action, for round trips.

#include <cstdint>
#include <optional>
#include <string>

#include <tabula/tabula.hpp>

namespace v1 {
struct team {
  std::int64_t id = 0;
  std::string name;
};
struct player {
  std::int64_t id = 0;
  std::int64_t team_id = 0;
  std::string nick;
  std::optional<std::string> notes;
  std::int32_t goals = 0;
};
}  // namespace v1

namespace v2 {
struct team {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> city;  // added
};
struct player {
  std::int64_t id = 0;
  std::int64_t team_id = 0;
  std::string handle;           // renamed from nick (declared)
  std::string notes;            // NULL no longer allowed
  std::int32_t goals = 0;       // kept; the column `gone` of v1.5 below is dropped
  std::optional<std::int64_t> mentor_id;  // added, with a new foreign key
};
}  // namespace v2

template <>
struct tabula::schema<v1::team> {
  static constexpr auto table = "teams";
};
template <>
struct tabula::schema<v1::player> {
  static constexpr auto table = "players";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&v1::player::team_id, &v1::team::id), tabula::index(&v1::player::goals),
      tabula::check("ck_players_goals", "goals >= 0"));
};
template <>
struct tabula::schema<v2::team> {
  static constexpr auto table = "teams";
  static constexpr auto options =
      tabula::options(tabula::unique(&v2::team::name), tabula::max_length(&v2::team::city, 30));
};
template <>
struct tabula::schema<v2::player> {
  static constexpr auto table = "players";
  static constexpr auto options = tabula::options(
      tabula::renamed_from(&v2::player::handle, "nick"),
      tabula::foreign_key(&v2::player::team_id, &v2::team::id).on_delete_cascade(),
      tabula::foreign_key(&v2::player::mentor_id, &v2::player::id),
      tabula::index(&v2::player::handle), tabula::check("ck_players_goals", "goals >= 0"));
};

// A table renamed by declaration.
namespace v3 {
struct club {
  std::int64_t id = 0;
  std::string name;
};
}  // namespace v3
template <>
struct tabula::schema<v3::club> {
  static constexpr auto table = "clubs";
  static constexpr auto options = tabula::options(tabula::renamed_from("teams"));
};

namespace v3 {
struct league {
  std::int64_t id = 0;
  std::string title;
  std::optional<double> prize;
};
}  // namespace v3
template <>
struct tabula::schema<v3::league> {
  static constexpr auto options = tabula::options(tabula::index(&v3::league::title));
};

namespace roundtrip {
struct parent {
  std::string code;
  std::int16_t part = 0;
  std::string label;
};
struct every_type {
  std::int64_t id = 0;
  bool flag = false;
  std::int8_t tiny = 0;
  std::int16_t small = 0;
  std::uint16_t usmall = 0;
  std::int32_t mid = 0;
  std::uint32_t umid = 0;
  std::int64_t big = 0;
  float ratio = 0;
  double score = 0;
  std::string text;
  std::string bounded;
  tabula::blob data;
  std::optional<std::string> maybe_text;
  std::optional<double> maybe_score;
  std::optional<std::string> parent_code;
  std::optional<std::int16_t> parent_part;
  std::optional<std::int64_t> sibling_id;
  std::optional<std::int64_t> other_id;
  std::int64_t owner_id = 0;
};
}  // namespace roundtrip

template <>
struct tabula::schema<roundtrip::parent> {
  static constexpr auto options = tabula::options(
      tabula::primary_key(&roundtrip::parent::code, &roundtrip::parent::part),
      tabula::unique(&roundtrip::parent::label).named("uq_parent_label_custom"));
};
template <>
struct tabula::schema<roundtrip::every_type> {
  using T = roundtrip::every_type;
  static constexpr auto options = tabula::options(
      tabula::max_length(&T::bounded, 12), tabula::unique(&T::text, &T::big),
      tabula::index(&T::score), tabula::unique_index(&T::mid, &T::small).named("ix_custom"),
      tabula::check("small >= 0"), tabula::check("ck_named", "score >= 0 OR score < 0"),
      tabula::foreign_key(tabula::columns(&T::parent_code, &T::parent_part),
                          tabula::columns(&roundtrip::parent::code, &roundtrip::parent::part))
          .on_delete_set_null()
          .on_update_cascade(),
      tabula::foreign_key(&T::sibling_id, &T::id).on_delete_restrict(),
      tabula::foreign_key(&T::other_id, &T::id).on_delete_set_default(),
      tabula::foreign_key(&T::owner_id, &T::id).on_delete_cascade().named("fk_owner"));
};

