#pragma once
// Text both drivers produce the same way, so that a program reads the same strings from
// either database.

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <string_view>

namespace tabula::detail {

/// `name` as a double-quoted SQL identifier (savepoint names may hold any character).
inline std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

/// The shortest text that reads back as the same value (a float as a float), with
/// PostgreSQL's spelling of the special values.
template <class Float>
void format_float(Float v, std::string& out) {
  if (std::isnan(v)) {
    out = "NaN";
  } else if (std::isinf(v)) {
    out = v > 0 ? "Infinity" : "-Infinity";
  } else {
    out.clear();
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

/// A driver's message on one line (libpq's end in a newline and may span several).
inline std::string one_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\n') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace tabula::detail
