#pragma once
/// \file names.hpp
/// Compile-time names read from `__PRETTY_FUNCTION__`, which GCC and Clang spell differently:
///
///   GCC 12:   `const char* f() [with T = ns::Model]`
///             `const char* f() [with auto P = holder<const long int*>{(& x.ns::Model::id)}]`
///   Clang 14: `const char *f() [T = ns::Model]`
///             `const char *f() [P = {&x.value.id}]`
///
/// The functions return `const char*` so that GCC appends no `[with ...; alias = ...]` part.
/// Names are copied into arrays of their own size, so a program keeps the short name and not
/// the whole function signature.

#include <array>
#include <cstddef>
#include <string_view>

namespace tabula::reflect::detail {

/// A name copied out of a longer compile-time string: `N` characters and a terminating NUL.
template <std::size_t N>
struct fixed_name {
  std::array<char, N + 1> chars{};
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {chars.data(), N}; }
};

template <std::size_t N>
consteval fixed_name<N> copy_name(std::string_view text) {
  fixed_name<N> out;
  for (std::size_t i = 0; i < N; ++i) out.chars[i] = text[i];
  return out;
}

constexpr bool is_identifier_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// The member name at the end of a pretty-printed subobject pointer: the identifier just before
/// the closing `}` of the template argument (GCC wraps the address in parentheses as well).
consteval std::string_view member_name_from(std::string_view pretty) {
  std::size_t end = pretty.rfind('}');
  if (end == std::string_view::npos) return {};
  if (end > 0 && pretty[end - 1] == ')') --end;
  std::size_t begin = end;
  while (begin > 0 && is_identifier_char(pretty[begin - 1])) --begin;
  return pretty.substr(begin, end - begin);
}

/// The type argument in a pretty-printed `f<T>()`: what follows `T = ` up to the closing `]`.
consteval std::string_view type_argument_from(std::string_view pretty) {
  constexpr std::string_view marker = "T = ";
  const std::size_t begin = pretty.find(marker);
  const std::size_t end = pretty.rfind(']');
  if (begin == std::string_view::npos || end == std::string_view::npos) return {};
  return pretty.substr(begin + marker.size(), end - begin - marker.size());
}

/// Writes `name` without namespace and enclosing-class qualifiers, here and inside template
/// arguments (`a::Tm<a::B, 3>` -> `Tm<B, 3>`), with GCC's `> >` written `>>` as Clang does.
/// Returns the length. Writes into `out` (of `capacity` characters) unless it is null: a first
/// pass measures. A qualifier is written before it is recognized and then overwritten, so
/// writes past `capacity` are skipped; they never belong to the result.
constexpr std::size_t unqualify(std::string_view name, char* out, std::size_t capacity = 0) {
  std::size_t starts[64] = {0};  // start of the current name, per template nesting depth
  std::size_t depth = 0;
  std::size_t n = 0;  // characters written
  int parens = 0;     // inside `(...)` or `{...}`: `main()::Local`, `{anonymous}::X`
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '(' || c == '{') ++parens;
    if (c == ')' || c == '}') --parens;
    if (parens == 0 && c == ':' && i + 1 < name.size() && name[i + 1] == ':') {
      n = starts[depth];  // drop the qualifier written so far
      ++i;
      continue;
    }
    if (parens == 0 && c == ' ' && n > 0 && i + 1 < name.size() && name[i + 1] == '>' &&
        name[i - 1] == '>') {
      continue;
    }
    if (out != nullptr && n < capacity) out[n] = c;
    ++n;
    if (parens != 0) continue;
    if (c == '<' && depth + 1 < 64) {
      starts[++depth] = n;
    } else if (c == '>' && depth > 0) {
      --depth;
    } else if (c == ',' || c == ' ') {
      starts[depth] = n;
    }
  }
  return n;
}

template <class T>
consteval const char* pretty_type() {
  return __PRETTY_FUNCTION__;
}

template <class T>
inline constexpr std::string_view qualified_type_name = type_argument_from(pretty_type<T>());

template <class T>
consteval auto make_short_type_name() {
  constexpr std::string_view full = qualified_type_name<T>;
  constexpr std::size_t size = unqualify(full, nullptr);
  fixed_name<size> out;
  unqualify(full, out.chars.data(), size);
  return out;
}

template <class T>
inline constexpr auto short_type_name = make_short_type_name<T>();

/// A pointer wrapped in a class: Clang 14 accepts a pointer to a subobject as a template
/// argument only inside a class-type argument.
template <class P>
struct pointer_holder {
  P pointer;
};
template <class P>
pointer_holder(P) -> pointer_holder<P>;

template <auto Holder>
consteval const char* pretty_pointer() {
  return __PRETTY_FUNCTION__;
}

}  // namespace tabula::reflect::detail
