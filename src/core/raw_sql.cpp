// Hand-written SQL: the portable `?` placeholders translated per dialect, and the result's
// columns matched with a row type.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tabula/core/raw_api.hpp"
#include "tabula/error.hpp"

namespace tabula {

namespace {

using detail::is_digit;
using detail::is_ident_char;
using detail::is_ident_start;

[[noreturn]] void throw_foreign_placeholder(std::string_view sql, std::size_t at,
                                            std::string_view what) {
  std::size_t end = at + 1;
  while (end < sql.size() && is_ident_char(sql[end])) ++end;
  detail::throw_error<programming_error>(
      fmt::format("tabula: `{}` in `{}` is {}. Write each parameter as ? (and ?? for a literal "
                  "?): tabula numbers them for the database.",
                  sql.substr(at, end - at), sql, what),
      std::string(sql));
}

/// Translates one text. Quoted and commented parts are copied as they are; the database
/// reports what is malformed (an unterminated string, say) with its own message.
class translator {
 public:
  translator(const dialect& d, std::string_view sql)
      : d_(d), rules_(d.capabilities().lexical), sql_(sql) {}

  compiled_sql run() {
    out_.text.reserve(sql_.size() + 8);
    while (i_ < sql_.size()) {
      const char c = sql_[i_];
      const char next = i_ + 1 < sql_.size() ? sql_[i_ + 1] : '\0';
      if (const std::size_t end = detail::skip_quoted(sql_, i_, rules_); end != i_) {
        out_.text.append(sql_.substr(i_, end - i_));
        i_ = end;
      } else if (c == '?') {
        placeholder(next);
      } else if (c == '$' && (i_ == 0 || !is_ident_char(sql_[i_ - 1]))) {
        dollar(next);
      } else if ((c == ':' || c == '@') && rules_.named_parameters && is_ident_start(next) &&
                 (i_ == 0 || !is_ident_char(sql_[i_ - 1]))) {
        throw_foreign_placeholder(sql_, i_, "a named parameter of SQLite");
      } else {
        out_.text.push_back(c);
        ++i_;
      }
    }
    return std::move(out_);
  }

 private:
  void placeholder(char next) {
    if (next == '?') {
      out_.text.push_back('?');
      i_ += 2;
      return;
    }
    if (is_digit(next)) throw_foreign_placeholder(sql_, i_, "a numbered parameter");
    out_.text.append(d_.placeholder(out_.param_count++));
    ++i_;
  }

  /// `$` not inside a word and not starting a dollar-quoted string: a database parameter, or
  /// plain text.
  void dollar(char next) {
    if (is_digit(next)) throw_foreign_placeholder(sql_, i_, "a numbered parameter");
    if (rules_.named_parameters && is_ident_start(next)) {
      throw_foreign_placeholder(sql_, i_, "a named parameter of SQLite");
    }
    out_.text.push_back('$');
    ++i_;
  }

  const dialect& d_;
  detail::lexical_rules rules_;
  std::string_view sql_;
  std::size_t i_ = 0;
  compiled_sql out_;
};

struct text_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

using translation_cache =
    std::unordered_map<std::string, compiled_sql, text_hash, std::equal_to<>>;

/// Distinct texts cached per dialect and thread; entries are never evicted, so references to
/// them stay valid, and texts beyond this many are translated on each use.
constexpr std::size_t cache_capacity = 512;

std::string column_list(const driver::statement& st) {
  std::string out;
  for (int c = 0; c < st.column_count(); ++c) {
    if (c > 0) out += ", ";
    out += st.column_name(c);
  }
  return out.empty() ? "(none)" : out;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

compiled_sql translate_sql(const dialect& d, std::string_view portable) {
  return translator(d, portable).run();
}

namespace detail {

const compiled_sql& translated_sql(const dialect& d, std::string_view portable,
                                   compiled_sql& scratch) {
  thread_local std::array<std::pair<const dialect*, translation_cache>, 2> caches{};
  translation_cache* cache = nullptr;
  for (auto& [owner, texts] : caches) {
    if (owner == &d || owner == nullptr) {
      owner = &d;
      cache = &texts;
      break;
    }
  }
  if (cache != nullptr) {
    if (auto it = cache->find(portable); it != cache->end()) return it->second;
    if (cache->size() < cache_capacity) {
      return cache->emplace(std::string(portable), translate_sql(d, portable)).first->second;
    }
  }
  scratch = translate_sql(d, portable);
  return scratch;
}

void throw_placeholder_count(std::string_view sql, std::uint32_t placeholders,
                             std::uint32_t values) {
  throw_error<programming_error>(
      fmt::format("tabula: `{}` has {} placeholder(s) but {} value(s) were given. Pass one value "
                  "per ?, and write ?? for a literal ?.",
                  sql, placeholders, values),
      std::string(sql));
}

void map_columns_by_name(const driver::statement& st, detail::list_view<const std::string> fields,
                         std::string_view row_name, detail::list_view<int> out) {
  // Read each name once; most results have few columns, kept on the stack.
  const int columns = st.column_count();
  constexpr std::size_t small = 16;
  std::array<std::string_view, small> small_names;
  std::array<bool, small> small_used;  // NOLINT(cppcoreguidelines-pro-type-member-init): set below
  std::vector<std::string_view> big_names;
  std::unique_ptr<bool[]> big_used;
  const auto count = static_cast<std::size_t>(columns);
  detail::list_view<std::string_view> names(small_names.data(), std::min(count, small));
  bool* used = small_used.data();
  if (count > small) {
    big_names.resize(count);
    big_used = std::make_unique<bool[]>(count);  // all false
    names = big_names;
    used = big_used.get();
  }
  for (std::size_t c = 0; c < count; ++c) {
    names[c] = st.column_name(static_cast<int>(c));
    used[c] = false;
  }

  std::vector<std::string_view> missing;
  for (std::size_t f = 0; f < fields.size(); ++f) {
    std::size_t found = count;
    if (f < count && names[f] == fields[f]) {
      found = f;  // the usual case: columns in field order
    } else {
      std::size_t folded = count;
      int folded_matches = 0;
      for (std::size_t c = 0; c < count && found == count; ++c) {
        if (names[c] == fields[f]) {
          found = c;
        } else if (equal_ignoring_case(names[c], fields[f])) {
          folded = c;
          ++folded_matches;
        }
      }
      if (found == count && folded_matches == 1) found = folded;
    }
    if (found == count) {
      missing.push_back(fields[f]);
      continue;
    }
    out[f] = static_cast<int>(found);
    used[found] = true;
  }
  std::vector<std::string_view> extra;
  for (std::size_t c = 0; c < count; ++c) {
    if (!used[c]) extra.push_back(names[c]);
  }
  if (missing.empty() && extra.empty()) return;

  std::string problem;
  if (!missing.empty()) {
    problem += fmt::format("no column named {} for the field(s) of the same name",
                           fmt::join(missing, ", "));
  }
  if (!extra.empty()) {
    if (!problem.empty()) problem += ", and ";
    problem += fmt::format("column(s) {} that no field of {} reads", fmt::join(extra, ", "),
                           row_name);
  }
  throw_error<programming_error>(
      fmt::format("tabula: the result cannot be read into {}: it has {}. Its columns are: {}. "
                  "Select exactly one column per field, named like the field (use AS to "
                  "rename).",
                  row_name, problem, column_list(st)),
      std::string(st.sql()));
}

void check_column_count(const driver::statement& st, int expected, std::string_view row_name) {
  const int columns = st.column_count();
  if (columns == expected) return;
  throw_error<programming_error>(
      fmt::format("tabula: the result has {} column(s) ({}) but {} reads {}. Select exactly {} "
                  "column(s), in the order of its elements.",
                  columns, column_list(st), row_name, expected, expected),
      std::string(st.sql()));
}

}  // namespace detail
}  // namespace tabula
