// Hand-written SQL with typed results on a real database: db.sql<Row>(text, args...).

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

using Catch::Matchers::Contains;
using tabula::col;

namespace rawsql {

struct ml_model {
  std::int64_t id = 0;
  std::string name;
  std::string framework;
  std::optional<double> accuracy;
};

/// A struct that is not a model: fields in another order than the query's columns.
struct hit {
  std::string name;
  std::optional<double> accuracy;
  std::int64_t id = 0;
};

/// A model whose field is stored under another column name.
struct renamed {
  std::int64_t id = 0;
  std::string label;
};

}  // namespace rawsql

template <>
struct tabula::schema<rawsql::ml_model> {
  static constexpr auto table = "models";
};
template <>
struct tabula::schema<rawsql::renamed> {
  static constexpr auto table = "models";
  static constexpr auto options = tabula::options(tabula::column_name(&rawsql::renamed::label, "name"));
};

using namespace rawsql;  // NOLINT(google-build-using-namespace)

namespace {

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

bool on_postgres() { return db().backend() == "postgresql"; }

std::vector<ml_model> seed() {
  db().drop_all<ml_model>();
  db().create_all<ml_model>();
  std::vector<ml_model> rows = {
      {0, "BERT", "PyTorch", 0.92},
      {0, "ResNet", "TensorFlow", 0.76},
      {0, "GPT-2", "PyTorch", std::nullopt},
      {0, "T5", "JAX", 0.95},
  };
  for (auto& m : rows) db().insert(m);
  return rows;
}

}  // namespace

TEST_CASE("db.sql<Struct> maps columns to fields by name, in any order") {
  const auto all = seed();
  const auto hits = db().sql<hit>(
                            "SELECT id, accuracy, name FROM models WHERE framework = ? AND "
                            "(accuracy > ? OR accuracy IS NULL) ORDER BY id",
                            "PyTorch", 0.9)
                        .all();
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].id == all[0].id);
  CHECK(hits[0].name == "BERT");
  CHECK(hits[0].accuracy == all[0].accuracy);
  CHECK(hits[1].name == "GPT-2");
  CHECK_FALSE(hits[1].accuracy.has_value());

  // A model reads back whole; `AS` renames a column to its field; case does not matter for
  // unquoted names.
  const auto models = db().sql<ml_model>("SELECT * FROM models ORDER BY id").all();
  REQUIRE(models.size() == all.size());
  CHECK(models[3].name == "T5");
  CHECK(models[3].accuracy == all[3].accuracy);
  const auto upper =
      db().sql<hit>("SELECT ID, NAME, framework AS accuracy FROM models WHERE 1 = 0").all();
  CHECK(upper.empty());  // columns fit (types are checked per value, when rows come)
  const auto aliased = db().sql<hit>("SELECT m.id AS id, m.name || '!' AS name, m.accuracy "
                                     "AS accuracy FROM models AS m WHERE m.id = ?",
                                     all[1].id)
                           .one();
  CHECK(aliased.name == "ResNet!");

  // A field renamed in schema<T> takes the column of its column name.
  const auto r = db().sql<renamed>("SELECT id, name FROM models WHERE id = ?", all[2].id).one();
  CHECK(r.label == "GPT-2");
}

TEST_CASE("db.sql<std::tuple> reads by position; db.sql<value> reads one column") {
  const auto all = seed();
  const auto rows = db().sql<std::tuple<std::string, std::optional<double>>>(
                            "SELECT name, accuracy FROM models ORDER BY id")
                        .all();
  REQUIRE(rows.size() == all.size());
  CHECK(std::get<0>(rows[2]) == "GPT-2");
  CHECK_FALSE(std::get<1>(rows[2]).has_value());

  CHECK(db().sql<std::int64_t>("SELECT count(*) FROM models WHERE framework = ?", "PyTorch")
            .scalar() == 2);
  const auto names = db().sql<std::string>("SELECT name FROM models WHERE accuracy > ? ORDER BY "
                                           "name",
                                           0.8)
                         .all();
  CHECK(names == std::vector<std::string>{"BERT", "T5"});
  const auto acc =
      db().sql<std::optional<double>>("SELECT accuracy FROM models WHERE id = ?", all[2].id).one();
  CHECK_FALSE(acc.has_value());

  // Whole models by position inside a tuple, beside a value.
  const auto pairs = db().sql<std::tuple<ml_model, std::int64_t>>(
                             "SELECT id, name, framework, accuracy, id * 2 FROM models ORDER BY id")
                         .all();
  REQUIRE(pairs.size() == all.size());
  CHECK(std::get<0>(pairs[1]).name == "ResNet");
  CHECK(std::get<1>(pairs[1]) == all[1].id * 2);
}

TEST_CASE("a result that does not fit the row type is a clear programming_error") {
  seed();
  // A field without a column, and a column without a field, are named — with no row too.
  CHECK_THROWS_WITH(db().sql<hit>("SELECT id, name FROM models").all(),
                    Contains("no column named accuracy") && Contains("id, name"));
  CHECK_THROWS_WITH(db().sql<hit>("SELECT id, name, accuracy, framework FROM models").all(),
                    Contains("framework") && Contains("no field of hit reads"));
  CHECK_THROWS_WITH(db().sql<hit>("SELECT id, name AS title, framework FROM models WHERE 1 = 0")
                        .all(),
                    Contains("no column named name, accuracy") && Contains("title, framework"));
  CHECK_THROWS_AS(db().sql<hit>("SELECT id, name, accuracy, id FROM models").first(),
                  tabula::programming_error);

  CHECK_THROWS_WITH(
      (db().sql<std::tuple<std::int64_t, std::string>>("SELECT id FROM models").all()),
      Contains("1 column(s)") && Contains("reads 2"));
  CHECK_THROWS_WITH(
      (db().sql<std::tuple<std::int64_t>>("SELECT id, name FROM models WHERE 1 = 0").all()),
      Contains("2 column(s) (id, name)"));
  CHECK_THROWS_AS(db().sql<std::int64_t>("SELECT id, name FROM models").scalar(),
                  tabula::programming_error);

  // Placeholders and values must match in number.
  CHECK_THROWS_WITH(db().sql<std::int64_t>("SELECT id FROM models WHERE id = ?").all(),
                    Contains("1 placeholder(s) but 0 value(s)"));
  CHECK_THROWS_WITH(db().sql<std::int64_t>("SELECT id FROM models WHERE id = ?", 1, 2).all(),
                    Contains("1 placeholder(s) but 2 value(s)"));
  CHECK_THROWS_AS(db().sql<std::int64_t>("SELECT id FROM models WHERE id = $1", 1).all(),
                  tabula::programming_error);
  // A value that does not convert is the driver's conversion_error.
  CHECK_THROWS_AS(db().sql<std::int64_t>("SELECT name FROM models").all(),
                  tabula::conversion_error);
  // The database still works.
  CHECK(db().sql<std::int64_t>("SELECT count(*) FROM models").scalar() == 4);
}

TEST_CASE("every terminal operation works on db.sql") {
  seed();
  auto q = db().sql<hit>("SELECT id, name, accuracy FROM models WHERE accuracy >= ? ORDER BY id",
                         0.9);
  CHECK(q.count() == 2);
  CHECK(q.exists());
  CHECK(q.first()->name == "BERT");
  CHECK_THROWS_AS(q.one(), tabula::multiple_results_error);
  CHECK_THROWS_AS(q.one_or_none(), tabula::multiple_results_error);
  auto none = db().sql<hit>("SELECT id, name, accuracy FROM models WHERE accuracy > ?;", 2.0);
  CHECK(none.count() == 0);
  CHECK_FALSE(none.exists());
  CHECK_FALSE(none.first().has_value());
  CHECK_FALSE(none.one_or_none().has_value());
  CHECK_THROWS_AS(none.one(), tabula::no_result_error);
  // Text that is not a literal is copied into the statement, which outlives it.
  auto later = [] {
    std::string text = "SELECT count(*) FROM models WHERE framework = ";
    text += "?";
    return db().sql<std::int64_t>(text, std::string("PyTorch"));
  }();
  CHECK(later.scalar() == 2);
  // count() wraps the text: a trailing comment does not swallow the wrapper.
  CHECK(db().sql<std::int64_t>("SELECT id FROM models -- every model").count() == 4);

  // Statements without rows: execute() gives the rows changed.
  CHECK(db().sql("UPDATE models SET accuracy = ? WHERE accuracy IS NULL", 0.5).execute() == 1);
  CHECK(db().sql("DELETE FROM models WHERE framework = ?", "JAX").execute() == 1);
  CHECK(db().sql<std::int64_t>("SELECT count(*) FROM models").scalar() == 3);
  const auto vit = db().sql<std::int64_t>(
                            "INSERT INTO models (name, framework, accuracy) VALUES (?, ?, ?) "
                            "RETURNING id",
                            "ViT", std::string("JAX"), std::optional<double>{})
                       .one();
  CHECK(db().sql<std::string>("SELECT name FROM models WHERE id = ?", vit).one() == "ViT");
  CHECK(db().sql<std::optional<double>>("SELECT accuracy FROM models WHERE name = ?", "ViT")
            .one() == std::nullopt);
}

TEST_CASE("db.sql results stream one row at a time") {
  seed();
  auto conn = db().connect();
  auto tx = conn.begin();
  for (int i = 0; i < 200; ++i) {
    conn.sql("INSERT INTO models (name, framework, accuracy) VALUES (?, ?, ?)",
             "m" + std::to_string(i), "bulk", i / 200.0)
        .execute();
  }
  tx.commit();

  std::int64_t n = 0;
  double sum = 0;
  std::int64_t last_id = 0;
  for (const hit& h :
       db().sql<hit>("SELECT id, name, accuracy FROM models WHERE framework = ? ORDER BY id",
                     "bulk")
           .stream()) {
    CHECK(h.id > last_id);
    last_id = h.id;
    sum += *h.accuracy;
    ++n;
  }
  CHECK(n == 200);
  CHECK(sum == Approx(199 / 2.0));

  // A tuple stream on a connection, stopped early.
  std::int64_t seen = 0;
  for (const auto& [id, name] :
       conn.sql<std::tuple<std::int64_t, std::string>>("SELECT id, name FROM models").stream()) {
    CHECK(id > 0);
    CHECK_FALSE(name.empty());
    if (++seen == 3) break;
  }
  CHECK(seen == 3);
  CHECK(conn.sql<std::int64_t>("SELECT count(*) FROM models").scalar() == 204);
}

TEST_CASE("placeholders in quotes and comments are left alone on the database too") {
  seed();
  const auto row = db().sql<std::tuple<std::string, std::string, std::int64_t>>(
                           "SELECT 'why?' AS \"what?\", /* ? */ CAST(? AS TEXT) AS b, -- ?\n "
                           "CAST(? AS BIGINT) AS c",
                           "x",
                           std::int64_t{7})
                       .one();
  CHECK(std::get<0>(row) == "why?");
  CHECK(std::get<1>(row) == "x");
  CHECK(std::get<2>(row) == 7);
  if (on_postgres()) {
    CHECK(db().sql<std::string>("SELECT $$it's ? here$$::text || ?", "!").one() == "it's ? here!");
    CHECK(db().sql<std::string>(R"(SELECT E'it\'s ?'::text || ?)", "!").one() == "it's ?!");
    CHECK(db().sql<bool>("SELECT '{\"a\": 1}'::jsonb ?? ?", "a").one());
  } else {
    CHECK(db().sql<std::string>("SELECT [select] FROM (SELECT ? AS [select])", "ok").one() == "ok");
  }
}
