// What a row with a timestamp, a UUID and a JSON column costs to write and to read through
// tabula, beside the sqlite3 C API doing the same conversions by hand (the timestamp as
// 'YYYY-MM-DD HH:MM:SS.ffffff' text, the UUID as a 16-byte blob, the JSON dumped and parsed by
// nlohmann/json), on an in-memory SQLite database.
//
//   typed_columns_cost [rows]               wall time, best of 3 interleaved rounds (default 20000)
//   typed_columns_cost <rows> tabula|sqlite3  one run of that side only, e.g. under
//     `valgrind --tool=callgrind --toggle-collect='*_loop*'` for instruction counts

#include <sqlite3.h>
#include <tabula/sqlite.hpp>
#include <tabula/tabula.hpp>
#include <tabula/types/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace std::chrono;

struct event_row {
  std::int64_t id = 0;
  sys_time<microseconds> created_at;
  tabula::uuid key;
  nlohmann::json params;
};

using clock_type = steady_clock;

std::vector<event_row> make_rows(int n) {
  std::vector<event_row> rows;
  rows.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    rows.push_back({0, sys_days(year{2024} / 3 / 1) + microseconds(std::int64_t{i} * 1'234'567),
                    tabula::uuid::v7(), nlohmann::json{{"lr", 0.001 * (i % 10)}, {"batch", i % 256}}});
  }
  return rows;
}

// ---- tabula: insert every row (one statement each, one transaction), then read them all.

std::int64_t tabula_loop(tabula::connection& conn, std::vector<event_row>& rows) {
  {
    auto tx = conn.begin();
    for (auto& r : rows) {
      r.id = 0;
      conn.insert(r);
    }
    tx.commit();
  }
  const auto back = conn.query<event_row>().all();
  std::int64_t check = 0;
  for (const auto& r : back) check += r.params["batch"].get<std::int64_t>() + r.key.bytes()[15];
  conn.delete_from<event_row>().all_rows().execute();
  return check;
}

// ---- the same by hand

// Writes `v` as exactly `width` decimal digits.
char* put_digits(char* out, long long v, int width) {
  for (int i = width - 1; i >= 0; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
  return out + width;
}

void format_timestamp(sys_time<microseconds> t, char* out) {  // 26 characters
  const auto day = floor<days>(t);
  const year_month_day ymd(day);
  const auto us = (t - day).count();
  const auto s = us / 1'000'000;
  out = put_digits(out, static_cast<int>(ymd.year()), 4);
  *out++ = '-';
  out = put_digits(out, static_cast<unsigned>(ymd.month()), 2);
  *out++ = '-';
  out = put_digits(out, static_cast<unsigned>(ymd.day()), 2);
  *out++ = ' ';
  out = put_digits(out, s / 3600, 2);
  *out++ = ':';
  out = put_digits(out, s / 60 % 60, 2);
  *out++ = ':';
  out = put_digits(out, s % 60, 2);
  *out++ = '.';
  put_digits(out, us % 1'000'000, 6);
}

sys_time<microseconds> parse_timestamp(const char* p) {
  const auto num = [&](int from, int len) {
    long long v = 0;
    for (int i = from; i < from + len; ++i) v = v * 10 + (p[i] - '0');
    return v;
  };
  const year_month_day ymd{year{static_cast<int>(num(0, 4))},
                           month{static_cast<unsigned>(num(5, 2))},
                           day{static_cast<unsigned>(num(8, 2))}};
  return sys_days(ymd) + hours(num(11, 2)) + minutes(num(14, 2)) + seconds(num(17, 2)) +
         microseconds(num(20, 6));
}

std::int64_t raw_loop(sqlite3* db, std::vector<event_row>& rows) {
  sqlite3_stmt* ins = nullptr;
  sqlite3_stmt* sel = nullptr;
  sqlite3_stmt* del = nullptr;
  if (sqlite3_prepare_v2(db,
                         R"(INSERT INTO "event_row" ("created_at", "key", "params") VALUES (?1, ?2, ?3))",
                         -1, &ins, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, R"(SELECT "id", "created_at", "key", "params" FROM "event_row")", -1,
                         &sel, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, R"(DELETE FROM "event_row")", -1, &del, nullptr) != SQLITE_OK) {
    std::abort();
  }
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  for (auto& r : rows) {
    char ts[32];
    format_timestamp(r.created_at, ts);
    const std::string params = r.params.dump();
    sqlite3_bind_text(ins, 1, ts, 26, SQLITE_TRANSIENT);
    sqlite3_bind_blob(ins, 2, r.key.bytes().data(), 16, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, params.data(), static_cast<int>(params.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(ins) != SQLITE_DONE) std::abort();
    sqlite3_reset(ins);
    r.id = sqlite3_last_insert_rowid(db);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  std::vector<event_row> back;
  while (sqlite3_step(sel) == SQLITE_ROW) {
    event_row& r = back.emplace_back();
    r.id = sqlite3_column_int64(sel, 0);
    r.created_at = parse_timestamp(reinterpret_cast<const char*>(sqlite3_column_text(sel, 1)));
    tabula::uuid::bytes_type b;
    std::memcpy(b.data(), sqlite3_column_blob(sel, 2), 16);
    r.key = tabula::uuid(b);
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(sel, 3));
    r.params = nlohmann::json::parse(text, text + sqlite3_column_bytes(sel, 3));
  }
  sqlite3_reset(sel);
  std::int64_t check = 0;
  for (const auto& r : back) check += r.params["batch"].get<std::int64_t>() + r.key.bytes()[15];
  if (sqlite3_step(del) != SQLITE_DONE) std::abort();
  sqlite3_finalize(ins);
  sqlite3_finalize(sel);
  sqlite3_finalize(del);
  return check;
}

template <class F>
double ns_per_row(int n, std::int64_t expected, F&& f) {
  const auto start = clock_type::now();
  if (f() != expected) std::abort();  // both sides read back the same rows
  return duration<double, std::nano>(clock_type::now() - start).count() / n;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 20000;
  tabula::engine db("sqlite://:memory:");
  auto conn = db.connect();
  db.create_all<event_row>();
  // The raw side: an in-memory database of its own with the table tabula creates.
  sqlite3* raw = nullptr;
  if (sqlite3_open(":memory:", &raw) != SQLITE_OK) std::abort();
  if (sqlite3_exec(raw,
                   R"(CREATE TABLE "event_row" ("id" INTEGER PRIMARY KEY, "created_at" TEXT NOT NULL, )"
                   R"("key" BLOB NOT NULL, "params" TEXT NOT NULL, CONSTRAINT "ck_event_row_params_json" )"
                   R"(CHECK (json_valid("params"))))",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::abort();
  }
  auto rows = make_rows(n);
  std::int64_t expected = 0;
  for (const auto& r : rows) expected += r.params["batch"].get<std::int64_t>() + r.key.bytes()[15];

  if (argc > 2) {
    const std::string side = argv[2];
    const auto check = side == "tabula" ? tabula_loop(conn, rows) : raw_loop(raw, rows);
    std::printf("%s: %s\n", side.c_str(), check == expected ? "ok" : "MISMATCH");
    sqlite3_close(raw);
    return check == expected ? 0 : 1;
  }
  tabula_loop(conn, rows);  // warm up: SQL and statement caches, allocator
  raw_loop(raw, rows);
  double best_tabula = 1e300;
  double best_raw = 1e300;
  for (int round = 0; round < 3; ++round) {
    best_tabula = std::min(best_tabula, ns_per_row(n, expected, [&] { return tabula_loop(conn, rows); }));
    best_raw = std::min(best_raw, ns_per_row(n, expected, [&] { return raw_loop(raw, rows); }));
  }
  std::printf("rows: %d written and read back (best of 3 rounds)\n", n);
  std::printf("tabula: %.0f ns per row\n", best_tabula);
  std::printf("sqlite3: %.0f ns per row\n", best_raw);
  std::printf("ratio: %.2f\n", best_tabula / best_raw);
  sqlite3_close(raw);
}
