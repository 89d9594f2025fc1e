#pragma once
// Models of the select tests: an experiment-tracking schema (models with a lineage, their
// experiments and runs), employees with managers (self-joins), an archive (set operations)
// and a table of numbers (streaming).

#include <tabula/tabula.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace sel {

struct ml_model {
  std::int64_t id = 0;
  std::string name{};
  std::string framework{};
  std::optional<double> accuracy{};
  std::optional<std::int64_t> parent_id{};  ///< the model this one was fine-tuned from
  bool operator==(const ml_model&) const = default;
};

struct experiment {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
  std::string dataset{};
  bool operator==(const experiment&) const = default;
};

struct run {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
  std::string dataset{};
  double score = 0;
  std::int32_t epoch = 0;
  bool operator==(const run&) const = default;
};

struct employee {
  std::int64_t id = 0;
  std::string name{};
  std::optional<std::int64_t> manager_id{};
  bool operator==(const employee&) const = default;
};

struct archived_model {
  std::int64_t id = 0;
  std::string name{};
  std::string framework{};
};

struct number {
  std::int64_t id = 0;
  std::int64_t n = 0;
};

}  // namespace sel

template <>
struct tabula::schema<sel::ml_model> {
  static constexpr auto table = "models";
};
template <>
struct tabula::schema<sel::experiment> {
  static constexpr auto table = "experiments";
};
template <>
struct tabula::schema<sel::run> {
  static constexpr auto table = "runs";
};
template <>
struct tabula::schema<sel::employee> {
  static constexpr auto table = "employees";
};
template <>
struct tabula::schema<sel::archived_model> {
  static constexpr auto table = "archived_models";
};
template <>
struct tabula::schema<sel::number> {
  static constexpr auto table = "numbers";
};
