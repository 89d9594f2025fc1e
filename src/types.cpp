/// \file types.cpp
/// The parts of the time, UUID and decimal column types that do not depend on user types.

#include <fmt/format.h>

#include <string_view>

#include "tabula/error.hpp"
#include "tabula/types/time.hpp"

namespace tabula::detail {

void throw_time_error(std::string_view type, std::int64_t count, std::string_view reason) {
  throw_error<conversion_error>(
      fmt::format("tabula: the {} value {} cannot be stored or read exactly: {}.", type, count,
                  reason));
}

}  // namespace tabula::detail
