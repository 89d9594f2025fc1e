#pragma once
/// \file repeated_items.hpp
/// One set of parameters for an expression a select repeats in its select list, GROUP BY and
/// ORDER BY.
///
/// Why: PostgreSQL matches a GROUP BY expression to the select list, and an ORDER BY
/// expression of a SELECT DISTINCT to the select list, by comparing parse trees; `$1` and `$2`
/// are different trees even when bound to the same value. `select(col(&E::epochs) / 10)
/// .group_by(col(&E::epochs) / 10)` written as `... / $1 ... GROUP BY ... / $2` is refused
/// (42803, and 42P10 for DISTINCT). Written as `... / $1 ... GROUP BY ... / $1`, it is one
/// expression. SQLite's `?N` allows the same.
///
/// The rule: a whole item of the select list, GROUP BY or ORDER BY (labels and directions
/// aside) that is of the same C++ type as an earlier such item and holds equal values and
/// names the same columns reuses that item's parameter slots instead of taking new ones, and
/// binds nothing of its own. Equal, not identical: the same variable passed twice and the same
/// expression written twice are treated alike, and `select(col / 10).group_by(col / 5)` keeps
/// its two parameters.
///
/// Why this way: whether two items are equal is known only at run time, and the SQL text of a
/// statement is cached per type. So which pairs may repeat each other is decided from the
/// types (items of one type), and which of those do is a mask of bits reported to the SQL
/// cache as one word of the statement's shape (`bind_shape`): each pattern gets its own
/// compiled SQL, and a statement type with no two items of one type (nearly all) reports no
/// word, compares nothing and lowers as before. Items that cannot hold a value (a column) or
/// whose SQL is not fixed by their type (run-time text) never pair. Alternatives set aside:
/// reusing slots for equal values anywhere in the statement would compare every value of
/// every statement on each execution and let one parameter meet contexts of different types;
/// `GROUP BY 1` by position would not help ORDER BY under DISTINCT, nor a GROUP BY item that
/// is not in the select list; an identity carried by each expression object would not survive
/// the copies `group_by(b)` makes, and would miss an expression written out twice.
///
/// Not covered: an expression inside a larger one (`HAVING b > 3`, `ORDER BY b + 1`) gets
/// parameters of its own.

#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <type_traits>
#include <utility>

#include "tabula/query/expression.hpp"
#include "tabula/query/relation.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula::detail {

/// Whether `a` and `b`, values a binder received, bind the same: equal, with floating-point
/// values compared bit for bit (0.0 and -0.0 differ in what SQL computes from them).
template <class V>
bool same_bound_value(const V& a, const V& b) {
  if constexpr (is_optional_v<V>) {
    return a.has_value() == b.has_value() && (!a.has_value() || same_bound_value(*a, *b));
  } else if constexpr (std::is_same_v<V, std::nullopt_t>) {
    return true;
  } else if constexpr (std::is_floating_point_v<V>) {
    return std::memcmp(&a, &b, sizeof(V)) == 0;
  } else if constexpr (std::equality_comparable<V>) {
    return a == b;
  } else if constexpr (sql_mappable<V>) {
    return same_bound_value(type_traits<V>::to_sql(a), type_traits<V>::to_sql(b));
  } else {
    return false;  // cannot tell: never shared
  }
}

/// The identity of a C++ type, for comparing what two binders were given.
template <class V>
inline constexpr char type_tag = 0;

/// A binder that writes down the values (by address) and shape words an expression binds.
struct bound_record {
  struct entry {
    const void* type = nullptr;
    const void* value = nullptr;  ///< the value, for values
    std::uint64_t word = 0;       ///< the word, for parts of the shape
  };
  std::array<entry, 32> entries{};
  std::size_t size = 0;
  bool overflow = false;  ///< more than fit: the expression is never shared

  template <class V>
  void operator()(const V& v) {
    add(entry{&type_tag<V>, &v, 0});
  }
  // The record keeps addresses until the comparison ends, so it takes only values that live
  // in the expression.
  template <class V>
  void operator()(const V&&) = delete;
  template <class M>
  void shape(const M& part) {
    static_assert(sizeof(M) <= sizeof(std::uint64_t), "tabula: a shape part fits a word");
    std::uint64_t word = 0;
    std::memcpy(&word, &part, sizeof(M));
    add(entry{&type_tag<M>, nullptr, word});
  }

 private:
  void add(const entry& e) {
    if (size == entries.size()) {
      overflow = true;
      return;
    }
    entries[size++] = e;
  }
};

/// A binder that compares what an expression binds with a `bound_record`.
struct bound_match {
  const bound_record& record;
  std::size_t next = 0;
  bool same = true;

  template <class V>
  void operator()(const V& v) {
    if (const auto* e = advance(&type_tag<V>)) {
      same = same_bound_value(*static_cast<const V*>(e->value), v);
    }
  }
  template <class M>
  void shape(const M& part) {
    if (const auto* e = advance(&type_tag<M>)) {
      std::uint64_t word = 0;
      std::memcpy(&word, &part, sizeof(M));
      same = e->word == word;
    }
  }

 private:
  const bound_record::entry* advance(const void* type) {
    if (!same) return nullptr;
    if (next == record.size || record.entries[next].type != type) {
      same = false;
      return nullptr;
    }
    return &record.entries[next++];
  }
};

/// Whether two expressions of one type print the same SQL and bind the same values.
template <class E>
bool same_expression(const E& a, const E& b) {
  bound_record record;
  a.bind(record);
  if (record.overflow) return false;
  bound_match match{record};
  b.bind(match);
  return match.same && match.next == record.size;
}

/// The expression an item of a select list, GROUP BY or ORDER BY prints (its label and
/// direction are not part of it).
template <class Item>
struct printed {
  using type = Item;
  static const Item& of(const Item& item) noexcept { return item; }
};
template <class E, class Name>
struct printed<labelled<E, Name>> {
  using type = typename printed<E>::type;
  static const type& of(const labelled<E, Name>& item) noexcept {
    return printed<E>::of(item.operand);
  }
};
template <class E, bool Descending, ast::nulls_order Nulls>
struct printed<ordering<E, Descending, Nulls>> {
  using type = typename printed<E>::type;
  static const type& of(const ordering<E, Descending, Nulls>& item) noexcept {
    return printed<E>::of(item.operand);
  }
};

/// `printed<Item>::of(item)`.
template <class Item>
const auto& printed_of(const Item& item) noexcept {
  return printed<Item>::of(item);
}

template <class E>
inline constexpr bool is_column_leaf = false;
template <class Model, class Member>
inline constexpr bool is_column_leaf<column<Model, Member>> = true;
template <class R, class Member>
inline constexpr bool is_column_leaf<relation_column<R, Member>> = true;

/// The type by which an item may repeat another, or void when it never shares: whole rows,
/// columns (no value to share) and expressions whose SQL depends on run-time text.
template <class Item>
struct repeat_type {
  using expr = typename printed<Item>::type;
  using type = std::conditional_t<is_column_leaf<expr> || !fixed_shape_of<expr>(), void, expr>;
};
template <class R>
struct repeat_type<whole<R>> {
  using type = void;
};
template <class Item>
using repeat_type_t = typename repeat_type<Item>::type;

/// Which items may repeat which, from their repeat types `Ts` (in clause order): pair (i, j),
/// j < i, of one non-void type gets bit `bit[i][j]` of the mask; -1 for other pairs. Beyond
/// 64 pairs, later pairs never share.
template <class... Ts>
struct repeat_plan {
  static constexpr std::size_t size = sizeof...(Ts);

 private:
  template <class T>
  static constexpr std::array<bool, size> same_as_each{
      (!std::is_void_v<T> && std::is_same_v<T, Ts>)...};
  static constexpr std::array<std::array<bool, size>, size> same{same_as_each<Ts>...};

  struct layout {
    std::array<std::array<int, size>, size> bit{};
    std::array<std::uint64_t, size> row{};  ///< the bits of pairs (i, *)
    int pairs = 0;
  };
  static constexpr layout make() {
    layout l{};
    for (std::size_t i = 0; i < size; ++i) {
      for (std::size_t j = 0; j < size; ++j) {
        l.bit[i][j] = -1;
        if (j < i && same[i][j] && l.pairs < 64) {
          l.bit[i][j] = l.pairs;
          l.row[i] |= std::uint64_t{1} << l.pairs;
          ++l.pairs;
        }
      }
    }
    return l;
  }
  static constexpr layout layout_ = make();

 public:
  /// How many pairs may share: 0 for nearly every statement, which then does nothing here.
  static constexpr int pairs = layout_.pairs;
  template <std::size_t I, std::size_t J>
  static constexpr int bit = layout_.bit[I][J];
  template <std::size_t I>
  static constexpr std::uint64_t row = layout_.row[I];

  /// The item `i` repeats under `mask`, or `size` when it has its own parameters.
  static constexpr std::size_t source(std::size_t i, std::uint64_t mask) noexcept {
    for (std::size_t j = 0; j < i; ++j) {
      const int b = layout_.bit[i][j];
      if (b >= 0 && ((mask >> b) & 1U) != 0) return j;
    }
    return size;
  }
};

template <class Plan, std::size_t I, std::size_t J, class Items>
void find_repeated(const Items& items, std::uint64_t& mask, bool& found) {
  if constexpr (Plan::template bit<I, J> >= 0) {
    if (!found && same_expression(items.template item<I>(), items.template item<J>())) {
      mask |= std::uint64_t{1} << Plan::template bit<I, J>;
      found = true;
    }
  }
}
template <class Plan, std::size_t I, class Items>
void find_repeated(const Items& items, std::uint64_t& mask) {
  if constexpr (Plan::template row<I> != 0) {
    bool found = false;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      (find_repeated<Plan, I, J>(items, mask, found), ...);
    }(std::make_index_sequence<I>{});
  }
}

/// The mask of `Plan` for `items` (which has `item<I>()`): for each item, the bit of the
/// first earlier item it equals. Compares nothing when no two items are of one type.
template <class Plan, class Items>
std::uint64_t repeat_mask(const Items& items) {
  std::uint64_t mask = 0;
  if constexpr (Plan::pairs > 0) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (find_repeated<Plan, I>(items, mask), ...);
    }(std::make_index_sequence<Plan::size>{});
  }
  return mask;
}

/// Which items repeat which, while a statement binds: item `I` that repeats an earlier one
/// binds nothing.
template <class Plan>
struct repeats {
  /// True when no item can repeat another (nearly every statement): lists skip this type.
  static constexpr bool none = Plan::pairs == 0;
  std::uint64_t mask = 0;

  template <std::size_t I>
  [[nodiscard]] bool repeated() const noexcept {
    return (Plan::template row<I> & mask) != 0;
  }
};

/// Which items repeat which, while a statement lowers: item `I` that repeats an earlier one
/// lowers with that item's parameter slots.
template <class Plan>
struct repeats_lowering : repeats<Plan> {
  std::array<std::uint32_t, Plan::size> first_slot{};

  /// Calls `lower_item(ctx)` for item `I`, with the slots of the item it repeats if any.
  template <std::size_t I, class Lower>
  void lower(lower_context& ctx, Lower&& lower_item) {
    if (!this->template repeated<I>()) {
      first_slot[I] = ctx.next_param;
      lower_item(ctx);
      return;
    }
    const std::uint32_t first = first_slot[Plan::source(I, this->mask)];
    first_slot[I] = first;
    lower_context again = ctx;
    again.next_param = first;
    lower_item(again);
  }
};

/// Lists lowered outside a select's plan (a compound's ORDER BY): nothing repeats.
struct no_repeats {
  static constexpr bool none = true;
  template <std::size_t I>
  [[nodiscard]] static constexpr bool repeated() noexcept {
    return false;
  }
  template <std::size_t I, class Lower>
  void lower(lower_context& ctx, Lower&& lower_item) {
    lower_item(ctx);
  }
};

}  // namespace tabula::detail
