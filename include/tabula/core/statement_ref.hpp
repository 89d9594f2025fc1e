#pragma once
/// \file statement_ref.hpp
/// `tabula::statement_ref`: a prepared statement in use, and how to run one to its end.

#include <cstdint>

#include "tabula/detail/move.hpp"
#include "tabula/detail/shared.hpp"
#include "tabula/driver/driver.hpp"

namespace tabula {

namespace detail {
/// Runs a statement to its end, reading no rows; the number of rows it changed.
inline std::int64_t step_to_end(driver::statement& st) {
  while (st.step()) {
  }
  return st.affected_rows();
}
}  // namespace detail

/// A prepared statement in use: reset when the use ends, so a statement read only partly
/// (one row of many) holds no lock and no result beyond its use.
class statement_ref {
 public:
  explicit statement_ref(detail::shared<driver::statement> st) noexcept : st_(TABULA_MOVE(st)) {}
  statement_ref(statement_ref&&) noexcept = default;
  statement_ref& operator=(statement_ref&&) noexcept = default;
  statement_ref(const statement_ref&) = delete;
  statement_ref& operator=(const statement_ref&) = delete;
  ~statement_ref();

  driver::statement& operator*() const noexcept { return *st_; }
  driver::statement* operator->() const noexcept { return st_.get(); }

 private:
  detail::shared<driver::statement> st_;
};

}  // namespace tabula
