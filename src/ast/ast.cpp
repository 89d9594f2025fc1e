// What every file that builds a statement would otherwise compile again, compiled here once:
// the constructors, assignments and destructors of the AST's variants (`expr`, `value`,
// `from_item`, `statement`: each instantiates a std::variant's constructors and visitation
// tables), the node factories the typed layer lowers through, and the containers of the tree
// (the explicit instantiations ast.hpp and value.hpp declare).

#include "tabula/ast/ast.hpp"

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <variant>

namespace tabula::ast {

namespace {

/// The variant kept in `storage` (constructed there by the owner's constructor).
template <class V>
V& held(detail::variant_storage<V>& storage) noexcept {
  return *std::launder(reinterpret_cast<V*>(storage.bytes));  // NOLINT: storage of a V
}
template <class V>
const V& held(const detail::variant_storage<V>& storage) noexcept {
  return *std::launder(reinterpret_cast<const V*>(storage.bytes));  // NOLINT: storage of a V
}
template <class V, class... Args>
void construct(detail::variant_storage<V>& storage, Args&&... args) {
  static_assert(sizeof(V) <= sizeof(storage.bytes) && alignof(V) <= alignof(decltype(storage)),
                "ast::detail::variant_storage is too small for the variant");
  ::new (static_cast<void*>(storage.bytes)) V(std::forward<Args>(args)...);
}
/// The alternative `index` of `v`, when `v` holds it; null otherwise.
template <class V>
const void* alternative_of(const V& v, std::size_t index) noexcept {
  if (v.index() != index) return nullptr;
  return std::visit([](const auto& n) -> const void* { return &n; }, v);
}

}  // namespace

expr::expr(column_ref n) { construct(storage_, std::move(n)); }
expr::expr(star n) { construct(storage_, std::move(n)); }
expr::expr(param n) { construct(storage_, n); }
expr::expr(literal n) { construct(storage_, std::move(n)); }
expr::expr(unary n) { construct(storage_, std::move(n)); }
expr::expr(binary n) { construct(storage_, std::move(n)); }
expr::expr(like n) { construct(storage_, std::move(n)); }
expr::expr(in_list n) { construct(storage_, std::move(n)); }
expr::expr(in_select n) { construct(storage_, std::move(n)); }
expr::expr(between n) { construct(storage_, std::move(n)); }
expr::expr(exists n) { construct(storage_, std::move(n)); }
expr::expr(subquery n) { construct(storage_, std::move(n)); }
expr::expr(function n) { construct(storage_, std::move(n)); }
expr::expr(case_when n) { construct(storage_, std::move(n)); }
expr::expr(cast n) { construct(storage_, std::move(n)); }
expr::expr(raw n) { construct(storage_, std::move(n)); }
expr::expr(window n) { construct(storage_, std::move(n)); }
expr::expr(excluded n) { construct(storage_, std::move(n)); }

// The moves are declared noexcept (so vectors of expressions move, not copy, when they grow);
// every node kind must keep them so.
static_assert(std::is_nothrow_move_constructible_v<expr::node_type> &&
              std::is_nothrow_move_assignable_v<expr::node_type>);

expr::expr() { construct(storage_, column_ref{}); }
expr::expr(const expr& other) { construct(storage_, other.node()); }
expr::expr(expr&& other) noexcept { construct(storage_, std::move(other.node())); }
expr& expr::operator=(const expr& other) {
  node() = other.node();
  return *this;
}
expr& expr::operator=(expr&& other) noexcept {
  node() = std::move(other.node());
  return *this;
}
expr::~expr() { node().~node_type(); }
expr::node_type& expr::node() noexcept { return held(storage_); }
const expr::node_type& expr::node() const noexcept { return held(storage_); }
const void* expr::alternative(std::size_t index) const noexcept {
  return alternative_of(node(), index);
}

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

from_item::from_item() { construct(storage_); }
from_item::from_item(const variant_type& v) { construct(storage_, v); }
from_item::from_item(variant_type&& v) noexcept { construct(storage_, std::move(v)); }
from_item::from_item(table_ref t) { construct(storage_, std::move(t)); }
from_item::from_item(derived_table t) { construct(storage_, std::move(t)); }
from_item::from_item(const from_item& other) { construct(storage_, other.variant()); }
from_item::from_item(from_item&& other) noexcept {
  construct(storage_, std::move(other.variant()));
}
from_item& from_item::operator=(const from_item& other) {
  variant() = other.variant();
  return *this;
}
from_item& from_item::operator=(from_item&& other) noexcept {
  variant() = std::move(other.variant());
  return *this;
}
from_item::~from_item() { variant().~variant_type(); }
from_item::variant_type& from_item::variant() noexcept { return held(storage_); }
const from_item::variant_type& from_item::variant() const noexcept { return held(storage_); }
const void* from_item::alternative(std::size_t index) const noexcept {
  return alternative_of(variant(), index);
}

statement::statement() { construct(storage_); }
statement::statement(const variant_type& v) { construct(storage_, v); }
statement::statement(variant_type&& v) noexcept { construct(storage_, std::move(v)); }
statement::statement(select s) { construct(storage_, std::move(s)); }
statement::statement(insert s) { construct(storage_, std::move(s)); }
statement::statement(update s) { construct(storage_, std::move(s)); }
statement::statement(delete_ s) { construct(storage_, std::move(s)); }
statement::statement(create_table s) { construct(storage_, std::move(s)); }
statement::statement(drop_table s) { construct(storage_, std::move(s)); }
statement::statement(create_index s) { construct(storage_, std::move(s)); }
statement::statement(drop_index s) { construct(storage_, std::move(s)); }
statement::statement(const statement& other) { construct(storage_, other.variant()); }
statement::statement(statement&& other) noexcept {
  construct(storage_, std::move(other.variant()));
}
statement& statement::operator=(const statement& other) {
  variant() = other.variant();
  return *this;
}
statement& statement::operator=(statement&& other) noexcept {
  variant() = std::move(other.variant());
  return *this;
}
statement::~statement() { variant().~variant_type(); }
statement::variant_type& statement::variant() noexcept { return held(storage_); }
const statement::variant_type& statement::variant() const noexcept { return held(storage_); }
const void* statement::alternative(std::size_t index) const noexcept {
  return alternative_of(variant(), index);
}

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
