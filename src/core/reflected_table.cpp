/// \file reflected_table.cpp
/// Reading and writing the rows of a table known only by inspection.

#include "tabula/core/reflected_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tabula/core/connection.hpp"
#include "tabula/core/engine.hpp"
#include "tabula/error.hpp"

namespace tabula {

namespace {

[[noreturn]] void throw_kind(std::string_view column, std::string_view wanted) {
  detail::throw_error<conversion_error>(
      fmt::format("tabula: the value of column \"{}\" is not {}. Read it as the type the column "
                  "holds (see reflected_table::schema()).",
                  column, wanted));
}

/// How a column is read back: natively for the types tabula maps, as text otherwise.
bool read_as_text(const column_info& c) {
  if (!c.type) return true;
  switch (c.type->kind) {
    case ast::type_kind::timestamptz:
    case ast::type_kind::date:
    case ast::type_kind::time:
    case ast::type_kind::interval:
    case ast::type_kind::uuid:
    case ast::type_kind::json:
    case ast::type_kind::decimal:
    case ast::type_kind::array:
      return true;  // values of their own kind: read as the database prints them
    default:
      return false;
  }
}

ast::value read_cell(const driver::statement& st, int col, const column_info& c) {
  if (st.is_null(col)) return ast::null_t{};
  if (!c.type) return std::string(st.get_text(col));
  switch (c.type->kind) {
    case ast::type_kind::boolean:
      return st.get_bool(col);
    case ast::type_kind::int16:
    case ast::type_kind::int32:
    case ast::type_kind::int64:
      return st.get_int64(col);
    case ast::type_kind::float32:
    case ast::type_kind::float64:
      return st.get_double(col);
    case ast::type_kind::blob: {
      const auto b = st.get_blob(col);
      return blob(b.begin(), b.end());
    }
    case ast::type_kind::text:
    case ast::type_kind::timestamp:
    case ast::type_kind::timestamptz:
    case ast::type_kind::date:
    case ast::type_kind::time:
    case ast::type_kind::interval:
    case ast::type_kind::uuid:
    case ast::type_kind::decimal:
    case ast::type_kind::json:
    case ast::type_kind::array:
      break;
  }
  return std::string(st.get_text(col));
}

void bind_all(driver::statement& st, const std::vector<ast::value>& values) {
  detail::statement_binder b{st};
  for (const ast::value& v : values) detail::bind_ast_value(b, v);
}

}  // namespace

reflected_row::reflected_row(detail::shared<const std::vector<std::string>> columns,
                             std::vector<ast::value> values)
    : columns_(std::move(columns)), values_(std::move(values)) {}

const std::vector<std::string>& reflected_row::columns() const noexcept {
  static const std::vector<std::string> none;
  return columns_ ? *columns_ : none;
}

std::size_t reflected_row::index_of(std::string_view column) const {
  const auto& cols = columns();
  const auto it = std::find(cols.begin(), cols.end(), column);
  if (it == cols.end()) {
    detail::throw_error<programming_error>(
        fmt::format("tabula: the row has no column \"{}\".", column));
  }
  return static_cast<std::size_t>(it - cols.begin());
}

const ast::value& reflected_row::operator[](std::string_view column) const {
  return values_[index_of(column)];
}
ast::value& reflected_row::operator[](std::string_view column) {
  return values_[index_of(column)];
}
bool reflected_row::is_null(std::string_view column) const {
  return std::holds_alternative<ast::null_t>((*this)[column]);
}

bool reflected_row::as_bool(const ast::value& v, std::string_view column) {
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i != 0;  // SQLite's 0 and 1
  throw_kind(column, "a bool");
}
std::int64_t reflected_row::as_int(const ast::value& v, std::string_view column) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  throw_kind(column, std::holds_alternative<ast::null_t>(v) ? "an integer (it is NULL)"
                                                            : "an integer");
}
double reflected_row::as_double(const ast::value& v, std::string_view column) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  throw_kind(column, std::holds_alternative<ast::null_t>(v) ? "a number (it is NULL)"
                                                            : "a number");
}
std::string reflected_row::as_text(const ast::value& v, std::string_view column) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  throw_kind(column, std::holds_alternative<ast::null_t>(v) ? "text (it is NULL)" : "text");
}
blob reflected_row::as_blob(const ast::value& v, std::string_view column) {
  if (const auto* b = std::get_if<blob>(&v)) return *b;
  throw_kind(column, std::holds_alternative<ast::null_t>(v) ? "a blob (it is NULL)" : "a blob");
}

reflected_table::reflected_table(table_schema schema) : schema_(std::move(schema)) {
  auto cols = detail::make_shared<std::vector<std::string>>();
  for (const column_info& c : schema_.columns) cols->push_back(c.name);
  columns_ = std::move(cols);
}

void reflected_table::check_column(std::string_view column) const {
  if (schema_.column(column) != nullptr) return;
  detail::throw_error<programming_error>(fmt::format(
      "tabula: table \"{}\" has no column \"{}\".", schema_.name, column));
}

std::vector<ast::select_item> reflected_table::row_items() const {
  std::vector<ast::select_item> items;
  for (const column_info& c : schema_.columns) {
    ast::expr ref = ast::column_ref{schema_.name, c.name};
    if (read_as_text(c)) {
      // A type tabula does not map is read as its text.
      ref = ast::cast{ast::box<ast::expr>(std::move(ref)), ast::sql_type{ast::type_kind::text, 0}};
    }
    items.push_back({std::move(ref), {}});
  }
  return items;
}

std::vector<reflected_row> reflected_table::read_rows(connection& c, const std::string& sql,
                                                      const std::vector<ast::value>& values) const {
  auto st = c.prepare(sql);
  bind_all(*st, values);
  std::vector<reflected_row> rows;
  while (st->step()) {
    std::vector<ast::value> cells;
    cells.reserve(schema_.columns.size());
    for (std::size_t i = 0; i < schema_.columns.size(); ++i) {
      cells.push_back(read_cell(*st, static_cast<int>(i), schema_.columns[i]));
    }
    rows.emplace_back(columns_, std::move(cells));
  }
  return rows;
}

std::vector<reflected_row> reflected_table::select(connection& c,
                                                   const filter<reflected_row>& where,
                                                   std::int64_t limit) const {
  ast::select s;
  s.columns = row_items();
  s.from = ast::table_ref{schema_.name, {}};
  if (!where.empty()) {
    detail::lower_context ctx;
    s.where = where.lower(ctx);
  }
  for (const std::string& k : schema_.primary_key) {
    s.order_by.push_back(ast::order_item{ast::box<ast::expr>(ast::column_ref{schema_.name, k}),
                                         false, ast::nulls_order::default_});
  }
  if (limit > 0) s.limit = ast::literal{ast::value(limit)};
  return read_rows(c, c.sql_dialect().compile(s).text, where.values());
}

reflected_row reflected_table::insert(connection& c, const std::vector<column_value>& values) const {
  ast::insert ins;
  ins.table = ast::table_ref{schema_.name, {}};
  std::vector<ast::value> binds;
  ast::expr_list row;
  for (const column_value& v : values) {
    check_column(v.column);
    ins.columns.push_back(v.column);
    row.push_back(ast::param{static_cast<std::uint32_t>(binds.size())});
    binds.push_back(v.value);
  }
  if (!row.empty()) ins.rows.push_back(std::move(row));
  ins.returning = row_items();
  auto rows = read_rows(c, c.sql_dialect().compile(ins).text, binds);
  return std::move(rows.at(0));
}

std::int64_t reflected_table::update(connection& c, const std::vector<column_value>& values,
                                     const filter<reflected_row>& where) const {
  ast::update up;
  up.table = ast::table_ref{schema_.name, {}};
  std::vector<ast::value> binds;
  for (const column_value& v : values) {
    check_column(v.column);
    up.set.push_back({v.column, ast::param{static_cast<std::uint32_t>(binds.size())}});
    binds.push_back(v.value);
  }
  if (!where.empty()) {
    detail::lower_context ctx;
    ctx.next_param = static_cast<std::uint32_t>(binds.size());
    up.where = where.lower(ctx);
    binds.insert(binds.end(), where.values().begin(), where.values().end());
  }
  auto st = c.prepare(c.sql_dialect().compile(up).text);
  bind_all(*st, binds);
  while (st->step()) {
  }
  return st->affected_rows();
}

std::int64_t reflected_table::remove(connection& c, const filter<reflected_row>& where) const {
  ast::delete_ del;
  del.table = ast::table_ref{schema_.name, {}};
  if (!where.empty()) {
    detail::lower_context ctx;
    del.where = where.lower(ctx);
  }
  auto st = c.prepare(c.sql_dialect().compile(del).text);
  bind_all(*st, where.values());
  while (st->step()) {
  }
  return st->affected_rows();
}

std::vector<reflected_row> reflected_table::select(engine& db, const filter<reflected_row>& where,
                                                   std::int64_t limit) const {
  auto c = db.connect();
  return select(c, where, limit);
}
reflected_row reflected_table::insert(engine& db, const std::vector<column_value>& values) const {
  auto c = db.connect();
  return insert(c, values);
}
std::int64_t reflected_table::update(engine& db, const std::vector<column_value>& values,
                                     const filter<reflected_row>& where) const {
  auto c = db.connect();
  return update(c, values, where);
}
std::int64_t reflected_table::remove(engine& db, const filter<reflected_row>& where) const {
  auto c = db.connect();
  return remove(c, where);
}

reflected_table engine::reflect(std::string_view table, std::string schema) {
  inspector insp(*this, std::move(schema));
  return reflected_table(insp.table(table));
}

}  // namespace tabula
