// Parsing of database URLs (SQLAlchemy's URL form and libpq's key=value form) into `url`.

#include "tabula/driver/url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "tabula/error.hpp"

namespace tabula::driver {
namespace {

constexpr std::string_view redacted_password = "***";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return out;
}

// RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
bool is_scheme(std::string_view s) {
  if (s.empty() || std::isalpha(static_cast<unsigned char>(s.front())) == 0) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
  });
}

// The position of "://" when `s` starts with "<scheme>://", npos otherwise.
std::size_t scheme_end(std::string_view s) {
  const auto sep = s.find("://");
  if (sep == std::string_view::npos || !is_scheme(s.substr(0, sep))) return std::string_view::npos;
  return sep;
}

// A best-effort masking of passwords in text that may not even parse, so that no error message
// about a malformed URL repeats the password it contains.
std::string mask_password(std::string_view text) {
  std::string out(text);
  if (const auto sep = scheme_end(text); sep != std::string_view::npos) {
    const auto start = sep + 3;
    const auto query = out.find('?', start);
    const auto at = out.rfind('@', query == std::string::npos ? std::string::npos : query);
    if (at != std::string::npos && at >= start) {
      const auto colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) {
        out.replace(colon + 1, at - colon - 1, redacted_password);
      }
    }
  }
  // `password=` as a query parameter or a libpq keyword: mask up to the next separator.
  for (std::size_t pos = 0; (pos = out.find("password", pos)) != std::string::npos;) {
    auto eq = pos + 8;
    while (eq < out.size() && is_space(out[eq])) ++eq;
    if (eq >= out.size() || out[eq] != '=') {
      pos += 8;
      continue;
    }
    auto begin = eq + 1;
    while (begin < out.size() && is_space(out[begin])) ++begin;
    auto end = begin;
    if (end < out.size() && out[end] == '\'') {
      ++end;
      while (end < out.size() && out[end] != '\'') end += out[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, out.size());
    } else {
      while (end < out.size() && !is_space(out[end]) && out[end] != '&') ++end;
    }
    out.replace(begin, end - begin, redacted_password);
    pos = begin + redacted_password.size();
  }
  return out;
}

[[noreturn]] void throw_bad_url(std::string_view text, std::string_view why) {
  detail::throw_error<programming_error>(
      fmt::format("invalid database URL \"{}\": {}", mask_password(text), why));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text, std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const bool complete = i + 2 < s.size();
    const int hi = complete ? hex_value(s[i + 1]) : -1;
    const int lo = complete ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      throw_bad_url(text, fmt::format("\"%\" must be followed by two hex digits in \"{}\"", s));
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Everything but RFC 3986's unreserved characters, so that a composed URL parses back.
std::string percent_encode(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

int parse_port(std::string_view text, std::string_view s) {
  int port = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, port);
  if (s.empty() || ec != std::errc() || ptr != end || port < 1 || port > 65535) {
    throw_bad_url(text, fmt::format("the port \"{}\" is not a number from 1 to 65535", s));
  }
  return port;
}

// Keys that fill the fields of `url` rather than `params`, in either form. `value` is decoded.
bool assign_field(url& u, std::string_view text, std::string_view key, std::string value) {
  if (key == "host") {
    u.host = std::move(value);
  } else if (key == "port") {
    u.port = parse_port(text, value);
  } else if (key == "dbname") {
    u.database = std::move(value);
  } else if (key == "user") {
    u.user = std::move(value);
  } else if (key == "password") {
    u.password = std::move(value);
  } else {
    return false;
  }
  return true;
}

// `key=value&key=value`, percent-decoded. libpq lets connection keywords in the query override
// the authority, so for PostgreSQL-like URLs those fill the fields.
void parse_query(url& u, std::string_view text, std::string_view query, bool fields_allowed) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw_bad_url(text, fmt::format("the query parameter \"{}\" is not of the form key=value",
                                      mask_password(item)));
    }
    auto key = percent_decode(text, item.substr(0, eq));
    auto value = percent_decode(text, item.substr(eq + 1));
    if (fields_allowed && assign_field(u, text, key, value)) continue;
    u.params.insert_or_assign(std::move(key), std::move(value));
  }
}

// sqlite:///relative.db, sqlite:////absolute.db, sqlite://:memory:, sqlite:///:memory:, and
// (as in SQLAlchemy) sqlite:// for an in-memory database. Paths are taken verbatim.
void parse_sqlite(url& u, std::string_view text, std::string_view rest) {
  const auto q = rest.find('?');
  const auto path = rest.substr(0, q);
  if (q != std::string_view::npos) parse_query(u, text, rest.substr(q + 1), false);
  if (path.empty() || path == "/" || path == ":memory:") {
    u.database = ":memory:";
  } else if (path.front() == '/') {
    u.database = path.substr(1);
  } else {
    throw_bad_url(text,
                  "a SQLite URL has no host; write sqlite:///relative/path.db, "
                  "sqlite:////absolute/path.db or sqlite://:memory:");
  }
}

// scheme://[user[:password]@][host][:port][/database][?key=value&...]
void parse_authority_form(url& u, std::string_view text, std::string_view rest) {
  const auto q = rest.find('?');
  const auto before_query = rest.substr(0, q);
  const auto slash = before_query.find('/');
  auto authority = before_query.substr(0, slash);
  if (slash != std::string_view::npos) {
    u.database = percent_decode(text, before_query.substr(slash + 1));
  }

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = authority.substr(0, at);
    const auto colon = userinfo.find(':');
    u.user = percent_decode(text, userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      u.password = percent_decode(text, userinfo.substr(colon + 1));
    }
    authority = authority.substr(at + 1);
  }

  if (authority.find(',') != std::string_view::npos) {
    throw_bad_url(text,
                  "several hosts in one URL are not supported; name one host, or use libpq's "
                  "key=value form");
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6 address]
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw_bad_url(text, "\"[\" without a matching \"]\"");
    u.host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      throw_bad_url(text, "expected \":port\" after the bracketed host");
    }
    if (!after.empty()) port = after.substr(1);
    if (after.size() == 1) throw_bad_url(text, "\":\" after the host must be followed by a port");
  } else {
    const auto colon = authority.find(':');
    u.host = percent_decode(text, authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) throw_bad_url(text, "\":\" after the host must be followed by a port");
    }
  }
  if (!port.empty()) u.port = parse_port(text, port);

  if (q != std::string_view::npos) parse_query(u, text, rest.substr(q + 1), true);
}

// libpq's `key=value key='quoted value'` form; a backslash escapes the next character.
void parse_keyword_form(url& u, std::string_view text, std::string_view s) {
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < s.size() && is_space(s[i])) ++i;
  };
  for (skip_space(); i < s.size(); skip_space()) {
    const auto key_begin = i;
    while (i < s.size() && !is_space(s[i]) && s[i] != '=') ++i;
    const auto key = s.substr(key_begin, i - key_begin);
    skip_space();
    if (i >= s.size() || s[i] != '=') {
      throw_bad_url(text, fmt::format("expected key=value, found \"{}\" without \"=\"", key));
    }
    if (key.empty()) throw_bad_url(text, "\"=\" without a key before it");
    ++i;
    skip_space();
    std::string value;
    if (i < s.size() && s[i] == '\'') {
      ++i;
      bool closed = false;
      for (; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          value += s[++i];
        } else if (s[i] == '\'') {
          closed = true;
          ++i;
          break;
        } else {
          value += s[i];
        }
      }
      if (!closed) {
        throw_bad_url(text, fmt::format("the value of \"{}\" has no closing quote", key));
      }
    } else {
      for (; i < s.size() && !is_space(s[i]); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value += s[i];
      }
    }
    if (!assign_field(u, text, key, value)) u.params.insert_or_assign(std::string(key), value);
  }
}

void append_param(std::string& out, bool& first, std::string_view key, std::string_view value) {
  out += first ? '?' : '&';
  first = false;
  out += percent_encode(key);
  out += '=';
  out += key == "password" ? std::string(redacted_password) : percent_encode(value);
}

}  // namespace

std::string url::redacted() const {
  // Composed from the fields (not `text`), so it shows what a driver connects to, in the URL
  // form whatever form was given; it parses back to the same fields but the password.
  std::string out = scheme.empty() ? std::string("unknown") : scheme;
  out += "://";
  bool first_param = true;
  if (scheme == "sqlite") {
    out += '/';
    out += database;
  } else {
    if (!user.empty() || !password.empty()) {
      out += percent_encode(user);
      if (!password.empty()) {
        out += ':';
        out += redacted_password;
      }
      out += '@';
    }
    // A socket directory would read as a path in the authority; put it in the query instead.
    const bool host_in_query = host.find('/') != std::string::npos;
    if (!host_in_query) {
      out += host.find(':') != std::string::npos ? "[" + host + "]" : percent_encode(host);
      if (port) out += fmt::format(":{}", *port);
    }
    if (!database.empty()) {
      out += '/';
      out += percent_encode(database);
    }
    if (host_in_query) {
      append_param(out, first_param, "host", host);
      if (port) append_param(out, first_param, "port", std::to_string(*port));
    }
  }
  for (const auto& [key, value] : params) append_param(out, first_param, key, value);
  return out;
}

url parse_url(std::string_view text) {
  url u;
  u.text = text;
  const auto s = trim(text);
  if (s.empty()) throw_bad_url(text, "the URL is empty");

  const auto sep = scheme_end(s);
  if (sep == std::string_view::npos) {
    if (s.find('=') != std::string_view::npos) {
      u.scheme = "postgresql";
      u.keyword_form = true;
      parse_keyword_form(u, text, s);
      return u;
    }
    throw_bad_url(text,
                  "expected <scheme>://..., e.g. sqlite:///app.db or "
                  "postgresql://user@host/database, or libpq's key=value form");
  }

  u.scheme = to_lower(s.substr(0, sep));
  if (u.scheme == "postgres") u.scheme = "postgresql";
  const auto rest = s.substr(sep + 3);
  if (u.scheme == "sqlite") {
    parse_sqlite(u, text, rest);
  } else {
    parse_authority_form(u, text, rest);
  }
  return u;
}

}  // namespace tabula::driver
