// Names and schemas without a database: how each naming policy spells table and column names,
// explicit names winning over a policy, constraint and index names made from the final names,
// and a schema quoted in DDL, queries and DML on SQLite and PostgreSQL.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/dry_sql.hpp"

using tabula::col;
using tabula::test::sql_of;
using tabula::test::sql_pair;

namespace naming_test {

struct HTTPServerLog {
  std::int64_t id = 0;
  std::string userAgent{};
  std::int32_t response_code = 0;
};
struct AsDeclared {
  std::int64_t id = 0;
  std::string userAgent{};
};

struct InvoiceLine {
  std::int64_t invoice_line_id = 0;
  std::int64_t invoice_id = 0;
  double unit_price = 0;
  std::string note{};
};
struct Invoice {
  std::int64_t invoice_id = 0;
  std::optional<std::int64_t> corrects_invoice_id{};
};
struct Genre {
  std::int64_t genre_id = 0;
  std::string name{};
};

}  // namespace naming_test

using namespace naming_test;  // NOLINT(google-build-using-namespace)

template <>
struct tabula::schema<HTTPServerLog> {
  static constexpr auto naming = tabula::naming_policy::camel_case;
};

// In schema "sales", PascalCase; the key of an invoice refers to another invoice, a line to its
// invoice (same schema) and to a genre (default schema).
struct sales_tables {
  static constexpr auto naming = tabula::naming_policy::pascal_case;
  static constexpr auto schema_name = "sales";
};
template <>
struct tabula::schema<Invoice> : sales_tables {
  static constexpr auto options = tabula::options(
      tabula::primary_key(&Invoice::invoice_id),
      tabula::foreign_key(&Invoice::corrects_invoice_id, &Invoice::invoice_id));
};
template <>
struct tabula::schema<InvoiceLine> : sales_tables {
  static constexpr auto options = tabula::options(
      tabula::primary_key(&InvoiceLine::invoice_line_id),
      tabula::column_name(&InvoiceLine::note, "line_note"),
      tabula::foreign_key(&InvoiceLine::invoice_id, &Invoice::invoice_id),
      tabula::index(&InvoiceLine::invoice_id), tabula::unique(&InvoiceLine::note));
};
template <>
struct tabula::schema<Genre> {
  static constexpr auto table = "genres";  // wins over the policy
  static constexpr auto naming = tabula::naming_policy{.tables = tabula::name_case::upper,
                                                .columns = tabula::name_case::snake_case};
  static constexpr auto options = tabula::options(tabula::primary_key(&Genre::genre_id));
};

namespace {

using tabula::name_case;
using tabula::detail::spell_name;

sql_pair ddl(const tabula::table_info& t, std::size_t statement) {
  const auto statements = tabula::detail::create_statements(t);
  return {tabula::sqlite_dialect().compile(statements.at(statement)).text,
          tabula::postgres_dialect().compile(statements.at(statement)).text};
}

}  // namespace

TEST_CASE("each spelling of a name") {
  const std::vector<std::string> names{"HTTPServerLog", "InvoiceLine", "unit_price", "userAgent",
                                       "id"};
  const auto spelled = [&](name_case c) {
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(spell_name(n, c));
    return out;
  };
  using v = std::vector<std::string>;
  CHECK(spelled(name_case::as_declared) == names);
  CHECK(spelled(name_case::snake_case) ==
        v{"http_server_log", "invoice_line", "unit_price", "user_agent", "id"});
  CHECK(spelled(name_case::pascal_case) ==
        v{"HttpServerLog", "InvoiceLine", "UnitPrice", "UserAgent", "Id"});
  CHECK(spelled(name_case::camel_case) ==
        v{"httpServerLog", "invoiceLine", "unitPrice", "userAgent", "id"});
  CHECK(spelled(name_case::lower) ==
        v{"httpserverlog", "invoiceline", "unit_price", "useragent", "id"});
  CHECK(spelled(name_case::upper) ==
        v{"HTTPSERVERLOG", "INVOICELINE", "UNIT_PRICE", "USERAGENT", "ID"});
}

TEST_CASE("a model's policy names its table and columns; explicit names win") {
  CHECK(tabula::table_name<HTTPServerLog>() == "httpServerLog");
  CHECK(tabula::column_name(&HTTPServerLog::response_code) == "responseCode");
  CHECK(tabula::column_name(&HTTPServerLog::userAgent) == "userAgent");
  // Without a policy: the table in snake_case, the columns as declared.
  CHECK(tabula::table_name<AsDeclared>() == "as_declared");
  CHECK(tabula::column_name(&AsDeclared::userAgent) == "userAgent");

  CHECK(tabula::table_name<InvoiceLine>() == "InvoiceLine");
  CHECK(tabula::column_name(&InvoiceLine::unit_price) == "UnitPrice");
  CHECK(tabula::column_name(&InvoiceLine::note) == "line_note");
  CHECK(tabula::table_name<Genre>() == "genres");
  CHECK(tabula::column_name(&Genre::genre_id) == "genre_id");
}

TEST_CASE("DDL of a model in a schema: qualified table, constraints from the final names") {
  const auto& line = tabula::table_of<InvoiceLine>();
  CHECK(ddl(line, 0) ==
        sql_pair{
            R"(CREATE TABLE IF NOT EXISTS "sales"."InvoiceLine" ("InvoiceLineId" INTEGER PRIMARY KEY, )"
            R"("InvoiceId" INTEGER NOT NULL, "UnitPrice" REAL NOT NULL, "line_note" TEXT NOT NULL, )"
            R"(CONSTRAINT "uq_InvoiceLine_line__note" UNIQUE ("line_note"), )"
            R"(CONSTRAINT "fk_InvoiceLine_InvoiceId" FOREIGN KEY ("InvoiceId") REFERENCES "Invoice" ("InvoiceId")))",
            R"(CREATE TABLE IF NOT EXISTS "sales"."InvoiceLine" ("InvoiceLineId" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, )"
            R"("InvoiceId" BIGINT NOT NULL, "UnitPrice" DOUBLE PRECISION NOT NULL, "line_note" TEXT NOT NULL, )"
            R"(CONSTRAINT "uq_InvoiceLine_line__note" UNIQUE ("line_note"), )"
            R"(CONSTRAINT "fk_InvoiceLine_InvoiceId" FOREIGN KEY ("InvoiceId") REFERENCES "sales"."Invoice" ("InvoiceId")))"});
  // SQLite names the index in the attached database; PostgreSQL makes it in its table's schema.
  CHECK(ddl(line, 1) ==
        sql_pair{R"(CREATE INDEX IF NOT EXISTS "sales"."ix_InvoiceLine_InvoiceId" ON "InvoiceLine" ("InvoiceId"))",
                 R"(CREATE INDEX IF NOT EXISTS "ix_InvoiceLine_InvoiceId" ON "sales"."InvoiceLine" ("InvoiceId"))"});
  // A key referring to its own table.
  CHECK_THAT(ddl(tabula::table_of<Invoice>(), 0).postgres,
             Catch::Contains(R"(FOREIGN KEY ("CorrectsInvoiceId") REFERENCES "sales"."Invoice" ("InvoiceId"))"));
  CHECK(tabula::postgres_dialect()
            .compile(tabula::detail::drop_statement(tabula::table_of<Invoice>()))
            .text == R"(DROP TABLE IF EXISTS "sales"."Invoice")");
  const tabula::ast::statement drop_index = tabula::ast::drop_index{"ix_a", true, "sales"};
  CHECK(tabula::sqlite_dialect().compile(drop_index).text == R"(DROP INDEX IF EXISTS "sales"."ix_a")");
  CHECK(tabula::postgres_dialect().compile(drop_index).text ==
        R"(DROP INDEX IF EXISTS "sales"."ix_a")");
}

namespace naming_test {
struct Review {
  std::int64_t id = 0;
  std::int64_t genre_id = 0;
};
struct Note {
  std::int64_t id = 0;
  std::int64_t invoice_id = 0;
};
}  // namespace naming_test
template <>
struct tabula::schema<Review> {
  static constexpr auto schema_name = "reviews";
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Review::genre_id, &Genre::genre_id));
};
template <>
struct tabula::schema<Note> {
  static constexpr auto options =
      tabula::options(tabula::foreign_key(&Note::invoice_id, &Invoice::invoice_id));
};

TEST_CASE("a foreign key across schemas: qualified on PostgreSQL, refused on SQLite") {
  const auto& note = tabula::table_of<Note>();
  CHECK_THAT(tabula::postgres_dialect().compile(tabula::detail::create_statements(note).at(0)).text,
             Catch::Contains(R"(REFERENCES "sales"."Invoice" ("InvoiceId"))"));
  CHECK_THROWS_AS(tabula::sqlite_dialect().compile(tabula::detail::create_statements(note).at(0)),
                  tabula::programming_error);
  CHECK_THROWS_WITH(
      tabula::sqlite_dialect().compile(
          tabula::detail::create_statements(tabula::table_of<Review>()).at(0)),
      Catch::Contains(
          R"(table "review" cannot reference "genres" of another attached database ("main"))"));
  CHECK_THAT(tabula::postgres_dialect()
                 .compile(tabula::detail::create_statements(tabula::table_of<Review>()).at(0))
                 .text,
             Catch::Contains(R"(CREATE TABLE IF NOT EXISTS "reviews"."review")") &&
                 Catch::Contains(R"(REFERENCES "genres" ("genre_id"))"));
}

TEST_CASE("queries and DML name the schema; columns are qualified by the table") {
  CHECK(sql_of(tabula::select(col(&InvoiceLine::unit_price))
                   .from<InvoiceLine>()
                   .where(col(&InvoiceLine::invoice_id) == 7)) ==
        sql_pair{R"(SELECT "InvoiceLine"."UnitPrice" FROM "sales"."InvoiceLine" WHERE "InvoiceLine"."InvoiceId" = ?1)",
                 R"(SELECT "InvoiceLine"."UnitPrice" FROM "sales"."InvoiceLine" WHERE "InvoiceLine"."InvoiceId" = $1)"});
  CHECK(sql_of(tabula::insert_into<Invoice>().values(Invoice{.invoice_id = 3})).postgres ==
        R"(INSERT INTO "sales"."Invoice" ("InvoiceId", "CorrectsInvoiceId") VALUES ($1, $2))");
  CHECK(sql_of(tabula::update<Invoice>()
                   .set(col(&Invoice::corrects_invoice_id) = std::optional<std::int64_t>())
                   .where(col(&Invoice::invoice_id) == 3))
            .sqlite ==
        R"(UPDATE "sales"."Invoice" SET "CorrectsInvoiceId" = ?1 WHERE "Invoice"."InvoiceId" = ?2)");
  CHECK(sql_of(tabula::delete_from<Invoice>().where(col(&Invoice::invoice_id) == 3)).postgres ==
        R"(DELETE FROM "sales"."Invoice" WHERE "Invoice"."InvoiceId" = $1)");
  // A self-join through an alias keeps the schema.
  using corrected = tabula::alias<Invoice, "corrected">;
  CHECK(sql_of(tabula::select(col(&Invoice::invoice_id))
                   .from<Invoice>()
                   .join<corrected>(col<corrected>(&Invoice::invoice_id) ==
                                    col(&Invoice::corrects_invoice_id)))
            .postgres ==
        R"(SELECT "Invoice"."InvoiceId" FROM "sales"."Invoice" INNER JOIN "sales"."Invoice" AS "corrected" ON "corrected"."InvoiceId" = "Invoice"."CorrectsInvoiceId")");
}
