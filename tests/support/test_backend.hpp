#pragma once
/// \file test_backend.hpp
/// Which database a behaviour test runs against. Every behaviour test is written once and
/// registered once per backend (see cmake/TabulaTesting.cmake); this tells it which one.

#include <string>
#include <string_view>

namespace tabula::test {

/// "sqlite" or "postgresql", from TABULA_TEST_BACKEND (default "sqlite").
[[nodiscard]] std::string_view backend();

/// The URL of an empty database reserved for this test process on `backend()`:
/// - sqlite: a fresh file under the system temp dir, removed at exit;
/// - postgresql: database `tabula_<TABULA_TEST_NAME>` on the server named by
///   TABULA_TEST_PG_URL, dropped and re-created on first call.
/// Computed once per process.
[[nodiscard]] const std::string& database_url();

}  // namespace tabula::test
