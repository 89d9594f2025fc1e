#pragma once
/// \file dialect.hpp
/// A dialect compiles the runtime AST into SQL text for one database. Compilers are ordinary
/// (non-template) code in `src/dialect/`, so the SQL of every construct is testable without a
/// database and compiled once into the library.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tabula/ast/ast.hpp"
#include "tabula/ast/sql_text.hpp"

namespace tabula {

/// The SQL text of one statement and how many parameter slots it uses.
struct compiled_sql {
  std::string text;
  /// 1 + the highest `ast::param::index` used; the bind list must have this many values.
  std::uint32_t param_count = 0;
  /// Set when tabula's SQL cache holds this text: unique in the process and never reused, it
  /// lets a connection find its prepared statement without hashing the text. 0 otherwise.
  std::uint64_t cache_id = 0;
};

/// What a database can do, for decisions the typed layer makes at run time.
struct dialect_capabilities {
  bool returning = true;
  bool ilike = false;          ///< native ILIKE (otherwise lower() LIKE lower())
  bool full_join = false;      ///< FULL OUTER JOIN and RIGHT JOIN
  bool nulls_ordering = true;  ///< NULLS FIRST / NULLS LAST
  bool transactional_ddl = true;
  /// The driver reports the key a single-row INSERT generated (`driver::connection::
  /// last_insert_id`), so inserts need no RETURNING: cheaper where RETURNING is costly (SQLite).
  bool last_insert_id = false;
  /// Most parameters one statement may bind (SQLite's SQLITE_MAX_VARIABLE_NUMBER, PostgreSQL's
  /// 65535), used to split bulk inserts into chunks.
  std::uint32_t max_params = 32766;
  /// How hand-written SQL is quoted and commented: where a `?` is not a placeholder.
  detail::lexical_rules lexical{};
  /// The longest name the database keeps, in bytes (0: no limit). PostgreSQL cuts a longer
  /// name to 63 bytes without a word, so longer names are refused before they reach it.
  std::size_t max_identifier_bytes = 0;
  /// `COPY ... FROM STDIN`: rows whose keys are not read back are bulk-loaded (PostgreSQL).
  bool copy = false;
  /// SAVEPOINT / RELEASE / ROLLBACK TO: nested transactions.
  bool savepoints = true;
  /// Tables in named schemas: PostgreSQL's schemas, SQLite's attached databases (a foreign key
  /// references a table of its own database only).
  bool schemas = true;
};

class dialect {
 public:
  virtual ~dialect() = default;

  /// "sqlite" or "postgresql".
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  [[nodiscard]] virtual const dialect_capabilities& capabilities() const noexcept = 0;

  /// Compiles any statement. Throws `programming_error` for a tree the dialect cannot express
  /// (e.g. a construct it does not support), naming the construct and the dialect.
  [[nodiscard]] virtual compiled_sql compile(const ast::statement& stmt) const = 0;

  /// `"name"` with embedded quotes doubled.
  [[nodiscard]] virtual std::string quote_identifier(std::string_view name) const = 0;
  /// The placeholder for parameter slot `index` (0-based): `?1` or `$1`.
  [[nodiscard]] virtual std::string placeholder(std::uint32_t index) const = 0;
  /// A value as an SQL literal, escaped (for DDL only).
  [[nodiscard]] virtual std::string literal(const ast::value& v) const = 0;
  /// The column type used in CREATE TABLE.
  [[nodiscard]] virtual std::string type_name(const ast::sql_type& type) const = 0;
  /// A query of one parameter, an index name, whose one row holds the name of the table the
  /// index of that name in `schema` (empty: the default schema) belongs to (no row: no index).
  [[nodiscard]] virtual std::string index_table_sql(std::string_view schema) const = 0;
};

/// The SQLite dialect (one shared, stateless instance).
const dialect& sqlite_dialect() noexcept;
/// The PostgreSQL dialect (one shared, stateless instance).
const dialect& postgres_dialect() noexcept;
/// The dialect registered under `name` ("sqlite", "postgresql"); throws `programming_error`
/// for an unknown name.
const dialect& dialect_named(std::string_view name);

}  // namespace tabula
