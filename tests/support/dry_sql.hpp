#pragma once
/// \file dry_sql.hpp
/// The SQL text a statement or an expression compiles to on each dialect, without a database:
/// what the dry tests compare.

#include <cstdint>
#include <ostream>
#include <string>

#include <tabula/tabula.hpp>

namespace tabula::test {

/// A statement's SQL on SQLite and on PostgreSQL.
struct sql_pair {
  std::string sqlite;
  std::string postgres;
  bool operator==(const sql_pair&) const = default;
  friend std::ostream& operator<<(std::ostream& os, const sql_pair& p) {
    return os << "sqlite: " << p.sqlite << "\npostgres: " << p.postgres;
  }
};

/// The SQL text of `stmt` on dialect `d`.
std::string sql_text(const dialect& d, const auto& stmt) { return d.compile(stmt.lower()).text; }
/// The SQL text of `stmt` on SQLite.
std::string sqlite_sql(const auto& stmt) { return sql_text(sqlite_dialect(), stmt); }
/// The SQL text of `stmt` on PostgreSQL.
std::string postgres_sql(const auto& stmt) { return sql_text(postgres_dialect(), stmt); }
/// The SQL text of `stmt` on both dialects.
sql_pair sql_of(const auto& stmt) { return {sqlite_sql(stmt), postgres_sql(stmt)}; }

/// An expression on its own, in a one-column SELECT, its parameters numbered from `first`:
/// `SELECT <expression>`.
std::string expression_select(const dialect& d, const auto& e, std::uint32_t first = 0) {
  detail::lower_context ctx;
  ctx.next_param = first;
  ast::select s;
  s.columns.push_back(ast::select_item{e.lower(ctx), {}});
  return d.compile(s).text;
}
/// An expression as the dialect prints it in a select list.
std::string expression_sql(const dialect& d, const auto& e) {
  constexpr std::string::size_type select_keyword = sizeof("SELECT ") - 1;
  return expression_select(d, e).substr(select_keyword);
}

}  // namespace tabula::test
