#pragma once
// Models of the INSERT / UPDATE / DELETE tests: metrics of experiments (upserted by experiment
// and name), an archive table with the same columns, and counters.

#include <tabula/tabula.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace dml_test {

struct metric {
  std::int64_t id = 0;
  std::string experiment{};
  std::string name{};
  double value = 0;
  std::optional<std::int32_t> step{};
  bool operator==(const metric&) const = default;
};

/// The same columns as `metric`, in another table: the target of INSERT ... SELECT.
struct archived_metric {
  std::int64_t id = 0;
  std::string experiment{};
  std::string name{};
  double value = 0;
  std::optional<std::int32_t> step{};
  bool operator==(const archived_metric&) const = default;
};

struct counter {
  std::int64_t id = 0;
  std::string label{};
  std::int64_t n = 0;
  bool operator==(const counter&) const = default;
};

}  // namespace dml_test

template <>
struct tabula::schema<dml_test::metric> {
  static constexpr auto table = "metrics";
  static constexpr auto options =
      tabula::options(tabula::unique(&dml_test::metric::experiment, &dml_test::metric::name));
};
template <>
struct tabula::schema<dml_test::archived_metric> {
  static constexpr auto table = "metrics_archive";
};
template <>
struct tabula::schema<dml_test::counter> {
  static constexpr auto table = "counters";
  static constexpr auto options = tabula::options(tabula::unique(&dml_test::counter::label));
};
