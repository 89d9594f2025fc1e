#pragma once
/// \file reflect.hpp
/// Compile-time reflection of models: the number, types and names of their fields, access to a
/// field by index, the index of the field a member pointer designates, and type names.
///
/// Two kinds of class are reflectable:
/// - aggregates (plain structs: no constructors, no private members, no base classes), through
///   Boost.PFR, with field names read from the compiler;
/// - classes adapted with Boost.Hana (`BOOST_HANA_DEFINE_STRUCT` or `BOOST_HANA_ADAPT_STRUCT`),
///   which may have constructors and private members. When both apply, Hana's adaptation is used.
///
/// ```cpp
/// struct Model { std::int64_t id; std::string name; };
/// static_assert(tabula::reflect::field_count<Model> == 2);
/// static_assert(tabula::reflect::field_name<Model, 1>() == "name");
/// tabula::reflect::field_index(&Model::name);  // 1
/// ```

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tabula/error.hpp"
#include "tabula/reflect/detail/aggregate.hpp"
#include "tabula/reflect/detail/hana.hpp"
#include "tabula/reflect/detail/names.hpp"

namespace tabula::reflect {

/// A class whose fields tabula can reflect: an aggregate Boost.PFR handles, or a class adapted
/// with `BOOST_HANA_DEFINE_STRUCT` / `BOOST_HANA_ADAPT_STRUCT`.
template <class T>
concept reflectable =
    detail::hana_reflectable<std::remove_cv_t<T>> || detail::pfr_reflectable<std::remove_cv_t<T>>;

namespace detail {

/// Stands in for the engine of a type that is not reflectable, so that the one static_assert
/// below is the only error a user sees.
template <class T>
struct no_engine {
  static constexpr std::size_t count = 0;
  template <std::size_t I>
  using type = void;
  template <class M>
  static constexpr std::size_t index(M T::*) noexcept {
    return 0;
  }
  template <class U, class F, class Columns>
  static constexpr void for_each(U& /*obj*/, F& /*f*/, Columns /*columns*/) noexcept {}
  template <class U, class F, class Columns>
  static constexpr void visit(U& /*obj*/, std::size_t /*index*/, F& /*f*/,
                              Columns /*columns*/) noexcept {}
  template <class U, class V, class F, class Columns>
  static constexpr void visit_pair(U& /*a*/, V& /*b*/, std::size_t /*index*/, F& /*f*/,
                                   Columns /*columns*/) noexcept {}
};

template <class T>
struct engine_of {
  static_assert(reflectable<T>,
                "tabula: this type cannot be reflected. A model must be an aggregate struct (no "
                "constructors, no private members, no base classes) or a class adapted with "
                "BOOST_HANA_DEFINE_STRUCT or BOOST_HANA_ADAPT_STRUCT (see docs/models.md).");
  using type =
      std::conditional_t<hana_reflectable<T>, hana_engine<T>,
                         std::conditional_t<pfr_reflectable<T>, aggregate_engine<T>, no_engine<T>>>;
};

template <class T>
using engine = typename engine_of<std::remove_cv_t<T>>::type;

/// The type of a data member (a member pointer `M T::*` with this `M` is no member function).
template <class M>
concept data_member_type = !std::is_function_v<M>;

template <class P>
concept member_object_pointer = std::is_member_object_pointer_v<P>;

[[noreturn]] inline void throw_not_a_field(std::string_view model) {
  tabula::detail::throw_error<programming_error>(
      "tabula: the member pointer is not a reflected field of `" + std::string(model) +
      "`. Pass a pointer to a data member declared in the model itself.");
}

}  // namespace detail

/// The number of fields of `T`.
template <class T>
inline constexpr std::size_t field_count = detail::engine<T>::count;

/// The declared type of field `I` of `T`, without cv-qualifiers.
template <class T, std::size_t I>
using field_type = std::remove_cv_t<typename detail::engine<T>::template type<I>>;

/// True when `T{v0, v1, ...}`, one value per reflected field in order, initializes every
/// field: an aggregate reflected by Boost.PFR (its fields are its members, in declaration
/// order; a Hana-adapted class may list them in another order, or have constructors).
template <class T>
inline constexpr bool brace_constructible = [] {
  if constexpr (std::is_same_v<detail::engine<T>, detail::aggregate_engine<std::remove_cv_t<T>>>) {
    return detail::engine<T>::columns_first;
  } else {
    return false;
  }
}();

/// The name of field `I` of `T`, as written in the class.
template <class T, std::size_t I>
consteval std::string_view field_name() {
  static_assert(I < field_count<T>,
                "tabula: field index out of range. Use an index below field_count<T>.");
  return detail::engine<T>::template name<I>();
}

namespace detail {
template <class T, std::size_t... I>
constexpr std::array<std::string_view, sizeof...(I)> make_field_names(std::index_sequence<I...>) {
  return {field_name<T, I>()...};
}
}  // namespace detail

/// The names of all fields of `T`, in declaration order.
template <class T>
inline constexpr std::array<std::string_view, field_count<T>> field_names =
    detail::make_field_names<T>(std::make_index_sequence<field_count<T>>{});

/// Field `I` of `obj`, as a reference (const when `obj` is const).
template <std::size_t I, class T>
constexpr decltype(auto) get(T& obj) noexcept {
  static_assert(I < field_count<T>,
                "tabula: field index out of range. Use an index below field_count<T>.");
  return detail::engine<T>::template get<I>(obj);
}

/// Calls `f(field, std::integral_constant<std::size_t, I>{})` for every field of `obj`, in order.
template <class T, class F>
constexpr void for_each_field(T& obj, F&& f) {
  detail::engine<T>::for_each(obj, f, std::make_index_sequence<field_count<T>>{});
}

/// Calls `f(field)` with field `index` of `obj` (nothing when `index` is not below
/// `field_count<T>`). One function per call, and `f` once per field type, where
/// `for_each_field` compiles a call of `f` per field.
template <class T, class F>
constexpr void visit_field(T& obj, std::size_t index, F&& f) {
  detail::engine<T>::visit(obj, index, f, std::make_index_sequence<field_count<T>>{});
}

/// Calls `f(field of a, same field of b)` with field `index` of two objects of one model (`b`
/// may be const): as `visit_field`, one function per call.
template <class T, class U, class F>
  requires std::is_same_v<std::remove_const_t<T>, std::remove_const_t<U>>
constexpr void visit_field_pair(T& a, U& b, std::size_t index, F&& f) {
  detail::engine<T>::visit_pair(a, b, index, f, std::make_index_sequence<field_count<T>>{});
}

namespace detail {
template <class E>
consteval std::size_t other_count_of() {
  if constexpr (requires { E::other_count; }) {
    return E::other_count;
  } else {
    return 0;
  }
}
}  // namespace detail

/// The number of members of `T` that are not columns (their type declares
/// `using tabula_not_a_column = void;`, as relationships do). Only aggregates have them.
template <class T>
inline constexpr std::size_t non_column_count = detail::other_count_of<detail::engine<T>>();

/// The declared type of non-column member `J` of `T`.
template <class T, std::size_t J>
using non_column_type = std::remove_cv_t<typename detail::engine<T>::template other_type<J>>;

/// The name of non-column member `J` of `T`.
template <class T, std::size_t J>
consteval std::string_view non_column_name() {
  return detail::engine<T>::template other_name<J>();
}

/// Non-column member `J` of `obj`.
template <std::size_t J, class T>
constexpr decltype(auto) get_non_column(T& obj) noexcept {
  return detail::engine<T>::template get_other<J>(obj);
}

/// Calls `f(member, std::integral_constant<std::size_t, J>{})` for every non-column member.
template <class T, class F>
constexpr void for_each_non_column(T& obj, F&& f) {
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    (f(get_non_column<J>(obj), std::integral_constant<std::size_t, J>{}), ...);
  }(std::make_index_sequence<non_column_count<T>>{});
}

/// The index among the non-column members of `T` of the one `member` designates, or
/// `non_column_count<T>` when it designates none.
template <class T, detail::data_member_type M>
constexpr std::size_t non_column_index(M T::*member) {
  if constexpr (non_column_count<T> == 0) {
    return 0;
  } else {
    return detail::engine<T>::other_index(member);
  }
}

/// The name of `T` without namespaces or enclosing classes: "Model" for `ns::Model`,
/// "Pair<Model, 2>" for `ns::Pair<ns::Model, 2>`. The same on GCC and Clang.
template <class T>
consteval std::string_view type_name() {
  return detail::short_type_name<std::remove_cv_t<T>>.view();
}

/// The index of the field `member` designates. Throws `programming_error` when it designates
/// none (a null pointer, or a member the reflection does not see). Usable in constant
/// expressions, where the throw becomes a compile error.
template <class T, detail::data_member_type M>
constexpr std::size_t field_index(M T::*member) {
  using engine_type = detail::engine<T>;
  const std::size_t index = engine_type::index(member);
  if (index >= field_count<T>) detail::throw_not_a_field(type_name<T>());
  return index;
}

/// The index of the field `Member` designates, as a constant: `field_index_of<&Model::name>`.
template <detail::member_object_pointer auto Member>
inline constexpr std::size_t field_index_of = field_index(Member);

/// `name` in snake_case: "MLModel" -> "ml_model", "HTTPServerLog" -> "http_server_log",
/// "Pair<Model, 2>" -> "pair_model_2". Characters other than letters and digits separate words.
std::string to_snake_case(std::string_view name);

}  // namespace tabula::reflect
