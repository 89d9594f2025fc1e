#pragma once
/// \file statement_ops.hpp
/// What running a statement needs of its type, as plain function pointers: for a typed
/// statement its SQL cache, its AST and its values; for hand-written SQL, how to start it. A
/// connection starts every statement through these (`connection::start`, compiled once in the
/// library), so a statement type adds only its own `lower` and `bind` to the program, not a
/// copy of the code that runs it.

#include <type_traits>

#include "tabula/ast/ast.hpp"
#include "tabula/core/detail/bind.hpp"
#include "tabula/core/detail/sql_cache.hpp"

namespace tabula {
class connection;
class statement_ref;
}  // namespace tabula

namespace tabula::detail {

/// A statement's operations, over a `const void*` to the statement.
struct statement_ops {
  /// Names the statement type's SQL cache; null when its SQL depends on run-time
  /// values (an IN list...) and is compiled anew each time.
  sql_cache_id* cache = nullptr;
  /// The statement's AST, its parameters numbered from 0.
  ast::statement (*lower)(const void* stmt) = nullptr;
  /// Binds its values in parameter order (or probes its shape: `statement_binder`).
  void (*bind)(const void* stmt, statement_binder& b) = nullptr;
  /// Hand-written SQL, which has no AST: prepares the statement, binds its values and checks
  /// its columns (raw_api.hpp). Null for statements built from the AST; when set, the three
  /// above are null.
  statement_ref (*start)(connection& c, const void* stmt) = nullptr;
};

template <class S, ast::statement (*Wrap)(ast::statement)>
struct statement_thunks {
  static ast::statement lower(const void* s) {
    // Template arguments compared, not values: g++ 12 with -fsanitize=address does not take
    // `Wrap == nullptr` for a constant expression.
    if constexpr (std::is_same_v<std::integral_constant<decltype(Wrap), Wrap>,
                                 std::integral_constant<decltype(Wrap), nullptr>>) {
      return static_cast<const S*>(s)->lower();
    } else {
      return Wrap(static_cast<const S*>(s)->lower());
    }
  }
  static void bind(const void* s, statement_binder& b) { static_cast<const S*>(s)->bind(b); }
  struct cache_key {};
};

/// The operations of statement type `S`; `Wrap` turns its AST into another statement's (the
/// `count()` and `exists()` wrappers), cached apart from `S`'s own SQL. Hand-written SQL has
/// its own (raw_api.hpp).
template <class S, ast::statement (*Wrap)(ast::statement) = nullptr>
inline constexpr statement_ops statement_ops_of{
    S::fixed_shape ? &sql_cache_id_of<typename statement_thunks<S, Wrap>::cache_key> : nullptr,
    &statement_thunks<S, Wrap>::lower, &statement_thunks<S, Wrap>::bind};

}  // namespace tabula::detail
