#pragma once
/// \file expression.hpp
/// The typed expression language: `col(&Model::member)`, values, comparisons and logic. Each
/// expression is a small literal type that knows, at compile time, its C++ result type and
/// the models it reads; it lowers into the runtime AST (`lower`) and binds its values straight
/// to the driver (`bind`) in the same order, so a statement's SQL can be compiled once per
/// type and dialect while its values are bound on every execution.
///
/// Every expression type `E` (a class derived from `detail::expression_tag`) provides:
///
/// | member | meaning |
/// |---|---|
/// | `using value_type` | the C++ type it yields; `std::optional<X>` when it may be NULL |
/// | `using models` | `detail::type_list` of the models whose columns it reads |
/// | `static constexpr bool fixed_shape` | false when its SQL text depends on run-time text (a label or raw fragment given as run-time text): such a statement is compiled on each execution. Run-time data that fits a word and changes the text (the member a column names, an IN list's length, a LIKE escape, a frame offset) is instead reported from `bind` through `detail::bind_shape`, and the SQL is compiled once per shape |
/// | `static constexpr bool contains_aggregate` | it holds an aggregate (`count`, `sum`, ...) that is not inside a window (`.over(...)`) |
/// | `static constexpr bool contains_bare_column` | it holds a column reference outside any aggregate (window functions do not shield their columns: they are computed after grouping) |
/// | `ast::expr lower(detail::lower_context&) const` | the AST, parameters numbered through `ctx.param()` |
/// | `template <class B> void bind(B&) const` | calls `b(value)` for each value, in the order `lower` numbered them, and `detail::bind_shape(b, word)` for each part of its shape |
///
/// The two `contains_*` traits let a select list reject a column beside aggregates without
/// GROUP BY (`SELECT name, count(*) FROM t`). Leaves set them (a column is a bare column, an
/// aggregate is an aggregate, a value is neither); composite nodes combine their children's.
///
/// Arithmetic (`+ - * / %`, unary `-`) and `col = value` assignments for UPDATE live here;
/// operators.hpp, functions.hpp, window.hpp and raw.hpp add the rest of the language.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/schema/table.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

namespace detail {

template <class... Ts>
struct type_list {};

template <class T, class List>
struct list_contains;
template <class T, class... Ts>
struct list_contains<T, type_list<Ts...>> : std::bool_constant<(std::is_same_v<T, Ts> || ...)> {};

template <class A, class B>
struct list_concat;
template <class... As, class... Bs>
struct list_concat<type_list<As...>, type_list<Bs...>> {
  using type = type_list<As..., Bs...>;
};
template <class A, class B>
using list_concat_t = typename list_concat<A, B>::type;

/// The models of all of `Ts` (each has `models`), concatenated.
template <class... Ts>
struct models_of_all {
  using type = type_list<>;
};
template <class T, class... Ts>
struct models_of_all<T, Ts...> {
  using type = list_concat_t<typename T::models, typename models_of_all<Ts...>::type>;
};

/// True when every model of `Used` is one of `Available`.
template <class Used, class Available>
struct list_subset;
template <class... Us, class Available>
struct list_subset<type_list<Us...>, Available>
    : std::bool_constant<(list_contains<Us, Available>::value && ...)> {};

/// State carried through lowering: the next free parameter slot.
struct lower_context {
  std::uint32_t next_param = 0;
  ast::expr param() { return ast::param{next_param++}; }
};

struct expression_tag {
  /// Whether the SQL of this node depends only on its type (false for value lists of run-time
  /// length and conditions composed at run time). Composite nodes combine their children's.
  static constexpr bool fixed_shape = true;
  /// Whether the node holds an aggregate that is not inside a window.
  static constexpr bool contains_aggregate = false;
  /// Whether the node holds a column reference outside any aggregate.
  static constexpr bool contains_bare_column = false;
};

/// `contains_aggregate` of a node, false for a part that has none.
template <class T>
constexpr bool aggregate_of() {
  if constexpr (requires { T::contains_aggregate; }) return T::contains_aggregate;
  else return false;
}
/// `contains_bare_column` of a node, false for a part that has none.
template <class T>
constexpr bool bare_column_of() {
  if constexpr (requires { T::contains_bare_column; }) return T::contains_bare_column;
  else return false;
}

/// Text known at compile time, usable as a template argument: the name in `e.as<"n">()` and
/// the fragment in `raw<T, "sql">(...)`. Makes that text part of the type, so the statement's
/// SQL stays compiled once.
template <std::size_t N>
struct constant_text {
  char chars[N]{};
  constexpr constant_text(const char (&s)[N]) {  // NOLINT(google-explicit-constructor)
    for (std::size_t i = 0; i < N; ++i) chars[i] = s[i];
  }
  [[nodiscard]] constexpr std::string_view view() const { return {chars, N - 1}; }
};

/// A label given as run-time text: part of the SQL, so not of a fixed shape.
struct runtime_label {
  static constexpr bool fixed_shape = false;
  std::string text;
  [[nodiscard]] std::string_view view() const noexcept { return text; }
};
/// A label given at compile time (`e.as<"n">()`).
template <constant_text Text>
struct constant_label {
  static constexpr bool fixed_shape = true;
  [[nodiscard]] static constexpr std::string_view view() noexcept { return Text.view(); }
};

/// `fixed_shape` of a node, of a tuple of nodes, or true for a part that has none.
template <class T>
constexpr bool fixed_shape_of() {
  if constexpr (requires { T::fixed_shape; }) {
    return T::fixed_shape;
  } else if constexpr (requires { std::tuple_size<T>::value; }) {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (fixed_shape_of<std::tuple_element_t<I, T>>() && ...);
    }(std::make_index_sequence<std::tuple_size_v<T>>{});
  } else {
    return true;
  }
}

}  // namespace detail

/// A typed SQL expression: something `lower`able into the AST whose values bind in order.
template <class E>
concept expression = std::is_base_of_v<detail::expression_tag, std::remove_cvref_t<E>>;

/// The C++ type an expression yields (`std::optional<X>` when it may be NULL); of a member
/// `&T::x`, what `col(&T::x)` yields.
template <class E>
struct expression_value {
  using type = typename E::value_type;
};
template <class E>
using expression_value_t = typename expression_value<std::remove_cvref_t<E>>::type;

/// A member given where a column is expected: `&T::x`, read as `col(&T::x)`.
template <class E>
concept member_column = std::is_member_object_pointer_v<std::remove_cvref_t<E>>;
/// What every function and operator takes where a column is expected: an expression, or a
/// member `&T::x` — the two spellings are one (docs/query.md, "Spelling a column").
template <class E>
concept column_or_expression = expression<E> || member_column<E>;

/// An expression with a name: `expr.as("n")`, `expr.as<"n">()` or `label("n", expr)`. A select
/// list prints it as `expr AS "n"`; anywhere else it is the expression itself. A label given
/// as run-time text makes the statement's SQL depend on it (`fixed_shape` false); one given
/// as a template argument (`as<"n">()`) keeps it compiled once.
template <class E, class Name>
struct labelled : detail::expression_tag {
  using value_type = typename E::value_type;
  using models = typename E::models;
  using labelled_type = E;
  static constexpr bool fixed_shape = E::fixed_shape && Name::fixed_shape;
  static constexpr bool contains_aggregate = E::contains_aggregate;
  static constexpr bool contains_bare_column = E::contains_bare_column;

  E expr;
  Name name;

  /// The label, as written.
  [[nodiscard]] std::string_view label() const noexcept { return name.view(); }
  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const { return expr.lower(ctx); }
  template <class Binder>
  void bind(Binder& b) const {
    expr.bind(b);
  }
};

/// True for an expression made with `as(...)` / `label(...)`.
template <class E>
concept labelled_expression =
    expression<E> && requires(const std::remove_cvref_t<E>& e) {
      { e.label() } -> std::convertible_to<std::string_view>;
    };

namespace detail {
/// The base of expression nodes: adds `.as(...)` to each.
template <class Derived>
struct expression_base : expression_tag {
  /// This expression labelled `name` (run-time text: the statement is compiled per execution).
  [[nodiscard]] auto as(std::string name) const {
    return labelled<Derived, runtime_label>{{}, derived(), runtime_label{std::move(name)}};
  }
  /// This expression labelled `Name`, fixed at compile time: `count().as<"n">()`.
  template <constant_text Name>
  [[nodiscard]] constexpr auto as() const {
    static_assert(Name.view().size() > 0, "tabula: a label cannot be empty. Name it.");
    return labelled<Derived, constant_label<Name>>{{}, derived(), {}};
  }

 private:
  constexpr const Derived& derived() const noexcept { return static_cast<const Derived&>(*this); }
};
}  // namespace detail

/// `expr` labelled `name`: `label("total", sum(col(&T::x)))`.
template <expression E>
[[nodiscard]] auto label(std::string name, E&& expr) {
  using X = std::remove_cvref_t<E>;
  return labelled<X, detail::runtime_label>{
      {}, std::forward<E>(expr), detail::runtime_label{std::move(name)}};
}
/// `expr` labelled `Name`, fixed at compile time: `label<"total">(sum(col(&T::x)))`.
template <detail::constant_text Name, expression E>
[[nodiscard]] constexpr auto label(E&& expr) {
  static_assert(Name.view().size() > 0, "tabula: a label cannot be empty. Name it.");
  using X = std::remove_cvref_t<E>;
  return labelled<X, detail::constant_label<Name>>{{}, std::forward<E>(expr), {}};
}

// ---------------------------------------------------------------------------------------------
// Type categories: which C++ types compare with which.

namespace detail {

enum class category : std::uint8_t { boolean, number, text, blob, other };

template <class T>
constexpr category category_of() {
  using U = unwrap_optional_t<std::remove_cvref_t<T>>;
  if constexpr (std::is_same_v<U, bool>) return category::boolean;
  else if constexpr (std::is_enum_v<U>) return category::other;
  else if constexpr (std::is_arithmetic_v<U>) return category::number;
  else if constexpr (std::is_convertible_v<const U&, std::string_view>) return category::text;
  else if constexpr (std::is_same_v<U, blob>) return category::blob;
  else return category::other;
}

template <class A, class B>
constexpr bool comparable_types() {
  using UA = unwrap_optional_t<std::remove_cvref_t<A>>;
  using UB = unwrap_optional_t<std::remove_cvref_t<B>>;
  constexpr category ca = category_of<A>();
  constexpr category cb = category_of<B>();
  if constexpr (ca == category::other || cb == category::other) return std::is_same_v<UA, UB>;
  else return ca == cb;
}

/// `T` without `std::optional`, references or cv-qualifiers.
template <class T>
using bare_t = unwrap_optional_t<std::remove_cvref_t<T>>;

template <class T>
constexpr bool is_number = category_of<T>() == category::number;
template <class T>
constexpr bool is_integer_number = is_number<T> && std::is_integral_v<bare_t<T>>;
template <class T>
constexpr bool is_floating_number = is_number<T> && std::is_floating_point_v<bare_t<T>>;
template <class T>
constexpr bool is_text = category_of<T>() == category::text;
template <class T>
constexpr bool is_boolean = category_of<T>() == category::boolean;

/// The C++ integer type of the SQL integer column type integer `U` is stored in (SMALLINT,
/// INTEGER or BIGINT): the type SQL arithmetic on it yields.
template <class U>
using sql_integer_t = std::conditional_t<
    type_traits<U>::sql_type.kind == ast::type_kind::int16, std::int16_t,
    std::conditional_t<type_traits<U>::sql_type.kind == ast::type_kind::int32, std::int32_t,
                       std::int64_t>>;

/// The result type of SQL arithmetic on numbers of types `A` and `B` (optionals unwrapped):
/// double when either is floating, else the wider of their SQL integer types. Both databases
/// compute in these types (PostgreSQL: `smallint + integer` is `integer`).
template <class A, class B>
using arithmetic_t =
    std::conditional_t<std::is_floating_point_v<bare_t<A>> || std::is_floating_point_v<bare_t<B>>,
                       double,
                       std::conditional_t<(sizeof(sql_integer_t<bare_t<A>>) >=
                                           sizeof(sql_integer_t<bare_t<B>>)),
                                          sql_integer_t<bare_t<A>>, sql_integer_t<bare_t<B>>>>;

/// `V`, or `std::optional<V>` when `Nullable`.
template <class V, bool Nullable>
using maybe_optional_t = std::conditional_t<Nullable, std::optional<V>, V>;

/// How a C++ value of type V is stored inside an expression: by value, with text owned.
template <class V>
using stored_t = std::conditional_t<
    std::is_convertible_v<const std::remove_cvref_t<V>&, std::string_view> &&
        !std::is_same_v<std::remove_cvref_t<V>, std::string>,
    std::string_view,  // string literals and views: the caller's text, which outlives the call
    std::remove_cvref_t<V>>;

}  // namespace detail

namespace detail {
/// Reports the member a leaf names to a binder that records statement shapes (the SQL cache's
/// probe): the member is part of the SQL text but not of the leaf's type. Every leaf holding a
/// member pointer calls it from `bind`; value binders ignore it.
template <class Binder, class M>
constexpr void bind_shape(Binder& b, const M& member) {
  if constexpr (requires { b.shape(member); }) b.shape(member);
}
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Leaves

template <class Column, class E>
struct assignment;

namespace detail {
template <class Column, class E>
constexpr auto make_assignment(const Column& c, E&& e);
}  // namespace detail

/// A column of a model: `col(&Model::member)`. Assigning to it (`col(&T::n) = value`) makes
/// an `assignment` for UPDATE ... SET, never changes the column object.
template <class Model, class Member>
struct column : detail::expression_base<column<Model, Member>> {
  using value_type = Member;
  using model_type = Model;
  using models = detail::type_list<Model>;
  static constexpr bool contains_bare_column = true;

  Member Model::*member = nullptr;

  constexpr column() noexcept = default;
  constexpr explicit column(Member Model::*m) noexcept : member(m) {}
  constexpr column(const column&) noexcept = default;
  /// Copies a named column object (`auto c = col(&T::a); c = other;`).
  constexpr column& operator=(const column&) & noexcept = default;
  ~column() = default;

  /// `"column" = e` in UPDATE ... SET (or ON CONFLICT DO UPDATE SET): `col(&T::n) = 5`,
  /// `col(&T::n) = col(&T::n) + 1`, `col(&T::note) = std::nullopt`. Checked like a comparison:
  /// the value must be of the column's kind, and may be NULL only for an optional column.
  template <class E>
    requires(!std::is_same_v<std::remove_cvref_t<E>, column>)
  constexpr auto operator=(E&& e) const {
    return detail::make_assignment(*this, std::forward<E>(e));
  }
  /// `col(&T::a) = col(&T::b)` where both have the same type: an assignment too (a named,
  /// non-const column object assigned from another is copied instead: see above).
  template <class E>
    requires std::is_same_v<E, column>
  constexpr auto operator=(const E& other) const {
    return detail::make_assignment(*this, other);
  }

  [[nodiscard]] const std::string& name() const { return column_name<Model>(member); }
  [[nodiscard]] ast::expr lower(detail::lower_context& /*ctx*/) const {
    return ast::column_ref{std::string(table_name<Model>()), name()};
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bind_shape(b, member);
  }
};

template <class Model, class Member>
struct expression_value<Member Model::*> {
  using type = typename column<Model, Member>::value_type;
};

/// The column `member` designates: `tabula::col(&Model::name)`.
template <class Model, class Member>
constexpr column<Model, Member> col(Member Model::*member) {
  static_assert(column_type<Member>,
                "tabula: this member's type has no SQL mapping. Specialize tabula::type_traits "
                "for it (see docs/models.md).");
  return column<Model, Member>{member};
}

/// A C++ value in an expression; always a bound parameter, never SQL text.
template <class T>
struct value : detail::expression_base<value<T>> {
  using value_type = std::conditional_t<std::is_same_v<T, std::string_view>, std::string, T>;
  using models = detail::type_list<>;

  T v;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const { return ctx.param(); }
  template <class Binder>
  void bind(Binder& b) const {
    b(v);
  }
};

/// Wraps a C++ value as an expression (expressions wrap plain operands automatically).
template <class V>
constexpr auto val(V&& v) {
  return value<detail::stored_t<V>>{{}, detail::stored_t<V>(std::forward<V>(v))};
}

namespace detail {
/// Turns an operand into an expression: expressions pass through, a member `&T::x` is its
/// column, values are wrapped.
template <class X>
constexpr auto as_expr(X&& x) {
  if constexpr (expression<X>) return std::remove_cvref_t<X>(std::forward<X>(x));
  else if constexpr (member_column<X>) return col(x);
  else return val(std::forward<X>(x));
}
template <class X>
using as_expr_t = decltype(as_expr(std::declval<X>()));
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Operators

namespace detail {
template <class L, class R>
using merged_models = list_concat_t<typename L::models, typename R::models>;

template <class T>
constexpr bool is_nullable = is_optional_v<std::remove_cvref_t<T>>;

template <class L, class R>
using nullable_bool =
    std::conditional_t<is_nullable<typename L::value_type> || is_nullable<typename R::value_type>,
                       std::optional<bool>, bool>;
}  // namespace detail

namespace detail {
template <class T>
inline constexpr bool is_value_node = false;
template <class T>
inline constexpr bool is_value_node<value<T>> = true;

/// The SQL type a C++ type is stored as.
template <class T>
constexpr ast::sql_type sql_type_of() {
  return type_traits<bare_t<T>>::sql_type;
}

/// Whether a parameter of C++ type `V` needs an explicit CAST beside an operand of type
/// `Other`: PostgreSQL gives a parameter the type of the operand it meets, so `int_col > $1`
/// would refuse 2.5 and `smallint_col + $1` would refuse 100000. Those get
/// `CAST($1 AS <V's type>)`; every other parameter stays bare.
template <class V, class Other>
constexpr bool param_needs_cast() {
  if constexpr (!is_number<V> || !is_number<Other>) {
    return false;
  } else if constexpr (std::is_floating_point_v<bare_t<V>>) {
    return !std::is_floating_point_v<bare_t<Other>>;
  } else if constexpr (std::is_floating_point_v<bare_t<Other>>) {
    return false;
  } else {
    return sizeof(sql_integer_t<bare_t<V>>) > sizeof(sql_integer_t<bare_t<Other>>);
  }
}

/// A bound parameter `CAST(? AS <type of V>)`, for a value whose type its place in the
/// statement does not determine (a CASE branch, both sides of `val(1) + val(2)`).
template <class V>
ast::expr param_as(lower_context& ctx) {
  if constexpr (std::is_same_v<V, std::nullopt_t> || !column_type<V>) {
    return ctx.param();
  } else {
    return ast::cast{ctx.param(), sql_type_of<V>()};
  }
}

/// A parameter of C++ type `V` beside an operand of type `Other` (see `param_needs_cast`).
template <class V, class Other>
ast::expr lower_param(lower_context& ctx) {
  if constexpr (param_needs_cast<V, Other>()) return param_as<V>(ctx);
  else return ctx.param();
}

/// Lowers `x`, an operand beside one of type `Other` (see `param_needs_cast`).
template <class Other, class X>
ast::expr lower_operand(const X& x, lower_context& ctx) {
  if constexpr (is_value_node<X>) return lower_param<typename X::value_type, Other>(ctx);
  else return x.lower(ctx);
}

/// Lowers `x` with its own SQL type when it is a value (see `param_as`).
template <class X>
ast::expr lower_typed(const X& x, lower_context& ctx) {
  if constexpr (is_value_node<X>) {
    return param_as<typename X::value_type>(ctx);
  } else {
    return x.lower(ctx);
  }
}

/// True when any of `Es` is not of a fixed shape / holds an aggregate / a bare column.
template <class... Es>
constexpr bool all_fixed = (fixed_shape_of<Es>() && ...);
template <class... Es>
constexpr bool any_aggregate = (aggregate_of<Es>() || ...);
template <class... Es>
constexpr bool any_bare_column = (bare_column_of<Es>() || ...);
}  // namespace detail

/// `lhs <op> rhs` for any binary operator of the AST.
template <ast::binary_op Op, class L, class R, class Value>
struct binary_expr : detail::expression_base<binary_expr<Op, L, R, Value>> {
  using value_type = Value;
  using models = detail::merged_models<L, R>;
  static constexpr bool fixed_shape = L::fixed_shape && R::fixed_shape;
  static constexpr bool contains_aggregate = detail::any_aggregate<L, R>;
  static constexpr bool contains_bare_column = detail::any_bare_column<L, R>;

  L lhs;
  R rhs;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    if constexpr (detail::is_value_node<L> && detail::is_value_node<R>) {
      ast::expr l = detail::lower_typed(lhs, ctx);
      ast::expr r = detail::lower_typed(rhs, ctx);
      return ast::binary{Op, std::move(l), std::move(r)};
    } else {
      ast::expr l = detail::lower_operand<typename R::value_type>(lhs, ctx);
      ast::expr r = detail::lower_operand<typename L::value_type>(rhs, ctx);
      return ast::binary{Op, std::move(l), std::move(r)};
    }
  }
  template <class Binder>
  void bind(Binder& b) const {
    lhs.bind(b);
    rhs.bind(b);
  }
};

/// `<op> operand` for the unary operators of the AST (NOT, IS NULL, -x, ...).
template <ast::unary_op Op, class E, class Value>
struct unary_expr : detail::expression_base<unary_expr<Op, E, Value>> {
  using value_type = Value;
  using models = typename E::models;
  static constexpr bool fixed_shape = E::fixed_shape;
  static constexpr bool contains_aggregate = E::contains_aggregate;
  static constexpr bool contains_bare_column = E::contains_bare_column;

  E operand;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    return ast::unary{Op, detail::lower_typed(operand, ctx)};
  }
  template <class Binder>
  void bind(Binder& b) const {
    operand.bind(b);
  }
};

/// True when `a <op> b` is a meaningful comparison: both sides numbers, both text, both bool,
/// both blobs, or the same user type.
template <class A, class B>
concept comparable =
    (column_or_expression<A> || column_or_expression<B>) &&
    detail::comparable_types<expression_value_t<detail::as_expr_t<A>>,
                             expression_value_t<detail::as_expr_t<B>>>();

/// True when `a && b` / `a || b` is meaningful: both sides are boolean expressions.
template <class A, class B>
concept combinable =
    (column_or_expression<A> || column_or_expression<B>) &&
    detail::category_of<expression_value_t<detail::as_expr_t<A>>>() ==
        detail::category::boolean &&
    detail::category_of<expression_value_t<detail::as_expr_t<B>>>() == detail::category::boolean;

namespace detail {
template <ast::binary_op Op, class A, class B>
constexpr auto make_comparison(A&& a, B&& b) {
  static_assert(comparable<A, B>,
                "tabula: cannot compare these operands: their SQL types differ (e.g. a number "
                "column with text). Compare a column with a value or column of the same kind.");
  using L = as_expr_t<A>;
  using R = as_expr_t<B>;
  return binary_expr<Op, L, R, nullable_bool<L, R>>{
      {}, as_expr(std::forward<A>(a)), as_expr(std::forward<B>(b))};
}
template <ast::binary_op Op, class A, class B>
constexpr auto make_logical(A&& a, B&& b) {
  static_assert(combinable<A, B>,
                "tabula: && and || combine conditions. Both operands must be boolean "
                "expressions such as comparisons.");
  using L = as_expr_t<A>;
  using R = as_expr_t<B>;
  return binary_expr<Op, L, R, nullable_bool<L, R>>{
      {}, as_expr(std::forward<A>(a)), as_expr(std::forward<B>(b))};
}
template <class A, class B>
concept operand_pair = (expression<A> || expression<B>) &&
                       !std::is_same_v<std::remove_cvref_t<A>, std::nullopt_t> &&
                       !std::is_same_v<std::remove_cvref_t<B>, std::nullopt_t>;
}  // namespace detail

template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator==(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::eq>(std::forward<A>(a), std::forward<B>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator!=(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::ne>(std::forward<A>(a), std::forward<B>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator<(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::lt>(std::forward<A>(a), std::forward<B>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator<=(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::le>(std::forward<A>(a), std::forward<B>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator>(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::gt>(std::forward<A>(a), std::forward<B>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator>=(A&& a, B&& b) {
  return detail::make_comparison<ast::binary_op::ge>(std::forward<A>(a), std::forward<B>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator&&(A&& a, B&& b) {
  return detail::make_logical<ast::binary_op::and_>(std::forward<A>(a), std::forward<B>(b));
}
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator||(A&& a, B&& b) {
  return detail::make_logical<ast::binary_op::or_>(std::forward<A>(a), std::forward<B>(b));
}
template <expression E>
constexpr auto operator!(E&& e) {
  using X = std::remove_cvref_t<E>;
  static_assert(detail::category_of<typename X::value_type>() == detail::category::boolean,
                "tabula: ! negates a condition. Its operand must be a boolean expression.");
  return unary_expr<ast::unary_op::not_, X, typename X::value_type>{{}, std::forward<E>(e)};
}

/// `e IS NULL`.
template <column_or_expression E>
constexpr auto is_null(E&& e) {
  using X = detail::as_expr_t<E>;
  return unary_expr<ast::unary_op::is_null, X, bool>{{}, detail::as_expr(std::forward<E>(e))};
}
/// `e IS NOT NULL`.
template <column_or_expression E>
constexpr auto is_not_null(E&& e) {
  using X = detail::as_expr_t<E>;
  return unary_expr<ast::unary_op::is_not_null, X, bool>{{}, detail::as_expr(std::forward<E>(e))};
}
/// `col == std::nullopt` is `col IS NULL`; `col != std::nullopt` is `col IS NOT NULL`.
template <expression E>
constexpr auto operator==(E&& e, std::nullopt_t) {
  return is_null(std::forward<E>(e));
}
template <expression E>
constexpr auto operator!=(E&& e, std::nullopt_t) {
  return is_not_null(std::forward<E>(e));
}

// ---------------------------------------------------------------------------------------------
// Arithmetic and concatenation

/// True when `a + b`, `a - b`, `a * b`, `a / b` are meaningful: both operands are numbers
/// (optionals included; not bool, not enumerations).
template <class A, class B>
concept arithmetic =
    (expression<A> || expression<B>) && detail::is_number<expression_value_t<detail::as_expr_t<A>>> &&
    detail::is_number<expression_value_t<detail::as_expr_t<B>>>;

/// True when `a % b` is meaningful: both operands are integers.
template <class A, class B>
concept integer_arithmetic =
    arithmetic<A, B> && detail::is_integer_number<expression_value_t<detail::as_expr_t<A>>> &&
    detail::is_integer_number<expression_value_t<detail::as_expr_t<B>>>;

/// True when `a + b` concatenates: both operands are text (`||` in SQL).
template <class A, class B>
concept concatenable =
    (expression<A> || expression<B>) && detail::is_text<expression_value_t<detail::as_expr_t<A>>> &&
    detail::is_text<expression_value_t<detail::as_expr_t<B>>>;

/// True when `-e` is meaningful: `e` is a numeric expression.
template <class E>
concept numeric_expression = expression<E> && detail::is_number<expression_value_t<E>>;

/// True for an expression yielding text.
template <class E>
concept text_expression = expression<E> && detail::is_text<expression_value_t<E>>;

namespace detail {
template <class L, class R>
constexpr bool either_nullable = is_nullable<typename L::value_type> || is_nullable<typename R::value_type>;

/// `a <op> b` on numbers; the result is `arithmetic_t`, optional when either side is.
template <ast::binary_op Op, class A, class B>
constexpr auto make_arithmetic(A&& a, B&& b) {
  using L = as_expr_t<A>;
  using R = as_expr_t<B>;
  using V = maybe_optional_t<arithmetic_t<typename L::value_type, typename R::value_type>,
                             either_nullable<L, R>>;
  return binary_expr<Op, L, R, V>{{}, as_expr(std::forward<A>(a)), as_expr(std::forward<B>(b))};
}
/// `a || b` on text.
template <class A, class B>
constexpr auto make_concat(A&& a, B&& b) {
  using L = as_expr_t<A>;
  using R = as_expr_t<B>;
  using V = maybe_optional_t<std::string, either_nullable<L, R>>;
  return binary_expr<ast::binary_op::concat, L, R, V>{
      {}, as_expr(std::forward<A>(a)), as_expr(std::forward<B>(b))};
}
}  // namespace detail

/// `a + b`: addition of numbers, or concatenation (`||`) of two texts.
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator+(A&& a, B&& b) {
  static_assert(arithmetic<A, B> || concatenable<A, B>,
                "tabula: + adds two numbers or concatenates two texts, and these operands are "
                "neither. Use operands of one kind, or tabula::cast<T>(e) to convert one.");
  if constexpr (concatenable<A, B>) {
    return detail::make_concat(std::forward<A>(a), std::forward<B>(b));
  } else {
    return detail::make_arithmetic<ast::binary_op::add>(std::forward<A>(a), std::forward<B>(b));
  }
}
/// `a - b` on numbers.
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator-(A&& a, B&& b) {
  static_assert(arithmetic<A, B>,
                "tabula: - subtracts numbers. Both operands must be numeric expressions or "
                "values.");
  return detail::make_arithmetic<ast::binary_op::sub>(std::forward<A>(a), std::forward<B>(b));
}
/// `a * b` on numbers.
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator*(A&& a, B&& b) {
  static_assert(arithmetic<A, B>,
                "tabula: * multiplies numbers. Both operands must be numeric expressions or "
                "values.");
  return detail::make_arithmetic<ast::binary_op::mul>(std::forward<A>(a), std::forward<B>(b));
}
/// `a / b` on numbers: integer division when both are integers (as in C++ and both
/// databases), otherwise floating-point.
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator/(A&& a, B&& b) {
  static_assert(arithmetic<A, B>,
                "tabula: / divides numbers. Both operands must be numeric expressions or values.");
  return detail::make_arithmetic<ast::binary_op::div>(std::forward<A>(a), std::forward<B>(b));
}
/// `a % b` on integers.
template <class A, class B>
  requires detail::operand_pair<A, B>
constexpr auto operator%(A&& a, B&& b) {
  static_assert(integer_arithmetic<A, B>,
                "tabula: % is the remainder of integers. Both operands must be integer "
                "expressions or values.");
  return detail::make_arithmetic<ast::binary_op::mod>(std::forward<A>(a), std::forward<B>(b));
}
/// `-e` on a number.
template <expression E>
constexpr auto operator-(E&& e) {
  using X = std::remove_cvref_t<E>;
  static_assert(numeric_expression<X>, "tabula: unary - negates a number. Its operand must be a "
                                       "numeric expression.");
  using V = detail::maybe_optional_t<detail::arithmetic_t<typename X::value_type, typename X::value_type>,
                                     detail::is_nullable<typename X::value_type>>;
  return unary_expr<ast::unary_op::negate, X, V>{{}, std::forward<E>(e)};
}

// ---------------------------------------------------------------------------------------------
// Assignment (UPDATE ... SET)

namespace detail {
template <class C>
inline constexpr bool is_model_column = false;
template <class M, class T>
inline constexpr bool is_model_column<column<M, T>> = true;

/// Whether an expression yielding `V` may be stored in a column of type `C`.
template <class C, class V>
constexpr bool assignable_types() {
  if constexpr (std::is_same_v<std::remove_cvref_t<V>, std::nullopt_t>) {
    return is_nullable<C>;
  } else {
    return comparable_types<C, V>() && (is_nullable<C> || !is_nullable<V>) &&
           !(is_integer_number<C> && is_floating_number<V>);
  }
}
}  // namespace detail

/// True when `col(&T::m) = v` is a valid assignment: `v` (a value or expression) is of the
/// column's kind, is not floating-point for an integer column, and may be NULL (including
/// `std::nullopt`) only when the column is `std::optional`.
template <class Column, class V>
concept assignable = detail::is_model_column<std::remove_cvref_t<Column>> &&
                     detail::assignable_types<expression_value_t<Column>,
                                              expression_value_t<detail::as_expr_t<V>>>();

/// `"column" = value` in UPDATE ... SET and ON CONFLICT DO UPDATE SET, made by
/// `col(&T::m) = v`. Not an expression: it goes only where a SET list does.
template <class Column, class E>
struct assignment {
  using column_type = Column;
  using expression_type = E;
  using models = detail::merged_models<Column, E>;
  static constexpr bool fixed_shape = E::fixed_shape;

  Column target;
  E value;

  /// The column's name, unqualified, as SET takes it.
  [[nodiscard]] const std::string& column_name() const { return target.name(); }
  [[nodiscard]] ast::assignment lower(detail::lower_context& ctx) const {
    return ast::assignment{target.name(),
                           detail::lower_operand<typename Column::value_type>(value, ctx)};
  }
  template <class Binder>
  void bind(Binder& b) const {
    target.bind(b);  // binds no value; names the column to a binder recording the SQL's shape
    value.bind(b);
  }
};

namespace detail {
template <class Column, class E>
constexpr auto make_assignment(const Column& c, E&& e) {
  using C = typename Column::value_type;
  using X = as_expr_t<E>;
  using V = typename X::value_type;
  if constexpr (std::is_same_v<V, std::nullopt_t>) {
    static_assert(is_nullable<C>,
                  "tabula: cannot assign NULL (std::nullopt) to a column that is not "
                  "std::optional. Assign a value, or make the field std::optional.");
  } else {
    static_assert(comparable_types<C, V>(),
                  "tabula: cannot assign a value of another SQL type to this column (e.g. text to "
                  "an integer column). Assign a value or expression of the column's kind.");
    static_assert(!(is_integer_number<C> && is_floating_number<V>),
                  "tabula: cannot assign a floating-point value to an integer column. Convert it "
                  "with tabula::cast<T>(tabula::round(e)).");
    static_assert(is_nullable<C> || !is_nullable<V>,
                  "tabula: the assigned expression may be NULL but the column is not "
                  "std::optional. Give a fallback with tabula::coalesce(e, value).");
  }
  static_assert(!X::contains_aggregate,
                "tabula: a SET value cannot hold an aggregate (count, sum, ...). Compute it in a "
                "subquery.");
  return assignment<Column, X>{c, as_expr(std::forward<E>(e))};
}
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Ordering

/// An ORDER BY term. Its direction and NULL placement are part of its type (they are SQL text,
/// and a statement's SQL is cached per type).
template <class E, bool Descending = false, ast::nulls_order Nulls = ast::nulls_order::default_>
struct ordering {
  using models = typename E::models;
  static constexpr bool fixed_shape = E::fixed_shape;
  static constexpr bool contains_aggregate = E::contains_aggregate;
  static constexpr bool contains_bare_column = E::contains_bare_column;
  static constexpr bool descending = Descending;
  static constexpr ast::nulls_order nulls = Nulls;
  E expr;

  [[nodiscard]] ast::order_item lower(detail::lower_context& ctx) const {
    return ast::order_item{expr.lower(ctx), Descending, Nulls};
  }
  template <class Binder>
  void bind(Binder& b) const {
    expr.bind(b);
  }
  /// NULLS FIRST.
  constexpr ordering<E, Descending, ast::nulls_order::first> nulls_first() const {
    return {expr};
  }
  /// NULLS LAST.
  constexpr ordering<E, Descending, ast::nulls_order::last> nulls_last() const { return {expr}; }
};

namespace detail {
template <class X>
constexpr auto as_order_expr(X&& x) {
  if constexpr (std::is_member_object_pointer_v<std::remove_cvref_t<X>>) return col(x);
  else return as_expr(std::forward<X>(x));
}
}  // namespace detail

/// Ascending order by an expression or a member: `asc(&Model::name)`.
template <class X>
constexpr auto asc(X&& x) {
  using E = decltype(detail::as_order_expr(std::forward<X>(x)));
  return ordering<E, false>{detail::as_order_expr(std::forward<X>(x))};
}
/// Descending order by an expression or a member: `desc(&Model::accuracy)`.
template <class X>
constexpr auto desc(X&& x) {
  using E = decltype(detail::as_order_expr(std::forward<X>(x)));
  return ordering<E, true>{detail::as_order_expr(std::forward<X>(x))};
}

}  // namespace tabula
