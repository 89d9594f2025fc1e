// What every file that builds a statement would otherwise compile again, compiled here once:
// the members of the AST's variant holders (`expr`, `from_item`, `statement` keep their
// std::variant in storage of its own, so other files never compile the variant's class) and
// `value`'s constructors and special members, the node factories the typed layer lowers
// through, and the containers of the tree (the explicit instantiations ast.hpp and value.hpp
// declare).

#include "tabula/ast/ast.hpp"

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <variant>

namespace tabula::ast {

namespace detail {

template <class V>
V& variant_holder<V>::variant() noexcept {
  return *std::launder(reinterpret_cast<V*>(storage_.bytes));  // NOLINT: the storage of a V
}
template <class V>
const V& variant_holder<V>::variant() const noexcept {
  return *std::launder(reinterpret_cast<const V*>(storage_.bytes));  // NOLINT: as above
}
template <class V>
template <class N>
variant_holder<V>::variant_holder(std::in_place_t /*tag*/, N&& n) {
  static_assert(sizeof(V) == sizeof(storage_.bytes) && alignof(V) <= alignof(decltype(storage_)),
                "ast::detail::variant_storage does not fit the variant: its layout differs "
                "from the one variant_storage assumes");
  ::new (static_cast<void*>(storage_.bytes)) V(std::forward<N>(n));
}
template <class V>
variant_holder<V>::variant_holder(const variant_holder& other)
    : variant_holder(std::in_place, other.variant()) {}
template <class V>
variant_holder<V>::variant_holder(variant_holder&& other) noexcept
    : variant_holder(std::in_place, std::move(other.variant())) {
  static_assert(std::is_nothrow_move_constructible_v<V> && std::is_nothrow_move_assignable_v<V>,
                "every node kind moves without throwing (vectors of nodes move, not copy)");
}
template <class V>
variant_holder<V>& variant_holder<V>::operator=(const variant_holder& other) {
  variant() = other.variant();
  return *this;
}
template <class V>
variant_holder<V>& variant_holder<V>::operator=(variant_holder&& other) noexcept {
  variant() = std::move(other.variant());
  return *this;
}
template <class V>
variant_holder<V>::~variant_holder() {
  variant().~V();
}
template <class V>
const void* variant_holder<V>::alternative(std::size_t index) const noexcept {
  if (variant().index() != index) return nullptr;
  return std::visit([](const auto& n) -> const void* { return std::addressof(n); }, variant());
}

template class variant_holder<expr_node>;
template class variant_holder<from_item::variant_type>;
template class variant_holder<statement_kind>;

}  // namespace detail

expr::expr(column_ref n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(star n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(param n) : variant_holder(std::in_place, n) {}
expr::expr(literal n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(unary n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(binary n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(like n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(in_list n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(in_select n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(between n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(exists n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(subquery n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(function n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(case_when n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(cast n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(raw n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(window n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr(excluded n) : variant_holder(std::in_place, std::move(n)) {}
expr::expr() : variant_holder(std::in_place, column_ref{}) {}

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

from_item::from_item() : variant_holder(std::in_place, table_ref{}) {}
from_item::from_item(const variant_type& v) : variant_holder(std::in_place, v) {}
from_item::from_item(variant_type&& v) noexcept : variant_holder(std::in_place, std::move(v)) {}
from_item::from_item(table_ref t) : variant_holder(std::in_place, std::move(t)) {}
from_item::from_item(derived_table t) : variant_holder(std::in_place, std::move(t)) {}

statement::statement() : variant_holder(std::in_place, select{}) {}
statement::statement(const variant_type& v) : variant_holder(std::in_place, v) {}
statement::statement(variant_type&& v) noexcept : variant_holder(std::in_place, std::move(v)) {}
statement::statement(select s) : variant_holder(std::in_place, std::move(s)) {}
statement::statement(insert s) : variant_holder(std::in_place, std::move(s)) {}
statement::statement(update s) : variant_holder(std::in_place, std::move(s)) {}
statement::statement(delete_ s) : variant_holder(std::in_place, std::move(s)) {}
statement::statement(create_table s) : variant_holder(std::in_place, std::move(s)) {}
statement::statement(drop_table s) : variant_holder(std::in_place, std::move(s)) {}
statement::statement(create_index s) : variant_holder(std::in_place, std::move(s)) {}
statement::statement(drop_index s) : variant_holder(std::in_place, std::move(s)) {}

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
