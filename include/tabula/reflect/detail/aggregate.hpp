#pragma once
/// \file aggregate.hpp
/// Reflection of aggregates through Boost.PFR, plus what PFR 1.81 lacks: field names and the
/// index of the field a member pointer designates.
///
/// Both work on `object_storage<T>`, static storage for a `T` that is never constructed: only
/// addresses of its subobjects are formed and compared, nothing is read. A pointer to the I-th
/// field, given as a template argument, makes the compiler spell the field's name in
/// `__PRETTY_FUNCTION__`; the same addresses, compared with `&(object.*member)`, give the
/// index of a member pointer, in constant expressions and at run time alike.

#include <array>
#include <boost/pfr/detail/core.hpp>            // tie_as_tuple
#include <boost/pfr/detail/fields_count.hpp>    // fields_count, ubiq_*_constructor
#include <boost/pfr/detail/sequence_tuple.hpp>  // sequence_tuple::tuple_element
#include <climits>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tabula/reflect/detail/names.hpp"

namespace tabula::reflect::detail {

template <class T>
concept pfr_reflectable = std::is_class_v<T> && std::is_aggregate_v<T> && !std::is_union_v<T>;

/// Storage for a `T` that is never constructed (the union's constructor starts no member).
template <class T>
union object_storage {
  constexpr object_storage() noexcept : none_() {}
  ~object_storage() {}  // NOLINT: T's destructor must not run; value_ never lived
  object_storage(const object_storage&) = delete;
  object_storage& operator=(const object_storage&) = delete;

  char none_;
  T value_;
};

template <class T>
constinit object_storage<T> storage_of{};

// ---------------------------------------------------------------------------------------------
// How many members an aggregate has: the largest N for which `T{u1, ..., uN}` compiles, with
// `u` convertible to anything (PFR's own definition, with PFR's own `u`). PFR finds it by
// bisecting [0, sizeof(T) * CHAR_BIT], so its first probes are braced lists of hundreds of
// elements, each a template instantiation of that size: about a quarter of the cost of
// reflecting a model. Doubling from 1 and then bisecting the last step probes lists no longer
// than twice the answer. Bisection needs `T{u1, ..., uN}` to compile for every N up to the
// answer, which holds when `T{}` does; otherwise PFR's exhaustive search answers.

/// Whether `T{u0, ..., u(N-1)}` compiles (`u` binding lvalues when T is copyable, as in PFR).
template <class T>
struct initializer_probe {
  template <std::size_t... I>
  static constexpr bool takes(std::index_sequence<I...> /*elements*/) noexcept {
    if constexpr (std::is_copy_constructible_v<T>) {
      return requires { T{boost::pfr::detail::ubiq_lref_constructor{I}...}; };
    } else {
      return requires { T{boost::pfr::detail::ubiq_rref_constructor{I}...}; };
    }
  }
};
template <class T, std::size_t N>
inline constexpr bool takes_initializers =
    initializer_probe<T>::takes(std::make_index_sequence<N>{});

/// The answer lies in [Low, High): `Low` elements compile, `High` do not.
template <class T, std::size_t Low, std::size_t High>
consteval std::size_t bisect_member_count() noexcept {
  if constexpr (High - Low <= 1) {
    return Low;
  } else if constexpr (constexpr std::size_t middle = Low + (High - Low) / 2;
                       takes_initializers<T, middle>) {
    return bisect_member_count<T, middle, High>();
  } else {
    return bisect_member_count<T, Low, middle>();
  }
}
/// `N / 2` elements compile (none when N is 1); doubles N until N do not.
template <class T, std::size_t N>
consteval std::size_t grow_member_count() noexcept {
  if constexpr (N > sizeof(T) * CHAR_BIT) {
    // The probes passed a member per bit (one-bit bit-fields can come near): PFR answers, or
    // says why it cannot.
    return boost::pfr::detail::fields_count<T>();
  } else if constexpr (takes_initializers<T, N>) {
    return grow_member_count<T, N * 2>();
  } else {
    return bisect_member_count<T, N / 2, N>();
  }
}
template <class T>
consteval std::size_t count_members() noexcept {
  if constexpr (requires { T{}; }) {
    constexpr std::size_t n = grow_member_count<T, 1>();
    // PFR's diagnostics: a type with a base class, which it does not reflect, and a member the
    // probes cannot initialize.
    static_cast<void>(boost::pfr::detail::assert_first_not_base<T>(std::make_index_sequence<n>{}));
    static_assert(n != 0 || std::is_empty_v<T>,
                  "tabula: the first member of this aggregate refuses to be initialized from a "
                  "value convertible to any type, which is how Boost.PFR counts members (a "
                  "deleted constructor template of the member's type does that), so no member "
                  "of it can be reflected.");
    return n;
  } else {
    return boost::pfr::detail::fields_count<T>();
  }
}
template <class T>
inline constexpr std::size_t member_count = count_members<T>();

/// PFR's tuple of references to every member of `obj`, given the count (PFR's `tie_as_tuple(obj)`
/// would count them again, its own way).
template <class U>
constexpr auto tie_members(U& obj) noexcept {
  return boost::pfr::detail::tie_as_tuple(
      obj, boost::pfr::detail::size_t_<member_count<std::remove_cv_t<U>>>{});
}
/// The type of member K of `T`.
template <std::size_t K, class T>
using member_type = typename boost::pfr::detail::sequence_tuple::tuple_element<
    K, decltype(tie_members(std::declval<T&>()))>::type;

/// References to every field of the storage object, as PFR's own tuple of references.
template <class T>
constexpr auto storage_fields() noexcept {
  return tie_members(storage_of<T>.value_);
}

template <class T, std::size_t I>
consteval auto field_pointer_holder() noexcept {
  return pointer_holder{&boost::pfr::detail::sequence_tuple::get<I>(storage_fields<T>())};
}

template <class T, std::size_t I>
consteval auto make_aggregate_field_name() {
  constexpr std::string_view name =
      member_name_from(pretty_pointer<field_pointer_holder<T, I>()>());
  return copy_name<name.size()>(name);
}

template <class T, std::size_t I>
inline constexpr auto aggregate_field_name = make_aggregate_field_name<T, I>();

/// The address of every member of the storage object, in member order: the one table a
/// member pointer is looked up in, at run time as in constant expressions.
template <class T, std::size_t... I>
consteval std::array<const void*, sizeof...(I) + 1> make_member_addresses(
    std::index_sequence<I...> /*members*/) noexcept {
  [[maybe_unused]] const auto fields = storage_fields<T>();  // unused when T has no member
  return {static_cast<const void*>(&boost::pfr::detail::sequence_tuple::get<I>(fields))...,
          nullptr};
}
template <class T>
inline constexpr std::array<const void*, member_count<T> + 1> member_addresses =
    make_member_addresses<T>(std::make_index_sequence<member_count<T>>{});

/// The index of the member `member` designates; the member count when it is null.
template <class T, class M>
constexpr std::size_t aggregate_field_index(M T::*member) noexcept {
  constexpr std::size_t members = member_count<T>;
  if (member == nullptr) return members;
  const void* const target = &(storage_of<T>.value_.*member);
  for (std::size_t k = 0; k < members; ++k) {
    if (member_addresses<T>[k] == target) return k;
  }
  return members;
}

/// A member type that is no column: it declares `using tabula_not_a_column = void;`
/// (relationships do). Reflection leaves such members out of a model's fields and lists them
/// apart, as its non-column members.
template <class M>
concept not_a_column = requires {
  typename M::tabula_not_a_column;
};

/// Where the columns and the non-column members of an aggregate sit among its members.
template <class T, std::size_t N = member_count<T>>
struct aggregate_layout {
  struct positions {
    std::array<std::size_t, N + 1> columns{};    ///< member index of column I
    std::array<std::size_t, N + 1> others{};     ///< member index of non-column member J
    std::array<std::size_t, N + 1> column_of{};  ///< column index of member K (count: none)
    std::size_t count = 0;
    std::size_t other_count = 0;
    bool others_trail = true;  ///< every non-column member comes after every column
  };
  static constexpr positions make() {
    positions p{};
    const std::array<bool, N + 1> skipped = []<std::size_t... K>(std::index_sequence<K...>) {
      return std::array<bool, N + 1>{not_a_column<member_type<K, T>>..., false};
    }(std::make_index_sequence<N>{});
    for (std::size_t k = 0; k < N; ++k) {
      if (skipped[k]) {
        p.others[p.other_count++] = k;
      } else {
        if (p.other_count > 0) p.others_trail = false;
        p.columns[p.count++] = k;
      }
    }
    for (std::size_t k = 0; k < N; ++k) p.column_of[k] = N;
    for (std::size_t i = 0; i < p.count; ++i) p.column_of[p.columns[i]] = i;
    for (std::size_t k = 0; k < N; ++k) {
      if (skipped[k]) p.column_of[k] = p.count;
    }
    return p;
  }
  static constexpr positions value = make();
};

/// The reflection engine for aggregates. Its fields are the members that are columns;
/// members of a `not_a_column` type are reached apart (`other_*`).
template <class T>
struct aggregate_engine {
  static constexpr std::size_t members = member_count<T>;
  static constexpr auto layout = aggregate_layout<T>::value;
  static constexpr std::size_t count = layout.count;
  static constexpr std::size_t other_count = layout.other_count;
  /// `T{v0, v1, ...}` with one value per column sets the columns (non-column members last).
  static constexpr bool columns_first = layout.others_trail;

  template <std::size_t I>
  using type = member_type<layout.columns[I], T>;
  template <std::size_t J>
  using other_type = member_type<layout.others[J], T>;

  // Through PFR's tuple of references to every member: `boost::pfr::get` would add a function
  // of its own per field, and `for_each` ties the object once for all of its fields.
  template <std::size_t I, class U>
  static constexpr decltype(auto) get(U& obj) noexcept {
    return boost::pfr::detail::sequence_tuple::get<layout.columns[I]>(
        tie_members(obj));
  }
  template <std::size_t J, class U>
  static constexpr decltype(auto) get_other(U& obj) noexcept {
    return boost::pfr::detail::sequence_tuple::get<layout.others[J]>(
        tie_members(obj));
  }
  /// `f(column I, std::integral_constant<std::size_t, I>{})` for each column, in order.
  template <class U, class F, std::size_t... I>
  static constexpr void for_each(U& obj, F& f, std::index_sequence<I...> /*columns*/) {
    // Unused when `T` has no column.
    [[maybe_unused]] const auto fields = tie_members(obj);
    (f(boost::pfr::detail::sequence_tuple::get<layout.columns[I]>(fields),
       std::integral_constant<std::size_t, I>{}),
     ...);
  }

  /// `f(column index)`; nothing when `index` is no column's.
  template <class U, class F, std::size_t... I>
  static constexpr void visit(U& obj, std::size_t index, F& f, std::index_sequence<I...> /*all*/) {
    [[maybe_unused]] const auto fields = tie_members(obj);
    static_cast<void>(((index == I &&
                        (static_cast<void>(f(boost::pfr::detail::sequence_tuple::get<
                                             layout.columns[I]>(fields))),
                         true)) ||
                       ...));
  }

  /// `f(column index of a, column index of b)`; nothing when `index` is no column's.
  template <class U, class V, class F, std::size_t... I>
  static constexpr void visit_pair(U& a, V& b, std::size_t index, F& f,
                                   std::index_sequence<I...> /*all*/) {
    [[maybe_unused]] const auto fa = tie_members(a);
    [[maybe_unused]] const auto fb = tie_members(b);
    using boost::pfr::detail::sequence_tuple::get;
    static_cast<void>(((index == I && (static_cast<void>(f(get<layout.columns[I]>(fa),
                                                           get<layout.columns[I]>(fb))),
                                       true)) ||
                       ...));
  }

  template <std::size_t I>
  static constexpr std::string_view name() noexcept {
    return aggregate_field_name<T, layout.columns[I]>.view();
  }
  template <std::size_t J>
  static constexpr std::string_view other_name() noexcept {
    return aggregate_field_name<T, layout.others[J]>.view();
  }

  /// `count` when `member` designates no column.
  template <class M>
  static constexpr std::size_t index(M T::*member) noexcept {
    const std::size_t k = aggregate_field_index(member);
    return k < members ? layout.column_of[k] : count;
  }
  /// The index among the non-column members of the one `member` designates; `other_count`
  /// when it designates none.
  template <class M>
  static constexpr std::size_t other_index(M T::*member) noexcept {
    const std::size_t k = aggregate_field_index(member);
    for (std::size_t j = 0; j < other_count; ++j) {
      if (layout.others[j] == k) return j;
    }
    return other_count;
  }
};

}  // namespace tabula::reflect::detail
