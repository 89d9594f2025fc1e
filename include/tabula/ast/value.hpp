#pragma once
/// \file value.hpp
/// A runtime SQL value: what a bound parameter or an inline literal holds when its C++ type
/// is not known at compile time (conditions composed at run time, DDL literals, raw SQL).

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace tabula {

/// A binary large object as stored in a model: `std::vector<std::byte>`.
using blob = std::vector<std::byte>;

namespace ast {

/// SQL NULL.
struct null_t {
  friend bool operator==(null_t, null_t) = default;
};

/// One runtime SQL value. The alternatives are the storage classes every driver binds and
/// reads natively; `type_traits<T>` maps each C++ type onto one of them.
using value = std::variant<null_t, bool, std::int64_t, double, std::string, blob>;

}  // namespace ast
}  // namespace tabula
