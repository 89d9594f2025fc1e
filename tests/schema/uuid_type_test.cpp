// tabula::uuid as a column and a primary key on a real database: UUID on PostgreSQL, a 16-byte
// BLOB on SQLite; v4 and v7 generation, parsing and formatting.

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

using tabula::col;
using tabula::uuid;

namespace {

struct artifact {
  uuid id;
  std::string name;
  std::optional<uuid> parent;
  bool operator==(const artifact&) const = default;
};

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

bool on_sqlite() { return tabula::test::backend() == "sqlite"; }

void fresh_schema() {
  db().drop_all<artifact>();
  db().create_all<artifact>();
}

uuid random_bytes(std::mt19937_64& rng) {
  uuid::bytes_type b{};
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return uuid(b);
}

}  // namespace

TEST_CASE("uuid: v4 and v7 carry their version and variant; v7 increases within a thread") {
  const uuid a = uuid::v4();
  CHECK(a.version() == 4);
  CHECK((a.bytes()[8] & 0xc0) == 0x80);
  CHECK(a != uuid::v4());
  std::vector<uuid> made;
  for (int i = 0; i < 10000; ++i) made.push_back(uuid::v7());
  CHECK(made.front().version() == 7);
  CHECK((made.back().bytes()[8] & 0xc0) == 0x80);
  CHECK(std::is_sorted(made.begin(), made.end()));
  CHECK(std::adjacent_find(made.begin(), made.end()) == made.end());  // strictly increasing
}

TEST_CASE("uuid: canonical text round-trips; anything else is not a uuid") {
  const auto u = uuid::parse("0190C9A4-3B1E-7C2A-9F4E-0A1B2C3D4E5F");
  REQUIRE(u.has_value());
  CHECK(u->to_string() == "0190c9a4-3b1e-7c2a-9f4e-0a1b2c3d4e5f");
  CHECK(u->version() == 7);
  CHECK(uuid().to_string() == "00000000-0000-0000-0000-000000000000");
  CHECK(uuid::max().to_string() == "ffffffff-ffff-ffff-ffff-ffffffffffff");
  CHECK(uuid().is_nil());
  for (const char* bad : {"", "0190c9a4-3b1e-7c2a-9f4e-0a1b2c3d4e5", "0190c9a43b1e7c2a9f4e0a1b2c3d4e5f",
                          "0190c9a4-3b1e-7c2a-9f4e-0a1b2c3d4e5g", "0190c9a4+3b1e-7c2a-9f4e-0a1b2c3d4e5f"}) {
    CHECK_FALSE(uuid::parse(bad).has_value());
  }
  const auto v = uuid::v4();
  CHECK(uuid::parse(v.to_string()) == v);
}

TEST_CASE("uuid keys: insert, get by key, nil and max, random values, ordered as in C++") {
  fresh_schema();
  std::mt19937_64 rng(1205);
  std::vector<artifact> rows{{uuid(), "nil", std::nullopt}, {uuid::max(), "max", uuid()}};
  for (int i = 0; i < 300; ++i) {
    const uuid id = i % 3 == 0 ? random_bytes(rng) : i % 3 == 1 ? uuid::v4() : uuid::v7();
    rows.push_back({id, "r" + std::to_string(i), i % 2 == 0 ? std::optional(rows.back().id) : std::nullopt});
  }
  for (std::size_t i = 0; i < 10; ++i) db().insert(rows[i]);
  db().insert_many(std::vector<artifact>(rows.begin() + 10, rows.begin() + 150));
  db().insert_many(std::vector<artifact>(rows.begin() + 150, rows.end()), tabula::skip_keys);

  for (const auto& r : rows) {
    const auto back = db().get<artifact>(r.id);
    REQUIRE(back.has_value());
    CHECK(*back == r);
  }
  auto sorted = rows;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  CHECK(db().query<artifact>().order_by(col(&artifact::id)).all() == sorted);
  CHECK(db().query<artifact>().where(col(&artifact::parent) == uuid()).count() == 1);
  CHECK(db().query<artifact>().where(col(&artifact::id) > rows[5].id).count() ==
        std::count_if(rows.begin(), rows.end(), [&](const auto& r) { return r.id > rows[5].id; }));
  CHECK_THROWS_AS(db().insert(rows[3]), tabula::unique_violation);
}

TEST_CASE("uuid keys in a session: identity map, change tracking, delete") {
  fresh_schema();
  const uuid key = uuid::v7();
  {
    auto s = db().session();
    s.add(artifact{key, "model", std::nullopt});
    s.commit();
  }
  auto s = db().session();
  artifact* a = s.get<artifact>(key);
  REQUIRE(a != nullptr);
  CHECK(s.get<artifact>(key) == a);  // the same object
  a->parent = uuid::max();
  s.commit();
  CHECK(db().get<artifact>(key)->parent == uuid::max());
  s.remove(*a);
  s.commit();
  CHECK_FALSE(db().get<artifact>(key).has_value());
}

TEST_CASE("uuid storage: UUID on PostgreSQL, 16 bytes on SQLite") {
  fresh_schema();
  const auto u = *uuid::parse("0190c9a4-3b1e-7c2a-9f4e-0a1b2c3d4e5f");
  artifact a{u, "x", std::nullopt};
  db().insert(a);
  if (on_sqlite()) {
    CHECK(db().sql<std::string>("SELECT typeof(id) || ' ' || length(id) || ' ' || hex(id) FROM artifact")
              .one() == "blob 16 0190C9A43B1E7C2A9F4E0A1B2C3D4E5F");
  } else {
    CHECK(db().sql<std::string>("SELECT pg_typeof(id)::text || ' ' || id::text FROM artifact").one() ==
          "uuid 0190c9a4-3b1e-7c2a-9f4e-0a1b2c3d4e5f");
    // A uuid the server made reads back as one.
    const auto made = db().sql<uuid>("SELECT gen_random_uuid()").one();
    CHECK(made.version() == 4);
  }
  CHECK(db().sql<uuid>("SELECT id FROM artifact").one() == u);
}
