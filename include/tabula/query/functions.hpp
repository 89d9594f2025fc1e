#pragma once
/// \file functions.hpp
/// SQL functions, typed: conditionals (`case_when`, `coalesce`, `nullif`, `cast<T>`), scalar
/// functions (`lower`, `upper`, `length`, `abs`, `round`, `trim`, `substr`,
/// `current_timestamp`, ...), aggregates (`count`, `count_distinct`, `sum`, `avg`, `min`,
/// `max`) and window functions (`row_number`, `rank`, `dense_rank`, `lag`, `lead`, ...). Each
/// lowers to a portable `ast::function` name the dialect spells for its database.
///
/// Result types follow SQL: a function of a nullable argument is nullable; `sum`, `avg`,
/// `min` and `max` are always optional (NULL over no rows); `count` never is.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/query/window.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

namespace detail {
/// What kind of function a call is.
enum class call_kind : std::uint8_t {
  scalar,     ///< computed per row
  aggregate,  ///< computed per group; may also be computed over a window
  window,     ///< only over a window: row_number(), lag(...)
};

/// A function as the AST names it: `name(DISTINCT args)` / `name(*)`.
template <constant_text Name, call_kind Kind = call_kind::scalar, bool Distinct = false,
          bool Star = false>
struct fn {
  static constexpr std::string_view name = Name.view();
  static constexpr call_kind kind = Kind;
  static constexpr bool distinct = Distinct;
  static constexpr bool star = Star;
};

template <class... Es>
using all_models = typename models_of_all<Es...>::type;
}  // namespace detail

/// A call of function `Fn` (a `detail::fn`) on `Args`, yielding `Value`. Aggregates (and
/// window functions) take `.over(partition_by(...), order_by(...), frame)`.
template <class Fn, class Value, class... Args>
struct function_call : detail::expression_base<function_call<Fn, Value, Args...>> {
  using value_type = Value;
  using models = detail::all_models<Args...>;
  static constexpr bool fixed_shape = detail::all_fixed<Args...>;
  static constexpr bool is_aggregate = Fn::kind == detail::call_kind::aggregate;
  /// What the arguments hold (what a window over this function keeps).
  static constexpr bool args_contain_aggregate = detail::any_aggregate<Args...>;
  static constexpr bool args_contain_bare_column = detail::any_bare_column<Args...>;
  static constexpr bool contains_aggregate = is_aggregate || args_contain_aggregate;
  static constexpr bool contains_bare_column = !is_aggregate && args_contain_bare_column;

  detail::bundle<Args...> args;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    ast::function f{std::string(Fn::name), {}, Fn::distinct, Fn::star};
    f.args.reserve(sizeof...(Args));
    detail::bundle_lower(args, f.args, ctx);
    return f;
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bundle_bind(args, b);
  }

  /// This aggregate computed over a window: `sum(e).over(partition_by(...), order_by(...))`.
  template <class... Clauses>
  [[nodiscard]] constexpr auto over(const Clauses&... clauses) const {
    static_assert(is_aggregate,
                  "tabula: only aggregates and window functions take over(...). Call over() on "
                  "count, sum, avg, min, max, row_number, rank, lag, ...");
    static_assert(!Fn::distinct,
                  "tabula: neither database computes a DISTINCT aggregate over a window. Count "
                  "distinct values in a subquery or a GROUP BY instead.");
    return detail::make_windowed(*this, clauses...);
  }
};

/// A window function (`row_number()`, `lag(e)`, ...): not an expression until given its
/// window with `.over(...)`.
template <class Fn, class Value, class... Args>
struct window_function {
  using value_type = Value;
  using models = detail::all_models<Args...>;
  static constexpr bool fixed_shape = detail::all_fixed<Args...>;
  static constexpr bool args_contain_aggregate = detail::any_aggregate<Args...>;
  static constexpr bool args_contain_bare_column = detail::any_bare_column<Args...>;

  detail::bundle<Args...> args;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    ast::function f{std::string(Fn::name), {}, false, false};
    f.args.reserve(sizeof...(Args));
    detail::bundle_lower(args, f.args, ctx);
    return f;
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bundle_bind(args, b);
  }

  /// `f() OVER (...)`: `row_number().over(partition_by(...), order_by(...))`. `over()` with
  /// nothing is the whole result as one window.
  template <class... Clauses>
  [[nodiscard]] constexpr auto over(const Clauses&... clauses) const {
    return detail::make_windowed(*this, clauses...);
  }
};

namespace detail {
template <class Fn, class Value, class... Args>
constexpr auto call(Args&&... args) {
  return function_call<Fn, Value, as_expr_t<Args>...>{{}, {{as_expr(static_cast<Args&&>(args))}...}};
}
template <class Fn, class Value, class... Args>
constexpr auto window_call(Args&&... args) {
  return window_function<Fn, Value, as_expr_t<Args>...>{{{as_expr(static_cast<Args&&>(args))}...}};
}

template <class E>
constexpr bool nullable_expr = is_nullable<expression_value_t<as_expr_t<E>>>;
template <class... Es>
constexpr bool any_nullable_arg = (nullable_expr<Es> || ...);

/// The common result type of the branches of CASE / COALESCE (optionals unwrapped), and
/// whether they are all of one kind.
template <class... Ts>
struct common_kind;
template <class T>
struct common_kind<T> {
  static constexpr bool valid = true;
  using type = bare_t<T>;
};
template <class T, class U, class... Rest>
struct common_kind<T, U, Rest...> {
  using rest = common_kind<U, Rest...>;
  static constexpr bool valid = rest::valid && comparable_types<T, typename rest::type>();
  using type = std::conditional_t<is_number<T> && is_number<typename rest::type>,
                                  arithmetic_t<T, typename rest::type>, bare_t<T>>;
};

template <class E>
concept numeric_operand = is_number<expression_value_t<as_expr_t<E>>>;
template <class E>
concept integer_operand = is_integer_number<expression_value_t<as_expr_t<E>>>;
}  // namespace detail

/// True when the values (expressions or C++ values) can be the branches of one CASE or
/// COALESCE: all numbers, all text, all booleans, all blobs or all the same type.
template <class... Es>
concept same_kind = sizeof...(Es) > 0 &&
                    detail::common_kind<expression_value_t<detail::as_expr_t<Es>>...>::valid;

// ---------------------------------------------------------------------------------------------
// CASE

namespace detail {
/// `WHEN condition THEN result` of a CASE (both expressions).
template <class C, class V>
struct when_branch {
  using condition_type = C;
  using result_expr = V;
  using result_type = typename V::value_type;
  C condition;
  V result;
};

/// CASE without ELSE.
struct no_else {
  using models = type_list<>;
  static constexpr bool fixed_shape = true;
  static constexpr bool contains_aggregate = false;
  static constexpr bool contains_bare_column = false;
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

/// The value types of those of `Xs` that are not values (`void` skipped).
template <class Acc, class... Xs>
struct non_value_types {
  using type = Acc;
};
template <class... As, class X, class... Rest>
struct non_value_types<type_list<As...>, X, Rest...> {
  using type = typename non_value_types<type_list<As..., typename X::value_type>, Rest...>::type;
};
template <class... As, class T, class... Rest>
struct non_value_types<type_list<As...>, value<T>, Rest...> {
  using type = typename non_value_types<type_list<As...>, Rest...>::type;
};
template <class... As, class... Rest>
struct non_value_types<type_list<As...>, no_else, Rest...> {
  using type = typename non_value_types<type_list<As...>, Rest...>::type;
};
template <class L>
struct common_of_list {
  using type = void;
};
template <class T, class... Ts>
struct common_of_list<type_list<T, Ts...>> {
  using type = typename common_kind<T, Ts...>::type;
};

/// The type PostgreSQL gives the branches of a CASE / COALESCE from those that are not values
/// (a value's parameter takes it); void when every branch is a value.
template <class... Xs>
using typed_branches_t =
    typename common_of_list<typename non_value_types<type_list<>, Xs...>::type>::type;

/// Lowers a branch of a CASE / COALESCE whose other branches give the type `Typed` (void:
/// none does, so a value states its own type).
template <class Typed, class X>
ast::expr lower_branch(const X& x, lower_context& ctx) {
  if constexpr (std::is_void_v<Typed>) return lower_typed(x, ctx);
  else return lower_operand<Typed>(x, ctx);
}

/// The result type of a CASE with branch results `Rs` and ELSE `Else`.
template <class Else, class... Rs>
struct case_result {
  using type = maybe_optional_t<typename common_kind<Rs..., typename Else::value_type>::type,
                                (is_nullable<Rs> || ...) ||
                                    is_nullable<typename Else::value_type>>;
};
template <class... Rs>
struct case_result<no_else, Rs...> {
  using type = std::optional<typename common_kind<Rs...>::type>;
};

template <class C, class V, class... Rs>
consteval void check_when() {
  static_assert(is_boolean<expression_value_t<as_expr_t<C>>>,
                "tabula: the condition of a CASE branch must be a boolean expression such as a "
                "comparison.");
  static_assert(same_kind<Rs..., expression_value_t<as_expr_t<V>>>,
                "tabula: every branch of a CASE must be of one kind (numbers, text, ...). "
                "Convert the odd one with tabula::cast<T>(e).");
}
}  // namespace detail

/// `CASE WHEN c1 THEN v1 WHEN c2 THEN v2 ... [ELSE e] END`, made by
/// `case_when(c1, v1).when(c2, v2).otherwise(e)`. Its type is the common type of the
/// branches, optional unless an ELSE is given and no branch is nullable.
template <class Else, class... Branches>
struct case_expr : detail::expression_base<case_expr<Else, Branches...>> {
  using value_type =
      typename detail::case_result<Else, typename Branches::result_type...>::type;
  using models = detail::list_concat_t<
      detail::all_models<typename Branches::condition_type..., typename Branches::result_expr...>,
      typename Else::models>;
  static constexpr bool fixed_shape =
      detail::all_fixed<typename Branches::condition_type..., typename Branches::result_expr...,
                        Else>;
  static constexpr bool contains_aggregate =
      detail::any_aggregate<typename Branches::condition_type...,
                            typename Branches::result_expr..., Else>;
  static constexpr bool contains_bare_column =
      detail::any_bare_column<typename Branches::condition_type...,
                              typename Branches::result_expr..., Else>;

  detail::bundle<Branches...> branches;
  Else otherwise_value;

  /// Adds `WHEN condition THEN result`.
  template <class C, class V>
  [[nodiscard]] constexpr auto when(C&& condition, V&& result) const {
    static_assert(std::is_same_v<Else, detail::no_else>,
                  "tabula: when() cannot follow otherwise(). Put every when() before it.");
    detail::check_when<C, V, typename Branches::result_type...>();
    using B = detail::when_branch<detail::as_expr_t<C>, detail::as_expr_t<V>>;
    return case_expr<Else, Branches..., B>{
        {},
        detail::bundle_append(branches, B{detail::as_expr(static_cast<C&&>(condition)),
                                          detail::as_expr(static_cast<V&&>(result))}),
        otherwise_value};
  }
  /// Adds `ELSE result`: the value when no condition holds.
  template <class V>
  [[nodiscard]] constexpr auto otherwise(V&& result) const {
    static_assert(std::is_same_v<Else, detail::no_else>,
                  "tabula: a CASE has one otherwise(). Remove the second.");
    static_assert(same_kind<typename Branches::result_type..., expression_value_t<detail::as_expr_t<V>>>,
                  "tabula: every branch of a CASE must be of one kind (numbers, text, ...). "
                  "Convert the odd one with tabula::cast<T>(e).");
    return case_expr<detail::as_expr_t<V>, Branches...>{
        {}, branches, detail::as_expr(static_cast<V&&>(result))};
  }

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    using typed = detail::typed_branches_t<typename Branches::result_expr..., Else>;
    ast::case_when n;
    n.whens.reserve(sizeof...(Branches));
    detail::bundle_each(branches, [&](const auto& br) {
      // A braced list is evaluated in order: the condition's parameters come first.
      n.whens.push_back(std::pair<ast::expr, ast::expr>{
          br.condition.lower(ctx), detail::lower_branch<typed>(br.result, ctx)});
    });
    if constexpr (!std::is_same_v<Else, detail::no_else>) {
      n.otherwise = ast::box<ast::expr>(detail::lower_branch<typed>(otherwise_value, ctx));
    }
    return n;
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bundle_each(branches, [&](const auto& br) {
      br.condition.bind(b);
      br.result.bind(b);
    });
    otherwise_value.bind(b);
  }
};

/// `CASE WHEN condition THEN result ... END`: continue with `.when(c, v)`, end with
/// `.otherwise(v)` (without it, no match is NULL and the type is optional).
template <column_or_expression C, class V>
constexpr auto case_when(C&& condition, V&& result) {
  detail::check_when<C, V>();
  using B = detail::when_branch<detail::as_expr_t<C>, detail::as_expr_t<V>>;
  return case_expr<detail::no_else, B>{
      {},
      detail::bundle<B>{{B{detail::as_expr(static_cast<C&&>(condition)),
                           detail::as_expr(static_cast<V&&>(result))}}},
      {}};
}

// ---------------------------------------------------------------------------------------------
// COALESCE, NULLIF, CAST

/// `coalesce(a, b, ...)`: the first argument that is not NULL. Not optional when any argument
/// is not.
template <class... Es>
struct coalesce_expr : detail::expression_base<coalesce_expr<Es...>> {
  using value_type =
      detail::maybe_optional_t<typename detail::common_kind<typename Es::value_type...>::type,
                               (detail::is_nullable<typename Es::value_type> && ...)>;
  using models = detail::all_models<Es...>;
  static constexpr bool fixed_shape = detail::all_fixed<Es...>;
  static constexpr bool contains_aggregate = detail::any_aggregate<Es...>;
  static constexpr bool contains_bare_column = detail::any_bare_column<Es...>;

  detail::bundle<Es...> args;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    using typed = detail::typed_branches_t<Es...>;
    ast::function f{"coalesce", {}, false, false};
    f.args.reserve(sizeof...(Es));
    detail::bundle_each(args,
                        [&](const auto& a) { f.args.push_back(detail::lower_branch<typed>(a, ctx)); });
    return f;
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bundle_bind(args, b);
  }
};

/// `coalesce(a, b, ...)`: the first non-NULL of expressions or values of one kind:
/// `coalesce(col(&T::nickname), col(&T::name))`, `coalesce(col(&T::score), 0)`.
template <class A, class B, class... Rest>
  requires(column_or_expression<A> || column_or_expression<B> ||
           (column_or_expression<Rest> || ...))
constexpr auto coalesce(A&& a, B&& b, Rest&&... rest) {
  static_assert(same_kind<A, B, Rest...>,
                "tabula: the arguments of coalesce() must be of one kind (numbers, text, ...). "
                "Convert the odd one with tabula::cast<T>(e).");
  return coalesce_expr<detail::as_expr_t<A>, detail::as_expr_t<B>, detail::as_expr_t<Rest>...>{
      {},
      {{detail::as_expr(static_cast<A&&>(a))}, {detail::as_expr(static_cast<B&&>(b))},
       {detail::as_expr(static_cast<Rest&&>(rest))}...}};
}

namespace detail {
using nullif_fn = fn<"nullif">;
}  // namespace detail

/// `nullif(a, b)`: NULL when `a = b`, else `a`; always optional.
template <column_or_expression A, class B>
constexpr auto nullif(A&& a, B&& b) {
  static_assert(comparable<A, B>,
                "tabula: nullif() compares its arguments, so they must be of one kind. Pass a "
                "second argument of the first one's kind.");
  using V = std::optional<detail::bare_t<expression_value_t<A>>>;
  return detail::call<detail::nullif_fn, V>(static_cast<A&&>(a), static_cast<B&&>(b));
}

/// `CAST(e AS <T's SQL type>)`, yielding `T` (optional when `e` is nullable, or when `T` is an
/// optional).
template <class T, class E>
struct cast_expr : detail::single_operand<E, detail::expression_base<cast_expr<T, E>>> {
  using value_type =
      detail::maybe_optional_t<detail::bare_t<T>,
                               is_optional_v<T> || detail::is_nullable<typename E::value_type>>;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    return ast::cast{this->operand.lower(ctx), detail::sql_type_of<T>()};
  }
};

/// `cast<T>(e)`: `e` converted by the database to the SQL type of C++ type `T`, e.g.
/// `cast<std::string>(col(&T::id))`, `cast<double>(col(&T::count))`.
template <class T, class E>
constexpr auto cast(E&& e) {
  static_assert(column_type<T>,
                "tabula: cast<T> converts to the SQL type of T, and T has no SQL mapping. Use a "
                "mapped type such as std::int64_t, double or std::string.");
  using X = detail::as_expr_t<E>;
  return cast_expr<T, X>{{{}, detail::as_expr(static_cast<E&&>(e))}};
}

// ---------------------------------------------------------------------------------------------
// Scalar functions

namespace detail {
template <class E>
consteval void require_text() {
  static_assert(is_text<expression_value_t<as_expr_t<E>>>,
                "tabula: this function takes text. Pass a text column or expression, or convert "
                "with tabula::cast<std::string>(e).");
}
template <class E>
consteval void require_number() {
  static_assert(is_number<expression_value_t<as_expr_t<E>>>,
                "tabula: this function takes a number. Pass a numeric column or expression.");
}
template <class E>
consteval void require_integer() {
  static_assert(is_integer_number<expression_value_t<as_expr_t<E>>>,
                "tabula: this argument is a count or position, an integer. Pass an integer "
                "value or expression.");
}

template <class Fn, class E>
constexpr auto text_function(E&& e) {
  require_text<E>();
  return call<Fn, maybe_optional_t<std::string, nullable_expr<E>>>(static_cast<E&&>(e));
}
}  // namespace detail

/// `lower(e)`: text in lower case.
template <column_or_expression E>
constexpr auto lower(E&& e) {
  return detail::text_function<detail::fn<"lower">>(static_cast<E&&>(e));
}
/// `upper(e)`: text in upper case.
template <column_or_expression E>
constexpr auto upper(E&& e) {
  return detail::text_function<detail::fn<"upper">>(static_cast<E&&>(e));
}
/// `trim(e)`: text without leading and trailing spaces.
template <column_or_expression E>
constexpr auto trim(E&& e) {
  return detail::text_function<detail::fn<"trim">>(static_cast<E&&>(e));
}
/// `ltrim(e)`: text without leading spaces.
template <column_or_expression E>
constexpr auto ltrim(E&& e) {
  return detail::text_function<detail::fn<"ltrim">>(static_cast<E&&>(e));
}
/// `rtrim(e)`: text without trailing spaces.
template <column_or_expression E>
constexpr auto rtrim(E&& e) {
  return detail::text_function<detail::fn<"rtrim">>(static_cast<E&&>(e));
}
/// The number of characters of text `e` (`length` on SQLite, `char_length` on PostgreSQL).
template <column_or_expression E>
constexpr auto length(E&& e) {
  detail::require_text<E>();
  return detail::call<detail::fn<"length">,
                      detail::maybe_optional_t<std::int64_t, detail::nullable_expr<E>>>(
      static_cast<E&&>(e));
}
/// `abs(e)`: the absolute value of a number.
template <column_or_expression E>
constexpr auto abs(E&& e) {
  detail::require_number<E>();
  using V = expression_value_t<E>;
  return detail::call<detail::fn<"abs">,
                      detail::maybe_optional_t<detail::arithmetic_t<V, V>, detail::is_nullable<V>>>(
      static_cast<E&&>(e));
}
/// `round(e)`: a number rounded to the nearest integer, halves away from zero, as a double.
/// Lowered as `round(e, 0)`: PostgreSQL rounds a double's halves to even, but its `round` to
/// a number of digits (computed in `numeric`) rounds them away from zero, as SQLite does.
template <column_or_expression E>
constexpr auto round(E&& e) {
  detail::require_number<E>();
  return detail::call<detail::fn<"round">,
                      detail::maybe_optional_t<double, detail::nullable_expr<E>>>(
      static_cast<E&&>(e), 0);
}
/// `round(e, digits)`: a number rounded to `digits` decimal places, as a double.
template <column_or_expression E, class D>
constexpr auto round(E&& e, D&& digits) {
  detail::require_number<E>();
  detail::require_integer<D>();
  return detail::call<detail::fn<"round">,
                      detail::maybe_optional_t<double, detail::any_nullable_arg<E, D>>>(
      static_cast<E&&>(e), static_cast<D&&>(digits));
}
/// `substr(e, start)`: text from character `start` (1-based) to the end.
template <column_or_expression E, class S>
constexpr auto substr(E&& e, S&& start) {
  detail::require_text<E>();
  detail::require_integer<S>();
  return detail::call<detail::fn<"substr">,
                      detail::maybe_optional_t<std::string, detail::any_nullable_arg<E, S>>>(
      static_cast<E&&>(e), static_cast<S&&>(start));
}
/// `substr(e, start, length)`: `length` characters of text from character `start` (1-based).
template <column_or_expression E, class S, class L>
constexpr auto substr(E&& e, S&& start, L&& length) {
  detail::require_text<E>();
  detail::require_integer<S>();
  detail::require_integer<L>();
  return detail::call<detail::fn<"substr">,
                      detail::maybe_optional_t<std::string, detail::any_nullable_arg<E, S, L>>>(
      static_cast<E&&>(e), static_cast<S&&>(start), static_cast<L&&>(length));
}
/// `CURRENT_TIMESTAMP`, read as text: `YYYY-MM-DD HH:MM:SS` in UTC on SQLite; PostgreSQL's
/// timestamp with time zone, with fractional seconds, as the driver formats it.
constexpr auto current_timestamp() { return detail::call<detail::fn<"current_timestamp">, std::string>(); }
/// `CURRENT_DATE`, read as text `YYYY-MM-DD`.
constexpr auto current_date() { return detail::call<detail::fn<"current_date">, std::string>(); }

// ---------------------------------------------------------------------------------------------
// Aggregates

namespace detail {
template <class E>
consteval void require_plain_argument() {
  static_assert(!as_expr_t<E>::contains_aggregate,
                "tabula: an aggregate cannot take another aggregate (SQL does not nest them). "
                "Aggregate in a subquery first.");
}
template <class E>
using sum_t = std::optional<
    std::conditional_t<is_floating_number<expression_value_t<E>>, double, std::int64_t>>;
}  // namespace detail

/// `count(*)`: the number of rows (of the group); never NULL.
constexpr auto count() {
  return detail::call<detail::fn<"count", detail::call_kind::aggregate, false, true>,
                      std::int64_t>();
}
/// `count(e)`: the number of rows where `e` is not NULL.
template <column_or_expression E>
constexpr auto count(E&& e) {
  detail::require_plain_argument<E>();
  return detail::call<detail::fn<"count", detail::call_kind::aggregate>, std::int64_t>(
      static_cast<E&&>(e));
}
/// `count(DISTINCT e)`: the number of distinct non-NULL values of `e`.
template <column_or_expression E>
constexpr auto count_distinct(E&& e) {
  detail::require_plain_argument<E>();
  return detail::call<detail::fn<"count", detail::call_kind::aggregate, true>, std::int64_t>(
      static_cast<E&&>(e));
}
/// `sum(e)`: the sum of a number, `std::optional<std::int64_t>` for integers and
/// `std::optional<double>` for floating-point; NULL (nullopt) over no rows.
template <column_or_expression E>
constexpr auto sum(E&& e) {
  detail::require_plain_argument<E>();
  detail::require_number<E>();
  return detail::call<detail::fn<"sum", detail::call_kind::aggregate>, detail::sum_t<E>>(
      static_cast<E&&>(e));
}
/// `avg(e)`: the mean of a number as `std::optional<double>`; NULL over no rows.
template <column_or_expression E>
constexpr auto avg(E&& e) {
  detail::require_plain_argument<E>();
  detail::require_number<E>();
  return detail::call<detail::fn<"avg", detail::call_kind::aggregate>, std::optional<double>>(
      static_cast<E&&>(e));
}

namespace detail {
template <class E>
consteval void require_ordered() {
  constexpr category c = category_of<expression_value_t<E>>();
  static_assert(c == category::number || c == category::text || c == category::other,
                "tabula: min() and max() take numbers, text or other ordered values, not "
                "booleans or blobs.");
}
}  // namespace detail

/// `min(e)`: the least value of `e`; NULL over no rows.
template <column_or_expression E>
constexpr auto min(E&& e) {
  detail::require_plain_argument<E>();
  detail::require_ordered<E>();
  return detail::call<detail::fn<"min", detail::call_kind::aggregate>,
                      std::optional<detail::bare_t<expression_value_t<E>>>>(static_cast<E&&>(e));
}
/// `max(e)`: the greatest value of `e`; NULL over no rows.
template <column_or_expression E>
constexpr auto max(E&& e) {
  detail::require_plain_argument<E>();
  detail::require_ordered<E>();
  return detail::call<detail::fn<"max", detail::call_kind::aggregate>,
                      std::optional<detail::bare_t<expression_value_t<E>>>>(static_cast<E&&>(e));
}

// ---------------------------------------------------------------------------------------------
// Window functions (each needs `.over(...)`)

/// `row_number()`: 1, 2, 3, ... in the window's order.
constexpr auto row_number() {
  return detail::window_call<detail::fn<"row_number", detail::call_kind::window>, std::int64_t>();
}
/// `rank()`: the rank in the window's order, with gaps after ties (1, 1, 3).
constexpr auto rank() {
  return detail::window_call<detail::fn<"rank", detail::call_kind::window>, std::int64_t>();
}
/// `dense_rank()`: the rank in the window's order, without gaps (1, 1, 2).
constexpr auto dense_rank() {
  return detail::window_call<detail::fn<"dense_rank", detail::call_kind::window>,
                             std::int64_t>();
}
/// `percent_rank()`: (rank - 1) / (rows in the partition - 1), from 0 to 1.
constexpr auto percent_rank() {
  return detail::window_call<detail::fn<"percent_rank", detail::call_kind::window>, double>();
}
/// `cume_dist()`: the fraction of partition rows ordered before or with this one.
constexpr auto cume_dist() {
  return detail::window_call<detail::fn<"cume_dist", detail::call_kind::window>, double>();
}
/// `ntile(n)`: the bucket 1..n of the row when the partition is split into `n` even parts.
template <class N>
constexpr auto ntile(N&& n) {
  detail::require_integer<N>();
  return detail::window_call<detail::fn<"ntile", detail::call_kind::window>, std::int64_t>(
      static_cast<N&&>(n));
}

namespace detail {
template <class Fn, class E, class... Rest>
constexpr auto offset_function(E&& e, Rest&&... rest) {
  using V = std::optional<bare_t<expression_value_t<E>>>;
  return window_call<Fn, V>(static_cast<E&&>(e), static_cast<Rest&&>(rest)...);
}
template <class Fn, class E, class O, class D>
constexpr auto offset_function_with_default(E&& e, O&& offset, D&& fallback) {
  require_integer<O>();
  using EV = expression_value_t<E>;
  using DV = expression_value_t<as_expr_t<D>>;
  static_assert(assignable_types<std::optional<bare_t<EV>>, DV>(),
                "tabula: the default of lag() / lead() stands in for the expression's value, so "
                "it must be of its kind (and not floating-point for an integer). Pass a default "
                "of the expression's kind.");
  // No row at the offset yields the default: NULL only when the default or the value may be.
  using V = maybe_optional_t<bare_t<EV>, is_nullable<EV> || is_nullable<DV>>;
  return window_call<Fn, V>(static_cast<E&&>(e), static_cast<O&&>(offset),
                            static_cast<D&&>(fallback));
}
}  // namespace detail

/// `lag(e)`: `e` on the previous row of the window (NULL on the first).
template <column_or_expression E>
constexpr auto lag(E&& e) {
  return detail::offset_function<detail::fn<"lag", detail::call_kind::window>>(static_cast<E&&>(e));
}
/// `lag(e, offset)`: `e` on the row `offset` rows before (NULL where there is none).
template <column_or_expression E, class O>
constexpr auto lag(E&& e, O&& offset) {
  detail::require_integer<O>();
  return detail::offset_function<detail::fn<"lag", detail::call_kind::window>>(
      static_cast<E&&>(e), static_cast<O&&>(offset));
}
/// `lag(e, offset, fallback)`: `e` on the row `offset` rows before, `fallback` where there is
/// none.
template <column_or_expression E, class O, class D>
constexpr auto lag(E&& e, O&& offset, D&& fallback) {
  return detail::offset_function_with_default<detail::fn<"lag", detail::call_kind::window>>(
      static_cast<E&&>(e), static_cast<O&&>(offset), static_cast<D&&>(fallback));
}
/// `lead(e)`: `e` on the next row of the window (NULL on the last).
template <column_or_expression E>
constexpr auto lead(E&& e) {
  return detail::offset_function<detail::fn<"lead", detail::call_kind::window>>(
      static_cast<E&&>(e));
}
/// `lead(e, offset)`: `e` on the row `offset` rows after.
template <column_or_expression E, class O>
constexpr auto lead(E&& e, O&& offset) {
  detail::require_integer<O>();
  return detail::offset_function<detail::fn<"lead", detail::call_kind::window>>(
      static_cast<E&&>(e), static_cast<O&&>(offset));
}
/// `lead(e, offset, fallback)`: `e` on the row `offset` rows after, `fallback` where there is
/// none.
template <column_or_expression E, class O, class D>
constexpr auto lead(E&& e, O&& offset, D&& fallback) {
  return detail::offset_function_with_default<detail::fn<"lead", detail::call_kind::window>>(
      static_cast<E&&>(e), static_cast<O&&>(offset), static_cast<D&&>(fallback));
}
/// `first_value(e)`: `e` on the first row of the frame.
template <column_or_expression E>
constexpr auto first_value(E&& e) {
  return detail::offset_function<detail::fn<"first_value", detail::call_kind::window>>(
      static_cast<E&&>(e));
}
/// `last_value(e)`: `e` on the last row of the frame (with the default frame, the current
/// row's last peer: give a frame such as `rows_between(unbounded_preceding,
/// unbounded_following)` for the partition's last row).
template <column_or_expression E>
constexpr auto last_value(E&& e) {
  return detail::offset_function<detail::fn<"last_value", detail::call_kind::window>>(
      static_cast<E&&>(e));
}

}  // namespace tabula
