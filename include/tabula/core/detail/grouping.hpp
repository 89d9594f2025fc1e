#pragma once
/// \file grouping.hpp
/// `grouped()`: the rows of a select of (parent model, child) collected under each parent,
/// identified by its primary key. A parent's columns are read once, from its first row; later
/// rows of the same parent read only the key and the child.

#include <concepts>
#include <cstddef>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/core/detail/bind.hpp"
#include "tabula/detail/index.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/driver/driver.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"

namespace tabula::detail {

/// A row `grouped()` accepts: `std::tuple<P, C>` with `P` a whole model (never the optional
/// side of an outer join).
template <class R>
struct group_row : std::false_type {};
template <class P, class C>
requires result_model<P>
struct group_row<std::tuple<P, C>> : std::true_type {
  using parent = P;
  using item = C;
};

/// What a group holds per row: the child as read, except that the optional side of an outer
/// join holds the model itself and a row without a match adds nothing (the parent keeps an
/// empty list).
template <class C>
struct group_child {
  using type = C;
  static constexpr bool skips_missing = false;
};
template <class M>
requires result_model<M>
struct group_child<std::optional<M>> {
  using type = M;
  static constexpr bool skips_missing = true;
};

template <class V>
int compare_key_values(const V& a, const V& b) {
  if constexpr (std::is_same_v<V, driver::blob_view>) {
    const std::string_view x(reinterpret_cast<const char*>(a.data()), a.size());
    const std::string_view y(reinterpret_cast<const char*>(b.data()), b.size());
    return x < y ? -1 : (y < x ? 1 : 0);
  } else if constexpr (requires {
                         { a < b } -> std::convertible_to<bool>;
                       }) {
    return a < b ? -1 : (b < a ? 1 : 0);
  } else {
    // A user type with an SQL mapping but no ordering: ordered as the database stores it.
    return compare_key_values(type_traits<V>::to_sql(a), type_traits<V>::to_sql(b));
  }
}

/// Orders models of one table by their primary-key fields.
template <class T>
int compare_keys(const T& a, const T& b, const table_info& t) {
  int result = 0;
  reflect::for_each_field(a, [&](const auto& field, auto i) {
    constexpr std::size_t index = decltype(i)::value;
    if (result == 0 && is_key_field(t, index)) {
      result = compare_key_values(field, reflect::get<index>(b));
    }
  });
  return result;
}

/// Reads only the primary-key fields of `obj` from the row (the model's columns from
/// `first_col`).
template <class T>
void read_key_fields(const driver::statement& st, T& obj, const table_info& t, int first_col) {
  reflect::for_each_field(obj, [&](auto& field, auto i) {
    constexpr std::size_t index = decltype(i)::value;
    if (is_key_field(t, index)) {
      field = read_value<std::remove_cvref_t<decltype(field)>>(st,
                                                              first_col + static_cast<int>(index));
    }
  });
}

/// Collects rows into groups, one per parent key, in the order parents first appear.
template <class Row>
class row_grouper {
 public:
  using parent = typename group_row<Row>::parent;
  using child = typename group_child<typename group_row<Row>::item>::type;
  using group = std::pair<parent, std::vector<child>>;

  /// `t`: the parent's table; every model has a primary key (checked when it is declared).
  explicit row_grouper(const table_info& t) : table_(t), index_(&key_less, this) {}
  row_grouper(const row_grouper&) = delete;  // the index points back at this object
  row_grouper& operator=(const row_grouper&) = delete;

  void add(const driver::statement& st) {
    group& g = groups_[find_or_read_parent(st)];
    if constexpr (group_child<typename group_row<Row>::item>::skips_missing) {
      std::optional<child> c;
      read_result(st, c, child_col);
      if (c) g.second.push_back(TABULA_MOVE(*c));
    } else {
      reader<child, child_col> read;
      g.second.emplace_back(current_row<decltype(read)>{read, st});
    }
  }

  std::vector<group> take() && { return TABULA_MOVE(groups_); }

 private:
  static constexpr std::size_t probe_slot = static_cast<std::size_t>(-1);
  static constexpr int child_col = result_width<parent>();

  /// Builds a `R` in place from the columns starting at `First`.
  template <class R, int First>
  struct reader {
    using row_type = R;
    R make(const driver::statement& st) const { return make_result<R>(st, First); }
  };

  static bool key_less(const void* self, std::size_t a, std::size_t b) {
    const auto& g = *static_cast<const row_grouper*>(self);
    return compare_keys(g.parent_at(a), g.parent_at(b), g.table_) < 0;
  }

  const parent& parent_at(std::size_t i) const {
    return i == probe_slot ? probe_ : groups_[i].first;
  }

  std::size_t find_or_read_parent(const driver::statement& st) {
    read_key_fields(st, probe_, table_, 0);
    if (!groups_.empty()) {
      // Rows of one parent are usually adjacent (a join ordered by the parent): the last group
      // first. While parents come in ascending key order, a key above the last one's is a new
      // parent; the index of every parent seen is built only once that order breaks.
      const int order = compare_keys(probe_, groups_[last_].first, table_);
      if (order == 0) return last_;
      if (order > 0 && !indexed_) return new_group(st);
      if (!indexed_) {
        for (std::size_t i = 0; i < groups_.size(); ++i) index_.insert(i);
        indexed_ = true;
      }
      if (const std::size_t at = index_.find(probe_slot); at != ordered_positions::npos) {
        return last_ = at;
      }
    }
    return new_group(st);
  }

  std::size_t new_group(const driver::statement& st) {
    last_ = groups_.size();
    reader<parent, 0> read;
    groups_.emplace_back(current_row<decltype(read)>{read, st}, std::vector<child>{});
    if (indexed_) index_.insert(last_);
    return last_;
  }

  const table_info& table_;
  std::vector<group> groups_;
  ordered_positions index_;  // group positions, ordered by their parent's key
  parent probe_{};           // the key of the row being read
  std::size_t last_ = 0;     // the group of the previous row
  bool indexed_ = false;     // index_ holds every group (parents came unordered)
};

}  // namespace tabula::detail
