// Uses an installed tabula: opens an in-memory SQLite database through the driver registry and
// checks that a statement round-trips a value.
#include <cstdint>
#include <iostream>

#include <tabula/driver/driver.hpp>
#include <tabula/driver/url.hpp>
#include <tabula/sqlite.hpp>

int main() {
  const auto connection = tabula::driver::connect(tabula::driver::parse_url("sqlite://:memory:"));
  const auto statement = connection->prepare("SELECT 6 * 7");
  if (!statement->step()) {
    std::cerr << "consumer: SELECT returned no row\n";
    return 1;
  }
  const std::int64_t answer = statement->get_int64(0);
  if (answer != 42) {
    std::cerr << "consumer: SELECT 6 * 7 returned " << answer << "\n";
    return 1;
  }
  std::cout << "consumer: tabula found, linked and working (6 * 7 = " << answer << ")\n";
  return 0;
}
