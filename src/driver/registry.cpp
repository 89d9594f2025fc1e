// The registry of database drivers by URL scheme, and the driver interface's forwarding
// overloads. Drivers register themselves when a program includes their header (see
// tabula/sqlite.hpp, tabula/postgres.hpp), so the core never names a concrete driver and a new
// one plugs in without touching it.

#include <fmt/format.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "tabula/driver/driver.hpp"
#include "tabula/driver/url.hpp"
#include "tabula/error.hpp"

namespace tabula::driver {

void connection::begin(const transaction_options& options) {
  if (!options.is_default()) {
    detail::throw_error<not_supported_error>(
        "tabula: this driver does not choose isolation, read-only or timeouts per transaction");
  }
  begin();
}

// Out of line: compiling their bodies weighs the constructors of detail::shared, std::span
// and std::string and instantiates detail::owned<bulk_writer>, which would cost every file
// including tabula.
shared<statement> connection::prepare(std::string_view sql) { return prepare(sql, 0); }

owned<bulk_writer> connection::bulk_load(std::string_view /*schema*/, std::string_view /*table*/,
                                         std::span<const std::string> /*columns*/) {
  return {};
}

owned<bulk_writer> connection::bulk_load(std::string_view table,
                                         std::span<const std::string> columns) {
  return bulk_load({}, table, columns);
}

std::string connection::begin_sql(const transaction_options& /*options*/) const {
  return "BEGIN";
}

namespace {

struct registry {
  std::mutex mutex;
  std::map<std::string, connect_function, std::less<>> drivers;
};

// A function-local static, so registration from other translation units' static initialisers
// finds the registry constructed whatever the initialisation order.
registry& the_registry() {
  static registry r;
  return r;
}

[[noreturn]] void throw_no_driver(std::string_view scheme, std::string_view registered) {
  detail::throw_error<programming_error>(fmt::format(
      "no database driver is registered for the URL scheme \"{}\" (registered: {}). Link "
      "tabula::sqlite or tabula::postgres and include <tabula/sqlite.hpp> or "
      "<tabula/postgres.hpp> in the program",
      scheme, registered.empty() ? std::string_view("none") : registered));
}

}  // namespace

void register_driver(std::string_view scheme, connect_function connect) {
  if (scheme.empty() || connect == nullptr) {
    detail::throw_error<programming_error>(
        "register_driver needs a non-empty scheme and a connect function");
  }
  auto& r = the_registry();
  const std::lock_guard lock(r.mutex);
  r.drivers.insert_or_assign(std::string(scheme), connect);
}

connect_function find_driver(std::string_view scheme) {
  auto& r = the_registry();
  std::string registered;
  {
    const std::lock_guard lock(r.mutex);
    if (auto it = r.drivers.find(scheme); it != r.drivers.end()) return it->second;
    for (const auto& [name, fn] : r.drivers) {
      if (!registered.empty()) registered += ", ";
      registered += name;
    }
  }
  throw_no_driver(scheme, registered);
}

owned<connection> connect(const url& u) { return find_driver(u.scheme)(u); }

std::int64_t connection::last_insert_id() const {
  detail::throw_error<not_supported_error>(
      fmt::format("the {} driver does not report generated keys; use RETURNING",
                  dialect_name()));
}

}  // namespace tabula::driver
