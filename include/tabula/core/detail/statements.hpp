#pragma once
/// \file statements.hpp
/// The AST of the statements every model gets for free (insert, get, update, delete by key,
/// DDL), built from its `table_info`. Non-template: compiled once into the library.

#include <cstddef>
#include <span>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/schema/table.hpp"

namespace tabula::detail {

/// Which fields an INSERT writes: every field, or every field but the generated key.
[[nodiscard]] std::vector<std::size_t> insert_fields(const table_info& t, bool with_generated);

/// INSERT INTO t (fields...) VALUES (...) x rows, with RETURNING the generated key when
/// `return_key` (and the key is generated, not given). Parameters are numbered row by row,
/// field by field.
[[nodiscard]] ast::statement insert_statement(const table_info& t, bool with_generated,
                                              std::size_t rows, bool return_key);
/// SELECT every column FROM t WHERE key = ?.
[[nodiscard]] ast::statement select_by_key_statement(const table_info& t);
/// SELECT every column FROM t.
[[nodiscard]] ast::statement select_all_statement(const table_info& t);
/// UPDATE t SET fields... WHERE key = ?; parameters: the fields, then the key.
[[nodiscard]] ast::statement update_by_key_statement(const table_info& t,
                                                     std::span<const std::size_t> fields);
/// DELETE FROM t WHERE key = ?.
[[nodiscard]] ast::statement delete_by_key_statement(const table_info& t);
/// DELETE FROM t WHERE key IN (?, ... `count` of them), for a single-column key.
[[nodiscard]] ast::statement delete_by_keys_statement(const table_info& t, std::size_t count);
/// CREATE TABLE followed by its CREATE INDEX statements.
[[nodiscard]] std::vector<ast::statement> create_statements(const table_info& t);
/// DROP TABLE IF EXISTS t.
[[nodiscard]] ast::statement drop_statement(const table_info& t);

}  // namespace tabula::detail
