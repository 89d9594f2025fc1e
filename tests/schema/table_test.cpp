#include "tabula/schema/table.hpp"

#include <boost/hana/define_struct.hpp>
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/error.hpp"
#include "tabula/schema/options.hpp"

namespace ast = tabula::ast;
using ast::type_kind;

namespace registry {
struct Model {
  std::int64_t id = 0;
  std::string name;
  std::string framework;
  std::optional<double> accuracy;
};

struct Experiment {
  std::int64_t id = 0;
  std::int64_t model_id = 0;
  std::string dataset;
};
}  // namespace registry

using registry::Experiment;
using registry::Model;

template <>
struct tabula::schema<Model> {
  static constexpr auto table = "models";
  static constexpr auto options =
      tabula::options(tabula::unique(&Model::name), tabula::max_length(&Model::name, 100),
                      tabula::index(&Model::framework), tabula::check("accuracy BETWEEN 0 AND 1"));
};

template <>
struct tabula::schema<Experiment> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Experiment::model_id, &Model::id).on_delete_cascade());
};

namespace {

struct MLModel {
  std::int64_t id = 0;
  std::uint8_t version = 0;
};

/// A composite key, neither column generated.
struct Enrollment {
  std::int64_t student_id = 0;
  std::int64_t course_id = 0;
  std::optional<std::string> grade;
};

/// A composite foreign key, with both actions.
struct Certificate {
  std::int64_t id = 0;
  std::int64_t student = 0;
  std::int64_t course = 0;
};

/// An explicit single integer key.
struct Country {
  std::int32_t code = 0;
  std::string name;
};

/// A text key: not generated.
struct Tag {
  std::string id;
};

/// Renamed columns, named constraints, a unique index, several checks.
struct Run {
  std::int64_t id = 0;
  std::string label;
  std::int64_t started = 0;
  std::optional<std::int64_t> finished;
};

/// Has no key.
struct NoKey {
  int a = 0;
};

/// Two fields renamed onto one column name.
struct Clash {
  std::int64_t id = 0;
  std::string a;
  std::string b;
};

// A chain of references: Lesson -> Chapter -> Book, with a reference to itself on Chapter.
struct Book {
  std::int64_t id = 0;
};
struct Chapter {
  std::int64_t id = 0;
  std::int64_t book_id = 0;
  std::optional<std::int64_t> previous_id;
};
struct Lesson {
  std::int64_t id = 0;
  std::int64_t chapter_id = 0;
};

// A cycle: Hen -> Egg -> Hen.
struct Hen {
  std::int64_t id = 0;
  std::int64_t egg_id = 0;
};
struct Egg {
  std::int64_t id = 0;
  std::int64_t hen_id = 0;
};

// Cycles with nullable foreign keys: Pilot <-> Plane, both nullable; Team -> Player (nullable)
// -> Team (NOT NULL); Route -> Stop (nullable), Route -> Depot -> Stop -> Route (nullable).
struct Pilot {
  std::int64_t id = 0;
  std::optional<std::int64_t> plane_id;
};
struct Plane {
  std::int64_t id = 0;
  std::optional<std::int64_t> pilot_id;
};
struct Team {
  std::int64_t id = 0;
  std::optional<std::int64_t> captain_id;
};
struct Player {
  std::int64_t id = 0;
  std::int64_t team_id = 0;
};
struct Route {
  std::int64_t id = 0;
  std::optional<std::int64_t> stop_id;
  std::int64_t depot_id = 0;
};
struct Stop {
  std::int64_t id = 0;
  std::optional<std::int64_t> route_id;
};
struct Depot {
  std::int64_t id = 0;
  std::int64_t stop_id = 0;
};

/// A Hana-adapted class with private members.
class Account {
 public:
  Account() = default;

 private:
  BOOST_HANA_DEFINE_STRUCT(Account, (std::int64_t, id), (std::string, owner),
                           (std::optional<double>, balance));
  template <class, class>
  friend struct boost::hana::accessors_impl;
};

struct Unmappable {
  int x;
};

}  // namespace

template <>
struct tabula::schema<Enrollment> {
  static constexpr auto options =
      tabula::options(tabula::primary_key(&Enrollment::student_id, &Enrollment::course_id));
};

template <>
struct tabula::schema<Certificate> {
  static constexpr auto options = tabula::options(
      tabula::foreign_key(tabula::columns(&Certificate::student, &Certificate::course),
                          tabula::columns(&Enrollment::student_id, &Enrollment::course_id))
          .on_delete_restrict()
          .on_update_cascade(),
      tabula::unique(&Certificate::student, &Certificate::course));
};

template <>
struct tabula::schema<Country> {
  static constexpr auto table = "countries";
  static constexpr auto options = tabula::options(tabula::primary_key(&Country::code));
};

template <>
struct tabula::schema<Run> {
  static constexpr auto options = tabula::options(
      tabula::column_name(&Run::started, "started_at"), tabula::column_name(&Run::id, "run_id"),
      tabula::unique(&Run::label).named("run_label_unique"),
      tabula::unique_index(&Run::label, &Run::started),
      tabula::index(&Run::finished).named("by_end"),
      tabula::check("finished IS NULL OR finished >= started_at"),
      tabula::check("ck_label", "label <> '?'"), tabula::max_length(&Run::label, 20));
};

template <>
struct tabula::schema<Clash> {
  static constexpr auto options = tabula::options(tabula::column_name(&Clash::a, "b"));
};

template <>
struct tabula::schema<Chapter> {
  static constexpr auto options = tabula::options(
      tabula::foreign_key(&Chapter::book_id, &Book::id),
      tabula::foreign_key(&Chapter::previous_id, &Chapter::id).on_delete_set_null());
};
template <>
struct tabula::schema<Lesson> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Lesson::chapter_id, &Chapter::id));
};
template <>
struct tabula::schema<Hen> {
  static constexpr auto options = tabula::options(tabula::foreign_key(&Hen::egg_id, &Egg::id));
};
template <>
struct tabula::schema<Egg> {
  static constexpr auto options = tabula::options(tabula::foreign_key(&Egg::hen_id, &Hen::id));
};
template <>
struct tabula::schema<Pilot> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Pilot::plane_id, &Plane::id));
};
template <>
struct tabula::schema<Plane> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Plane::pilot_id, &Pilot::id));
};
template <>
struct tabula::schema<Team> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Team::captain_id, &Player::id));
};
template <>
struct tabula::schema<Player> {
  static constexpr auto options = tabula::options(tabula::foreign_key(&Player::team_id, &Team::id));
};
template <>
struct tabula::schema<Route> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Route::stop_id, &Stop::id),
                      tabula::foreign_key(&Route::depot_id, &Depot::id));
};
template <>
struct tabula::schema<Stop> {
  static constexpr auto options = tabula::options(tabula::foreign_key(&Stop::route_id, &Route::id));
};
template <>
struct tabula::schema<Depot> {
  static constexpr auto options = tabula::options(tabula::foreign_key(&Depot::stop_id, &Stop::id));
};

// --- compile-time facts -----------------------------------------------------------------------

static_assert(tabula::has_primary_key<Model>);
static_assert(tabula::has_primary_key<Enrollment>);
static_assert(tabula::has_primary_key<Country>);
static_assert(tabula::has_primary_key<Tag>);
static_assert(tabula::has_primary_key<Account>);
static_assert(!tabula::has_primary_key<NoKey>);
static_assert(!tabula::has_primary_key<int>);
static_assert(!tabula::has_primary_key<Unmappable>);

namespace {
std::vector<std::string> strings(std::initializer_list<const char*> list) {
  return {list.begin(), list.end()};
}

std::string raw_sql(const ast::expr& e) {
  REQUIRE(std::holds_alternative<ast::raw>(e.node()));
  const auto& r = std::get<ast::raw>(e.node());
  CHECK(r.args.empty());
  return r.sql;
}

void check_column(const ast::column_def& c, const char* name, type_kind kind, std::uint32_t length,
                  bool nullable, bool generated) {
  INFO("column " << name);
  CHECK(c.name == name);
  CHECK(c.type == ast::sql_type{kind, length});
  CHECK(c.nullable == nullable);
  CHECK(c.generated == generated);
  CHECK_FALSE(c.default_value.has_value());
}
}  // namespace

TEST_CASE("the design guide's Model: table name, unique, max_length, index, check") {
  const tabula::table_info& t = tabula::table_of<Model>();
  CHECK(&t == &tabula::table_of<Model>());  // built once
  CHECK(t.model_name == "Model");
  CHECK(t.def.name == "models");
  CHECK(tabula::table_name<Model>() == "models");
  REQUIRE(t.def.columns.size() == 4);
  check_column(t.def.columns[0], "id", type_kind::int64, 0, false, true);
  check_column(t.def.columns[1], "name", type_kind::text, 100, false, false);
  check_column(t.def.columns[2], "framework", type_kind::text, 0, false, false);
  check_column(t.def.columns[3], "accuracy", type_kind::float64, 0, true, false);
  CHECK(t.def.primary_key == strings({"id"}));
  CHECK(t.key_fields == std::vector<std::size_t>{0});
  CHECK(t.generated_field == 0);

  REQUIRE(t.def.uniques.size() == 1);
  CHECK(t.def.uniques[0].name == "uq_models_name");
  CHECK(t.def.uniques[0].columns == strings({"name"}));

  REQUIRE(t.def.indexes.size() == 1);
  CHECK(t.def.indexes[0].name == "ix_models_framework");
  CHECK(t.def.indexes[0].table == "models");
  CHECK(t.def.indexes[0].columns == strings({"framework"}));
  CHECK_FALSE(t.def.indexes[0].unique);

  REQUIRE(t.def.checks.size() == 1);
  CHECK(t.def.checks[0].name == "ck_models_1");
  CHECK(raw_sql(t.def.checks[0].condition) == "accuracy BETWEEN 0 AND 1");
  CHECK(t.def.foreign_keys.empty());

  CHECK(tabula::column_name(&Model::framework) == "framework");
  CHECK(tabula::column_name(&Model::accuracy) == "accuracy");
}

TEST_CASE("a foreign key to another model's key") {
  const tabula::table_info& t = tabula::table_of<Experiment>();
  CHECK(t.def.name == "experiment");
  REQUIRE(t.def.foreign_keys.size() == 1);
  const ast::foreign_key_def& fk = t.def.foreign_keys[0];
  CHECK(fk.name == "fk_experiment_model__id");  // an underscore inside a name doubled
  CHECK(fk.columns == strings({"model_id"}));
  CHECK(fk.ref_table == "models");
  CHECK(fk.ref_columns == strings({"id"}));
  CHECK(fk.on_delete == ast::fk_action::cascade);
  CHECK(fk.on_update == ast::fk_action::no_action);
  check_column(t.def.columns[1], "model_id", type_kind::int64, 0, false, false);
}

TEST_CASE("default table names are the struct name in snake_case") {
  CHECK(tabula::table_name<MLModel>() == "ml_model");
  CHECK(tabula::table_of<MLModel>().def.columns[1].type == ast::sql_type{type_kind::int16});
  CHECK(tabula::table_name<Tag>() == "tag");
}

TEST_CASE("a composite primary key is not generated") {
  const tabula::table_info& t = tabula::table_of<Enrollment>();
  CHECK(t.def.primary_key == strings({"student_id", "course_id"}));
  CHECK(t.key_fields == std::vector<std::size_t>{0, 1});
  CHECK_FALSE(t.generated_field.has_value());
  check_column(t.def.columns[0], "student_id", type_kind::int64, 0, false, false);
  check_column(t.def.columns[1], "course_id", type_kind::int64, 0, false, false);
  check_column(t.def.columns[2], "grade", type_kind::text, 0, true, false);
}

TEST_CASE("a composite foreign key with delete and update actions") {
  const tabula::table_info& t = tabula::table_of<Certificate>();
  REQUIRE(t.def.foreign_keys.size() == 1);
  const ast::foreign_key_def& fk = t.def.foreign_keys[0];
  CHECK(fk.name == "fk_certificate_student_course");
  CHECK(fk.columns == strings({"student", "course"}));
  CHECK(fk.ref_table == "enrollment");
  CHECK(fk.ref_columns == strings({"student_id", "course_id"}));
  CHECK(fk.on_delete == ast::fk_action::restrict);
  CHECK(fk.on_update == ast::fk_action::cascade);
  REQUIRE(t.def.uniques.size() == 1);
  CHECK(t.def.uniques[0].name == "uq_certificate_student_course");
  CHECK(t.def.uniques[0].columns == strings({"student", "course"}));
}

TEST_CASE("an explicit single integer key is generated; a text key is not") {
  const tabula::table_info& country = tabula::table_of<Country>();
  CHECK(country.def.name == "countries");
  CHECK(country.def.primary_key == strings({"code"}));
  CHECK(country.generated_field == 0);
  check_column(country.def.columns[0], "code", type_kind::int32, 0, false, true);

  const tabula::table_info& tag = tabula::table_of<Tag>();
  CHECK(tag.def.primary_key == strings({"id"}));
  CHECK(tag.key_fields == std::vector<std::size_t>{0});
  CHECK_FALSE(tag.generated_field.has_value());
  check_column(tag.def.columns[0], "id", type_kind::text, 0, false, false);
}

TEST_CASE("renamed columns, named constraints, unique indexes and several checks") {
  const tabula::table_info& t = tabula::table_of<Run>();
  CHECK(t.def.name == "run");
  REQUIRE(t.def.columns.size() == 4);
  check_column(t.def.columns[0], "run_id", type_kind::int64, 0, false, true);
  check_column(t.def.columns[1], "label", type_kind::text, 20, false, false);
  check_column(t.def.columns[2], "started_at", type_kind::int64, 0, false, false);
  check_column(t.def.columns[3], "finished", type_kind::int64, 0, true, false);
  CHECK(t.def.primary_key == strings({"run_id"}));
  CHECK(tabula::column_name(&Run::started) == "started_at");
  CHECK(tabula::column_name(&Run::id) == "run_id");

  REQUIRE(t.def.uniques.size() == 1);
  CHECK(t.def.uniques[0].name == "run_label_unique");
  REQUIRE(t.def.indexes.size() == 2);
  CHECK(t.def.indexes[0].name == "ix_run_label_started__at");
  CHECK(t.def.indexes[0].columns == strings({"label", "started_at"}));
  CHECK(t.def.indexes[0].unique);
  CHECK(t.def.indexes[1].name == "by_end");
  CHECK(t.def.indexes[1].columns == strings({"finished"}));
  CHECK_FALSE(t.def.indexes[1].unique);

  REQUIRE(t.def.checks.size() == 2);
  CHECK(t.def.checks[0].name == "ck_run_1");
  CHECK(raw_sql(t.def.checks[0].condition) == "finished IS NULL OR finished >= started_at");
  CHECK(t.def.checks[1].name == "ck_label");
  // A question mark in a CHECK is SQL text, not a parameter: written `??` in the raw node.
  CHECK(raw_sql(t.def.checks[1].condition) == "label <> '\?\?'");
}

TEST_CASE("a Hana-adapted class with private members is a model") {
  const tabula::table_info& t = tabula::table_of<Account>();
  CHECK(t.def.name == "account");
  CHECK(t.model_name == "Account");
  REQUIRE(t.def.columns.size() == 3);
  check_column(t.def.columns[0], "id", type_kind::int64, 0, false, true);
  check_column(t.def.columns[1], "owner", type_kind::text, 0, false, false);
  check_column(t.def.columns[2], "balance", type_kind::float64, 0, true, false);
  CHECK(t.def.primary_key == strings({"id"}));
  CHECK(t.generated_field == 0);
}

TEST_CASE("two columns with one name are refused") {
  CHECK_THROWS_AS(tabula::table_of<Clash>(), tabula::programming_error);
  CHECK_THROWS_WITH(tabula::table_of<Clash>(),
                    Catch::Contains("`Clash` has two columns named \"b\""));
}

TEST_CASE("dependency_order puts referenced tables first") {
  const auto order = tabula::dependency_order<Lesson, Chapter, Book>();
  REQUIRE(order.size() == 3);
  CHECK(order[0]->def.name == "book");
  CHECK(order[1]->def.name == "chapter");
  CHECK(order[2]->def.name == "lesson");

  // The self-reference of Chapter does not count; independent tables keep the given order.
  const auto mixed = tabula::dependency_order<Tag, Chapter, Model, Book, Experiment, Tag>();
  std::vector<std::string> names;
  for (const tabula::table_info* t : mixed) names.push_back(t->def.name);
  CHECK(names == strings({"tag", "models", "book", "chapter", "experiment"}));

  const auto alone = tabula::dependency_order<Experiment>();
  REQUIRE(alone.size() == 1);
  CHECK(alone[0] == &tabula::table_of<Experiment>());
}

TEST_CASE("dependency_order names the tables of a cycle") {
  CHECK_THROWS_AS((tabula::dependency_order<Book, Hen, Egg>()), tabula::programming_error);
  CHECK_THROWS_WITH((tabula::dependency_order<Hen, Egg>()),
                    Catch::Contains("\"hen\" -> \"egg\" -> \"hen\""));
  CHECK_THROWS_WITH((tabula::dependency_order<Egg, Hen, Book>()),
                    Catch::Contains("\"egg\" -> \"hen\" -> \"egg\""));
}

namespace naming {
// Doubling underscores cannot tell table "a_" + column "b" from table "a" + column "_b".
struct EdgeLeft {
  std::int64_t id = 0;
  std::string b;
};
struct EdgeRight {
  std::int64_t id = 0;
  std::string b;
};
// Two constraints of one table with one name.
struct Clash {
  std::int64_t id = 0;
  std::string x;
};
// A table name of two-byte characters: a cut at 54 bytes would split one.
struct Accented {
  std::int64_t id = 0;
  std::string note;
};
}  // namespace naming

template <>
struct tabula::schema<naming::EdgeLeft> {
  static constexpr auto table = "a_";
  static constexpr auto options = tabula::options(tabula::index(&naming::EdgeLeft::b));
};
template <>
struct tabula::schema<naming::EdgeRight> {
  static constexpr auto table = "a";
  static constexpr auto options = tabula::options(tabula::column_name(&naming::EdgeRight::b, "_b"),
                                                  tabula::index(&naming::EdgeRight::b));
};
template <>
struct tabula::schema<naming::Clash> {
  static constexpr auto options = tabula::options(tabula::unique(&naming::Clash::x).named("same"),
                                                  tabula::check("same", "x <> ''"));
};
template <>
struct tabula::schema<naming::Accented> {
  // 40 x "é" (2 bytes each), 80 bytes: built at run time, as a constant name this long does
  // not compile.
  static inline const std::string table = [] {
    std::string name;
    for (int i = 0; i < 40; ++i) name += "\xC3\xA9";
    return name;
  }();
  static constexpr auto options = tabula::options(tabula::index(&naming::Accented::note));
};

TEST_CASE("a part beginning or ending in an underscore adds a hash of the parts") {
  const std::string& left = tabula::table_of<naming::EdgeLeft>().def.indexes.at(0).name;
  const std::string& right = tabula::table_of<naming::EdgeRight>().def.indexes.at(0).name;
  // "ix_a___b", "_" and 8 hex digits of FNV-1a over "2:a_:1:b" and "1:a:2:_b" (pinned: a
  // database keeps the names it was created with).
  CHECK(left == "ix_a___b_a72d6e04");
  CHECK(right == "ix_a___b_f005d988");
}

TEST_CASE("a name over 63 bytes is cut at a character boundary and ends in a hash") {
  const std::string& name = tabula::table_of<naming::Accented>().def.indexes.at(0).name;
  // "ix_" and 25 whole characters (53 bytes; 54 would split the 26th), "_", 8 hex digits.
  CHECK(name.size() == 62);
  CHECK(name.substr(0, 53) == "ix_" + tabula::table_of<naming::Accented>().def.name.substr(0, 50));
  CHECK(name[53] == '_');
  CHECK(name.find_first_not_of("0123456789abcdef", 54) == std::string::npos);
}

TEST_CASE("check_schema_names: over-long names and names shared by two objects") {
  const tabula::table_info* accented = &tabula::table_of<naming::Accented>();
  const tabula::table_info* left = &tabula::table_of<naming::EdgeLeft>();
  const std::vector<const tabula::table_info*> tables{accented, left};
  CHECK_NOTHROW(tabula::detail::check_schema_names(tables, 0));  // no limit: SQLite
  CHECK_THROWS_WITH(tabula::detail::check_schema_names(tables, 63),
                    Catch::Contains("table name") && Catch::Contains("80 bytes long"));
  CHECK_THROWS_AS(tabula::detail::check_table_name(*accented, 63), tabula::programming_error);
  CHECK_NOTHROW(tabula::detail::check_table_name(*left, 63));

  const std::vector<const tabula::table_info*> twice{left, left};
  CHECK_THROWS_WITH(tabula::detail::check_schema_names(twice, 0),
                    Catch::Contains("the table \"a_\" and the table \"a_\" are both named"));
  const std::vector<const tabula::table_info*> clash{&tabula::table_of<naming::Clash>()};
  CHECK_THROWS_WITH(tabula::detail::check_schema_names(clash, 0),
                    Catch::Contains("the UNIQUE constraint (x) of table \"clash\" and the CHECK "
                                    "constraint number 1 of table \"clash\" are both named "
                                    "\"same\", and constraint names must differ within a table"));
}

namespace {
/// The order of the models' tables for writing rows: table names, and "table.column" of each
/// deferred foreign-key column.
template <class... Ts>
std::pair<std::vector<std::string>, std::vector<std::string>> write_order() {
  const auto order = tabula::detail::order_by_dependencies(
      {&tabula::table_of<Ts>()...}, tabula::detail::on_cycle::defer_nullable);
  std::pair<std::vector<std::string>, std::vector<std::string>> out;
  for (const tabula::table_info* t : order.tables) {
    out.first.push_back(t->def.name);
    for (std::size_t f : order.deferred_fields(*t)) {
      out.second.push_back(t->def.name + "." + t->def.columns[f].name);
    }
  }
  return out;
}
}  // namespace

TEST_CASE("a cycle is broken at its first nullable foreign key for writing rows") {
  // Both nullable: the first table goes first, its reference set afterwards.
  CHECK(write_order<Pilot, Plane>().first == strings({"pilot", "plane"}));
  CHECK(write_order<Pilot, Plane>().second == strings({"pilot.plane_id"}));
  CHECK(write_order<Plane, Pilot>().first == strings({"plane", "pilot"}));
  CHECK(write_order<Plane, Pilot>().second == strings({"plane.pilot_id"}));

  // Only one is nullable: it is the one deferred, whichever table is named first.
  CHECK(write_order<Player, Team>().first == strings({"team", "player"}));
  CHECK(write_order<Player, Team>().second == strings({"team.captain_id"}));
  CHECK(write_order<Team, Player>().second == strings({"team.captain_id"}));

  // Two cycles: Route -> Stop is broken first, but Stop -> Route has to be broken as well and
  // then Stop goes before Route anyway, so Route's reference needs no second step.
  const auto loops = write_order<Route, Stop, Depot>();
  CHECK(loops.first == strings({"stop", "depot", "route"}));
  CHECK(loops.second == strings({"stop.route_id"}));

  // No cycle, no deferral: a reference to itself is not a cycle between tables.
  CHECK(write_order<Lesson, Chapter, Book>().first == strings({"book", "chapter", "lesson"}));
  CHECK(write_order<Lesson, Chapter, Book>().second.empty());
  CHECK(write_order<Pilot>().second.empty());
}

TEST_CASE("a cycle with no nullable foreign key is refused, naming its tables") {
  CHECK_THROWS_AS((write_order<Hen, Egg>()), tabula::programming_error);
  CHECK_THROWS_WITH((write_order<Book, Egg, Hen>()),
                    Catch::StartsWith("tabula: ") &&
                        Catch::Contains("no nullable foreign key: \"egg\" -> \"hen\" -> \"egg\"") &&
                        Catch::Contains("std::optional"));
  // For CREATE TABLE a nullable cycle is refused all the same.
  CHECK_THROWS_WITH((tabula::dependency_order<Pilot, Plane>()),
                    Catch::Contains("\"pilot\" -> \"plane\" -> \"pilot\"") &&
                        Catch::Contains("create these tables yourself"));
}
