#pragma once
/// \file bind.hpp
/// Binding C++ values to driver parameters and reading columns back, through
/// `type_traits<T>`: straight from the field to the driver call, with no boxing.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tabula/core/detail/sql_cache.hpp"
#include "tabula/driver/driver.hpp"
#include "tabula/error.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/relationship.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula::detail {

[[noreturn]] void throw_null_in_non_optional(const driver::statement& st, int col,
                                             std::string_view cpp_type);

/// A type whose `type_traits` writes its text into a buffer the driver gives
/// (`static void write_sql(const T&, std::string& out)`, appending to `out`) instead of
/// returning a new string: bound with `bind_written`, with no temporary.
template <class V>
concept writes_sql_text = requires(const V& v, std::string& out) {
  type_traits<V>::write_sql(v, out);
};

template <class V>
void write_sql_text(const void* v, std::string& out) {
  type_traits<V>::write_sql(*static_cast<const V*>(v), out);
}

/// Binds `v` to parameter slot `index` of `st`: a `driver::statement`, or a
/// `driver::bulk_writer` (where the slot is the column).
template <class Target, class V>
void bind_value(Target& st, int index, const V& v) {
  if constexpr (is_optional_v<V>) {
    if (v) {
      bind_value(st, index, *v);
    } else {
      st.bind_null(index);
    }
  } else if constexpr (std::is_same_v<V, std::nullopt_t>) {
    st.bind_null(index);
  } else if constexpr (std::is_same_v<V, typed_value>) {
    driver::bind_as<typed_value>(st, index, v);
  } else if constexpr (sql_mappable<V>) {
    using S = typename type_traits<V>::sql_value;
    if constexpr (writes_sql_text<V>) {
      st.bind_written(index, &write_sql_text<V>, &v);
    } else if constexpr (std::is_same_v<S, std::string>) {
      st.bind_copied(index, type_traits<V>::to_sql(v));  // text made now: the driver copies it
    } else {
      driver::bind_as<S>(st, index, type_traits<V>::to_sql(v));
    }
  } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
    driver::bind_as<std::string_view>(st, index, std::string_view(v));
  } else {
    static_assert(sql_mappable<V>,
                  "tabula: this value's type has no SQL mapping. Specialize tabula::type_traits "
                  "for it (see docs/models.md).");
  }
}

/// Binds values to consecutive slots from 0, in the order an expression lowered them.
template <class Target>
struct value_binder {
  Target& target;
  int next = 0;
  template <class V>
  void operator()(const V& v) {
    bind_value(target, next++, v);
  }
};

/// Binds a statement's values to its parameter slots from 0 — or, made over a `shape_key`,
/// binds nothing and records the members the statement's columns name (`detail::bind_shape`):
/// how the SQL cache finds a statement's SQL before it is prepared. One binder type for both
/// traversals, so each expression's `bind` is compiled once.
class statement_binder {
 public:
  explicit statement_binder(driver::statement& st) noexcept : st_(&st) {}
  explicit statement_binder(shape_key& probe) noexcept : probe_(&probe) {}

  template <class V>
  void operator()(const V& v) {
    if (st_ != nullptr) bind_value(*st_, next_++, v);
  }
  template <class M>
  void shape(const M& member) noexcept {
    if (probe_ != nullptr) probe_->add(member);
  }

 private:
  driver::statement* st_ = nullptr;
  shape_key* probe_ = nullptr;
  int next_ = 0;
};

/// Rethrows a `conversion_error` from a type's `from_sql` with the column that was read.
[[noreturn]] void throw_conversion_in_column(const driver::statement& st, int col,
                                             const conversion_error& e);

/// The column's value as the storage type `S` a `type_traits` reads.
template <class S, class Traits>
auto read_sql_value(const driver::statement& st, int col) {
  if constexpr (std::is_same_v<S, bool>) {
    return st.get_bool(col);
  } else if constexpr (std::is_same_v<S, std::int64_t>) {
    return st.get_int64(col);
  } else if constexpr (std::is_same_v<S, double>) {
    return st.get_double(col);
  } else if constexpr (std::is_same_v<S, std::string_view> || std::is_same_v<S, std::string>) {
    return st.get_text(col);
  } else if constexpr (std::is_same_v<S, typed_value>) {
    return st.get_typed(col, typed_kind_of(Traits::sql_type.kind), Traits::sql_type.scale);
  } else if constexpr (std::is_same_v<S, array_value>) {
    return st.get_array(col, array_element_read_as(Traits::sql_type.element));
  } else {
    return st.get_blob(col);
  }
}

/// Reads column `col` of the current row as `F`. The driver's getters refuse NULL with a
/// `conversion_error`; only then is the column asked whether it is NULL, to say so plainly. A
/// value the type's `from_sql` refuses is reported with the column's name.
template <class F>
F read_value(const driver::statement& st, int col) {
  if constexpr (is_optional_v<F>) {
    if (st.is_null(col)) return std::nullopt;
    return F(read_value<typename F::value_type>(st, col));
  } else {
    using traits = type_traits<F>;
    using S = typename traits::sql_value;
    const auto s = [&] {
      try {
        return read_sql_value<S, traits>(st, col);
      } catch (const conversion_error&) {
        if (st.is_null(col)) throw_null_in_non_optional(st, col, reflect::type_name<F>());
        throw;
      }
    }();
    try {
      return traits::from_sql(s);
    } catch (const conversion_error& e) {
      throw_conversion_in_column(st, col, e);
    }
  }
}

/// Marks the relationships of an object read from a row as not loaded: reading one before it
/// is loaded throws, rather than showing an empty collection.
template <class T>
void mark_links_unloaded(T& obj) noexcept {
  reflect::for_each_non_column(
      obj, [](auto& link, auto) { link_access::set_state(link, link_state::unloaded); });
}

/// Assigns field `I` of `obj` from column `column(I)` of the current row, for every field.
template <class T, class Column>
void read_fields(const driver::statement& st, T& obj, Column column) {
  reflect::for_each_field(obj, [&](auto& field, auto index) {
    using F = std::remove_cvref_t<decltype(field)>;
    field = read_value<F>(st, column(decltype(index)::value));
  });
  mark_links_unloaded(obj);
}

/// Reads the current row into `obj`, column `first_col + i` into field i.
template <class T>
void read_row(const driver::statement& st, T& obj, int first_col = 0) {
  read_fields(st, obj, [first_col](std::size_t i) { return first_col + static_cast<int>(i); });
}

template <class T>
struct is_tuple : std::false_type {};
template <class... Ts>
struct is_tuple<std::tuple<Ts...>> : std::true_type {};

/// A whole model in a result row (its fields as consecutive columns), as opposed to a value.
template <class T>
concept result_model = reflect::reflectable<T> && !sql_mappable<T> && !is_tuple<T>::value;

/// How many columns `R` takes in a result row.
template <class R>
constexpr int result_width() {
  if constexpr (is_tuple<R>::value) {
    return []<class... Es>(std::type_identity<std::tuple<Es...>>) {
      return (0 + ... + result_width<Es>());
    }(std::type_identity<R>{});
  } else if constexpr (is_optional_v<R> && result_model<unwrap_optional_t<R>>) {
    return result_width<unwrap_optional_t<R>>();
  } else if constexpr (result_model<R>) {
    return static_cast<int>(reflect::field_count<R>);
  } else {
    return 1;
  }
}

/// Reads one result row — a model, an optional model (all columns NULL: the outer side of an
/// outer join had no match), a tuple of those and values, or a single value — starting at
/// column `first_col`.
template <class R>
void read_result(const driver::statement& st, R& out, int first_col = 0) {
  if constexpr (is_tuple<R>::value) {
    int col = first_col;
    std::apply(
        [&](auto&... element) {
          ((read_result(st, element, col),
            col += result_width<std::remove_cvref_t<decltype(element)>>()),
           ...);
        },
        out);
  } else if constexpr (is_optional_v<R> && result_model<unwrap_optional_t<R>>) {
    constexpr int width = result_width<R>();
    bool all_null = true;
    for (int c = first_col; c < first_col + width && all_null; ++c) all_null = st.is_null(c);
    if (all_null) {
      out.reset();
    } else {
      read_row(st, out.emplace(), first_col);
    }
  } else if constexpr (result_model<R>) {
    read_row(st, out, first_col);
  } else {
    out = read_value<R>(st, first_col);
  }
}

/// A model built from the current row, field `I` from column `column(I)`: `T{...}` when `T`
/// is an aggregate reflected by Boost.PFR, each field constructed once from its column;
/// otherwise default-constructed and then assigned field by field.
template <class T, class Column>
T make_row(const driver::statement& st, Column column) {
  if constexpr (reflect::brace_constructible<T> && reflect::non_column_count<T> == 0) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return T{read_value<reflect::field_type<T, I>>(st, column(I))...};
    }(std::make_index_sequence<reflect::field_count<T>>{});
  } else if constexpr (reflect::brace_constructible<T>) {
    T obj = [&]<std::size_t... I>(std::index_sequence<I...>) {
      return T{read_value<reflect::field_type<T, I>>(st, column(I))...};
    }(std::make_index_sequence<reflect::field_count<T>>{});
    mark_links_unloaded(obj);
    return obj;
  } else {
    T obj;
    read_fields(st, obj, column);
    return obj;
  }
}

/// `read_result` returning the row: a model is built in place (`make_row`).
template <class R>
R make_result(const driver::statement& st, int first_col = 0) {
  if constexpr (result_model<R>) {
    return make_row<R>(st, [first_col](std::size_t i) { return first_col + static_cast<int>(i); });
  } else {
    R out;
    read_result(st, out, first_col);
    return out;
  }
}

/// Converts to the current row as `Reader` reads it, for `emplace` into a container or an
/// optional: the row is constructed in its final place (a conversion's result is not moved).
template <class Reader>
struct current_row {
  Reader& read;
  const driver::statement& st;
  operator typename Reader::row_type() const { return read.make(st); }  // NOLINT: implicit
};

}  // namespace tabula::detail
