/// \file compiler.cpp
/// The shared SQL compiler: everything both dialects print the same way.

#include "compiler.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <type_traits>

#include <fmt/format.h>

#include "tabula/error.hpp"

namespace tabula::detail {
namespace {

bool is_negative_number(const ast::value& v) noexcept {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i < 0;
  if (const auto* d = std::get_if<double>(&v)) return std::signbit(*d);
  return false;
}

/// Whether an expression can stand as an operand without parentheses: it is a single token or
/// closed by its own brackets/keywords, so no operator around it can bind into it.
bool is_atom(const ast::expr& e) noexcept {
  return std::visit(
      [](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::literal>) {
          return !is_negative_number(n.v);  // `- -1` would start a comment: keep `(-1)`
        } else if constexpr (std::is_same_v<T, ast::in_list>) {
          return n.items.empty();  // printed as `(1 = 0)`, already closed
        } else if constexpr (std::is_same_v<T, ast::exists>) {
          return !n.negated;
        } else {
          return std::is_same_v<T, ast::column_ref> || std::is_same_v<T, ast::star> ||
                 std::is_same_v<T, ast::param> || std::is_same_v<T, ast::subquery> ||
                 std::is_same_v<T, ast::function> || std::is_same_v<T, ast::case_when> ||
                 std::is_same_v<T, ast::cast> || std::is_same_v<T, ast::window> ||
                 std::is_same_v<T, ast::excluded>;
        }
      },
      e.node());
}

/// Operators whose left operand may repeat the same operator without parentheses:
/// `a - b - c` parses as `(a - b) - c` on every SQL database.
bool is_left_associative(ast::binary_op op) noexcept {
  using enum ast::binary_op;
  switch (op) {
    case and_:
    case or_:
    case add:
    case sub:
    case mul:
    case div:
    case mod:
    case concat:
      return true;
    default:
      return false;
  }
}

/// Operators whose right operand may repeat the same operator too: `a AND (b AND c)` means
/// `a AND b AND c`.
bool is_associative(ast::binary_op op) noexcept {
  return op == ast::binary_op::and_ || op == ast::binary_op::or_;
}

char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool is_name_char(char c, bool first) noexcept {
  c = ascii_lower(c);
  return (c >= 'a' && c <= 'z') || c == '_' || (!first && ((c >= '0' && c <= '9') || c == '.'));
}

bool is_simple_select(const ast::select& s) noexcept {
  return s.with.empty() && s.compound.empty() && s.order_by.empty() && !s.limit && !s.offset;
}

bool is_integer_type(ast::type_kind k) noexcept {
  return k == ast::type_kind::int16 || k == ast::type_kind::int32 || k == ast::type_kind::int64;
}

char ascii_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

bool is_current_keyword(const ast::function& f) noexcept {
  return is_function(f, "current_timestamp") || is_function(f, "current_date") ||
         is_function(f, "current_time");
}

}  // namespace

bool is_function(const ast::function& f, std::string_view lower_name) noexcept {
  return std::equal(f.name.begin(), f.name.end(), lower_name.begin(), lower_name.end(),
                    [](char a, char b) { return ascii_lower(a) == b; });
}

// ---------------------------------------------------------------------------------------------
// Public entry points

compiled_sql sql_compiler::compile(const ast::statement& stmt) const {
  sql_writer w;
  w.text.reserve(256);
  write_statement(w, stmt);
  return compiled_sql{std::move(w.text), w.param_count};
}

std::string sql_compiler::quote_identifier(std::string_view name) const {
  std::string out;
  write_identifier(out, name);
  return out;
}

std::string sql_compiler::placeholder(std::uint32_t index) const {
  std::string out;
  write_placeholder(out, index);
  return out;
}

std::string sql_compiler::literal(const ast::value& v) const {
  std::string out;
  write_value(out, v);
  return out;
}

std::string sql_compiler::type_name(const ast::sql_type& type) const {
  std::string out;
  write_type(out, type);
  return out;
}

void sql_compiler::fail(std::string_view construct, std::string_view why) const {
  throw_error<programming_error>(
      fmt::format("tabula: {} cannot be compiled for {}: {}", construct, name(), why));
}

// ---------------------------------------------------------------------------------------------
// Tokens

void sql_compiler::write_identifier(std::string& out, std::string_view name) const {
  if (name.empty()) {
    fail("an identifier", "the name is empty. Give every table, column and alias a name.");
  }
  if (name.find('\0') != std::string_view::npos) {
    fail("an identifier", "the name contains a NUL character. Remove it from the name.");
  }
  out.push_back('"');
  for (std::size_t pos = 0;;) {
    const std::size_t quote = name.find('"', pos);
    if (quote == std::string_view::npos) {
      out.append(name.substr(pos));
      break;
    }
    out.append(name.substr(pos, quote + 1 - pos));
    out.push_back('"');
    pos = quote + 1;
  }
  out.push_back('"');
}

void sql_compiler::write_string(std::string& out, std::string_view s) const {
  if (s.find('\0') != std::string_view::npos) {
    fail("a string literal", "it contains a NUL character. Bind the value as a parameter.");
  }
  out.push_back('\'');
  for (std::size_t pos = 0;;) {
    const std::size_t quote = s.find('\'', pos);
    if (quote == std::string_view::npos) {
      out.append(s.substr(pos));
      break;
    }
    out.append(s.substr(pos, quote + 1 - pos));
    out.push_back('\'');
    pos = quote + 1;
  }
  out.push_back('\'');
}

void sql_compiler::write_integer(std::string& out, std::int64_t v) const {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void sql_compiler::write_value(std::string& out, const ast::value& v) const {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, ast::null_t>) {
          out.append("NULL");
        } else if constexpr (std::is_same_v<T, bool>) {
          write_bool(out, x);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          write_integer(out, x);
        } else if constexpr (std::is_same_v<T, double>) {
          if (!std::isfinite(x)) {
            write_non_finite(out, x);
            return;
          }
          // Shortest text that reads back as the same double; keep a '.' or exponent so the
          // database does not take it for an integer.
          char buf[32];
          const auto r = std::to_chars(buf, buf + sizeof buf, x);
          const std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
          out.append(text);
          if (text.find_first_of(".e") == std::string_view::npos) out.append(".0");
        } else if constexpr (std::is_same_v<T, std::string>) {
          write_string(out, x);
        } else if constexpr (std::is_same_v<T, typed_value>) {
          write_typed(out, x);
        } else {
          static_assert(
              std::is_same_v<T, blob>,
              "tabula: every value alternative is printed. Add the new alternative here.");
          write_blob(out, x);
        }
      },
      v);
}

// ---------------------------------------------------------------------------------------------
// Expressions

void sql_compiler::write_expr(sql_writer& w, const ast::expr& e) const {
  std::visit([&](const auto& n) { write_node(w, n); }, e.node());
}

void sql_compiler::write_operand(sql_writer& w, const ast::expr& e) const {
  if (is_atom(e)) {
    write_expr(w, e);
    return;
  }
  w.put('(');
  write_expr(w, e);
  w.put(')');
}

void sql_compiler::write_expr_list(sql_writer& w, const ast::expr_list& list) const {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i != 0) w.put(", ");
    write_expr(w, list[i]);
  }
}

void sql_compiler::write_node(sql_writer& w, const ast::column_ref& n) const {
  if (!n.qualifier.empty()) {
    write_identifier(w.text, n.qualifier);
    w.put('.');
  }
  write_identifier(w.text, n.name);
}

void sql_compiler::write_node(sql_writer& w, const ast::star& n) const {
  if (!n.qualifier.empty()) {
    write_identifier(w.text, n.qualifier);
    w.put('.');
  }
  w.put('*');
}

void sql_compiler::write_node(sql_writer& w, const ast::param& n) const {
  if (w.ddl) fail("a parameter", "DDL takes no parameters. Use a literal.");
  if (n.index == UINT32_MAX) fail("a parameter", "the slot index is out of range.");
  const bool next_in_sequence = n.index == w.param_count;
  w.param_count = std::max(w.param_count, n.index + 1);
  if (next_in_sequence && n.index >= rules_.bare_placeholders_from) {
    w.put('?');
  } else {
    write_placeholder(w.text, n.index);
  }
}

void sql_compiler::write_node(sql_writer& w, const ast::literal& n) const {
  write_value(w.text, n.v);
}

void sql_compiler::write_node(sql_writer& w, const ast::unary& n) const {
  switch (n.op) {
    case ast::unary_op::not_:
      w.put("NOT ");
      write_operand(w, *n.operand);
      return;
    case ast::unary_op::negate:
      w.put('-');
      write_operand(w, *n.operand);
      return;
    case ast::unary_op::is_null:
      write_operand(w, *n.operand);
      w.put(" IS NULL");
      return;
    case ast::unary_op::is_not_null:
      write_operand(w, *n.operand);
      w.put(" IS NOT NULL");
      return;
  }
  fail("a unary expression", "the operator is unknown.");
}

void sql_compiler::write_node(sql_writer& w, const ast::binary& n) const {
  // Spellings of eq .. concat, in the order binary_op declares them.
  static constexpr std::string_view common_ops[] = {"=",  "<>", "<", "<=", ">", ">=", "AND",
                                                    "OR", "+",  "-", "*",  "/", "%",  "||"};
  static_assert(std::size(common_ops) == static_cast<std::size_t>(ast::binary_op::concat) + 1,
                "tabula: every binary operator has a spelling. Add the new operator here.");
  std::string_view op;
  if (n.op == ast::binary_op::is_distinct_from || n.op == ast::binary_op::is_not_distinct_from) {
    op = distinct_from_op(n.op == ast::binary_op::is_not_distinct_from);
  } else if (static_cast<std::size_t>(n.op) < std::size(common_ops)) {
    op = common_ops[static_cast<std::size_t>(n.op)];
  }
  if (op.empty()) fail("a binary expression", "the operator is unknown.");

  // A chain of one operator (`a AND b AND c`) prints flat; anything else nested is bracketed.
  const auto side = [&](const ast::expr& e, bool left) {
    const auto* inner = std::get_if<ast::binary>(&e.node());
    if (inner != nullptr && inner->op == n.op &&
        (left ? is_left_associative(n.op) : is_associative(n.op))) {
      write_node(w, *inner);
    } else {
      write_operand(w, e);
    }
  };
  side(*n.lhs, true);
  w.put(' ');
  w.put(op);
  w.put(' ');
  side(*n.rhs, false);
}

void sql_compiler::write_node(sql_writer& w, const ast::like& n) const {
  if (n.case_insensitive && !capabilities().ilike) {
    w.put("lower(");
    write_expr(w, *n.operand);
    w.put(n.negated ? ") NOT LIKE lower(" : ") LIKE lower(");
    write_expr(w, *n.pattern);
    w.put(')');
  } else {
    write_operand(w, *n.operand);
    if (n.negated) w.put(" NOT");
    w.put(n.case_insensitive ? " ILIKE " : " LIKE ");
    write_operand(w, *n.pattern);
  }
  if (n.escape) {
    w.put(" ESCAPE ");
    write_string(w.text, std::string_view(&*n.escape, 1));
  }
}

void sql_compiler::write_node(sql_writer& w, const ast::in_list& n) const {
  if (n.items.empty()) {
    // `x IN ()` is not SQL; an empty list matches nothing (everything when negated).
    w.put(n.negated ? "(1 = 1)" : "(1 = 0)");
    return;
  }
  write_operand(w, *n.operand);
  w.put(n.negated ? " NOT IN (" : " IN (");
  write_expr_list(w, n.items);
  w.put(')');
}

void sql_compiler::write_node(sql_writer& w, const ast::in_select& n) const {
  write_operand(w, *n.operand);
  w.put(n.negated ? " NOT IN (" : " IN (");
  write_select(w, *n.query);
  w.put(')');
}

void sql_compiler::write_node(sql_writer& w, const ast::between& n) const {
  write_operand(w, *n.operand);
  w.put(n.negated ? " NOT BETWEEN " : " BETWEEN ");
  write_operand(w, *n.low);
  w.put(" AND ");
  write_operand(w, *n.high);
}

void sql_compiler::write_node(sql_writer& w, const ast::exists& n) const {
  w.put(n.negated ? "NOT EXISTS (" : "EXISTS (");
  write_select(w, *n.query);
  w.put(')');
}

void sql_compiler::write_node(sql_writer& w, const ast::subquery& n) const {
  w.put('(');
  write_select(w, *n.query);
  w.put(')');
}

void sql_compiler::write_call(sql_writer& w, std::string_view name, const ast::function& f) const {
  for (const char c : name) w.put(ascii_lower(c));
  w.put('(');
  if (f.star) {
    if (f.distinct || !f.args.empty()) {
      fail("a function call", "`*` takes neither DISTINCT nor arguments.");
    }
    w.put('*');
  } else {
    if (f.distinct) w.put("DISTINCT ");
    write_expr_list(w, f.args);
  }
  w.put(')');
}

void sql_compiler::write_node(sql_writer& w, const ast::function& n) const {
  // The name is printed unquoted, so it must be a plain (optionally schema-qualified) name.
  bool valid = !n.name.empty() && is_name_char(n.name.front(), true);
  for (const char c : n.name) valid = valid && is_name_char(c, false);
  if (!valid) {
    fail(
        "a function call",
        fmt::format("'{}' is not a function name. Use letters, digits, '_' and '.' only.", n.name));
  }
  if (write_json_function(w, n) || write_dialect_function(w, n)) return;
  if (is_current_keyword(n)) {
    // SQL spells these as keywords, without parentheses.
    if (!n.args.empty() || n.star || n.distinct) {
      fail("a function call", fmt::format("{} takes no arguments.", n.name));
    }
    for (const char c : n.name) w.put(ascii_upper(c));
    return;
  }
  write_call(w, n.name, n);
}

// json_get(kind, doc, keys...): `(doc -> k1 ... ->> kn)`, cast to the type of `kind` where
// `->>` yields text; json_has(doc, keys...): `((doc -> k1 ... -> kn) IS NOT NULL)`. Both
// databases spell the operators alike (SQLite since 3.38).
bool sql_compiler::write_json_function(sql_writer& w, const ast::function& f) const {
  const bool get = is_function(f, "json_get");
  if (!get && !is_function(f, "json_has")) return false;
  const std::size_t doc = get ? 1 : 0;
  if (f.args.size() < doc + 2 || f.distinct || f.star) {
    fail("a JSON path", "it needs a document and at least one key");
  }
  ast::sql_type target{ast::type_kind::json};
  if (get) {
    const auto* kind = std::get_if<ast::literal>(&f.args[0].node());
    const auto* k = kind != nullptr ? std::get_if<std::int64_t>(&kind->v) : nullptr;
    if (k == nullptr) fail("json_get", "its first argument is the result's type kind");
    target.kind = static_cast<ast::type_kind>(*k);
  }
  const bool as_json = !get || target.kind == ast::type_kind::json;
  const bool cast = !as_json && target.kind != ast::type_kind::text && json_text_needs_cast();
  if (cast) w.put("CAST(");
  w.put(get ? "(" : "((");
  write_operand(w, f.args[doc]);
  for (std::size_t i = doc + 1; i < f.args.size(); ++i) {
    w.put(i + 1 == f.args.size() && !as_json ? " ->> " : " -> ");
    write_operand(w, f.args[i]);
  }
  w.put(get ? ")" : ") IS NOT NULL)");
  if (cast) {
    w.put(" AS ");
    write_type(w.text, target);
    w.put(')');
  }
  return true;
}

std::int64_t sql_compiler::unit_argument(const ast::function& f) const {
  const auto* lit = f.args.size() == 2 ? std::get_if<ast::literal>(&f.args[0].node()) : nullptr;
  const auto* unit = lit != nullptr ? std::get_if<std::int64_t>(&lit->v) : nullptr;
  if (unit == nullptr || *unit < 0 || *unit > 7) {
    fail(f.name, "it takes a unit or field (a literal) and a time");
  }
  return *unit;
}

bool sql_compiler::write_dialect_function(sql_writer& /*w*/, const ast::function& /*f*/) const {
  return false;
}

void sql_compiler::write_node(sql_writer& w, const ast::case_when& n) const {
  if (n.whens.empty()) fail("a CASE expression", "it has no WHEN branch. Add at least one.");
  w.put("CASE");
  if (n.operand) {
    w.put(' ');
    write_expr(w, **n.operand);
  }
  for (const auto& [when, then] : n.whens) {
    w.put(" WHEN ");
    write_expr(w, when);
    w.put(" THEN ");
    write_expr(w, then);
  }
  if (n.otherwise) {
    w.put(" ELSE ");
    write_expr(w, **n.otherwise);
  }
  w.put(" END");
}

void sql_compiler::write_node(sql_writer& w, const ast::cast& n) const {
  w.put("CAST(");
  write_expr(w, *n.operand);
  w.put(" AS ");
  write_type(w.text, n.to);
  w.put(')');
}

std::string_view sql_compiler::raw_text(const ast::raw& n) const {
  for (const auto& [dialect_name, text] : n.by_dialect) {
    if (dialect_name == name()) return text;
  }
  return n.sql;
}

void sql_compiler::write_node(sql_writer& w, const ast::raw& n) const {
  const std::string_view sql = raw_text(n);
  const lexical_rules& lexical = capabilities().lexical;
  const std::size_t marks = count_placeholders(sql, lexical);
  if (marks != n.args.size()) {
    fail("raw SQL", fmt::format("'{}' has {} '?' but {} argument(s) were given. Pass one argument "
                                "per '?', and write '?\?' for a literal '?'.",
                                sql, marks, n.args.size()));
  }
  std::size_t next = 0;
  std::size_t copied = 0;  // sql[copied, i) is still to be written as it is
  for (std::size_t i = 0; i < sql.size();) {
    if (const std::size_t end = skip_quoted(sql, i, lexical); end != i) {
      i = end;
    } else if (sql[i] == '?') {
      w.put(sql.substr(copied, i - copied));
      const bool doubled = i + 1 < sql.size() && sql[i + 1] == '?';
      if (doubled) {
        w.put('?');
      } else {
        write_operand(w, n.args[next++]);
      }
      i += doubled ? 2 : 1;
      copied = i;
    } else {
      ++i;
    }
  }
  w.put(sql.substr(copied));
}

void sql_compiler::write_order_items(sql_writer& w,
                                     const std::vector<ast::order_item>& items) const {
  for (std::size_t i = 0; i < items.size(); ++i) {
    const ast::order_item& item = items[i];
    if (i != 0) w.put(", ");
    write_expr(w, *item.value);
    if (item.descending) w.put(" DESC");
    if (item.nulls == ast::nulls_order::default_) continue;
    if (!capabilities().nulls_ordering) {
      fail("NULLS FIRST / NULLS LAST", "the database does not support it.");
    }
    w.put(item.nulls == ast::nulls_order::first ? " NULLS FIRST" : " NULLS LAST");
  }
}

void sql_compiler::write_frame_bound(sql_writer& w, const ast::frame_bound& b) const {
  switch (b.kind) {
    case ast::frame_bound_kind::unbounded_preceding:
      w.put("UNBOUNDED PRECEDING");
      return;
    case ast::frame_bound_kind::current_row:
      w.put("CURRENT ROW");
      return;
    case ast::frame_bound_kind::unbounded_following:
      w.put("UNBOUNDED FOLLOWING");
      return;
    case ast::frame_bound_kind::preceding:
    case ast::frame_bound_kind::following:
      if (b.offset < 0) fail("a window frame", "a frame offset cannot be negative.");
      write_integer(w.text, b.offset);
      w.put(b.kind == ast::frame_bound_kind::preceding ? " PRECEDING" : " FOLLOWING");
      return;
  }
  fail("a window frame", "the bound kind is unknown.");
}

void sql_compiler::write_node(sql_writer& w, const ast::window& n) const {
  if (!std::holds_alternative<ast::function>(n.function->node())) {
    fail("a window", "only a function call can be followed by OVER.");
  }
  write_expr(w, *n.function);
  w.put(" OVER (");
  bool space = false;
  if (!n.partition_by.empty()) {
    w.put("PARTITION BY ");
    write_expr_list(w, n.partition_by);
    space = true;
  }
  if (!n.order_by.empty()) {
    if (space) w.put(' ');
    w.put("ORDER BY ");
    write_order_items(w, n.order_by);
    space = true;
  }
  if (n.frame) {
    if (space) w.put(' ');
    switch (n.frame->unit) {
      case ast::frame_unit::rows:
        w.put("ROWS");
        break;
      case ast::frame_unit::range:
        w.put("RANGE");
        break;
      case ast::frame_unit::groups:
        w.put("GROUPS");
        break;
    }
    w.put(" BETWEEN ");
    write_frame_bound(w, n.frame->start);
    w.put(" AND ");
    write_frame_bound(w, n.frame->end);
  }
  w.put(')');
}

void sql_compiler::write_node(sql_writer& w, const ast::excluded& n) const {
  w.put("excluded.");
  write_identifier(w.text, n.name);
}

// ---------------------------------------------------------------------------------------------
// Queries

void sql_compiler::write_identifier_list(std::string& out,
                                         const std::vector<std::string>& names) const {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i != 0) out.append(", ");
    write_identifier(out, names[i]);
  }
}

void sql_compiler::write_with(sql_writer& w, const std::vector<ast::cte>& with,
                              bool recursive) const {
  if (with.empty()) return;
  w.put(recursive ? "WITH RECURSIVE " : "WITH ");
  for (std::size_t i = 0; i < with.size(); ++i) {
    const ast::cte& c = with[i];
    if (i != 0) w.put(", ");
    write_identifier(w.text, c.name);
    if (!c.columns.empty()) {
      w.put('(');
      write_identifier_list(w.text, c.columns);
      w.put(')');
    }
    w.put(" AS (");
    write_select(w, *c.query);
    w.put(')');
  }
  w.put(' ');
}

void sql_compiler::write_qualified(sql_writer& w, std::string_view schema,
                                   std::string_view name) const {
  if (!schema.empty()) {
    write_identifier(w.text, schema);
    w.put('.');
  }
  write_identifier(w.text, name);
}

void sql_compiler::write_table_ref(sql_writer& w, const ast::table_ref& t) const {
  write_qualified(w, t.schema, t.name);
  if (!t.alias.empty()) {
    w.put(" AS ");
    write_identifier(w.text, t.alias);
  }
}

void sql_compiler::write_from_item(sql_writer& w, const ast::from_item& item) const {
  if (const auto* table = item.get_if<ast::table_ref>()) {
    write_table_ref(w, *table);
    return;
  }
  const auto& derived = std::get<ast::derived_table>(item.variant());
  if (derived.alias.empty() && rules_.derived_table_needs_alias) {
    fail("a derived table", "a subquery in FROM needs an alias. Give it one.");
  }
  w.put('(');
  write_select(w, *derived.query);
  w.put(')');
  if (!derived.alias.empty()) {
    w.put(" AS ");
    write_identifier(w.text, derived.alias);
  }
}

void sql_compiler::write_select_items(sql_writer& w,
                                      const std::vector<ast::select_item>& items) const {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) w.put(", ");
    write_expr(w, items[i].value);
    if (!items[i].alias.empty()) {
      w.put(" AS ");
      write_identifier(w.text, items[i].alias);
    }
  }
}

void sql_compiler::write_select(sql_writer& w, const ast::select& s, bool force_where) const {
  write_with(w, s.with, s.recursive);
  write_select_core(w, s, force_where && s.compound.empty());
  for (std::size_t i = 0; i < s.compound.size(); ++i) {
    switch (s.compound[i].op) {
      case ast::set_op::union_:
        w.put(" UNION ");
        break;
      case ast::set_op::union_all:
        w.put(" UNION ALL ");
        break;
      case ast::set_op::intersect:
        w.put(" INTERSECT ");
        break;
      case ast::set_op::except:
        w.put(" EXCEPT ");
        break;
    }
    write_compound_operand(w, *s.compound[i].query, force_where && i + 1 == s.compound.size());
  }
  if (!s.order_by.empty()) {
    w.put(" ORDER BY ");
    write_order_items(w, s.order_by);
  }
  if (s.limit) {
    w.put(" LIMIT ");
    write_expr(w, *s.limit);
  } else if (s.offset && rules_.offset_needs_limit) {
    w.put(" LIMIT -1");
  }
  if (s.offset) {
    w.put(" OFFSET ");
    write_expr(w, *s.offset);
  }
  if (s.lock) write_row_lock(w, *s.lock);
}

void sql_compiler::write_row_lock(sql_writer& w, const ast::row_lock& lock) const {
  if (!rules_.row_locks) {
    throw_error<not_supported_error>(fmt::format(
        "tabula: {} has no row locks, and for_update() / for_share() cannot be compiled for it. "
        "It locks the whole database, not rows: a transaction begun IMMEDIATE "
        "(engine_options::sqlite_begin, the default) holds the write lock from BEGIN, so the "
        "rows it reads cannot change until it ends. Leave the row lock out on {}",
        name(), name()));
  }
  w.put(lock.mode == ast::row_lock::strength::update ? " FOR UPDATE" : " FOR SHARE");
  if (lock.wait == ast::row_lock::waiting::nowait) w.put(" NOWAIT");
  if (lock.wait == ast::row_lock::waiting::skip_locked) w.put(" SKIP LOCKED");
}

void sql_compiler::write_compound_operand(sql_writer& w, const ast::select& s,
                                          bool force_where) const {
  if (is_simple_select(s)) {
    write_select_core(w, s, force_where);
    return;
  }
  // An operand with its own WITH, ORDER BY, LIMIT or set operation must be isolated so that
  // those bind to it and not to the whole compound.
  if (rules_.parenthesized_compound_operands) {
    w.put('(');
    write_select(w, s);
    w.put(')');
    return;
  }
  w.put("SELECT * FROM (");
  write_select(w, s);
  w.put(')');
  if (force_where) w.put(" WHERE true");
}

void sql_compiler::write_select_core(sql_writer& w, const ast::select& s, bool force_where) const {
  w.put(s.distinct ? "SELECT DISTINCT " : "SELECT ");
  if (s.columns.empty()) {
    if (!s.from) fail("a SELECT", "`SELECT *` needs a FROM. Name the columns or a table.");
    w.put('*');
  } else {
    write_select_items(w, s.columns);
  }
  if (s.from) {
    w.put(" FROM ");
    write_from_item(w, *s.from);
  } else if (!s.joins.empty()) {
    fail("a JOIN", "the SELECT has no FROM to join to.");
  }
  for (const ast::join& j : s.joins) {
    switch (j.kind) {
      case ast::join_kind::inner:
        w.put(" INNER JOIN ");
        break;
      case ast::join_kind::left:
        w.put(" LEFT OUTER JOIN ");
        break;
      case ast::join_kind::right:
        w.put(" RIGHT OUTER JOIN ");
        break;
      case ast::join_kind::full:
        w.put(" FULL OUTER JOIN ");
        break;
      case ast::join_kind::cross:
        w.put(" CROSS JOIN ");
        break;
    }
    if ((j.kind == ast::join_kind::right || j.kind == ast::join_kind::full) &&
        !capabilities().full_join) {
      fail("RIGHT / FULL OUTER JOIN", "the database does not support it.");
    }
    write_from_item(w, j.target);
    if (j.kind == ast::join_kind::cross) {
      if (j.on) fail("a CROSS JOIN", "it takes no ON condition. Use an INNER JOIN.");
      continue;
    }
    if (!j.on) fail("a JOIN", "it needs an ON condition. Add one, or use a CROSS JOIN.");
    w.put(" ON ");
    write_expr(w, *j.on);
  }
  if (s.where) {
    w.put(" WHERE ");
    write_expr(w, *s.where);
  } else if (force_where) {
    w.put(" WHERE true");
  }
  if (!s.group_by.empty()) {
    w.put(" GROUP BY ");
    write_expr_list(w, s.group_by);
  }
  if (s.having) {
    w.put(" HAVING ");
    write_expr(w, *s.having);
  }
}

void sql_compiler::write_assignments(sql_writer& w, const std::vector<ast::assignment>& set) const {
  for (std::size_t i = 0; i < set.size(); ++i) {
    if (i != 0) w.put(", ");
    write_identifier(w.text, set[i].column);
    w.put(" = ");
    write_expr(w, set[i].value);
  }
}

void sql_compiler::write_returning(sql_writer& w,
                                   const std::vector<ast::select_item>& items) const {
  if (items.empty()) return;
  if (!capabilities().returning) fail("RETURNING", "the database does not support it.");
  w.put(" RETURNING ");
  write_select_items(w, items);
}

// ---------------------------------------------------------------------------------------------
// Statements

void sql_compiler::write_statement(sql_writer& w, const ast::statement& stmt) const {
  std::visit(
      [&](const auto& s) {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, ast::select>) {
          write_select(w, s);
        } else if constexpr (std::is_same_v<T, ast::insert>) {
          write_insert(w, s);
        } else if constexpr (std::is_same_v<T, ast::update>) {
          write_update(w, s);
        } else if constexpr (std::is_same_v<T, ast::delete_>) {
          write_delete(w, s);
        } else if constexpr (std::is_same_v<T, ast::create_table>) {
          write_create_table(w, s);
        } else if constexpr (std::is_same_v<T, ast::drop_table>) {
          write_drop_table(w, s);
        } else if constexpr (std::is_same_v<T, ast::create_index>) {
          write_create_index(w, s);
        } else {
          static_assert(std::is_same_v<T, ast::drop_index>,
                        "tabula: every statement kind is compiled. Add the new kind here.");
          write_drop_index(w, s);
        }
      },
      stmt.variant());
}

void sql_compiler::write_insert(sql_writer& w, const ast::insert& s) const {
  write_with(w, s.with, s.recursive);
  w.put("INSERT INTO ");
  write_table_ref(w, s.table);
  if (!s.columns.empty()) {
    w.put(" (");
    write_identifier_list(w.text, s.columns);
    w.put(')');
  }
  if (!s.rows.empty() && s.from_select) {
    fail("an INSERT", "it has both VALUES rows and a SELECT. Give one source.");
  }
  if (!s.rows.empty()) {
    const std::size_t width = s.columns.empty() ? s.rows.front().size() : s.columns.size();
    w.put(" VALUES ");
    for (std::size_t r = 0; r < s.rows.size(); ++r) {
      if (s.rows[r].size() != width || width == 0) {
        fail("an INSERT", fmt::format("row {} has {} value(s) where {} are expected.", r + 1,
                                      s.rows[r].size(), width));
      }
      if (r != 0) w.put(", ");
      w.put('(');
      write_expr_list(w, s.rows[r]);
      w.put(')');
    }
  } else if (s.from_select) {
    w.put(' ');
    write_select(w, **s.from_select, s.conflict.has_value() && rules_.upsert_select_needs_where);
  } else {
    if (!s.columns.empty()) {
      fail("an INSERT", "it names columns but has no VALUES rows or SELECT.");
    }
    if (s.conflict && !rules_.upsert_after_default_values) {
      fail("ON CONFLICT", "it cannot follow DEFAULT VALUES. Insert explicit VALUES.");
    }
    w.put(" DEFAULT VALUES");
  }
  if (s.conflict) {
    const ast::on_conflict& c = *s.conflict;
    w.put(" ON CONFLICT");
    if (!c.target.empty()) {
      w.put(" (");
      write_identifier_list(w.text, c.target);
      w.put(')');
    }
    if (c.do_nothing) {
      if (!c.set.empty() || c.where) {
        fail("ON CONFLICT DO NOTHING", "it takes no SET or WHERE. Clear do_nothing to update.");
      }
      w.put(" DO NOTHING");
    } else {
      if (c.set.empty()) fail("ON CONFLICT DO UPDATE", "it has no SET assignment.");
      if (c.target.empty() && rules_.upsert_update_needs_target) {
        fail("ON CONFLICT DO UPDATE", "it needs the conflict target columns.");
      }
      w.put(" DO UPDATE SET ");
      write_assignments(w, c.set);
      if (c.where) {
        w.put(" WHERE ");
        write_expr(w, *c.where);
      }
    }
  }
  write_returning(w, s.returning);
}

void sql_compiler::write_update(sql_writer& w, const ast::update& s) const {
  if (s.set.empty()) fail("an UPDATE", "it has no SET assignment.");
  write_with(w, s.with, s.recursive);
  w.put("UPDATE ");
  write_table_ref(w, s.table);
  w.put(" SET ");
  write_assignments(w, s.set);
  if (s.where) {
    w.put(" WHERE ");
    write_expr(w, *s.where);
  }
  write_returning(w, s.returning);
}

void sql_compiler::write_delete(sql_writer& w, const ast::delete_& s) const {
  write_with(w, s.with, s.recursive);
  w.put("DELETE FROM ");
  write_table_ref(w, s.table);
  if (s.where) {
    w.put(" WHERE ");
    write_expr(w, *s.where);
  }
  write_returning(w, s.returning);
}

void sql_compiler::write_constraint_name(sql_writer& w, const std::string& name) const {
  if (name.empty()) return;
  w.put("CONSTRAINT ");
  write_identifier(w.text, name);
  w.put(' ');
}

void sql_compiler::write_fk_action(sql_writer& w, std::string_view clause, ast::fk_action a) const {
  std::string_view action;
  switch (a) {
    case ast::fk_action::no_action:
      return;  // the default on both databases
    case ast::fk_action::restrict:
      action = "RESTRICT";
      break;
    case ast::fk_action::cascade:
      action = "CASCADE";
      break;
    case ast::fk_action::set_null:
      action = "SET NULL";
      break;
    case ast::fk_action::set_default:
      action = "SET DEFAULT";
      break;
  }
  w.put(clause);
  w.put(action);
}

void sql_compiler::write_default(sql_writer& w, const ast::expr& e) const {
  // Both databases take a literal or CURRENT_* bare; anything else goes in parentheses,
  // which SQLite requires for an expression.
  const auto* f = std::get_if<ast::function>(&e.node());
  if (std::holds_alternative<ast::literal>(e.node()) || (f != nullptr && is_current_keyword(*f))) {
    write_expr(w, e);
    return;
  }
  w.put('(');
  write_expr(w, e);
  w.put(')');
}

void sql_compiler::write_column_def(sql_writer& w, const ast::column_def& c,
                                    bool generated_key) const {
  write_identifier(w.text, c.name);
  w.put(' ');
  if (generated_key) {
    write_generated_key(w, c);
    return;
  }
  write_type(w.text, c.type);
  if (!c.nullable) w.put(" NOT NULL");
  const auto* raw_default =
      c.default_value ? std::get_if<ast::raw>(&c.default_value->node()) : nullptr;
  if (c.default_value && (raw_default == nullptr || !raw_text(*raw_default).empty())) {
    // A default spelled for other databases only (empty here) is no default on this one.
    w.put(" DEFAULT ");
    write_default(w, *c.default_value);
  }
}

void sql_compiler::write_create_table(sql_writer& w, const ast::create_table& s) const {
  const ast::table_def& t = s.table;
  if (t.columns.empty()) fail("a CREATE TABLE", "the table has no columns.");
  w.ddl = true;

  const ast::column_def* generated = nullptr;
  for (const ast::column_def& c : t.columns) {
    if (!c.generated) continue;
    if (generated != nullptr) fail("a CREATE TABLE", "only one column can be generated.");
    generated = &c;
  }
  if (generated != nullptr) {
    if (!is_integer_type(generated->type.kind)) {
      fail("a CREATE TABLE",
           fmt::format("generated column '{}' must have an integer type.", generated->name));
    }
    if (!(t.primary_key.empty() ||
          (t.primary_key.size() == 1 && t.primary_key.front() == generated->name))) {
      fail("a CREATE TABLE",
           fmt::format("generated column '{}' must be the whole primary key.", generated->name));
    }
    if (generated->default_value) {
      fail("a CREATE TABLE",
           fmt::format("generated column '{}' cannot have a default.", generated->name));
    }
  }

  w.put(s.if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ");
  write_qualified(w, t.schema, t.name);
  w.put(" (");
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (i != 0) w.put(", ");
    write_column_def(w, t.columns[i], &t.columns[i] == generated);
  }
  if (generated == nullptr && !t.primary_key.empty()) {
    w.put(", PRIMARY KEY (");
    write_identifier_list(w.text, t.primary_key);
    w.put(')');
  }
  for (const ast::unique_def& u : t.uniques) {
    if (u.columns.empty()) fail("a UNIQUE constraint", "it names no column.");
    w.put(", ");
    write_constraint_name(w, u.name);
    w.put("UNIQUE (");
    write_identifier_list(w.text, u.columns);
    w.put(')');
  }
  for (const ast::foreign_key_def& fk : t.foreign_keys) {
    if (fk.columns.empty()) fail("a FOREIGN KEY", "it names no column.");
    if (!fk.ref_columns.empty() && fk.ref_columns.size() != fk.columns.size()) {
      fail("a FOREIGN KEY", "it names a different number of columns on each side.");
    }
    w.put(", ");
    write_constraint_name(w, fk.name);
    w.put("FOREIGN KEY (");
    write_identifier_list(w.text, fk.columns);
    w.put(") REFERENCES ");
    if (rules_.schemas_are_databases) {
      // The referenced table is always looked up in the referencing table's database.
      if (fk.ref_schema != t.schema) {
        fail("a FOREIGN KEY",
             fmt::format("table \"{}\" cannot reference \"{}\" of another attached database "
                         "(\"{}\"). Keep both tables in one database, or leave the key out.",
                         t.name, fk.ref_table, fk.ref_schema.empty() ? "main" : fk.ref_schema));
      }
      write_identifier(w.text, fk.ref_table);
    } else {
      write_qualified(w, fk.ref_schema, fk.ref_table);
    }
    if (!fk.ref_columns.empty()) {
      w.put(" (");
      write_identifier_list(w.text, fk.ref_columns);
      w.put(')');
    }
    write_fk_action(w, " ON DELETE ", fk.on_delete);
    write_fk_action(w, " ON UPDATE ", fk.on_update);
  }
  for (const ast::check_def& c : t.checks) {
    w.put(", ");
    write_constraint_name(w, c.name);
    w.put("CHECK (");
    write_expr(w, c.condition);
    w.put(')');
  }
  write_type_constraints(w, t);
  w.put(')');
}

void sql_compiler::write_type_constraints(sql_writer& /*w*/, const ast::table_def& /*t*/) const {}

void sql_compiler::write_drop_table(sql_writer& w, const ast::drop_table& s) const {
  w.put(s.if_exists ? "DROP TABLE IF EXISTS " : "DROP TABLE ");
  write_qualified(w, s.schema, s.name);
  if (s.cascade && rules_.drop_cascade) w.put(" CASCADE");
}

void sql_compiler::write_create_index(sql_writer& w, const ast::create_index& s) const {
  const ast::index_def& ix = s.index;
  if (ix.columns.empty()) fail("a CREATE INDEX", "the index names no column.");
  w.put(ix.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
  if (s.if_not_exists) w.put("IF NOT EXISTS ");
  if (rules_.schemas_are_databases) {
    write_qualified(w, ix.schema, ix.name);
    w.put(" ON ");
    write_identifier(w.text, ix.table);
  } else {
    write_identifier(w.text, ix.name);
    w.put(" ON ");
    write_qualified(w, ix.schema, ix.table);
  }
  w.put(" (");
  write_identifier_list(w.text, ix.columns);
  w.put(')');
}

void sql_compiler::write_drop_index(sql_writer& w, const ast::drop_index& s) const {
  w.put(s.if_exists ? "DROP INDEX IF EXISTS " : "DROP INDEX ");
  write_qualified(w, s.schema, s.name);
}

}  // namespace tabula::detail
