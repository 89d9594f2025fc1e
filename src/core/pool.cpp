#include "tabula/core/detail/pool.hpp"

#include <utility>

#include "tabula/error.hpp"

namespace tabula::detail {

pool::pool(driver::url url, std::size_t max_idle, connect_hook on_connect)
    : url_(std::move(url)), max_idle_(max_idle), on_connect_(std::move(on_connect)) {
  auto first = open();
  dialect_ = &dialect_named(first->dialect_name());
  shared_single_ = url_.scheme == "sqlite" && (url_.database.empty() || url_.database == ":memory:");
  idle_.push_back(std::move(first));
}

std::shared_ptr<driver::connection> pool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (shared_single_) return idle_.front();
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
  }
  return open();
}

std::shared_ptr<driver::connection> pool::open() {
  auto conn = std::shared_ptr<driver::connection>(driver::connect(url_));
  if (on_connect_) on_connect_(*conn);  // an exception drops the connection and propagates
  return conn;
}

void pool::release(std::shared_ptr<driver::connection> conn) noexcept {
  if (!conn || shared_single_) return;
  try {
    if (!conn->is_alive()) return;
    if (conn->in_transaction()) conn->rollback();
  } catch (const error&) {  // a connection that cannot roll back is not reused; the error
    return;        // that broke it was already reported to whoever used it
  }
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

}  // namespace tabula::detail
