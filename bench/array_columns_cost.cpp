// What rows with a `std::vector<double>` column (a PostgreSQL DOUBLE PRECISION[]) cost to write
// and to read through tabula, in the client: each row inserted by its own statement in one
// transaction, then all read back by one query.
//
//   array_columns_cost <postgresql-url> [rows] [elements]   (defaults: 1000 rows of 100)
//
// The two phases are the functions `write_loop` and `read_loop`, so that
//   valgrind --tool=callgrind --toggle-collect='*write_loop*' build/bench/bench_array_columns_cost
//   URL
// counts the instructions of one of them alone.

#include <tabula/postgres.hpp>
#include <tabula/tabula.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct embedding_row {
  std::int64_t id = 0;
  std::string name;
  std::vector<double> values;
};

std::vector<embedding_row> make_rows(int n, int elements) {
  std::vector<embedding_row> rows;
  rows.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    embedding_row r{0, "row " + std::to_string(i), {}};
    r.values.reserve(static_cast<std::size_t>(elements));
    // Values of full precision, as embeddings and losses are (not short decimals).
    for (int k = 0; k < elements; ++k) r.values.push_back((i + 1) * 0.7310585786300049 / (k + 3));
    rows.push_back(std::move(r));
  }
  return rows;
}

[[gnu::noinline]] void write_loop(tabula::connection& conn, std::vector<embedding_row>& rows) {
  auto tx = conn.begin();
  for (auto& r : rows) {
    r.id = 0;
    conn.insert(r);
  }
  tx.commit();
}

[[gnu::noinline]] std::size_t read_loop(tabula::connection& conn) {
  const auto back = conn.query<embedding_row>().all();
  std::size_t elements = 0;
  for (const auto& r : back) elements += r.values.size();
  return elements;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <postgresql-url> [rows] [elements]\n", argv[0]);
    return 2;
  }
  const int n = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int elements = argc > 3 ? std::atoi(argv[3]) : 100;
  tabula::engine db(argv[1]);
  db.drop_all<embedding_row>();
  db.create_all<embedding_row>();
  auto rows = make_rows(n, elements);
  auto conn = db.connect();
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  write_loop(conn, rows);
  const auto t1 = clock::now();
  const std::size_t read = read_loop(conn);
  const auto t2 = clock::now();
  const auto us = [](auto d) { return std::chrono::duration<double, std::micro>(d).count(); };
  std::printf("%d rows of %d doubles: write %.1f us/row, read %.1f us/row (%zu elements read)\n", n,
              elements, us(t1 - t0) / n, us(t2 - t1) / n, read);
  db.drop_all<embedding_row>();
  return read == static_cast<std::size_t>(n) * static_cast<std::size_t>(elements) ? 0 : 1;
}
