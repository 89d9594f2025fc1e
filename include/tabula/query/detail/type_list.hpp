#pragma once
/// \file type_list.hpp
/// Compile-time lists of types: the models an expression or statement reads
/// (`E::models`), and the few operations the query layer needs on them.

#include <cstddef>
#include <type_traits>

namespace tabula::detail {

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

template <class List, class T>
struct list_push_unique;
template <class... Ts, class T>
struct list_push_unique<type_list<Ts...>, T> {
  using type = std::conditional_t<(std::is_same_v<T, Ts> || ...), type_list<Ts...>,
                                  type_list<Ts..., T>>;
};

/// `List` without repeated elements, first occurrences kept in order.
template <class List, class Out = type_list<>>
struct list_unique;
template <class Out>
struct list_unique<type_list<>, Out> {
  using type = Out;
};
template <class T, class... Ts, class Out>
struct list_unique<type_list<T, Ts...>, Out>
    : list_unique<type_list<Ts...>, typename list_push_unique<Out, T>::type> {};
template <class List>
using list_unique_t = typename list_unique<List>::type;

/// The concatenation of any number of type lists.
template <class... Lists>
struct list_concat_many {
  using type = type_list<>;
};
template <class L>
struct list_concat_many<L> {
  using type = L;
};
template <class A, class B, class... Rest>
struct list_concat_many<A, B, Rest...>
    : list_concat_many<list_concat_t<A, B>, Rest...> {};
template <class... Lists>
using list_concat_many_t = typename list_concat_many<Lists...>::type;

/// The elements of `A` that are not in `B`, without repetitions.
template <class A, class B>
struct list_minus;
template <class... As, class B>
struct list_minus<type_list<As...>, B> {
  using type = list_unique_t<list_concat_many_t<
      type_list<>,
      std::conditional_t<list_contains<As, B>::value, type_list<>, type_list<As>>...>>;
};
template <class A, class B>
using list_minus_t = typename list_minus<A, B>::type;

/// Whether `A` and `B` share an element.
template <class A, class B>
struct list_intersects;
template <class... As, class B>
struct list_intersects<type_list<As...>, B>
    : std::bool_constant<(list_contains<As, B>::value || ...)> {};

template <class List>
struct list_front {
  using type = void;
};
template <class T, class... Ts>
struct list_front<type_list<T, Ts...>> {
  using type = T;
};

/// The number of types in a list.
template <class List>
struct list_size;
template <class... Ts>
struct list_size<type_list<Ts...>> : std::integral_constant<std::size_t, sizeof...(Ts)> {};

}  // namespace tabula::detail
