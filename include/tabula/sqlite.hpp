#pragma once
/// \file sqlite.hpp
/// The SQLite driver (CMake target `tabula::sqlite`). Including this header in any source file
/// of a program that links `tabula::sqlite` registers the URL scheme "sqlite", so that
/// `tabula::engine("sqlite:///app.db")` and `tabula::driver::connect` find it:
///
///     #include <tabula/sqlite.hpp>
///     auto conn = tabula::driver::connect(tabula::driver::parse_url("sqlite://:memory:"));
///
/// Connections enforce foreign keys (`PRAGMA foreign_keys=ON`) and wait up to 5 s for a lock
/// held by another connection. A URL's query parameters are passed to SQLite as URI parameters
/// (e.g. `sqlite:///app.db?mode=ro`). A connection is used by one thread at a time.

#include "tabula/driver/driver.hpp"
#include "tabula/driver/url.hpp"

namespace tabula::driver {

/// Opens a SQLite database: `u.database` is a file path or ":memory:". Throws
/// `operational_error` when the file cannot be opened.
[[nodiscard]] owned<connection> connect_sqlite(const url& u);

/// Registers `connect_sqlite` for the scheme "sqlite". Including this header does it.
void register_sqlite_driver();

}  // namespace tabula::driver

namespace tabula::detail {
/// Registers the driver during static initialisation of every program that includes this
/// header; an inline variable, so it runs once however many files include it.
[[maybe_unused]] inline const bool sqlite_driver_registered =
    (driver::register_sqlite_driver(), true);
}  // namespace tabula::detail
