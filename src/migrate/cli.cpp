/// \file cli.cpp
/// The `tabula` command line: inspect, and migrate with its verbs.

#include "tabula/migrate/cli.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tabula/core/engine.hpp"
#include "tabula/core/inspect.hpp"
#include "tabula/error.hpp"
#include "tabula/migrate/codegen.hpp"

#include "quote.hpp"

namespace tabula::migrate {

namespace {

constexpr std::string_view main_help = R"(usage: tabula <command> [options]

commands:
  inspect URL [--schema NAME] [--json] [--tables A,B]   print a database's schema
  erd URL|--json FILE [--format mermaid|dot|svg]        a diagram of tables and foreign keys
  codegen URL [--tables A,B] [--namespace NS]           C++ models for existing tables
  migrate <verb> [--dir DIR] [--url URL] ...            versioned migrations

Run `tabula <command> --help` for a command's options. Exit codes: 0 success, 1 `migrate
check` found differences, 2 usage error, 3 the command failed.
)";

constexpr std::string_view inspect_help = R"(usage: tabula inspect URL [--schema NAME] [--json] [--tables A,B]

Prints the tables of the database at URL (sqlite:///file.db, postgresql://user@host/db):
columns with type, nullability, default and identity; primary key; foreign keys with their
actions; UNIQUE constraints; indexes; CHECK constraints.

  --schema NAME   the PostgreSQL schema (default: the first of the search_path), or the
                  SQLite database (default: main)
  --json          print JSON instead of text
  --tables A,B    only these tables
)";

constexpr std::string_view erd_help = R"(usage: tabula erd URL [--format mermaid|dot|svg] [--schema NAME] [--tables A,B]
       tabula erd --json FILE [--format mermaid|dot|svg]

Prints a diagram of the database's tables (columns, primary and foreign keys) and the foreign
keys between them:
  --format mermaid   a Mermaid erDiagram (default), for Markdown viewers that render Mermaid
  --format dot       a Graphviz digraph, for `dot -Tsvg` / `dot -Tpng`
  --format svg       SVG, drawn by Graphviz's `dot` (which must be installed)
  --json FILE        the tables of FILE, as `tabula inspect --json` wrote it, instead of a URL
)";

constexpr std::string_view codegen_help = R"(usage: tabula codegen URL [--tables A,B] [--namespace NS] [--schema NAME]

Prints a C++ header with a model struct per table and its tabula::schema<T> (table name,
primary key, UNIQUE constraints, indexes, foreign keys with their actions, CHECKs, lengths),
and NS::create_all(db) creating them all. What no option can say (column defaults, partial
or expression indexes, foreign keys to tables not generated) is noted in comments.
  --namespace NS   the namespace of the structs (default: models; "" for none)
)";

constexpr std::string_view migrate_help = R"(usage: tabula migrate <verb> [--dir DIR] [--url URL] [arguments]
       tabula migrate <verb> [arguments] DIR URL

verbs:
  upgrade [TARGET]       apply revisions up to TARGET: head (default), a revision id or
                         unique prefix, +N
  downgrade TARGET       undo revisions down to TARGET: a revision id, -N, base
  current                print the current revision (base: none applied)
  history                list the revisions, first to head, with their state
  stamp TARGET           record TARGET (head, a revision, base) as current; runs no SQL
  revision -m MSG [--autogenerate]
                         write a new revision; with --autogenerate its SQL makes each
                         --url database (at head) match the models
  check                  compare the models with the database: exit 1 when they differ

options:
  --dir DIR, -d DIR      the migrations directory (default: migrations)
  --url URL, -u URL      the database (default: $TABULA_URL); revision takes several, one
                         per dialect
  -m MSG, --message MSG  the new revision's message
  --ignore-tables A,B    tables the models do not own: revision --autogenerate and check
                         neither compare nor drop them

revision --autogenerate and check need the application's models: they run in the
application's own migration tool (tabula::migrate::main<Models...>, see docs/cli.md).
)";

/// A usage error: printed with the command's help, exit code 2.
struct usage_error {
  std::string message;
  std::string_view help;
};

struct options {
  std::vector<std::string> positional;
  std::vector<std::string> urls;
  std::string dir = "migrations";
  std::string schema;
  std::string message;
  std::vector<std::string> tables;
  std::vector<std::string> ignore_tables;
  std::string format = "mermaid";
  std::string name_space = "models";
  bool json = false;
  bool autogenerate = false;
  bool help = false;
};

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find(',', start), s.size());
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

options parse(std::span<const std::string> args, std::string_view help) {
  options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw usage_error{fmt::format("{} needs a value.", a), help};
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      o.help = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--autogenerate") {
      o.autogenerate = true;
    } else if (a == "--dir" || a == "-d") {
      o.dir = value();
    } else if (a == "--url" || a == "-u") {
      o.urls.push_back(value());
    } else if (a == "--schema") {
      o.schema = value();
    } else if (a == "-m" || a == "--message") {
      o.message = value();
    } else if (a == "--namespace") {
      o.name_space = value();
    } else if (a == "--format") {
      o.format = value();
    } else if (a == "--tables") {
      o.tables = split_commas(value());
    } else if (a == "--ignore-tables") {
      o.ignore_tables = split_commas(value());
    } else if (a.size() > 1 && a[0] == '-' && a[1] == '-') {
      throw usage_error{fmt::format("unknown option {}.", a), help};
    } else {
      o.positional.push_back(a);
    }
  }
  return o;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out.append(fmt::format("\\u{:04x}", static_cast<unsigned>(c)));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string json_names(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const std::string& n : names) quoted.push_back(json_string(n));
  return fmt::format("[{}]", fmt::join(quoted, ", "));
}

std::string table_json(const table_schema& t) {
  std::vector<std::string> cols;
  for (const column_info& c : t.columns) {
    cols.push_back(fmt::format(
        R"({{"name": {}, "type": {}, "nullable": {}, "default": {}, "identity": {}}})",
        json_string(c.name), json_string(c.sql_type), c.nullable,
        c.default_sql ? json_string(*c.default_sql) : "null", c.identity));
  }
  std::vector<std::string> fks;
  for (const foreign_key_info& fk : t.foreign_keys) {
    fks.push_back(fmt::format(
        R"({{"name": {}, "columns": {}, "references": {}, "referenced_columns": {}, "on_delete": {}, "on_update": {}}})",
        json_string(fk.name), json_names(fk.columns), json_string(fk.ref_table),
        json_names(fk.ref_columns), json_string(fk_action_sql(fk.on_delete)),
        json_string(fk_action_sql(fk.on_update))));
  }
  std::vector<std::string> uniques;
  for (const unique_info& u : t.uniques) {
    uniques.push_back(fmt::format(R"({{"name": {}, "columns": {}}})", json_string(u.name),
                                  json_names(u.columns)));
  }
  std::vector<std::string> indexes;
  for (const index_info& ix : t.indexes) {
    indexes.push_back(fmt::format(R"({{"name": {}, "columns": {}, "unique": {}, "where": {}}})",
                                  json_string(ix.name), json_names(ix.columns), ix.unique,
                                  ix.predicate.empty() ? "null" : json_string(ix.predicate)));
  }
  std::vector<std::string> checks;
  for (const check_info& c : t.checks) {
    checks.push_back(fmt::format(R"({{"name": {}, "condition": {}}})", json_string(c.name),
                                 json_string(c.condition)));
  }
  return fmt::format(
      R"({{"name": {}, "columns": [{}], "primary_key": {{"name": {}, "columns": {}}}, "foreign_keys": [{}], "uniques": [{}], "indexes": [{}], "checks": [{}]}})",
      json_string(t.name), fmt::join(cols, ", "), json_string(t.primary_key_name),
      json_names(t.primary_key), fmt::join(fks, ", "), fmt::join(uniques, ", "),
      fmt::join(indexes, ", "), fmt::join(checks, ", "));
}

std::string table_text(const table_schema& t) {
  std::string out = fmt::format("table {}\n", t.name);
  std::size_t width = 0;
  for (const column_info& c : t.columns) width = std::max(width, c.name.size());
  for (const column_info& c : t.columns) {
    out.append(fmt::format("  {:<{}}  {}{}{}{}\n", c.name, width, c.sql_type,
                           c.nullable ? "" : " NOT NULL",
                           c.default_sql ? " DEFAULT " + *c.default_sql : std::string(),
                           c.identity ? " (identity)" : ""));
  }
  const auto named = [](const std::string& name) {
    return name.empty() ? std::string() : name + " ";
  };
  if (!t.primary_key.empty()) {
    out.append(fmt::format("  primary key {}({})\n", named(t.primary_key_name),
                           fmt::join(t.primary_key, ", ")));
  }
  for (const foreign_key_info& fk : t.foreign_keys) {
    out.append(fmt::format("  foreign key {}({}) -> {} ({}) ON DELETE {} ON UPDATE {}\n",
                           named(fk.name), fmt::join(fk.columns, ", "), fk.ref_table,
                           fmt::join(fk.ref_columns, ", "), fk_action_sql(fk.on_delete),
                           fk_action_sql(fk.on_update)));
  }
  for (const unique_info& u : t.uniques) {
    out.append(fmt::format("  unique {}({})\n", named(u.name), fmt::join(u.columns, ", ")));
  }
  for (const index_info& ix : t.indexes) {
    out.append(fmt::format("  {}index {}({}){}\n", ix.unique ? "unique " : "", named(ix.name),
                           fmt::join(ix.columns, ", "),
                           ix.predicate.empty() ? std::string() : " WHERE " + ix.predicate));
  }
  for (const check_info& c : t.checks) {
    out.append(fmt::format("  check {}({})\n", named(c.name), c.condition));
  }
  return out;
}

/// What the commands reading one database's tables share: their options, the tables read
/// (`--tables`, else all; the version table left out unless `with_version`).
struct url_command {
  options o;
  std::string backend;
  std::string schema;
  std::vector<table_schema> tables;
};

/// Parses a command taking one URL; none when it only printed its help.
std::optional<url_command> read_url_command(std::span<const std::string> args,
                                            std::string_view help, std::string_view name,
                                            std::ostream& out, bool with_version) {
  url_command cmd{parse(args, help), {}, {}, {}};
  if (cmd.o.help) {
    out << help;
    return std::nullopt;
  }
  if (cmd.o.positional.size() != 1) {
    throw usage_error{fmt::format("{} takes one URL.", name), help};
  }
  engine db(cmd.o.positional[0]);
  inspector insp(db, cmd.o.schema);
  cmd.backend = std::string(db.backend());
  cmd.schema = insp.schema();
  for (const std::string& table : cmd.o.tables.empty() ? insp.table_names() : cmd.o.tables) {
    if (with_version || table != version_table) cmd.tables.push_back(insp.table(table));
  }
  return cmd;
}

int run_inspect(std::span<const std::string> args, std::ostream& out) {
  const auto cmd = read_url_command(args, inspect_help, "inspect", out, true);
  if (!cmd) return exit_ok;
  std::vector<std::string> rendered;
  for (const table_schema& t : cmd->tables) {
    rendered.push_back(cmd->o.json ? table_json(t) : table_text(t));
  }
  if (cmd->o.json) {
    out << fmt::format(R"({{"backend": {}, "schema": {}, "tables": [{}]}})",
                       json_string(cmd->backend), json_string(cmd->schema),
                       fmt::join(rendered, ", "))
        << '\n';
  } else {
    out << fmt::format("{}", fmt::join(rendered, "\n"));
  }
  return exit_ok;
}

/// A word Mermaid takes as an attribute type or name: other characters become `_`.
std::string mermaid_word(std::string_view s) {
  std::string out;
  for (const char c : s) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ? c : '_');
  }
  return out.empty() ? "_" : out;
}

bool in_fk(const table_schema& t, const std::string& column) {
  for (const foreign_key_info& fk : t.foreign_keys) {
    if (std::find(fk.columns.begin(), fk.columns.end(), column) != fk.columns.end()) return true;
  }
  return false;
}

bool in_key(const table_schema& t, const std::string& column) {
  return std::find(t.primary_key.begin(), t.primary_key.end(), column) != t.primary_key.end();
}

/// Whether every column of `fk` may be NULL: a row may then have no parent.
bool optional_parent(const table_schema& t, const foreign_key_info& fk) {
  for (const std::string& c : fk.columns) {
    if (t.column(c) != nullptr && !t.column(c)->nullable) return false;
  }
  return true;
}

std::string mermaid(const std::vector<table_schema>& tables) {
  std::string out = "erDiagram\n";
  for (const table_schema& t : tables) {
    out.append(fmt::format("  {} {{\n", mermaid_word(t.name)));
    for (const column_info& c : t.columns) {
      std::string keys;
      if (in_key(t, c.name)) keys = "PK";
      if (in_fk(t, c.name)) keys += keys.empty() ? "FK" : ", FK";
      out.append(fmt::format("    {} {}{}\n", mermaid_word(c.sql_type), mermaid_word(c.name),
                             keys.empty() ? std::string() : " " + keys));
    }
    out.append("  }\n");
  }
  for (const table_schema& t : tables) {
    for (const foreign_key_info& fk : t.foreign_keys) {
      out.append(fmt::format("  {} {}--o{{ {} : \"{}\"\n", mermaid_word(fk.ref_table),
                             optional_parent(t, fk) ? "|o" : "||", mermaid_word(t.name),
                             fmt::join(fk.columns, ", ")));
    }
  }
  return out;
}

std::string html(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '<': out.append("&lt;"); break;
      case '>': out.append("&gt;"); break;
      case '&': out.append("&amp;"); break;
      case '"': out.append("&quot;"); break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string graphviz(const std::vector<table_schema>& tables) {
  std::string out = "digraph schema {\n  rankdir=LR;\n  node [shape=plaintext, fontname=\"Helvetica\"];\n";
  for (const table_schema& t : tables) {
    out.append(fmt::format("  {} [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\">"
                           "<tr><td bgcolor=\"lightgrey\"><b>{}</b></td></tr>",
                           detail::double_quoted(t.name), html(t.name)));
    for (const column_info& c : t.columns) {
      out.append(fmt::format("<tr><td port={} align=\"left\">{}{} <i>{}</i>{}</td></tr>",
                             detail::double_quoted(c.name), in_key(t, c.name) ? "<u>" : "", html(c.name),
                             html(c.sql_type), in_key(t, c.name) ? "</u>" : ""));
    }
    out.append("</table>>];\n");
  }
  for (const table_schema& t : tables) {
    for (const foreign_key_info& fk : t.foreign_keys) {
      out.append(fmt::format("  {}:{} -> {}:{} [label={}{}];\n", detail::double_quoted(t.name),
                             detail::double_quoted(fk.columns.front()), detail::double_quoted(fk.ref_table),
                             detail::double_quoted(fk.ref_columns.empty() ? std::string() : fk.ref_columns.front()),
                             detail::double_quoted(fk.name), optional_parent(t, fk) ? ", style=dashed" : ""));
    }
  }
  return out + "}\n";
}

/// SVG from Graphviz's `dot`, fed the digraph through a temporary file.
std::string svg(const std::string& digraph) {
  const auto path = std::filesystem::temp_directory_path() /
                    fmt::format("tabula-erd-{}.dot", std::random_device{}());
  {
    std::ofstream f(path, std::ios::binary);
    f << digraph;
  }
  const std::string command = fmt::format("dot -Tsvg '{}' 2>/dev/null", path.string());
  std::string result;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.append(buf, n);
    const int status = ::pclose(pipe);
    std::filesystem::remove(path);
    if (status == 0 && !result.empty()) return result;
  }
  std::filesystem::remove(path);
  detail::throw_error<not_supported_error>(
      "tabula: SVG is drawn by Graphviz's `dot`, which did not run (is graphviz installed?). "
      "Print the digraph with --format dot and draw it where dot is installed.");
}

/// A JSON value, as much of JSON as `tabula inspect --json` writes.
struct json_value {
  enum kind_t { null, boolean, number, string, array, object } kind = null;
  bool b = false;
  std::string text;  ///< a string, or a number's text
  std::string key;   ///< the member name, when this value is an object's member
  std::vector<json_value> items;  ///< an array's elements, or an object's members in order

  [[nodiscard]] const json_value& operator[](std::string_view name) const {
    static const json_value none;
    if (kind != object) return none;
    for (const json_value& member : items) {
      if (member.key == name) return member;
    }
    return none;
  }
};

class json_parser {
 public:
  explicit json_parser(std::string_view text) : s_(text) {}

  json_value parse() {
    json_value v = value();
    skip();
    if (i_ != s_.size()) fail("text after the value");
    return v;
  }

 private:
  [[noreturn]] void fail(std::string_view what) const {
    detail::throw_error<programming_error>(
        fmt::format("tabula: the JSON is not what `tabula inspect --json` writes: {} at byte {}.",
                    what, i_));
  }
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])) != 0) ++i_;
  }
  bool eat(char c) {
    skip();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(fmt::format("`{}` expected", c));
  }
  std::string string() {
    expect('"');
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c == '\\' && i_ < s_.size()) {
        c = s_[i_++];
        if (c == 'n') c = '\n';
        if (c == 't') c = '\t';
        if (c == 'u' && i_ + 4 <= s_.size()) {
          c = static_cast<char>(std::stoi(std::string(s_.substr(i_, 4)), nullptr, 16));
          i_ += 4;
        }
      }
      out.push_back(c);
    }
    expect('"');
    return out;
  }
  json_value value() {
    skip();
    json_value v;
    if (i_ >= s_.size()) fail("a value expected");
    const char c = s_[i_];
    if (c == '{') {
      v.kind = json_value::object;
      ++i_;
      if (eat('}')) return v;
      do {
        std::string key = string();
        expect(':');
        json_value& member = v.items.emplace_back(value());
        member.key = std::move(key);
      } while (eat(','));
      expect('}');
    } else if (c == '[') {
      v.kind = json_value::array;
      ++i_;
      if (eat(']')) return v;
      do {
        v.items.push_back(value());
      } while (eat(','));
      expect(']');
    } else if (c == '"') {
      v.kind = json_value::string;
      v.text = string();
    } else if (s_.substr(i_, 4) == "true" || s_.substr(i_, 5) == "false") {
      v.kind = json_value::boolean;
      v.b = s_[i_] == 't';
      i_ += v.b ? 4 : 5;
    } else if (s_.substr(i_, 4) == "null") {
      i_ += 4;
    } else {
      v.kind = json_value::number;
      while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) != 0 ||
                                s_[i_] == '-' || s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == '+')) {
        v.text.push_back(s_[i_++]);
      }
      if (v.text.empty()) fail("a value expected");
    }
    return v;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

std::vector<std::string> json_strings(const json_value& v) {
  std::vector<std::string> out;
  for (const json_value& item : v.items) out.push_back(item.text);
  return out;
}

/// The tables of `tabula inspect --json` output (what a diagram needs of them).
std::vector<table_schema> tables_from_json(std::string_view text) {
  const json_value doc = json_parser(text).parse();
  std::vector<table_schema> tables;
  for (const json_value& jt : doc["tables"].items) {
    table_schema t;
    t.name = jt["name"].text;
    if (t.name == version_table) continue;
    for (const json_value& jc : jt["columns"].items) {
      column_info c;
      c.name = jc["name"].text;
      c.sql_type = jc["type"].text;
      c.nullable = jc["nullable"].b;
      c.identity = jc["identity"].b;
      t.columns.push_back(std::move(c));
    }
    t.primary_key = json_strings(jt["primary_key"]["columns"]);
    for (const json_value& jf : jt["foreign_keys"].items) {
      foreign_key_info fk;
      fk.name = jf["name"].text;
      fk.columns = json_strings(jf["columns"]);
      fk.ref_table = jf["references"].text;
      fk.ref_columns = json_strings(jf["referenced_columns"]);
      t.foreign_keys.push_back(std::move(fk));
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

int run_erd(std::span<const std::string> args, std::ostream& out) {
  std::vector<table_schema> tables;
  options o;
  if (std::find(args.begin(), args.end(), "--json") != args.end()) {
    // `erd --json FILE`: the tables of a file `tabula inspect --json` wrote.
    o = parse(args, erd_help);
    if (o.help) {
      out << erd_help;
      return exit_ok;
    }
    if (o.positional.size() != 1) throw usage_error{"erd --json takes one file.", erd_help};
    std::ifstream in(o.positional[0], std::ios::binary);
    if (!in) {
      detail::throw_error<programming_error>(
          fmt::format("tabula: cannot read {}.", o.positional[0]));
    }
    tables = tables_from_json(
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  } else {
    auto cmd = read_url_command(args, erd_help, "erd", out, false);
    if (!cmd) return exit_ok;
    o = std::move(cmd->o);
    tables = std::move(cmd->tables);
  }
  if (o.format == "mermaid") {
    out << mermaid(tables);
  } else if (o.format == "dot") {
    out << graphviz(tables);
  } else if (o.format == "svg") {
    out << svg(graphviz(tables));
  } else {
    throw usage_error{fmt::format("unknown format {}.", o.format), erd_help};
  }
  return exit_ok;
}

int run_codegen(std::span<const std::string> args, std::ostream& out) {
  const auto cmd = read_url_command(args, codegen_help, "codegen", out, false);
  if (!cmd) return exit_ok;
  out << generate_models(cmd->tables, codegen_options{cmd->o.name_space});
  return exit_ok;
}

std::string url_of(const options& o) {
  if (!o.urls.empty()) return o.urls.front();
  if (const char* env = std::getenv("TABULA_URL"); env != nullptr && *env != '\0') return env;
  throw usage_error{"name the database with --url URL (or set TABULA_URL).", migrate_help};
}

std::string label(std::string_view id) { return id.empty() ? std::string("base") : std::string(id); }

int run_migrate(std::span<const std::string> args, std::span<const table_info* const> models,
                std::ostream& out) {
  options o = parse(args, migrate_help);
  // `migrate <verb> [TARGET] DIR URL`: a URL and an existing directory may also be given
  // without their options.
  for (std::size_t i = 1; i < o.positional.size();) {
    const std::string& p = o.positional[i];
    if (p.find("://") != std::string::npos) {
      o.urls.push_back(p);
    } else if (std::filesystem::is_directory(p)) {
      o.dir = p;
    } else {
      ++i;
      continue;
    }
    o.positional.erase(o.positional.begin() + static_cast<std::ptrdiff_t>(i));
  }
  if (o.help || o.positional.empty()) {
    out << migrate_help;
    if (o.help) return exit_ok;
    throw usage_error{"name a verb.", migrate_help};
  }
  const std::string& verb = o.positional.front();
  const auto argument = [&](std::string_view what) -> std::string {
    if (o.positional.size() < 2) throw usage_error{fmt::format("{} needs {}.", verb, what), migrate_help};
    return o.positional[1];
  };
  static constexpr std::string_view verbs[] = {"upgrade", "downgrade", "current", "history",
                                               "stamp",   "revision",  "check"};
  if (std::find(std::begin(verbs), std::end(verbs), verb) == std::end(verbs)) {
    throw usage_error{fmt::format("unknown verb {}.", verb), migrate_help};
  }
  if ((verb == "check" || o.autogenerate) && models.empty()) {
    throw usage_error{
        fmt::format("{} compares the application's models with the database, and this program "
                    "lists none: run it in the application's migration tool "
                    "(tabula::migrate::main<Models...>, see docs/cli.md).",
                    verb == "check" ? "check" : "revision --autogenerate"),
        migrate_help};
  }
  if (verb == "revision" && o.message.empty()) {
    throw usage_error{"revision needs a message: -m \"...\".", migrate_help};
  }
  engine db(url_of(o));
  migrator m(db, o.dir, [&](std::string_view line) { out << line << '\n' << std::flush; });
  m.ignore_tables(o.ignore_tables);
  const std::string head = m.scripts().head();
  if (verb == "upgrade") {
    const auto done = m.upgrade(o.positional.size() > 1 ? o.positional[1] : "head");
    if (done.empty()) out << "nothing to upgrade: ";
    out << "at revision " << label(m.current()) << '\n';
  } else if (verb == "downgrade") {
    const auto done = m.downgrade(argument("a target (a revision, -N or base)"));
    if (done.empty()) out << "nothing to downgrade: ";
    out << "at revision " << label(m.current()) << '\n';
  } else if (verb == "current") {
    const std::string cur = m.current();
    out << label(cur) << (cur == head && !cur.empty() ? " (head)" : "") << '\n';
  } else if (verb == "history") {
    for (const revision_status& s : m.history()) {
      out << fmt::format("{} {} <- {}  {}  [{}]{}\n", s.current ? '>' : ' ', s.rev->id,
                         label(s.rev->parent), s.rev->message,
                         s.applied ? "applied " + s.applied_at : std::string("pending"),
                         s.rev->id == head ? " (head)" : "");
    }
  } else if (verb == "stamp") {
    m.stamp(argument("a target (head, a revision or base)"));
  } else if (verb == "revision") {
    std::vector<engine> extra;
    std::vector<engine*> dbs{&db};
    for (std::size_t i = 1; i < o.urls.size(); ++i) extra.emplace_back(o.urls[i]);
    for (engine& e : extra) dbs.push_back(&e);
    std::vector<const table_info*> none;
    const revision& r = m.new_revision(o.message, o.autogenerate ? models : none, dbs);
    out << "wrote " << r.file.string() << '\n';
    if (o.autogenerate) {
      for (const auto& [dialect, sql] : r.sections) {
        out << fmt::format("  {}: {} upgrade statement(s), {} downgrade statement(s){}\n", dialect,
                           sql.upgrade.size(), sql.downgrade.size(),
                           sql.upgrade.empty() ? " (the models match the database)" : "");
      }
    }
  } else {
    const schema_diff d = m.check(models);
    if (d.empty()) {
      out << "the database matches the models\n";
      return exit_ok;
    }
    out << d.summary();
    return exit_drift;
  }
  return exit_ok;
}

}  // namespace

int run_cli(std::span<const std::string> args, std::span<const table_info* const> models,
            std::ostream& out, std::ostream& err) {
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      out << main_help;
      return args.empty() ? exit_usage : exit_ok;
    }
    if (args[0] == "inspect") return run_inspect(args.subspan(1), out);
    if (args[0] == "erd") return run_erd(args.subspan(1), out);
    if (args[0] == "codegen") return run_codegen(args.subspan(1), out);
    if (args[0] == "migrate") return run_migrate(args.subspan(1), models, out);
    throw usage_error{fmt::format("unknown command {}.", args[0]), main_help};
  } catch (const usage_error& e) {
    err << "tabula: " << e.message << "\n\n" << e.help;
    return exit_usage;
  } catch (const error& e) {
    err << e.what() << '\n';
    if (!e.sql().empty()) err << "SQL: " << e.sql() << '\n';
    return exit_failure;
  } catch (const std::exception& e) {
    err << "tabula: " << e.what() << '\n';
    return exit_failure;
  }
}

}  // namespace tabula::migrate
