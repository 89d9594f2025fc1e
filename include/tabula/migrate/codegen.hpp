#pragma once
/// \file codegen.hpp
/// C++ models for tables of an existing database: a struct per table and its
/// `tabula::schema<T>` (table name, keys, uniques, indexes, foreign keys, checks, lengths),
/// compiling as generated. `tabula codegen URL` prints it (docs/cli.md).

#include <string>
#include <vector>

#include "tabula/core/inspect.hpp"

namespace tabula::migrate {

struct codegen_options {
  /// The namespace of the structs (empty: none).
  std::string name_space = "models";
};

/// The header text for `tables` (as the inspector reads them), structs in foreign-key order.
[[nodiscard]] std::string generate_models(const std::vector<table_schema>& tables,
                                          const codegen_options& options = {});

}  // namespace tabula::migrate
