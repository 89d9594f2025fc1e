#include <cstdint>
#include <string>
#include <utility>

#include "tabula/core/executor.hpp"

namespace tabula::detail {

namespace {
ast::select as_select(ast::statement query) {
  auto* s = query.get_if<ast::select>();
  if (s == nullptr) {
    throw_error<programming_error>("tabula: count() and exists() need a SELECT statement");
  }
  return std::move(*s);
}
}  // namespace

ast::statement count_statement(ast::statement query) {
  ast::select outer;
  outer.columns.push_back({ast::function{"count", {}, false, true}, {}});
  outer.from = ast::derived_table{as_select(std::move(query)), "counted"};
  return outer;
}

ast::statement exists_statement(ast::statement query) {
  ast::select outer;
  outer.columns.push_back({ast::exists{as_select(std::move(query)), false}, {}});
  return outer;
}

}  // namespace tabula::detail

namespace tabula::detail {

void throw_no_row(const char* operation) {
  throw_error<no_result_error>(std::string("tabula: ") + operation + " found no row");
}

void throw_many_rows(std::int64_t found) {
  throw_error<multiple_results_error>("tabula: expected at most one row, found " +
                                      std::to_string(found));
}

}  // namespace tabula::detail

namespace tabula::detail {

std::int64_t run::count_rows(statement_ref st) {
  st->step();
  return st->get_int64(0);
}

bool run::any_row(statement_ref st) {
  st->step();
  return st->get_bool(0);
}

void run::count_into(statement_ref st, void* out) {
  *static_cast<std::int64_t*>(out) = count_rows(std::move(st));
}

void run::exists_into(statement_ref st, void* out) {
  *static_cast<bool*>(out) = any_row(std::move(st));
}

void run::execute_into(statement_ref st, void* out) {
  *static_cast<std::int64_t*>(out) = step_to_end(*st);
}

}  // namespace tabula::detail
