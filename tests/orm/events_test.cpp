// Events: the engine's statement hook (SQL, values, duration, rows, errors; transaction
// statements included), echo as its user, model hooks declared in schema<T>, and session
// listeners.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "support/test_backend.hpp"
#include <tabula/tabula.hpp>

using tabula::col;

namespace {

struct note;

struct board {
  std::int64_t id = 0;
  std::string name{};
  std::int64_t created = 0;  ///< stamped by a hook: the write's sequence number
  std::int64_t updated = 0;
  tabula::many<note> notes{};
};

struct note {
  std::int64_t id = 0;
  std::int64_t board_id = 0;
  std::string text{};
  std::int64_t created = 0;
  std::int64_t updated = 0;
};

/// What the hooks saw, in order: "before_insert board b1".
std::vector<std::string>& audit() {
  static std::vector<std::string> lines;
  return lines;
}
std::int64_t next_stamp() {
  static std::int64_t n = 0;
  return ++n;
}

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

std::string p(int n) { return (db().backend() == "postgresql" ? "$" : "?") + std::to_string(n); }

}  // namespace

template <>
struct tabula::schema<board> {
  static constexpr auto table = "boards";
  static void before_insert(board& b) {
    b.created = next_stamp();
    audit().push_back("before_insert board " + b.name);
  }
  static void after_insert(board& b) {
    audit().push_back("after_insert board " + b.name + " id " + std::to_string(b.id != 0));
  }
  static void before_update(board& b) {
    b.updated = next_stamp();
    audit().push_back("before_update board " + b.name);
  }
  static void before_delete(board& b) { audit().push_back("before_delete board " + b.name); }
  static void after_delete(board& b) { audit().push_back("after_delete board " + b.name); }
  static void after_load(board& b) { audit().push_back("after_load board " + b.name); }
};
template <>
struct tabula::schema<note> {
  static constexpr auto table = "notes";
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&note::board_id, &board::id).on_delete_cascade());
  static void before_insert(note& n) {
    n.created = next_stamp();
    // The foreign key is set before the hook runs: the board was inserted first.
    audit().push_back("before_insert note " + n.text + " board " + std::to_string(n.board_id != 0));
  }
  static void before_update(note& n) {
    if (n.text == "refuse") throw std::runtime_error("refused by hook");
    n.updated = next_stamp();
    audit().push_back("before_update note " + n.text);
  }
};

namespace {
void fresh_schema() {
  db().drop_all<board, note>();
  db().create_all<board, note>();
  audit().clear();
}

/// Records every statement event while alive.
struct recorder {
  struct entry {
    std::string sql;
    std::vector<std::string> parameters;
    std::int64_t rows;
    bool failed;
    std::string code;
    std::chrono::nanoseconds duration;
  };
  std::vector<entry> events;
  explicit recorder(tabula::statement_hook_options options = {}) {
    db().set_statement_hook(
        [this](const tabula::statement_event& e) {
          events.push_back({std::string(e.sql),
                            {e.parameters.begin(), e.parameters.end()},
                            e.rows,
                            e.failure != nullptr,
                            e.failure != nullptr ? e.failure->code() : std::string(),
                            e.duration});
        },
        options);
  }
  ~recorder() { db().set_statement_hook({}); }
  [[nodiscard]] std::vector<std::string> sql() const {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.sql);
    return out;
  }
};
}  // namespace

TEST_CASE("statement hook: the exact statements of a commit, with values and rows") {
  fresh_schema();
  tabula::session s(db());
  board& kept = s.add(board{.name = "kept"});
  board& gone = s.add(board{.name = "gone"});
  s.commit();

  recorder rec;
  s.add(board{.name = "new"});
  kept.name = "changed";
  s.remove(gone);
  s.commit();
  const bool pg = db().backend() == "postgresql";
  const std::string begin = pg ? "BEGIN" : "BEGIN IMMEDIATE";
  const std::string insert =
      "INSERT INTO \"boards\" (\"name\", \"created\", \"updated\") VALUES (" + p(1) + ", " + p(2) +
      ", " + p(3) + ")" + (pg ? " RETURNING \"id\"" : "");
  const std::string update = "UPDATE \"boards\" SET \"name\" = " + p(1) + ", \"updated\" = " +
                             p(2) + " WHERE \"boards\".\"id\" = " + p(3);
  const std::string remove = "DELETE FROM \"boards\" WHERE \"boards\".\"id\" = " + p(1);
  CHECK(rec.sql() == std::vector<std::string>{begin, insert, update, remove, "COMMIT"});
  REQUIRE(rec.events.size() == 5);
  CHECK(rec.events[1].parameters.size() == 3);
  CHECK(rec.events[1].parameters[0] == "'new'");
  CHECK(rec.events[1].rows == 1);
  CHECK(rec.events[2].parameters ==
        std::vector<std::string>{"'changed'", std::to_string(kept.updated), std::to_string(kept.id)});
  CHECK(rec.events[2].rows == 1);
  CHECK(rec.events[3].rows == 1);
  CHECK(std::none_of(rec.events.begin(), rec.events.end(), [](const auto& e) { return e.failed; }));
  CHECK(std::all_of(rec.events.begin(), rec.events.end(),
                    [](const auto& e) { return e.duration.count() >= 0; }));

  // Savepoints and a rolled-back scope.
  rec.events.clear();
  {
    auto tx = s.begin();
    auto sp = s.begin_nested();
    sp.rollback();
  }
  CHECK(rec.sql() == std::vector<std::string>{begin, "SAVEPOINT \"tabula_sp_1\"",
                                              "ROLLBACK TO SAVEPOINT \"tabula_sp_1\"",
                                              "RELEASE SAVEPOINT \"tabula_sp_1\"", "COMMIT"});
}

TEST_CASE("statement hook: redacted values, errors, and echo with values and timings") {
  fresh_schema();
  {
    recorder rec({.redact_parameters = true});
    board b{.name = "secret"};
    db().insert(b);
    REQUIRE_FALSE(rec.events.empty());
    CHECK(rec.events.back().parameters == std::vector<std::string>{"?", "?", "?"});

    rec.events.clear();
    CHECK_THROWS_AS(db().execute("SELECT * FROM no_such_table"), tabula::programming_error);
    REQUIRE(rec.events.size() == 1);
    CHECK(rec.events[0].failed);
    CHECK_FALSE(rec.events[0].code.empty());
  }
  std::vector<std::string> lines;
  db().set_echo([&](std::string_view line) { lines.emplace_back(line); },
                {.parameters = true, .timings = true, .transactions = true});
  {
    tabula::session s(db());
    s.add(board{.name = "echoed"});
    s.commit();
  }
  db().set_echo({});
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].rfind("BEGIN", 0) == 0);
  CHECK_THAT(lines[1], Catch::Contains("-- ['echoed', "));
  CHECK_THAT(lines[1], Catch::Contains(" ms, 1 row"));
  CHECK(lines[2].rfind("COMMIT -- ", 0) == 0);
  // Plain echo: the statements' text, as before.
  lines.clear();
  db().set_echo([&](std::string_view line) { lines.emplace_back(line); });
  (void)db().all<board>();
  db().set_echo({});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("SELECT ", 0) == 0);
  CHECK(lines[0].find(" -- ") == std::string::npos);
}

TEST_CASE("model hooks stamp writes, in order, along relationship cascades") {
  fresh_schema();
  tabula::session s(db());
  board b{.name = "b1"};
  b.notes.add(note{.text = "n1"});
  b.notes.add(note{.text = "n2"});
  board& bb = s.add(std::move(b));
  s.commit();
  CHECK(audit() == std::vector<std::string>{"before_insert board b1", "after_insert board b1 id 1",
                                            "before_insert note n1 board 1",
                                            "before_insert note n2 board 1"});
  // The stamps are in the rows.
  const auto stored = db().get<board>(bb.id);
  REQUIRE(stored.has_value());
  CHECK(stored->created == bb.created);
  CHECK(stored->created != 0);
  const auto notes = db().query<note>().order_by(&note::id).all();
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].created > stored->created);
  CHECK(notes[1].created > notes[0].created);

  audit().clear();
  bb.name = "b1 renamed";
  s.commit();
  CHECK(audit() == std::vector<std::string>{"before_update board b1 renamed"});
  CHECK(db().get<board>(bb.id)->updated == bb.updated);
  CHECK(bb.updated != 0);

  // after_load runs for objects the session reads.
  audit().clear();
  tabula::session other(db());
  board* loaded = other.get<board>(bb.id);
  REQUIRE(loaded != nullptr);
  CHECK(audit() == std::vector<std::string>{"after_load board b1 renamed"});

  // A hook that throws fails the flush, which is undone.
  audit().clear();
  note* n = other.query<note>().where(col(&note::text) == "n1").first();
  REQUIRE(n != nullptr);
  n->text = "refuse";
  CHECK_THROWS_AS(other.commit(), std::runtime_error);
  CHECK_FALSE(other.in_transaction());
  CHECK(db().query<note>().where(col(&note::text) == "refuse").all().empty());
  n->text = "n1 again";
  other.commit();
  CHECK(db().query<note>().where(col(&note::text) == "n1 again").all().size() == 1);

  // Deletes, with the database's cascade to the notes followed in memory.
  audit().clear();
  other.remove(*loaded);
  other.commit();
  CHECK(audit() == std::vector<std::string>{"before_delete board b1 renamed",
                                            "after_delete board b1 renamed"});
  CHECK(db().all<note>().empty());
}

TEST_CASE("session listeners: before and after flush, after commit and rollback") {
  fresh_schema();
  tabula::session s(db());
  std::vector<std::string> seen;
  s.on(tabula::session_event::before_flush, [&](tabula::session& ss) {
    seen.emplace_back("before_flush");
    // A listener may add objects: they are written by this flush.
    if (seen.size() == 1) ss.add(board{.name = "added by listener"});
  });
  s.on(tabula::session_event::after_flush, [&](tabula::session&) { seen.emplace_back("after_flush"); });
  s.on(tabula::session_event::after_commit,
       [&](tabula::session&) { seen.emplace_back("after_commit"); });
  s.on(tabula::session_event::after_rollback,
       [&](tabula::session&) { seen.emplace_back("after_rollback"); });
  s.add(board{.name = "first"});
  s.commit();
  CHECK(seen == std::vector<std::string>{"before_flush", "after_flush", "after_commit"});
  CHECK(db().all<board>().size() == 2);
  seen.clear();
  s.commit();  // nothing to write: no flush events
  CHECK(seen == std::vector<std::string>{"after_commit"});
  seen.clear();
  s.add(board{.name = "rolled back"});
  s.flush();
  s.rollback();
  CHECK(seen == std::vector<std::string>{"before_flush", "after_flush", "after_rollback"});
}

TEST_CASE("a rolled-back savepoint restores a collection changed inside it") {
  fresh_schema();
  tabula::session s(db());
  board b{.name = "b"};
  b.notes.add(note{.text = "kept"});
  board& bb = s.add(std::move(b));
  s.commit();
  auto tx = s.begin();
  {
    auto sp = s.begin_nested();
    note& extra = bb.notes.add(note{.text = "extra"});
    s.flush();
    CHECK(extra.id != 0);
    CHECK(bb.notes.size() == 2);
    sp.rollback();
    CHECK_FALSE(s.contains(extra));
  }
  CHECK(bb.notes.size() == 1);
  tx.commit();
  CHECK(db().all<note>().size() == 1);
  // The board is unchanged: the next commit writes nothing.
  s.commit();
  CHECK(db().all<note>().size() == 1);
}
