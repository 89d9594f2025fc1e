// tabula doing the benchmark's operations through its public API on one pooled connection:
// typed insert/get/update/remove by primary key, typed queries, explicit transactions.

#include <tabula/postgres.hpp>
#include <tabula/sqlite.hpp>
#include <tabula/tabula.hpp>
#include <tabula/types/json.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/bench.hpp"
#include "common/typed_rows.hpp"

using bench::Post;
using bench::User;

template <>
struct tabula::schema<User> {
  static constexpr auto table = "users";
  static constexpr auto options = tabula::options(tabula::index(&User::score));
};
template <>
struct tabula::schema<Post> {
  static constexpr auto table = "posts";
  static constexpr auto options = tabula::options(tabula::foreign_key(&Post::user_id, &User::id),
                                                  tabula::index(&Post::user_id));
};

/// The same tables as models with relationships, for the operations that load and save
/// through them (O10-O12).
struct GraphPost;
struct GraphUser {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  std::int32_t age = 0;
  double score = 0;
  std::string created;
  tabula::many<GraphPost> posts{};
};
struct GraphPost {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::string body;
  tabula::one<GraphUser> user{};
};
template <>
struct tabula::schema<GraphUser> {
  static constexpr auto table = "users";
};
template <>
struct tabula::schema<GraphPost> {
  static constexpr auto table = "posts";
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&GraphPost::user_id, &GraphUser::id));
};

/// The `events` table of O13 and O14, in the column types tabula maps: TIMESTAMPTZ / ISO text,
/// UUID / a 16-byte blob, JSONB / JSON text.
struct TypedEvent {
  std::int64_t id = 0;
  std::chrono::sys_time<std::chrono::microseconds> created_at{};
  tabula::uuid key{};
  nlohmann::json params;
};
template <>
struct tabula::schema<TypedEvent> {
  static constexpr auto table = "events";
};

namespace {

std::vector<TypedEvent> typed_events(std::size_t n) {
  std::vector<TypedEvent> out;
  out.reserve(n);
  for (bench::Event& e : bench::make_events(n)) {
    out.push_back(TypedEvent{0, e.created_at, tabula::uuid(e.key), std::move(e.params)});
  }
  return out;
}

std::string events_check(const std::vector<TypedEvent>& typed) {
  std::vector<bench::Event> events;
  events.reserve(typed.size());
  for (const TypedEvent& t : typed) {
    events.push_back(bench::Event{t.id, t.created_at, t.key.bytes(), t.params});
  }
  return bench::events_check(events);
}

User plain(const GraphUser& u) {
  return User{u.id, u.name, u.email, u.age, u.score, u.created};
}
Post plain(const GraphPost& p) { return Post{p.id, p.user_id, p.title, p.body}; }

const GraphUser& deref(const GraphUser& u) { return u; }
const GraphUser& deref(const GraphUser* u) { return *u; }

/// The check of O10/O11: the users and the posts their relationships hold.
template <class Users>
std::string graph_check(const Users& users) {
  bench::checksum sum;
  for (const auto& u : users) {
    const GraphUser& user = deref(u);  // a pointer (session) or a value (core)
    bench::add_user(sum, plain(user));
    for (const GraphPost& p : user.posts) bench::add_post(sum, plain(p));
  }
  return sum.str();
}

std::string url_of(const bench::config& cfg) {
  switch (cfg.where) {
    case bench::backend::memory: return "sqlite://:memory:";
    case bench::backend::file: {
      const std::string path = cfg.sqlite_path();
      for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
      return "sqlite:///" + path;  // path is absolute: sqlite:////abs/path
    }
    case bench::backend::postgres:
      return "postgresql://" + cfg.pg_user + "@/" + cfg.pg_db + "?host=" + cfg.pg_host +
             "&port=" + cfg.pg_port;
  }
  return {};
}

std::string check(tabula::connection& conn, const char* sql = bench::check_sql) {
  auto st = conn.raw().prepare(sql);
  if (!st->step()) bench::fail("check: no row");
  std::string out = std::to_string(st->get_int64(0)) + ":" + std::to_string(st->get_int64(1)) +
                    ":" + std::to_string(st->get_int64(2));
  st->reset();
  return out;
}

void fill(tabula::connection& conn, std::size_t rows, std::size_t posts_per_user) {
  std::vector<User> users = bench::make_users(rows);
  conn.insert_many(users);
  if (posts_per_user > 0) {
    std::vector<Post> posts;
    posts.reserve(rows * posts_per_user);
    for (const User& u : users)
      for (std::size_t j = 0; j < posts_per_user; ++j) posts.push_back(bench::make_post(u.id, j));
    conn.insert_many(posts);
  }
  conn.execute("ANALYZE");
}

/// The operations through the unit of work (`--variant session`), as SQLAlchemy ORM does
/// them: objects added and committed, loaded into the identity map, changed or removed and
/// flushed. Returns false for an operation the session has no API of its own for (O3: bulk
/// loading is the core's insert_many) and for O13/O14 (they measure the column conversions, which core and session share).
bool run_session(const bench::config& cfg, tabula::engine& db, tabula::connection loader,
                 bench::measurement& m, std::string& result_check) {
  using tabula::col;
  std::optional<tabula::connection> conn(std::move(loader));
  // The session takes its connection from the pool. The connection that loaded the data goes
  // back first, so the session works on it, as SQLAlchemy's session works on the connection
  // it is bound to (and no connection is opened inside the timed region).
  const auto hand_over = [&] { conn.reset(); };
  switch (cfg.operation) {
    case bench::op::o1: {
      std::vector<User> users = bench::make_users(cfg.n);
      hand_over();
      auto s = db.session();
      m = bench::measure([&] {
        for (User& u : users) {
          const User& added = s.add(std::move(u));
          s.commit();  // the generated key is filled in
          if (added.id == 0) bench::fail("O1: no key");
        }
      });
      break;
    }
    case bench::op::o2: {
      std::vector<User> users = bench::make_users(cfg.n);
      hand_over();
      auto s = db.session();
      m = bench::measure([&] {
        for (User& u : users) s.add(std::move(u));
        s.commit();  // one flush: the new users as one batch, keys read back
      });
      break;
    }
    case bench::op::o3:
    case bench::op::o13:  // the typed columns are measured through the core
    case bench::op::o14:
      return false;
    case bench::op::o4: {
      fill(*conn, cfg.rows, 0);
      bench::checksum sum;
      hand_over();
      auto s = db.session();
      m = bench::measure([&] {
        for (std::size_t k = 0; k < cfg.n; ++k) {
          const User* u = s.get<User>(bench::key_at(k, cfg.rows));
          if (u == nullptr) bench::fail("O4: missing row");
          bench::add_user(sum, *u);
        }
      });
      s.commit();
      result_check = sum.str();
      return true;
    }
    case bench::op::o5: {
      fill(*conn, cfg.rows, 0);
      hand_over();
      auto s = db.session();
      std::vector<User*> users;
      m = bench::measure([&] { users = s.query<User>().all(); });
      bench::checksum sum;
      for (const User* u : users) bench::add_user(sum, *u);
      result_check = sum.str();
      return true;
    }
    case bench::op::o6:
    case bench::op::o7: {
      fill(*conn, cfg.rows, 0);
      hand_over();
      auto s = db.session();
      // The session holds the objects before the clock starts, as in SQLAlchemy ORM's O6/O7.
      std::vector<User*> by_id(cfg.rows + 1, nullptr);
      for (User* u : s.query<User>().all()) by_id[static_cast<std::size_t>(u->id)] = u;
      const std::vector<User> updated = bench::make_updated_users(cfg.rows);
      const bool update = cfg.operation == bench::op::o6;
      m = bench::measure([&] {
        for (std::size_t k = 0; k < cfg.n; ++k) {
          const auto key = static_cast<std::size_t>(bench::key_at(k, cfg.rows));
          User& u = *by_id[key];
          if (update) {
            const User& d = updated[key - 1];
            u.name = d.name;
            u.email = d.email;
            u.age = d.age;
            u.score = d.score;
            u.created = d.created;
          } else {
            s.remove(u);
          }
        }
        s.commit();
      });
      break;
    }
    case bench::op::o8: {
      fill(*conn, cfg.rows, cfg.posts_per_user);
      hand_over();
      auto s = db.session();
      // The session has no relationship loading: the users and their posts are two tracked
      // queries, the posts grouped under their users here.
      std::vector<std::pair<User*, std::vector<Post*>>> out;
      m = bench::measure([&] {
        std::vector<User*> users = s.query<User>().order_by(col(&User::id)).all();
        std::vector<Post*> posts =
            s.query<Post>().order_by(col(&Post::user_id), col(&Post::id)).all();
        out.clear();
        out.reserve(users.size());
        std::size_t p = 0;
        for (User* u : users) {
          auto& group = out.emplace_back(u, std::vector<Post*>{}).second;
          for (; p < posts.size() && posts[p]->user_id == u->id; ++p) group.push_back(posts[p]);
        }
      });
      bench::checksum sum;
      for (const auto& [user, posts] : out) {
        bench::add_user(sum, *user);
        for (const Post* post : posts)
          sum.add_unordered(static_cast<std::uint64_t>(post->id) + post->title.size() +
                            post->body.size());
      }
      result_check = sum.str();
      return true;
    }
    case bench::op::o10:
    case bench::op::o11: {
      fill(*conn, cfg.rows, cfg.posts_per_user);
      hand_over();
      auto s = db.session();
      std::vector<GraphUser*> users;
      m = bench::measure([&] {
        if (cfg.operation == bench::op::o10) {
          users = s.query<GraphUser>().all();  // selectin: 2 statements
          s.load(users, &GraphUser::posts);
        } else {
          users = s.joined(&GraphUser::posts);  // joined: 1 statement
        }
      });
      result_check = graph_check(users);
      return true;
    }
    case bench::op::o12: {
      // The graph is built before the clock, as the raw driver's rows are; the session adds
      // it, orders the inserts and copies each user's generated key into its posts.
      std::vector<GraphUser> users;
      users.reserve(cfg.n);
      for (User& u : bench::make_users(cfg.n)) {
        GraphUser& g = users.emplace_back(GraphUser{.id = 0, .name = std::move(u.name),
                                                    .email = std::move(u.email), .age = u.age,
                                                    .score = u.score,
                                                    .created = std::move(u.created)});
        for (std::size_t j = 0; j < cfg.posts_per_user; ++j) {
          Post p = bench::make_post(static_cast<std::int64_t>(users.size()), j);
          g.posts.add(GraphPost{.title = std::move(p.title), .body = std::move(p.body)});
        }
      }
      hand_over();
      auto s = db.session();
      m = bench::measure([&] {
        for (GraphUser& u : users) s.add(std::move(u));
        s.commit();
      });
      conn.emplace(db.connect());
      result_check = check(*conn, bench::graph_check_sql);
      return true;
    }
    case bench::op::o9: {
      fill(*conn, cfg.rows, 0);
      bench::checksum sum;
      hand_over();
      auto s = db.session();
      m = bench::measure([&] {
        for (std::size_t k = 0; k < cfg.n; ++k) {
          const bench::o9_params q = bench::o9_at(k);
          for (const User* u : s.query<User>()
                                   .where(col(&User::age) > q.min_age &&
                                          col(&User::score) < q.max_score)
                                   .order_by(tabula::desc(&User::score))
                                   .limit(10)
                                   .all())
            bench::add_user(sum, *u);
        }
      });
      result_check = sum.str();
      return true;
    }
  }
  conn.emplace(db.connect());
  result_check = check(*conn);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::config cfg = bench::parse_args(argc, argv);
  try {
    tabula::engine_options options;
    if (cfg.where == bench::backend::file) {
      // Every pooled connection (the session takes its own) runs with the file settings.
      options.on_connect = [](tabula::driver::connection& c) {
        c.execute("PRAGMA journal_mode=WAL");
        c.execute("PRAGMA synchronous=NORMAL");
      };
    }
    tabula::engine db(url_of(cfg), std::move(options));
    tabula::connection conn = db.connect();
    if (cfg.where == bench::backend::postgres) conn.execute("SET client_min_messages = warning");
    conn.drop_all<User, Post>();
    conn.create_all<User, Post>();
    std::string result_check;
    bench::measurement m;
    using tabula::col;

    if (cfg.variant == "session") {
      if (!run_session(cfg, db, std::move(conn), m, result_check)) {
        bench::unsupported("tabula session " + cfg.op_name());
      }
      bench::report(cfg, "tabula_session", m, result_check);
      return 0;
    }
    if (!cfg.variant.empty()) bench::unsupported("tabula variant " + cfg.variant);

    switch (cfg.operation) {
      case bench::op::o1: {
        std::vector<User> users = bench::make_users(cfg.n);
        m = bench::measure([&] {
          for (User& u : users) conn.insert(u);  // autocommit: each its own transaction
        });
        result_check = check(conn);
        break;
      }
      case bench::op::o2: {
        std::vector<User> users = bench::make_users(cfg.n);
        m = bench::measure([&] {
          auto tx = conn.begin();
          for (User& u : users) conn.insert(u);
          tx.commit();
        });
        result_check = check(conn);
        break;
      }
      case bench::op::o13: {
        conn.drop_all<TypedEvent>();
        conn.create_all<TypedEvent>();
        std::vector<TypedEvent> events = typed_events(cfg.n);
        m = bench::measure([&] {
          auto tx = conn.begin();
          for (TypedEvent& e : events) conn.insert(e);
          tx.commit();
        });
        result_check = events_check(conn.all<TypedEvent>());
        break;
      }
      case bench::op::o14: {
        conn.drop_all<TypedEvent>();
        conn.create_all<TypedEvent>();
        {
          std::vector<TypedEvent> stored = typed_events(cfg.rows);
          conn.insert_many(stored);
        }
        std::vector<TypedEvent> events;
        m = bench::measure([&] { events = conn.all<TypedEvent>(); });
        result_check = events_check(events);
        break;
      }
      case bench::op::o3: {
        std::vector<User> users = bench::make_users(cfg.n);
        // Keys are not read back, as the raw baselines do not read them: a const range.
        m = bench::measure([&] { conn.insert_many(users, tabula::skip_keys); });
        result_check = check(conn);
        break;
      }
      case bench::op::o4: {
        fill(conn, cfg.rows, 0);
        bench::checksum sum;
        m = bench::measure([&] {
          for (std::size_t k = 0; k < cfg.n; ++k) {
            const std::optional<User> u = conn.get<User>(bench::key_at(k, cfg.rows));
            if (!u) bench::fail("O4: missing row");
            bench::add_user(sum, *u);
          }
        });
        result_check = sum.str();
        break;
      }
      case bench::op::o5: {
        fill(conn, cfg.rows, 0);
        std::vector<User> users;
        m = bench::measure([&] { users = conn.all<User>(); });
        bench::checksum sum;
        for (const User& u : users) bench::add_user(sum, u);
        result_check = sum.str();
        break;
      }
      case bench::op::o6: {
        fill(conn, cfg.rows, 0);
        const std::vector<User> users = bench::make_updated_users(cfg.rows);
        m = bench::measure([&] {
          auto tx = conn.begin();
          for (std::size_t k = 0; k < cfg.n; ++k)
            conn.update_row(users[static_cast<std::size_t>(bench::key_at(k, cfg.rows) - 1)]);
          tx.commit();
        });
        result_check = check(conn);
        break;
      }
      case bench::op::o7: {
        fill(conn, cfg.rows, 0);
        m = bench::measure([&] {
          auto tx = conn.begin();
          for (std::size_t k = 0; k < cfg.n; ++k)
            conn.remove_by_key<User>(bench::key_at(k, cfg.rows));
          tx.commit();
        });
        result_check = check(conn);
        break;
      }
      case bench::op::o8: {
        fill(conn, cfg.rows, cfg.posts_per_user);
        std::vector<std::pair<User, std::vector<Post>>> out;
        m = bench::measure([&] {
          out = conn.select<User, Post>()
                    .join<Post>(col(&Post::user_id) == col(&User::id))
                    .order_by(col(&User::id), col(&Post::id))
                    .grouped();
        });
        bench::checksum sum;
        for (const auto& [user, posts] : out) {
          bench::add_user(sum, user);
          for (const Post& p : posts)
            sum.add_unordered(static_cast<std::uint64_t>(p.id) + p.title.size() + p.body.size());
        }
        result_check = sum.str();
        break;
      }
      case bench::op::o10: {
        // The core loads relationships into plain values, with the same SELECTs as selectin.
        fill(conn, cfg.rows, cfg.posts_per_user);
        std::vector<GraphUser> users;
        m = bench::measure([&] {
          users = conn.query<GraphUser>().all();
          tabula::load(conn, users, &GraphUser::posts);
        });
        result_check = graph_check(users);
        break;
      }
      case bench::op::o11:
      case bench::op::o12:
        bench::unsupported("tabula core: joined loading and graph saves are the session's");
      case bench::op::o9: {
        fill(conn, cfg.rows, 0);
        bench::checksum sum;
        m = bench::measure([&] {
          for (std::size_t k = 0; k < cfg.n; ++k) {
            const bench::o9_params q = bench::o9_at(k);
            const std::vector<User> top =
                conn.query<User>()
                    .where(col(&User::age) > q.min_age && col(&User::score) < q.max_score)
                    .order_by(tabula::desc(&User::score))
                    .limit(10)
                    .all();
            for (const User& u : top) bench::add_user(sum, u);
          }
        });
        result_check = sum.str();
        break;
      }
    }
    bench::report(cfg, "tabula", m, result_check);
  } catch (const tabula::error& e) {
    bench::fail(std::string("tabula: ") + e.what());
  }
  return 0;
}
