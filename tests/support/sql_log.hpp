#pragma once
/// \file sql_log.hpp
/// The statements an engine prepares while a `sql_log` is alive (through the echo hook): how
/// behaviour tests count the statements a call runs.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <tabula/tabula.hpp>

namespace tabula::test {

struct sql_log {
  std::vector<std::string> statements;
  explicit sql_log(tabula::engine& db) : db_(db) {
    db_.set_echo([this](std::string_view sql) { statements.emplace_back(sql); });
  }
  sql_log(const sql_log&) = delete;
  sql_log& operator=(const sql_log&) = delete;
  ~sql_log() { db_.set_echo({}); }
  /// How many statements begin with `prefix` ("INSERT", "UPDATE", ...).
  [[nodiscard]] std::size_t count(std::string_view prefix) const {
    std::size_t n = 0;
    for (const auto& s : statements) n += s.starts_with(prefix) ? 1 : 0;
    return n;
  }

 private:
  tabula::engine& db_;
};

}  // namespace tabula::test
