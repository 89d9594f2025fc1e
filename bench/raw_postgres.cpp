// The PostgreSQL baseline: libpq used the way its documentation recommends for speed — named
// statements prepared once (PQprepare) and executed with PQexecPrepared, parameters and
// results in binary format (no integer/float text formatting or parsing on either side, text
// passed by pointer and length), batches in one transaction, results read straight into the
// struct.
//
// O3 (bulk insert) has four variants; the harness takes the fastest as the baseline:
//   "values"      a prepared multi-row INSERT ... VALUES of 1000 rows (5000 binary parameters)
//   "pipeline"    pipeline mode: every single-row INSERT sent without waiting, results read
//                 one chunk behind, one sync at the end
//   "copy"        COPY users FROM STDIN, text format, sent in 64 KiB chunks
//   "copy_binary" COPY ... WITH (FORMAT binary)
//
// O13 and O14 convert the typed columns by hand, as tabula sends and reads them: the timestamp
// as TIMESTAMPTZ's binary form (microseconds since 2000-01-01, big-endian), the UUID as its 16
// bytes, the JSON document dumped by nlohmann/json and sent as text (JSONB's input parses it),
// read back in JSONB's binary form (a version byte, then the text) and parsed by nlohmann.
//
// O1, O2, O4, O6 and O7 are a loop of single statements whose result the program uses before it
// issues the next (as a program that inserts, reads or changes one object at a time does): one
// round trip each, on every system.

#include <endian.h>
#include <libpq-fe.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/bench.hpp"
#include "common/typed_rows.hpp"

namespace {

using bench::Post;
using bench::User;

constexpr Oid int4_oid = 23;
constexpr Oid int8_oid = 20;
constexpr Oid float8_oid = 701;
constexpr Oid text_oid = 25;
constexpr Oid timestamptz_oid = 1184;
constexpr Oid uuid_oid = 2950;
constexpr Oid jsonb_oid = 3802;
// Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch.
constexpr std::int64_t usecs_1970_to_2000 = 946'684'800'000'000;

struct result_deleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using result = std::unique_ptr<PGresult, result_deleter>;

class connection {
 public:
  explicit connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) die("connect");
  }
  ~connection() { PQfinish(conn_); }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  PGconn* get() const { return conn_; }

  [[noreturn]] void die(std::string_view what) const {
    bench::fail(std::string(what) + ": " + PQerrorMessage(conn_));
  }

  static void expect(const result& r, ExecStatusType want, std::string_view what) {
    if (PQresultStatus(r.get()) != want)
      bench::fail(std::string(what) + ": " + PQresultErrorMessage(r.get()));
  }

  void exec(const std::string& sql) const {
    result r(PQexec(conn_, sql.c_str()));
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      bench::fail(sql + ": " + PQresultErrorMessage(r.get()));
  }

  void prepare(const char* name, const std::string& sql, std::vector<Oid> types) const {
    result r(PQprepare(conn_, name, sql.c_str(), static_cast<int>(types.size()), types.data()));
    expect(r, PGRES_COMMAND_OK, sql);
  }

  std::string check(const char* sql = bench::check_sql) const {
    result r(PQexec(conn_, sql));
    expect(r, PGRES_TUPLES_OK, "check");
    return std::string(PQgetvalue(r.get(), 0, 0)) + ":" + PQgetvalue(r.get(), 0, 1) + ":" +
           PQgetvalue(r.get(), 0, 2);
  }

 private:
  PGconn* conn_;
};

// Binary parameters for one statement execution: pointers into the caller's strings and into
// big-endian scratch words owned here.
template <int N>
struct params {
  const char* values[N];
  int lengths[N];
  int formats[N];
  std::uint64_t words[N];
  params() {
    for (int i = 0; i < N; ++i) formats[i] = 1;
  }
  void text(int i, const std::string& s) {
    values[i] = s.data();
    lengths[i] = static_cast<int>(s.size());
  }
  void int4(int i, std::int32_t v) {
    const std::uint32_t be = htobe32(static_cast<std::uint32_t>(v));
    std::memcpy(&words[i], &be, 4);
    values[i] = reinterpret_cast<const char*>(&words[i]);
    lengths[i] = 4;
  }
  void int8(int i, std::int64_t v) {
    words[i] = htobe64(static_cast<std::uint64_t>(v));
    values[i] = reinterpret_cast<const char*>(&words[i]);
    lengths[i] = 8;
  }
  void float8(int i, double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    words[i] = htobe64(bits);
    values[i] = reinterpret_cast<const char*>(&words[i]);
    lengths[i] = 8;
  }
  void user(const User& u, int first = 0) {
    text(first, u.name);
    text(first + 1, u.email);
    int4(first + 2, u.age);
    float8(first + 3, u.score);
    text(first + 4, u.created);
  }
};

std::int64_t get_int8(const PGresult* r, int row, int col) {
  std::uint64_t be;
  std::memcpy(&be, PQgetvalue(r, row, col), 8);
  return static_cast<std::int64_t>(be64toh(be));
}
std::int32_t get_int4(const PGresult* r, int row, int col) {
  std::uint32_t be;
  std::memcpy(&be, PQgetvalue(r, row, col), 4);
  return static_cast<std::int32_t>(be32toh(be));
}
double get_float8(const PGresult* r, int row, int col) {
  std::uint64_t be;
  std::memcpy(&be, PQgetvalue(r, row, col), 8);
  const std::uint64_t bits = be64toh(be);
  double v;
  std::memcpy(&v, &bits, 8);
  return v;
}
void get_text(const PGresult* r, int row, int col, std::string& out) {
  out.assign(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
}
void read_user(const PGresult* r, int row, User& u, int first = 0) {
  u.id = get_int8(r, row, first);
  get_text(r, row, first + 1, u.name);
  get_text(r, row, first + 2, u.email);
  u.age = get_int4(r, row, first + 3);
  u.score = get_float8(r, row, first + 4);
  get_text(r, row, first + 5, u.created);
}

const std::vector<Oid> user_types = {text_oid, text_oid, int4_oid, float8_oid, text_oid};
constexpr const char* insert_user_sql =
    "INSERT INTO users (name, email, age, score, created) VALUES ($1, $2, $3, $4, $5)";
constexpr const char* select_user_sql = "SELECT id, name, email, age, score, created FROM users";

template <int N>
result exec_prepared(const connection& c, const char* name, const params<N>& p) {
  return result(PQexecPrepared(c.get(), name, N, p.values, p.lengths, p.formats, 1));
}

void read_post(const PGresult* r, int row, Post& p, int first = 0) {
  p.id = get_int8(r, row, first);
  p.user_id = get_int8(r, row, first + 1);
  get_text(r, row, first + 2, p.title);
  get_text(r, row, first + 3, p.body);
}


// COPY text format escapes: backslash, and the delimiter/row characters.
void append_copy_text(std::string& buf, const std::string& s) {
  for (const char ch : s) {
    switch (ch) {
      case '\\': buf += "\\\\"; break;
      case '\t': buf += "\\t"; break;
      case '\n': buf += "\\n"; break;
      case '\r': buf += "\\r"; break;
      default: buf += ch;
    }
  }
}

template <typename T>
void append_number(std::string& buf, T v) {
  char tmp[32];
  const auto [end, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
  buf.append(tmp, end);
}

void append_be16(std::string& buf, std::uint16_t v) {
  const std::uint16_t be = htobe16(v);
  buf.append(reinterpret_cast<const char*>(&be), 2);
}
void append_be32(std::string& buf, std::uint32_t v) {
  const std::uint32_t be = htobe32(v);
  buf.append(reinterpret_cast<const char*>(&be), 4);
}
void append_be64(std::string& buf, std::uint64_t v) {
  const std::uint64_t be = htobe64(v);
  buf.append(reinterpret_cast<const char*>(&be), 8);
}

void put_copy(const connection& c, std::string& buf) {
  if (PQputCopyData(c.get(), buf.data(), static_cast<int>(buf.size())) != 1) c.die("copy data");
  buf.clear();
}

void copy_users(const connection& c, const std::vector<User>& users, bool binary) {
  result start(PQexec(c.get(), binary ? "COPY users (name, email, age, score, created) FROM STDIN "
                                        "WITH (FORMAT binary)"
                                      : "COPY users (name, email, age, score, created) FROM STDIN"));
  connection::expect(start, PGRES_COPY_IN, "COPY");
  constexpr std::size_t chunk = 64 * 1024;
  std::string buf;
  buf.reserve(chunk + 1024);
  if (binary) {
    buf.append("PGCOPY\n\377\r\n\0", 11);
    append_be32(buf, 0);  // flags
    append_be32(buf, 0);  // header extension length
  }
  for (const User& u : users) {
    if (binary) {
      append_be16(buf, 5);
      append_be32(buf, static_cast<std::uint32_t>(u.name.size()));
      buf += u.name;
      append_be32(buf, static_cast<std::uint32_t>(u.email.size()));
      buf += u.email;
      append_be32(buf, 4);
      append_be32(buf, static_cast<std::uint32_t>(u.age));
      append_be32(buf, 8);
      std::uint64_t bits;
      std::memcpy(&bits, &u.score, 8);
      append_be64(buf, bits);
      append_be32(buf, static_cast<std::uint32_t>(u.created.size()));
      buf += u.created;
    } else {
      append_copy_text(buf, u.name);
      buf += '\t';
      append_copy_text(buf, u.email);
      buf += '\t';
      append_number(buf, u.age);
      buf += '\t';
      append_number(buf, u.score);  // shortest text that reads back to the same double
      buf += '\t';
      append_copy_text(buf, u.created);
      buf += '\n';
    }
    if (buf.size() >= chunk) put_copy(c, buf);
  }
  if (binary) append_be16(buf, 0xFFFF);
  if (!buf.empty()) put_copy(c, buf);
  if (PQputCopyEnd(c.get(), nullptr) != 1) c.die("copy end");
  result done(PQgetResult(c.get()));
  connection::expect(done, PGRES_COMMAND_OK, "COPY end");
  while (PGresult* extra = PQgetResult(c.get())) PQclear(extra);
}

void copy_posts(const connection& c, std::size_t users, std::size_t per_user) {
  result start(PQexec(c.get(), "COPY posts (user_id, title, body) FROM STDIN"));
  connection::expect(start, PGRES_COPY_IN, "COPY posts");
  std::string buf;
  for (std::size_t u = 1; u <= users; ++u) {
    for (std::size_t j = 0; j < per_user; ++j) {
      const Post p = bench::make_post(static_cast<std::int64_t>(u), j);
      append_number(buf, p.user_id);
      buf += '\t';
      append_copy_text(buf, p.title);
      buf += '\t';
      append_copy_text(buf, p.body);
      buf += '\n';
    }
    if (buf.size() >= 64 * 1024) put_copy(c, buf);
  }
  if (!buf.empty()) put_copy(c, buf);
  if (PQputCopyEnd(c.get(), nullptr) != 1) c.die("copy end");
  result done(PQgetResult(c.get()));
  connection::expect(done, PGRES_COMMAND_OK, "COPY posts end");
  while (PGresult* extra = PQgetResult(c.get())) PQclear(extra);
}

void fill(const connection& c, std::size_t rows, std::size_t posts_per_user) {
  c.exec("BEGIN");
  copy_users(c, bench::make_users(rows), true);
  if (posts_per_user > 0) copy_posts(c, rows, posts_per_user);
  c.exec("COMMIT");
  c.exec("ANALYZE");
}

void insert_values(const connection& c, const std::vector<User>& users) {
  constexpr std::size_t batch = 1000;
  auto prepare_for = [&](const char* name, std::size_t count) {
    std::string sql = "INSERT INTO users (name, email, age, score, created) VALUES ";
    std::vector<Oid> types;
    for (std::size_t i = 0; i < count; ++i) {
      sql += i == 0 ? "(" : ",(";
      for (int f = 0; f < 5; ++f) {
        sql += (f == 0 ? "$" : ",$") + std::to_string(i * 5 + static_cast<std::size_t>(f) + 1);
        types.push_back(user_types[static_cast<std::size_t>(f)]);
      }
      sql += ")";
    }
    c.prepare(name, sql, types);
  };
  auto run = [&](const char* name, std::size_t first, std::size_t count) {
    static thread_local params<batch * 5> p;
    for (std::size_t j = 0; j < count; ++j) p.user(users[first + j], static_cast<int>(j * 5));
    result r(PQexecPrepared(c.get(), name, static_cast<int>(count * 5), p.values, p.lengths,
                            p.formats, 1));
    connection::expect(r, PGRES_COMMAND_OK, "insert values");
  };
  prepare_for("ins_batch", batch);
  std::size_t i = 0;
  for (; i + batch <= users.size(); i += batch) run("ins_batch", i, batch);
  if (i < users.size()) {
    prepare_for("ins_rest", users.size() - i);
    run("ins_rest", i, users.size() - i);
  }
}

// Reads one pipelined statement's result (and the NULL that ends it).
void read_pipelined(const connection& c) {
  result r(PQgetResult(c.get()));
  if (!r) c.die("pipeline: missing result");
  connection::expect(r, PGRES_COMMAND_OK, "pipelined statement");
  if (PGresult* end = PQgetResult(c.get())) {
    PQclear(end);
    c.die("pipeline: unexpected extra result");
  }
}

void insert_pipeline(const connection& c, const std::vector<User>& users) {
  // Results are read one chunk behind the sends, after asking the server to flush, so neither
  // side's socket buffer fills while the other waits.
  constexpr std::size_t chunk = 1000;
  c.prepare("ins", insert_user_sql, user_types);
  if (PQenterPipelineMode(c.get()) != 1) c.die("enter pipeline mode");
  auto send_plain = [&](const char* sql) {
    if (PQsendQueryParams(c.get(), sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
      c.die(sql);
  };
  send_plain("BEGIN");
  std::size_t pending = 1;  // statements sent whose result is not read yet
  params<5> p;
  for (std::size_t i = 0; i < users.size(); ++i) {
    p.user(users[i]);
    if (PQsendQueryPrepared(c.get(), "ins", 5, p.values, p.lengths, p.formats, 1) != 1)
      c.die("send insert");
    ++pending;
    if ((i + 1) % chunk == 0) {
      if (PQsendFlushRequest(c.get()) != 1 || PQflush(c.get()) != 0) c.die("flush");
      while (pending > chunk) {
        read_pipelined(c);
        --pending;
      }
    }
  }
  send_plain("COMMIT");
  ++pending;
  if (PQpipelineSync(c.get()) != 1) c.die("pipeline sync");
  while (pending > 0) {
    read_pipelined(c);
    --pending;
  }
  result sync(PQgetResult(c.get()));
  connection::expect(sync, PGRES_PIPELINE_SYNC, "pipeline sync");
  if (PQexitPipelineMode(c.get()) != 1) c.die("exit pipeline mode");
}

// O13: one INSERT ... RETURNING id per event.
void insert_events(const connection& c, std::vector<bench::Event>& events) {
  c.prepare("ins_event",
            "INSERT INTO events (created_at, key, params) VALUES ($1, $2, $3) RETURNING id",
            {timestamptz_oid, uuid_oid, jsonb_oid});
  params<3> p;
  p.formats[2] = 0;  // the document as text
  std::string doc;
  for (bench::Event& e : events) {
    p.int8(0, e.created_at.time_since_epoch().count() - usecs_1970_to_2000);
    p.values[1] = reinterpret_cast<const char*>(e.key.data());
    p.lengths[1] = 16;
    doc = e.params.dump();
    p.text(2, doc);
    result r = exec_prepared(c, "ins_event", p);
    connection::expect(r, PGRES_TUPLES_OK, "insert event");
    e.id = get_int8(r.get(), 0, 0);
  }
}

// O14: every event, converted back from the binary result.
std::vector<bench::Event> read_events(const connection& c) {
  result r(PQexecParams(c.get(), "SELECT id, created_at, key, params FROM events", 0, nullptr,
                        nullptr, nullptr, nullptr, 1));
  connection::expect(r, PGRES_TUPLES_OK, "select events");
  const int rows = PQntuples(r.get());
  std::vector<bench::Event> events(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    bench::Event& e = events[static_cast<std::size_t>(i)];
    e.id = get_int8(r.get(), i, 0);
    e.created_at = std::chrono::sys_time<std::chrono::microseconds>(
        std::chrono::microseconds(get_int8(r.get(), i, 1) + usecs_1970_to_2000));
    if (PQgetlength(r.get(), i, 2) != 16) bench::fail("O14: a key is not 16 bytes");
    std::memcpy(e.key.data(), PQgetvalue(r.get(), i, 2), 16);
    const char* doc = PQgetvalue(r.get(), i, 3);
    const int length = PQgetlength(r.get(), i, 3);
    if (length < 1 || doc[0] != 1) bench::fail("O14: not JSONB version 1");
    e.params = nlohmann::json::parse(doc + 1, doc + length);
  }
  return events;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::config cfg = bench::parse_args(argc, argv);
  if (cfg.where != bench::backend::postgres) bench::unsupported("raw_postgres on sqlite");
  connection c(cfg.pg_conninfo());
  c.exec("SET client_min_messages = warning");
  c.exec(std::string(bench::drop_sql));
  c.exec(std::string(bench::schema_sql(cfg.where)));
  std::string check;
  bench::measurement m;

  switch (cfg.operation) {
    case bench::op::o1:
    case bench::op::o2: {
      std::vector<User> users = bench::make_users(cfg.n);
      const bool one_tx = cfg.operation == bench::op::o2;
      m = bench::measure([&] {
        c.prepare("ins", std::string(insert_user_sql) + " RETURNING id", user_types);
        if (one_tx) c.exec("BEGIN");
        params<5> p;
        for (User& u : users) {  // O1: autocommit, each INSERT is its own transaction
          p.user(u);
          result r = exec_prepared(c, "ins", p);
          connection::expect(r, PGRES_TUPLES_OK, "insert");
          u.id = get_int8(r.get(), 0, 0);
        }
        if (one_tx) c.exec("COMMIT");
      });
      check = c.check();
      break;
    }
    case bench::op::o3: {
      const std::vector<User> users = bench::make_users(cfg.n);
      if (cfg.variant == "values") {
        m = bench::measure([&] {
          c.exec("BEGIN");
          insert_values(c, users);
          c.exec("COMMIT");
        });
      } else if (cfg.variant == "pipeline") {
        m = bench::measure([&] { insert_pipeline(c, users); });
      } else if (cfg.variant == "copy" || cfg.variant == "copy_binary") {
        m = bench::measure([&] { copy_users(c, users, cfg.variant == "copy_binary"); });
      } else {
        bench::unsupported("raw_postgres O3 variant '" + cfg.variant + "'");
      }
      check = c.check();
      break;
    }
    case bench::op::o4: {
      fill(c, cfg.rows, 0);
      bench::checksum sum;
      m = bench::measure([&] {
        c.prepare("get", std::string(select_user_sql) + " WHERE id = $1", {int8_oid});
        params<1> p;
        User u;
        for (std::size_t k = 0; k < cfg.n; ++k) {
          p.int8(0, bench::key_at(k, cfg.rows));
          result r = exec_prepared(c, "get", p);
          connection::expect(r, PGRES_TUPLES_OK, "get");
          if (PQntuples(r.get()) != 1) bench::fail("O4: missing row");
          read_user(r.get(), 0, u);
          bench::add_user(sum, u);
        }
      });
      check = sum.str();
      break;
    }
    case bench::op::o13: {
      c.exec(bench::events_schema_sql(cfg.where));
      std::vector<bench::Event> events = bench::make_events(cfg.n);
      m = bench::measure([&] {
        c.exec("BEGIN");
        insert_events(c, events);
        c.exec("COMMIT");
      });
      check = bench::events_check(read_events(c));
      break;
    }
    case bench::op::o14: {
      c.exec(bench::events_schema_sql(cfg.where));
      {
        std::vector<bench::Event> stored = bench::make_events(cfg.rows);
        c.exec("BEGIN");
        insert_events(c, stored);
        c.exec("COMMIT");
      }
      std::vector<bench::Event> events;
      m = bench::measure([&] { events = read_events(c); });
      check = bench::events_check(events);
      break;
    }
    case bench::op::o5: {
      fill(c, cfg.rows, 0);
      std::vector<User> users;
      m = bench::measure([&] {
        result r(PQexecParams(c.get(), select_user_sql, 0, nullptr, nullptr, nullptr, nullptr, 1));
        connection::expect(r, PGRES_TUPLES_OK, "select");
        const int rows = PQntuples(r.get());
        users.resize(static_cast<std::size_t>(rows));
        for (int i = 0; i < rows; ++i) read_user(r.get(), i, users[static_cast<std::size_t>(i)]);
      });
      bench::checksum sum;
      for (const User& u : users) bench::add_user(sum, u);
      check = sum.str();
      break;
    }
    case bench::op::o6: {
      fill(c, cfg.rows, 0);
      const std::vector<User> users = bench::make_updated_users(cfg.rows);
      m = bench::measure([&] {
        std::vector<Oid> types = user_types;
        types.push_back(int8_oid);
        c.prepare("upd",
                  "UPDATE users SET name = $1, email = $2, age = $3, score = $4, created = $5 "
                  "WHERE id = $6",
                  types);
        c.exec("BEGIN");
        params<6> p;
        for (std::size_t k = 0; k < cfg.n; ++k) {
          const User& u = users[static_cast<std::size_t>(bench::key_at(k, cfg.rows) - 1)];
          p.user(u);
          p.int8(5, u.id);
          result r = exec_prepared(c, "upd", p);
          connection::expect(r, PGRES_COMMAND_OK, "update");
        }
        c.exec("COMMIT");
      });
      check = c.check();
      break;
    }
    case bench::op::o7: {
      fill(c, cfg.rows, 0);
      m = bench::measure([&] {
        c.prepare("del", "DELETE FROM users WHERE id = $1", {int8_oid});
        c.exec("BEGIN");
        params<1> p;
        for (std::size_t k = 0; k < cfg.n; ++k) {
          p.int8(0, bench::key_at(k, cfg.rows));
          result r = exec_prepared(c, "del", p);
          connection::expect(r, PGRES_COMMAND_OK, "delete");
        }
        c.exec("COMMIT");
      });
      check = c.check();
      break;
    }
    case bench::op::o8: {
      fill(c, cfg.rows, cfg.posts_per_user);
      std::vector<bench::UserWithPosts> out;
      m = bench::measure([&] {
        result r(PQexecParams(c.get(),
                              "SELECT u.id, u.name, u.email, u.age, u.score, u.created, "
                              "p.id, p.user_id, p.title, p.body "
                              "FROM users u JOIN posts p ON p.user_id = u.id ORDER BY u.id, p.id",
                              0, nullptr, nullptr, nullptr, nullptr, 1));
        connection::expect(r, PGRES_TUPLES_OK, "join");
        const int rows = PQntuples(r.get());
        for (int i = 0; i < rows; ++i) {
          const std::int64_t uid = get_int8(r.get(), i, 0);
          if (out.empty() || out.back().user.id != uid) read_user(r.get(), i, out.emplace_back().user);
          Post& p = out.back().posts.emplace_back();
          p.id = get_int8(r.get(), i, 6);
          p.user_id = get_int8(r.get(), i, 7);
          get_text(r.get(), i, 8, p.title);
          get_text(r.get(), i, 9, p.body);
        }
      });
      check = bench::users_with_posts_check(out);
      break;
    }
    case bench::op::o10: {
      // What selectin loading does: the users, then their posts by IN lists of user ids.
      fill(c, cfg.rows, cfg.posts_per_user);
      bench::grouping g;
      m = bench::measure([&] {
        result users(PQexecParams(c.get(), select_user_sql, 0, nullptr,
                                  nullptr, nullptr, nullptr, 1));
        connection::expect(users, PGRES_TUPLES_OK, "users");
        for (int i = 0, n = PQntuples(users.get()); i < n; ++i)
          read_user(users.get(), i, g.owner(get_int8(users.get(), i, 0)).user);
        auto p = std::make_unique<params<static_cast<int>(bench::in_chunk)>>();
        std::vector<Oid> types(bench::in_chunk, int8_oid);
        std::string sql;
        for (std::size_t first = 0; first < g.result.size(); first += bench::in_chunk) {
          const std::size_t count = std::min(bench::in_chunk, g.result.size() - first);
          sql = "SELECT id, user_id, title, body FROM posts WHERE user_id IN (";
          for (std::size_t i = 0; i < count; ++i) {
            sql += (i == 0 ? "$" : ", $") + std::to_string(i + 1);
            p->int8(static_cast<int>(i), g.result[first + i].user.id);
          }
          sql += ")";
          result r(PQexecParams(c.get(), sql.c_str(), static_cast<int>(count), types.data(),
                                p->values, p->lengths, p->formats, 1));
          connection::expect(r, PGRES_TUPLES_OK, "posts");
          for (int i = 0, n = PQntuples(r.get()); i < n; ++i) {
            Post post;
            read_post(r.get(), i, post);
            g.owner(post.user_id).posts.push_back(std::move(post));
          }
        }
      });
      check = bench::users_with_posts_check(g.result);
      break;
    }
    case bench::op::o11: {
      // What joined loading does: one LEFT JOIN, rows grouped by the user's key.
      fill(c, cfg.rows, cfg.posts_per_user);
      bench::grouping g;
      m = bench::measure([&] {
        result r(PQexecParams(c.get(),
                              "SELECT u.id, u.name, u.email, u.age, u.score, u.created, "
                              "p.id, p.user_id, p.title, p.body "
                              "FROM users u LEFT JOIN posts p ON p.user_id = u.id",
                              0, nullptr, nullptr, nullptr, nullptr, 1));
        connection::expect(r, PGRES_TUPLES_OK, "join");
        for (int i = 0, n = PQntuples(r.get()); i < n; ++i) {
          bench::UserWithPosts& up = g.owner(get_int8(r.get(), i, 0));
          if (up.posts.empty()) read_user(r.get(), i, up.user);
          if (PQgetisnull(r.get(), i, 6) == 0) read_post(r.get(), i, up.posts.emplace_back(), 6);
        }
      });
      check = bench::users_with_posts_check(g.result);
      break;
    }
    case bench::op::o12: {
      // A graph: each user, then its posts with the user's generated key copied in; prepared
      // single-row INSERTs with RETURNING in one transaction.
      std::vector<User> users = bench::make_users(cfg.n);
      std::vector<Post> posts = bench::make_graph_posts(cfg.n, cfg.posts_per_user);
      m = bench::measure([&] {
        c.prepare("ins", std::string(insert_user_sql) + " RETURNING id", user_types);
        c.prepare("post", "INSERT INTO posts (user_id, title, body) VALUES ($1, $2, $3) RETURNING id",
                  {int8_oid, text_oid, text_oid});
        c.exec("BEGIN");
        params<5> pu;
        for (User& u : users) {
          pu.user(u);
          result r = exec_prepared(c, "ins", pu);
          connection::expect(r, PGRES_TUPLES_OK, "insert");
          u.id = get_int8(r.get(), 0, 0);
        }
        params<3> pp;
        for (std::size_t k = 0; k < posts.size(); ++k) {
          Post& post = posts[k];
          post.user_id = users[k / cfg.posts_per_user].id;
          pp.int8(0, post.user_id);
          pp.text(1, post.title);
          pp.text(2, post.body);
          result r = exec_prepared(c, "post", pp);
          connection::expect(r, PGRES_TUPLES_OK, "insert post");
          post.id = get_int8(r.get(), 0, 0);
        }
        c.exec("COMMIT");
      });
      check = c.check(bench::graph_check_sql);
      break;
    }
    case bench::op::o9: {
      fill(c, cfg.rows, 0);
      bench::checksum sum;
      m = bench::measure([&] {
        c.prepare("top",
                  std::string(select_user_sql) +
                      " WHERE age > $1 AND score < $2 ORDER BY score DESC LIMIT 10",
                  {int4_oid, float8_oid});
        params<2> p;
        std::vector<User> top;
        for (std::size_t k = 0; k < cfg.n; ++k) {
          const bench::o9_params q = bench::o9_at(k);
          p.int4(0, q.min_age);
          p.float8(1, q.max_score);
          result r = exec_prepared(c, "top", p);
          connection::expect(r, PGRES_TUPLES_OK, "top");
          const int rows = PQntuples(r.get());
          top.resize(static_cast<std::size_t>(rows));
          for (int i = 0; i < rows; ++i) read_user(r.get(), i, top[static_cast<std::size_t>(i)]);
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
