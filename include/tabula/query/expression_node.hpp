#pragma once
/// \file expression_node.hpp
/// What every node of the typed expression language is: the protocol below, the traits
/// composite nodes combine from their children, labels (`e.as("n")`), and the base of nodes
/// over a single operand. The nodes themselves are in column.hpp (columns, values,
/// assignments), comparison.hpp, arithmetic.hpp, ordering.hpp and the headers that add
/// functions; expression.hpp includes them all.
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

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/detail/bundle.hpp"
#include "tabula/query/detail/type_list.hpp"

namespace tabula {

namespace detail {

/// State carried through lowering: the next free parameter slot.
struct lower_context {
  std::uint32_t next_param = 0;
  ast::expr param() { return ast::make_param(next_param++); }
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

/// `fixed_shape` of a node, of a bundle of nodes, or true for a part that has none.
template <class T>
constexpr bool fixed_shape_of() {
  if constexpr (requires { T::fixed_shape; }) {
    return T::fixed_shape;
  } else if constexpr (is_bundle_v<T>) {
    return []<class Seq, class... Ts>(const bundle_impl<Seq, Ts...>*) {
      return (fixed_shape_of<Ts>() && ...);
    }(static_cast<const T*>(nullptr));
  } else {
    return true;
  }
}

/// True when any of `Es` is not of a fixed shape / holds an aggregate / a bare column.
template <class... Es>
constexpr bool all_fixed = (fixed_shape_of<Es>() && ...);
template <class... Es>
constexpr bool any_aggregate = (aggregate_of<Es>() || ...);
template <class... Es>
constexpr bool any_bare_column = (bare_column_of<Es>() || ...);

/// The models two nodes read, concatenated.
template <class L, class R>
using merged_models = list_concat_t<typename L::models, typename R::models>;

/// Reports the member a leaf names to a binder that records statement shapes (the SQL cache's
/// probe): the member is part of the SQL text but not of the leaf's type. Every leaf holding a
/// member pointer calls it from `bind`; value binders ignore it.
template <class Binder, class M>
constexpr void bind_shape(Binder& b, const M& member) {
  if constexpr (requires { b.shape(member); }) b.shape(member);
}

/// The base of a part of a statement that is not an expression (an ORDER BY term).
struct statement_part {};

/// The base of every node over one operand `E` (NOT, IS NULL, unary minus, CAST, a label, an
/// ORDER BY term, IN over a value list): it reads the models `E` reads, has `E`'s shape,
/// holds what `E` holds and binds `E`'s values. A node that differs in one of these declares
/// its own. `Base` is `expression_base<Node>` for an expression that can be labelled,
/// `expression_tag` for one that cannot, `statement_part` for a part that is no expression.
template <class E, class Base>
struct single_operand : Base {
  using models = typename E::models;
  static constexpr bool fixed_shape = E::fixed_shape;
  static constexpr bool contains_aggregate = E::contains_aggregate;
  static constexpr bool contains_bare_column = E::contains_bare_column;

  E operand;

  template <class Binder>
  void bind(Binder& b) const {
    operand.bind(b);
  }
};

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
struct labelled : detail::single_operand<E, detail::expression_tag> {
  using value_type = typename E::value_type;
  using labelled_type = E;
  static constexpr bool fixed_shape = E::fixed_shape && Name::fixed_shape;

  Name name;

  /// The label, as written.
  [[nodiscard]] std::string_view label() const noexcept { return name.view(); }
  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    return this->operand.lower(ctx);
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
    return labelled<Derived, runtime_label>{{{}, derived()}, runtime_label{TABULA_MOVE(name)}};
  }
  /// This expression labelled `Name`, fixed at compile time: `count().as<"n">()`.
  template <constant_text Name>
  [[nodiscard]] constexpr auto as() const {
    static_assert(Name.view().size() > 0, "tabula: a label cannot be empty. Name it.");
    return labelled<Derived, constant_label<Name>>{{{}, derived()}, {}};
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
      {{}, static_cast<E&&>(expr)}, detail::runtime_label{TABULA_MOVE(name)}};
}
/// `expr` labelled `Name`, fixed at compile time: `label<"total">(sum(col(&T::x)))`.
template <detail::constant_text Name, expression E>
[[nodiscard]] constexpr auto label(E&& expr) {
  static_assert(Name.view().size() > 0, "tabula: a label cannot be empty. Name it.");
  using X = std::remove_cvref_t<E>;
  return labelled<X, detail::constant_label<Name>>{{{}, static_cast<E&&>(expr)}, {}};
}

}  // namespace tabula
