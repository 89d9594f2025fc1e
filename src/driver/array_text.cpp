// PostgreSQL's array text of an `array_value`: what goes to a parameter whose type the server
// did not infer as an array, into COPY, and into SQL literals.

#include <fmt/format.h>

#include <cctype>
#include <charconv>

#include "array_elements.hpp"
#include "driver_text.hpp"
#include "tabula/error.hpp"

namespace tabula::detail {

void throw_array_element_range(std::size_t index, std::uint64_t value) {
  throw_error<conversion_error>(fmt::format(
      "tabula: array element {} ({}) is out of range for std::int64_t, which the database "
      "stores",
      index, value));
}

bool array_text_needs_quotes(std::string_view s) noexcept {
  if (s.empty() || (s.size() == 4 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'u' &&
                    (s[2] | 0x20) == 'l' && (s[3] | 0x20) == 'l')) {
    return true;
  }
  for (const char c : s) {
    if (c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' ||
        std::isspace(static_cast<unsigned char>(c)) != 0) {
      return true;
    }
  }
  return false;
}

// Inside double quotes, a backslash escapes the next character (array_in in PostgreSQL).
void append_quoted_array_element(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void append_array_text(std::string& out, const array_value& v) {
  out += '{';
  bool first = true;
  std::string number;
  for_each_element(v, [&](auto x) {
    if (!first) out += ',';
    first = false;
    using X = decltype(x);
    if constexpr (std::is_same_v<X, bool>) {
      out += x ? 't' : 'f';
    } else if constexpr (std::is_same_v<X, std::int64_t>) {
      char buf[24];
      out.append(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
    } else if constexpr (std::is_same_v<X, double>) {
      if (v.element == array_element::float32) {
        format_float(static_cast<float>(x), number);
      } else {
        format_float(x, number);
      }
      out += number;
    } else {
      append_quoted_array_element(out, x);
    }
  });
  out += '}';
}

std::string array_text(const array_value& v) {
  std::string out;
  append_array_text(out, v);
  return out;
}

}  // namespace tabula::detail
