// expect: tabula: the database generates integer keys only
// The database generates integer keys; a text key is assigned or made by a client function.
#include <string>

#include <tabula/tabula.hpp>

struct Tag {
  std::string id;
  std::string color;
};

template <>
struct tabula::schema<Tag> {
  static constexpr auto options = tabula::options(tabula::generated_key(&Tag::id));
};

auto& t = tabula::table_of<Tag>();
