#include "tabula/core/detail/statements.hpp"

#include <fmt/format.h>

#include <algorithm>
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

std::vector<std::size_t> insert_fields(const table_info& t, bool with_generated,
                                       std::uint64_t omitted) {
  std::vector<std::size_t> fields;
  fields.reserve(t.def.columns.size());
  for (std::size_t i = 0; i < t.def.columns.size(); ++i) {
    if (dml::binds_field(t, i, with_generated, omitted)) fields.push_back(i);
  }
  return fields;
}

std::vector<std::size_t> returned_fields(const table_info& t, bool with_generated,
                                         std::uint64_t omitted, bool key_by_driver) {
  std::vector<std::size_t> fields;
  if (t.generated_field && !with_generated && !key_by_driver) fields.push_back(*t.generated_field);
  for (std::size_t j = 0; j < t.server_default_fields.size(); ++j) {
    if (((omitted >> j) & 1U) != 0) fields.push_back(t.server_default_fields[j]);
  }
  return fields;
}

ast::statement insert_statement(const table_info& t, bool with_generated, std::size_t rows,
                                bool return_key, std::uint64_t omitted, bool return_defaults) {
  std::uint32_t param = 0;
  ast::insert ins = dml::values_insert(t, with_generated, rows, param, omitted);
  for (std::size_t f : returned_fields(t, with_generated, return_defaults ? omitted : 0,
                                       !return_key)) {
    ins.returning.push_back({ast::column_ref{{}, t.def.columns[f].name}, {}});
  }
  return ins;
}

ast::statement select_fields_by_key_statement(const table_info& t,
                                              detail::list_view<const std::size_t> fields) {
  ast::select s;
  for (std::size_t f : fields) s.columns.push_back({column_of(t, f), {}});
  s.from = table_ref_of(t);
  s.where = key_condition(t, 0);
  return s;
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

ast::statement update_by_key_statement(const table_info& t,
                                       detail::list_view<const std::size_t> fields, bool on_update,
                                       bool returning) {
  ast::update u;
  u.table = table_ref_of(t);
  std::uint32_t param = 0;
  for (std::size_t f : fields) u.set.push_back({t.def.columns[f].name, ast::param{param++}});
  if (on_update) {
    for (const auto& column : t.on_update) {
      if (!column.sql) continue;
      const std::string& name = t.def.columns[column.field].name;
      u.set.push_back({name, *column.sql});
      if (returning) u.returning.push_back({ast::column_ref{{}, name}, {}});
    }
  }
  u.where = key_condition(t, param);
  return u;
}

std::vector<std::size_t> update_fields(const table_info& t,
                                       detail::list_view<const std::size_t> changed) {
  std::vector<std::size_t> fields;
  fields.reserve(changed.size() + t.on_update.size());
  for (std::size_t f = 0; f < t.def.columns.size(); ++f) {
    bool set = std::find(changed.begin(), changed.end(), f) != changed.end();
    for (const auto& column : t.on_update) {
      if (column.field == f) set = !column.sql;  // SQL is written into the statement instead
    }
    if (set) fields.push_back(f);
  }
  return fields;
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

bool key_not_generated(const table_info& t, const not_null_violation& e) {
  if (!t.generated_field || t.key != key_source::database) return false;
  const std::string& column = t.def.columns[*t.generated_field].name;
  const std::string& said = e.driver_message();
  return said.find('"' + column + '"') != std::string::npos ||
         said.find(t.def.name + "." + column) != std::string::npos;
}

void throw_key_not_generated(const table_info& t, const not_null_violation& e) {
  const std::string& column = t.def.columns[*t.generated_field].name;
  throw_error<not_null_violation>(
      fmt::format("tabula: the key column \"{}\" of table \"{}\" got no value: {} leaves it to "
                  "the database (the key is generated by default), and the table has no "
                  "identity or default for it. Declare tabula::assigned_key(&{}::{}) in "
                  "tabula::schema<{}>::options when the program assigns the keys, or "
                  "tabula::sequence_key(&{}::{}, \"<sequence>\") when a sequence makes them. "
                  "The database said: {}",
                  column, t.def.name, t.model_name, t.model_name, column, t.model_name,
                  t.model_name, column, e.driver_message()),
      e.sql(), e.code(), e.driver_message());
}

}  // namespace tabula::detail
