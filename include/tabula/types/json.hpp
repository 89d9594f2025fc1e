#pragma once
/// \file json.hpp
/// `nlohmann::json` as a column: `JSONB` on PostgreSQL, `TEXT` with a `json_valid` CHECK on
/// SQLite. Not part of `<tabula/tabula.hpp>`: include this header where a model has a JSON
/// field (it brings nlohmann/json, Debian's `nlohmann-json3-dev`).
///
/// Written as compact JSON text; read back by parsing the stored text, so a value reads back
/// equal (`==`) to what was written: objects compare by their members, whatever order the
/// database keeps them in (JSONB sorts keys), and numbers keep their value (doubles are written
/// in the shortest form that reads back as the same double).
///
/// Refused with `conversion_error`, before anything is written: NaN and infinity (JSON has no
/// spelling for them; nlohmann would write `null`), strings that are not UTF-8, and strings
/// holding a NUL character (PostgreSQL's JSONB cannot store `\u0000`). Reading text that is no
/// JSON is a `conversion_error` naming the column.

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "tabula/schema/type_traits.hpp"

namespace tabula {

namespace detail {
/// Throws `conversion_error`: "tabula: the JSON value cannot be stored: <why>."
[[noreturn]] void throw_json_error(std::string_view why);

/// Refuses a string or key holding NUL, which JSONB cannot store.
inline void check_storable_text(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) {
    throw_json_error("a string or key holds a NUL character, which PostgreSQL's JSONB cannot "
                     "store. Remove it, or store the bytes in a blob column");
  }
}
/// Refuses a scalar JSON text or JSONB cannot hold: NaN, infinity, a string holding NUL.
inline void check_storable_scalar(const nlohmann::json& v) {
  if (v.is_number_float() && !std::isfinite(v.get<double>())) {
    throw_json_error("it holds NaN or infinity, which JSON text cannot spell. Store null, a "
                     "string, or a finite number instead");
  }
  if (v.is_string()) check_storable_text(v.get_ref<const std::string&>());
}

/// Walks `j` without recursion (deep documents are fine) and refuses what JSON text or JSONB
/// cannot hold. The containers still to visit are kept on the stack, up to 32 at a time (a
/// document of any shape up to that many open at once allocates nothing), then in a vector.
inline void check_storable_json(const nlohmann::json& j) {
  if (!j.is_structured()) return check_storable_scalar(j);
  constexpr std::size_t inline_size = 32;
  const nlohmann::json* inline_todo[inline_size];
  std::size_t inline_count = 0;
  std::vector<const nlohmann::json*> spilled;
  const auto visit = [&](const nlohmann::json& v) {
    if (!v.is_structured()) return check_storable_scalar(v);
    if (inline_count < inline_size) {
      inline_todo[inline_count++] = &v;
    } else {
      spilled.push_back(&v);
    }
  };
  visit(j);
  while (inline_count > 0 || !spilled.empty()) {
    const nlohmann::json* v = nullptr;
    if (!spilled.empty()) {
      v = spilled.back();
      spilled.pop_back();
    } else {
      v = inline_todo[--inline_count];
    }
    // The containers themselves (std::map, std::vector), not nlohmann's iterators, which
    // switch on the value's type at every step.
    if (v->is_object()) {
      for (const auto& [key, member] : v->get_ref<const nlohmann::json::object_t&>()) {
        check_storable_text(key);
        visit(member);
      }
    } else {
      for (const auto& e : v->get_ref<const nlohmann::json::array_t&>()) visit(e);
    }
  }
}
/// Refuses what `text`, the compact text of `j`, shows JSON text or JSONB cannot hold, walking
/// `j` only when the text might: nlohmann writes NaN and infinity as `null` and a NUL as
/// `\u0000`, so a text holding neither needs no walk (most documents: two scans of the text).
inline void check_storable_json(const nlohmann::json& j, std::string_view text) {
  if (text.find("null") != std::string_view::npos ||
      text.find("\\u0000") != std::string_view::npos) {
    check_storable_json(j);
  }
}
}  // namespace detail

/// `nlohmann::json` as JSONB (PostgreSQL) / TEXT CHECK (json_valid(...)) (SQLite).
template <>
struct type_traits<nlohmann::json> {
  using sql_value = std::string;  // text made at bind time, written into the driver's buffer
  static constexpr ast::sql_type sql_type{ast::type_kind::json};
  static std::string to_sql(const nlohmann::json& j) {
    std::string text;
    write_sql(j, text);
    return text;
  }
  /// Appends the compact text of `j` to `out` (the driver's buffer for the parameter, which
  /// keeps its capacity: no temporary string per document).
  static void write_sql(const nlohmann::json& j, std::string& out) {
    const std::size_t start = out.size();
    try {
      // What `j.dump()` does, into `out` instead of a new string.
      nlohmann::detail::serializer<nlohmann::json> writer(
          nlohmann::detail::output_adapter<char, std::string>(out), ' ',
          nlohmann::json::error_handler_t::strict);
      writer.dump(j, false, false, 0);
    } catch (const nlohmann::json::type_error& e) {  // invalid UTF-8
      detail::throw_json_error(e.what());
    }
    detail::check_storable_json(j, std::string_view(out).substr(start));
  }
  static nlohmann::json from_sql(std::string_view text) {
    try {
      return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      detail::throw_json_error(e.what());
    }
  }
};

}  // namespace tabula
