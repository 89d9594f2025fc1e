// What every file that builds a statement would otherwise compile again, compiled here once:
// the constructors, assignments and destructors of the AST's variants (`expr`, `value`,
// `from_item`, `statement`: each instantiates a std::variant's constructors and visitation
// tables), the node factories the typed layer lowers through, and the containers of the tree
// (the explicit instantiations ast.hpp and value.hpp declare).

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

expr::expr() = default;
expr::expr(const expr& other) = default;
expr::expr(expr&& other) noexcept = default;
expr& expr::operator=(const expr& other) = default;
expr& expr::operator=(expr&& other) noexcept = default;
expr::~expr() = default;

expr make_binary(binary_op op, expr&& lhs, expr&& rhs) {
  return binary{op, std::move(lhs), std::move(rhs)};
}
expr make_unary(unary_op op, expr&& operand) { return unary{op, std::move(operand)}; }
expr make_column_ref(std::string_view qualifier, std::string_view name) {
  return column_ref{std::string(qualifier), std::string(name)};
}
expr make_param(std::uint32_t index) { return param{index}; }
expr make_cast(expr&& operand, const sql_type& to) { return cast{std::move(operand), to}; }

value::value() noexcept = default;
value::value(const variant_type& v) : variant_type(v) {}
value::value(variant_type&& v) noexcept : variant_type(std::move(v)) {}
value::value(null_t v) noexcept : variant_type(v) {}
value::value(std::int64_t v) noexcept : variant_type(v) {}
value::value(double v) noexcept : variant_type(v) {}
value::value(std::string v) noexcept : variant_type(std::move(v)) {}
value::value(blob v) noexcept : variant_type(std::move(v)) {}
value::value(typed_value v) noexcept : variant_type(v) {}
value::value(const value& other) = default;
value::value(value&& other) noexcept = default;
value& value::operator=(const value& other) = default;
value& value::operator=(value&& other) noexcept = default;
value::~value() = default;

from_item::from_item() = default;
from_item::from_item(const variant_type& v) : variant_type(v) {}
from_item::from_item(variant_type&& v) noexcept : variant_type(std::move(v)) {}
from_item::from_item(table_ref t) : variant_type(std::move(t)) {}
from_item::from_item(derived_table t) : variant_type(std::move(t)) {}
from_item::from_item(const from_item& other) = default;
from_item::from_item(from_item&& other) noexcept = default;
from_item& from_item::operator=(const from_item& other) = default;
from_item& from_item::operator=(from_item&& other) noexcept = default;
from_item::~from_item() = default;

statement::statement() = default;
statement::statement(const variant_type& v) : variant_type(v) {}
statement::statement(variant_type&& v) noexcept : variant_type(std::move(v)) {}
statement::statement(select s) : variant_type(std::move(s)) {}
statement::statement(insert s) : variant_type(std::move(s)) {}
statement::statement(update s) : variant_type(std::move(s)) {}
statement::statement(delete_ s) : variant_type(std::move(s)) {}
statement::statement(create_table s) : variant_type(std::move(s)) {}
statement::statement(drop_table s) : variant_type(std::move(s)) {}
statement::statement(create_index s) : variant_type(std::move(s)) {}
statement::statement(drop_index s) : variant_type(std::move(s)) {}
statement::statement(const statement& other) = default;
statement::statement(statement&& other) noexcept = default;
statement& statement::operator=(const statement& other) = default;
statement& statement::operator=(statement&& other) noexcept = default;
statement::~statement() = default;

}  // namespace tabula::ast

// The explicit instantiations the headers declare (ast.hpp, value.hpp).
template class tabula::ast::box<tabula::ast::expr>;
template class tabula::ast::box<tabula::ast::select>;
// NOLINTNEXTLINE(cppcoreguidelines-macro-usage)
#define TABULA_AST_INSTANTIATE_LIST(T)           \
  template class std::allocator<tabula::ast::T>; \
  template class std::vector<tabula::ast::T>;
TABULA_AST_LIST_TYPES(TABULA_AST_INSTANTIATE_LIST)
TABULA_AST_INSTANTIATE_LIST(value)
#undef TABULA_AST_INSTANTIATE_LIST
