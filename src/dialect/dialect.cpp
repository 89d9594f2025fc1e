/// \file dialect.cpp
/// Looking a dialect up by name.

#include "tabula/dialect/dialect.hpp"

#include <fmt/format.h>

#include "tabula/error.hpp"

namespace tabula {

const dialect& dialect_named(std::string_view name) {
  if (name == "sqlite") return sqlite_dialect();
  if (name == "postgresql" || name == "postgres") return postgres_dialect();
  detail::throw_error<programming_error>(fmt::format(
      "tabula: there is no SQL dialect named '{}'. Use \"sqlite\" or \"postgresql\".", name));
}

}  // namespace tabula
