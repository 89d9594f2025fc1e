#pragma once
/// \file index.hpp
/// The look-up tables the templates of the headers need — keys numbered in order of first
/// sight, a set of addresses, positions ordered by a comparison — compiled once in
/// src/index.cpp: a program instantiates no hash table or tree per model, and no header
/// includes `<unordered_map>`, `<unordered_set>` or `<set>`.

#include <cstddef>
#include <string>
#include <utility>

#include "tabula/detail/owned.hpp"

namespace tabula::detail {

/// Numbers the distinct keys it is given 0, 1, 2..., in the order it first sees them, so that
/// what belongs to a key can live in a vector at its number (what eager loading groups rows
/// by: the text of a key, `key_of`).
class key_numbers {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  key_numbers();  ///< allocates nothing until the first `add`
  key_numbers(key_numbers&&) noexcept;
  key_numbers& operator=(key_numbers&&) noexcept;
  key_numbers(const key_numbers&) = delete;
  key_numbers& operator=(const key_numbers&) = delete;
  ~key_numbers();

  /// The number of `key` and whether it is new: a new key gets the next number, `size()`
  /// before the call.
  std::pair<std::size_t, bool> add(std::string key);
  /// The number of `key`, or `npos` when it was never added.
  [[nodiscard]] std::size_t find(const std::string& key) const;
  [[nodiscard]] std::size_t size() const noexcept;

 private:
  struct table;
  owned<table> table_;
};

/// A set of object addresses.
class address_set {
 public:
  address_set();  ///< allocates nothing until the first `insert`
  address_set(address_set&&) noexcept;
  address_set& operator=(address_set&&) noexcept;
  address_set(const address_set&) = delete;
  address_set& operator=(const address_set&) = delete;
  ~address_set();

  /// Adds `p`; whether it was not in the set.
  bool insert(const void* p);
  [[nodiscard]] bool contains(const void* p) const;
  [[nodiscard]] std::size_t size() const noexcept;

 private:
  struct table;
  owned<table> table_;
};

/// Positions (in a vector the caller keeps) ordered by the comparison `less(context, a, b)`.
class ordered_positions {
 public:
  using less_function = bool (*)(const void* context, std::size_t a, std::size_t b);
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  /// Allocates nothing until the first `insert`.
  ordered_positions(less_function less, const void* context) noexcept;
  ordered_positions(const ordered_positions&) = delete;
  ordered_positions& operator=(const ordered_positions&) = delete;
  ~ordered_positions();

  void insert(std::size_t position);
  /// The position in the set that `probe` is equivalent to (neither orders before the other),
  /// or `npos`. `probe` may be a position outside the vector that `less` knows of.
  [[nodiscard]] std::size_t find(std::size_t probe) const;

 private:
  struct table;
  less_function less_;
  const void* context_;
  owned<table> table_;
};

}  // namespace tabula::detail
