#pragma once
/// \file expression.hpp
/// The typed expression language: `col(&Model::member)`, values, comparisons and logic. Each
/// expression is a small literal type that knows, at compile time, its C++ result type and
/// the models it reads; it lowers into the runtime AST (`lower`) and binds its values straight
/// to the driver (`bind`) in the same order, so a statement's SQL can be compiled once per
/// type and dialect while its values are bound on every execution.

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

/// The C++ type an expression yields (`std::optional<X>` when it may be NULL).
template <class E>
using expression_value_t = typename std::remove_cvref_t<E>::value_type;

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

/// How a C++ value of type V is stored inside an expression: by value, with text owned.
template <class V>
using stored_t = std::conditional_t<
    std::is_convertible_v<const std::remove_cvref_t<V>&, std::string_view> &&
        !std::is_same_v<std::remove_cvref_t<V>, std::string>,
    std::string_view,  // string literals and views: the caller's text, which outlives the call
    std::remove_cvref_t<V>>;

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Leaves

/// A column of a model: `col(&Model::member)`.
template <class Model, class Member>
struct column : detail::expression_tag {
  using value_type = Member;
  using model_type = Model;
  using models = detail::type_list<Model>;

  Member Model::*member;

  [[nodiscard]] const std::string& name() const { return column_name<Model>(member); }
  [[nodiscard]] ast::expr lower(detail::lower_context& /*ctx*/) const {
    return ast::column_ref{std::string(table_name<Model>()), name()};
  }
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

/// The column `member` designates: `tabula::col(&Model::name)`.
template <class Model, class Member>
constexpr column<Model, Member> col(Member Model::*member) {
  static_assert(column_type<Member>,
                "tabula: this member's type has no SQL mapping. Specialize tabula::type_traits "
                "for it (see docs/models.md).");
  return column<Model, Member>{{}, member};
}

/// A C++ value in an expression; always a bound parameter, never SQL text.
template <class T>
struct value : detail::expression_tag {
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
/// Turns an operand into an expression: expressions pass through, values are wrapped.
template <class X>
constexpr auto as_expr(X&& x) {
  if constexpr (expression<X>) return std::remove_cvref_t<X>(std::forward<X>(x));
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

/// `lhs <op> rhs` for any binary operator of the AST.
template <ast::binary_op Op, class L, class R, class Value>
struct binary_expr : detail::expression_tag {
  using value_type = Value;
  using models = detail::merged_models<L, R>;
  static constexpr bool fixed_shape = L::fixed_shape && R::fixed_shape;

  L lhs;
  R rhs;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    ast::expr l = lhs.lower(ctx);
    ast::expr r = rhs.lower(ctx);
    return ast::binary{Op, std::move(l), std::move(r)};
  }
  template <class Binder>
  void bind(Binder& b) const {
    lhs.bind(b);
    rhs.bind(b);
  }
};

/// `<op> operand` for the unary operators of the AST (NOT, IS NULL, ...).
template <ast::unary_op Op, class E, class Value>
struct unary_expr : detail::expression_tag {
  using value_type = Value;
  using models = typename E::models;
  static constexpr bool fixed_shape = E::fixed_shape;

  E operand;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    return ast::unary{Op, operand.lower(ctx)};
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
    (expression<A> || expression<B>) &&
    detail::comparable_types<expression_value_t<detail::as_expr_t<A>>,
                             expression_value_t<detail::as_expr_t<B>>>();

/// True when `a && b` / `a || b` is meaningful: both sides are boolean expressions.
template <class A, class B>
concept combinable =
    (expression<A> || expression<B>) &&
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
template <expression E>
constexpr auto is_null(E&& e) {
  using X = std::remove_cvref_t<E>;
  return unary_expr<ast::unary_op::is_null, X, bool>{{}, std::forward<E>(e)};
}
/// `e IS NOT NULL`.
template <expression E>
constexpr auto is_not_null(E&& e) {
  using X = std::remove_cvref_t<E>;
  return unary_expr<ast::unary_op::is_not_null, X, bool>{{}, std::forward<E>(e)};
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
// Ordering

/// An ORDER BY term.
template <class E>
struct ordering {
  using models = typename E::models;
  static constexpr bool fixed_shape = E::fixed_shape;
  E expr;
  bool descending = false;
  ast::nulls_order nulls = ast::nulls_order::default_;

  [[nodiscard]] ast::order_item lower(detail::lower_context& ctx) const {
    return ast::order_item{expr.lower(ctx), descending, nulls};
  }
  template <class Binder>
  void bind(Binder& b) const {
    expr.bind(b);
  }
  /// NULLS FIRST.
  constexpr ordering nulls_first() const { return {expr, descending, ast::nulls_order::first}; }
  /// NULLS LAST.
  constexpr ordering nulls_last() const { return {expr, descending, ast::nulls_order::last}; }
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
  return ordering<E>{detail::as_order_expr(std::forward<X>(x)), false};
}
/// Descending order by an expression or a member: `desc(&Model::accuracy)`.
template <class X>
constexpr auto desc(X&& x) {
  using E = decltype(detail::as_order_expr(std::forward<X>(x)));
  return ordering<E>{detail::as_order_expr(std::forward<X>(x)), true};
}

}  // namespace tabula
