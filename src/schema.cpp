/// \file schema.cpp
/// The parts of reflection and schema metadata that do not depend on user types.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "tabula/error.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula::reflect {

namespace {
bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alnum(char c) noexcept { return is_upper(c) || is_lower(c) || is_digit(c); }
}  // namespace

std::string to_snake_case(std::string_view name) {
  std::string out;
  out.reserve(name.size() + name.size() / 2);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!is_alnum(c)) {
      // Any run of separators becomes one underscore, and none at either end.
      if (!out.empty() && out.back() != '_') out.push_back('_');
      continue;
    }
    if (is_upper(c) && !out.empty() && out.back() != '_') {
      const char prev = name[i - 1];
      const bool next_lower = i + 1 < name.size() && is_lower(name[i + 1]);
      // A word starts at "aB" and "9B", and at the last capital of an acronym: "HTTPServer".
      if (is_lower(prev) || is_digit(prev) || (is_upper(prev) && next_lower)) out.push_back('_');
    }
    out.push_back(is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c);
  }
  if (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

}  // namespace tabula::reflect

namespace tabula::detail {

std::string spell_name(std::string_view name, name_case spelling) {
  std::string out;
  switch (spelling) {
    case name_case::as_declared:
      return std::string(name);
    case name_case::snake_case:
      return reflect::to_snake_case(name);
    case name_case::lower:
    case name_case::upper:
      out.reserve(name.size());
      for (char c : name) {
        const bool change =
            spelling == name_case::lower ? reflect::is_upper(c) : reflect::is_lower(c);
        out.push_back(change ? static_cast<char>(c ^ 0x20) : c);  // ASCII: the case bit
      }
      return out;
    case name_case::pascal_case:
    case name_case::camel_case: {
      const std::string words = reflect::to_snake_case(name);
      out.reserve(words.size());
      bool word_start = spelling == name_case::pascal_case;
      for (char c : words) {
        if (c == '_') {
          word_start = true;
          continue;
        }
        out.push_back(word_start && reflect::is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c);
        word_start = false;
      }
      return out;
    }
  }
  return std::string(name);
}

void throw_out_of_range(std::int64_t value, std::string_view cpp_type) {
  throw_error<conversion_error>(fmt::format(
      "tabula: the value {} does not fit in {}. Use a wider field type, or constrain the column.",
      value, cpp_type));
}

void throw_out_of_range(std::uint64_t value, std::string_view cpp_type) {
  throw_error<conversion_error>(fmt::format(
      "tabula: the {} value {} does not fit in a 64-bit signed database integer. Keep values "
      "up to 9223372036854775807, or store them in another type.",
      cpp_type, value));
}

void throw_out_of_range(double value, std::string_view cpp_type) {
  throw_error<conversion_error>(
      fmt::format("tabula: the value {} does not fit in {}. Use a wider field type (double).",
                  value, cpp_type));
}

void check_model_names(const model_names& names, std::string_view model) {
  if (names.table.empty()) {
    throw_error<programming_error>(fmt::format(
        "tabula: model `{}` has an empty table name. Give tabula::schema<{}>::table a name.", model,
        model));
  }
  for (std::size_t i = 0; i < names.columns.size(); ++i) {
    if (names.columns[i].empty()) {
      throw_error<programming_error>(
          fmt::format("tabula: field {} of model `{}` has an empty column name. Give "
                      "tabula::column_name(...) a name.",
                      i, model));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (names.columns[j] == names.columns[i]) {
        throw_error<programming_error>(
            fmt::format("tabula: model `{}` has two columns named \"{}\". Rename one with "
                        "tabula::column_name(&{}::field, \"...\").",
                        model, names.columns[i], model));
      }
    }
  }
}

namespace {

/// FNV-1a: a stable 32-bit hash, the same on every platform and database, for name suffixes.
std::uint32_t name_hash(std::string_view text) noexcept {
  std::uint32_t h = 2166136261U;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619U;
  }
  return h;
}

void append_hash(std::string& name, std::string_view of) {
  fmt::format_to(std::back_inserter(name), "_{:08x}", name_hash(of));
}

/// `<prefix>_<table>_<part>_...`, the name of a constraint or index nobody named.
///
/// An underscore inside the table or a part is doubled, so that the single underscores between
/// the parts say where each part ends: index (c) of table ia_b is `ix_ia__b_c`, index (b_c) of
/// table ia is `ix_ia_b__c` (both were `ix_ia_b_c`, and the second index was never created).
/// Doubling cannot tell "a_" + "b" from "a" + "_b" (both `a___b`), so a part that begins or ends
/// with an underscore adds a hash of the parts. A name longer than PostgreSQL keeps is cut and
/// ends in a hash of the whole name instead; on every database, so one model's names match.
std::string constraint_name(std::string_view prefix, std::string_view table,
                            const std::vector<std::string>& parts) {
  std::string name(prefix);
  bool edge_underscore = false;
  const auto append_part = [&](std::string_view part) {
    name.push_back('_');
    for (const char c : part) {
      name.push_back(c);
      if (c == '_') name.push_back('_');
    }
    edge_underscore = edge_underscore || part.empty() || part.front() == '_' || part.back() == '_';
  };
  append_part(table);
  for (const std::string& part : parts) append_part(part);
  if (edge_underscore) {
    std::string spelled;  // each part after its length: different parts, different text
    fmt::format_to(std::back_inserter(spelled), "{}:{}", table.size(), table);
    for (const std::string& part : parts) {
      fmt::format_to(std::back_inserter(spelled), ":{}:{}", part.size(), part);
    }
    append_hash(name, spelled);
  }
  if (name.size() > max_identifier_bytes) {
    constexpr std::size_t hash_bytes = 9;  // "_" and 8 hex digits
    std::size_t cut = max_identifier_bytes - hash_bytes;
    // Never in the middle of a UTF-8 character: back up over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0U) == 0x80U) --cut;
    const std::string full = std::move(name);
    name = full.substr(0, cut);
    append_hash(name, full);
  }
  return name;
}

ast::expr raw_condition(std::string_view sql) {
  // In ast::raw a `?` takes the next argument; a CHECK has none, so each one is written `??`.
  std::string text;
  text.reserve(sql.size());
  for (char c : sql) {
    text.push_back(c);
    if (c == '?') text.push_back('?');
  }
  return ast::raw{std::move(text), {}};
}

std::vector<std::string> names_of_fields(const model_names& names,
                                         detail::list_view<const std::size_t> fields) {
  std::vector<std::string> columns;
  columns.reserve(fields.size());
  for (std::size_t field : fields) columns.push_back(names.columns.at(field));
  return columns;
}

}  // namespace

struct table_builder::pending {
  std::vector<bool> integer;  ///< per column: of an integer type
  std::size_t checks = 0;
  std::optional<std::pair<std::size_t, key_source>> key_strategy;
};

table_builder::table_builder(std::string_view model_name, const model_names& names,
                             bool read_only)
    : info_(make_owned<table_info>()),
      pending_(make_owned<pending>()),
      names_(&names) {
  info_->model_name = std::string(model_name);
  info_->read_only = read_only;
  info_->def.name = names.table;
  info_->def.schema = names.schema;
  info_->def.columns.reserve(names.columns.size());
  pending_->integer.reserve(names.columns.size());
}

table_builder::~table_builder() = default;

void table_builder::add_column(ast::sql_type type, bool nullable, bool integer) {
  ast::column_def column;
  column.name = names_->columns.at(info_->def.columns.size());
  column.type = type;
  column.nullable = nullable;
  info_->def.columns.push_back(std::move(column));
  pending_->integer.push_back(integer);
}

void table_builder::version(std::size_t field) { info_->version_field = field; }

void table_builder::primary_key(detail::list_view<const std::size_t> fields) {
  info_->key_fields.assign(fields.begin(), fields.end());
}

void table_builder::unique(detail::list_view<const std::size_t> fields, std::string_view name) {
  ast::unique_def unique;
  unique.columns = names_of_fields(*names_, fields);
  unique.name =
      name.empty() ? constraint_name("uq", info_->def.name, unique.columns) : std::string(name);
  info_->def.uniques.push_back(std::move(unique));
}

void table_builder::index(detail::list_view<const std::size_t> fields, bool unique,
                          std::string_view name) {
  ast::index_def index;
  index.table = info_->def.name;
  index.schema = info_->def.schema;
  index.columns = names_of_fields(*names_, fields);
  index.unique = unique;
  index.name =
      name.empty() ? constraint_name("ix", info_->def.name, index.columns) : std::string(name);
  info_->def.indexes.push_back(std::move(index));
}

void table_builder::max_length(std::size_t field, std::uint32_t length) {
  info_->def.columns.at(field).type.length = length;
}

void table_builder::check(std::string_view name, std::string_view condition) {
  ++pending_->checks;
  info_->def.checks.push_back(ast::check_def{
      name.empty() ? constraint_name("ck", info_->def.name, {std::to_string(pending_->checks)})
                   : std::string(name),
      raw_condition(condition)});
}

void table_builder::renamed_from(std::string_view old_table) {
  info_->renamed_from = std::string(old_table);
}

void table_builder::renamed_from(std::size_t field, std::string_view old_column) {
  info_->column_renamed_from.resize(names_->columns.size());
  info_->column_renamed_from.at(field) = std::string(old_column);
}

void table_builder::foreign_key(detail::list_view<const std::size_t> fields,
                                const model_names& referenced,
                                detail::list_view<const std::size_t> referenced_fields,
                                ast::fk_action on_delete, ast::fk_action on_update,
                                std::string_view name) {
  ast::foreign_key_def fk;
  fk.columns = names_of_fields(*names_, fields);
  fk.ref_table = referenced.table;
  fk.ref_schema = referenced.schema;
  fk.ref_columns = names_of_fields(referenced, referenced_fields);
  fk.on_delete = on_delete;
  fk.on_update = on_update;
  fk.name = name.empty() ? constraint_name("fk", info_->def.name, fk.columns) : std::string(name);
  info_->def.foreign_keys.push_back(std::move(fk));
}

namespace {

/// `sql` with its spellings for each dialect, as an `ast::raw` (a `?` in it is no parameter).
ast::expr raw_sql(const sql_expression& sql) {
  ast::expr e = raw_condition(sql.text);
  auto& r = std::get<ast::raw>(e.node());
  const auto spelled = [&](std::string_view dialect, std::string_view text) {
    r.by_dialect.emplace_back(std::string(dialect),
                              std::get<ast::raw>(raw_condition(text).node()).sql);
  };
  if (sql.sqlite_given) spelled("sqlite", sql.sqlite_text);
  if (sql.postgresql_given) spelled("postgresql", sql.postgresql_text);
  return e;
}

}  // namespace

std::string quoted_sequence(std::string_view name) {
  std::string text = "'\"";
  for (const char c : name) {
    text.push_back(c);
    if (c == '"') text.push_back('"');
    if (c == '\'') text.push_back('\'');
  }
  text += "\"'";
  return text;
}

void table_builder::server_default(std::size_t field, ast::value literal) {
  info_->def.columns.at(field).default_value = ast::expr(ast::literal{std::move(literal)});
  info_->server_default_fields.push_back(field);
}

void table_builder::server_default(std::size_t field, const sql_expression& sql) {
  info_->def.columns.at(field).default_value = raw_sql(sql);
  info_->server_default_fields.push_back(field);
}

void table_builder::on_update(std::size_t field, const sql_expression* sql) {
  table_info::on_update_column column{field, std::nullopt};
  if (sql != nullptr) column.sql = raw_sql(*sql);
  info_->on_update.push_back(std::move(column));
}

void table_builder::key_strategy(std::size_t field, key_source source, std::string_view sequence) {
  if (pending_->key_strategy) {
    throw_error<programming_error>(fmt::format(
        "tabula: model `{}` declares its key strategy twice. Keep one of generated_key, "
        "assigned_key, client_key and sequence_key.",
        info_->model_name));
  }
  pending_->key_strategy.emplace(field, source);
  info_->key_sequence = std::string(sequence);
}

const table_info& table_builder::finish(std::size_t id_field) {
  table_info& info = *info_;
  if (info.key_fields.empty()) info.key_fields.push_back(id_field);
  info.column_renamed_from.resize(info.def.columns.size());
  for (std::size_t field : info.key_fields) {
    info.def.primary_key.push_back(info.def.columns.at(field).name);
  }
  const bool single = info.key_fields.size() == 1;
  const auto& strategy = pending_->key_strategy;
  if (strategy && !(single && strategy->first == info.key_fields.front())) {
    throw_error<programming_error>(fmt::format(
        "tabula: the key strategy of model `{}` names column \"{}\", which is not the model's "
        "single-column primary key. Name the key field, or declare no strategy for a "
        "composite key.",
        info.model_name, info.def.columns.at(strategy->first).name));
  }
  info.key = strategy                                                  ? strategy->second
             : single && pending_->integer.at(info.key_fields.front()) ? key_source::database
                                                                       : key_source::assigned;
  if (info.server_default_fields.size() > 63) {
    throw_error<programming_error>(fmt::format(
        "tabula: model `{}` has {} columns with a server default; at most 63 are supported.",
        info.model_name, info.server_default_fields.size()));
  }
  for (std::size_t f : info.server_default_fields) {
    if (single && f == info.key_fields.front() && info.key != key_source::assigned) {
      throw_error<programming_error>(fmt::format(
          "tabula: the key column \"{}\" of model `{}` has a server default and a key strategy "
          "that fills it too. Declare tabula::assigned_key(...) with the server default.",
          info.def.columns.at(f).name, info.model_name));
    }
  }
  if (info.key == key_source::database) {
    info.generated_field = info.key_fields.front();
    info.def.columns[info.key_fields.front()].generated = true;
  } else if (info.key == key_source::sequence) {
    // PostgreSQL: the sequence as the column's default too, so that rows written by others (and
    // COPY) get keys; SQLite: an INTEGER key in PRIMARY KEY (...) is the rowid, as a NULL shows.
    info.generated_field = info.key_fields.front();
    ast::raw next{"", {}, {}};
    next.by_dialect.emplace_back("postgresql", "nextval(" + quoted_sequence(info.key_sequence) + ")");
    info.def.columns[info.key_fields.front()].default_value = ast::expr(std::move(next));
  }
  info.update_row_set.assign(info.def.columns.size(), 1);
  for (std::size_t k : info.key_fields) info.update_row_set[k] = 0;
  for (const auto& column : info.on_update) {
    if (column.sql) {
      info.update_row_set[column.field] = 0;
      info.on_update_sql_fields.push_back(column.field);
    }
  }
  return *info_.release();  // from here on it belongs to table_of<T>(), for the program's life
}

detail::list_view<const std::size_t> table_order::deferred_fields(
    const table_info& t) const noexcept {
  for (const deferred_key& d : deferred) {
    if (d.table == &t) return d.fields;
  }
  return {};
}

namespace {

/// The foreign keys from one table of the set to another, as one edge of the graph.
struct reference {
  std::size_t target = 0;
  bool nullable = true;             ///< every column of each of these foreign keys is nullable
  std::vector<std::size_t> fields;  ///< their columns, as field indexes
};

std::size_t field_of_column(const table_info& t, std::string_view column) {
  std::size_t f = 0;
  while (f < t.def.columns.size() && t.def.columns[f].name != column) ++f;
  return f;  // a foreign key's columns are the table's own (table_builder::foreign_key)
}

/// The references of each table to the other tables of the set.
std::vector<std::vector<reference>> references_among(const std::vector<const table_info*>& tables) {
  auto index_of = [&](const ast::foreign_key_def& fk) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (tables[i]->def.name == fk.ref_table && tables[i]->def.schema == fk.ref_schema) return i;
    }
    return std::nullopt;
  };
  std::vector<std::vector<reference>> refs(tables.size());
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const table_info& t = *tables[i];
    for (const ast::foreign_key_def& fk : t.def.foreign_keys) {
      const auto target = index_of(fk);
      if (!target || *target == i) continue;
      auto ref = std::find_if(refs[i].begin(), refs[i].end(),
                              [&](const reference& r) { return r.target == *target; });
      if (ref == refs[i].end()) ref = refs[i].insert(ref, reference{*target, true, {}});
      for (const std::string& column : fk.columns) {
        const std::size_t f = field_of_column(t, column);
        ref->fields.push_back(f);
        ref->nullable = ref->nullable && t.def.columns.at(f).nullable;
      }
    }
  }
  return refs;
}

/// A cycle among the unplaced tables, each referencing the next and the last the first. Every
/// unplaced table waits on another unplaced one: the walk of those references from the first
/// unplaced table repeats a table, and the walk from there back to it is the cycle.
std::vector<std::size_t> find_cycle(const std::vector<std::vector<reference>>& refs,
                                    const std::vector<bool>& placed) {
  std::size_t current = 0;
  while (placed[current]) ++current;
  std::vector<std::size_t> path;
  while (std::find(path.begin(), path.end(), current) == path.end()) {
    path.push_back(current);
    for (const reference& r : refs[current]) {
      if (!placed[r.target]) {
        current = r.target;
        break;
      }
    }
  }
  path.erase(path.begin(), std::find(path.begin(), path.end(), current));
  return path;
}

[[noreturn]] void throw_cycle(const std::vector<const table_info*>& tables,
                              const std::vector<std::size_t>& cycle, on_cycle cycles) {
  std::string names;
  for (std::size_t i : cycle) names.append("\"").append(tables[i]->def.name).append("\" -> ");
  names.append("\"").append(tables[cycle.front()]->def.name).append("\"");
  if (cycles == on_cycle::refuse) {
    throw_error<programming_error>(fmt::format(
        "tabula: the foreign keys of these tables form a cycle: {}. Remove one of the foreign "
        "keys, or create these tables yourself in an order the database accepts.",
        names));
  }
  throw_error<programming_error>(fmt::format(
      "tabula: the foreign keys of these tables form a cycle with no nullable foreign key: {}. "
      "Make one of them a std::optional field (its rows are then inserted with NULL there and "
      "updated after the others), or write the rows of these tables in separate flushes.",
      names));
}

}  // namespace

table_order order_by_dependencies(std::vector<const table_info*> tables, on_cycle cycles) {
  // Drop repeated models, keeping the first mention.
  std::vector<const table_info*> unique_tables;
  for (const table_info* table : tables) {
    if (std::find(unique_tables.begin(), unique_tables.end(), table) == unique_tables.end()) {
      unique_tables.push_back(table);
    }
  }
  const std::size_t n = unique_tables.size();
  std::vector<std::vector<reference>> refs = references_among(unique_tables);
  std::vector<std::pair<std::size_t, reference>> broken;

  // Repeatedly place the first table (in the given order) whose references are all placed.
  table_order order;
  std::vector<bool> placed(n, false);
  order.tables.reserve(n);
  while (order.tables.size() < n) {
    std::size_t i = 0;
    const auto ready = [&](const reference& r) { return placed[r.target]; };
    while (i < n && (placed[i] || !std::all_of(refs[i].begin(), refs[i].end(), ready))) ++i;
    if (i < n) {
      placed[i] = true;
      order.tables.push_back(unique_tables[i]);
      continue;
    }
    const std::vector<std::size_t> cycle = find_cycle(refs, placed);
    auto edge = [&](std::size_t k) {
      const std::size_t to = cycle[(k + 1) % cycle.size()];
      return std::find_if(refs[cycle[k]].begin(), refs[cycle[k]].end(),
                          [&](const reference& r) { return r.target == to; });
    };
    std::size_t k = 0;
    while (k < cycle.size() && !edge(k)->nullable) ++k;
    if (cycles == on_cycle::refuse || k == cycle.size()) throw_cycle(unique_tables, cycle, cycles);
    const auto cut = edge(k);
    broken.emplace_back(cycle[k], std::move(*cut));
    refs[cycle[k]].erase(cut);
  }

  // A broken reference to a table that was placed first anyway needs no second step.
  for (auto& [from, ref] : broken) {
    const table_info* source = unique_tables[from];
    const auto pos = [&](const table_info* t) {
      return std::find(order.tables.begin(), order.tables.end(), t) - order.tables.begin();
    };
    if (pos(unique_tables[ref.target]) < pos(source)) continue;
    auto d = std::find_if(order.deferred.begin(), order.deferred.end(),
                          [&](const deferred_key& k) { return k.table == source; });
    if (d == order.deferred.end()) d = order.deferred.insert(d, deferred_key{source, {}});
    d->fields.insert(d->fields.end(), ref.fields.begin(), ref.fields.end());
  }
  return order;
}

namespace {

void check_length(const table_info& t, std::string_view what, std::string_view name,
                  std::string_view fix, std::size_t max_bytes) {
  if (max_bytes == 0 || name.size() <= max_bytes) return;
  throw_error<programming_error>(fmt::format(
      "tabula: the {} \"{}\" of model `{}` is {} bytes long, but the database keeps only the "
      "first {} bytes of a name, so two names alike up to there would name one object. {}",
      what, name, t.model_name, name.size(), max_bytes, fix));
}

/// A name that a CREATE statement gives to something, and what that something is.
struct named_object {
  std::string_view name;
  std::string what;
  std::string_view schema;  ///< names need only differ within a schema
};

std::string columns_text(const std::vector<std::string>& columns) {
  return fmt::format("({})", fmt::join(columns, ", "));
}

void check_distinct(std::vector<named_object>& objects, std::string_view scope) {
  std::stable_sort(objects.begin(), objects.end(),
                   [](const named_object& a, const named_object& b) {
                     return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
                   });
  const auto same = std::adjacent_find(
      objects.begin(), objects.end(), [](const named_object& a, const named_object& b) {
        return a.schema == b.schema && a.name == b.name;
      });
  if (same == objects.end()) return;
  throw_error<programming_error>(fmt::format(
      "tabula: {} and {} are both named \"{}\", and {}: the database would create only one. "
      "Give one of them another name: .named(\"...\") on a tabula::index, tabula::unique or "
      "tabula::foreign_key, the first argument of tabula::check, or tabula::schema<T>::table.",
      same->what, std::next(same)->what, same->name, scope));
}

}  // namespace

void check_table_name(const table_info& t, std::size_t limit) {
  check_length(t, "table name", t.def.name,
               fmt::format("Give tabula::schema<{}>::table a name of at most {} bytes.",
                           t.model_name, limit),
               limit);
}

void check_schema_names(detail::list_view<const table_info* const> tables, std::size_t limit) {
  const std::string rename_constraint =
      fmt::format("Give it a name of at most {} bytes with .named(\"...\").", limit);
  // Tables, indexes and (on PostgreSQL, as the index behind them) UNIQUE constraints share one
  // namespace per schema; the other constraint names need only differ within their table.
  // Both rules are applied on every database, so that models accepted on one are on the other.
  std::vector<named_object> schema_wide;
  for (const table_info* t : tables) {
    const ast::table_def& def = t->def;
    check_table_name(*t, limit);
    schema_wide.push_back({def.name, fmt::format("the table \"{}\"", def.name), def.schema});
    for (const ast::column_def& c : def.columns) {
      check_length(*t, "column name", c.name,
                   fmt::format("Rename the column with tabula::column_name(&{}::field, \"...\") "
                               "to at most {} bytes.",
                               t->model_name, limit),
                   limit);
    }
    std::vector<named_object> in_table;
    const auto add = [&](std::string_view kind, const std::string& name, std::string_view which) {
      check_length(*t, kind, name, rename_constraint, limit);
      in_table.push_back(
          {name, fmt::format("the {} {} of table \"{}\"", kind, which, def.name), def.schema});
    };
    for (const ast::unique_def& u : def.uniques) {
      add("UNIQUE constraint", u.name, columns_text(u.columns));
      schema_wide.push_back(in_table.back());
    }
    for (const ast::foreign_key_def& fk : def.foreign_keys) {
      add("foreign key", fk.name, columns_text(fk.columns));
    }
    for (std::size_t i = 0; i < def.checks.size(); ++i) {
      add("CHECK constraint", def.checks[i].name, fmt::format("number {}", i + 1));
    }
    for (const ast::index_def& ix : def.indexes) {
      check_length(*t, "index", ix.name, rename_constraint, limit);
      schema_wide.push_back(
          {ix.name,
           fmt::format("the index {} of table \"{}\"", columns_text(ix.columns), def.name),
           def.schema});
    }
    check_distinct(in_table, "constraint names must differ within a table");
  }
  check_distinct(schema_wide,
                 "tables, indexes and UNIQUE constraints of one schema need different names");
}

}  // namespace tabula::detail

namespace tabula::detail {

void throw_not_loaded(std::string_view kind) {
  throw_error<programming_error>(
      "tabula: a tabula::" + std::string(kind) +
      " relationship of an object read from the database was used before it was loaded. "
      "Load it first: s.load(obj, &Model::relationship), or s.load(objects, path...) for "
      "many objects in one query per level");
}

void throw_empty_one() {
  throw_error<programming_error>(
      "tabula: a tabula::one relationship refers to no object (its foreign key is NULL, or "
      "nothing was assigned). Test it with `if (obj.rel)` or use get(), which gives nullptr");
}

}  // namespace tabula::detail
