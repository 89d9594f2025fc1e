// The inspector reads back what create_all made and what hand-written DDL made: columns with
// their types, nullability, defaults and identity; keys, foreign keys with their actions,
// UNIQUE constraints, indexes (partial ones with their predicate) and CHECKs, with names.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

namespace insp {

struct owner {
  std::int64_t id = 0;
  std::string name;
  std::optional<double> score;
  bool active = false;
  std::int32_t rank = 0;
  tabula::blob data;
};

struct pet {
  std::int64_t id = 0;
  std::int64_t owner_id = 0;
  std::optional<std::int64_t> sitter_id;
  std::string nick;
};

struct tag {
  std::string a;
  std::int16_t b = 0;
};

}  // namespace insp

template <>
struct tabula::schema<insp::owner> {
  static constexpr auto table = "owners";
  static constexpr auto options =
      tabula::options(tabula::unique(&insp::owner::name), tabula::max_length(&insp::owner::name, 40),
                      tabula::index(&insp::owner::rank, &insp::owner::active),
                      tabula::check("ck_owners_rank", "rank >= 0"));
};
template <>
struct tabula::schema<insp::pet> {
  static constexpr auto table = "pets";
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&insp::pet::owner_id, &insp::owner::id).on_delete_cascade(),
      tabula::foreign_key(&insp::pet::sitter_id, &insp::owner::id).on_delete_set_null(),
      tabula::unique_index(&insp::pet::owner_id, &insp::pet::nick));
};
template <>
struct tabula::schema<insp::tag> {
  static constexpr auto options = tabula::options(tabula::primary_key(&insp::tag::a, &insp::tag::b));
};

namespace {

using tabula::ast::fk_action;
using tabula::ast::type_kind;

const tabula::index_info* find_index(const tabula::table_schema& t, std::string_view name) {
  for (const auto& ix : t.indexes) {
    if (ix.name == name) return &ix;
  }
  return nullptr;
}

bool is_postgres() { return tabula::test::backend() == "postgresql"; }

}  // namespace

TEST_CASE("the inspector reads back the tables create_all made", "[inspect]") {
  tabula::engine db(tabula::test::database_url());
  db.drop_all<insp::pet, insp::owner, insp::tag>();
  db.create_all<insp::owner, insp::pet, insp::tag>();
  auto insp = db.inspect();
  CHECK(insp.schema() == (is_postgres() ? "public" : "main"));

  const auto names = insp.table_names();
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(insp.has_table("owners"));
  CHECK(insp.has_table("pets"));
  CHECK(insp.has_table("tag"));
  CHECK_FALSE(insp.has_table("nothing"));

  const tabula::table_schema owners = insp.table("owners");
  REQUIRE(owners.columns.size() == 6);
  CHECK(owners.columns[0].name == "id");
  CHECK(owners.columns[0].identity);
  CHECK_FALSE(owners.columns[0].nullable);
  CHECK(owners.primary_key == std::vector<std::string>{"id"});
  const tabula::column_info* name = owners.column("name");
  REQUIRE(name != nullptr);
  REQUIRE(name->type);
  CHECK(name->type->kind == type_kind::text);
  CHECK(name->type->length == 40);
  CHECK_FALSE(name->nullable);
  CHECK_FALSE(name->identity);
  REQUIRE(owners.column("score") != nullptr);
  CHECK(owners.column("score")->nullable);
  CHECK(owners.column("score")->type->kind == type_kind::float64);
  CHECK(owners.column("data")->type->kind == type_kind::blob);
  if (is_postgres()) {
    CHECK(name->sql_type == "character varying(40)");
    CHECK(owners.column("active")->type->kind == type_kind::boolean);
    CHECK(owners.column("rank")->type->kind == type_kind::int32);
    CHECK(owners.column("id")->sql_type == "bigint");
  } else {
    CHECK(name->sql_type == "TEXT");
    CHECK(owners.column("rank")->sql_type == "INTEGER");
  }
  REQUIRE(owners.uniques.size() == 1);
  CHECK(owners.uniques[0].name == "uq_owners_name");
  CHECK(owners.uniques[0].columns == std::vector<std::string>{"name"});
  REQUIRE(owners.indexes.size() == 1);
  CHECK(owners.indexes[0].name == "ix_owners_rank_active");
  CHECK(owners.indexes[0].columns == std::vector<std::string>{"rank", "active"});
  CHECK_FALSE(owners.indexes[0].unique);
  CHECK(owners.indexes[0].predicate.empty());
  // The length CHECK of `name` is part of its type on SQLite; the declared CHECK is listed.
  REQUIRE(owners.checks.size() == 1);
  CHECK(owners.checks[0].name == "ck_owners_rank");
  CHECK(owners.checks[0].condition.find("rank >= 0") != std::string::npos);

  const tabula::table_schema pets = insp.table("pets");
  REQUIRE(pets.foreign_keys.size() == 2);
  CHECK(pets.foreign_keys[0].name == "fk_pets_owner__id");
  CHECK(pets.foreign_keys[0].columns == std::vector<std::string>{"owner_id"});
  CHECK(pets.foreign_keys[0].ref_table == "owners");
  CHECK(pets.foreign_keys[0].ref_columns == std::vector<std::string>{"id"});
  CHECK(pets.foreign_keys[0].on_delete == fk_action::cascade);
  CHECK(pets.foreign_keys[0].on_update == fk_action::no_action);
  CHECK(pets.foreign_keys[1].name == "fk_pets_sitter__id");
  CHECK(pets.foreign_keys[1].on_delete == fk_action::set_null);
  CHECK(pets.column("sitter_id")->nullable);
  const auto* pair = find_index(pets, "ix_pets_owner__id_nick");
  REQUIRE(pair != nullptr);
  CHECK(pair->unique);
  CHECK(pair->columns == std::vector<std::string>{"owner_id", "nick"});

  const tabula::table_schema tag = insp.table("tag");
  CHECK(tag.primary_key == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(tag.column("a")->identity);
  CHECK_FALSE(tag.column("b")->identity);
  if (is_postgres()) {
    CHECK(tag.column("b")->type->kind == type_kind::int16);
    CHECK(tag.primary_key_name == "tag_pkey");
  }

  CHECK_THROWS_AS(insp.table("nothing"), tabula::programming_error);
  db.drop_all<insp::pet, insp::owner, insp::tag>();
}

TEST_CASE("the inspector reads hand-written DDL", "[inspect]") {
  tabula::engine db(tabula::test::database_url());
  db.execute("DROP TABLE IF EXISTS raw_child");
  db.execute("DROP TABLE IF EXISTS raw_parent");
  const std::string key_type = is_postgres() ? "BIGINT" : "INTEGER";
  db.execute("CREATE TABLE raw_parent (k1 " + key_type + " NOT NULL, k2 TEXT NOT NULL, " +
             "label VARCHAR(20) DEFAULT 'none', CONSTRAINT pk_raw_parent PRIMARY KEY (k1, k2))");
  db.execute(
      "CREATE TABLE raw_child (id " + key_type +
      " PRIMARY KEY, p1 " + key_type + ", p2 TEXT, qty INTEGER NOT NULL DEFAULT 3, "
      "CONSTRAINT fk_child_parent FOREIGN KEY (p1, p2) REFERENCES raw_parent (k1, k2) "
      "ON DELETE SET NULL ON UPDATE CASCADE, "
      "CONSTRAINT uq_child_p2_qty UNIQUE (p2, qty), "
      "CONSTRAINT ck_child_qty CHECK (qty > 0))");
  db.execute("CREATE INDEX ix_child_big ON raw_child (qty) WHERE qty > 10");
  db.execute("CREATE UNIQUE INDEX ix_child_lower ON raw_child (lower(p2))");

  auto insp = db.inspect();
  const tabula::table_schema parent = insp.table("raw_parent");
  CHECK(parent.primary_key == std::vector<std::string>{"k1", "k2"});
  CHECK(parent.primary_key_name == "pk_raw_parent");
  const tabula::column_info* label = parent.column("label");
  REQUIRE(label != nullptr);
  CHECK(label->nullable);
  REQUIRE(label->default_sql);
  CHECK(label->default_sql->find("'none'") == 0);
  REQUIRE(label->type);
  CHECK(label->type->length == 20);

  const tabula::table_schema child = insp.table("raw_child");
  CHECK(child.column("id")->identity == !is_postgres());  // SQLite: INTEGER PRIMARY KEY
  REQUIRE(child.column("qty")->default_sql);
  CHECK(*child.column("qty")->default_sql == "3");
  REQUIRE(child.foreign_keys.size() == 1);
  const tabula::foreign_key_info& fk = child.foreign_keys[0];
  CHECK(fk.name == "fk_child_parent");
  CHECK(fk.columns == std::vector<std::string>{"p1", "p2"});
  CHECK(fk.ref_columns == std::vector<std::string>{"k1", "k2"});
  CHECK(fk.on_delete == fk_action::set_null);
  CHECK(fk.on_update == fk_action::cascade);
  REQUIRE(child.uniques.size() == 1);
  CHECK(child.uniques[0].name == "uq_child_p2_qty");
  CHECK(child.uniques[0].columns == std::vector<std::string>{"p2", "qty"});
  REQUIRE(child.checks.size() == 1);
  CHECK(child.checks[0].name == "ck_child_qty");
  CHECK(child.checks[0].condition.find("qty > 0") != std::string::npos);
  const auto* big = find_index(child, "ix_child_big");
  REQUIRE(big != nullptr);
  CHECK(big->columns == std::vector<std::string>{"qty"});
  CHECK(big->predicate.find("qty > 10") != std::string::npos);
  const auto* lower = find_index(child, "ix_child_lower");
  REQUIRE(lower != nullptr);
  CHECK(lower->unique);
  REQUIRE(lower->columns.size() == 1);
  CHECK(lower->columns[0].find("lower(p2)") != std::string::npos);
  CHECK(child.indexes.size() == 2);  // the UNIQUE constraint's index is not listed

  db.execute("DROP TABLE raw_child");
  db.execute("DROP TABLE raw_parent");
}

TEST_CASE("a PostgreSQL schema other than the search_path's is inspected by name", "[inspect]") {
  if (!is_postgres()) return;
  tabula::engine db(tabula::test::database_url());
  db.execute("DROP SCHEMA IF EXISTS other CASCADE");
  db.execute("CREATE SCHEMA other");
  db.execute("CREATE TABLE other.thing (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)");
  auto insp = db.inspect("other");
  CHECK(insp.table_names() == std::vector<std::string>{"thing"});
  CHECK(insp.table("thing").column("id")->identity);
  CHECK_FALSE(db.inspect().has_table("thing"));
  db.execute("DROP SCHEMA other CASCADE");
}
