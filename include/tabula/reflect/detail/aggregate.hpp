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
#include <boost/pfr/core.hpp>
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

/// References to every field of the storage object, as PFR's own tuple of references.
template <class T>
constexpr auto storage_fields() noexcept {
  return boost::pfr::detail::tie_as_tuple(storage_of<T>.value_);
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

template <class T, class M, std::size_t... I>
constexpr std::size_t aggregate_field_index(M T::*member, std::index_sequence<I...>) noexcept {
  if (member == nullptr) return sizeof...(I);
  const auto fields = storage_fields<T>();
  const void* const target = &(storage_of<T>.value_.*member);
  std::size_t index = sizeof...(I);
  static_cast<void>(
      ((static_cast<const void*>(&boost::pfr::detail::sequence_tuple::get<I>(fields)) == target
            ? (index = I, true)
            : false) ||
       ...));
  return index;
}

/// A member type that is no column: it declares `using tabula_not_a_column = void;`
/// (relationships do). Reflection leaves such members out of a model's fields and lists them
/// apart, as its non-column members.
template <class M>
concept not_a_column = requires {
  typename M::tabula_not_a_column;
};

/// Where the columns and the non-column members of an aggregate sit among its members.
template <class T, std::size_t N = boost::pfr::tuple_size_v<T>>
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
      return std::array<bool, N + 1>{not_a_column<boost::pfr::tuple_element_t<K, T>>..., false};
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
  static constexpr std::size_t members = boost::pfr::tuple_size_v<T>;
  static constexpr auto layout = aggregate_layout<T>::value;
  static constexpr std::size_t count = layout.count;
  static constexpr std::size_t other_count = layout.other_count;
  /// `T{v0, v1, ...}` with one value per column sets the columns (non-column members last).
  static constexpr bool columns_first = layout.others_trail;

  template <std::size_t I>
  using type = boost::pfr::tuple_element_t<layout.columns[I], T>;
  template <std::size_t J>
  using other_type = boost::pfr::tuple_element_t<layout.others[J], T>;

  // Through PFR's tuple of references to every member: `boost::pfr::get` would add a function
  // of its own per field, and `for_each` ties the object once for all of its fields.
  template <std::size_t I, class U>
  static constexpr decltype(auto) get(U& obj) noexcept {
    return boost::pfr::detail::sequence_tuple::get<layout.columns[I]>(
        boost::pfr::detail::tie_as_tuple(obj));
  }
  template <std::size_t J, class U>
  static constexpr decltype(auto) get_other(U& obj) noexcept {
    return boost::pfr::detail::sequence_tuple::get<layout.others[J]>(
        boost::pfr::detail::tie_as_tuple(obj));
  }
  /// `f(column I, std::integral_constant<std::size_t, I>{})` for each column, in order.
  template <class U, class F, std::size_t... I>
  static constexpr void for_each(U& obj, F& f, std::index_sequence<I...> /*columns*/) {
    // Unused when `T` has no column.
    [[maybe_unused]] const auto fields = boost::pfr::detail::tie_as_tuple(obj);
    (f(boost::pfr::detail::sequence_tuple::get<layout.columns[I]>(fields),
       std::integral_constant<std::size_t, I>{}),
     ...);
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
    const std::size_t k = aggregate_field_index(member, std::make_index_sequence<members>{});
    return k < members ? layout.column_of[k] : count;
  }
  /// The index among the non-column members of the one `member` designates; `other_count`
  /// when it designates none.
  template <class M>
  static constexpr std::size_t other_index(M T::*member) noexcept {
    const std::size_t k = aggregate_field_index(member, std::make_index_sequence<members>{});
    for (std::size_t j = 0; j < other_count; ++j) {
      if (layout.others[j] == k) return j;
    }
    return other_count;
  }
};

}  // namespace tabula::reflect::detail
