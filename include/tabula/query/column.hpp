#pragma once
/// \file column.hpp
/// The leaves of the expression language and how they are written into a statement:
/// `col(&Model::member)` (a column), `val(v)` (a C++ value, always a bound parameter), the
/// conversion every operator applies to its operands (`as_expr`: an expression passes, a
/// member `&T::x` is its column, anything else a value), the CASTs a parameter gets where
/// PostgreSQL would otherwise type it from its neighbour, and `col(&T::c) = value`, the
/// assignment of UPDATE ... SET.

#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/query/detail/type_category.hpp"
#include "tabula/query/detail/type_list.hpp"
#include "tabula/query/expression_node.hpp"
#include "tabula/schema/table.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

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
    return detail::make_assignment(*this, static_cast<E&&>(e));
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
    return ast::make_column_ref(table_name<Model>(), name());
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
  return value<detail::stored_t<V>>{{}, detail::stored_t<V>(static_cast<V&&>(v))};
}

namespace detail {
/// Turns an operand into an expression: expressions pass through, a member `&T::x` is its
/// column, values are wrapped.
template <class X>
constexpr auto as_expr(X&& x) {
  if constexpr (expression<X>) return std::remove_cvref_t<X>(static_cast<X&&>(x));
  else if constexpr (member_column<X>) return col(x);
  else return val(static_cast<X&&>(x));
}
template <class X>
using as_expr_t = decltype(as_expr(std::declval<X>()));

/// The column type kind of what operand `X` yields, or `fallback` when that has no SQL mapping:
/// lets a constraint ask "is this a time?" of any operand without a hard error.
template <class X>
constexpr ast::type_kind kind_of_operand(ast::type_kind fallback) {
  using U = bare_t<expression_value_t<as_expr_t<X>>>;
  if constexpr (sql_mappable<U>) {
    return type_traits<U>::sql_type.kind;
  } else {
    return fallback;
  }
}
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Operands: how a value is written beside another operand

namespace detail {
template <class T>
inline constexpr bool is_value_node = false;
template <class T>
inline constexpr bool is_value_node<value<T>> = true;

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
    return ast::make_cast(ctx.param(), sql_type_of<V>());
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

}  // namespace detail

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
  return assignment<Column, X>{c, as_expr(static_cast<E&&>(e))};
}
}  // namespace detail

}  // namespace tabula
