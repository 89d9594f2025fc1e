#pragma once
/// \file bench.hpp
/// What every benchmark driver shares: the two models, the deterministic data they are filled
/// with, the command line, the timed region (wall clock plus, where the machine offers it, a
/// user-space instruction counter and callgrind's collection toggle) and the one JSON line a
/// driver prints for the harness (bench/run.py).
///
/// A driver is one process per (system, backend, operation, repetition): it builds its schema,
/// fills what the operation needs (untimed), runs the operation once inside `measure`, then
/// computes a check value from the database so the harness can prove that every system did the
/// same work.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bench {

/// The `users` table.
struct User {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  std::int32_t age = 0;
  double score = 0;
  std::string created;
};

/// The `posts` table; `user_id` references `users.id` and is indexed.
struct Post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::string body;
};

/// A user with the posts that reference it, as operation O8 materializes it.
struct UserWithPosts {
  User user;
  std::vector<Post> posts;
};

/// O10/O11's result, grouped by hand: the user of each post found through a hash map.
struct grouping {
  std::vector<UserWithPosts> result;
  std::unordered_map<std::int64_t, std::size_t> at;
  UserWithPosts& owner(std::int64_t id) {
    const auto [it, fresh] = at.try_emplace(id, result.size());
    if (fresh) result.emplace_back();
    return result[it->second];
  }
};

/// The operations of the benchmark (see docs/performance.md for what each one does). O13 and
/// O14 are O2 and O5 on the `events` table of typed columns (common/typed_rows.hpp).
enum class op { o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14 };

/// Where the data lives.
enum class backend { memory, file, postgres };

/// Parsed command line of a driver.
struct config {
  op operation = op::o1;
  backend where = backend::memory;
  std::size_t n = 0;        ///< how many times the operation's unit is done
  std::size_t rows = 0;     ///< how many users the table holds before a read/update/delete op
  std::size_t posts_per_user = 10;  ///< O8, O10-O12 only
  std::string variant;      ///< a driver's alternative implementation (e.g. "copy")
  std::string dir;          ///< folder for the SQLite file
  std::string pg_host;      ///< unix socket folder of the PostgreSQL server
  std::string pg_port;
  std::string pg_db = "postgres";
  std::string pg_user = "postgres";

  [[nodiscard]] std::string sqlite_path() const;  ///< ":memory:" or `<dir>/bench.db`
  [[nodiscard]] std::string pg_conninfo() const;  ///< libpq key=value form
  [[nodiscard]] std::string op_name() const;
  [[nodiscard]] std::string backend_name() const;
};

/// Parses `--op O4 --backend memory|file|postgres --n N --rows M [--posts-per-user P]
/// [--variant V] [--dir D] [--pg-host H --pg-port P]`; exits with a message on bad input.
[[nodiscard]] config parse_args(int argc, char** argv);

/// The i-th user (1-based, id left 0): all fields derived from i so every system inserts the
/// same bytes.
[[nodiscard]] User make_user(std::size_t i);
/// The j-th post (0-based) of user `user_id`.
[[nodiscard]] Post make_post(std::int64_t user_id, std::size_t j);
/// O12's posts: `per_user` posts of each of users 1..users, in that order (their user_id is
/// the user's position until the user's key is known).
[[nodiscard]] std::vector<Post> make_graph_posts(std::size_t users, std::size_t per_user);
/// Users 1..count, ids left 0.
[[nodiscard]] std::vector<User> make_users(std::size_t count);
/// The same users with ids 1..count, as stored after a fill; their age and score changed the
/// way O6 changes them.
[[nodiscard]] std::vector<User> make_updated_users(std::size_t count);

/// The primary key looked up, updated or deleted at step k of an operation over `rows` rows:
/// a permutation of 1..rows, so the access pattern is not sequential.
[[nodiscard]] std::int64_t key_at(std::size_t k, std::size_t rows);

/// The filter parameters of the k-th O9 query: `age > min_age AND score < max_score`.
struct o9_params {
  std::int32_t min_age;
  double max_score;
};
[[nodiscard]] o9_params o9_at(std::size_t k);

/// The SQL every system runs for O9, in both placeholder styles (the ORM builds its own).
inline constexpr std::string_view o9_columns = "id, name, email, age, score, created";

/// Tables every hand-written driver creates (tabula creates its own from the models).
[[nodiscard]] std::string_view schema_sql(backend where);
inline constexpr std::string_view drop_sql = "DROP TABLE IF EXISTS posts; DROP TABLE IF EXISTS users";

/// The query whose result becomes the `check` field after a write operation: row count, sum of
/// ages, total text length. Text protocol on every system, so all print the same digits.
inline constexpr const char* check_sql =
    "SELECT count(*), coalesce(sum(age), 0), "
    "coalesce(sum(length(name) + length(email) + length(created)), 0) FROM users";

/// The check of a graph write (O12): posts, their owners weighted by the title (which names
/// the user's position, its key in a fresh table: a post under the wrong user changes the
/// sum), distinct owners.
inline constexpr const char* graph_check_sql =
    "SELECT count(*), coalesce(sum(user_id * length(title)), 0), count(DISTINCT user_id) "
    "FROM posts";

/// The user ids of one selectin step of O10: a `WHERE user_id IN (...)` lists at most this
/// many, as the ORM's relationship loading does on both databases.
inline constexpr std::size_t in_chunk = 5000;

/// Measured cost of one timed region.
struct measurement {
  double seconds = 0;
  std::optional<std::uint64_t> instructions;  ///< user-space, from perf_event_open when allowed
};

/// Runs `body` once as the timed region: wall clock with steady_clock; an `instructions:u`
/// counter when the kernel lets the process open one; callgrind collection toggled on around
/// it (a no-op unless the process runs under `valgrind --tool=callgrind --collect-atstart=no`).
measurement measure(const std::function<void()>& body);

/// A tally printed as the `check` field: every system running the same case must print the
/// same text, or the harness refuses the results.
struct checksum {
  std::uint64_t count = 0;
  std::uint64_t sum = 0;
  void add(std::uint64_t v) { sum = sum * 1000003u + v; }
  void add_unordered(std::uint64_t v) { sum += v; }
  [[nodiscard]] std::string str() const;
};

/// Checksum of a user's fields that O4, O5 and O9 read; order-insensitive.
void add_user(checksum& c, const User& u);
/// Checksum of a post read with its user (O8, O10, O11); order-insensitive.
void add_post(checksum& c, const Post& p);
/// The check of O8, O10 and O11: every user and every post, in any order.
[[nodiscard]] std::string users_with_posts_check(const std::vector<UserWithPosts>& result);

/// Prints the result line: {"system":..,"variant":..,"backend":..,"op":..,"n":..,"rows":..,
/// "seconds":..,"instructions":..,"maxrss_kib":..,"check":..}.
void report(const config& cfg, std::string_view system, const measurement& m,
            const std::string& check);

/// Exits with a message naming the system when a driver cannot do what it was asked.
[[noreturn]] void fail(std::string_view what);

/// Exit code the harness reads as "this system does not implement this operation".
inline constexpr int exit_unsupported = 3;
[[noreturn]] void unsupported(std::string_view what);

}  // namespace bench
