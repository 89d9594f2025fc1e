// SQL injection attempts through every door a value can come in by: bound values, LIKE
// patterns, raw fragments' arguments, db.sql arguments, filter pieces — and identifiers, which
// come from the program and are always quoted. A canary table must survive with its rows, and
// no attempt may appear in the SQL text sent to the database.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

using tabula::col;

namespace inj {

struct canary {
  std::int64_t id = 0;
  std::string secret;
};

struct victim {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> note;
};

/// Names a program might take from somewhere it should not: still quoted as identifiers.
struct odd_names {
  std::int64_t id = 0;
  std::string value;
};

}  // namespace inj

template <>
struct tabula::schema<inj::canary> {
  static constexpr auto table = "canary";
};
template <>
struct tabula::schema<inj::victim> {
  static constexpr auto table = "victims";
};
template <>
struct tabula::schema<inj::odd_names> {
  static constexpr auto table = "odd\"; DROP TABLE canary; --";
  static constexpr auto options =
      tabula::options(tabula::column_name(&inj::odd_names::value, "v'); DROP TABLE canary; --"));
};

using namespace inj;  // NOLINT(google-build-using-namespace)

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

const std::vector<std::string>& payloads() {
  static const std::vector<std::string> p = {
      "'; DROP TABLE canary; --",
      "\"; DROP TABLE canary; --",
      "x' OR '1'='1",
      "x\" OR \"1\"=\"1",
      "1; DELETE FROM canary",
      "%'; DELETE FROM canary; --",
      "_%' OR 1=1 --",
      "\\'; DROP TABLE canary; --",
      "$$; DROP TABLE canary; $$",
      "$1; DROP TABLE canary",
      "?; DROP TABLE canary",
      "?\?'; DROP TABLE canary; --",
      "*/ DROP TABLE canary; /*",
      "') ; DROP TABLE canary; --",
      "' || (SELECT secret FROM canary) || '",
      "Robert'); DROP TABLE canary;--",
  };
  return p;
}

void fresh() {
  db().drop_all<victim, canary>();
  db().create_all<victim, canary>();
  for (const char* s : {"alpha", "beta", "gamma"}) {
    canary c{0, s};
    db().insert(c);
  }
  for (const char* s : {"plain", "100% pure", "under_score"}) {
    victim v{0, s, std::nullopt};
    db().insert(v);
  }
}

void check_canary() {
  const auto rows = db().query<canary>().order_by(&canary::id).all();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].secret == "alpha");
  CHECK(rows[2].secret == "gamma");
}

/// Records every SQL text the engine sends from now until destroyed.
class sql_log {
 public:
  sql_log() {
    db().set_echo([this](std::string_view sql) { texts_.emplace_back(sql); });
  }
  sql_log(const sql_log&) = delete;
  sql_log& operator=(const sql_log&) = delete;
  ~sql_log() { db().set_echo({}); }

  /// True when no SQL text sent contained `s`.
  [[nodiscard]] bool never_contained(std::string_view s) const {
    return std::none_of(texts_.begin(), texts_.end(),
                        [&](const std::string& t) { return t.find(s) != std::string::npos; });
  }
  [[nodiscard]] std::size_t size() const noexcept { return texts_.size(); }

 private:
  std::vector<std::string> texts_;
};

std::vector<std::int64_t> ids(const std::vector<victim>& rows) {
  std::vector<std::int64_t> out;
  for (const auto& v : rows) out.push_back(v.id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("attacks through bound values are stored and matched as text") {
  fresh();
  sql_log log;
  for (const auto& p : payloads()) {
    INFO(p);
    victim v{0, p, p};
    db().insert(v);
    auto back = db().get<victim>(v.id);
    REQUIRE(back);
    CHECK(back->name == p);
    CHECK(back->note == p);
    const auto found = db().query<victim>().where(col(&victim::name) == p).all();
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == v.id);
    back->name = p + p;
    CHECK(db().update_row(*back));
    CHECK(db().query<victim>().where(col(&victim::name) == p + p).count() == 1);
    check_canary();
    CHECK(log.never_contained(p));
  }
  CHECK(log.never_contained("DROP TABLE canary"));
  CHECK(log.size() > payloads().size());
}

TEST_CASE("attacks through LIKE patterns: patterns are values, escaped text matches literally") {
  fresh();
  for (const auto& p : payloads()) {
    victim v{0, "[" + p + "]", std::nullopt};
    db().insert(v);
  }
  const auto everyone = db().query<victim>().all();
  sql_log log;
  for (const auto& p : payloads()) {
    INFO(p);
    // The pattern as given: its wildcards act as wildcards, nothing else happens. Without a
    // backslash (PostgreSQL's default LIKE escape) a text matches itself as a pattern.
    const auto liked = db().query<victim>().where(tabula::like(col(&victim::name), "[" + p + "]")).all();
    const auto iliked = db().query<victim>().where(tabula::ilike(col(&victim::name), "%" + p)).all();
    if (p.find('\\') == std::string::npos) {
      CHECK(std::any_of(liked.begin(), liked.end(),
                        [&](const victim& v) { return v.name == "[" + p + "]"; }));
    }
    CHECK(iliked.size() <= everyone.size());
    // Escaped with like_escape (contains() does it): exactly the rows holding the text.
    const auto hits = db().query<victim>().where(tabula::contains(col(&victim::name), p)).all();
    std::vector<victim> expected;
    for (const auto& v : everyone) {
      if (v.name.find(p) != std::string::npos) expected.push_back(v);
    }
    CHECK(ids(hits) == ids(expected));
    CHECK_FALSE(hits.empty());
    check_canary();
    CHECK(log.never_contained(p));
  }
  CHECK(log.never_contained("DROP TABLE canary"));
}

TEST_CASE("attacks through the arguments of raw fragments are bound values") {
  fresh();
  sql_log log;
  for (const auto& p : payloads()) {
    INFO(p);
    victim v{0, p, std::nullopt};
    db().insert(v);
    const auto found = db().query<victim>()
                           .where(tabula::raw<bool>("? = ?", col(&victim::name), p))
                           .all();
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == v.id);
    const auto others = db().query<victim>()
                            .where(tabula::raw<bool>("? <> ? AND ? = ?", col(&victim::name),
                                                     p + "x", col(&victim::id), v.id))
                            .count();
    CHECK(others == 1);
    check_canary();
    CHECK(log.never_contained(p));
  }
  CHECK(log.never_contained("DROP TABLE canary"));
}

TEST_CASE("attacks through db.sql arguments are bound values") {
  fresh();
  sql_log log;
  for (const auto& p : payloads()) {
    INFO(p);
    const auto id = db().sql<std::int64_t>(
                            "INSERT INTO victims (name, note) VALUES (?, ?) RETURNING id", p, p)
                        .one();
    CHECK(db().sql<std::string>("SELECT note FROM victims WHERE id = ?", id).one() == p);
    CHECK(db().sql<std::int64_t>("SELECT id FROM victims WHERE name = ? -- ?\n AND note = ?", p,
                                 std::optional<std::string>(p))
              .all() == std::vector<std::int64_t>{id});
    CHECK(db().sql("UPDATE victims SET note = ? WHERE name = ?", p + "!", p).execute() == 1);
    CHECK(db().sql<std::string>("SELECT note FROM victims WHERE id = ?", id).one() == p + "!");
    check_canary();
    CHECK(log.never_contained(p));
  }
  CHECK(log.never_contained("DROP TABLE canary"));
}

TEST_CASE("attacks through filter pieces are bound values") {
  fresh();
  sql_log log;
  for (const auto& p : payloads()) {
    INFO(p);
    victim v{0, p, p};
    db().insert(v);
    tabula::filter<victim> f;
    f &= col(&victim::name) == p;
    f &= tabula::contains(col(&victim::name), p) || col(&victim::note) == p;
    f &= tabula::in(col(&victim::name), std::vector<std::string>{p, "plain"});
    const auto found = db().query<victim>().where(f).all();
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == v.id);
    tabula::filter<victim> g;
    g |= col(&victim::note) == p;
    g |= tabula::raw<bool>("? = ?", col(&victim::name), p);
    // NOT (note = p OR name = p): every row with a note but this one (a NULL note is unknown).
    CHECK(db().query<victim>().where(!g).count() ==
          db().query<victim>().where(col(&victim::note) != std::nullopt).count() - 1);
    check_canary();
    CHECK(log.never_contained(p));
  }
  CHECK(log.never_contained("DROP TABLE canary"));
}

TEST_CASE("identifiers come from the program and are quoted, whatever they contain") {
  fresh();
  db().drop_all<odd_names>();
  db().create_all<odd_names>();
  odd_names row{0, "kept"};
  db().insert(row);
  const auto back = db().get<odd_names>(row.id);
  REQUIRE(back);
  CHECK(back->value == "kept");
  CHECK(db().query<odd_names>().where(col(&odd_names::value) == "kept").count() == 1);
  db().drop_all<odd_names>();
  check_canary();
}
