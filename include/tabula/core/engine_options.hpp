#pragma once
/// \file engine_options.hpp
/// `tabula::engine_options`: how an engine pools its connections and sets them up.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "tabula/detail/action.hpp"
#include "tabula/driver/driver.hpp"

namespace tabula {

/// How SQLite transactions begin: `tabula::begin_mode::immediate` (see `driver::begin_mode`).
using driver::begin_mode;
using driver::isolation_level;
using driver::transaction_options;

/// Settings of an engine beyond its URL. The pool's settings follow SQLAlchemy's QueuePool.
struct engine_options {
  // ----- the pool

  /// Connections kept open while idle.
  std::size_t pool_size = 5;
  /// Connections opened beyond `pool_size` while all are in use; closed when given back.
  /// At most `pool_size + max_overflow` connections are open at once.
  std::size_t max_overflow = 10;
  /// How long `connect()` waits for a connection to be given back when the pool is at its
  /// limit, before it throws `pool_timeout_error`.
  std::chrono::milliseconds pool_timeout{30'000};
  /// A connection older than this is closed instead of reused (0: never), so that servers,
  /// proxies or firewalls that end long-lived connections never see one in use.
  std::chrono::seconds pool_recycle{0};
  /// Before a connection idle for longer than `pre_ping_after` is handed out, one round trip
  /// checks that the server still answers; a dead connection is replaced by a new one, and
  /// the caller never sees it. A connection used more recently is handed out unchecked (as
  /// HikariCP does), so a busy pool pays nothing. After any connection was found broken,
  /// every connection opened before it is checked at its next checkout, whatever its age.
  bool pre_ping = true;
  std::chrono::milliseconds pre_ping_after{500};
  /// false: no pooling — each `connect()` opens a connection and giving it back closes it.
  bool pooling = true;
  /// Runs on every connection the pool opens, before its first use: per-connection settings
  /// such as `PRAGMA synchronous = NORMAL` or `SET search_path TO app`. An exception it throws
  /// propagates from the engine's constructor or `connect()`, and the connection is dropped.
  callback<void(driver::connection&)> on_connect{};

  // ----- SQLite

  /// How transactions begin on SQLite. `immediate` (the default) takes the write lock at
  /// BEGIN, so concurrent writers wait for each other under `sqlite_busy_timeout` instead of
  /// failing with SQLITE_BUSY; `deferred` lets read-only transactions run beside a writer.
  driver::begin_mode sqlite_begin = driver::begin_mode::immediate;
  /// How long a statement waits for another connection's lock before SQLITE_BUSY.
  std::chrono::milliseconds sqlite_busy_timeout{5'000};
  /// Write-ahead logging (`PRAGMA journal_mode = WAL`) for a database file: readers and one
  /// writer run at the same time. The setting is stored in the file.
  bool sqlite_wal = false;
};

/// The pool's state and what it has done since the engine was made (`engine::pool_status()`).
struct pool_status {
  std::size_t open = 0;         ///< connections open now, idle or in use
  std::size_t idle = 0;         ///< of them, waiting in the pool
  std::size_t checked_out = 0;  ///< of them, in use
  std::uint64_t connects = 0;   ///< connections opened
  std::uint64_t waits = 0;      ///< checkouts that waited for a connection to be given back
  std::uint64_t timeouts = 0;   ///< checkouts that gave up (`pool_timeout_error`)
  std::uint64_t pings = 0;      ///< pre-ping round trips
  std::uint64_t replaced = 0;   ///< connections found dead at checkout and replaced
  std::uint64_t discarded = 0;  ///< broken connections given back and closed
  std::uint64_t recycled = 0;   ///< connections closed for their age (`pool_recycle`)
};

}  // namespace tabula
