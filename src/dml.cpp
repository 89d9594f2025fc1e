// The parts of typed INSERT / UPDATE / DELETE that do not depend on user types.

#include <fmt/format.h>

#include <string>

#include "tabula/query/detail/insert_plan.hpp"
#include "tabula/query/dml_clauses.hpp"

namespace tabula::detail::dml {

std::vector<ast::select_item> returning_columns(const table_info& t) {
  std::vector<ast::select_item> items;
  items.reserve(t.def.columns.size());
  for (const auto& c : t.def.columns) items.push_back({ast::column_ref{t.def.name, c.name}, {}});
  return items;
}

std::size_t values_columns(const table_info& t, bool with_key) {
  return t.def.columns.size() - (t.generated_field && !with_key ? 1 : 0);
}

ast::insert values_insert(const table_info& t, bool with_key, std::size_t rows,
                          std::uint32_t& next_param) {
  ast::insert ins;
  ins.table = ast::table_ref{t.def.name, {}};
  ins.columns.reserve(values_columns(t, with_key));
  for (std::size_t i = 0; i < t.def.columns.size(); ++i) {
    if (with_key || t.generated_field != i) ins.columns.push_back(t.def.columns[i].name);
  }
  if (ins.columns.empty()) {
    // SQL has no VALUES row of no values; DEFAULT VALUES (no rows in the tree) is one row.
    if (rows != 1) {
      throw_values_need_statements(t, "a row of no values is one DEFAULT VALUES statement");
    }
    return ins;
  }
  ins.rows.reserve(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    ast::expr_list row;
    row.reserve(ins.columns.size());
    for (std::size_t c = 0; c < ins.columns.size(); ++c) row.emplace_back(ast::param{next_param++});
    ins.rows.push_back(std::move(row));
  }
  return ins;
}

void throw_values_need_statements(const table_info& t, std::string_view why) {
  throw_error<programming_error>(fmt::format(
      "tabula: the INSERT into \"{}\" cannot be written as one statement: {}. Run it (it is "
      "split into statements of one shape) instead of lowering it whole",
      t.def.name, why));
}

void throw_unmatched_keys(const table_info& t, std::string_view why) {
  throw_error<not_supported_error>(fmt::format(
      "tabula: insert_many() into \"{}\" cannot match the generated keys to the rows: {}. "
      "Insert these rows one at a time with insert()",
      t.def.name, why));
}

void throw_conversion_for_column(const table_info& t, std::size_t field,
                                 const conversion_error& e) {
  // "tabula: column "c" of "t": <the reason>", the reason without its own "tabula: ".
  std::string_view reason = e.what();
  if (reason.starts_with("tabula: ")) reason.remove_prefix(8);
  throw_error<conversion_error>(
      fmt::format("tabula: column \"{}\" of \"{}\": {}", t.def.columns[field].name, t.def.name,
                  reason),
      e.sql(), e.code(), e.driver_message());
}

}  // namespace tabula::detail::dml
