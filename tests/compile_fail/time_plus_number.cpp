// expect: tabula: \+ adds two numbers or concatenates two texts
// A point in time moves by a std::chrono duration, not by a bare number.
#include <chrono>
#include <cstdint>

#include <tabula/tabula.hpp>

struct M {
  std::int64_t id = 0;
  std::chrono::sys_time<std::chrono::microseconds> at;
};

auto e = tabula::col(&M::at) + 5;
