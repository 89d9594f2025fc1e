// The parts of typed INSERT / UPDATE / DELETE that do not depend on user types.

#include <fmt/format.h>

#include <bit>
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

namespace {
bool omits_default(const table_info& t, std::size_t f, std::uint64_t omitted) {
  for (std::size_t j = 0; j < t.server_default_fields.size(); ++j) {
    if (t.server_default_fields[j] == f) return ((omitted >> j) & 1U) != 0;
  }
  return false;
}
}  // namespace

bool binds_field(const table_info& t, std::size_t f, bool with_key, std::uint64_t omitted) {
  if (!with_key && t.generated_field == f) return false;
  return omitted == 0 || !omits_default(t, f, omitted);
}

std::size_t values_columns(const table_info& t, bool with_key, std::uint64_t omitted) {
  return t.def.columns.size() - (t.generated_field && !with_key ? 1 : 0) -
         static_cast<std::size_t>(std::popcount(omitted));
}

ast::insert values_insert(const table_info& t, bool with_key, std::size_t rows,
                          std::uint32_t& next_param, std::uint64_t omitted) {
  ast::insert ins;
  ins.table = table_ref_of(t);
  ins.columns.reserve(t.def.columns.size());
  // A sequence key not given: nextval on PostgreSQL; on SQLite a NULL makes the rowid.
  const bool next_value = !with_key && t.key == key_source::sequence;
  std::size_t key_column = 0;
  for (std::size_t i = 0; i < t.def.columns.size(); ++i) {
    if (next_value && t.generated_field == i) key_column = ins.columns.size();
    if (binds_field(t, i, with_key, omitted) || (next_value && t.generated_field == i)) {
      ins.columns.push_back(t.def.columns[i].name);
    }
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
    for (std::size_t c = 0; c < ins.columns.size(); ++c) {
      if (next_value && c == key_column) {
        ast::raw next{"NULL", {}, {}};
        next.by_dialect.emplace_back("postgresql",
                                     "nextval(" + quoted_sequence(t.key_sequence) + ")");
        row.emplace_back(std::move(next));
      } else {
        row.emplace_back(ast::param{next_param++});
      }
    }
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
