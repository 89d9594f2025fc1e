#pragma once
// Models of one schema in three releases, for the schema diff and migration tests: v1, v2
// (columns added, dropped, renamed by declaration, made NOT NULL; foreign keys, uniques and
// indexes changed) and v3 (a table renamed by declaration, a new table).

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
