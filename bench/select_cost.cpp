// What one execution of a cached typed select costs, beside the same statement written by hand
// against the sqlite3 C API: `db.query<T>().where(col(&T::id) >= k).limit(10).all()`, 10 rows of
// 5 columns read into structs, on one connection, the SQL compiled once and the statement
// prepared once. Prints nanoseconds per execution of each and their ratio.
//
//   select_cost [executions]         wall time, best of 3 interleaved rounds (default 100000)
//   select_cost <executions> tabula  one run of that side only, e.g. under
//   select_cost <executions> sqlite3   `valgrind --tool=callgrind --toggle-collect='*_loop*'`

#include <sqlite3.h>
#include <tabula/sqlite.hpp>
#include <tabula/tabula.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace {

struct bench_model {
  std::int64_t id = 0;
  std::string name;
  std::string framework;
  std::optional<double> accuracy;
  std::optional<std::int64_t> parent_id;
};

using clock_type = std::chrono::steady_clock;

std::int64_t tabula_loop(tabula::connection& conn, int n) {
  using tabula::col;
  std::int64_t rows = 0;
  for (int i = 0; i < n; ++i) {
    const auto found =
        conn.query<bench_model>().where(col(&bench_model::id) >= std::int64_t{i % 990}).limit(10).all();
    rows += static_cast<std::int64_t>(found.size());
  }
  return rows;
}

std::int64_t raw_loop(sqlite3* db, int n) {
  sqlite3_stmt* st = nullptr;
  const char* sql =
      R"(SELECT "id", "name", "framework", "accuracy", "parent_id" FROM "bench_model" WHERE "id" >= ?1 LIMIT ?2)";
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) std::abort();
  std::int64_t rows = 0;
  for (int i = 0; i < n; ++i) {
    std::vector<bench_model> found;
    sqlite3_bind_int64(st, 1, i % 990);
    sqlite3_bind_int64(st, 2, 10);
    while (sqlite3_step(st) == SQLITE_ROW) {
      bench_model& m = found.emplace_back();
      m.id = sqlite3_column_int64(st, 0);
      m.name.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)),
                    static_cast<std::size_t>(sqlite3_column_bytes(st, 1)));
      m.framework.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 2)),
                         static_cast<std::size_t>(sqlite3_column_bytes(st, 2)));
      if (sqlite3_column_type(st, 3) != SQLITE_NULL) m.accuracy = sqlite3_column_double(st, 3);
      if (sqlite3_column_type(st, 4) != SQLITE_NULL) m.parent_id = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    rows += static_cast<std::int64_t>(found.size());
  }
  sqlite3_finalize(st);
  return rows;
}

template <class F>
double ns_per_call(int n, F&& f) {
  const auto start = clock_type::now();
  const std::int64_t rows = f();
  const auto ns = std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
  if (rows != std::int64_t{10} * n) std::abort();  // every execution read its 10 rows
  return ns / n;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  const auto path = std::filesystem::temp_directory_path() / "tabula-select-cost.db";
  std::filesystem::remove(path);
  tabula::engine db("sqlite:///" + path.string());
  db.create_all<bench_model>();
  {
    auto conn = db.connect();
    auto tx = conn.begin();
    for (int i = 0; i < 1000; ++i) {
      bench_model m{0, "model " + std::to_string(i), i % 2 ? "pytorch" : "jax", 0.5, std::nullopt};
      conn.insert(m);
    }
    tx.commit();
  }
  auto conn = db.connect();
  sqlite3* raw = nullptr;
  if (sqlite3_open(path.c_str(), &raw) != SQLITE_OK) std::abort();

  if (argc > 2) {
    const std::string side = argv[2];
    const std::int64_t rows = side == "tabula" ? tabula_loop(conn, n) : raw_loop(raw, n);
    std::printf("%s: %lld rows\n", side.c_str(), static_cast<long long>(rows));
    sqlite3_close(raw);
    std::filesystem::remove(path);
    return 0;
  }
  // Warm up both (page cache, tabula's SQL and statement caches), then alternate the runs.
  tabula_loop(conn, 1000);
  raw_loop(raw, 1000);
  double best_tabula = 1e300;
  double best_raw = 1e300;
  for (int round = 0; round < 3; ++round) {
    best_tabula = std::min(best_tabula, ns_per_call(n, [&] { return tabula_loop(conn, n); }));
    best_raw = std::min(best_raw, ns_per_call(n, [&] { return raw_loop(raw, n); }));
  }
  std::printf("executions: %d (best of 3 rounds)\n", n);
  std::printf("tabula: %.0f ns per execution\n", best_tabula);
  std::printf("sqlite3: %.0f ns per execution\n", best_raw);
  std::printf("ratio: %.2f\n", best_tabula / best_raw);
  sqlite3_close(raw);
  std::filesystem::remove(path);
}
