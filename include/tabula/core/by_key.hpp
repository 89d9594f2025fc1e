#pragma once
/// \file by_key.hpp
/// The by-primary-key statements of row_api.hpp, on one connection: SELECT, UPDATE and DELETE
/// of the row with a given key, and DELETE of many rows by their keys. Each statement's SQL is
/// compiled once per model and dialect (the SQL cache) and prepared once per connection.

#include <algorithm>
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
#include "tabula/error.hpp"
#include "tabula/query/detail/insert_plan.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"

namespace tabula::detail {

/// Cache key of a model's built-in statements.
enum class builtin : std::uint8_t { insert, insert_with_key, get, update, remove };
template <class T, builtin Op>
struct builtin_key {};
/// Cache key of a full-size chunk of `remove_many`.
template <class T>
struct remove_chunk_key {};

/// The value of field `index` of `obj`, passed to `f` with its static type.
template <class T, class F>
void with_field(T& obj, std::size_t index, F&& f) {
  reflect::for_each_field(obj, [&](auto& field, auto i) {
    if (decltype(i)::value == index) f(field);
  });
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
  static bool update_row(C& c, const T& obj) {
    const table_info& t = table_of<T>();
    const compiled_sql& sql = cached_sql<builtin_key<T, builtin::update>>(c.sql_dialect(), [&] {
      std::vector<std::size_t> fields;
      for (std::size_t i = 0; i < t.def.columns.size(); ++i) {
        if (!is_key_field(t, i)) fields.push_back(i);
      }
      return update_by_key_statement(t, fields);
    });
    auto st = c.prepare(sql);
    statement_binder b{*st};
    reflect::for_each_field(obj, [&](const auto& field, auto i) {
      if (!is_key_field(t, decltype(i)::value)) dml::bind_field(b, field, t, i);
    });
    bind_key_of(b, obj, t);
    return step_to_end(*st) > 0;
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
      const std::size_t per = std::min<std::size_t>(dml::max_rows_per_insert,
                                                    c.sql_dialect().capabilities().max_params);
      for (std::size_t first = 0; first < rows.size(); first += per) {
        const std::size_t count = std::min(per, rows.size() - first);
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
