#pragma once
/// \file pool.hpp
/// The engine's connection pool: idle connections are kept and handed out again, so a
/// connection's prepared statements survive from one operation to the next. Thread-safe.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tabula/core/engine_options.hpp"
#include "tabula/detail/owned.hpp"
#include "tabula/core/events.hpp"
#include "tabula/dialect/dialect.hpp"
#include "tabula/driver/driver.hpp"
#include "tabula/detail/shared.hpp"

namespace tabula::detail {

class pool {
 public:
  using clock = std::chrono::steady_clock;

  /// A connection handed out, with what the pool needs back when it is returned.
  struct lease {
    detail::shared<driver::connection> conn;
    clock::time_point opened{};
    std::uint64_t generation = 0;
  };

  /// Opens the first connection at once, so a bad URL or an unreachable server fails here.
  /// A SQLite `:memory:` URL becomes one in-memory database shared by the pool's connections
  /// (SQLite's memdb VFS), each with its own transactions, kept alive by the pool.
  pool(driver::url url, engine_options options);
  ~pool();
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  /// An idle connection (checked first when `pre_ping` asks for it), or a new one; waits for
  /// one to be given back when `pool_size + max_overflow` are open.
  [[nodiscard]] lease acquire();
  /// Gives a connection back: rolled back if a transaction was left open; closed if broken,
  /// too old, beyond `pool_size`, or opened before `dispose()`.
  void release(lease l) noexcept;
  /// Closes the idle connections; those in use are closed when given back.
  void dispose() noexcept;

  [[nodiscard]] pool_status status() const;
  [[nodiscard]] const dialect& sql_dialect() const noexcept { return *dialect_; }
  [[nodiscard]] const driver::url& url() const noexcept { return *url_; }

  /// Where the statements of the pool's connections are reported (echo, statement hook).
  statement_observer observer;

 private:
  struct idle_entry {
    lease l;
    clock::time_point returned{};
  };

  [[nodiscard]] lease open();
  /// Whether an idle connection may be handed out (pinging it when asked), else it is closed.
  [[nodiscard]] bool usable(idle_entry& e, clock::time_point now);
  void forget_one() noexcept;  ///< one connection fewer is open; wakes a waiter

  owned<driver::url> url_;  ///< behind a pointer: url.hpp needs <map>
  engine_options options_;
  const dialect* dialect_ = nullptr;
  detail::shared<driver::connection> anchor_;  ///< keeps an in-memory database alive

  /// The mutex and the condition waiters wait on, and the idle connections (pool.cpp).
  struct sync;
  owned<sync> sync_;
  std::size_t open_ = 0;
  /// Connections opened at a generation below this are pinged at checkout: one of their
  /// contemporaries was found broken.
  std::uint64_t suspect_before_ = 0;
  /// Connections opened at a generation below this are closed when seen (`dispose()`).
  std::uint64_t retire_before_ = 0;
  std::uint64_t generation_ = 0;
  pool_status counters_;
};

}  // namespace tabula::detail
