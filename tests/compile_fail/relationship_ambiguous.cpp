// expect: tabula: more than one foreign key could serve this relationship
// Two foreign keys of Run refer to User: which one `many<Run>` follows must be named, with
// tabula::relationship(&User::runs).through(&Run::owner_id).
#include <cstdint>

#include <tabula/tabula.hpp>

struct Run;
struct User {
  std::int64_t id = 0;
  tabula::many<Run> runs{};
};
struct Run {
  std::int64_t id = 0;
  std::int64_t owner_id = 0;
  std::int64_t reviewer_id = 0;
};
template <>
struct tabula::schema<Run> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Run::owner_id, &User::id),
                      tabula::foreign_key(&Run::reviewer_id, &User::id));
};

auto& t = tabula::table_of<User>();
