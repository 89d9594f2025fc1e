#pragma once
/// \file hana.hpp
/// Reflection of classes adapted with Boost.Hana (`BOOST_HANA_DEFINE_STRUCT` inside the class,
/// `BOOST_HANA_ADAPT_STRUCT` outside it). Such a class need not be an aggregate and may keep
/// its members private.
///
/// Only `accessors_impl` is needed from Hana: the type of `accessors_impl<T>::apply()` is a
/// `hana::tuple` of `hana::pair<hana::string<c...>, member_ptr<M T::*, &T::m>>`, and those
/// templates are matched here by shape, so the rest of Hana stays out of this header (the user's
/// own include of `boost/hana/define_struct.hpp` or `adapt_struct.hpp` brings them).

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#if __has_include(<boost/hana/accessors.hpp>)
#include <boost/hana/accessors.hpp>
#define TABULA_REFLECT_HAS_HANA 1
#else
#define TABULA_REFLECT_HAS_HANA 0
#endif

#include "tabula/reflect/detail/names.hpp"

namespace tabula::reflect::detail {

template <std::size_t I, class X>
struct indexed_type {
  using type = X;
};
template <class Indexes, class... Xs>
struct indexed_types;
template <std::size_t... I, class... Xs>
struct indexed_types<std::index_sequence<I...>, Xs...> : indexed_type<I, Xs>... {};
template <std::size_t I, class X>
indexed_type<I, X> select_indexed(const indexed_type<I, X>&);

/// The elements of a type list such as `hana::tuple<Xs...>`.
template <class List>
struct type_list_of;
template <template <class...> class List, class... Xs>
struct type_list_of<List<Xs...>> {
  static constexpr std::size_t size = sizeof...(Xs);
  template <std::size_t I>
  using at = typename decltype(select_indexed<I>(
      indexed_types<std::index_sequence_for<Xs...>, Xs...>{}))::type;
};

template <class Pair>
struct pair_parts;
template <template <class, class> class Pair, class Key, class Value>
struct pair_parts<Pair<Key, Value>> {
  using key = Key;
  using value = Value;
};

/// The member pointer inside Hana's `member_ptr<M T::*, &T::m>` accessor.
template <class Accessor>
struct accessor_member {
  static constexpr bool is_member = false;
};
template <template <class P, P> class Accessor, class P, P Pointer>
struct accessor_member<Accessor<P, Pointer>> {
  static constexpr bool is_member = std::is_member_object_pointer_v<P>;
  static constexpr P pointer = Pointer;
};

/// The characters of Hana's `string<c...>` key.
template <class Key>
struct key_chars;
template <template <char...> class String, char... C>
struct key_chars<String<C...>> {
  static constexpr fixed_name<sizeof...(C)> name{{C..., '\0'}};
};

#if TABULA_REFLECT_HAS_HANA

template <class T>
using hana_accessors = decltype(boost::hana::accessors_impl<T>::apply());

template <class T>
concept hana_adapted = std::is_class_v<T> && requires {
  boost::hana::accessors_impl<T>::apply();
};

template <class T, std::size_t... I>
consteval bool all_accessors_are_members(std::index_sequence<I...>) {
  using list = type_list_of<hana_accessors<T>>;
  return (accessor_member<typename pair_parts<typename list::template at<I>>::value>::is_member &&
          ...);
}

/// Adapted with Hana through accessors that are member pointers (what `DEFINE_STRUCT` and
/// `ADAPT_STRUCT` generate; `ADAPT_ADT`'s getter functions are not fields).
template <class T>
concept hana_reflectable = hana_adapted<T> &&
    all_accessors_are_members<T>(std::make_index_sequence<type_list_of<hana_accessors<T>>::size>{});

#else

template <class T>
concept hana_reflectable = false;

#endif

/// The reflection engine for Hana-adapted classes.
template <class T>
struct hana_engine {
  using list = type_list_of<hana_accessors<T>>;
  template <std::size_t I>
  using pair = pair_parts<typename list::template at<I>>;
  template <std::size_t I>
  using accessor = accessor_member<typename pair<I>::value>;

  static constexpr std::size_t count = list::size;

  template <std::size_t I>
  using type = std::remove_cvref_t<decltype(std::declval<T&>().*accessor<I>::pointer)>;

  template <std::size_t I, class U>
  static constexpr decltype(auto) get(U& obj) noexcept {
    return (obj.*accessor<I>::pointer);
  }
  /// `f(field I, std::integral_constant<std::size_t, I>{})` for each field, in order.
  template <class U, class F, std::size_t... I>
  static constexpr void for_each(U& obj, F& f, std::index_sequence<I...> /*fields*/) {
    (f(obj.*accessor<I>::pointer, std::integral_constant<std::size_t, I>{}), ...);
  }
  /// `f(field index)`; nothing when `index` is no field's.
  template <class U, class F, std::size_t... I>
  static constexpr void visit(U& obj, std::size_t index, F& f, std::index_sequence<I...> /*all*/) {
    static_cast<void>(
        ((index == I && (static_cast<void>(f(obj.*accessor<I>::pointer)), true)) || ...));
  }
  /// `f(field index of a, field index of b)`; nothing when `index` is no field's.
  template <class U, class V, class F, std::size_t... I>
  static constexpr void visit_pair(U& a, V& b, std::size_t index, F& f,
                                   std::index_sequence<I...> /*all*/) {
    static_cast<void>(((index == I && (static_cast<void>(f(a.*accessor<I>::pointer,
                                                           b.*accessor<I>::pointer)),
                                       true)) ||
                       ...));
  }

  template <std::size_t I>
  static constexpr std::string_view name() noexcept {
    return key_chars<typename pair<I>::key>::name.view();
  }

  /// `count` when `member` designates no field.
  template <class M>
  static constexpr std::size_t index(M T::*member) noexcept {
    return index_of(member, std::make_index_sequence<count>{});
  }

 private:
  template <class M, std::size_t... I>
  static constexpr std::size_t index_of(M T::*member, std::index_sequence<I...>) noexcept {
    std::size_t index = count;
    static_cast<void>(
        ((same_member(accessor<I>::pointer, member) ? (index = I, true) : false) || ...));
    return index;
  }
  template <class P, class M>
  static constexpr bool same_member(P pointer_i, M T::*member) noexcept {
    if constexpr (std::is_same_v<P, M T::*>) {
      return member != nullptr && pointer_i == member;
    } else {
      return false;
    }
  }
};

}  // namespace tabula::reflect::detail
