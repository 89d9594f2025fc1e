#pragma once
/// \file sql_cache.hpp
/// SQL text compiled once per statement shape and dialect. A shape is a C++ type (a typed
/// statement, or a tag for a model's CRUD statement) plus, for typed statements, the members
/// their columns name; its cache is thread-local, so a lookup takes no lock.

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

#include "tabula/dialect/dialect.hpp"

namespace tabula::detail {

/// A new `compiled_sql::cache_id`: never 0, never the same twice in a process.
[[nodiscard]] std::uint64_t next_sql_cache_id() noexcept;

/// `sql` with a cache id: how the caches below store what they compiled.
inline compiled_sql with_cache_id(compiled_sql sql) {
  sql.cache_id = next_sql_cache_id();
  return sql;
}

/// What shapes a statement's SQL besides its type: the members its column leaves name. A
/// column's type says which model and member type it has, not which member (`col(&T::a)` and
/// `col(&T::b)` are the same type when both members are), so the cache keys on both.
struct shape_key {
  std::array<std::uint64_t, 16> words{};
  std::uint8_t size = 0;
  bool overflow = false;  ///< more columns than words: compile without caching
  friend bool operator==(const shape_key&, const shape_key&) = default;

  /// Appends the bytes of a data member pointer.
  template <class M>
  void add(const M& member) noexcept {
    static_assert(sizeof(M) <= sizeof(std::uint64_t), "tabula: data member pointers fit a word");
    if (size == words.size()) {
      overflow = true;
      return;
    }
    std::uint64_t word = 0;
    std::memcpy(&word, &member, sizeof(M));
    words[size++] = word;
  }
};

/// The SQL one statement type compiled on this thread: an entry per dialect and shape
/// (src/core/connection.cpp).
struct sql_cache_slot;

/// Names the cache of one statement type: a number given on first use, the same on every
/// thread. Constant-initialized, so a statement type costs a word and no code (a thread-local
/// slot per type would cost a function, its initialization and its guard in every file).
struct sql_cache_id {
  std::uint32_t index = 0;  ///< 0 until named; read and written atomically (std::atomic_ref)
};
template <class Key>
inline constinit sql_cache_id sql_cache_id_of{};

/// This thread's cache of the statement type `id` names.
sql_cache_slot& sql_cache_of(sql_cache_id& id);

/// The SQL in `slot` for `shape` on dialect `d`, compiled from `make(arg)` on first use;
/// nullptr when the statement is not to be cached (too many columns, or too many shapes of
/// one type).
const compiled_sql* cached_sql(sql_cache_slot& slot, const dialect& d, const shape_key& shape,
                               ast::statement (*make)(const void*), const void* arg);

/// The SQL in `slot` on dialect `d` of a statement whose SQL has one shape (a model's CRUD
/// statement), compiled from `make(arg)` on first use.
const compiled_sql& cached_sql(sql_cache_slot& slot, const dialect& d,
                               ast::statement (*make)(const void*), const void* arg);

/// `(*static_cast<const M*>(m))()`: how the caches call a builder they were given as `void*`.
template <class M>
ast::statement make_statement(const void* m) {
  return (*static_cast<const M*>(m))();
}

/// The SQL for statement type `Key` with column shape `shape` on dialect `d`, compiled on
/// first use per thread; nullptr when the statement is not to be cached (too many columns,
/// or too many shapes of one type).
template <class Key, class Make>
const compiled_sql* cached_sql(const dialect& d, const shape_key& shape, Make&& make) {
  using M = std::remove_reference_t<Make>;
  return cached_sql(sql_cache_of(sql_cache_id_of<Key>), d, shape, &make_statement<M>, &make);
}

/// The SQL for shape `Key` on dialect `d`; `make()` builds the AST on first use per thread.
/// The cache itself is the library's: a key costs a word and this one small function. Every
/// `make` given for one `Key` must build the same statement (its SQL may depend on `Key` and
/// the dialect only): the first call's is the one compiled.
template <class Key, class Make>
const compiled_sql& cached_sql(const dialect& d, Make&& make) {
  using M = std::remove_reference_t<Make>;
  return cached_sql(sql_cache_of(sql_cache_id_of<Key>), d, &make_statement<M>, &make);
}

}  // namespace tabula::detail
