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

/// The reflection engine for aggregates.
template <class T>
struct aggregate_engine {
  static constexpr std::size_t count = boost::pfr::tuple_size_v<T>;

  template <std::size_t I>
  using type = boost::pfr::tuple_element_t<I, T>;

  template <std::size_t I, class U>
  static constexpr decltype(auto) get(U& obj) noexcept {
    return boost::pfr::get<I>(obj);
  }

  template <std::size_t I>
  static constexpr std::string_view name() noexcept {
    return aggregate_field_name<T, I>.view();
  }

  /// `count` when `member` designates no field.
  template <class M>
  static constexpr std::size_t index(M T::*member) noexcept {
    return aggregate_field_index(member, std::make_index_sequence<count>{});
  }
};

}  // namespace tabula::reflect::detail
