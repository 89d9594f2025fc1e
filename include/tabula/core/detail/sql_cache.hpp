#pragma once
/// \file sql_cache.hpp
/// SQL text compiled once per statement shape and dialect. A shape is a C++ type (a typed
/// statement, or a tag for a model's CRUD statement); its cache is a thread-local slot per
/// instantiation, so a lookup is a pointer comparison with no lock.

#include <array>
#include <string>
#include <utility>

#include "tabula/dialect/dialect.hpp"

namespace tabula::detail {

/// The SQL for shape `Key` on dialect `d`; `make` builds the AST on first use per thread.
template <class Key, class Make>
const compiled_sql& cached_sql(const dialect& d, Make&& make) {
  thread_local std::array<std::pair<const dialect*, compiled_sql>, 2> slots{};
  for (auto& [owner, sql] : slots) {
    if (owner == &d) return sql;
  }
  for (auto& [owner, sql] : slots) {
    if (owner == nullptr) {
      sql = d.compile(std::forward<Make>(make)());
      owner = &d;
      return sql;
    }
  }
  // More dialects than slots in one thread: keep the last in the final slot.
  slots.back() = {&d, d.compile(std::forward<Make>(make)())};
  return slots.back().second;
}

}  // namespace tabula::detail
