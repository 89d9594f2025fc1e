/// \file codegen.cpp
/// C++ model structs and their tabula::schema<T> from inspected tables.

#include "tabula/migrate/codegen.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "quote.hpp"

namespace tabula::migrate {

namespace {

constexpr std::string_view keywords[] = {
    "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char",
    "class", "concept", "const", "constexpr", "continue", "default", "delete", "do", "double",
    "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
    "if", "inline", "int", "long", "mutable", "namespace", "new", "not", "operator", "or",
    "private", "protected", "public", "register", "requires", "return", "short", "signed",
    "sizeof", "static", "struct", "switch", "template", "this", "throw", "true", "try",
    "typedef", "typename", "union", "unsigned", "using", "virtual", "void", "volatile", "while",
    "xor"};

/// A C++ identifier for a database name: other characters become `_`, a leading digit or a
/// keyword gets a `_` appended or prepended.
std::string identifier(std::string_view name) {
  std::string out;
  for (const char c : name) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ? c : '_');
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front())) != 0) {
    out.insert(out.begin(), '_');
  }
  if (std::find(std::begin(keywords), std::end(keywords), out) != std::end(keywords)) {
    out.push_back('_');
  }
  return out;
}

/// `model_runs` -> `ModelRuns`.
std::string type_name(std::string_view table) {
  std::string out;
  bool up = true;
  for (const char c : identifier(table)) {
    if (c == '_') {
      up = true;
      continue;
    }
    out.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    up = false;
  }
  return out.empty() ? "Table" : out;
}

std::string cpp_type(const column_info& c) {
  std::string t = "std::string";
  if (c.type) {
    switch (c.type->kind) {
      case ast::type_kind::boolean: t = "bool"; break;
      case ast::type_kind::int16: t = "std::int16_t"; break;
      case ast::type_kind::int32: t = "std::int32_t"; break;
      case ast::type_kind::int64: t = "std::int64_t"; break;
      case ast::type_kind::float32: t = "float"; break;
      case ast::type_kind::float64: t = "double"; break;
      case ast::type_kind::blob: t = "tabula::blob"; break;
      case ast::type_kind::timestamptz: t = "std::chrono::sys_time<std::chrono::microseconds>"; break;
      case ast::type_kind::date: t = "std::chrono::year_month_day"; break;
      case ast::type_kind::time: t = "tabula::time_of_day"; break;
      case ast::type_kind::interval: t = "std::chrono::microseconds"; break;
      case ast::type_kind::uuid: t = "tabula::uuid"; break;
      case ast::type_kind::json: t = "nlohmann::json"; break;
      case ast::type_kind::decimal:
        t = "tabula::decimal<" + std::to_string(c.type->length) + ", " +
            std::to_string(c.type->scale) + ">";
        break;
      case ast::type_kind::text:
      case ast::type_kind::timestamp:
      case ast::type_kind::array: break;
    }
  }
  return c.nullable ? "std::optional<" + t + ">" : t;
}

std::string initializer(const column_info& c) {
  if (c.nullable || !c.type) return "{}";
  switch (c.type->kind) {
    case ast::type_kind::boolean: return " = false";
    case ast::type_kind::int16:
    case ast::type_kind::int32:
    case ast::type_kind::int64:
    case ast::type_kind::float32:
    case ast::type_kind::float64: return " = 0";
    default: return "{}";
  }
}

std::string raw_string(std::string_view s) { return "R\"sql(" + std::string(s) + ")sql\""; }

std::string_view action_method(ast::fk_action a) {
  switch (a) {
    case ast::fk_action::cascade: return "cascade";
    case ast::fk_action::set_null: return "set_null";
    case ast::fk_action::set_default: return "set_default";
    case ast::fk_action::restrict: return "restrict";
    case ast::fk_action::no_action: break;
  }
  return {};
}

struct naming {
  const std::vector<table_schema>& tables;
  std::vector<std::string> types;  ///< per table, unqualified
  std::string prefix;              ///< `ns::`, or empty

  /// The struct of `table` (qualified when `qualified`), or empty when it is not generated.
  [[nodiscard]] std::string type_of(std::string_view table, bool qualified = true) const {
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (tables[i].name == table) return (qualified ? prefix : std::string()) + types[i];
    }
    return {};
  }
};

std::string members(std::string_view type, const std::vector<std::string>& columns) {
  std::vector<std::string> out;
  for (const std::string& c : columns) {
    out.push_back(fmt::format("&{}::{}", type, identifier(c)));
  }
  return out.size() == 1 ? out.front() : fmt::format("tabula::columns({})", fmt::join(out, ", "));
}

std::string options_of(const table_schema& t, const std::string& type, const naming& names,
                       std::vector<std::string>& notes) {
  std::vector<std::string> opts;
  for (const column_info& c : t.columns) {
    if (identifier(c.name) != c.name) {
      opts.push_back(fmt::format("tabula::column_name(&{}::{}, {})", type, identifier(c.name),
                                 detail::double_quoted(c.name)));
    }
    if (c.type && c.type->kind == ast::type_kind::text && c.type->length > 0) {
      opts.push_back(fmt::format("tabula::max_length(&{}::{}, {})", type, identifier(c.name),
                                 c.type->length));
    }
    if (c.default_sql && !c.identity) {
      notes.push_back(fmt::format("column {} has the default {}", c.name, *c.default_sql));
    }
  }
  if (!(t.primary_key.size() == 1 && t.primary_key.front() == "id")) {
    std::vector<std::string> key;
    for (const std::string& k : t.primary_key) key.push_back(fmt::format("&{}::{}", type, identifier(k)));
    if (!key.empty()) opts.push_back(fmt::format("tabula::primary_key({})", fmt::join(key, ", ")));
  }
  for (const unique_info& u : t.uniques) {
    std::vector<std::string> cols;
    for (const std::string& c : u.columns) cols.push_back(fmt::format("&{}::{}", type, identifier(c)));
    opts.push_back(fmt::format("tabula::unique({}){}", fmt::join(cols, ", "),
                               u.name.empty() ? "" : ".named(" + detail::double_quoted(u.name) + ")"));
  }
  for (const index_info& ix : t.indexes) {
    const bool plain = ix.predicate.empty() &&
                       std::all_of(ix.columns.begin(), ix.columns.end(),
                                   [&](const std::string& c) { return t.column(c) != nullptr; });
    if (!plain) {
      notes.push_back(fmt::format("index {} ({}{}) is not expressible as an option: {}", ix.name,
                                  fmt::join(ix.columns, ", "),
                                  ix.predicate.empty() ? "" : " WHERE " + ix.predicate, ix.sql));
      continue;
    }
    std::vector<std::string> cols;
    for (const std::string& c : ix.columns) cols.push_back(fmt::format("&{}::{}", type, identifier(c)));
    opts.push_back(fmt::format("tabula::{}({}).named({})", ix.unique ? "unique_index" : "index",
                               fmt::join(cols, ", "), detail::double_quoted(ix.name)));
  }
  for (const foreign_key_info& fk : t.foreign_keys) {
    const std::string ref = names.type_of(fk.ref_table);
    if (ref.empty()) {
      notes.push_back(fmt::format("foreign key {} refers to table {}, which is not generated",
                                  fk.name, fk.ref_table));
      continue;
    }
    std::string o = fmt::format("tabula::foreign_key({}, {})", members(type, fk.columns),
                                members(ref, fk.ref_columns));
    if (!action_method(fk.on_delete).empty()) o += fmt::format(".on_delete_{}()", action_method(fk.on_delete));
    if (!action_method(fk.on_update).empty()) o += fmt::format(".on_update_{}()", action_method(fk.on_update));
    if (!fk.name.empty()) o += ".named(" + detail::double_quoted(fk.name) + ")";
    opts.push_back(std::move(o));
  }
  for (const check_info& c : t.checks) {
    opts.push_back(c.name.empty() ? fmt::format("tabula::check({})", raw_string(c.condition))
                                  : fmt::format("tabula::check({}, {})", detail::double_quoted(c.name),
                                                raw_string(c.condition)));
  }
  return fmt::format("{}", fmt::join(opts, ",\n      "));
}

/// Tables in foreign-key order (referenced first; a cycle keeps the remaining order).
std::vector<const table_schema*> ordered(const std::vector<table_schema>& tables) {
  std::vector<const table_schema*> pending;
  for (const table_schema& t : tables) pending.push_back(&t);
  std::vector<const table_schema*> out;
  while (!pending.empty()) {
    auto next = std::find_if(pending.begin(), pending.end(), [&](const table_schema* t) {
      return std::all_of(t->foreign_keys.begin(), t->foreign_keys.end(), [&](const auto& fk) {
        return fk.ref_table == t->name ||
               std::none_of(pending.begin(), pending.end(),
                            [&](const table_schema* p) { return p->name == fk.ref_table; });
      });
    });
    if (next == pending.end()) next = pending.begin();
    out.push_back(*next);
    pending.erase(next);
  }
  return out;
}

}  // namespace

std::string generate_models(const std::vector<table_schema>& tables,
                            const codegen_options& options) {
  naming names{tables, {},
               options.name_space.empty() ? std::string() : options.name_space + "::"};
  for (const table_schema& t : tables) {
    std::string type = type_name(t.name);
    while (std::find(names.types.begin(), names.types.end(), type) != names.types.end()) {
      type += "_";
    }
    names.types.push_back(type);
  }
  std::string out =
      "// Generated by `tabula codegen` from the database's schema. Edit freely.\n"
      "#pragma once\n\n#include <cstdint>\n#include <optional>\n#include <string>\n\n"
      "#include <tabula/tabula.hpp>\n";
  const bool json = std::any_of(tables.begin(), tables.end(), [](const table_schema& t) {
    return std::any_of(t.columns.begin(), t.columns.end(), [](const column_info& c) {
      return c.type && c.type->kind == ast::type_kind::json;
    });
  });
  if (json) out += "#include <tabula/types/json.hpp>\n";
  out += "\n";
  if (!options.name_space.empty()) out += "namespace " + options.name_space + " {\n\n";
  const auto order = ordered(tables);
  for (const table_schema* t : order) {
    out += fmt::format("struct {} {{\n", names.type_of(t->name, false));
    for (const column_info& c : t->columns) {
      out += fmt::format("  {} {}{};  // {}{}\n", cpp_type(c), identifier(c.name), initializer(c),
                         c.sql_type, c.identity ? ", generated" : "");
    }
    out += "};\n\n";
  }
  if (!options.name_space.empty()) out += "}  // namespace " + options.name_space + "\n\n";
  for (const table_schema* t : order) {
    const std::string type = names.type_of(t->name);
    std::vector<std::string> notes;
    const std::string opts = options_of(*t, type, names, notes);
    for (const std::string& n : notes) out += "// " + n + "\n";
    out += fmt::format("template <>\nstruct tabula::schema<{}> {{\n  static constexpr auto table = {};\n",
                       type, detail::double_quoted(t->name));
    if (!opts.empty()) {
      out += fmt::format("  static constexpr auto options = tabula::options(\n      {});\n", opts);
    }
    out += "};\n\n";
  }
  std::vector<std::string> all;
  for (const table_schema* t : order) all.push_back(names.type_of(t->name));
  if (!options.name_space.empty()) out += "namespace " + options.name_space + " {\n";
  out += fmt::format(
      "/// Creates every generated table that does not exist, referenced tables first.\n"
      "inline void create_all(tabula::engine& db) {{ db.create_all<{}>(); }}\n",
      fmt::join(all, ", "));
  if (!options.name_space.empty()) out += "}  // namespace " + options.name_space + "\n";
  return out;
}

}  // namespace tabula::migrate
