#pragma once
/// \file move.hpp
/// `TABULA_MOVE(x)`: `std::move(x)` as a cast. The headers use it, and `static_cast<T&&>(x)`
/// for `std::forward<T>(x)`, because g++ 12 at -O0 instantiates, compiles and emits a function
/// for every type `std::move` and `std::forward` are called on: in a file of typed queries,
/// where every statement is a type of its own, hundreds of them, each with the statement's
/// whole type in its name. The cast is what those functions do, without the function. One
/// difference: on a member of a const object (or a copy captured by a non-mutable lambda) the
/// cast does not compile, where `std::move` would quietly copy.

#include <type_traits>

// NOLINTNEXTLINE(cppcoreguidelines-macro-usage): a function is what this avoids
#define TABULA_MOVE(...) \
  static_cast<::std::remove_reference_t<decltype(__VA_ARGS__)>&&>(__VA_ARGS__)
