#include "support/test_backend.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include <tabula/driver/driver.hpp>
#include <tabula/driver/url.hpp>

// The drivers register their URL schemes through these headers.
#ifdef TABULA_TEST_HAVE_SQLITE
#include <tabula/sqlite.hpp>
#endif
#ifdef TABULA_TEST_HAVE_POSTGRES
#include <tabula/postgres.hpp>
#endif

namespace tabula::test {
namespace {

[[noreturn]] void fail(const std::string& message) { throw std::runtime_error(message); }

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

/// The test's name as a lowercase identifier usable in file and database names: TABULA_TEST_NAME,
/// or the executable's name when the test is run by hand.
std::string test_name() {
  std::string name = env("TABULA_TEST_NAME");
  if (name.empty()) {
    std::error_code ec;
    name = std::filesystem::read_symlink("/proc/self/exe", ec).filename().string();
    if (ec || name.empty()) name = "test";
  }
  for (char& c : name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    } else if (!keep) {
      c = '_';
    }
  }
  return name;
}

/// A SQLite database file that no other process uses, deleted (with its journal files) when the
/// process exits, whichever way `main` returns.
class temp_database_file {
 public:
  temp_database_file() {
    std::random_device random;
    const auto dir = std::filesystem::temp_directory_path();
    // The pid keeps concurrent test processes apart; the random part, reruns with a reused pid.
    for (int attempt = 0; attempt < 100; ++attempt) {
      const auto candidate = dir / ("tabula-" + test_name() + "-" + std::to_string(::getpid()) +
                                    "-" + std::to_string(random() % 1000000) + ".db");
      if (!std::filesystem::exists(candidate)) {
        path_ = candidate;
        return;
      }
    }
    fail("could not find an unused file name under " + dir.string());
  }
  temp_database_file(const temp_database_file&) = delete;
  temp_database_file& operator=(const temp_database_file&) = delete;
  ~temp_database_file() {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      std::error_code ec;  // a file SQLite never created is fine; nothing to report at exit
      std::filesystem::remove(path_.string() + suffix, ec);
    }
  }

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string sqlite_url() {
  static const temp_database_file file;
  return "sqlite:///" + file.path().string();  // absolute path: four slashes in all
}

/// Percent-encodes what could be read as URL syntax ('/' stays: hosts of unix sockets are paths).
std::string encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4U];
      out += hex[u & 0xFU];
    }
  }
  return out;
}

/// `server` with its database replaced by `database`, written as a URL.
std::string with_database(const driver::url& server, const std::string& database) {
  // A unix socket directory cannot stand in the authority part: it goes in `?host=`, and the
  // port with it.
  const bool socket_dir = server.host.find('/') != std::string::npos;
  std::string out = "postgresql://";
  if (!server.user.empty()) {
    out += encode(server.user);
    if (!server.password.empty()) out += ":" + encode(server.password);
    out += "@";
  }
  if (!socket_dir) {
    const bool ipv6 = server.host.find(':') != std::string::npos;
    out += ipv6 ? "[" + server.host + "]" : server.host;
    if (server.port) out += ":" + std::to_string(*server.port);
  }
  out += "/" + encode(database);

  auto params = server.params;
  if (socket_dir) {
    params.try_emplace("host", server.host);
    if (server.port) params.try_emplace("port", std::to_string(*server.port));
  }
  char separator = '?';
  for (const auto& [key, value] : params) {
    out += separator;
    out += encode(key) + "=" + encode(value);
    separator = '&';
  }
  return out;
}

std::string postgres_url() {
  const std::string server_text = env("TABULA_TEST_PG_URL");
  if (server_text.empty()) {
    fail("TABULA_TEST_PG_URL is not set; scripts/test.sh starts a server and sets it");
  }
  const driver::url server = driver::parse_url(server_text);
  // PostgreSQL folds unquoted names to lowercase and cuts them at 63 bytes.
  const std::string database = ("tabula_" + test_name()).substr(0, 63);
  const std::string quoted = "\"" + database + "\"";
  {
    const auto connection = driver::connect(server);
    connection->execute("DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)");
    // template0: nobody connects to it, so concurrent CREATE DATABASE never find it busy.
    connection->execute("CREATE DATABASE " + quoted +
                        " TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'");
  }
  return with_database(server, database);
}

}  // namespace

std::string_view backend() {
  static const std::string name = [] {
    std::string value = env("TABULA_TEST_BACKEND");
    if (value.empty()) value = "sqlite";
    if (value != "sqlite" && value != "postgresql") {
      fail("TABULA_TEST_BACKEND is '" + value + "'; expected sqlite or postgresql");
    }
    return value;
  }();
  return name;
}

const std::string& database_url() {
  static const std::string url = backend() == "postgresql" ? postgres_url() : sqlite_url();
  return url;
}

}  // namespace tabula::test
