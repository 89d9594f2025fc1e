#pragma once
/// \file diff.hpp
/// Comparing the tables of a set of models with a live database: the operations that would
/// make the database match the models, and the SQL of those operations (and of their reverse)
/// for each dialect.
///
///     tabula::migrate::schema_diff d = tabula::migrate::check_schema<Model, Experiment>(db);
///     for (const auto& op : d.operations) std::puts(op.description.c_str());
///
/// Renames are never guessed: a table or column is renamed only when the model declares its
/// earlier name (`tabula::renamed_from("old")`, `tabula::renamed_from(&T::m, "old")`).
/// See docs/migrations.md.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tabula/core/engine.hpp"
#include "tabula/core/inspect.hpp"
#include "tabula/dialect/dialect.hpp"
#include "tabula/schema/table.hpp"

namespace tabula::migrate {

enum class op_kind : std::uint8_t {
  create_table,
  drop_table,
  rename_table,
  add_column,
  drop_column,
  rename_column,
  alter_column,  ///< type, nullability and/or default (see `operation::changes`)
  alter_primary_key,
  add_foreign_key,
  drop_foreign_key,
  add_unique,
  drop_unique,
  add_check,
  drop_check,
  create_index,
  drop_index,
};

/// What an `alter_column` changes.
struct column_changes {
  bool type = false;
  bool nullable = false;
  bool default_value = false;
};

/// One difference between the models and the database, as the operation that removes it.
struct operation {
  op_kind kind = op_kind::create_table;
  /// The table, by the name it has once the operation ran.
  std::string table;
  /// The column, constraint or index (empty for table operations).
  std::string name;
  /// For renames: the earlier name (of the table or column).
  std::string old_name;
  column_changes changes;
  /// One readable line: `add column "models"."status" TEXT NOT NULL`.
  std::string description;
};

/// The difference between a database and the models, and both sides' tables.
struct schema_diff {
  std::vector<operation> operations;
  /// The tables as they are (in the database) and as they should be (the models, as the
  /// database would report them), for the tables the operations touch; absent: no such table.
  struct table_pair {
    std::optional<table_schema> from;
    std::optional<table_schema> to;
    /// Columns renamed: (name in `to`, name in `from`).
    std::vector<std::pair<std::string, std::string>> renamed_columns;
  };
  std::vector<table_pair> tables;
  /// "sqlite" or "postgresql": the dialect both sides are described in.
  std::string backend;

  [[nodiscard]] bool empty() const noexcept { return operations.empty(); }
  /// One line per operation.
  [[nodiscard]] std::string summary() const;
};

struct diff_options {
  /// Tables of the database that no model maps become `drop_table` operations (autogenerate);
  /// otherwise they are left out (a check of some of the models).
  bool drop_unknown_tables = false;
  /// Tables never compared nor dropped (the version table is always left out).
  std::vector<std::string> ignore_tables;
};

/// The table `t` as the database of dialect `d` reports it once created from the model: the
/// same shape the inspector gives, so that the two compare.
[[nodiscard]] table_schema expected_table(const table_info& t, const dialect& d);

/// The operations that make the database `db` inspects match `models`.
[[nodiscard]] schema_diff diff_schema(inspector& db, std::span<const table_info* const> models,
                                      const diff_options& options = {});

/// The statements of the operations of `diff`: `upgrade` applies them, `downgrade` undoes them
/// (restoring the tables as they were). On SQLite, a table whose change ALTER TABLE cannot make
/// is rebuilt (https://www.sqlite.org/lang_altertable.html section 7): a new table created,
/// rows copied, the old one dropped, the new one renamed, its indexes created; the caller runs
/// the statements with foreign keys off and `PRAGMA foreign_key_check` before commit, as the
/// migration runner does.
struct migration_sql {
  std::vector<std::string> upgrade;
  std::vector<std::string> downgrade;
};
[[nodiscard]] migration_sql render(const schema_diff& diff);

/// The difference between the database of `db` and the tables of `Ts...` (other tables of the
/// database are not reported): empty when they match.
template <class... Ts>
[[nodiscard]] schema_diff check_schema(engine& db, const diff_options& options = {}) {
  inspector insp(db);
  const std::vector<const table_info*> tables = dependency_order<Ts...>();
  return diff_schema(insp, tables, options);
}

/// The name of the table in which the migration runner keeps the applied revisions.
inline constexpr std::string_view version_table = "tabula_version";

}  // namespace tabula::migrate
