// expect: tabula: a relationship follows a foreign key between its two models, and there is none
// `many<Note>` needs a foreign key of Note referring to User, and Note declares none.
#include <cstdint>

#include <tabula/tabula.hpp>

struct Note;
struct User {
  std::int64_t id = 0;
  tabula::many<Note> notes{};
};
struct Note {
  std::int64_t id = 0;
  std::int64_t user_id = 0;  // a column, but no tabula::foreign_key
};

auto& t = tabula::table_of<User>();
