// The SQLite baseline: the sqlite3 C API used the way its documentation recommends for speed —
// statements prepared once and reused (sqlite3_reset, no re-parse), parameters bound with
// SQLITE_STATIC from memory that outlives the step, batches in one transaction, text read with
// sqlite3_column_text + sqlite3_column_bytes straight into the struct.
//
// Variants for O3 (bulk insert): "prepared" — one reused single-row INSERT in one transaction;
// "values" — a reused multi-row INSERT ... VALUES (...), (...) of 100 rows per statement.
//
// O13 and O14 convert the typed columns by hand, as tabula stores them: the timestamp written
// and parsed as 'YYYY-MM-DD HH:MM:SS.ffffff' text digit by digit, the UUID bound and read as a
// 16-byte blob, the JSON document dumped and parsed by nlohmann/json.

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "common/bench.hpp"
#include "common/typed_rows.hpp"

namespace {

using bench::Post;
using bench::User;

[[noreturn]] void die(sqlite3* db, std::string_view what) {
  bench::fail(std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

class statement {
 public:
  statement(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
      die(db, "prepare " + std::string(sql));
  }
  ~statement() { sqlite3_finalize(stmt_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  sqlite3_stmt* get() const { return stmt_; }

  void bind(int i, std::int64_t v) const { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, std::int32_t v) const { sqlite3_bind_int(stmt_, i, v); }
  void bind(int i, double v) const { sqlite3_bind_double(stmt_, i, v); }
  void bind(int i, const std::string& v) const {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }

  /// Steps a statement that returns no row and resets it for the next bindings.
  void run() const {
    if (sqlite3_step(stmt_) != SQLITE_DONE) die(db_, "step");
    sqlite3_reset(stmt_);
  }
  bool row() const {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) die(db_, "step");
    return false;
  }
  void reset() const { sqlite3_reset(stmt_); }

  void text(int col, std::string& out) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    out.assign(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class database {
 public:
  explicit database(const bench::config& cfg) {
    if (cfg.where == bench::backend::file) {
      const std::string path = cfg.sqlite_path();
      for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
    }
    // In memory, the database tabula's engine opens for "sqlite://:memory:": SQLite's memdb
    // VFS (an in-memory database its pool's connections share), so that both sides measure
    // the same storage.
    const std::string name = cfg.where == bench::backend::memory
                                 ? std::string("file:/bench-memory?vfs=memdb")
                                 : cfg.sqlite_path();
    if (sqlite3_open_v2(name.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                            SQLITE_OPEN_URI,
                        nullptr) != SQLITE_OK)
      die(db_, "open");
    if (cfg.where == bench::backend::file)
      exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
    exec(std::string(bench::schema_sql(cfg.where)));
  }
  ~database() { sqlite3_close_v2(db_); }
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  sqlite3* get() const { return db_; }

  void exec(const std::string& sql) const {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : "?";
      sqlite3_free(message);
      bench::fail(sql + ": " + text);
    }
  }

  std::string check(const char* sql = bench::check_sql) const {
    statement s(db_, sql);
    if (!s.row()) die(db_, "check");
    std::string out;
    for (int c = 0; c < 3; ++c) {
      if (c != 0) out += ':';
      out += std::to_string(sqlite3_column_int64(s.get(), c));
    }
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

constexpr std::string_view insert_user_sql =
    "INSERT INTO users (name, email, age, score, created) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view select_user_sql =
    "SELECT id, name, email, age, score, created FROM users";

void bind_user(const statement& s, const User& u, int first = 1) {
  s.bind(first, u.name);
  s.bind(first + 1, u.email);
  s.bind(first + 2, u.age);
  s.bind(first + 3, u.score);
  s.bind(first + 4, u.created);
}

void read_user(const statement& s, User& u, int first = 0) {
  sqlite3_stmt* st = s.get();
  u.id = sqlite3_column_int64(st, first);
  s.text(first + 1, u.name);
  s.text(first + 2, u.email);
  u.age = sqlite3_column_int(st, first + 3);
  u.score = sqlite3_column_double(st, first + 4);
  s.text(first + 5, u.created);
}

void read_post(const statement& s, Post& p, int first = 0) {
  sqlite3_stmt* st = s.get();
  p.id = sqlite3_column_int64(st, first);
  p.user_id = sqlite3_column_int64(st, first + 1);
  s.text(first + 2, p.title);
  s.text(first + 3, p.body);
}


void insert_each(const database& db, std::vector<User>& users) {
  statement s(db.get(), insert_user_sql);
  for (User& u : users) {
    bind_user(s, u);
    s.run();
    u.id = sqlite3_last_insert_rowid(db.get());
  }
}

void fill(const database& db, std::size_t rows, std::size_t posts_per_user) {
  std::vector<User> users = bench::make_users(rows);
  db.exec("BEGIN");
  insert_each(db, users);
  statement s(db.get(), "INSERT INTO posts (user_id, title, body) VALUES (?, ?, ?)");
  for (const User& u : users) {
    for (std::size_t j = 0; j < posts_per_user; ++j) {
      const Post p = bench::make_post(u.id, j);
      s.bind(1, p.user_id);
      s.bind(2, p.title);
      s.bind(3, p.body);
      s.run();
    }
  }
  db.exec("COMMIT");
  db.exec("ANALYZE");
}

// Multi-row VALUES: one statement inserts `batch` rows; the remainder goes through a second
// statement of the right size. Both are prepared once.
void insert_values(const database& db, const std::vector<User>& users, std::size_t batch) {
  auto sql_for = [](std::size_t count) {
    std::string sql = "INSERT INTO users (name, email, age, score, created) VALUES ";
    for (std::size_t i = 0; i < count; ++i) sql += i == 0 ? "(?,?,?,?,?)" : ",(?,?,?,?,?)";
    return sql;
  };
  const statement full(db.get(), sql_for(batch));
  std::size_t i = 0;
  for (; i + batch <= users.size(); i += batch) {
    for (std::size_t j = 0; j < batch; ++j)
      bind_user(full, users[i + j], static_cast<int>(j * 5 + 1));
    full.run();
  }
  if (i < users.size()) {
    const statement rest(db.get(), sql_for(users.size() - i));
    for (std::size_t j = 0; i + j < users.size(); ++j)
      bind_user(rest, users[i + j], static_cast<int>(j * 5 + 1));
    rest.run();
  }
}

// O13: each event inserted by one reused statement, its key read back.
void insert_events(const database& db, std::vector<bench::Event>& events) {
  statement s(db.get(), "INSERT INTO events (created_at, key, params) VALUES (?, ?, ?)");
  sqlite3_stmt* st = s.get();
  char ts[26];
  std::string doc;
  for (bench::Event& e : events) {
    bench::format_iso_timestamp(e.created_at, ts);
    doc = e.params.dump();
    sqlite3_bind_text(st, 1, ts, 26, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, e.key.data(), 16, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, doc.data(), static_cast<int>(doc.size()), SQLITE_STATIC);
    s.run();
    e.id = sqlite3_last_insert_rowid(db.get());
  }
}

// O14: every event, converted back.
std::vector<bench::Event> read_events(const database& db) {
  std::vector<bench::Event> events;
  statement s(db.get(), "SELECT id, created_at, key, params FROM events");
  sqlite3_stmt* st = s.get();
  while (s.row()) {
    bench::Event& e = events.emplace_back();
    e.id = sqlite3_column_int64(st, 0);
    e.created_at = bench::parse_iso_timestamp(
        reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
    if (sqlite3_column_bytes(st, 2) != 16) bench::fail("O14: a key is not 16 bytes");
    std::memcpy(e.key.data(), sqlite3_column_blob(st, 2), 16);
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
    e.params = nlohmann::json::parse(text, text + sqlite3_column_bytes(st, 3));
  }
  return events;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::config cfg = bench::parse_args(argc, argv);
  if (cfg.where == bench::backend::postgres) bench::unsupported("raw_sqlite on postgres");
  database db(cfg);
  std::string check;
  bench::measurement m;

  switch (cfg.operation) {
    case bench::op::o1: {
      std::vector<User> users = bench::make_users(cfg.n);
      statement s(db.get(), insert_user_sql);
      m = bench::measure([&] {
        for (User& u : users) {  // autocommit: each INSERT is its own transaction
          bind_user(s, u);
          s.run();
          u.id = sqlite3_last_insert_rowid(db.get());
        }
      });
      check = db.check();
      break;
    }
    case bench::op::o2: {
      std::vector<User> users = bench::make_users(cfg.n);
      m = bench::measure([&] {
        db.exec("BEGIN");
        insert_each(db, users);
        db.exec("COMMIT");
      });
      check = db.check();
      break;
    }
    case bench::op::o3: {
      std::vector<User> users = bench::make_users(cfg.n);
      if (cfg.variant == "values") {
        m = bench::measure([&] {
          db.exec("BEGIN");
          insert_values(db, users, 100);
          db.exec("COMMIT");
        });
      } else if (cfg.variant == "prepared" || cfg.variant.empty()) {
        m = bench::measure([&] {
          db.exec("BEGIN");
          statement s(db.get(), insert_user_sql);
          for (const User& u : users) {
            bind_user(s, u);
            s.run();
          }
          db.exec("COMMIT");
        });
      } else {
        bench::unsupported("raw_sqlite O3 variant " + cfg.variant);
      }
      check = db.check();
      break;
    }
    case bench::op::o4: {
      fill(db, cfg.rows, 0);
      bench::checksum sum;
      m = bench::measure([&] {
        statement s(db.get(), std::string(select_user_sql) + " WHERE id = ?");
        User u;
        for (std::size_t k = 0; k < cfg.n; ++k) {
          s.bind(1, bench::key_at(k, cfg.rows));
          if (!s.row()) bench::fail("O4: missing row");
          read_user(s, u);
          s.reset();
          bench::add_user(sum, u);
        }
      });
      check = sum.str();
      break;
    }
    case bench::op::o13: {
      db.exec(bench::events_schema_sql(cfg.where));
      std::vector<bench::Event> events = bench::make_events(cfg.n);
      m = bench::measure([&] {
        db.exec("BEGIN");
        insert_events(db, events);
        db.exec("COMMIT");
      });
      check = bench::events_check(read_events(db));
      break;
    }
    case bench::op::o14: {
      db.exec(bench::events_schema_sql(cfg.where));
      {
        std::vector<bench::Event> stored = bench::make_events(cfg.rows);
        db.exec("BEGIN");
        insert_events(db, stored);
        db.exec("COMMIT");
      }
      std::vector<bench::Event> events;
      m = bench::measure([&] { events = read_events(db); });
      check = bench::events_check(events);
      break;
    }
    case bench::op::o5: {
      fill(db, cfg.rows, 0);
      std::vector<User> users;
      m = bench::measure([&] {
        statement s(db.get(), select_user_sql);
        while (s.row()) read_user(s, users.emplace_back());
      });
      bench::checksum sum;
      for (const User& u : users) bench::add_user(sum, u);
      check = sum.str();
      break;
    }
    case bench::op::o6: {
      fill(db, cfg.rows, 0);
      const std::vector<User> users = bench::make_updated_users(cfg.rows);
      m = bench::measure([&] {
        db.exec("BEGIN");
        statement s(db.get(),
                    "UPDATE users SET name = ?, email = ?, age = ?, score = ?, created = ? "
                    "WHERE id = ?");
        for (std::size_t k = 0; k < cfg.n; ++k) {
          const User& u = users[static_cast<std::size_t>(bench::key_at(k, cfg.rows) - 1)];
          bind_user(s, u);
          s.bind(6, u.id);
          s.run();
        }
        db.exec("COMMIT");
      });
      check = db.check();
      break;
    }
    case bench::op::o7: {
      fill(db, cfg.rows, 0);
      m = bench::measure([&] {
        db.exec("BEGIN");
        statement s(db.get(), "DELETE FROM users WHERE id = ?");
        for (std::size_t k = 0; k < cfg.n; ++k) {
          s.bind(1, bench::key_at(k, cfg.rows));
          s.run();
        }
        db.exec("COMMIT");
      });
      check = db.check();
      break;
    }
    case bench::op::o8: {
      fill(db, cfg.rows, cfg.posts_per_user);
      std::vector<bench::UserWithPosts> result;
      m = bench::measure([&] {
        statement s(db.get(),
                    "SELECT u.id, u.name, u.email, u.age, u.score, u.created, "
                    "p.id, p.user_id, p.title, p.body "
                    "FROM users u JOIN posts p ON p.user_id = u.id ORDER BY u.id, p.id");
        sqlite3_stmt* st = s.get();
        while (s.row()) {
          const std::int64_t uid = sqlite3_column_int64(st, 0);
          if (result.empty() || result.back().user.id != uid) read_user(s, result.emplace_back().user);
          Post& p = result.back().posts.emplace_back();
          p.id = sqlite3_column_int64(st, 6);
          p.user_id = sqlite3_column_int64(st, 7);
          s.text(8, p.title);
          s.text(9, p.body);
        }
      });
      check = bench::users_with_posts_check(result);
      break;
    }
    case bench::op::o10: {
      // What selectin loading does: the users, then their posts by IN lists of user ids.
      fill(db, cfg.rows, cfg.posts_per_user);
      bench::grouping g;
      m = bench::measure([&] {
        statement users(db.get(), select_user_sql);
        while (users.row()) read_user(users, g.owner(sqlite3_column_int64(users.get(), 0)).user);
        const auto sql_for = [](std::size_t count) {
          std::string sql = "SELECT id, user_id, title, body FROM posts WHERE user_id IN (";
          for (std::size_t i = 0; i < count; ++i) sql += i == 0 ? "?" : ", ?";
          return sql + ")";
        };
        for (std::size_t first = 0; first < g.result.size(); first += bench::in_chunk) {
          const std::size_t count = std::min(bench::in_chunk, g.result.size() - first);
          statement posts(db.get(), sql_for(count));
          for (std::size_t i = 0; i < count; ++i)
            posts.bind(static_cast<int>(i + 1), g.result[first + i].user.id);
          while (posts.row()) {
            Post p;
            read_post(posts, p);
            g.owner(p.user_id).posts.push_back(std::move(p));
          }
        }
      });
      check = bench::users_with_posts_check(g.result);
      break;
    }
    case bench::op::o11: {
      // What joined loading does: one LEFT JOIN, rows grouped by the user's key.
      fill(db, cfg.rows, cfg.posts_per_user);
      bench::grouping g;
      m = bench::measure([&] {
        statement s(db.get(),
                    "SELECT u.id, u.name, u.email, u.age, u.score, u.created, "
                    "p.id, p.user_id, p.title, p.body "
                    "FROM users u LEFT JOIN posts p ON p.user_id = u.id");
        while (s.row()) {
          bench::UserWithPosts& up = g.owner(sqlite3_column_int64(s.get(), 0));
          if (up.posts.empty()) read_user(s, up.user);
          if (sqlite3_column_type(s.get(), 6) != SQLITE_NULL) read_post(s, up.posts.emplace_back(), 6);
        }
      });
      check = bench::users_with_posts_check(g.result);
      break;
    }
    case bench::op::o12: {
      // A graph: each user, then its posts with the user's generated key copied in.
      std::vector<User> users = bench::make_users(cfg.n);
      std::vector<Post> posts = bench::make_graph_posts(cfg.n, cfg.posts_per_user);
      m = bench::measure([&] {
        db.exec("BEGIN");
        insert_each(db, users);
        statement s(db.get(), "INSERT INTO posts (user_id, title, body) VALUES (?, ?, ?)");
        for (std::size_t k = 0; k < posts.size(); ++k) {
          Post& p = posts[k];
          p.user_id = users[k / cfg.posts_per_user].id;
          s.bind(1, p.user_id);
          s.bind(2, p.title);
          s.bind(3, p.body);
          s.run();
          p.id = sqlite3_last_insert_rowid(db.get());
        }
        db.exec("COMMIT");
      });
      check = db.check(bench::graph_check_sql);
      break;
    }
    case bench::op::o9: {
      fill(db, cfg.rows, 0);
      bench::checksum sum;
      m = bench::measure([&] {
        statement s(db.get(), std::string(select_user_sql) +
                                  " WHERE age > ? AND score < ? ORDER BY score DESC LIMIT 10");
        std::vector<User> top;
        for (std::size_t k = 0; k < cfg.n; ++k) {
          const bench::o9_params q = bench::o9_at(k);
          s.bind(1, q.min_age);
          s.bind(2, q.max_score);
          top.clear();
          while (s.row()) read_user(s, top.emplace_back());
          s.reset();
          for (const User& u : top) bench::add_user(sum, u);
        }
      });
      check = sum.str();
      break;
    }
  }
  bench::report(cfg, "raw", m, check);
  return 0;
}
