#pragma once
/// \file bind_recorder.hpp
/// A binder that writes down, as text, the values a statement or expression binds: what the
/// dry tests compare to see which values a statement sends, in which order.

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <tabula/tabula.hpp>

namespace tabula::test {

/// Values as text: NULL, text as it is, booleans as true/false, numbers with trailing zeros of
/// the fraction dropped ("0.5", "100."), anything else "?".
struct bind_recorder {
  std::vector<std::string> seen;

  template <class V>
  void operator()(const V& v) {
    if constexpr (std::is_same_v<V, std::nullopt_t>) {
      seen.emplace_back("NULL");
    } else if constexpr (tabula::is_optional_v<V>) {
      if (v) {
        (*this)(*v);
      } else {
        seen.emplace_back("NULL");
      }
    } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
      seen.emplace_back(std::string_view(v));
    } else if constexpr (std::is_same_v<V, bool>) {
      seen.emplace_back(v ? "true" : "false");
    } else if constexpr (std::is_arithmetic_v<V>) {
      std::string s = std::to_string(v);
      if constexpr (std::is_floating_point_v<V>) s.erase(s.find_last_not_of('0') + 1);
      seen.push_back(std::move(s));
    } else {
      seen.emplace_back("?");
    }
  }
};

/// The values `x` (a statement or an expression) binds, in order.
std::vector<std::string> bound_values(const auto& x) {
  bind_recorder r;
  x.bind(r);
  return r.seen;
}

}  // namespace tabula::test
