#pragma once
/// \file migrations.hpp
/// Versioned migrations: a directory of revisions, each a plain SQL file with an id, a parent,
/// a message and, per dialect, an upgrade and a downgrade; a version table recording each
/// applied revision with a checksum of its file; upgrade, downgrade, current, history, stamp;
/// new revisions written from the schema diff (autogenerate). See docs/migrations.md.
///
///     tabula::migrate::migrator m(db, "migrations");
///     m.upgrade("head");              // every revision not applied yet, each in a transaction
///     m.downgrade("-1");              // undo the last one
///     tabula::engine* dbs[] = {&db};
///     m.new_revision("add status", tabula::migrate::models<Model, Experiment>(), dbs);

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tabula/detail/action.hpp"
#include "tabula/core/engine.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/error.hpp"
#include "tabula/migrate/diff.hpp"
#include "tabula/schema/table.hpp"

namespace tabula::migrate {

/// A migrations directory or the version table is inconsistent: an applied revision's file
/// was edited or is missing, two revisions share a parent, a revision has no SQL for the
/// database, a target names no revision.
class migration_error : public programming_error {
 public:
  using programming_error::programming_error;
};

/// The SQL of one revision for one dialect.
struct revision_sql {
  std::vector<std::string> upgrade;
  std::vector<std::string> downgrade;
};

/// One revision file.
struct revision {
  std::string id;
  std::string parent;  ///< empty: the first revision
  std::string message;
  std::string created;  ///< UTC, `YYYY-MM-DD HH:MM:SS`
  std::filesystem::path file;
  /// 16 hex digits of a 64-bit FNV-1a hash of the file's bytes: an applied revision whose
  /// file no longer has it was edited.
  std::string checksum;
  /// The sections of the file: dialect name ("sqlite", "postgresql", or "" for the sections
  /// written without a dialect, used by every database without a section of its own).
  std::vector<std::pair<std::string, revision_sql>> sections;

  /// The SQL for `dialect`; throws `migration_error` when the file has none for it.
  [[nodiscard]] const revision_sql& sql_for(std::string_view dialect) const;
};

/// The revisions of a directory, read and checked when constructed: one chain from the first
/// revision (no parent) to the head.
class script_directory {
 public:
  /// Reads every `*.sql` file of `dir` (which must exist). Throws `migration_error` for a file
  /// without a revision header, two revisions with one id or one parent, a parent that is
  /// not in the directory, more than one first revision.
  explicit script_directory(std::filesystem::path dir);

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return dir_; }
  /// From the first revision to the head.
  [[nodiscard]] const std::vector<revision>& revisions() const noexcept { return chain_; }
  /// The last revision's id (empty: no revisions).
  [[nodiscard]] std::string head() const;
  /// The revision with this id or unique id prefix; throws `migration_error` when none or
  /// several match.
  [[nodiscard]] const revision& find(std::string_view id) const;
  /// The position of revision `id` in the chain (0 for the first).
  [[nodiscard]] std::size_t position(std::string_view id) const;

  /// Writes a new revision after the head: `<id>_<slug>.sql` with one upgrade and one
  /// downgrade section per entry of `sql` (dialect name, statements); none given: empty
  /// sections for both dialects, to fill by hand. Returns the revision as read back.
  const revision& add(std::string_view message,
                      const std::vector<std::pair<std::string, revision_sql>>& sql);

 private:
  void load();

  std::filesystem::path dir_;
  std::vector<revision> chain_;
};

/// A revision and whether the database has it applied.
struct revision_status {
  const revision* rev = nullptr;
  bool applied = false;
  bool current = false;
  std::string applied_at;  ///< empty when not applied
};

/// Runs a migrations directory against one database.
///
/// Every command takes a lock first, so that two processes migrating one database at once
/// apply each revision once: a PostgreSQL advisory lock held for the whole command, and on
/// SQLite an exclusive transaction per revision, in which the current version is read again.
/// Each revision runs in its own transaction with its version row; on SQLite with foreign
/// keys off and `PRAGMA foreign_key_check` before COMMIT. A revision that fails is rolled
/// back: schema and version stay where they were, and the database's error is thrown.
/// Before anything runs, each applied revision's checksum is compared with its file's.
class migrator {
 public:
  /// `progress`, when given, receives one line per step (`upgrade 1a2b3c: add status`).
  migrator(engine& db, std::filesystem::path dir,
           callback<void(std::string_view)> progress = {});

  [[nodiscard]] const script_directory& scripts() const noexcept { return scripts_; }
  /// Reads the directory again (after files were added).
  void reload();

  /// The current revision's id; empty at base (nothing applied).
  [[nodiscard]] std::string current();
  /// Applies revisions up to `target`: `head`, a revision id (or unique prefix), `+n`.
  /// Returns the ids applied by this call, in order.
  std::vector<std::string> upgrade(std::string_view target = "head");
  /// Undoes revisions down to `target` (which stays applied): a revision id, `-n`, `base`.
  /// Returns the ids undone by this call, in order.
  std::vector<std::string> downgrade(std::string_view target);
  /// Records `target` (`head`, a revision, `base`) as current without running any SQL: the
  /// version table then holds the revisions up to it, with their files' checksums now (so it
  /// also accepts an edited file).
  void stamp(std::string_view target);
  /// Every revision of the directory, first to head, with its state in the database.
  [[nodiscard]] std::vector<revision_status> history();
  /// Throws `migration_error` when an applied revision's file was edited or is missing.
  void verify();

  /// Writes a new revision whose SQL makes the databases `dbs` (at head, each of its own
  /// dialect; among them this migrator's) match `models`: upgrade and downgrade from the
  /// schema diff, tables no model maps dropped. With no models, an empty revision to write
  /// by hand. Throws `migration_error` when a database is not at head.
  const revision& new_revision(std::string_view message, std::span<const table_info* const> models,
                           std::span<engine* const> dbs);
  /// The diff of `models` against this migrator's database (tables no model maps included,
  /// as `drop_table`, except `ignore_tables`).
  [[nodiscard]] schema_diff check(std::span<const table_info* const> models);
  /// Tables of the database that `check` and `new_revision` neither compare nor drop (tables
  /// the application does not own).
  void ignore_tables(std::vector<std::string> tables) { ignored_ = TABULA_MOVE(tables); }

 private:
  /// Applies (`up`) or undoes revisions, one transaction each, until the current position is
  /// `goal` (-1: base).
  std::vector<std::string> run_steps(connection& c, std::ptrdiff_t goal, bool up);

  engine& db_;
  script_directory scripts_;
  callback<void(std::string_view)> progress_;
  std::vector<std::string> ignored_;
};

/// The tables of `Ts...`, referenced tables first: the model list a migrator compares with.
template <class... Ts>
[[nodiscard]] std::vector<const table_info*> models() {
  return dependency_order<Ts...>();
}

/// Splits SQL text into statements at `;` outside quotes, comments, dollar-quoted strings
/// and the BEGIN ... END of a CREATE TRIGGER.
[[nodiscard]] std::vector<std::string> split_statements(std::string_view sql);

}  // namespace tabula::migrate
