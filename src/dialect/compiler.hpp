#pragma once
/// \file compiler.hpp
/// The SQL compiler shared by every dialect. It walks the runtime AST once, appending to a
/// single string, and asks the concrete dialect only where databases differ: placeholders,
/// literals, type names, a few spellings, and a handful of syntax rules. A dialect is a small
/// subclass that overrides those hooks and nothing else.

#include <cstdint>
#include <string>
#include <string_view>

#include "tabula/ast/ast.hpp"
#include "tabula/dialect/dialect.hpp"

namespace tabula::detail {

/// The state of one compilation: the text being built and what it needs to be bound.
struct sql_writer {
  std::string text;
  std::uint32_t param_count = 0;
  /// Set while printing DDL, where the database takes no parameters.
  bool ddl = false;

  void put(std::string_view s) { text.append(s); }
  void put(char c) { text.push_back(c); }
};

/// Syntax rules in which the dialects differ, as data rather than code.
struct syntax_rules {
  /// OFFSET needs a LIMIT before it (`LIMIT -1 OFFSET n` on SQLite).
  bool offset_needs_limit = false;
  /// A compound operand that is itself compound or has ORDER BY / LIMIT / WITH may be written
  /// in parentheses (PostgreSQL); otherwise it is wrapped as `SELECT * FROM (...)` (SQLite).
  bool parenthesized_compound_operands = true;
  /// `INSERT ... SELECT ... ON CONFLICT` needs a WHERE in the SELECT, or the parser takes
  /// `ON` for a join constraint (SQLite).
  bool upsert_select_needs_where = false;
  /// `INSERT ... DEFAULT VALUES ON CONFLICT ...` is accepted.
  bool upsert_after_default_values = true;
  /// `ON CONFLICT DO UPDATE` needs a conflict target.
  bool upsert_update_needs_target = true;
  /// A derived table in FROM must have an alias.
  bool derived_table_needs_alias = true;
  /// `DROP TABLE ... CASCADE` exists.
  bool drop_cascade = true;
  /// `SELECT ... FOR UPDATE / FOR SHARE [NOWAIT | SKIP LOCKED]` exists.
  bool row_locks = true;
  /// Schemas are attached databases (SQLite): an index is named `"schema"."index"` on an
  /// unqualified table, and a foreign key cannot reference a table of another schema. When
  /// false (PostgreSQL), an index takes its table's schema and references cross schemas.
  bool schemas_are_databases = false;
  /// From this slot on, a placeholder that takes the next number in sequence is printed bare,
  /// `?`, which the database numbers the same way (SQLite: one more than the largest so far).
  /// SQLite looks each numbered `?N` up with a linear scan when it compiles a statement, so a
  /// 5,000-parameter INSERT written with `?N` took 87 million instructions to prepare; early
  /// slots stay numbered for legible SQL. UINT32_MAX: never.
  std::uint32_t bare_placeholders_from = UINT32_MAX;
};

/// Whether `f` calls the portable function `lower_name`, ignoring the case of `f.name`.
[[nodiscard]] bool is_function(const ast::function& f, std::string_view lower_name) noexcept;

/// A dialect implemented by the shared compiler. Subclasses supply the hooks below.
class sql_compiler : public dialect {
 public:
  [[nodiscard]] compiled_sql compile(const ast::statement& stmt) const final;
  [[nodiscard]] std::string quote_identifier(std::string_view name) const final;
  [[nodiscard]] std::string placeholder(std::uint32_t index) const final;
  [[nodiscard]] std::string literal(const ast::value& v) const final;
  [[nodiscard]] std::string type_name(const ast::sql_type& type) const final;

 protected:
  explicit sql_compiler(syntax_rules rules) noexcept : rules_(rules) {}

  // --- hooks: where the dialects differ -------------------------------------------------

  /// Appends the placeholder of parameter slot `index` (0-based).
  virtual void write_placeholder(std::string& out, std::uint32_t index) const = 0;
  /// Appends a boolean literal.
  virtual void write_bool(std::string& out, bool v) const = 0;
  /// Appends a blob literal.
  virtual void write_blob(std::string& out, const blob& v) const = 0;
  /// Appends a time, UUID or decimal literal in the dialect's storage for it.
  virtual void write_typed(std::string& out, const typed_value& v) const = 0;
  /// Appends an infinite or NaN double (finite ones are printed by the base).
  virtual void write_non_finite(std::string& out, double v) const = 0;
  /// Appends the type name used by CREATE TABLE and CAST.
  virtual void write_type(std::string& out, const ast::sql_type& type) const = 0;
  /// The operator of a NULL-safe comparison.
  [[nodiscard]] virtual std::string_view distinct_from_op(bool negated) const = 0;
  /// Writes a function the dialect spells its own way; returns false to let the base print
  /// the portable form.
  virtual bool write_dialect_function(sql_writer& w, const ast::function& f) const;
  /// Whether `->>` yields text that is cast to the wanted type (PostgreSQL), rather than the
  /// member's own SQL type (SQLite).
  [[nodiscard]] virtual bool json_text_needs_cast() const noexcept { return false; }
  /// Writes a generated single-column integer primary key, without NOT NULL or DEFAULT.
  virtual void write_generated_key(sql_writer& w, const ast::column_def& c) const = 0;
  /// Appends table constraints the dialect needs for a column's type (SQLite enforces
  /// VARCHAR lengths only through CHECK).
  virtual void write_type_constraints(sql_writer& w, const ast::table_def& t) const;

  // --- building blocks shared with the hooks --------------------------------------------

  /// `"name"`, embedded quotes doubled.
  void write_identifier(std::string& out, std::string_view name) const;
  /// `'text'`, embedded quotes doubled.
  void write_string(std::string& out, std::string_view s) const;
  void write_integer(std::string& out, std::int64_t v) const;
  /// `name(args)`, `name(DISTINCT args)` or `name(*)`, with `name` printed in lower case.
  void write_call(sql_writer& w, std::string_view name, const ast::function& f) const;
  /// An expression in a position that delimits it (select item, argument, clause).
  void write_expr(sql_writer& w, const ast::expr& e) const;
  /// An expression as an operand of an operator: parenthesised unless it is an atom.
  void write_operand(sql_writer& w, const ast::expr& e) const;
  /// Throws `programming_error` naming the construct and this dialect.
  [[noreturn]] void fail(std::string_view construct, std::string_view why) const;

 private:
  void write_statement(sql_writer& w, const ast::statement& stmt) const;
  bool write_json_function(sql_writer& w, const ast::function& f) const;

 protected:
  /// The integer of a `tabula_time_*` function's unit or field argument (a literal).
  [[nodiscard]] std::int64_t unit_argument(const ast::function& f) const;

 private:
  void write_value(std::string& out, const ast::value& v) const;

  // expressions
  void write_node(sql_writer& w, const ast::column_ref& n) const;
  void write_node(sql_writer& w, const ast::star& n) const;
  void write_node(sql_writer& w, const ast::param& n) const;
  void write_node(sql_writer& w, const ast::literal& n) const;
  void write_node(sql_writer& w, const ast::unary& n) const;
  void write_node(sql_writer& w, const ast::binary& n) const;
  void write_node(sql_writer& w, const ast::like& n) const;
  void write_node(sql_writer& w, const ast::in_list& n) const;
  void write_node(sql_writer& w, const ast::in_select& n) const;
  void write_node(sql_writer& w, const ast::between& n) const;
  void write_node(sql_writer& w, const ast::exists& n) const;
  void write_node(sql_writer& w, const ast::subquery& n) const;
  void write_node(sql_writer& w, const ast::function& n) const;
  void write_node(sql_writer& w, const ast::case_when& n) const;
  void write_node(sql_writer& w, const ast::cast& n) const;
  void write_node(sql_writer& w, const ast::raw& n) const;
  /// The SQL of `n` on this dialect: its spelling for this dialect, else `n.sql`.
  [[nodiscard]] std::string_view raw_text(const ast::raw& n) const;
  void write_node(sql_writer& w, const ast::window& n) const;
  void write_node(sql_writer& w, const ast::excluded& n) const;
  void write_expr_list(sql_writer& w, const ast::expr_list& list) const;
  void write_order_items(sql_writer& w, const std::vector<ast::order_item>& items) const;
  void write_frame_bound(sql_writer& w, const ast::frame_bound& b) const;

  // queries
  void write_select(sql_writer& w, const ast::select& s, bool force_where = false) const;
  void write_select_core(sql_writer& w, const ast::select& s, bool force_where) const;
  void write_row_lock(sql_writer& w, const ast::row_lock& lock) const;
  void write_compound_operand(sql_writer& w, const ast::select& s, bool force_where) const;
  void write_with(sql_writer& w, const std::vector<ast::cte>& with, bool recursive) const;
  void write_from_item(sql_writer& w, const ast::from_item& item) const;
  void write_table_ref(sql_writer& w, const ast::table_ref& t) const;
  /// `"schema"."name"`, or `"name"` when `schema` is empty.
  void write_qualified(sql_writer& w, std::string_view schema, std::string_view name) const;
  void write_select_items(sql_writer& w, const std::vector<ast::select_item>& items) const;
  void write_identifier_list(std::string& out, const std::vector<std::string>& names) const;
  void write_assignments(sql_writer& w, const std::vector<ast::assignment>& set) const;
  void write_returning(sql_writer& w, const std::vector<ast::select_item>& items) const;

  // statements
  void write_insert(sql_writer& w, const ast::insert& s) const;
  void write_update(sql_writer& w, const ast::update& s) const;
  void write_delete(sql_writer& w, const ast::delete_& s) const;
  void write_create_table(sql_writer& w, const ast::create_table& s) const;
  void write_column_def(sql_writer& w, const ast::column_def& c, bool generated_key) const;
  void write_default(sql_writer& w, const ast::expr& e) const;
  void write_fk_action(sql_writer& w, std::string_view clause, ast::fk_action a) const;
  void write_constraint_name(sql_writer& w, const std::string& name) const;
  void write_drop_table(sql_writer& w, const ast::drop_table& s) const;
  void write_create_index(sql_writer& w, const ast::create_index& s) const;
  void write_drop_index(sql_writer& w, const ast::drop_index& s) const;

  syntax_rules rules_;
};

}  // namespace tabula::detail
