#pragma once
/// \file url.hpp
/// Database URLs, in the form SQLAlchemy users know:
///
///     sqlite:///relative/path.db      sqlite:////absolute/path.db      sqlite://:memory:
///     postgresql://user:password@host:port/database?param=value     (also postgres://)
///     postgresql://user@/database?host=/run/postgresql              (Unix socket directory)
///     host=localhost dbname=app user=me        (libpq key=value form; scheme "postgresql")

#include <functional>  // std::less<>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tabula::driver {

struct url {
  std::string scheme;    ///< "sqlite" or "postgresql" ("postgres" is normalised to "postgresql")
  std::string user;      ///< percent-decoded
  std::string password;  ///< percent-decoded
  std::string host;
  std::optional<int> port;
  std::string database;  ///< SQLite: the file path or ":memory:"; PostgreSQL: the db name
  /// `?key=value&...` (or the keywords of the key=value form), decoded. The keywords host,
  /// port, dbname, user and password fill the fields above instead, as libpq reads them.
  std::map<std::string, std::string, std::less<>> params;
  std::string text;      ///< the URL as given
  bool keyword_form = false;  ///< given in libpq's `key=value` form; `text` is the conninfo

  /// The URL with the password replaced by `***`, for logs and error messages. Composed from
  /// the fields in the URL form, so it parses back to the same fields but the password.
  [[nodiscard]] std::string redacted() const;
};

/// Parses a URL; throws `programming_error` saying what is wrong with it.
[[nodiscard]] url parse_url(std::string_view text);

}  // namespace tabula::driver
