#include "tabula/core/detail/statements.hpp"

#include <string>

#include "tabula/query/detail/insert_plan.hpp"

namespace tabula::detail {
namespace {

ast::expr column_of(const table_info& t, std::size_t field) {
  return ast::column_ref{t.def.name, t.def.columns[field].name};
}

std::vector<ast::select_item> all_columns(const table_info& t) {
  std::vector<ast::select_item> items;
  items.reserve(t.def.columns.size());
  for (std::size_t i = 0; i < t.def.columns.size(); ++i) items.push_back({column_of(t, i), {}});
  return items;
}

/// key1 = ?first AND key2 = ?first+1 ...
ast::expr key_condition(const table_info& t, std::uint32_t first_param) {
  std::optional<ast::expr> cond;
  for (std::size_t field : t.key_fields) {
    ast::expr eq = ast::binary{ast::binary_op::eq, column_of(t, field), ast::expr{ast::param{first_param++}}};
    cond = cond ? ast::expr(ast::binary{ast::binary_op::and_, std::move(*cond), std::move(eq)})
                : std::move(eq);
  }
  return std::move(*cond);
}

}  // namespace

std::vector<std::size_t> insert_fields(const table_info& t, bool with_generated) {
  std::vector<std::size_t> fields;
  fields.reserve(t.def.columns.size());
  for (std::size_t i = 0; i < t.def.columns.size(); ++i) {
    if (with_generated || t.generated_field != i) fields.push_back(i);
  }
  return fields;
}

ast::statement insert_statement(const table_info& t, bool with_generated, std::size_t rows,
                                bool return_key) {
  std::uint32_t param = 0;
  ast::insert ins = dml::values_insert(t, with_generated, rows, param);
  if (return_key && t.generated_field && !with_generated) {
    ins.returning.push_back({ast::column_ref{{}, t.def.columns[*t.generated_field].name}, {}});
  }
  return ins;
}

ast::statement select_by_key_statement(const table_info& t) {
  ast::select s;
  s.columns = all_columns(t);
  s.from = table_ref_of(t);
  s.where = key_condition(t, 0);
  return s;
}

ast::statement select_all_statement(const table_info& t) {
  ast::select s;
  s.columns = all_columns(t);
  s.from = table_ref_of(t);
  return s;
}

ast::statement update_by_key_statement(const table_info& t, std::span<const std::size_t> fields) {
  ast::update u;
  u.table = table_ref_of(t);
  std::uint32_t param = 0;
  for (std::size_t f : fields) u.set.push_back({t.def.columns[f].name, ast::param{param++}});
  u.where = key_condition(t, param);
  return u;
}

ast::statement delete_by_key_statement(const table_info& t) {
  ast::delete_ d;
  d.table = table_ref_of(t);
  d.where = key_condition(t, 0);
  return d;
}

ast::statement delete_by_keys_statement(const table_info& t, std::size_t count) {
  ast::in_list in{column_of(t, t.key_fields.front()), {}, false};
  in.items.reserve(count);
  for (std::size_t i = 0; i < count; ++i) in.items.emplace_back(ast::param{static_cast<std::uint32_t>(i)});
  ast::delete_ d;
  d.table = table_ref_of(t);
  d.where = ast::expr(std::move(in));
  return d;
}

std::vector<ast::statement> create_statements(const table_info& t) {
  std::vector<ast::statement> out;
  out.emplace_back(ast::create_table{t.def, true});
  for (const auto& index : t.def.indexes) out.emplace_back(ast::create_index{index, true});
  return out;
}

ast::statement drop_statement(const table_info& t) {
  return ast::drop_table{t.def.name, true, false, t.def.schema};
}

}  // namespace tabula::detail
