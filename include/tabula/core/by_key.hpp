#pragma once
/// \file by_key.hpp
/// The by-primary-key statements of row_api.hpp, on one connection: SELECT and DELETE of the
/// row with a given key, and DELETE of many rows by their keys (the UPDATE by key is
/// bulk_insert.hpp's `update_row`, compiled in the library with the INSERT paths). Each
/// statement's SQL is compiled once per model and dialect (the SQL cache) and prepared once per
/// connection.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tabula/core/detail/bind.hpp"
#include "tabula/core/detail/sql_cache.hpp"
#include "tabula/core/raw_api.hpp"
#include "tabula/core/detail/statements.hpp"
#include "tabula/core/statement_ref.hpp"
#include "tabula/detail/list_view.hpp"
#include "tabula/error.hpp"
#include "tabula/query/detail/insert_plan.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"

namespace tabula::detail {

/// Cache key of a model's built-in statements.
enum class builtin : std::uint8_t { insert, insert_with_key, get, update, remove };
template <class T, builtin Op>
struct builtin_key {};
/// Cache key of the SELECT reading back what the on-update SQL of `T` wrote.
template <class T>
struct reread_key {};
/// Cache key of a full-size chunk of `remove_many`.
template <class T>
struct remove_chunk_key {};

/// The value of field `index` of `obj`, passed to `f` with its static type.
template <class T, class F>
void with_field(T& obj, std::size_t index, F&& f) {
  reflect::visit_field(obj, index, f);
}

/// Reads the current row's columns into the `fields` of `obj`: column p into field `fields[p]`.
template <class T>
void read_fields_at(const driver::statement& st, T& obj,
                    detail::list_view<const std::size_t> fields) {
  for (std::size_t p = 0; p < fields.size(); ++p) {
    with_field(obj, fields[p], [&](auto& field) {
      field = read_value<std::remove_cvref_t<decltype(field)>>(st, static_cast<int>(p));
    });
  }
}

template <class O>
struct is_on_update_option : std::false_type {};
template <class T, class M, class V>
struct is_on_update_option<on_update_option<T, M, V>> : std::true_type {};

/// Whether model `T` has fields set at every UPDATE, by a function or by SQL.
template <class T>
inline constexpr bool has_on_update = any_option<T, is_on_update_option>;

/// Sets the fields of `obj` that `on_update(&T::m, f)` names to `f()`.
template <class T>
void apply_on_update_values(T& obj) {
  if constexpr (has_on_update<T>) {
    options_of<T>().for_each([&](const auto& option) {
      using O = std::remove_cvref_t<decltype(option)>;
      if constexpr (is_on_update_option<O>::value) {
        if constexpr (!std::is_same_v<std::remove_cvref_t<decltype(option.value)>, sql_expression>) {
        auto& field = obj.*(option.member);
          field = dml::client_value<std::remove_cvref_t<decltype(field)>>(option.value);
        }
      }
    });
  }
}

template <class T, class... K>
void bind_key(statement_binder& b, const table_info& t, const K&... key) {
  if (sizeof...(K) != t.key_fields.size()) {
    throw_error<programming_error>("tabula: " + t.model_name + " has a primary key of " +
                                   std::to_string(t.key_fields.size()) + " column(s), but " +
                                   std::to_string(sizeof...(K)) + " value(s) were given");
  }
  (b(key), ...);
}

template <class T>
void bind_key_of(statement_binder& b, const T& obj, const table_info& t) {
  for (std::size_t f : t.key_fields) with_field(obj, f, [&](const auto& field) { b(field); });
}

struct by_key {
  template <class T, class C, class... K>
  static std::optional<T> get(C& c, const K&... key) {
    const table_info& t = table_of<T>();
    const compiled_sql& sql = cached_sql<builtin_key<T, builtin::get>>(
        c.sql_dialect(), [&] { return select_by_key_statement(t); });
    auto st = c.prepare(sql);
    statement_binder b{*st};
    bind_key<T>(b, t, key...);
    std::optional<T> out;  // the one object returned on every path: no move of the row
    if (st->step()) {
      positional_reader<T> read;
      out.emplace(current_row<decltype(read)>{read, *st});
    }
    return out;
  }

  template <class C, class T>
  static bool remove(C& c, const T& obj) {
    const table_info& t = table_of<T>();
    auto st = c.prepare(remove_sql<T>(c, t));
    statement_binder b{*st};
    bind_key_of(b, obj, t);
    return step_to_end(*st) > 0;
  }

  template <class T, class C, class... K>
  static bool remove_by_key(C& c, const K&... key) {
    const table_info& t = table_of<T>();
    auto st = c.prepare(remove_sql<T>(c, t));
    statement_binder b{*st};
    bind_key<T>(b, t, key...);
    return step_to_end(*st) > 0;
  }

  template <class C, class T>
  static std::int64_t remove_many(C& c, const std::vector<const T*>& rows) {
    const table_info& t = table_of<T>();
    std::int64_t removed = 0;
    auto tx = c.begin();
    if (t.key_fields.size() != 1 || c.raw().prefers_single_row_writes()) {
      auto st = c.prepare(remove_sql<T>(c, t));
      for (const T* obj : rows) {
        statement_binder b{*st};
        bind_key_of(b, *obj, t);
        removed += step_to_end(*st);
        st->reset();
      }
    } else {
      const std::size_t max_params = c.sql_dialect().capabilities().max_params;
      const std::size_t per =
          max_params < dml::max_rows_per_insert ? max_params : dml::max_rows_per_insert;
      for (std::size_t first = 0; first < rows.size(); first += per) {
        const std::size_t count = rows.size() - first < per ? rows.size() - first : per;
        const auto make = [&] { return delete_by_keys_statement(t, count); };
        // A chunk below full size is compiled for this call only.
        auto st = count == per
                      ? c.prepare(cached_sql<remove_chunk_key<T>>(c.sql_dialect(), make))
                      : c.prepare(c.sql_dialect().compile(make()).text);
        statement_binder b{*st};
        for (std::size_t i = first; i < first + count; ++i) bind_key_of(b, *rows[i], t);
        removed += step_to_end(*st);
      }
    }
    tx.commit();
    return removed;
  }

 private:
  template <class T, class C>
  static const compiled_sql& remove_sql(C& c, const table_info& t) {
    return cached_sql<builtin_key<T, builtin::remove>>(c.sql_dialect(),
                                                       [&] { return delete_by_key_statement(t); });
  }
};

}  // namespace tabula::detail
