#include "tabula/core/detail/pool.hpp"

#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <utility>
#include <vector>

#include "tabula/driver/url.hpp"
#include "tabula/error.hpp"

namespace tabula::detail {

namespace {

/// A SQLite `:memory:` database exists once per connection. The pool's connections share one
/// instead, through SQLite's memdb VFS (a name starting with '/' is shared within the
/// process): each connection keeps its own transactions, and SQLite's locks order them.
driver::url shared_memory_url(driver::url url) {
  static std::atomic<std::uint64_t> count{0};
  url.database = fmt::format("/tabula-memory-{}", count.fetch_add(1) + 1);
  url.params["vfs"] = "memdb";
  return url;
}

bool is_private_memory(const driver::url& url) {
  return url.scheme == "sqlite" && (url.database.empty() || url.database == ":memory:");
}

}  // namespace

struct pool::sync {
  std::mutex mutex;
  std::condition_variable freed;
  std::vector<idle_entry> idle;  ///< the most recently returned last
};

pool::pool(driver::url url, engine_options options)
    : url_(detail::make_owned<driver::url>(std::move(url))),
      options_(std::move(options)),
      sync_(detail::make_owned<sync>()) {
  const bool memory = is_private_memory(*url_);
  if (memory) *url_ = shared_memory_url(std::move(*url_));
  generation_ = 1;
  lease first = open();
  dialect_ = &dialect_named(first.conn->dialect_name());
  if (memory) anchor_ = first.conn;  // the database lives as long as one connection to it
  std::lock_guard lock(sync_->mutex);
  ++open_;
  sync_->idle.push_back(idle_entry{std::move(first), clock::now()});
}

pool::~pool() = default;

pool::lease pool::open() {
  lease l;
  l.conn = shared<driver::connection>(driver::connect(*url_));
  l.opened = clock::now();
  if (url_->scheme == "sqlite") {
    l.conn->set_begin_mode(options_.sqlite_begin);
    l.conn->execute(fmt::format("PRAGMA busy_timeout = {}", options_.sqlite_busy_timeout.count()));
    if (options_.sqlite_wal && url_->params.find("vfs") == url_->params.end()) {
      l.conn->execute("PRAGMA journal_mode = WAL");
    }
  }
  if (options_.on_connect) options_.on_connect(*l.conn);  // an exception drops the connection
  std::lock_guard lock(sync_->mutex);
  l.generation = generation_;
  ++counters_.connects;
  return l;
}

bool pool::usable(idle_entry& e, clock::time_point now) {
  bool ping = false;
  {
    std::lock_guard lock(sync_->mutex);
    if (e.l.generation < retire_before_) return false;
    if (options_.pool_recycle.count() > 0 && now - e.l.opened > options_.pool_recycle) {
      ++counters_.recycled;
      return false;
    }
    ping = options_.pre_ping &&
           (e.l.generation < suspect_before_ || now - e.returned > options_.pre_ping_after);
    if (ping) ++counters_.pings;
  }
  if (!ping) return e.l.conn->is_alive();
  const bool alive = e.l.conn->ping();
  std::lock_guard lock(sync_->mutex);
  if (alive) {
    e.l.generation = generation_;  // checked now: no longer a suspect
  } else {
    ++counters_.replaced;
    suspect_before_ = ++generation_;  // its contemporaries may be dead too
  }
  return alive;
}

void pool::forget_one() noexcept {
  {
    std::lock_guard lock(sync_->mutex);
    --open_;
  }
  sync_->freed.notify_one();
}

pool::lease pool::acquire() {
  const auto deadline = clock::now() + options_.pool_timeout;
  std::unique_lock lock(sync_->mutex);
  bool waited = false;
  for (;;) {
    if (!sync_->idle.empty()) {
      // The most recently used: the least likely dead.
      idle_entry e = std::move(sync_->idle.back());
      sync_->idle.pop_back();
      lock.unlock();
      if (usable(e, clock::now())) return std::move(e.l);
      e.l.conn.reset();  // closed outside the lock
      forget_one();
      lock.lock();
      continue;
    }
    if (open_ < options_.pool_size + options_.max_overflow) {
      ++open_;
      lock.unlock();
      try {
        return open();
      } catch (...) {
        forget_one();
        throw;
      }
    }
    if (!waited) {
      waited = true;
      ++counters_.waits;
    }
    if (sync_->freed.wait_until(lock, deadline) == std::cv_status::timeout && sync_->idle.empty() &&
        open_ >= options_.pool_size + options_.max_overflow) {
      ++counters_.timeouts;
      const auto limit = options_.pool_size + options_.max_overflow;
      lock.unlock();
      throw_error<pool_timeout_error>(fmt::format(
          "tabula: no connection was given back within {} ms: all {} connections of the pool "
          "are in use (pool_size {} + max_overflow {}). Give connections and sessions back "
          "sooner, or raise engine_options::pool_size, max_overflow or pool_timeout",
          options_.pool_timeout.count(), limit, options_.pool_size, options_.max_overflow));
    }
  }
}

void pool::release(lease l) noexcept {
  if (!l.conn) return;
  // Whether the connection is alive decides both whether it is kept and whether its peers
  // are suspect; asked again only after a rollback, which may find it dead.
  bool alive = l.conn->is_alive();
  bool clean = true;
  if (alive && l.conn->in_transaction()) {
    try {
      l.conn->rollback();
    } catch (const error&) {  // a connection that cannot roll back is not reused; the error
      clean = false;          // that broke it was already reported to whoever used it
    }
    alive = l.conn->is_alive();
  }
  bool keep = alive && clean && options_.pooling && !l.conn->in_transaction();
  const auto now = clock::now();
  {
    std::lock_guard lock(sync_->mutex);
    if (!alive) {
      ++counters_.discarded;
      suspect_before_ = ++generation_;  // its contemporaries may be dead too
    }
    if (keep && options_.pool_recycle.count() > 0 && now - l.opened > options_.pool_recycle) {
      ++counters_.recycled;
      keep = false;
    }
    keep = keep && l.generation >= retire_before_ && open_ <= options_.pool_size;
    if (keep) {
      sync_->idle.push_back(idle_entry{std::move(l), now});
      sync_->freed.notify_one();
      return;
    }
  }
  l.conn.reset();
  forget_one();
}

void pool::dispose() noexcept {
  std::vector<idle_entry> closing;
  {
    std::lock_guard lock(sync_->mutex);
    retire_before_ = ++generation_;
    closing.swap(sync_->idle);
    open_ -= closing.size();
  }
  closing.clear();
  sync_->freed.notify_all();
}

pool_status pool::status() const {
  std::lock_guard lock(sync_->mutex);
  pool_status s = counters_;
  s.open = open_;
  s.idle = sync_->idle.size();
  s.checked_out = open_ - sync_->idle.size();
  return s;
}

}  // namespace tabula::detail
