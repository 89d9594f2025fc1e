// expect: tabula: .*primary key
// A model needs a primary key: a field named `id` or one named in tabula::schema<T>.
#include <string>

#include <tabula/tabula.hpp>

struct NoKey {
  int a;
  std::string b;
};

auto& t = tabula::table_of<NoKey>();
