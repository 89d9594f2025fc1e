// expect: tabula: default_value\(&T::m, v\) takes a value of the field's type
// A client default must be a value of the field's type or a function returning one.
#include <cstdint>

#include <tabula/tabula.hpp>

struct Job {
  std::int64_t id = 0;
  std::int64_t priority = 0;
};

template <>
struct tabula::schema<Job> {
  static constexpr auto options = tabula::options(tabula::default_value(&Job::priority, "high"));
};

auto& t = tabula::table_of<Job>();
