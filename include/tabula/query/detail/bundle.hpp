#pragma once
/// \file bundle.hpp
/// `bundle<Ts...>`: a fixed list of values of different types, the query layer's container for
/// the parts of a statement (a select's clauses, its select list, GROUP BY and ORDER BY terms,
/// joins, a function's arguments). Not a std::tuple: statements are rebuilt by every builder
/// call, and std::tuple's constrained constructors and layered accessors cost the compiler,
/// per element type, more than the whole of this. A bundle is an aggregate with one base per
/// element, found by position: it is built with braces (`bundle<A, B>{{a}, {b}}`), copies and
/// moves as its elements do, and has no functions of its own.

#include <cstddef>
#include <utility>

#include "tabula/detail/move.hpp"

namespace tabula::detail {

/// Element `I` of a bundle, of type `T`.
template <std::size_t I, class T>
struct bundle_slot {
  T value;
};

template <class Seq, class... Ts>
struct bundle_impl;
template <std::size_t... I, class... Ts>
struct bundle_impl<std::index_sequence<I...>, Ts...> : bundle_slot<I, Ts>... {
  static constexpr std::size_t size = sizeof...(Ts);
};
template <class... Ts>
using bundle = bundle_impl<std::index_sequence_for<Ts...>, Ts...>;

/// Element `I` of a bundle.
template <std::size_t I, class T>
constexpr const T& bundle_get(const bundle_slot<I, T>& slot) noexcept {
  return slot.value;
}
template <std::size_t I, class T>
T bundle_element_type(const bundle_slot<I, T>&);  // declared only: the type of element I
template <std::size_t I, class Pack>
using bundle_element_t = decltype(bundle_element_type<I>(std::declval<const Pack&>()));

/// Calls `f` on each element in order.
template <class F, std::size_t... I, class... Ts>
constexpr void bundle_each(const bundle_impl<std::index_sequence<I...>, Ts...>& p, F&& f) {
  (f(static_cast<const bundle_slot<I, Ts>&>(p).value), ...);
}

/// Calls `e.bind(b)` on each element `e` in order. (What `bundle_each` with a lambda does,
/// in one function: a generic lambda would add a function per element type.)
template <class B, std::size_t... I, class... Ts>
constexpr void bundle_bind(const bundle_impl<std::index_sequence<I...>, Ts...>& p, B& b) {
  (static_cast<const bundle_slot<I, Ts>&>(p).value.bind(b), ...);
}

/// Appends `e.lower(ctx)` of each element `e` to `out`, in order.
template <class Out, class Ctx, std::size_t... I, class... Ts>
void bundle_lower(const bundle_impl<std::index_sequence<I...>, Ts...>& p, Out& out, Ctx& ctx) {
  (out.push_back(static_cast<const bundle_slot<I, Ts>&>(p).value.lower(ctx)), ...);
}

/// `p` with `more` appended.
template <class... More, std::size_t... I, class... Ts>
constexpr bundle<Ts..., More...> bundle_append(const bundle_impl<std::index_sequence<I...>, Ts...>& p, More... more) {
  return {{static_cast<const bundle_slot<I, Ts>&>(p).value}..., {TABULA_MOVE(more)}...};
}

template <class T>
inline constexpr bool is_bundle_v = false;
template <class Seq, class... Ts>
inline constexpr bool is_bundle_v<bundle_impl<Seq, Ts...>> = true;

}  // namespace tabula::detail
