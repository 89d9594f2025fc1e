#pragma once
/// \file cli.hpp
/// The `tabula` command line, as a library entry point. The installed `tabula` program runs
/// it without models (inspect, and the migrate verbs that need none); an application makes
/// its own migration tool, which also writes revisions from its models and checks them
/// against a database, by listing the models:
///
///     // tools/migrate.cpp of the application
///     #include <tabula/migrate/cli.hpp>
///     #include <tabula/sqlite.hpp>
///     #include <tabula/postgres.hpp>
///     #include "models.hpp"
///     int main(int argc, char** argv) {
///       return tabula::migrate::main<Model, Experiment, Metric>(argc, argv);
///     }
///
/// Exit codes: 0 success; 1 `migrate check` found differences; 2 a usage error (unknown verb
/// or option, missing argument); 3 the command failed (database error, migration error). See
/// docs/cli.md.

#include <iostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tabula/migrate/migrations.hpp"
#include "tabula/schema/table.hpp"

namespace tabula::migrate {

/// Exit codes of the command line.
enum exit_code : int {
  exit_ok = 0,
  exit_drift = 1,
  exit_usage = 2,
  exit_failure = 3,
};

/// Runs the command `args` (without the program name), writing results to `out` and
/// messages to `err`. `models`: the application's tables, for `migrate revision
/// --autogenerate` and `migrate check` (empty: those verbs are refused).
int run_cli(std::span<const std::string> args, std::span<const table_info* const> models,
            std::ostream& out, std::ostream& err);

/// `main` of an application's migration tool with models `Ts...`.
template <class... Ts>
int main(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  const std::vector<const table_info*> tables = models<Ts...>();
  return run_cli(args, tables, std::cout, std::cerr);
}

}  // namespace tabula::migrate
