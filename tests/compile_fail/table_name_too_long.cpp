// expect: tabula: tabula::schema<T>::table is longer than 63 bytes
// PostgreSQL cuts names to 63 bytes, so two long table names could name one table: a constant
// table name is checked when the model is used.
#include <cstdint>

#include <tabula/tabula.hpp>

struct Measurement {
  std::int64_t id = 0;
};
template <>
struct tabula::schema<Measurement> {
  static constexpr auto table =
      "measurements_of_the_training_runs_of_every_experiment_of_the_project";
};

auto& t = tabula::table_of<Measurement>();
