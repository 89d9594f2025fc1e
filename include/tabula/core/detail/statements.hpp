#pragma once
/// \file statements.hpp
/// The AST of the statements every model gets for free (insert, get, update, delete by key,
/// DDL), built from its `table_info`. Non-template: compiled once into the library.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/list_view.hpp"
#include "tabula/dialect/dialect.hpp"
#include "tabula/error.hpp"
#include "tabula/schema/table.hpp"

namespace tabula::detail {

/// Which fields an INSERT writes: every field but the generated key (unless `with_generated`)
/// and the server-default fields `omitted` leaves out (bit j: `t.server_default_fields[j]`).
[[nodiscard]] std::vector<std::size_t> insert_fields(const table_info& t, bool with_generated,
                                                     std::uint64_t omitted = 0);
/// Which fields an INSERT of that shape reads back, in RETURNING order: the generated key (when
/// not given, and not reported by the driver: `key_by_driver`), then the omitted
/// server-default fields.
[[nodiscard]] std::vector<std::size_t> returned_fields(const table_info& t, bool with_generated,
                                                       std::uint64_t omitted, bool key_by_driver);

/// INSERT INTO t (fields...) VALUES (...) x rows, with RETURNING what the database filled:
/// the generated key when `return_key` (and the key is generated, not given), and, with
/// `return_defaults`, the server-default columns `omitted` leaves out. Parameters are numbered
/// row by row, field by field.
[[nodiscard]] ast::statement insert_statement(const table_info& t, bool with_generated,
                                              std::size_t rows, bool return_key,
                                              std::uint64_t omitted = 0,
                                              bool return_defaults = true);
/// SELECT the columns of `fields` FROM t WHERE key = ?: what SQLite reads back after an INSERT
/// (cheaper there than RETURNING).
[[nodiscard]] ast::statement select_fields_by_key_statement(
    const table_info& t, detail::list_view<const std::size_t> fields);
/// SELECT every column FROM t WHERE key = ?.
[[nodiscard]] ast::statement select_by_key_statement(const table_info& t);
/// SELECT every column FROM t.
[[nodiscard]] ast::statement select_all_statement(const table_info& t);
/// UPDATE t SET fields... WHERE key = ?; parameters: the fields, then the key. With
/// `on_update`, the columns whose on-update value is SQL are set to it too, and, with
/// `returning`, returned (in the order of `table_info::on_update_sql_fields`).
[[nodiscard]] ast::statement update_by_key_statement(const table_info& t,
                                                     detail::list_view<const std::size_t> fields,
                                                     bool on_update = false,
                                                     bool returning = true);
/// Whether `d` reads back what a statement's SQL wrote with RETURNING. SQLite reads it with a
/// SELECT by key instead, which costs it less than a third of RETURNING (the databases that
/// report generated keys without RETURNING: `dialect_capabilities::last_insert_id`).
[[nodiscard]] inline bool reads_back_by_returning(const dialect& d) noexcept {
  return !d.capabilities().last_insert_id;
}
/// The fields an UPDATE of the `changed` fields binds, in field order: those, and the fields a
/// function sets at every UPDATE (`on_update(&T::m, f)`), but not those set by SQL.
[[nodiscard]] std::vector<std::size_t> update_fields(const table_info& t,
                                                     detail::list_view<const std::size_t> changed);
/// DELETE FROM t WHERE key = ?.
[[nodiscard]] ast::statement delete_by_key_statement(const table_info& t);
/// DELETE FROM t WHERE key IN (?, ... `count` of them), for a single-column key.
[[nodiscard]] ast::statement delete_by_keys_statement(const table_info& t, std::size_t count);
/// Whether `e`, from an INSERT that left the generated key to the database, says the key got
/// no value: the key is declared generated, but the table has no identity or default for it.
[[nodiscard]] bool key_not_generated(const table_info& t, const not_null_violation& e);
/// Throws `not_null_violation` naming the key column and the key strategies that fit.
[[noreturn]] void throw_key_not_generated(const table_info& t, const not_null_violation& e);

/// CREATE TABLE followed by its CREATE INDEX statements.
[[nodiscard]] std::vector<ast::statement> create_statements(const table_info& t);
/// DROP TABLE IF EXISTS t.
[[nodiscard]] ast::statement drop_statement(const table_info& t);

}  // namespace tabula::detail
