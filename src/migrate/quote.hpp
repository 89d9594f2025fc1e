#pragma once
// Quoting shared by the command line and the code generator (not part of the public headers).

#include <string>
#include <string_view>

namespace tabula::detail {

/// `s` in double quotes with `"` and `\` escaped: a C++ string literal, and a Graphviz ID.
inline std::string double_quoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace tabula::detail
