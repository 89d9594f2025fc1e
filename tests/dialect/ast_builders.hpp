#pragma once
/// \file ast_builders.hpp
/// Terse constructors for runtime AST nodes, so that each dialect snapshot test reads as one
/// line: the tree on the left, the SQL it must compile to on the right.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tabula/ast/ast.hpp>
#include <tabula/dialect/dialect.hpp>

namespace tabula::test {

namespace ast = tabula::ast;
using ast::expr;

/// `"name"` or `"qualifier"."name"`.
inline expr col(std::string name) { return ast::column_ref{{}, std::move(name)}; }
inline expr col(std::string qualifier, std::string name) {
  return ast::column_ref{std::move(qualifier), std::move(name)};
}
/// Parameter slot `index` (0-based).
inline expr p(std::uint32_t index) { return ast::param{index}; }
/// An inline literal.
inline expr lit(ast::value v) { return ast::literal{std::move(v)}; }
inline expr lit(const char* s) { return ast::literal{std::string(s)}; }
inline expr lit(int v) { return ast::literal{std::int64_t{v}}; }
inline expr lit(std::int64_t v) { return ast::literal{v}; }
inline expr lit(double v) { return ast::literal{v}; }
inline expr lit(bool v) { return ast::literal{v}; }

inline expr un(ast::unary_op op, expr e) { return ast::unary{op, std::move(e)}; }
inline expr bin(ast::binary_op op, expr l, expr r) {
  return ast::binary{op, std::move(l), std::move(r)};
}
inline expr eq(expr l, expr r) { return bin(ast::binary_op::eq, std::move(l), std::move(r)); }
inline expr gt(expr l, expr r) { return bin(ast::binary_op::gt, std::move(l), std::move(r)); }
inline expr lt(expr l, expr r) { return bin(ast::binary_op::lt, std::move(l), std::move(r)); }
inline expr and_(expr l, expr r) { return bin(ast::binary_op::and_, std::move(l), std::move(r)); }
inline expr or_(expr l, expr r) { return bin(ast::binary_op::or_, std::move(l), std::move(r)); }
inline expr add(expr l, expr r) { return bin(ast::binary_op::add, std::move(l), std::move(r)); }
inline expr sub(expr l, expr r) { return bin(ast::binary_op::sub, std::move(l), std::move(r)); }

/// A function call `name(args...)`.
template <class... Args>
expr fn(std::string name, Args... args) {
  return ast::function{std::move(name), ast::expr_list{std::move(args)...}, false, false};
}
inline expr count_star() { return ast::function{"count", {}, false, true}; }

inline ast::order_item asc(expr e, ast::nulls_order n = ast::nulls_order::default_) {
  return ast::order_item{std::move(e), false, n};
}
inline ast::order_item desc(expr e, ast::nulls_order n = ast::nulls_order::default_) {
  return ast::order_item{std::move(e), true, n};
}

/// `SELECT items FROM table [AS alias]`, the rest filled in by the caller.
inline ast::select select_from(std::vector<ast::select_item> items, std::string table,
                               std::string alias = {}) {
  ast::select s;
  s.columns = std::move(items);
  s.from = ast::table_ref{std::move(table), std::move(alias)};
  return s;
}
/// `SELECT e` with no FROM.
inline ast::select select_of(expr e) {
  ast::select s;
  s.columns.push_back({std::move(e), {}});
  return s;
}

inline const dialect& lite() { return sqlite_dialect(); }
inline const dialect& pg() { return postgres_dialect(); }

/// The SQL text of a statement.
inline std::string sql(const dialect& d, const ast::statement& s) { return d.compile(s).text; }

/// The SQL text of an expression, as printed in a select list.
inline std::string sql(const dialect& d, expr e) {
  std::string text = d.compile(select_of(std::move(e))).text;
  constexpr std::string_view prefix = "SELECT ";
  if (text.compare(0, prefix.size(), prefix) != 0) return "<not a SELECT: " + text + ">";
  return text.substr(prefix.size());
}

}  // namespace tabula::test
