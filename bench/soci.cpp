// SOCI 4.0 (Debian's libsoci-dev), used the way its documentation recommends for speed:
// statements prepared once (`sql.prepare << ...`) with variables bound by reference and
// re-executed, bulk operations with std::vector binds for O3 and for fetching many rows.

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/bench.hpp"

namespace {

using bench::Post;
using bench::User;
using soci::into;
using soci::use;

constexpr const char* insert_user_sql =
    "INSERT INTO users (name, email, age, score, created) "
    "VALUES (:name, :email, :age, :score, :created)";
constexpr const char* select_user_sql = "SELECT id, name, email, age, score, created FROM users";

bool is_postgres(const bench::config& cfg) { return cfg.where == bench::backend::postgres; }

void open(soci::session& sql, const bench::config& cfg) {
  if (is_postgres(cfg)) {
    sql.open(soci::postgresql, cfg.pg_conninfo());
    sql << "SET client_min_messages = warning";
    for (const char* drop : {"DROP TABLE IF EXISTS posts", "DROP TABLE IF EXISTS users"})
      sql << drop;
  } else {
    if (cfg.where == bench::backend::file) {
      const std::string path = cfg.sqlite_path();
      for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
    }
    sql.open(soci::sqlite3, "db=" + cfg.sqlite_path());
    if (cfg.where == bench::backend::file) {
      sql << "PRAGMA journal_mode=WAL";
      sql << "PRAGMA synchronous=NORMAL";
    }
    sql << "PRAGMA foreign_keys=ON";
  }
  // SOCI runs one statement per call.
  const std::string schema(bench::schema_sql(cfg.where));
  std::size_t start = 0;
  while (start < schema.size()) {
    std::size_t end = schema.find(';', start);
    if (end == std::string::npos) end = schema.size();
    sql << schema.substr(start, end - start);
    start = end + 1;
  }
}

std::string check(soci::session& sql) {
  long long count = 0, ages = 0, length = 0;
  sql << bench::check_sql, into(count), into(ages), into(length);
  return std::to_string(count) + ":" + std::to_string(ages) + ":" + std::to_string(length);
}

// Bulk insert through vector binds: SOCI's own fast path.
void insert_bulk(soci::session& sql, const std::vector<User>& users) {
  std::vector<std::string> names, emails, created;
  std::vector<int> ages;
  std::vector<double> scores;
  names.reserve(users.size());
  emails.reserve(users.size());
  created.reserve(users.size());
  ages.reserve(users.size());
  scores.reserve(users.size());
  for (const User& u : users) {
    names.push_back(u.name);
    emails.push_back(u.email);
    ages.push_back(u.age);
    scores.push_back(u.score);
    created.push_back(u.created);
  }
  sql << insert_user_sql, use(names), use(emails), use(ages), use(scores), use(created);
}

void fill(soci::session& sql, std::size_t rows, std::size_t posts_per_user) {
  soci::transaction tx(sql);
  insert_bulk(sql, bench::make_users(rows));
  if (posts_per_user > 0) {
    std::vector<long> user_ids;
    std::vector<std::string> titles, bodies;
    for (std::size_t u = 1; u <= rows; ++u) {
      for (std::size_t j = 0; j < posts_per_user; ++j) {
        Post p = bench::make_post(static_cast<std::int64_t>(u), j);
        user_ids.push_back(p.user_id);
        titles.push_back(std::move(p.title));
        bodies.push_back(std::move(p.body));
      }
    }
    sql << "INSERT INTO posts (user_id, title, body) VALUES (:u, :t, :b)", use(user_ids),
        use(titles), use(bodies);
  }
  tx.commit();
  sql << "ANALYZE";
}

// A prepared INSERT bound to `cur`; with RETURNING on PostgreSQL, last_insert_rowid on SQLite.
struct inserter {
  soci::session& sql;
  bool pg;
  User cur;
  soci::statement st;
  inserter(soci::session& s, bool postgres)
      : sql(s),
        pg(postgres),
        st(postgres ? (s.prepare << std::string(insert_user_sql) + " RETURNING id",
                       use(cur.name), use(cur.email), use(cur.age), use(cur.score),
                       use(cur.created), into(cur.id))
                    : (s.prepare << insert_user_sql, use(cur.name), use(cur.email),
                       use(cur.age), use(cur.score), use(cur.created))) {}
  void insert(User& u) {
    cur.name = u.name;
    cur.email = u.email;
    cur.age = u.age;
    cur.score = u.score;
    cur.created = u.created;
    st.execute(true);
    if (pg) {
      u.id = cur.id;
    } else {
      long long id = 0;
      sql.get_last_insert_id("users", id);
      u.id = id;
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  const bench::config cfg = bench::parse_args(argc, argv);
  try {
    soci::session sql;
    open(sql, cfg);
    std::string result_check;
    bench::measurement m;

    switch (cfg.operation) {
      case bench::op::o1:
      case bench::op::o2: {
        std::vector<User> users = bench::make_users(cfg.n);
        const bool one_tx = cfg.operation == bench::op::o2;
        m = bench::measure([&] {
          inserter ins(sql, is_postgres(cfg));
          if (one_tx) sql.begin();
          for (User& u : users) ins.insert(u);
          if (one_tx) sql.commit();
        });
        result_check = check(sql);
        break;
      }
      case bench::op::o3: {
        const std::vector<User> users = bench::make_users(cfg.n);
        m = bench::measure([&] {
          soci::transaction tx(sql);
          insert_bulk(sql, users);
          tx.commit();
        });
        result_check = check(sql);
        break;
      }
      case bench::op::o4: {
        fill(sql, cfg.rows, 0);
        bench::checksum sum;
        m = bench::measure([&] {
          long id = 0;
          User u;
          soci::statement st = (sql.prepare << std::string(select_user_sql) + " WHERE id = :id",
                                use(id), into(u.id), into(u.name), into(u.email), into(u.age),
                                into(u.score), into(u.created));
          for (std::size_t k = 0; k < cfg.n; ++k) {
            id = bench::key_at(k, cfg.rows);
            if (!st.execute(true)) bench::fail("O4: missing row");
            bench::add_user(sum, u);
          }
        });
        result_check = sum.str();
        break;
      }
      case bench::op::o5: {
        fill(sql, cfg.rows, 0);
        std::vector<User> users;
        m = bench::measure([&] {
          constexpr std::size_t chunk = 1000;
          std::vector<long> ids(chunk);
          std::vector<std::string> names(chunk), emails(chunk), created(chunk);
          std::vector<int> ages(chunk);
          std::vector<double> scores(chunk);
          soci::statement st = (sql.prepare << select_user_sql, into(ids), into(names),
                                into(emails), into(ages), into(scores), into(created));
          st.execute();
          while (st.fetch()) {
            for (std::size_t i = 0; i < ids.size(); ++i) {
              User& u = users.emplace_back();
              u.id = ids[i];
              u.name = std::move(names[i]);
              u.email = std::move(emails[i]);
              u.age = ages[i];
              u.score = scores[i];
              u.created = std::move(created[i]);
            }
            ids.resize(chunk);
            names.resize(chunk);
            emails.resize(chunk);
            ages.resize(chunk);
            scores.resize(chunk);
            created.resize(chunk);
          }
        });
        bench::checksum sum;
        for (const User& u : users) bench::add_user(sum, u);
        result_check = sum.str();
        break;
      }
      case bench::op::o6: {
        fill(sql, cfg.rows, 0);
        const std::vector<User> users = bench::make_updated_users(cfg.rows);
        m = bench::measure([&] {
          User cur;
          soci::statement st =
              (sql.prepare << "UPDATE users SET name = :n, email = :e, age = :a, score = :s, "
                              "created = :c WHERE id = :id",
               use(cur.name), use(cur.email), use(cur.age), use(cur.score), use(cur.created),
               use(cur.id));
          soci::transaction tx(sql);
          for (std::size_t k = 0; k < cfg.n; ++k) {
            cur = users[static_cast<std::size_t>(bench::key_at(k, cfg.rows) - 1)];
            st.execute(true);
          }
          tx.commit();
        });
        result_check = check(sql);
        break;
      }
      case bench::op::o7: {
        fill(sql, cfg.rows, 0);
        m = bench::measure([&] {
          long id = 0;
          soci::statement st = (sql.prepare << "DELETE FROM users WHERE id = :id", use(id));
          soci::transaction tx(sql);
          for (std::size_t k = 0; k < cfg.n; ++k) {
            id = bench::key_at(k, cfg.rows);
            st.execute(true);
          }
          tx.commit();
        });
        result_check = check(sql);
        break;
      }
      case bench::op::o8: {
        fill(sql, cfg.rows, cfg.posts_per_user);
        std::vector<bench::UserWithPosts> out;
        m = bench::measure([&] {
          User u;
          Post p;
          soci::statement st =
              (sql.prepare << "SELECT u.id, u.name, u.email, u.age, u.score, u.created, "
                              "p.id, p.user_id, p.title, p.body "
                              "FROM users u JOIN posts p ON p.user_id = u.id ORDER BY u.id, p.id",
               into(u.id), into(u.name), into(u.email), into(u.age), into(u.score),
               into(u.created), into(p.id), into(p.user_id), into(p.title), into(p.body));
          st.execute();
          while (st.fetch()) {
            if (out.empty() || out.back().user.id != u.id) out.emplace_back().user = u;
            out.back().posts.push_back(p);
          }
        });
        bench::checksum sum;
        for (const auto& up : out) {
          bench::add_user(sum, up.user);
          for (const Post& post : up.posts)
            sum.add_unordered(static_cast<std::uint64_t>(post.id) + post.title.size() +
                              post.body.size());
        }
        result_check = sum.str();
        break;
      }
      case bench::op::o10:
      case bench::op::o11:
      case bench::op::o12:
        bench::unsupported("SOCI has no relationships");
      case bench::op::o13:
      case bench::op::o14:
        bench::unsupported("SOCI: the typed-columns operations compare tabula with the C APIs");
      case bench::op::o9: {
        fill(sql, cfg.rows, 0);
        bench::checksum sum;
        m = bench::measure([&] {
          int min_age = 0;
          double max_score = 0;
          User u;
          soci::statement st =
              (sql.prepare << std::string(select_user_sql) +
                                  " WHERE age > :a AND score < :s ORDER BY score DESC LIMIT 10",
               use(min_age), use(max_score), into(u.id), into(u.name), into(u.email),
               into(u.age), into(u.score), into(u.created));
          std::vector<User> top;
          for (std::size_t k = 0; k < cfg.n; ++k) {
            const bench::o9_params q = bench::o9_at(k);
            min_age = q.min_age;
            max_score = q.max_score;
            top.clear();
            st.execute();
            while (st.fetch()) top.push_back(u);
            for (const User& t : top) bench::add_user(sum, t);
          }
        });
        result_check = sum.str();
        break;
      }
    }
    bench::report(cfg, "soci", m, result_check);
  } catch (const soci::soci_error& e) {
    bench::fail(std::string("soci: ") + e.what());
  }
  return 0;
}
