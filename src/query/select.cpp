// The parts of typed selects that do not depend on user types.

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "tabula/error.hpp"
#include "tabula/query/compound.hpp"
#include "tabula/query/cte.hpp"
#include "tabula/query/select.hpp"
#include "tabula/query/subquery.hpp"

namespace tabula::detail {

// Out of line: assigning an expression to an optional of the AST weighs std::optional's
// converting assignments, and making a value from an integer the std::variant's constructors.
void limit_clause::lower_into(ast::select& s, lower_context& /*ctx*/) const {
  s.limit = ast::literal{ast::value{n}};
}

void offset_clause::lower_into(ast::select& s, lower_context& ctx) const {
  s.offset = ctx.param();
}

ast::expr typed_param(ast::expr e, ast::sql_type type) {
  return ast::cast{std::move(e), type};
}

void add_columns(std::vector<ast::select_item>& items, const std::string& qualifier,
                 const std::vector<std::string>& names) {
  items.reserve(items.size() + names.size());
  for (const auto& name : names) items.push_back({ast::column_ref{qualifier, name}, {}});
}

void unqualify_columns(std::vector<ast::order_item>& items) {
  for (auto& item : items) {
    if (auto* c = std::get_if<ast::column_ref>(&item.value->node())) c->qualifier.clear();
  }
}

void name_columns(ast::select& s, const std::vector<std::string>& names) {
  if (s.columns.size() != names.size()) {
    throw_error<programming_error>(
        "tabula: a derived table's query has " + std::to_string(s.columns.size()) +
        " select items where its row struct has " + std::to_string(names.size()) +
        " fields (a compound whose first select has its own order_by or limit selects *). "
        "Define it as a CTE with with() instead.");
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto& item = s.columns[i];
    const auto* c = std::get_if<ast::column_ref>(&item.value.node());
    // A column already named so needs no label: `"models"."id"`, not `"models"."id" AS "id"`.
    if (c != nullptr && c->name == names[i]) {
      item.alias.clear();
    } else {
      item.alias = names[i];
    }
  }
}

ast::select compound_head(ast::select first) {
  if (first.order_by.empty() && !first.limit && !first.offset && first.compound.empty()) {
    return first;
  }
  ast::select head;
  head.from = ast::derived_table{std::move(first), "first"};
  return head;
}

namespace {

/// Renumbers every parameter of a tree by `offset` and records the highest slot seen.
class param_shifter {
 public:
  explicit param_shifter(std::uint32_t offset) : offset_(offset) {}

  [[nodiscard]] std::uint32_t count() const { return count_; }

  void select(ast::select& s) {
    for (auto& c : s.with) select(*c.query);
    for (auto& item : s.columns) expr(item.value);
    if (s.from) from(*s.from);
    for (auto& j : s.joins) {
      from(j.target);
      if (j.on) expr(*j.on);
    }
    if (s.where) expr(*s.where);
    for (auto& g : s.group_by) expr(g);
    if (s.having) expr(*s.having);
    for (auto& part : s.compound) select(*part.query);
    for (auto& o : s.order_by) expr(*o.value);
    if (s.limit) expr(*s.limit);
    if (s.offset) expr(*s.offset);
  }

  void expr(ast::expr& e) {
    std::visit([this](auto& node) { visit(node); }, e.node());
  }

 private:
  void from(ast::from_item& f) {
    if (auto* d = f.get_if<ast::derived_table>()) select(*d->query);
  }
  void list(ast::expr_list& l) {
    for (auto& e : l) expr(e);
  }

  void visit(ast::param& p) {
    count_ = std::max(count_, p.index + 1);
    p.index += offset_;
  }
  void visit(ast::unary& n) { expr(*n.operand); }
  void visit(ast::binary& n) {
    expr(*n.lhs);
    expr(*n.rhs);
  }
  void visit(ast::like& n) {
    expr(*n.operand);
    expr(*n.pattern);
  }
  void visit(ast::in_list& n) {
    expr(*n.operand);
    list(n.items);
  }
  void visit(ast::in_select& n) {
    expr(*n.operand);
    select(*n.query);
  }
  void visit(ast::between& n) {
    expr(*n.operand);
    expr(*n.low);
    expr(*n.high);
  }
  void visit(ast::exists& n) { select(*n.query); }
  void visit(ast::subquery& n) { select(*n.query); }
  void visit(ast::function& n) { list(n.args); }
  void visit(ast::case_when& n) {
    if (n.operand) expr(**n.operand);
    for (auto& [when, then] : n.whens) {
      expr(when);
      expr(then);
    }
    if (n.otherwise) expr(**n.otherwise);
  }
  void visit(ast::cast& n) { expr(*n.operand); }
  void visit(ast::raw& n) { list(n.args); }
  void visit(ast::window& n) {
    expr(*n.function);
    list(n.partition_by);
    for (auto& o : n.order_by) expr(*o.value);
  }
  // Leaves without parameters.
  void visit(ast::column_ref& /*n*/) {}
  void visit(ast::star& /*n*/) {}
  void visit(ast::literal& /*n*/) {}
  void visit(ast::excluded& /*n*/) {}

  std::uint32_t offset_;
  std::uint32_t count_ = 0;
};

}  // namespace

ast::select embed_select(ast::statement st, lower_context& ctx) {
  auto* s = st.get_if<ast::select>();
  if (s == nullptr) {
    throw_error<programming_error>(
        "tabula: a subquery must be a SELECT; this statement lowers to another kind");
  }
  param_shifter shift(ctx.next_param);
  shift.select(*s);
  ctx.next_param += shift.count();
  return std::move(*s);
}

}  // namespace tabula::detail
