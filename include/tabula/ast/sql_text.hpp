#pragma once
/// \file sql_text.hpp
/// Where hand-written SQL text has string literals, quoted identifiers and comments, so that
/// the `?` placeholders inside them are left alone. One lexer for every place tabula reads
/// such text: `raw<T>` fragments (counted at compile time, written by the dialect compiler)
/// and `sql<Row>(...)` statements (translated per dialect).

#include <cstddef>
#include <string_view>

namespace tabula::detail {

/// What one dialect's lexer knows beyond standard SQL ('strings', "identifiers",
/// -- line comments and /* block comments */).
struct lexical_rules {
  bool escape_strings = false;        ///< PostgreSQL E'...' with backslash escapes
  bool dollar_quotes = false;         ///< PostgreSQL $tag$...$tag$
  bool nested_comments = false;       ///< PostgreSQL /* /* */ */
  bool bracket_identifiers = false;   ///< SQLite [name]
  bool backtick_identifiers = false;  ///< SQLite `name`
  bool named_parameters = false;      ///< SQLite :name @name $name are parameters
};

constexpr bool is_ident_start(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_ident_char(char c) noexcept {
  return is_ident_start(c) || is_digit(c) || c == '$';
}

/// When a string literal, quoted identifier or comment starts at `sql[i]`, the position just
/// past its end (or `sql.size()` when it is not closed; the database reports that); otherwise
/// `i`. A doubled quote stays inside its string.
constexpr std::size_t skip_quoted(std::string_view sql, std::size_t i,
                                  const lexical_rules& rules) noexcept {
  const std::size_t n = sql.size();
  const char c = sql[i];
  const char next = i + 1 < n ? sql[i + 1] : '\0';
  const auto through = [n](std::size_t end, std::size_t width) {
    return end == std::string_view::npos ? n : end + width;
  };
  char quote = '\0';
  bool backslash_escapes = false;
  if (c == '\'') {
    quote = c;
    backslash_escapes = rules.escape_strings && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                        (i < 2 || !is_ident_char(sql[i - 2]));
  } else if (c == '"' || (c == '`' && rules.backtick_identifiers)) {
    quote = c;
  } else if (c == '[' && rules.bracket_identifiers) {
    return through(sql.find(']', i + 1), 1);
  } else if (c == '-' && next == '-') {
    return through(sql.find('\n', i + 2), 1);
  } else if (c == '/' && next == '*') {
    std::size_t j = i + 2;
    int depth = 1;
    while (j < n && depth > 0) {
      if (sql[j] == '*' && j + 1 < n && sql[j + 1] == '/') {
        --depth;
        j += 2;
      } else if (rules.nested_comments && sql[j] == '/' && j + 1 < n && sql[j + 1] == '*') {
        ++depth;
        j += 2;
      } else {
        ++j;
      }
    }
    return j;
  } else if (c == '$' && rules.dollar_quotes && (i == 0 || !is_ident_char(sql[i - 1]))) {
    std::size_t j = i + 1;
    if (j < n && is_ident_start(sql[j])) {
      while (j < n && (is_ident_start(sql[j]) || is_digit(sql[j]))) ++j;
    }
    if (j < n && sql[j] == '$') {
      const std::string_view tag = sql.substr(i, j + 1 - i);
      return through(sql.find(tag, j + 1), tag.size());
    }
    return i;
  } else {
    return i;
  }
  std::size_t j = i + 1;
  while (j < n) {
    if (backslash_escapes && sql[j] == '\\') {
      j += 2;
    } else if (sql[j] == quote) {
      if (j + 1 < n && sql[j + 1] == quote) {
        j += 2;
      } else {
        return j + 1;
      }
    } else {
      ++j;
    }
  }
  return n;
}

/// Calls `on_mark(i)` for each `?` placeholder of `sql` — one in SQL text, not in a string,
/// quoted identifier or comment, and not part of `??` (a literal `?`) — in order.
template <class OnMark>
constexpr void for_each_placeholder(std::string_view sql, const lexical_rules& rules,
                                    OnMark&& on_mark) {
  for (std::size_t i = 0; i < sql.size();) {
    if (const std::size_t end = skip_quoted(sql, i, rules); end != i) {
      i = end;
    } else if (sql[i] == '?' && i + 1 < sql.size() && sql[i + 1] == '?') {
      i += 2;
    } else {
      if (sql[i] == '?') on_mark(i);
      ++i;
    }
  }
}

/// The number of `?` placeholders in `sql` (see `for_each_placeholder`).
constexpr std::size_t count_placeholders(std::string_view sql,
                                         const lexical_rules& rules = {}) noexcept {
  std::size_t count = 0;
  for_each_placeholder(sql, rules, [&count](std::size_t) { ++count; });
  return count;
}

}  // namespace tabula::detail
