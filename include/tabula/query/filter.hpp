#pragma once
/// \file filter.hpp
/// Conditions composed at run time: `tabula::filter<Model>`, grown with `&=` and `|=` from
/// typed conditions inside ordinary `if`s and used wherever a condition goes.
///
/// ```cpp
/// tabula::filter<Model> f;                                  // empty: no condition
/// if (form.framework) f &= col(&Model::framework) == *form.framework;
/// if (form.min_acc)   f &= col(&Model::accuracy) >= *form.min_acc;
/// auto rows = db.query<Model>().where(f).all();
/// ```
///
/// Each piece is a typed expression, checked at compile time like any other. When it is added,
/// the piece is lowered into the runtime AST once and its values are captured, in parameter
/// order, as `ast::value`s (the one place tabula boxes values). A statement that holds a filter
/// renumbers the filter's parameters after its own and binds the captured values; its SQL
/// depends on the filter's content, so it is compiled on each execution (`fixed_shape` is
/// false).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/ast/value.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

template <class... Models>
class filter;

namespace detail {

/// The part of a filter that does not depend on its models: the condition, with parameters
/// numbered from 0, and the values of those parameters in order. Compiled once, in
/// src/query/filter.cpp.
class filter_core {
 public:
  /// True when no condition was added.
  [[nodiscard]] bool empty() const noexcept { return !condition_.has_value(); }
  /// The captured values, in parameter order.
  [[nodiscard]] const std::vector<ast::value>& values() const noexcept { return values_; }
  /// The condition with parameters numbered from 0 (none when empty).
  [[nodiscard]] const std::optional<ast::expr>& condition() const noexcept { return condition_; }

  /// Joins `piece` to the condition with `op` (AND / OR). The piece's parameters are numbered
  /// from `values().size()`, `slots` of them, and `values` are theirs in order.
  void add(ast::binary_op op, ast::expr piece, std::uint32_t slots,
           std::vector<ast::value> values);
  /// Joins another filter to the condition with `op`; an empty filter adds nothing.
  void add(ast::binary_op op, const filter_core& other);
  /// NOT (condition); an empty filter stays empty.
  void negate();

  /// The condition inside a statement: parameters renumbered from `ctx`'s next slot. An empty
  /// filter restricts nothing and lowers to `1 = 1`.
  [[nodiscard]] ast::expr lower(lower_context& ctx) const;

 private:
  std::optional<ast::expr> condition_;
  std::vector<ast::value> values_;
};

/// `e` with every parameter slot moved up by `by` (subqueries included).
void shift_params(ast::expr& e, std::uint32_t by);

template <class T>
inline constexpr bool is_filter_v = false;
template <class... Ms>
inline constexpr bool is_filter_v<filter<Ms...>> = true;

/// A value as the runtime AST holds it, converted through `type_traits`.
template <class V>
ast::value to_ast_value(const V& v) {
  if constexpr (std::is_same_v<V, ast::value>) {
    return v;
  } else if constexpr (std::is_same_v<V, std::nullopt_t> || std::is_same_v<V, ast::null_t>) {
    return ast::value();  // NULL
  } else if constexpr (is_optional_v<V>) {
    return v ? to_ast_value(*v) : ast::value();
  } else if constexpr (sql_mappable<V>) {
    auto s = type_traits<V>::to_sql(v);
    using S = decltype(s);
    if constexpr (std::is_same_v<S, std::string_view>) {
      return ast::value(std::in_place_type<std::string>, s);
    } else if constexpr (std::is_same_v<S, std::span<const std::byte>>) {
      return ast::value(std::in_place_type<blob>, s.begin(), s.end());
    } else if constexpr (std::is_same_v<S, array_value>) {
      return ast::value(detail::array_text(s));  // the server reads the text as the array
    } else {
      return ast::value(std::in_place_type<S>, s);
    }
  } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
    return ast::value(std::in_place_type<std::string>, std::string_view(v));
  } else {
    static_assert(sql_mappable<V>,
                  "tabula: this value's type has no SQL mapping. Specialize tabula::type_traits "
                  "for it (see docs/models.md).");
    return ast::value();
  }
}

/// A binder that captures values as `ast::value`s instead of binding them.
struct value_collector {
  std::vector<ast::value>& out;
  template <class V>
  void operator()(const V& v) {
    out.push_back(to_ast_value(v));
  }
};

/// Hands a captured value to a binder with its storage type (NULL as `std::nullopt`).
template <class Binder>
void bind_ast_value(Binder& b, const ast::value& v) {
  std::visit(
      [&](const auto& x) {
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(x)>, ast::null_t>) {
          b(std::nullopt);
        } else {
          b(x);
        }
      },
      v);
}

template <class List, class T>
struct list_add {
  using type = std::conditional_t<list_contains<T, List>::value, List,
                                  list_concat_t<List, type_list<T>>>;
};
template <class A, class B>
struct list_union;
template <class A>
struct list_union<A, type_list<>> {
  using type = A;
};
template <class A, class B, class... Bs>
struct list_union<A, type_list<B, Bs...>> {
  using type = typename list_union<typename list_add<A, B>::type, type_list<Bs...>>::type;
};

template <class List>
struct filter_of;
template <class... Ms>
struct filter_of<type_list<Ms...>> {
  using type = filter<Ms...>;
};

/// The filter two operands combine into: it reads every model either reads.
template <class A, class B>
using combined_filter_t = typename filter_of<
    typename list_union<typename as_expr_t<A>::models, typename as_expr_t<B>::models>::type>::type;

template <class E>
constexpr bool is_condition() {
  return category_of<expression_value_t<E>>() == category::boolean;
}

}  // namespace detail

/// True when `E` may be added to filter `F` with `&=` / `|=`: a boolean expression that reads
/// only models `F` lists.
template <class F, class E>
concept filter_piece =
    detail::is_filter_v<std::remove_cvref_t<F>> && expression<E> &&
    detail::is_condition<E>() &&
    detail::list_subset<typename std::remove_cvref_t<E>::models,
                        typename std::remove_cvref_t<F>::models>::value;

/// A condition composed at run time over `Models...` (one model for a query of that model,
/// several for a join). Empty when default-constructed: an empty filter is no condition at all
/// — `&=` / `|=` / `&&` / `||` with it yield the other operand, `!` leaves it empty, and in a
/// where clause it restricts nothing (`1 = 1`). Its value is `std::optional<bool>`, because a
/// piece may compare with NULL.
template <class... Models>
class filter : public detail::expression_tag {
 public:
  using value_type = std::optional<bool>;
  using models = detail::type_list<Models...>;
  /// The SQL depends on the pieces added at run time.
  static constexpr bool fixed_shape = false;

  /// An empty filter: no condition.
  filter() = default;
  /// A filter holding one condition (a typed expression or another filter).
  template <expression E>
  filter(const E& condition) {  // NOLINT(google-explicit-constructor): a condition is a filter
    *this &= condition;
  }

  /// True when no condition was added.
  [[nodiscard]] bool empty() const noexcept { return core_.empty(); }
  /// The values the condition binds, in parameter order.
  [[nodiscard]] const std::vector<ast::value>& values() const noexcept { return core_.values(); }

  /// `filter AND piece` (the piece alone when the filter is empty).
  template <expression E>
  filter& operator&=(const E& piece) {
    add<E>(ast::binary_op::and_, piece);
    return *this;
  }
  /// `filter OR piece` (the piece alone when the filter is empty).
  template <expression E>
  filter& operator|=(const E& piece) {
    add<E>(ast::binary_op::or_, piece);
    return *this;
  }

  /// NOT (filter); an empty filter stays empty.
  [[nodiscard]] filter negated() const {
    filter out = *this;
    out.core_.negate();
    return out;
  }

  /// The condition, with parameters numbered from `ctx`'s next slot.
  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const { return core_.lower(ctx); }
  /// Binds the captured values in parameter order.
  template <class Binder>
  void bind(Binder& b) const {
    for (const ast::value& v : core_.values()) detail::bind_ast_value(b, v);
  }

  /// The model-independent content.
  [[nodiscard]] const detail::filter_core& core() const noexcept { return core_; }

 private:
  template <class E>
  void add(ast::binary_op op, const E& piece) {
    static_assert(detail::is_condition<E>(),
                  "tabula: a filter holds conditions. Add a boolean expression such as "
                  "col(&T::x) == v.");
    static_assert(detail::list_subset<typename E::models, models>::value,
                  "tabula: this condition reads a model the filter does not list. Declare the "
                  "filter with every model its conditions read: tabula::filter<A, B>.");
    if constexpr (detail::is_filter_v<E>) {
      core_.add(op, piece.core());
    } else {
      const auto first = static_cast<std::uint32_t>(core_.values().size());
      detail::lower_context ctx;
      ctx.next_param = first;
      ast::expr lowered = piece.lower(ctx);
      std::vector<ast::value> captured;
      detail::value_collector collect{captured};
      piece.bind(collect);
      core_.add(op, TABULA_MOVE(lowered), ctx.next_param - first, TABULA_MOVE(captured));
    }
  }

  detail::filter_core core_;
};

namespace detail {
/// `&&` / `||` with a filter on either side: the result is a filter too, so that an empty
/// filter keeps meaning "no condition".
template <class A, class B>
concept filter_operands = operand_pair<A, B> &&
                          (is_filter_v<std::remove_cvref_t<A>> || is_filter_v<std::remove_cvref_t<B>>);

template <class F, class X>
F make_filter(X&& x) {
  if constexpr (std::is_same_v<std::remove_cvref_t<X>, F>) {
    return F(static_cast<X&&>(x));
  } else {
    F f;
    f &= as_expr(static_cast<X&&>(x));
    return f;
  }
}

template <ast::binary_op Op, class A, class B>
auto combine_filters(A&& a, B&& b) {
  static_assert(combinable<A, B>,
                "tabula: && and || combine conditions. Both operands must be boolean "
                "expressions such as comparisons.");
  using F = combined_filter_t<A, B>;
  F out = make_filter<F>(static_cast<A&&>(a));
  if constexpr (Op == ast::binary_op::and_) {
    out &= as_expr(static_cast<B&&>(b));
  } else {
    out |= as_expr(static_cast<B&&>(b));
  }
  return out;
}
}  // namespace detail

/// `a AND b` where either side is a filter: a filter over the models of both.
template <class A, class B>
  requires detail::filter_operands<A, B>
auto operator&&(A&& a, B&& b) {
  return detail::combine_filters<ast::binary_op::and_>(static_cast<A&&>(a), static_cast<B&&>(b));
}
/// `a OR b` where either side is a filter: a filter over the models of both.
template <class A, class B>
  requires detail::filter_operands<A, B>
auto operator||(A&& a, B&& b) {
  return detail::combine_filters<ast::binary_op::or_>(static_cast<A&&>(a), static_cast<B&&>(b));
}
/// `NOT filter`; an empty filter stays empty.
template <expression E>
  requires detail::is_filter_v<std::remove_cvref_t<E>>
auto operator!(E&& f) {
  return f.negated();
}

}  // namespace tabula
