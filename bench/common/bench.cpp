#include "bench.hpp"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(BENCH_HAVE_CALLGRIND)
#include <valgrind/callgrind.h>
#endif

namespace bench {
namespace {

[[noreturn]] void usage(std::string_view why) {
  std::fprintf(stderr,
               "%.*s\nusage: DRIVER --op O1..O14 --backend memory|file|postgres --n N "
               "[--rows M] [--posts-per-user P] [--variant V] [--dir D] "
               "[--pg-host H --pg-port P]\n",
               static_cast<int>(why.size()), why.data());
  std::exit(2);
}

std::size_t to_size(std::string_view flag, const char* text) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0') usage(std::string(flag) + " needs a number, not " + text);
  return static_cast<std::size_t>(v);
}

std::uint64_t fnv(std::string_view s, std::uint64_t h = 1469598103934665603ull) {
  for (const char ch : s) {
    h ^= static_cast<unsigned char>(ch);
    h *= 1099511628211ull;
  }
  return h;
}

// A counter of user-space instructions for this thread, or -1 when the kernel (or the
// hypervisor) does not offer one.
int open_instruction_counter() {
  perf_event_attr attr{};
  attr.type = PERF_TYPE_HARDWARE;
  attr.size = sizeof(attr);
  attr.config = PERF_COUNT_HW_INSTRUCTIONS;
  attr.disabled = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  return static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
}

}  // namespace

std::string_view schema_sql(backend where) {
  if (where == backend::postgres)
    return "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, "
           "email TEXT NOT NULL, age INTEGER NOT NULL, score DOUBLE PRECISION NOT NULL, "
           "created TEXT NOT NULL);"
           "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, "
           "user_id BIGINT NOT NULL REFERENCES users (id), title TEXT NOT NULL, "
           "body TEXT NOT NULL);"
           "CREATE INDEX ix_posts_user_id ON posts (user_id);"
           "CREATE INDEX ix_users_score ON users (score)";
  return "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
         "email TEXT NOT NULL, age INTEGER NOT NULL, score REAL NOT NULL, "
         "created TEXT NOT NULL);"
         "CREATE TABLE posts (id INTEGER PRIMARY KEY, "
         "user_id INTEGER NOT NULL REFERENCES users (id), title TEXT NOT NULL, "
         "body TEXT NOT NULL);"
         "CREATE INDEX ix_posts_user_id ON posts (user_id);"
         "CREATE INDEX ix_users_score ON users (score)";
}

std::string config::sqlite_path() const {
  if (where == backend::memory) return ":memory:";
  return dir + "/bench.db";
}

std::string config::pg_conninfo() const {
  return "host=" + pg_host + " port=" + pg_port + " dbname=" + pg_db + " user=" + pg_user;
}

std::string config::op_name() const {
  return "O" + std::to_string(static_cast<int>(operation) + 1);
}

std::string config::backend_name() const {
  switch (where) {
    case backend::memory: return "memory";
    case backend::file: return "file";
    case backend::postgres: return "postgres";
  }
  return "?";
}

config parse_args(int argc, char** argv) {
  config cfg;
  bool have_op = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) usage(std::string(flag) + " needs a value");
    const char* value = argv[++i];
    if (flag == "--op") {
      const std::string_view v = value;
      int number = 0;
      if (v.size() >= 2 && (v[0] == 'O' || v[0] == 'o')) {
        const auto [end, ec] = std::from_chars(v.data() + 1, v.data() + v.size(), number);
        if (ec != std::errc() || end != v.data() + v.size()) number = 0;
      }
      if (number < 1 || number > 14) usage("--op takes O1..O14");
      cfg.operation = static_cast<op>(number - 1);
      have_op = true;
    } else if (flag == "--backend") {
      const std::string_view v = value;
      if (v == "memory") cfg.where = backend::memory;
      else if (v == "file") cfg.where = backend::file;
      else if (v == "postgres") cfg.where = backend::postgres;
      else usage("--backend takes memory, file or postgres");
    } else if (flag == "--n") {
      cfg.n = to_size(flag, value);
    } else if (flag == "--rows") {
      cfg.rows = to_size(flag, value);
    } else if (flag == "--posts-per-user") {
      cfg.posts_per_user = to_size(flag, value);
    } else if (flag == "--variant") {
      cfg.variant = value;
    } else if (flag == "--dir") {
      cfg.dir = value;
    } else if (flag == "--pg-host") {
      cfg.pg_host = value;
    } else if (flag == "--pg-port") {
      cfg.pg_port = value;
    } else if (flag == "--pg-db") {
      cfg.pg_db = value;
    } else {
      usage("unknown option " + std::string(flag));
    }
  }
  if (!have_op || cfg.n == 0) usage("--op and --n are required");
  if (cfg.where == backend::file && cfg.dir.empty()) usage("--backend file needs --dir");
  if (cfg.where == backend::postgres && (cfg.pg_host.empty() || cfg.pg_port.empty()))
    usage("--backend postgres needs --pg-host and --pg-port");
  if (cfg.rows == 0) cfg.rows = cfg.n;
  return cfg;
}

User make_user(std::size_t i) {
  User u;
  const std::string tag = std::to_string(i);
  u.name = "user " + tag;
  u.email = "user" + tag + "@example.com";
  u.age = static_cast<std::int32_t>(18 + (i * 7) % 60);
  u.score = static_cast<double>((i * 7919) % 10000) / 10000.0;
  char created[32];
  std::snprintf(created, sizeof created, "2024-%02zu-%02zu %02zu:%02zu:%02zu", 1 + i % 12,
                1 + i % 28, i % 24, i % 60, (i / 60) % 60);
  u.created = created;
  return u;
}

Post make_post(std::int64_t user_id, std::size_t j) {
  Post p;
  p.user_id = user_id;
  p.title = "post " + std::to_string(j) + " of user " + std::to_string(user_id);
  p.body = "A short body of text that stands for the content of a post, about a hundred "
           "characters long.";
  return p;
}

std::vector<Post> make_graph_posts(std::size_t users, std::size_t per_user) {
  std::vector<Post> posts;
  posts.reserve(users * per_user);
  for (std::size_t i = 1; i <= users; ++i)
    for (std::size_t j = 0; j < per_user; ++j)
      posts.push_back(make_post(static_cast<std::int64_t>(i), j));
  return posts;
}

std::vector<User> make_users(std::size_t count) {
  std::vector<User> users;
  users.reserve(count);
  for (std::size_t i = 1; i <= count; ++i) users.push_back(make_user(i));
  return users;
}

std::vector<User> make_updated_users(std::size_t count) {
  std::vector<User> users = make_users(count);
  for (std::size_t i = 0; i < count; ++i) {
    users[i].id = static_cast<std::int64_t>(i + 1);
    users[i].age += 1;
    users[i].score = 1.0 - users[i].score;
  }
  return users;
}

std::int64_t key_at(std::size_t k, std::size_t rows) {
  // 7919 is prime; with rows not a multiple of it, k -> k*7919 mod rows is a permutation.
  std::size_t stride = 7919;
  while (rows % stride == 0) stride += 2;
  return static_cast<std::int64_t>((k % rows) * stride % rows) + 1;
}

o9_params o9_at(std::size_t k) {
  return {static_cast<std::int32_t>(20 + k % 40), 0.3 + static_cast<double>(k % 50) / 100.0};
}

measurement measure(const std::function<void()>& body) {
  measurement m;
  const int counter = open_instruction_counter();
  if (counter >= 0) {
    ioctl(counter, PERF_EVENT_IOC_RESET, 0);
    ioctl(counter, PERF_EVENT_IOC_ENABLE, 0);
  }
#if defined(BENCH_HAVE_CALLGRIND)
  CALLGRIND_ZERO_STATS;
  CALLGRIND_TOGGLE_COLLECT;
#endif
  const auto start = std::chrono::steady_clock::now();
  body();
  const auto stop = std::chrono::steady_clock::now();
#if defined(BENCH_HAVE_CALLGRIND)
  CALLGRIND_TOGGLE_COLLECT;
#endif
  if (counter >= 0) {
    ioctl(counter, PERF_EVENT_IOC_DISABLE, 0);
    std::uint64_t count = 0;
    if (read(counter, &count, sizeof count) == static_cast<ssize_t>(sizeof count))
      m.instructions = count;
    close(counter);
  }
  m.seconds = std::chrono::duration<double>(stop - start).count();
  return m;
}

void add_post(checksum& c, const Post& p) {
  c.add_unordered(static_cast<std::uint64_t>(p.id) + p.title.size() + p.body.size());
}

std::string users_with_posts_check(const std::vector<UserWithPosts>& result) {
  checksum sum;
  for (const UserWithPosts& up : result) {
    add_user(sum, up.user);
    for (const Post& p : up.posts) add_post(sum, p);
  }
  return sum.str();
}

std::string checksum::str() const { return std::to_string(count) + ":" + std::to_string(sum); }

void add_user(checksum& c, const User& u) {
  std::uint64_t h = fnv(u.name);
  h = fnv(u.email, h);
  h = fnv(u.created, h);
  h ^= static_cast<std::uint64_t>(u.id) * 0x9E3779B97F4A7C15ull;
  h += static_cast<std::uint64_t>(u.age) * 31u;
  h += static_cast<std::uint64_t>(std::llround(u.score * 1e6));
  ++c.count;
  c.add_unordered(h);
}

void report(const config& cfg, std::string_view system, const measurement& m,
            const std::string& check) {
  // VmHWM, not getrusage's ru_maxrss: the latter keeps the high-water mark of the process that
  // forked this one (the harness) across exec.
  long peak_kib = -1;
  if (std::FILE* status = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, status) != nullptr)
      if (std::sscanf(line, "VmHWM: %ld kB", &peak_kib) == 1) break;
    std::fclose(status);
  }
  std::string instructions = m.instructions ? std::to_string(*m.instructions) : "null";
  std::printf(
      "{\"system\":\"%.*s\",\"variant\":\"%s\",\"backend\":\"%s\",\"op\":\"%s\",\"n\":%zu,"
      "\"rows\":%zu,\"seconds\":%.9f,\"instructions\":%s,\"maxrss_kib\":%ld,\"check\":\"%s\"}\n",
      static_cast<int>(system.size()), system.data(), cfg.variant.c_str(),
      cfg.backend_name().c_str(), cfg.op_name().c_str(), cfg.n, cfg.rows, m.seconds,
      instructions.c_str(), peak_kib, check.c_str());
  std::fflush(stdout);
}

void fail(std::string_view what) {
  std::fprintf(stderr, "bench: %.*s\n", static_cast<int>(what.size()), what.data());
  std::exit(1);
}

void unsupported(std::string_view what) {
  std::fprintf(stderr, "bench: not supported: %.*s\n", static_cast<int>(what.size()), what.data());
  std::exit(exit_unsupported);
}

}  // namespace bench
