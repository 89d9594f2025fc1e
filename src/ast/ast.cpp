// The AST's expression node: its constructors, assignments and destructor instantiate the
// variant of 18 node kinds (constructors, visitation tables), so they are compiled here once
// instead of in every file that includes tabula/ast/ast.hpp.

#include "tabula/ast/ast.hpp"

#include <type_traits>
#include <utility>

namespace tabula::ast {

expr::expr(column_ref n) : node(std::move(n)) {}
expr::expr(star n) : node(std::move(n)) {}
expr::expr(param n) : node(n) {}
expr::expr(literal n) : node(std::move(n)) {}
expr::expr(unary n) : node(std::move(n)) {}
expr::expr(binary n) : node(std::move(n)) {}
expr::expr(like n) : node(std::move(n)) {}
expr::expr(in_list n) : node(std::move(n)) {}
expr::expr(in_select n) : node(std::move(n)) {}
expr::expr(between n) : node(std::move(n)) {}
expr::expr(exists n) : node(std::move(n)) {}
expr::expr(subquery n) : node(std::move(n)) {}
expr::expr(function n) : node(std::move(n)) {}
expr::expr(case_when n) : node(std::move(n)) {}
expr::expr(cast n) : node(std::move(n)) {}
expr::expr(raw n) : node(std::move(n)) {}
expr::expr(window n) : node(std::move(n)) {}
expr::expr(excluded n) : node(std::move(n)) {}

// The moves are declared noexcept (so vectors of expressions move, not copy, when they grow);
// every node kind must keep them so.
static_assert(std::is_nothrow_move_constructible_v<expr::node_type> &&
              std::is_nothrow_move_assignable_v<expr::node_type>);

expr::expr(const expr& other) = default;
expr::expr(expr&& other) noexcept = default;
expr& expr::operator=(const expr& other) = default;
expr& expr::operator=(expr&& other) noexcept = default;
expr::~expr() = default;

}  // namespace tabula::ast
