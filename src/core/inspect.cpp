/// \file inspect.cpp
/// The inspector: SQLite through its schema table, pragma table functions and the CREATE TABLE
/// text; PostgreSQL through pg_catalog.

#include "tabula/core/inspect.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tabula/core/connection.hpp"
#include "tabula/core/engine.hpp"
#include "tabula/error.hpp"

namespace tabula {

const column_info* table_schema::column(std::string_view column_name) const noexcept {
  for (const column_info& c : columns) {
    if (c.name == column_name) return &c;
  }
  return nullptr;
}

std::string_view fk_action_sql(ast::fk_action a) noexcept {
  switch (a) {
    case ast::fk_action::restrict:
      return "RESTRICT";
    case ast::fk_action::cascade:
      return "CASCADE";
    case ast::fk_action::set_null:
      return "SET NULL";
    case ast::fk_action::set_default:
      return "SET DEFAULT";
    case ast::fk_action::no_action:
      break;
  }
  return "NO ACTION";
}

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

ast::fk_action action_named(std::string_view sql) {
  const std::string u = upper(sql);
  if (u == "CASCADE") return ast::fk_action::cascade;
  if (u == "RESTRICT") return ast::fk_action::restrict;
  if (u == "SET NULL") return ast::fk_action::set_null;
  if (u == "SET DEFAULT") return ast::fk_action::set_default;
  return ast::fk_action::no_action;
}

/// PostgreSQL's one-letter `confupdtype`/`confdeltype` codes.
ast::fk_action action_code(std::string_view code) {
  if (code == "c") return ast::fk_action::cascade;
  if (code == "r") return ast::fk_action::restrict;
  if (code == "n") return ast::fk_action::set_null;
  if (code == "d") return ast::fk_action::set_default;
  return ast::fk_action::no_action;
}

std::string text_or_empty(const driver::statement& st, int col) {
  return st.is_null(col) ? std::string() : std::string(st.get_text(col));
}

std::vector<std::string> split_names(std::string_view joined) {
  std::vector<std::string> out;
  if (joined.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = joined.find('\x1f', start);
    out.emplace_back(joined.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Type names as tabula's column types

std::optional<ast::sql_type> sqlite_type(std::string_view declared) {
  // SQLite's affinity rules (https://www.sqlite.org/datatype3.html section 3.1), with the
  // names tabula writes mapped back to the kind it writes them for.
  const std::string u = upper(declared);
  ast::sql_type t;
  if (u.empty()) return std::nullopt;
  if (u == "BOOLEAN" || u == "BOOL") {
    t.kind = ast::type_kind::boolean;
  } else if (u.find("INT") != std::string::npos) {
    t.kind = ast::type_kind::int64;
  } else if (u.find("CHAR") != std::string::npos || u.find("CLOB") != std::string::npos ||
             u.find("TEXT") != std::string::npos) {
    t.kind = ast::type_kind::text;
    const std::size_t open = u.find('(');
    if (open != std::string::npos && u.find("CHAR") != std::string::npos) {
      t.length = static_cast<std::uint32_t>(std::strtoul(u.c_str() + open + 1, nullptr, 10));
    }
  } else if (u == "BLOB") {
    t.kind = ast::type_kind::blob;
  } else if (u.find("REAL") != std::string::npos || u.find("FLOA") != std::string::npos ||
             u.find("DOUB") != std::string::npos) {
    t.kind = ast::type_kind::float64;
  } else if (u.rfind("TIMESTAMP", 0) == 0 || u.rfind("DATETIME", 0) == 0) {
    t.kind = ast::type_kind::timestamp;
  } else {
    return std::nullopt;
  }
  return t;
}

std::optional<ast::sql_type> postgres_type(std::string_view formatted) {
  ast::sql_type t;
  if (formatted == "boolean") {
    t.kind = ast::type_kind::boolean;
  } else if (formatted == "smallint") {
    t.kind = ast::type_kind::int16;
  } else if (formatted == "integer") {
    t.kind = ast::type_kind::int32;
  } else if (formatted == "bigint") {
    t.kind = ast::type_kind::int64;
  } else if (formatted == "real") {
    t.kind = ast::type_kind::float32;
  } else if (formatted == "double precision") {
    t.kind = ast::type_kind::float64;
  } else if (formatted == "text" || formatted == "character varying") {
    t.kind = ast::type_kind::text;
  } else if (formatted.rfind("character varying(", 0) == 0) {
    t.kind = ast::type_kind::text;
    t.length = static_cast<std::uint32_t>(
        std::strtoul(std::string(formatted.substr(18)).c_str(), nullptr, 10));
  } else if (formatted == "bytea") {
    t.kind = ast::type_kind::blob;
  } else if (formatted == "timestamp without time zone") {
    t.kind = ast::type_kind::timestamp;
  } else if (formatted == "timestamp with time zone") {
    t.kind = ast::type_kind::timestamptz;
  } else if (formatted == "date") {
    t.kind = ast::type_kind::date;
  } else if (formatted == "time without time zone") {
    t.kind = ast::type_kind::time;
  } else if (formatted == "interval") {
    t.kind = ast::type_kind::interval;
  } else if (formatted == "uuid") {
    t.kind = ast::type_kind::uuid;
  } else if (formatted == "jsonb") {
    t.kind = ast::type_kind::json;
  } else if (formatted.rfind("numeric(", 0) == 0) {  // numeric(precision,scale)
    t.kind = ast::type_kind::decimal;
    const std::string digits(formatted.substr(8));
    char* end = nullptr;
    t.length = static_cast<std::uint32_t>(std::strtoul(digits.c_str(), &end, 10));
    if (end != nullptr && *end == ',') {
      t.scale = static_cast<std::uint8_t>(std::strtoul(end + 1, nullptr, 10));
    }
  } else {
    return std::nullopt;
  }
  return t;
}

// ------------------------------------------------------------------------------------------
// SQLite: the parts of CREATE TABLE no pragma reports (constraint names, CHECK text)

struct token {
  enum kind_t { word, quoted, string, open, close, comma, other } kind;
  std::string text;  ///< a word or a quoted identifier unquoted
  std::size_t begin = 0;
  std::size_t end = 0;
};

std::vector<token> tokenize(std::string_view sql) {
  std::vector<token> out;
  std::size_t i = 0;
  const auto quoted_run = [&](char close_char) {
    std::string text;
    std::size_t j = i + 1;
    while (j < sql.size()) {
      if (sql[j] == close_char) {
        if (close_char != ']' && j + 1 < sql.size() && sql[j + 1] == close_char) {
          text.push_back(close_char);
          j += 2;
          continue;
        }
        break;
      }
      text.push_back(sql[j++]);
    }
    return std::pair{text, std::min(j + 1, sql.size())};
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (c == '"' || c == '`' || c == '[' || c == '\'') {
      auto [text, end] = quoted_run(c == '[' ? ']' : c);
      out.push_back({c == '\'' ? token::string : token::quoted, std::move(text), i, end});
      i = end;
    } else if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
               static_cast<unsigned char>(c) >= 0x80) {
      std::size_t j = i;
      while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) != 0 ||
                                sql[j] == '_' || sql[j] == '$' ||
                                static_cast<unsigned char>(sql[j]) >= 0x80)) {
        ++j;
      }
      out.push_back({token::word, std::string(sql.substr(i, j - i)), i, j});
      i = j;
    } else {
      const token::kind_t k = c == '(' ? token::open
                              : c == ')' ? token::close
                              : c == ',' ? token::comma
                                         : token::other;
      out.push_back({k, std::string(1, c), i, i + 1});
      ++i;
    }
  }
  return out;
}

bool is_word(const token& t, std::string_view w) {
  return t.kind == token::word && upper(t.text) == w;
}

/// The constraints named or written in a CREATE TABLE, as SQLite's text has them.
struct declared_constraints {
  std::string primary_key_name;
  std::vector<unique_info> uniques;      ///< name and columns
  std::vector<foreign_key_info> fks;     ///< name and columns
  std::vector<check_info> checks;        ///< name and condition
};

/// The index of the `)` matching the `(` at `open`.
std::size_t matching_close(const std::vector<token>& toks, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < toks.size(); ++i) {
    if (toks[i].kind == token::open) ++depth;
    if (toks[i].kind == token::close && --depth == 0) return i;
  }
  return toks.size();
}

std::vector<std::string> identifier_list(const std::vector<token>& toks, std::size_t open,
                                         std::size_t close) {
  std::vector<std::string> names;
  bool expect = true;
  for (std::size_t i = open + 1; i < close; ++i) {
    if (toks[i].kind == token::comma) {
      expect = true;
    } else if (expect && (toks[i].kind == token::word || toks[i].kind == token::quoted)) {
      names.push_back(toks[i].text);
      expect = false;  // COLLATE x, ASC, DESC after the name are skipped
    }
  }
  return names;
}

declared_constraints parse_create_table(std::string_view sql) {
  declared_constraints out;
  const std::vector<token> toks = tokenize(sql);
  std::size_t open = 0;
  while (open < toks.size() && toks[open].kind != token::open) ++open;
  const std::size_t close = matching_close(toks, open);
  // Each element of the body: a column definition or a table constraint.
  std::size_t start = open + 1;
  while (start < close) {
    std::size_t end = start;
    int depth = 0;
    while (end < close && !(depth == 0 && toks[end].kind == token::comma)) {
      if (toks[end].kind == token::open) ++depth;
      if (toks[end].kind == token::close) --depth;
      ++end;
    }
    const bool table_constraint =
        is_word(toks[start], "CONSTRAINT") || is_word(toks[start], "PRIMARY") ||
        is_word(toks[start], "UNIQUE") || is_word(toks[start], "CHECK") ||
        is_word(toks[start], "FOREIGN");
    const std::string column = table_constraint ? std::string() : toks[start].text;
    std::string name;
    for (std::size_t i = table_constraint ? start : start + 1; i < end; ++i) {
      const token& t = toks[i];
      if (is_word(t, "CONSTRAINT") && i + 1 < end) {
        name = toks[++i].text;
        continue;
      }
      // The column list of a table constraint, or the column itself.
      const auto columns_at = [&](std::size_t j) {
        while (j < end && toks[j].kind != token::open) ++j;
        if (!table_constraint || j >= end) return std::pair{std::vector<std::string>{column}, i};
        const std::size_t c = matching_close(toks, j);
        return std::pair{identifier_list(toks, j, c), c};
      };
      if (is_word(t, "PRIMARY")) {
        out.primary_key_name = std::exchange(name, {});
        if (table_constraint) i = columns_at(i + 1).second;
      } else if (is_word(t, "UNIQUE")) {
        auto [cols, next] = columns_at(i + 1);
        out.uniques.push_back({std::exchange(name, {}), std::move(cols)});
        i = next;
      } else if (is_word(t, "CHECK") && i + 1 < end && toks[i + 1].kind == token::open) {
        const std::size_t c = matching_close(toks, i + 1);
        const std::size_t from = toks[i + 1].end;
        const std::size_t to = c < toks.size() ? toks[c].begin : sql.size();
        out.checks.push_back({std::exchange(name, {}), std::string(sql.substr(from, to - from))});
        i = c;
      } else if (is_word(t, "FOREIGN") || (!table_constraint && is_word(t, "REFERENCES"))) {
        std::vector<std::string> cols{column};
        if (table_constraint) {
          auto [c, next] = columns_at(i + 1);
          cols = std::move(c);
          i = next;
        }
        out.fks.push_back({std::exchange(name, {}), std::move(cols), {}, {}, {}, {}, {}});
      }
    }
    start = end + 1;
  }
  return out;
}

// ------------------------------------------------------------------------------------------

/// Runs `sql` with text parameters and calls `row(statement)` for each row.
template <class Row>
void each_row(connection& c, const std::string& sql, std::initializer_list<std::string_view> args,
              Row&& row) {
  auto st = c.prepare(sql);
  int i = 0;
  for (std::string_view a : args) st->bind(i++, a);
  while (st->step()) row(*st);
}

struct sqlite_reader {
  connection& c;
  const std::string& schema;

  std::string q(std::string_view id) const { return c.sql_dialect().quote_identifier(id); }

  std::vector<std::string> table_names() const {
    std::vector<std::string> names;
    each_row(c,
             "SELECT name FROM " + q(schema) +
                 ".sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' "
                 "ORDER BY name",
             {}, [&](const driver::statement& st) { names.emplace_back(st.get_text(0)); });
    return names;
  }

  table_schema table(std::string_view name) const {
    table_schema t;
    t.schema = schema;
    t.name = std::string(name);
    std::string create_sql;
    each_row(c, "SELECT sql FROM " + q(schema) + ".sqlite_schema WHERE type = 'table' AND name = ?1",
             {name}, [&](const driver::statement& st) { create_sql = text_or_empty(st, 0); });
    if (create_sql.empty()) throw_no_table(name);
    t.create_sql = create_sql;
    declared_constraints declared = parse_create_table(create_sql);
    const bool autoincrement = upper(create_sql).find("AUTOINCREMENT") != std::string::npos;

    std::vector<std::pair<std::int64_t, std::string>> key;
    each_row(c,
             "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1, ?2) "
             "ORDER BY cid",
             {name, schema}, [&](const driver::statement& st) {
               column_info col;
               col.name = std::string(st.get_text(0));
               col.sql_type = text_or_empty(st, 1);
               col.type = sqlite_type(col.sql_type);
               col.nullable = st.get_int64(2) == 0;
               if (!st.is_null(3)) col.default_sql = std::string(st.get_text(3));
               if (st.get_int64(4) > 0) key.emplace_back(st.get_int64(4), col.name);
               t.columns.push_back(std::move(col));
             });
    std::sort(key.begin(), key.end());
    for (auto& [pos, col] : key) t.primary_key.push_back(col);
    t.primary_key_name = declared.primary_key_name;
    if (t.primary_key.size() == 1) {
      // A rowid alias: a single-column key declared exactly INTEGER.
      for (column_info& col : t.columns) {
        if (col.name == t.primary_key.front() && (upper(col.sql_type) == "INTEGER" || autoincrement)) {
          col.identity = true;
          col.nullable = false;  // a rowid is never NULL; the pragma reports notnull 0 for it
        }
      }
    }

    read_foreign_keys(t, declared);
    read_indexes(t, declared);
    // The length CHECK tabula writes for a bounded text column is its type's length.
    // So is the json_valid CHECK of a JSON column: its type is JSON.
    for (check_info& ck : declared.checks) {
      if (!fold_length_check(t, ck) && !fold_json_check(t, ck)) t.checks.push_back(std::move(ck));
    }
    return t;
  }

  static bool fold_json_check(table_schema& t, const check_info& ck) {
    for (column_info& col : t.columns) {
      if (!col.type || col.type->kind != ast::type_kind::text) continue;
      if (ck.name != "ck_" + t.name + "_" + col.name + "_json") continue;
      const std::string quoted = "\"" + col.name + "\"";
      if (ck.condition != "json_valid(" + quoted + ")" &&
          ck.condition != quoted + " IS NULL OR json_valid(" + quoted + ")") {
        continue;
      }
      col.type->kind = ast::type_kind::json;
      return true;
    }
    return false;
  }

  static bool fold_length_check(table_schema& t, const check_info& ck) {
    for (column_info& col : t.columns) {
      if (!col.type || col.type->kind != ast::type_kind::text) continue;
      if (ck.name != "ck_" + t.name + "_" + col.name + "_length") continue;
      const std::string prefix = "length(\"" + col.name + "\") <= ";
      if (ck.condition.rfind(prefix, 0) != 0) continue;
      col.type->length =
          static_cast<std::uint32_t>(std::strtoul(ck.condition.c_str() + prefix.size(), nullptr, 10));
      return true;
    }
    return false;
  }

  void read_foreign_keys(table_schema& t, const declared_constraints& declared) const {
    std::int64_t current = -1;
    each_row(c,
             "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM "
             "pragma_foreign_key_list(?1, ?2) ORDER BY id, seq",
             {t.name, schema}, [&](const driver::statement& st) {
               if (st.get_int64(0) != current) {
                 current = st.get_int64(0);
                 foreign_key_info fk;
                 fk.ref_table = std::string(st.get_text(1));
                 fk.on_update = action_named(st.get_text(4));
                 fk.on_delete = action_named(st.get_text(5));
                 t.foreign_keys.push_back(std::move(fk));
               }
               foreign_key_info& fk = t.foreign_keys.back();
               fk.columns.emplace_back(st.get_text(2));
               // `to` is NULL when the key refers to the parent's primary key implicitly.
               fk.ref_columns.push_back(text_or_empty(st, 3));
             });
    // pragma_foreign_key_list numbers keys from the last declared: restore declaration order.
    std::reverse(t.foreign_keys.begin(), t.foreign_keys.end());
    for (foreign_key_info& fk : t.foreign_keys) {
      for (const foreign_key_info& d : declared.fks) {
        if (d.columns == fk.columns) fk.name = d.name;
      }
      if (std::any_of(fk.ref_columns.begin(), fk.ref_columns.end(),
                      [](const std::string& s) { return s.empty(); })) {
        // Implicit reference to the parent's primary key.
        fk.ref_columns.clear();
        each_row(c, "SELECT name FROM pragma_table_info(?1, ?2) WHERE pk > 0 ORDER BY pk",
                 {fk.ref_table, schema},
                 [&](const driver::statement& st) { fk.ref_columns.emplace_back(st.get_text(0)); });
      }
    }
  }

  std::vector<std::string> index_columns(const std::string& index) const {
    std::vector<std::string> cols;
    each_row(c, "SELECT name FROM pragma_index_info(?1, ?2) ORDER BY seqno", {index, schema},
             [&](const driver::statement& st) { cols.push_back(text_or_empty(st, 0)); });
    return cols;
  }

  void read_indexes(table_schema& t, const declared_constraints& declared) const {
    each_row(
        c,
        "SELECT l.name, l.\"unique\", l.origin, l.partial, s.sql FROM pragma_index_list(?1, ?2) l "
        "LEFT JOIN " + q(schema) + ".sqlite_schema s ON s.type = 'index' AND s.name = l.name "
        "ORDER BY l.name",
        {t.name, schema}, [&](const driver::statement& st) {
          const std::string index(st.get_text(0));
          const std::string origin(st.get_text(2));
          if (origin == "pk") return;
          std::vector<std::string> cols = index_columns(index);
          if (origin == "u") {
            unique_info u{{}, std::move(cols)};
            for (const unique_info& d : declared.uniques) {
              if (d.columns == u.columns) u.name = d.name;
            }
            t.uniques.push_back(std::move(u));
            return;
          }
          index_info ix;
          ix.name = index;
          ix.unique = st.get_int64(1) != 0;
          ix.columns = std::move(cols);
          ix.sql = text_or_empty(st, 4);
          if (st.get_int64(3) != 0) ix.predicate = where_clause(ix.sql);
          fill_expression_columns(ix, ix.sql);
          t.indexes.push_back(std::move(ix));
        });
    // pragma_index_list lists uniques newest first; keep the CREATE TABLE's order.
    std::sort(t.uniques.begin(), t.uniques.end(), [&](const unique_info& a, const unique_info& b) {
      return position(declared, a) < position(declared, b);
    });
  }

  static std::size_t position(const declared_constraints& d, const unique_info& u) {
    for (std::size_t i = 0; i < d.uniques.size(); ++i) {
      if (d.uniques[i].columns == u.columns) return i;
    }
    return d.uniques.size();
  }

  /// The text after the top-level WHERE of a CREATE INDEX.
  static std::string where_clause(std::string_view sql) {
    const std::vector<token> toks = tokenize(sql);
    int depth = 0;
    for (const token& t : toks) {
      if (t.kind == token::open) ++depth;
      if (t.kind == token::close) --depth;
      if (depth == 0 && is_word(t, "WHERE")) {
        std::string_view rest = sql.substr(t.end);
        while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front())) != 0) {
          rest.remove_prefix(1);
        }
        return std::string(rest);
      }
    }
    return {};
  }

  /// An expression column has no name in pragma_index_info: take its text from CREATE INDEX.
  static void fill_expression_columns(index_info& ix, std::string_view sql) {
    if (std::none_of(ix.columns.begin(), ix.columns.end(),
                     [](const std::string& s) { return s.empty(); })) {
      return;
    }
    const std::vector<token> toks = tokenize(sql);
    std::size_t open = 0;
    while (open < toks.size() && toks[open].kind != token::open) ++open;
    const std::size_t close = matching_close(toks, open);
    std::size_t start = open + 1;
    std::size_t k = 0;
    int depth = 0;
    for (std::size_t i = open + 1; i <= close && i < toks.size(); ++i) {
      if (toks[i].kind == token::open) ++depth;
      if (toks[i].kind == token::close) --depth;
      if ((depth == 0 && toks[i].kind == token::comma) || i == close) {
        if (k < ix.columns.size() && ix.columns[k].empty() && start < i) {
          ix.columns[k] =
              std::string(sql.substr(toks[start].begin, toks[i - 1].end - toks[start].begin));
        }
        ++k;
        start = i + 1;
      }
    }
  }

  [[noreturn]] void throw_no_table(std::string_view name) const {
    detail::throw_error<programming_error>(
        fmt::format("tabula: the database has no table \"{}\" in schema \"{}\".", name, schema));
  }
};

constexpr std::string_view pg_tables_sql =
    "SELECT c.relname::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
    "n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1";

constexpr std::string_view pg_columns_sql =
    "SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, "
    "pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity::text "
    "FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
    "AND NOT a.attisdropped ORDER BY a.attnum";

// Column lists joined with U+001F (unit separator), which no sane name holds.
constexpr std::string_view pg_constraints_sql =
    "SELECT con.conname::text, con.contype::text, con.confupdtype::text, "
    "con.confdeltype::text, COALESCE(rc.relname::text, ''), COALESCE(rn.nspname::text, ''), "
    "pg_catalog.pg_get_constraintdef(con.oid, true), "
    "COALESCE((SELECT string_agg(a.attname::text, chr(31) ORDER BY k.n) "
    "  FROM unnest(con.conkey) WITH ORDINALITY k(attnum, n) JOIN pg_catalog.pg_attribute a "
    "  ON a.attrelid = con.conrelid AND a.attnum = k.attnum), ''), "
    "COALESCE((SELECT string_agg(a.attname::text, chr(31) ORDER BY k.n) "
    "  FROM unnest(con.confkey) WITH ORDINALITY k(attnum, n) JOIN pg_catalog.pg_attribute a "
    "  ON a.attrelid = con.confrelid AND a.attnum = k.attnum), '') "
    "FROM pg_catalog.pg_constraint con "
    "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
    "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
    "WHERE n.nspname = $1 AND c.relname = $2 AND con.contype IN ('p', 'u', 'f', 'c') "
    "ORDER BY con.oid";

// Indexes that no PRIMARY KEY, UNIQUE or EXCLUDE constraint owns.
constexpr std::string_view pg_indexes_sql =
    "SELECT i.relname::text, ix.indisunique, "
    "COALESCE(pg_catalog.pg_get_expr(ix.indpred, ix.indrelid, true), ''), "
    "(SELECT string_agg(CASE WHEN k.attnum > 0 THEN a.attname::text "
    "   ELSE pg_catalog.pg_get_indexdef(ix.indexrelid, k.n::int, true) END, chr(31) "
    "   ORDER BY k.n) "
    " FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, n) "
    " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum "
    " WHERE k.n <= ix.indnkeyatts), pg_catalog.pg_get_indexdef(ix.indexrelid) "
    "FROM pg_catalog.pg_index ix "
    "JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid "
    "JOIN pg_catalog.pg_class c ON c.oid = ix.indrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = $1 AND c.relname = $2 AND NOT EXISTS (SELECT 1 FROM "
    "pg_catalog.pg_constraint con WHERE con.conindid = ix.indexrelid AND con.contype IN "
    "('p', 'u', 'x')) ORDER BY 1";

struct postgres_reader {
  connection& c;
  const std::string& schema;

  std::vector<std::string> table_names() const {
    std::vector<std::string> names;
    each_row(c, std::string(pg_tables_sql), {schema},
             [&](const driver::statement& st) { names.emplace_back(st.get_text(0)); });
    return names;
  }

  table_schema table(std::string_view name) const {
    table_schema t;
    t.schema = schema;
    t.name = std::string(name);
    each_row(c, std::string(pg_columns_sql), {schema, name}, [&](const driver::statement& st) {
      column_info col;
      col.name = std::string(st.get_text(0));
      col.sql_type = std::string(st.get_text(1));
      col.type = postgres_type(col.sql_type);
      col.nullable = st.get_bool(2);
      if (!st.is_null(3)) col.default_sql = std::string(st.get_text(3));
      col.identity = !text_or_empty(st, 4).empty() ||
                     (col.default_sql && col.default_sql->rfind("nextval(", 0) == 0);
      t.columns.push_back(std::move(col));
    });
    if (t.columns.empty()) {
      detail::throw_error<programming_error>(fmt::format(
          "tabula: the database has no table \"{}\" in schema \"{}\".", name, schema));
    }
    each_row(c, std::string(pg_constraints_sql), {schema, name}, [&](const driver::statement& st) {
      std::string cname(st.get_text(0));
      const std::string type(st.get_text(1));
      std::vector<std::string> cols = split_names(st.get_text(7));
      if (type == "p") {
        t.primary_key_name = std::move(cname);
        t.primary_key = std::move(cols);
      } else if (type == "u") {
        t.uniques.push_back({std::move(cname), std::move(cols)});
      } else if (type == "f") {
        foreign_key_info fk;
        fk.name = std::move(cname);
        fk.columns = std::move(cols);
        fk.on_update = action_code(st.get_text(2));
        fk.on_delete = action_code(st.get_text(3));
        fk.ref_table = std::string(st.get_text(4));
        fk.ref_schema = std::string(st.get_text(5));
        fk.ref_columns = split_names(st.get_text(8));
        t.foreign_keys.push_back(std::move(fk));
      } else {
        // "CHECK (cond)", possibly followed by NOT VALID or NO INHERIT.
        std::string def(st.get_text(6));
        const std::size_t open = def.find('(');
        const std::size_t close = def.rfind(')');
        if (open != std::string::npos && close != std::string::npos && close > open) {
          def = def.substr(open + 1, close - open - 1);
        }
        t.checks.push_back({std::move(cname), std::move(def)});
      }
    });
    each_row(c, std::string(pg_indexes_sql), {schema, name}, [&](const driver::statement& st) {
      index_info ix;
      ix.name = std::string(st.get_text(0));
      ix.unique = st.get_bool(1);
      ix.predicate = std::string(st.get_text(2));
      ix.columns = split_names(text_or_empty(st, 3));
      ix.sql = std::string(st.get_text(4));
      t.indexes.push_back(std::move(ix));
    });
    return t;
  }
};

bool is_postgres(const connection& c) { return c.sql_dialect().name() == "postgresql"; }

}  // namespace

struct inspector::owned {
  connection conn;
};

inspector::inspector(connection& c, std::string schema) : conn_(&c), schema_(std::move(schema)) {
  resolve_schema();
}

inspector::inspector(engine& db, std::string schema)
    : owned_(detail::make_owned<owned>(owned{db.connect()})),
      conn_(&owned_->conn),
      schema_(std::move(schema)) {
  resolve_schema();
}

void inspector::resolve_schema() {
  if (!schema_.empty()) return;
  if (is_postgres(*conn_)) {
    each_row(*conn_, "SELECT current_schema()::text", {},
             [&](const driver::statement& st) { schema_ = text_or_empty(st, 0); });
    if (schema_.empty()) {
      detail::throw_error<programming_error>(
          "tabula: the search_path names no existing schema, so there is no schema to inspect. "
          "Name one: db.inspect(\"public\")");
    }
  } else {
    schema_ = "main";
  }
}

inspector::~inspector() = default;
inspector::inspector(inspector&&) noexcept = default;
inspector& inspector::operator=(inspector&&) noexcept = default;

std::string_view inspector::backend() const noexcept { return conn_->sql_dialect().name(); }

std::vector<std::string> inspector::table_names() {
  if (is_postgres(*conn_)) return postgres_reader{*conn_, schema_}.table_names();
  return sqlite_reader{*conn_, schema_}.table_names();
}

bool inspector::has_table(std::string_view name) {
  const std::vector<std::string> names = table_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

table_schema inspector::table(std::string_view name) {
  if (is_postgres(*conn_)) return postgres_reader{*conn_, schema_}.table(name);
  return sqlite_reader{*conn_, schema_}.table(name);
}

std::vector<table_schema> inspector::tables() {
  std::vector<table_schema> out;
  for (const std::string& name : table_names()) out.push_back(table(name));
  return out;
}

namespace detail {

std::string replace_created_table(std::string_view create_sql, std::string_view quoted_name) {
  // CREATE [TEMP] TABLE [IF NOT EXISTS] [schema.]name (
  const std::vector<token> toks = tokenize(create_sql);
  std::size_t i = 0;
  while (i < toks.size() && !is_word(toks[i], "TABLE")) ++i;
  ++i;
  if (i + 2 < toks.size() && is_word(toks[i], "IF")) i += 3;
  std::size_t last = i;
  while (last + 2 < toks.size() && toks[last + 1].text == ".") last += 2;
  if (last >= toks.size()) {
    throw_error<programming_error>("tabula: not a CREATE TABLE statement: " +
                                   std::string(create_sql));
  }
  return std::string(create_sql.substr(0, toks[i].begin)) + std::string(quoted_name) +
         std::string(create_sql.substr(toks[last].end));
}

}  // namespace detail

inspector engine::inspect(std::string schema) { return inspector(*this, std::move(schema)); }

}  // namespace tabula
