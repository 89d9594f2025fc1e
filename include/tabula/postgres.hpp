#pragma once
/// \file postgres.hpp
/// The PostgreSQL driver over libpq (CMake target `tabula::postgres`). Including this header in
/// any source file of a program that links `tabula::postgres` registers the URL schemes
/// "postgresql" and "postgres", so that `tabula::engine("postgresql://user@host/db")` and
/// `tabula::driver::connect` find it:
///
///     #include <tabula/postgres.hpp>
///     auto conn = tabula::driver::connect(
///         tabula::driver::parse_url("postgresql://app@localhost/app"));
///
/// Statements are prepared once per connection and exchange values in PostgreSQL's binary
/// format; a parameter takes the type the server infers for it (an integer out of a smallint's
/// range is a `conversion_error` before anything is sent). Read as text, numbers print as
/// PostgreSQL prints them, timestamps as `YYYY-MM-DD HH:MM:SS[.ffffff]` (timestamptz in UTC),
/// and types without a binary reader (arrays, intervals, enums, ...) in PostgreSQL's own text
/// form. The client encoding is UTF-8. A connection is used by one thread at a time.

#include "tabula/driver/driver.hpp"
#include "tabula/driver/url.hpp"

namespace tabula::driver {

/// Connects to a PostgreSQL server: the fields of `u` and its `params` are libpq connection
/// keywords (`sslmode`, `connect_timeout`, `application_name`, ...). Throws
/// `operational_error` when the server cannot be reached or refuses the connection.
[[nodiscard]] owned<connection> connect_postgres(const url& u);

/// Registers `connect_postgres` for the schemes "postgresql" and "postgres". Including this
/// header does it.
void register_postgres_driver();

}  // namespace tabula::driver

namespace tabula::detail {
/// Registers the driver during static initialisation of every program that includes this
/// header; an inline variable, so it runs once however many files include it.
[[maybe_unused]] inline const bool postgres_driver_registered =
    (driver::register_postgres_driver(), true);
}  // namespace tabula::detail
