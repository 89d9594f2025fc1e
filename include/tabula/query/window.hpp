#pragma once
/// \file window.hpp
/// The OVER clause of window functions: `partition_by(...)`, `order_by(...)` and frames
/// (`rows_between`, `range_between`, `groups_between` with `unbounded_preceding`,
/// `preceding(n)`, `current_row`, `following(n)`, `unbounded_following`). The functions
/// themselves — `row_number()`, `rank()`, `lag(...)`, and every aggregate — are in
/// functions.hpp; each has `.over(clauses...)`.
///
/// ```cpp
/// tabula::row_number().over(tabula::partition_by(col(&Run::model_id)),
///                           tabula::order_by(tabula::desc(&Run::accuracy)))
/// // row_number() OVER (PARTITION BY "runs"."model_id" ORDER BY "runs"."accuracy" DESC)
/// tabula::avg(col(&Run::loss)).over(tabula::order_by(&Run::step),
///                                   tabula::rows_between(tabula::preceding<2>(),
///                                                        tabula::current_row))
/// // avg("runs"."loss") OVER (ORDER BY "runs"."step" ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
/// ```

#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/expression.hpp"

namespace tabula {

namespace detail {
struct partition_kind {};
struct order_kind {};
struct frame_kind {};

/// An absent part of a window: lowers to nothing.
struct no_window_part {
  using kind = void;
  using models = type_list<>;
  static constexpr bool fixed_shape = true;
  static constexpr bool contains_aggregate = false;
  static constexpr bool contains_bare_column = false;
  void lower_into(ast::window& /*w*/, lower_context& /*ctx*/) const {}
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};
}  // namespace detail

/// `PARTITION BY e1, e2, ...`: made by `partition_by(...)`.
template <class... Es>
struct partition_clause {
  using kind = detail::partition_kind;
  using models = typename detail::models_of_all<Es...>::type;
  static constexpr bool fixed_shape = detail::all_fixed<Es...>;
  static constexpr bool contains_aggregate = detail::any_aggregate<Es...>;
  static constexpr bool contains_bare_column = detail::any_bare_column<Es...>;

  detail::bundle<Es...> exprs;

  void lower_into(ast::window& w, detail::lower_context& ctx) const {
    detail::bundle_lower(exprs, w.partition_by, ctx);
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bundle_bind(exprs, b);
  }
};

/// `ORDER BY t1, t2, ...` inside OVER: made by `order_by(...)`.
template <class... Os>
struct window_order_clause {
  using kind = detail::order_kind;
  using models = typename detail::models_of_all<Os...>::type;
  static constexpr bool fixed_shape = detail::all_fixed<Os...>;
  static constexpr bool contains_aggregate = detail::any_aggregate<Os...>;
  static constexpr bool contains_bare_column = detail::any_bare_column<Os...>;

  detail::bundle<Os...> terms;

  void lower_into(ast::window& w, detail::lower_context& ctx) const {
    detail::bundle_lower(terms, w.order_by, ctx);
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bundle_bind(terms, b);
  }
};

namespace detail {
/// A frame bound printed without an offset (UNBOUNDED PRECEDING, CURRENT ROW, ...).
template <ast::frame_bound_kind K>
struct plain_bound {
  static constexpr ast::frame_bound_kind bound_kind = K;
  static constexpr bool fixed_shape = true;
  [[nodiscard]] static constexpr ast::frame_bound get() noexcept { return {K, 0}; }
};
/// `N PRECEDING` / `N FOLLOWING` with N fixed at compile time.
template <ast::frame_bound_kind K, std::int64_t N>
struct constant_bound {
  static_assert(N >= 0, "tabula: a window frame offset counts rows or values back or ahead, so "
                        "it cannot be negative. Use preceding<N>() or following<N>() with N >= 0.");
  static constexpr ast::frame_bound_kind bound_kind = K;
  static constexpr bool fixed_shape = true;
  [[nodiscard]] static constexpr ast::frame_bound get() noexcept { return {K, N}; }
};
/// `n PRECEDING` / `n FOLLOWING` with n known at run time. The offset is SQL text, so it is
/// part of the statement's shape (`frame_clause::bind` reports it): the SQL is compiled once
/// per offset.
template <ast::frame_bound_kind K>
struct runtime_bound {
  static constexpr ast::frame_bound_kind bound_kind = K;
  static constexpr bool fixed_shape = true;
  std::int64_t n = 0;
  [[nodiscard]] constexpr ast::frame_bound get() const noexcept { return {K, n}; }
};

template <class B>
concept frame_bound_spec = requires(const B& b) {
  { B::bound_kind } -> std::convertible_to<ast::frame_bound_kind>;
  { b.get() } -> std::same_as<ast::frame_bound>;
};
}  // namespace detail

/// The frame start `UNBOUNDED PRECEDING`.
inline constexpr detail::plain_bound<ast::frame_bound_kind::unbounded_preceding>
    unbounded_preceding{};
/// The frame bound `CURRENT ROW`.
inline constexpr detail::plain_bound<ast::frame_bound_kind::current_row> current_row{};
/// The frame end `UNBOUNDED FOLLOWING`.
inline constexpr detail::plain_bound<ast::frame_bound_kind::unbounded_following>
    unbounded_following{};

/// `N PRECEDING`, N fixed at compile time.
template <std::int64_t N>
constexpr auto preceding() noexcept {
  return detail::constant_bound<ast::frame_bound_kind::preceding, N>{};
}
/// `n PRECEDING`, n known at run time (the statement's SQL is compiled once per n).
constexpr auto preceding(std::int64_t n) noexcept {
  return detail::runtime_bound<ast::frame_bound_kind::preceding>{n};
}
/// `N FOLLOWING`, N fixed at compile time.
template <std::int64_t N>
constexpr auto following() noexcept {
  return detail::constant_bound<ast::frame_bound_kind::following, N>{};
}
/// `n FOLLOWING`, n known at run time.
constexpr auto following(std::int64_t n) noexcept {
  return detail::runtime_bound<ast::frame_bound_kind::following>{n};
}

/// A window frame: `ROWS | RANGE | GROUPS BETWEEN start AND end`.
template <ast::frame_unit Unit, class Start, class End>
struct frame_clause {
  using kind = detail::frame_kind;
  using models = detail::type_list<>;
  static constexpr bool fixed_shape = Start::fixed_shape && End::fixed_shape;
  static constexpr bool contains_aggregate = false;
  static constexpr bool contains_bare_column = false;

  Start start;
  End end;

  void lower_into(ast::window& w, detail::lower_context& /*ctx*/) const {
    w.frame = ast::window_frame{Unit, start.get(), end.get()};
  }
  template <class Binder>
  void bind(Binder& b) const {
    // Offsets are SQL text (frames take no parameters): part of the statement's shape.
    detail::bind_shape(b, start.get().offset);
    detail::bind_shape(b, end.get().offset);
  }
};

namespace detail {
template <ast::frame_unit Unit, class S, class E>
constexpr auto make_frame(S start, E end) {
  static_assert(frame_bound_spec<S> && frame_bound_spec<E>,
                "tabula: a frame is between two bounds: unbounded_preceding, preceding(n), "
                "current_row, following(n) or unbounded_following.");
  static_assert(S::bound_kind != ast::frame_bound_kind::unbounded_following,
                "tabula: a frame cannot start at UNBOUNDED FOLLOWING. Start it at or before "
                "its end.");
  static_assert(E::bound_kind != ast::frame_bound_kind::unbounded_preceding,
                "tabula: a frame cannot end at UNBOUNDED PRECEDING. End it at or after its "
                "start.");
  return frame_clause<Unit, S, E>{start, end};
}
}  // namespace detail

/// `ROWS BETWEEN start AND end`: the frame counted in rows.
template <class S, class E>
constexpr auto rows_between(S start, E end) {
  return detail::make_frame<ast::frame_unit::rows>(start, end);
}
/// `RANGE BETWEEN start AND end`: the frame by the ORDER BY value (offsets need exactly one
/// ORDER BY term of a numeric type).
template <class S, class E>
constexpr auto range_between(S start, E end) {
  return detail::make_frame<ast::frame_unit::range>(start, end);
}
/// `GROUPS BETWEEN start AND end`: the frame counted in groups of ORDER BY peers.
template <class S, class E>
constexpr auto groups_between(S start, E end) {
  return detail::make_frame<ast::frame_unit::groups>(start, end);
}

namespace detail {
/// A PARTITION BY term: an expression, or a member (`&T::m`, its column).
template <class X>
constexpr auto as_partition_expr(X&& x) {
  if constexpr (std::is_member_object_pointer_v<std::remove_cvref_t<X>>) {
    return col(x);
  } else {
    static_assert(expression<X>, "tabula: partition_by() takes columns or expressions, or "
                                 "members such as &T::m.");
    return std::remove_cvref_t<X>(static_cast<X&&>(x));
  }
}
/// An ORDER BY term: an ordering (`asc`, `desc`), an expression or a member (ascending).
template <class T>
constexpr auto as_window_ordering(T&& t) {
  if constexpr (requires { t.descending; t.nulls; }) {
    return std::remove_cvref_t<T>(static_cast<T&&>(t));
  } else {
    static_assert(expression<T> || std::is_member_object_pointer_v<std::remove_cvref_t<T>>,
                  "tabula: order_by() takes asc(...), desc(...), columns, expressions or "
                  "members such as &T::m.");
    return asc(static_cast<T&&>(t));
  }
}
}  // namespace detail

/// `PARTITION BY ...` for `over(...)`: columns, expressions or members.
template <class... Xs>
constexpr auto partition_by(Xs&&... xs) {
  static_assert(sizeof...(Xs) > 0, "tabula: partition_by() needs at least one expression.");
  return partition_clause<decltype(detail::as_partition_expr(static_cast<Xs&&>(xs)))...>{
      {{detail::as_partition_expr(static_cast<Xs&&>(xs))}...}};
}
/// `ORDER BY ...` for `over(...)`: `asc(...)`, `desc(...)`, columns, expressions or members.
template <class... Ts>
constexpr auto order_by(Ts&&... ts) {
  static_assert(sizeof...(Ts) > 0, "tabula: order_by() needs at least one term.");
  return window_order_clause<decltype(detail::as_window_ordering(static_cast<Ts&&>(ts)))...>{
      {{detail::as_window_ordering(static_cast<Ts&&>(ts))}...}};
}

/// A window: what OVER (...) holds. Made by `window(clauses...)` to be reused by several
/// functions, or implicitly by `f.over(clauses...)`.
template <class Partition, class Order, class Frame>
struct window_spec {
  using models = detail::list_concat_t<typename Partition::models,
                                       detail::list_concat_t<typename Order::models,
                                                             typename Frame::models>>;
  static constexpr bool fixed_shape = detail::all_fixed<Partition, Order, Frame>;
  static constexpr bool contains_aggregate = detail::any_aggregate<Partition, Order, Frame>;
  static constexpr bool contains_bare_column = detail::any_bare_column<Partition, Order, Frame>;

  Partition partition;
  Order order;
  Frame frame;

  void lower_into(ast::window& w, detail::lower_context& ctx) const {
    partition.lower_into(w, ctx);
    order.lower_into(w, ctx);
    frame.lower_into(w, ctx);
  }
  template <class Binder>
  void bind(Binder& b) const {
    partition.bind(b);
    order.bind(b);
    frame.bind(b);
  }
};

namespace detail {
template <class C>
concept window_part = requires { typename std::remove_cvref_t<C>::kind; } &&
                      !std::is_void_v<typename std::remove_cvref_t<C>::kind>;

template <class Kind, class... Cs>
constexpr std::size_t window_part_count = (std::size_t{0} + ... +
                                    (std::is_same_v<typename std::remove_cvref_t<Cs>::kind, Kind>
                                         ? std::size_t{1}
                                         : std::size_t{0}));

/// The clause of kind `Kind` among `cs`, or `no_window_part`.
template <class Kind>
constexpr no_window_part pick_part() {
  return {};
}
template <class Kind, class C, class... Rest>
constexpr auto pick_part(const C& c, const Rest&... rest) {
  if constexpr (std::is_same_v<typename C::kind, Kind>) return c;
  else return pick_part<Kind>(rest...);
}

template <class... Cs>
constexpr auto make_window(const Cs&... cs) {
  static_assert((window_part<Cs> && ...),
                "tabula: a window takes tabula::partition_by(...), tabula::order_by(...) and a "
                "frame such as tabula::rows_between(...).");
  static_assert(window_part_count<partition_kind, Cs...> <= 1 && window_part_count<order_kind, Cs...> <= 1 &&
                    window_part_count<frame_kind, Cs...> <= 1,
                "tabula: a window takes each of partition_by, order_by and a frame at most once. "
                "List several terms inside one partition_by(...) or order_by(...).");
  using P = decltype(pick_part<partition_kind>(cs...));
  using O = decltype(pick_part<order_kind>(cs...));
  using F = decltype(pick_part<frame_kind>(cs...));
  return window_spec<P, O, F>{pick_part<partition_kind>(cs...), pick_part<order_kind>(cs...),
                              pick_part<frame_kind>(cs...)};
}

template <class T>
inline constexpr bool is_window_spec = false;
template <class P, class O, class F>
inline constexpr bool is_window_spec<window_spec<P, O, F>> = true;
}  // namespace detail

/// A window to reuse: `auto w = tabula::window(partition_by(...), order_by(...));` then
/// `rank().over(w)`, `sum(e).over(w)`.
template <class... Cs>
constexpr auto window(const Cs&... clauses) {
  return detail::make_window(clauses...);
}

/// `function OVER (window)`: a window function or an aggregate computed over a window. Its
/// columns count as bare columns (a window is computed after grouping) and it is not itself an
/// aggregate, so it may stand beside columns in a select list without GROUP BY.
template <class F, class Spec>
struct windowed : detail::expression_base<windowed<F, Spec>> {
  using value_type = typename F::value_type;
  using models = detail::list_concat_t<typename F::models, typename Spec::models>;
  static constexpr bool fixed_shape = F::fixed_shape && Spec::fixed_shape;
  static constexpr bool contains_aggregate = F::args_contain_aggregate || Spec::contains_aggregate;
  static constexpr bool contains_bare_column =
      F::args_contain_bare_column || Spec::contains_bare_column;

  F function;
  Spec spec;

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    ast::window w{function.lower(ctx), {}, {}, std::nullopt};
    spec.lower_into(w, ctx);
    return w;
  }
  template <class Binder>
  void bind(Binder& b) const {
    function.bind(b);
    spec.bind(b);
  }
};

namespace detail {
/// `f OVER (clauses...)`, or `f OVER (w)` for a window made with `window(...)`.
template <class F, class... Cs>
constexpr auto make_windowed(const F& f, const Cs&... cs) {
  if constexpr (sizeof...(Cs) == 1 && (is_window_spec<Cs> && ...)) {
    return windowed<F, Cs...>{{}, f, cs...};
  } else {
    auto spec = make_window(cs...);
    return windowed<F, decltype(spec)>{{}, f, TABULA_MOVE(spec)};
  }
}
}  // namespace detail

}  // namespace tabula
