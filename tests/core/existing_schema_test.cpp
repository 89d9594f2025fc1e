// Mapping a database that exists already: a small music store created by hand-written SQL
// (PascalCase names, a composite key, a key referring to its own table, a second schema — an
// attached database on SQLite — and a view), mapped with naming policies in a few lines, then
// read, written through the engine and a session, and deleted; every write checked by SQL.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

namespace store {

struct Artist {
  std::int64_t artist_id = 0;
  std::string name{};
};
struct Album {
  std::int64_t album_id = 0;
  std::string title{};
  std::int64_t artist_id = 0;
  tabula::one<Artist> artist{};
};
struct Track {
  std::int64_t track_id = 0;
  std::string name{};
  std::int64_t album_id = 0;
  double unit_price = 0;
  tabula::one<Album> album{};
};
struct Staff {  // the table is "Employee"
  std::int64_t employee_id = 0;
  std::string last_name{};
  std::string first_name{};
  std::optional<std::int64_t> reports_to{};
};
struct Playlist {
  std::int64_t playlist_id = 0;
  std::string name{};
};
struct PlaylistTrack {
  std::int64_t playlist_id = 0;
  std::int64_t track_id = 0;
};
struct Invoice {  // TIMESTAMP and NUMERIC columns read as text and double
  std::int64_t invoice_id = 0;
  std::string invoice_date{};
  double total = 0;
};
struct MediaType {  // created by create_all, in the second schema
  std::int64_t media_type_id = 0;
  std::string name{};
};
struct EmployeeDirectory {  // a view
  std::int64_t employee_id = 0;
  std::string full_name{};
  std::optional<std::string> manager_name{};
};

// What every table of the store shares, and what the catalog's tables add.
struct store_tables {
  static constexpr auto naming = tabula::naming_policy::pascal_case;
};
struct catalog_tables : store_tables {
  static constexpr auto schema_name = "catalog";
};

}  // namespace store

using namespace store;  // NOLINT(google-build-using-namespace)

template <>
struct tabula::schema<Artist> : catalog_tables {
  static constexpr auto options = tabula::options(tabula::primary_key(&Artist::artist_id));
};
template <>
struct tabula::schema<Album> : catalog_tables {
  static constexpr auto options =
      tabula::options(tabula::primary_key(&Album::album_id),
                      tabula::foreign_key(&Album::artist_id, &Artist::artist_id));
};
template <>
struct tabula::schema<Track> : store_tables {
  static constexpr auto options = tabula::options(
      tabula::primary_key(&Track::track_id), tabula::column_name(&Track::name, "TrackName"),
      tabula::foreign_key(&Track::album_id, &Album::album_id));
};
template <>
struct tabula::schema<Staff> : store_tables {
  static constexpr auto table = "Employee";
  static constexpr auto options =
      tabula::options(tabula::primary_key(&Staff::employee_id),
                      tabula::foreign_key(&Staff::reports_to, &Staff::employee_id));
};
template <>
struct tabula::schema<Playlist> : store_tables {
  static constexpr auto options = tabula::options(tabula::primary_key(&Playlist::playlist_id));
};
template <>
struct tabula::schema<PlaylistTrack> : store_tables {
  static constexpr auto options =
      tabula::options(tabula::primary_key(&PlaylistTrack::playlist_id, &PlaylistTrack::track_id),
                      tabula::foreign_key(&PlaylistTrack::playlist_id, &Playlist::playlist_id),
                      tabula::foreign_key(&PlaylistTrack::track_id, &Track::track_id));
};
template <>
struct tabula::schema<Invoice> : store_tables {
  static constexpr auto options = tabula::options(tabula::primary_key(&Invoice::invoice_id));
};
template <>
struct tabula::schema<MediaType> : catalog_tables {
  static constexpr auto options =
      tabula::options(tabula::primary_key(&MediaType::media_type_id),
                      tabula::index(&MediaType::name), tabula::unique(&MediaType::name));
};
template <>
struct tabula::schema<EmployeeDirectory> : store_tables {
  static constexpr bool read_only = true;
  static constexpr auto options =
      tabula::options(tabula::primary_key(&EmployeeDirectory::employee_id));
};

namespace {

bool on_sqlite() { return tabula::test::backend() == "sqlite"; }

/// The file attached as schema "catalog" on SQLite.
const std::string& catalog_file() {
  static const std::string path = [] {
    std::string p = tabula::test::database_url().substr(std::string_view("sqlite://").size());
    p += "-catalog";
    std::remove(p.c_str());
    return p;
  }();
  return path;
}

tabula::engine make_engine() {
  tabula::engine_options options;
  if (on_sqlite()) {
    // Every connection of the pool sees the catalog under its schema name.
    options.on_connect = [](tabula::driver::connection& c) {
      c.execute("ATTACH DATABASE '" + catalog_file() + "' AS \"catalog\"");
    };
  }
  return tabula::engine(tabula::test::database_url(), options);
}

tabula::engine& db() {
  static tabula::engine e = make_engine();
  return e;
}

/// The store as another program made it: hand-written DDL, a few rows.
void create_store() {
  static bool created = false;
  if (created) return;
  created = true;
  const bool lite = on_sqlite();
  const std::string key = lite ? "INTEGER PRIMARY KEY" : "SERIAL PRIMARY KEY";
  if (!lite) db().execute("CREATE SCHEMA \"catalog\"");
  db().execute("CREATE TABLE \"catalog\".\"Artist\" (\"ArtistId\" " + key +
               ", \"Name\" VARCHAR(120) NOT NULL)");
  db().execute("CREATE TABLE \"catalog\".\"Album\" (\"AlbumId\" " + key +
               ", \"Title\" VARCHAR(160) NOT NULL, \"ArtistId\" INTEGER NOT NULL REFERENCES " +
               (lite ? "\"Artist\"" : "\"catalog\".\"Artist\"") + " (\"ArtistId\"))");
  // SQLite keeps a foreign key within its database: Track -> catalog.Album exists on
  // PostgreSQL only.
  db().execute("CREATE TABLE \"Track\" (\"TrackId\" " + key +
               ", \"TrackName\" VARCHAR(200) NOT NULL, \"AlbumId\" INTEGER NOT NULL" +
               (lite ? "" : " REFERENCES \"catalog\".\"Album\" (\"AlbumId\")") +
               ", \"UnitPrice\" NUMERIC(10,2) NOT NULL)");
  db().execute("CREATE TABLE \"Employee\" (\"EmployeeId\" " + key +
               ", \"LastName\" VARCHAR(20) NOT NULL, \"FirstName\" VARCHAR(20) NOT NULL, "
               "\"ReportsTo\" INTEGER REFERENCES \"Employee\" (\"EmployeeId\"))");
  db().execute("CREATE TABLE \"Playlist\" (\"PlaylistId\" " + key + ", \"Name\" VARCHAR(120))");
  db().execute(
      "CREATE TABLE \"PlaylistTrack\" (\"PlaylistId\" INTEGER NOT NULL REFERENCES "
      "\"Playlist\" (\"PlaylistId\"), \"TrackId\" INTEGER NOT NULL REFERENCES \"Track\" "
      "(\"TrackId\"), PRIMARY KEY (\"PlaylistId\", \"TrackId\"))");
  db().execute("CREATE TABLE \"Invoice\" (\"InvoiceId\" " + key +
               ", \"InvoiceDate\" TIMESTAMP NOT NULL, \"Total\" NUMERIC(10,2) NOT NULL)");
  db().execute(
      "CREATE VIEW \"EmployeeDirectory\" AS SELECT e.\"EmployeeId\", e.\"FirstName\" || ' ' || "
      "e.\"LastName\" AS \"FullName\", m.\"LastName\" AS \"ManagerName\" FROM \"Employee\" e "
      "LEFT JOIN \"Employee\" m ON m.\"EmployeeId\" = e.\"ReportsTo\"");

  db().execute("INSERT INTO \"catalog\".\"Artist\" (\"Name\") VALUES ('AC/DC'), ('Accept')");
  db().execute(
      "INSERT INTO \"catalog\".\"Album\" (\"Title\", \"ArtistId\") VALUES ('For Those About To "
      "Rock', 1), ('Balls to the Wall', 2)");
  db().execute(
      "INSERT INTO \"Track\" (\"TrackName\", \"AlbumId\", \"UnitPrice\") VALUES "
      "('For Those About To Rock', 1, 0.99), ('Put The Finger On You', 1, 0.99), "
      "('Balls to the Wall', 2, 1.29)");
  db().execute(
      "INSERT INTO \"Employee\" (\"LastName\", \"FirstName\", \"ReportsTo\") VALUES "
      "('Adams', 'Andrew', NULL), ('Edwards', 'Nancy', 1)");
  db().execute("INSERT INTO \"Playlist\" (\"Name\") VALUES ('Music')");
  db().execute(
      "INSERT INTO \"Invoice\" (\"InvoiceDate\", \"Total\") VALUES ('2009-01-01 00:00:00', 1.98)");
  db().execute("INSERT INTO \"PlaylistTrack\" VALUES (1, 1), (1, 3)");
}

std::int64_t count_sql(const std::string& sql) { return db().sql<std::int64_t>(sql).one(); }

}  // namespace

TEST_CASE("the names a policy gives, overridden by table and column_name") {
  CHECK(tabula::table_name<Artist>() == "Artist");
  CHECK(tabula::table_of<Artist>().def.schema == "catalog");
  CHECK(tabula::column_name(&Artist::artist_id) == "ArtistId");
  CHECK(tabula::column_name(&Track::unit_price) == "UnitPrice");
  CHECK(tabula::column_name(&Track::name) == "TrackName");  // column_name wins
  CHECK(tabula::table_name<Staff>() == "Employee");         // table wins
  CHECK(tabula::column_name(&Staff::reports_to) == "ReportsTo");
  CHECK(tabula::table_of<Track>().def.schema.empty());
  CHECK(tabula::table_of<EmployeeDirectory>().read_only);
}

TEST_CASE("db.dialect(): the database's name and what it can do") {
  const tabula::dialect& d = db().dialect();
  CHECK(d.name() == tabula::test::backend());
  CHECK(db().connect().dialect().name() == d.name());
  CHECK(d.capabilities().returning);
  CHECK(d.capabilities().savepoints);
  CHECK(d.capabilities().copy == !on_sqlite());
  CHECK(d.capabilities().max_params == (on_sqlite() ? 32766U : 7499U));
}

TEST_CASE("reading an existing schema: queries, both schemas, the view, relationships") {
  create_store();
  using tabula::col;
  const auto tracks = db().query<Track>().order_by(tabula::asc(&Track::track_id)).all();
  REQUIRE(tracks.size() == 3);
  CHECK(tracks[0].name == "For Those About To Rock");
  CHECK(tracks[2].unit_price == Approx(1.29));

  const auto albums = db().query<Album>().where(col(&Album::artist_id) == 2).all();
  REQUIRE(albums.size() == 1);
  CHECK(albums[0].title == "Balls to the Wall");

  // A join across the two schemas.
  const auto rows = db().select(col(&Track::name), col(&Artist::name))
                        .from<Track>()
                        .join<Album>(col(&Album::album_id) == col(&Track::album_id))
                        .join<Artist>(col(&Artist::artist_id) == col(&Album::artist_id))
                        .where(col(&Artist::name) == "Accept")
                        .all();
  REQUIRE(rows.size() == 1);
  CHECK(std::get<0>(rows[0]) == "Balls to the Wall");

  // The view, read like a table.
  const auto directory =
      db().query<EmployeeDirectory>().order_by(tabula::asc(&EmployeeDirectory::employee_id)).all();
  REQUIRE(directory.size() == 2);
  CHECK(directory[1].full_name == "Nancy Edwards");
  CHECK(directory[1].manager_name == std::optional<std::string>("Adams"));
  CHECK_FALSE(directory[0].manager_name.has_value());

  // Relationships followed from one schema into the other.
  auto s = db().session();
  std::vector<Track*> loaded = s.query<Track>().order_by(tabula::asc(&Track::track_id)).all();
  s.load(loaded, &Track::album, &Album::artist);
  REQUIRE(loaded.size() == 3);
  CHECK(loaded[2]->album->title == "Balls to the Wall");
  CHECK(loaded[2]->album->artist->name == "Accept");

  // create_all over the existing tables creates nothing new and leaves the view alone.
  db().create_all<Playlist, PlaylistTrack, EmployeeDirectory>();
  CHECK(db().query<EmployeeDirectory>().count() == 2);
}

TEST_CASE("writing through the engine: insert, insert_many, update_row, remove, typed DML") {
  create_store();
  using tabula::col;
  Artist artist{.name = "Aerosmith"};
  std::vector<std::string> statements;
  db().set_echo([&](std::string_view sql) { statements.emplace_back(sql); });
  db().insert(artist);  // a generated key read back from "catalog"."Artist"
  db().set_echo({});
  REQUIRE(statements.size() == 1);
  CHECK(statements[0] == (on_sqlite()
                              ? R"(INSERT INTO "catalog"."Artist" ("Name") VALUES (?1))"
                              : R"(INSERT INTO "catalog"."Artist" ("Name") VALUES ($1) RETURNING "ArtistId")"));
  CHECK(artist.artist_id > 2);
  CHECK(count_sql("SELECT COUNT(*) FROM \"catalog\".\"Artist\" WHERE \"Name\" = 'Aerosmith' AND "
                  "\"ArtistId\" = " +
                  std::to_string(artist.artist_id)) == 1);

  std::vector<Album> albums{{.title = "Big Ones", .artist_id = artist.artist_id},
                            {.title = "Pump", .artist_id = artist.artist_id}};
  db().insert_many(albums);  // keys read back
  CHECK(albums[1].album_id > albums[0].album_id);
  const std::vector<Album> more{{.title = "Permanent Vacation", .artist_id = artist.artist_id},
                                {.title = "Get a Grip", .artist_id = artist.artist_id}};
  statements.clear();
  db().set_echo([&](std::string_view sql) { statements.emplace_back(sql); });
  db().insert_many(more, tabula::skip_keys);
  db().set_echo({});
  if (!on_sqlite()) {
    CHECK(std::find(statements.begin(), statements.end(),
                    R"(COPY "catalog"."Album" ("Title", "ArtistId") FROM STDIN)") !=
          statements.end());
  }
  CHECK(count_sql("SELECT COUNT(*) FROM \"catalog\".\"Album\" WHERE \"ArtistId\" = " +
                  std::to_string(artist.artist_id)) == 4);

  Track track{.name = "Amazing", .album_id = albums[0].album_id, .unit_price = 0.99};
  db().insert(track);
  track.unit_price = 1.49;
  CHECK(db().update_row(track));
  CHECK(count_sql("SELECT COUNT(*) FROM \"Track\" WHERE \"TrackName\" = 'Amazing' AND "
                  "\"UnitPrice\" > 1.4") == 1);

  CHECK(db().update<Album>()
            .set(col(&Album::title) = "Pump (Remastered)")
            .where(col(&Album::album_id) == albums[1].album_id)
            .execute() == 1);
  CHECK(count_sql("SELECT COUNT(*) FROM \"catalog\".\"Album\" WHERE \"Title\" = "
                  "'Pump (Remastered)'") == 1);

  CHECK(db().remove(track));
  CHECK(db().delete_from<Album>().where(col(&Album::artist_id) == artist.artist_id).execute() == 4);
  CHECK(db().remove(artist));
  CHECK(count_sql("SELECT COUNT(*) FROM \"catalog\".\"Artist\" WHERE \"Name\" = 'Aerosmith'") == 0);
  CHECK(count_sql("SELECT COUNT(*) FROM \"Track\" WHERE \"TrackName\" = 'Amazing'") == 0);
}

TEST_CASE("writing through a session: a self-reference, a composite key, both schemas") {
  create_store();
  using tabula::col;
  auto s = db().session();
  Staff& boss = s.add(Staff{.last_name = "Mitchell", .first_name = "Michael"});
  s.commit();
  Staff& clerk =
      s.add(Staff{.last_name = "King", .first_name = "Robert", .reports_to = boss.employee_id});
  Artist& artist = s.add(Artist{.name = "Alanis Morissette"});
  s.commit();
  CHECK(count_sql("SELECT COUNT(*) FROM \"Employee\" WHERE \"LastName\" = 'King' AND "
                  "\"ReportsTo\" = " +
                  std::to_string(boss.employee_id)) == 1);
  CHECK(count_sql("SELECT COUNT(*) FROM \"catalog\".\"Artist\" WHERE \"ArtistId\" = " +
                  std::to_string(artist.artist_id)) == 1);

  // The view sees the new rows.
  const auto* row = s.get<EmployeeDirectory>(clerk.employee_id);
  REQUIRE(row != nullptr);
  CHECK(row->manager_name == std::optional<std::string>("Mitchell"));

  PlaylistTrack& entry = s.add(PlaylistTrack{.playlist_id = 1, .track_id = 2});
  s.commit();
  CHECK(count_sql("SELECT COUNT(*) FROM \"PlaylistTrack\" WHERE \"PlaylistId\" = 1") == 3);

  clerk.first_name = "Bob";
  artist.name = "Alanis";
  s.commit();
  CHECK(count_sql("SELECT COUNT(*) FROM \"Employee\" WHERE \"FirstName\" = 'Bob'") == 1);
  CHECK(count_sql("SELECT COUNT(*) FROM \"catalog\".\"Artist\" WHERE \"Name\" = 'Alanis'") == 1);

  s.remove(entry);
  s.remove(clerk);
  s.remove(artist);
  s.commit();
  s.remove(boss);
  s.commit();
  CHECK(count_sql("SELECT COUNT(*) FROM \"PlaylistTrack\" WHERE \"PlaylistId\" = 1") == 2);
  CHECK(count_sql("SELECT COUNT(*) FROM \"Employee\" WHERE \"LastName\" IN ('King', "
                  "'Mitchell')") == 0);
  CHECK(count_sql("SELECT COUNT(*) FROM \"catalog\".\"Artist\" WHERE \"Name\" = 'Alanis'") == 0);
}

TEST_CASE("TIMESTAMP read and written as text, NUMERIC as double") {
  create_store();
  const auto first = db().get<Invoice>(1);
  REQUIRE(first.has_value());
  CHECK(first->invoice_date == "2009-01-01 00:00:00");
  CHECK(first->total == Approx(1.98));
  Invoice added{.invoice_date = "2024-05-01 10:30:00", .total = 13.86};
  db().insert(added);
  CHECK(count_sql("SELECT COUNT(*) FROM \"Invoice\" WHERE \"InvoiceDate\" = '2024-05-01 "
                  "10:30:00' AND \"Total\" = 13.86") == 1);
  CHECK(db().get<Invoice>(added.invoice_id)->invoice_date == "2024-05-01 10:30:00");
  CHECK(db().remove(added));
}

TEST_CASE("a changed object of a read-only model is refused at the flush, not written") {
  create_store();
  auto s = db().session();
  std::vector<EmployeeDirectory*> rows = s.query<EmployeeDirectory>().all();
  REQUIRE_FALSE(rows.empty());
  const std::string before = rows[0]->full_name;
  rows[0]->full_name = "Someone Else";
  CHECK_THROWS_AS(s.commit(), tabula::programming_error);
  CHECK_THROWS_WITH(s.flush(), Catch::Contains("read-only"));
  s.expunge(*rows[0]);
  s.commit();  // the session stays usable
  CHECK(count_sql("SELECT COUNT(*) FROM \"EmployeeDirectory\" WHERE \"FullName\" = '" + before +
                  "'") == 1);
}

TEST_CASE("create_all and drop_all of a model in the second schema, with its index") {
  create_store();
  const std::string catalog_index =
      on_sqlite() ? "SELECT COUNT(*) FROM \"catalog\".sqlite_master WHERE type = 'index' AND "
                    "name = 'ix_MediaType_Name'"
                  : "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = 'catalog' AND indexname = "
                    "'ix_MediaType_Name'";
  db().create_all<MediaType>();
  CHECK(count_sql(catalog_index) == 1);
  MediaType mp3{.name = "MPEG audio file"};
  db().insert(mp3);
  CHECK(count_sql("SELECT COUNT(*) FROM \"catalog\".\"MediaType\" WHERE \"Name\" = "
                  "'MPEG audio file'") == 1);
  MediaType again{.name = "MPEG audio file"};
  CHECK_THROWS_AS(db().insert(again), tabula::unique_violation);
  db().create_all<MediaType>();  // IF NOT EXISTS: the index found under its own table
  db().drop_all<MediaType>();
  CHECK(count_sql(catalog_index) == 0);
}
