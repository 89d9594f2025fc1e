// Column defaults and generated values: client defaults (a value, a function), server
// defaults (a literal, SQL) read back into the struct after insert, on-update values, through
// insert, insert_many and a session's flush, one row and many.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/sql_log.hpp"
#include "support/test_backend.hpp"

namespace {

std::int64_t tokens_made = 0;
std::string make_token() { return "tok-" + std::to_string(++tokens_made); }

std::int64_t revisions = 0;
std::int64_t next_revision() { return ++revisions; }

struct job {
  std::int64_t id = 0;
  std::string name{};
  std::string status{};                  // client default: a value
  std::string token{};                   // client default: a function
  std::int64_t priority = 0;           // server default: a literal
  std::string created{};                 // server default: SQL
  std::optional<std::string> queue{};    // server default: a text literal
  std::int64_t revision = 0;           // on update: a function
  std::optional<std::string> touched{};  // on update: SQL
};

}  // namespace

template <>
struct tabula::schema<job> {
  static constexpr auto options = tabula::options(
      tabula::default_value(&job::status, "queued"), tabula::default_value(&job::token, &make_token),
      tabula::server_default(&job::priority, 5),
      tabula::server_default(&job::created, tabula::sql_expr("CURRENT_TIMESTAMP")),
      tabula::server_default(&job::queue, "main"), tabula::on_update(&job::revision, &next_revision),
      tabula::on_update(&job::touched, tabula::sql_expr("'touched'")));
};

namespace {

/// The per-dialect spellings of docs/models.md.
struct stamp {
  std::int64_t id = 0;
  std::int64_t born = 0;
  tabula::blob salt{};
};

}  // namespace

template <>
struct tabula::schema<stamp> {
  static constexpr auto options = tabula::options(
      tabula::server_default(&stamp::born, tabula::sql_expr("unixepoch()").postgresql(
                                               "extract(epoch from now())::bigint")),
      tabula::server_default(&stamp::salt, tabula::sql_expr("randomblob(16)").postgresql(
                                               "uuid_send(gen_random_uuid())")));
};

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

void fresh_schema() {
  db().drop_all<job>();
  db().create_all<job>();
}

/// Checks that `j` holds what the defaults give and matches its row in the database.
void check_defaulted(const job& j) {
  CHECK(j.id > 0);
  CHECK(j.status == "queued");
  CHECK(j.token.starts_with("tok-"));
  CHECK(j.priority == 5);
  CHECK(j.created.size() >= 19);  // a timestamp as text: 'YYYY-MM-DD HH:MM:SS...'
  CHECK(j.queue == std::optional<std::string>("main"));
  const auto stored = db().get<job>(j.id);
  REQUIRE(stored);
  CHECK(stored->status == j.status);
  CHECK(stored->token == j.token);
  CHECK(stored->priority == j.priority);
  CHECK(stored->created == j.created);
  CHECK(stored->queue == j.queue);
}

/// The statements inserting one job with every default: PostgreSQL reads the generated values
/// back with RETURNING; SQLite with a SELECT by key, cheaper there than RETURNING.
std::vector<std::string> insert_job_sql() {
  if (tabula::test::backend() == "sqlite") {
    return {R"(INSERT INTO "job" ("name", "status", "token", "revision", "touched") )"
            R"(VALUES (?1, ?2, ?3, ?4, ?5))",
            R"(SELECT "job"."priority", "job"."created", "job"."queue" FROM "job" )"
            R"(WHERE "job"."id" = ?1)"};
  }
  return {R"(INSERT INTO "job" ("name", "status", "token", "revision", "touched") )"
          R"(VALUES ($1, $2, $3, $4, $5) RETURNING "id", "priority", "created", "queue")"};
}

}  // namespace

TEST_CASE("insert fills client defaults and reads server defaults back") {
  fresh_schema();
  job j{.name = "train"};
  {
    tabula::test::sql_log log(db());
    db().insert(j);
    CHECK(log.statements == insert_job_sql());
  }
  check_defaulted(j);

  // Values given are inserted as given: no default applies.
  job given{.name = "eval", .status = "held", .token = "mine", .priority = 9,
            .created = "yesterday", .queue = "slow"};
  db().insert(given);
  const auto stored = db().get<job>(given.id);
  REQUIRE(stored);
  CHECK(stored->status == "held");
  CHECK(stored->token == "mine");
  CHECK(stored->priority == 9);
  CHECK(stored->created == "yesterday");
  CHECK(stored->queue == std::optional<std::string>("slow"));
}

TEST_CASE("insert_many fills defaults in batches, rows of each shape together") {
  fresh_schema();
  std::vector<job> rows;
  for (int i = 0; i < 7; ++i) rows.push_back(job{.name = "n" + std::to_string(i)});
  rows[5].priority = 1;  // another shape: the priority is given
  {
    tabula::test::sql_log log(db());
    db().insert_many(rows);
    // One statement per run of rows of one shape (rows 0-4, 5, 6): on PostgreSQL a multi-row
    // INSERT ... RETURNING, on SQLite a single-row INSERT ... RETURNING run once a row.
    CHECK(log.count("INSERT") == 3);
    // SQLite reads the defaults back with a SELECT by key, prepared once a run.
    CHECK(log.count("SELECT") == (tabula::test::backend() == "sqlite" ? 3U : 0U));
  }
  for (const job& j : rows) {
    if (&j == &rows[5]) continue;
    check_defaulted(j);
  }
  CHECK(rows[5].priority == 1);
  CHECK(db().get<job>(rows[5].id)->priority == 1);
  CHECK(rows[5].created.size() >= 19);
  for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i].id > rows[i - 1].id);
  CHECK(db().query<job>().count() == 7);
}

TEST_CASE("insert_many with skip_keys: the database still applies its defaults") {
  fresh_schema();
  const std::vector<job> rows{job{.name = "a"}, job{.name = "b"}};
  {
    tabula::test::sql_log log(db());
    db().insert_many(rows, tabula::skip_keys);
    // Nothing is read back: the rows are const, and the copies given their client values are
    // thrown away.
    CHECK(log.count("SELECT") == 0);
    for (const std::string& sql : log.statements) {
      CHECK(sql.find("RETURNING") == std::string::npos);
    }
  }
  CHECK(rows[0].status.empty());  // const elements are left as they are
  const auto stored = db().query<job>().order_by(tabula::asc(&job::name)).all();
  REQUIRE(stored.size() == 2);
  for (const job& j : stored) {
    CHECK(j.status == "queued");
    CHECK(j.token.starts_with("tok-"));
    CHECK(j.priority == 5);
    CHECK(j.created.size() >= 19);
    CHECK(j.queue == std::optional<std::string>("main"));
  }
}

TEST_CASE("insert of a const object: the row gets the defaults, the object stays") {
  fresh_schema();
  const job c{.name = "const"};
  db().insert(c);
  CHECK(c.status.empty());
  CHECK(c.priority == 0);
  const auto stored = db().query<job>().all();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].status == "queued");
  CHECK(stored[0].token.starts_with("tok-"));
  CHECK(stored[0].priority == 5);
  CHECK(stored[0].queue == std::optional<std::string>("main"));
}

TEST_CASE("update_row sets on-update values, and the object holds them") {
  fresh_schema();
  job j{.name = "train"};
  db().insert(j);
  CHECK(j.revision == 0);
  CHECK_FALSE(j.touched.has_value());
  const std::int64_t before = revisions;
  j.name = "train-2";
  CHECK(db().update_row(j));
  CHECK(j.revision == before + 1);
  CHECK(j.touched == std::optional<std::string>("touched"));
  const auto stored = db().get<job>(j.id);
  REQUIRE(stored);
  CHECK(stored->name == "train-2");
  CHECK(stored->revision == j.revision);
  CHECK(stored->touched == j.touched);

  // A const object: the row gets the values, the object stays as it is.
  const job copy = *stored;
  CHECK(db().update_row(copy));
  CHECK(copy.revision == j.revision);
  CHECK(db().get<job>(j.id)->revision == before + 2);
}

TEST_CASE("a session fills defaults at flush and sets on-update values only on change") {
  fresh_schema();
  auto s = db().session();
  job& one = s.add(job{.name = "one"});
  s.commit();  // a batch of one
  check_defaulted(one);
  job& two = s.add(job{.name = "two"});
  job& three = s.add(job{.name = "three", .priority = 2});
  job& four = s.add(job{.name = "four"});
  {
    tabula::test::sql_log log(db());
    s.commit();  // one batch, in three runs of one shape
    CHECK(log.count("INSERT") == 3);
  }
  check_defaulted(two);
  check_defaulted(four);
  CHECK(three.priority == 2);
  CHECK(three.created.size() >= 19);

  // No change: no UPDATE, the on-update values stay.
  {
    tabula::test::sql_log log(db());
    s.commit();
    CHECK(log.count("UPDATE") == 0);
  }
  CHECK(two.revision == 0);
  CHECK_FALSE(two.touched.has_value());

  // A change: the UPDATE sets them, and the object holds what was written.
  const std::int64_t before = revisions;
  two.name = "two-b";
  {
    tabula::test::sql_log log(db());
    s.commit();
    REQUIRE(log.count("UPDATE") == 1);
    // PostgreSQL: RETURNING; SQLite: a SELECT by key, cheaper there than RETURNING.
    const std::vector<std::string> expected =
        tabula::test::backend() == "sqlite"
            ? std::vector<std::string>{
                  R"(UPDATE "job" SET "name" = ?1, "revision" = ?2, "touched" = 'touched' )"
                  R"(WHERE "job"."id" = ?3)",
                  R"(SELECT "job"."touched" FROM "job" WHERE "job"."id" = ?1)"}
            : std::vector<std::string>{
                  R"(UPDATE "job" SET "name" = $1, "revision" = $2, "touched" = 'touched' )"
                  R"(WHERE "job"."id" = $3 RETURNING "touched")"};
    CHECK(std::vector<std::string>(log.statements.end() - static_cast<std::ptrdiff_t>(
                                                             expected.size()),
                                   log.statements.end()) == expected);
  }
  CHECK(two.revision == before + 1);
  CHECK(two.touched == std::optional<std::string>("touched"));
  CHECK(db().get<job>(two.id)->revision == before + 1);
  CHECK(db().get<job>(two.id)->touched == two.touched);
  CHECK(db().get<job>(three.id)->revision == 0);
  {
    tabula::test::sql_log log(db());
    s.commit();  // what the UPDATE wrote is no change
    CHECK(log.count("UPDATE") == 0);
  }
}

TEST_CASE("a failed flush empties the server-default fields it read back") {
  fresh_schema();
  auto s = db().session();
  job& ok = s.add(job{.name = "ok"});
  s.add(job{.id = 77, .name = "dup"});
  s.commit();
  CHECK(ok.priority == 5);
  job& fresh = s.add(job{.name = "fresh"});
  job& clash = s.add(job{.id = 77, .name = "clash"});  // the key is taken: the flush fails
  CHECK_THROWS_AS(s.commit(), tabula::unique_violation);
  CHECK(fresh.id == 0);
  CHECK(fresh.priority == 0);
  CHECK(fresh.created.empty());
  CHECK_FALSE(fresh.queue.has_value());
  clash.id = 1000;
  s.commit();
  check_defaulted(fresh);
}

TEST_CASE("server defaults spelled per database") {
  db().drop_all<stamp>();
  db().create_all<stamp>();
  std::vector<stamp> rows(3);
  db().insert_many(rows);
  for (const stamp& r : rows) {
    CHECK(r.born > 1700000000);
    CHECK(r.salt.size() == 16);
    CHECK(db().get<stamp>(r.id)->salt == r.salt);
  }
  CHECK(rows[0].salt != rows[1].salt);
}

TEST_CASE("insert_into().values() of modifiable objects fills and reads back like insert") {
  fresh_schema();
  job j{.name = "one"};
  {
    tabula::test::sql_log log(db());
    CHECK(db().insert_into<job>().values(j).execute() == 1);
    CHECK(log.statements == insert_job_sql());  // the statements insert() runs
  }
  check_defaulted(j);

  // A batch, rows of two shapes: as insert_many.
  std::vector<job> rows;
  for (int i = 0; i < 5; ++i) rows.push_back(job{.name = "b" + std::to_string(i)});
  rows[3].priority = 8;
  {
    tabula::test::sql_log log(db());
    CHECK(db().insert_into<job>().values(rows).execute() == 5);
    CHECK(log.count("INSERT") == 3);  // rows 0-2, 3, 4
    CHECK(log.count("COPY") == 0);
  }
  for (const job& r : rows) {
    if (&r == &rows[3]) continue;
    check_defaulted(r);
  }
  CHECK(rows[3].priority == 8);
  CHECK(db().get<job>(rows[3].id)->priority == 8);
  CHECK(rows[3].id > rows[2].id);
  CHECK(db().query<job>().count() == 6);

  // A connection inside a transaction that is rolled back: nothing stays.
  {
    auto conn = db().connect();
    auto tx = conn.begin();
    job k{.name = "rolled back"};
    conn.insert_into<job>().values(k).execute();
    CHECK(k.id > 0);
    CHECK(k.priority == 5);
  }
  CHECK(db().query<job>().count() == 6);
}

TEST_CASE("insert_into().values() of rvalues and const objects: the rows get every default") {
  fresh_schema();
  const job c{.name = "const"};
  const std::vector<job> consts{job{.name = "c1"}, job{.name = "c2", .priority = 3}};
  {
    tabula::test::sql_log log(db());
    CHECK(db().insert_into<job>().values(c).execute() == 1);
    CHECK(db().insert_into<job>().values(job{.name = "rvalue"}).execute() == 1);
    CHECK(db().insert_into<job>().values(consts).execute() == 2);
    // Server-default columns left out where the field holds no value: the database fills them.
    const std::string first = log.statements.front();
    CHECK(first.find("\"priority\"") == std::string::npos);
    CHECK(first.find("\"created\"") == std::string::npos);
    CHECK(log.count("COPY") == 0);
  }
  CHECK(c.status.empty());  // const objects are left as they are
  CHECK(consts[0].token.empty());
  const auto stored = db().query<job>().order_by(tabula::asc(&job::id)).all();
  REQUIRE(stored.size() == 4);
  for (const job& j : stored) {
    CHECK(j.status == "queued");
    CHECK(j.token.starts_with("tok-"));
    CHECK(j.priority == (j.name == "c2" ? 3 : 5));
    CHECK(j.created.size() >= 19);
    CHECK(j.queue == std::optional<std::string>("main"));
  }
  CHECK(stored[2].token != stored[3].token);  // a function default is called once a row
}

TEST_CASE("insert_into().values() with returning or on_conflict: defaults apply, the program "
          "reads what it asks for") {
  fresh_schema();
  job j{.name = "r"};
  const auto [id, priority, created, token] =
      db().insert_into<job>()
          .values(j)
          .returning(&job::id, &job::priority, &job::created, &job::token)
          .one();
  CHECK(id > 0);
  CHECK(priority == 5);
  CHECK(created.size() >= 19);
  CHECK(token.starts_with("tok-"));
  CHECK(j.token == token);  // the client default is written into the modifiable object
  CHECK(j.id == 0);         // RETURNING is the program's: nothing else is read back
  CHECK(j.priority == 0);

  std::vector<job> rows{job{.id = id, .name = "taken"}, job{.name = "new"}};
  const auto inserted = db().insert_into<job>()
                            .values(rows)
                            .on_conflict(&job::id)
                            .do_nothing()
                            .returning(&job::name, &job::priority)
                            .all();
  REQUIRE(inserted.size() == 1);
  CHECK(std::get<0>(inserted[0]) == "new");
  CHECK(std::get<1>(inserted[0]) == 5);
  CHECK(rows[1].status == "queued");
  CHECK(db().query<job>().count() == 2);
}
