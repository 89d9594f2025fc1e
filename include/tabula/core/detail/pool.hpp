#pragma once
/// \file pool.hpp
/// The engine's connection pool: idle connections are kept and handed out again, so a
/// connection's prepared statements survive from one operation to the next.

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tabula/dialect/dialect.hpp"
#include "tabula/driver/driver.hpp"
#include "tabula/driver/url.hpp"

namespace tabula::detail {

class pool {
 public:
  /// Runs on each connection the pool opens, before anyone uses it.
  using connect_hook = std::function<void(driver::connection&)>;

  /// Opens the first connection at once, so a bad URL or an unreachable server fails here.
  pool(driver::url url, std::size_t max_idle, connect_hook on_connect = {});

  /// An idle connection, or a new one. For SQLite `:memory:` — one database per connection —
  /// every caller shares the pool's single connection.
  [[nodiscard]] std::shared_ptr<driver::connection> acquire();
  /// Gives a connection back: rolled back if a transaction was left open, dropped if broken.
  void release(std::shared_ptr<driver::connection> conn) noexcept;

  [[nodiscard]] const dialect& sql_dialect() const noexcept { return *dialect_; }
  [[nodiscard]] const driver::url& url() const noexcept { return url_; }

  /// Called with the SQL of every statement executed, when set.
  std::function<void(std::string_view)> echo;

 private:
  std::shared_ptr<driver::connection> open();

  driver::url url_;
  std::size_t max_idle_;
  connect_hook on_connect_;
  bool shared_single_ = false;
  const dialect* dialect_ = nullptr;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<driver::connection>> idle_;
};

}  // namespace tabula::detail
