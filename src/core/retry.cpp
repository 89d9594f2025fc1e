#include "tabula/core/retry.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <thread>

namespace tabula {

bool is_retryable(const error& e) noexcept {
  if (dynamic_cast<const connection_lost*>(&e) != nullptr) return false;  // outcome unknown
  const std::string& code = e.code();
  if (dynamic_cast<const transaction_error*>(&e) != nullptr) {
    return code == "40001" || code == "40P01";
  }
  if (dynamic_cast<const operational_error*>(&e) != nullptr) {
    // SQLITE_BUSY and its extended codes RECOVERY (261), SNAPSHOT (517), TIMEOUT (773).
    return code == "5" || code == "261" || code == "517" || code == "773";
  }
  return false;
}

namespace detail {
void retry_pause(const retry_options& options, int attempt) {
  using std::chrono::milliseconds;
  const auto doubled = options.backoff.count() << std::min(attempt - 1, 20);
  const auto base = std::min<std::int64_t>(doubled, options.max_backoff.count());
  thread_local std::minstd_rand random{std::random_device{}()};
  std::uniform_int_distribution<std::int64_t> jitter(base / 2, base + base / 2);
  std::this_thread::sleep_for(milliseconds(jitter(random)));
}
}  // namespace detail

}  // namespace tabula
