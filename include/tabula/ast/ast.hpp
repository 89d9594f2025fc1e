#pragma once
/// \file ast.hpp
/// The runtime abstract syntax tree every statement is lowered into. Plain structs and
/// `std::variant`s with value semantics: no templates over user types, no virtual calls. The
/// typed query layer builds it; the dialect compilers turn it into SQL text; users may build
/// it directly for conditions composed at run time.
///
/// Values never appear in the tree, except `literal` (used only where SQL cannot take a
/// parameter, such as DDL CHECK constraints, and for LIMIT counts, which the planner should see). A `param` names a slot in the bind list; the
/// dialect prints it as `?N` (SQLite) or `$N` (PostgreSQL) with N = index + 1, so slots may be
/// printed in any order and the same slot may be used twice.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "tabula/ast/value.hpp"
#include "tabula/detail/move.hpp"

namespace tabula::ast {

/// A heap-allocated `T` with value semantics: copying a box copies its content. Lets the
/// recursive variants below hold themselves. A plain owning pointer: a `std::unique_ptr` here
/// would instantiate its class for each boxed type in every file including tabula.
template <class T>
class box {
 public:
  box() : p_(new T()) {}
  box(T content) : p_(new T(TABULA_MOVE(content))) {}  // NOLINT: implicit by design
  box(const box& other) : p_(new T(*other.p_)) {}
  box(box&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  box& operator=(const box& other) {
    if (this != &other) {
      T* copy = new T(*other.p_);
      delete p_;
      p_ = copy;
    }
    return *this;
  }
  box& operator=(box&& other) noexcept {
    // Taken over before the old content goes, which may hold `other`.
    T* taken = std::exchange(other.p_, nullptr);
    delete p_;
    p_ = taken;
    return *this;
  }
  ~box() {
    static_assert(sizeof(T) > 0, "tabula: a box is destroyed where its content type is complete");
    delete p_;
  }

  T& operator*() noexcept { return *p_; }
  const T& operator*() const noexcept { return *p_; }
  T* operator->() noexcept { return p_; }
  const T* operator->() const noexcept { return p_; }

 private:
  T* p_;
};

namespace detail {

/// Room for a `std::variant<Ts...>` without instantiating the variant's class: the largest
/// alternative and the index after it, aligned for the most aligned alternative. The classes
/// that keep their variant in it (`expr`, `from_item`, `statement`) construct, copy, move and
/// destroy it only in the library (src/ast/ast.cpp), which checks that the variant fits (its
/// size exactly); a file that includes this header names the variant, and compiles its class
/// only where it visits it.
template <class V>
struct variant_storage;
template <class... Ts>
struct variant_storage<std::variant<Ts...>> {
  static constexpr std::size_t align = [] {
    std::size_t a = 1;
    for (const std::size_t x : {alignof(Ts)...}) a = x > a ? x : a;
    return a;
  }();
  static constexpr std::size_t size = [] {
    std::size_t largest = 0;
    for (const std::size_t x : {sizeof(Ts)...}) largest = x > largest ? x : largest;
    // The alternatives' room rounded to the alignment, then the index (a byte for fewer than
    // 256 alternatives) padded to it, as libstdc++, libc++ and MSVC lay a variant out.
    return (largest + align - 1) / align * align + align;
  }();
  alignas(align) unsigned char bytes[size];
};

/// The index of `N` among the alternatives of the `std::variant` `V` (ill-formed when it is none).
template <class N, class V>
inline constexpr std::size_t alternative_index = 0;
template <class N, class... Ts>
inline constexpr std::size_t alternative_index<N, std::variant<Ts...>> = [] {
  static_assert((std::is_same_v<N, Ts> || ...), "tabula: get_if<N>() names no kind of this node");
  constexpr bool same[] = {std::is_same_v<N, Ts>...};
  std::size_t i = 0;
  while (i < sizeof...(Ts) && !same[i]) ++i;
  return i;
}();

/// Keeps a `std::variant` `V` in `variant_storage<V>`: the base of `expr`, `from_item` and
/// `statement`. Its members are compiled once, in the library (src/ast/ast.cpp), so a file
/// that copies, moves or destroys a tree compiles no variant code.
template <class V>
class variant_holder {
 public:
  variant_holder(const variant_holder& other);
  variant_holder(variant_holder&& other) noexcept;
  variant_holder& operator=(const variant_holder& other);
  variant_holder& operator=(variant_holder&& other) noexcept;
  ~variant_holder();

  /// The variant itself, for `std::visit`, `std::get` and the like (which compile its code).
  [[nodiscard]] V& variant() noexcept;
  [[nodiscard]] const V& variant() const noexcept;
  /// The alternative `N` when the variant holds it, else null; compiles no variant code.
  template <class N>
  [[nodiscard]] const N* get_if() const noexcept {
    return static_cast<const N*>(alternative(alternative_index<N, V>));
  }
  template <class N>
  [[nodiscard]] N* get_if() noexcept {
    return const_cast<N*>(std::as_const(*this).template get_if<N>());  // NOLINT: not const
  }

 protected:
  /// Holds `n`, an alternative of `V`. Defined, and used by the derived classes' constructors,
  /// in the library only.
  template <class N>
  variant_holder(std::in_place_t /*tag*/, N&& n);

 private:
  [[nodiscard]] const void* alternative(std::size_t index) const noexcept;
  variant_storage<V> storage_;
};

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Types (for DDL and CAST)

enum class type_kind : std::uint8_t {
  boolean,
  int16,
  int32,
  int64,
  float32,
  float64,
  text,  ///< TEXT, or VARCHAR(length) when length > 0
  blob,
  timestamp,  ///< used by CAST and current_timestamp; stored as text on SQLite
  timestamptz,  ///< TIMESTAMPTZ; SQLite: TEXT 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC)
  date,         ///< DATE; SQLite: TEXT 'YYYY-MM-DD'
  time,         ///< TIME; SQLite: TEXT 'HH:MM:SS.ffffff'
  interval,     ///< INTERVAL; SQLite: INTEGER microseconds
  uuid,         ///< UUID; SQLite: BLOB of 16 bytes
  json,         ///< JSONB; SQLite: TEXT with a json_valid CHECK
  decimal,      ///< NUMERIC(length, scale); SQLite: INTEGER scaled by 10^scale
  array,        ///< element[] (PostgreSQL only)
};

struct sql_type {
  type_kind kind = type_kind::text;
  std::uint32_t length = 0;  ///< maximum length for text, precision for decimal; 0 = unbounded
  std::uint8_t scale = 0;    ///< decimal: digits after the point
  type_kind element = type_kind::text;  ///< array: the elements' type
  friend bool operator==(const sql_type&, const sql_type&) = default;
};

// ---------------------------------------------------------------------------------------------
// Expressions

struct expr;
struct select;
using expr_list = std::vector<expr>;

/// `"qualifier"."name"`, or `"name"` when the qualifier is empty.
struct column_ref {
  std::string qualifier;
  std::string name;
};
/// `*` or `"qualifier".*`.
struct star {
  std::string qualifier;
};
/// A bound parameter: slot `index` of the statement's bind list.
struct param {
  std::uint32_t index = 0;
};
/// A value written into the SQL text, escaped by the dialect. Only for places where SQL takes
/// no parameter (DDL) or where the planner should see the value (a LIMIT count); other values
/// in queries are always `param`.
struct literal {
  value v;
};

enum class unary_op : std::uint8_t {
  not_,         ///< NOT x
  negate,       ///< -x
  is_null,      ///< x IS NULL
  is_not_null,  ///< x IS NOT NULL
};
struct unary {
  unary_op op;
  box<expr> operand;
};

enum class binary_op : std::uint8_t {
  eq, ne, lt, le, gt, ge,
  and_, or_,
  add, sub, mul, div, mod,
  concat,  ///< string concatenation: `||` on both dialects
  is_distinct_from, is_not_distinct_from,  ///< NULL-safe comparison (SQLite: IS / IS NOT)
};
struct binary {
  binary_op op;
  box<expr> lhs;
  box<expr> rhs;
};

/// `x [NOT] LIKE pattern [ESCAPE 'c']`; case_insensitive is ILIKE on PostgreSQL and
/// `lower(x) LIKE lower(pattern)` on SQLite.
struct like {
  box<expr> operand;
  box<expr> pattern;
  bool negated = false;
  bool case_insensitive = false;
  std::optional<char> escape;
};

/// `x [NOT] IN (a, b, ...)`. An empty list is printed as a constant false (true when negated)
/// that still evaluates `x` for NULL semantics: `(1 = 0)` / `(1 = 1)`.
struct in_list {
  box<expr> operand;
  expr_list items;
  bool negated = false;
};
/// `x [NOT] IN (SELECT ...)`.
struct in_select {
  box<expr> operand;
  box<select> query;
  bool negated = false;
};
/// `x [NOT] BETWEEN lo AND hi`.
struct between {
  box<expr> operand;
  box<expr> low;
  box<expr> high;
  bool negated = false;
};
/// `[NOT] EXISTS (SELECT ...)`.
struct exists {
  box<select> query;
  bool negated = false;
};
/// A scalar subquery `(SELECT ...)`.
struct subquery {
  box<select> query;
};

/// A function call. `name` is a portable, lower-case name the dialect maps onto its own
/// spelling: count, sum, avg, min, max, lower, upper, length, abs, round, trim, ltrim, rtrim,
/// substr, coalesce, nullif, current_timestamp, current_date, row_number, rank, dense_rank,
/// lag, lead, first_value, last_value, ntile, random, and any other name printed as given.
struct function {
  std::string name;
  expr_list args;
  bool distinct = false;  ///< count(DISTINCT x)
  bool star = false;      ///< count(*)
};

/// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`.
struct case_when {
  std::optional<box<expr>> operand;
  std::vector<std::pair<expr, expr>> whens;
  std::optional<box<expr>> otherwise;
};

/// `CAST(x AS type)`.
struct cast {
  box<expr> operand;
  sql_type to;
};

/// A fragment of SQL written by the user. Each `?` in `sql` is replaced by the next element of
/// `args` (so values stay parameters); `??` prints a literal `?`.
struct raw {
  std::string sql;
  expr_list args;
  /// Other spellings of `sql` for particular dialects, as {dialect name, SQL}: the dialect
  /// named ("sqlite", "postgresql") prints its own instead of `sql`.
  std::vector<std::pair<std::string, std::string>> by_dialect{};
};

enum class nulls_order : std::uint8_t { default_, first, last };
/// `value [DESC] [NULLS FIRST|LAST]` in ORDER BY.
struct order_item {
  box<expr> value;
  bool descending = false;
  nulls_order nulls = nulls_order::default_;
};

enum class frame_unit : std::uint8_t { rows, range, groups };
enum class frame_bound_kind : std::uint8_t {
  unbounded_preceding,
  preceding,  ///< offset PRECEDING
  current_row,
  following,  ///< offset FOLLOWING
  unbounded_following,
};
struct frame_bound {
  frame_bound_kind kind = frame_bound_kind::current_row;
  std::int64_t offset = 0;
};
struct window_frame {
  frame_unit unit = frame_unit::rows;
  frame_bound start;
  frame_bound end;
};
/// `fn OVER (PARTITION BY .. ORDER BY .. frame)`.
struct window {
  box<expr> function;
  expr_list partition_by;
  std::vector<order_item> order_by;
  std::optional<window_frame> frame;
};

/// `EXCLUDED."name"` inside ON CONFLICT DO UPDATE.
struct excluded {
  std::string name;
};

/// The node an `expr` holds: one of the kinds above.
using expr_node = std::variant<column_ref, star, param, literal, unary, binary, like, in_list,
                               in_select, between, exists, subquery, function, case_when, cast,
                               raw, window, excluded>;

/// An expression: one node of the kinds above, kept as a `std::variant` in storage of its own
/// (`node()` reaches it, `get_if<N>()` gives one kind), so that only the library and a program
/// that visits nodes compile the variant.
struct expr : detail::variant_holder<expr_node> {
  using node_type = expr_node;

  // One implicit constructor per node kind (a constrained template would recurse), compiled
  // once in the library (src/ast/ast.cpp) like the base's special members.
  expr(column_ref n);  // NOLINT(google-explicit-constructor)
  expr(star n);  // NOLINT(google-explicit-constructor)
  expr(param n);  // NOLINT(google-explicit-constructor)
  expr(literal n);  // NOLINT(google-explicit-constructor)
  expr(unary n);  // NOLINT(google-explicit-constructor)
  expr(binary n);  // NOLINT(google-explicit-constructor)
  expr(like n);  // NOLINT(google-explicit-constructor)
  expr(in_list n);  // NOLINT(google-explicit-constructor)
  expr(in_select n);  // NOLINT(google-explicit-constructor)
  expr(between n);  // NOLINT(google-explicit-constructor)
  expr(exists n);  // NOLINT(google-explicit-constructor)
  expr(subquery n);  // NOLINT(google-explicit-constructor)
  expr(function n);  // NOLINT(google-explicit-constructor)
  expr(case_when n);  // NOLINT(google-explicit-constructor)
  expr(cast n);  // NOLINT(google-explicit-constructor)
  expr(raw n);  // NOLINT(google-explicit-constructor)
  expr(window n);  // NOLINT(google-explicit-constructor)
  expr(excluded n);  // NOLINT(google-explicit-constructor)
  /// An empty column reference: it exists so that containers of expressions can be resized
  /// (and instantiated once, in the library); lowering never produces one.
  expr();

  /// The node, for `std::visit`, `std::get_if` and the like (which compile the variant).
  [[nodiscard]] node_type& node() noexcept { return variant(); }
  [[nodiscard]] const node_type& node() const noexcept { return variant(); }
};

/// Node factories, compiled in the library: the `lower` of a typed expression calls one instead
/// of constructing the node, its strings and its boxes inline.
expr make_binary(binary_op op, expr&& lhs, expr&& rhs);
expr make_unary(unary_op op, expr&& operand);
expr make_column_ref(std::string_view qualifier, std::string_view name);
expr make_param(std::uint32_t index);
expr make_cast(expr&& operand, const sql_type& to);

// ---------------------------------------------------------------------------------------------
// Queries

/// An item of the select list: `expr [AS "alias"]`.
struct select_item {
  expr value;
  std::string alias;
};

/// A table in FROM or JOIN, or the name of a CTE: `["schema".]"name" [AS "alias"]`.
struct table_ref {
  std::string name;
  std::string alias;
  std::string schema{};  ///< empty: not qualified (the database's default schema, or a CTE)
};
/// A derived table: `(SELECT ...) AS "alias"`.
struct derived_table {
  box<select> query;
  std::string alias;
};
/// What FROM or JOIN names: a table or a derived table, kept as a `std::variant` in storage of
/// its own (`variant()` reaches it, `get_if<N>()` gives one kind); constructors are compiled
/// once in the library (src/ast/ast.cpp).
struct from_item : detail::variant_holder<std::variant<table_ref, derived_table>> {
  using variant_type = std::variant<table_ref, derived_table>;
  from_item();
  from_item(const variant_type& v);      // NOLINT(google-explicit-constructor)
  from_item(variant_type&& v) noexcept;  // NOLINT(google-explicit-constructor)
  from_item(table_ref t);      // NOLINT(google-explicit-constructor)
  from_item(derived_table t);  // NOLINT(google-explicit-constructor)
};

enum class join_kind : std::uint8_t { inner, left, right, full, cross };
struct join {
  join_kind kind = join_kind::inner;
  from_item target;
  std::optional<expr> on;
};

struct cte {
  std::string name;
  std::vector<std::string> columns;  ///< optional column list
  box<select> query;
};

enum class set_op : std::uint8_t { union_, union_all, intersect, except };
/// One further operand of a compound select: `UNION [ALL] SELECT ...`.
struct compound_part {
  set_op op = set_op::union_;
  box<select> query;
};

/// A SELECT, possibly compound. `order_by`, `limit` and `offset` apply to the whole compound
/// when `compound` is not empty.
/// `FOR UPDATE` / `FOR SHARE` at the end of a SELECT, with `NOWAIT` or `SKIP LOCKED`.
struct row_lock {
  enum class strength : std::uint8_t { update, share };
  enum class waiting : std::uint8_t { wait, nowait, skip_locked };
  strength mode = strength::update;
  waiting wait = waiting::wait;
};

struct select {
  std::vector<cte> with;
  bool recursive = false;  ///< WITH RECURSIVE
  bool distinct = false;
  std::vector<select_item> columns;
  std::optional<from_item> from;
  std::vector<join> joins;
  std::optional<expr> where;
  expr_list group_by;
  std::optional<expr> having;
  std::vector<compound_part> compound;
  std::vector<order_item> order_by;
  std::optional<expr> limit;
  std::optional<expr> offset;
  std::optional<row_lock> lock;
};

// ---------------------------------------------------------------------------------------------
// Data changes

/// `"column" = value` in UPDATE ... SET and ON CONFLICT DO UPDATE SET.
struct assignment {
  std::string column;
  expr value;
};

/// `ON CONFLICT (target) DO NOTHING | DO UPDATE SET ... [WHERE ...]`.
struct on_conflict {
  std::vector<std::string> target;
  bool do_nothing = true;
  std::vector<assignment> set;
  std::optional<expr> where;
};

/// INSERT. Exactly one source: `rows` (one or more VALUES tuples), `from_select`, or neither
/// (DEFAULT VALUES).
struct insert {
  std::vector<cte> with;
  bool recursive = false;
  table_ref table;
  std::vector<std::string> columns;
  std::vector<expr_list> rows;
  std::optional<box<select>> from_select;
  std::optional<on_conflict> conflict;
  std::vector<select_item> returning;
};

struct update {
  std::vector<cte> with;
  bool recursive = false;
  table_ref table;
  std::vector<assignment> set;
  std::optional<expr> where;
  std::vector<select_item> returning;
};

struct delete_ {
  std::vector<cte> with;
  bool recursive = false;
  table_ref table;
  std::optional<expr> where;
  std::vector<select_item> returning;
};

// ---------------------------------------------------------------------------------------------
// Schema (DDL)

enum class fk_action : std::uint8_t { no_action, restrict, cascade, set_null, set_default };

struct column_def {
  std::string name;
  sql_type type;
  bool nullable = false;
  /// A single-column integer primary key the database generates (SQLite INTEGER PRIMARY KEY,
  /// PostgreSQL GENERATED BY DEFAULT AS IDENTITY).
  bool generated = false;
  std::optional<expr> default_value;  ///< printed with literals inline
};

struct foreign_key_def {
  std::string name;  ///< constraint name; empty = let the dialect/database choose
  std::vector<std::string> columns;
  std::string ref_table;
  std::vector<std::string> ref_columns;
  fk_action on_delete = fk_action::no_action;
  fk_action on_update = fk_action::no_action;
  std::string ref_schema{};  ///< the referenced table's schema; empty: not qualified
};

struct unique_def {
  std::string name;
  std::vector<std::string> columns;
};

struct check_def {
  std::string name;
  expr condition;  ///< printed with literals inline; contains no `param`
};

struct index_def {
  std::string name;
  std::string table;
  std::vector<std::string> columns;
  bool unique = false;
  std::string schema{};  ///< the table's schema (the index is made in it); empty: not qualified
};

/// Everything tabula knows of a table: what `table_of<T>()` returns for a model.
struct table_def {
  std::string name;
  std::vector<column_def> columns;
  std::vector<std::string> primary_key;  ///< column names, in key order
  std::vector<foreign_key_def> foreign_keys;
  std::vector<unique_def> uniques;
  std::vector<check_def> checks;
  std::vector<index_def> indexes;
  std::string schema{};  ///< empty: not qualified (the database's default schema)
};

/// CREATE TABLE [IF NOT EXISTS] with columns, keys and constraints (indexes are separate
/// `create_index` statements).
struct create_table {
  table_def table;
  bool if_not_exists = true;
};
struct drop_table {
  std::string name;
  bool if_exists = true;
  bool cascade = false;  ///< PostgreSQL only; ignored by SQLite
  std::string schema{};  ///< empty: not qualified
};
struct create_index {
  index_def index;
  bool if_not_exists = true;
};
struct drop_index {
  std::string name;
  bool if_exists = true;
  std::string schema{};  ///< empty: not qualified
};

/// The statement kinds a dialect compiles.
using statement_kind = std::variant<select, insert, update, delete_, create_table, drop_table,
                                    create_index, drop_index>;

/// Any statement a dialect compiles: one of the statement kinds, kept as a `std::variant` in
/// storage of its own (`variant()` reaches it, `get_if<N>()` gives one kind); constructors are
/// compiled once in the library (src/ast/ast.cpp).
struct statement : detail::variant_holder<statement_kind> {
  using variant_type = statement_kind;
  statement();
  statement(const variant_type& v);      // NOLINT(google-explicit-constructor)
  statement(variant_type&& v) noexcept;  // NOLINT(google-explicit-constructor)
  statement(select s);        // NOLINT(google-explicit-constructor)
  statement(insert s);        // NOLINT(google-explicit-constructor)
  statement(update s);        // NOLINT(google-explicit-constructor)
  statement(delete_ s);       // NOLINT(google-explicit-constructor)
  statement(create_table s);  // NOLINT(google-explicit-constructor)
  statement(drop_table s);    // NOLINT(google-explicit-constructor)
  statement(create_index s);  // NOLINT(google-explicit-constructor)
  statement(drop_index s);    // NOLINT(google-explicit-constructor)
};

}  // namespace tabula::ast

// The containers of the tree are instantiated once, in the library (src/ast/ast.cpp): every
// file that builds or copies a statement would otherwise compile their members again.
namespace tabula::ast {
extern template class detail::variant_holder<expr_node>;
extern template class detail::variant_holder<from_item::variant_type>;
extern template class detail::variant_holder<statement_kind>;
extern template class box<expr>;
extern template class box<select>;
}  // namespace tabula::ast
// The node types whose `std::vector` (and its allocator) the library instantiates: `X(type)`
// for each, expanded here into the declarations and in src/ast/ast.cpp into the definitions.
// (`ast::value`'s are in value.hpp.)
// NOLINTNEXTLINE(cppcoreguidelines-macro-usage): one list for the two places
#define TABULA_AST_LIST_TYPES(X) \
  X(expr) \
  X(expr_list) \
  X(select_item) \
  X(order_item) \
  X(join) \
  X(cte) \
  X(compound_part) \
  X(assignment) \
  X(column_def) \
  X(foreign_key_def) \
  X(unique_def) \
  X(check_def) \
  X(index_def) \
  X(statement)
// NOLINTNEXTLINE(cppcoreguidelines-macro-usage)
#define TABULA_AST_EXTERN_LIST(T)                       \
  extern template class std::allocator<tabula::ast::T>; \
  extern template class std::vector<tabula::ast::T>;
TABULA_AST_LIST_TYPES(TABULA_AST_EXTERN_LIST)
#undef TABULA_AST_EXTERN_LIST
