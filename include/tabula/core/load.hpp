#pragma once
/// \file load.hpp
/// Loading relationships of plain values, without a session: `tabula::load(db, models,
/// &Model::experiments, &Experiment::metrics)` reads the experiments of every model in `models`
/// and the metrics of every experiment, one SELECT per step (*selectin*), on an engine or a
/// connection. The objects read are owned by the relationships that hold them; objects of one
/// row reached twice in one load are one object. They are for reading: a session does not
/// track them (adding one to a session inserts it as a new row).

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/core/executor.hpp"
#include "tabula/detail/index.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/detail/shared.hpp"
#include "tabula/query/like_between_in.hpp"
#include "tabula/query/select.hpp"
#include "tabula/schema/relationship.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

namespace detail {

/// The bytes a key value compares by (its type's SQL value for a user type).
template <class V>
std::string load_key(const V& v) {
  if constexpr (std::is_integral_v<V> || std::is_enum_v<V>) {
    const auto n = static_cast<long long>(v);
    return std::string(reinterpret_cast<const char*>(&n), sizeof n);  // NOLINT: byte view
  } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
    return std::string(std::string_view(v));
  } else if constexpr (std::is_same_v<V, typed_value>) {
    return load_key(v.value) + load_key(static_cast<std::int64_t>(v.low));
  } else {
    return load_key(type_traits<V>::to_sql(v));
  }
}

/// The value of a key field, or nullptr when it is NULL.
template <class F>
const unwrap_optional_t<F>* key_value(const F& f) {
  if constexpr (is_optional_v<F>) {
    return f ? &*f : nullptr;
  } else {
    return &f;
  }
}

/// The most values one IN list of a relationship load carries on `c`'s database: under the
/// driver's parameter limit, and at most 5000 — libpq refuses a statement description longer
/// than 30000 bytes (4 bytes a parameter), whatever the server accepts.
inline std::size_t in_list_limit(connection& c) {
  const std::size_t max = c.sql_dialect().capabilities().max_params;
  const std::size_t under = max > 16 ? max - 16 : 1;
  return under < 5000 ? under : 5000;
}

template <class Source>
std::size_t in_list_limit_of(Source& src) {
  return src.with_connection([](connection& c) { return in_list_limit(c); });
}

/// Calls `f(chunk)` for consecutive chunks of `keys` of at most `limit` values.
template <class K, class F>
void for_each_chunk(const std::vector<K>& keys, std::size_t limit, F&& f) {
  for (std::size_t first = 0; first < keys.size(); first += limit) {
    const std::size_t end = keys.size() - first < limit ? keys.size() : first + limit;
    f(std::vector<K>(keys.begin() + static_cast<std::ptrdiff_t>(first),
                     keys.begin() + static_cast<std::ptrdiff_t>(end)));
  }
}

/// The distinct non-NULL values of `Member` among `owners`, in order of first sight, each
/// numbered in `numbers` by its text `text(value)`: the keys of a relationship load, at their
/// numbers.
template <auto Member, class T, class Text>
auto distinct_keys(const std::vector<T*>& owners, key_numbers& numbers, Text text) {
  using K = unwrap_optional_t<std::remove_cvref_t<decltype(std::declval<T&>().*Member)>>;
  std::vector<K> keys;
  for (T* owner : owners) {
    if (const K* k = key_value(owner->*Member)) {
      if (numbers.add(text(*k)).second) keys.push_back(*k);
    }
  }
  return keys;
}

/// Loads relationship `J` of every owner (those not loaded yet) and returns the objects it
/// reached, each once.
template <class Source, class T, std::size_t J>
auto load_values_link(Source& src, const std::vector<T*>& owners) {
  using LT = link_traits<T, J>;
  using Target = typename LT::target;
  std::vector<T*> to_load;
  for (T* owner : owners) {
    if (link_access::state(reflect::get_non_column<J>(*owner)) == link_state::unloaded) {
      to_load.push_back(owner);
    }
  }
  std::vector<Target*> reached;
  const std::size_t limit = in_list_limit_of(src);
  const auto key_text = [](const auto& k) { return load_key(k); };
  if constexpr (LT::kind == link_kind::many_to_one) {
    using K = unwrap_optional_t<std::remove_cvref_t<decltype(std::declval<T&>().*LT::fk)>>;
    key_numbers numbers;
    const std::vector<K> keys = distinct_keys<LT::fk>(to_load, numbers, key_text);
    std::vector<detail::shared<Target>> found(keys.size());
    for_each_chunk(keys, limit, [&](std::vector<K> chunk) {
      for (Target& t : src.all(select_from<Target>().where(in(col(LT::referenced), chunk)))) {
        if (const auto* k = key_value(t.*LT::referenced)) {
          const std::size_t n = numbers.find(load_key(*k));
          // A referenced column that is not unique: the last row read is the target, as a
          // session's load takes it.
          if (n != key_numbers::npos) found[n] = detail::make_shared<Target>(TABULA_MOVE(t));
        }
      }
    });
    for (const auto& target : found) {
      if (target) reached.push_back(target.get());
    }
    for (T* owner : to_load) {
      detail::shared<Target> target;
      if (const K* k = key_value(owner->*LT::fk)) target = found[numbers.find(load_key(*k))];
      link_access::load_owned(reflect::get_non_column<J>(*owner), TABULA_MOVE(target));
    }
  } else {
    using K = unwrap_optional_t<std::remove_cvref_t<decltype(std::declval<T&>().*LT::referenced)>>;
    key_numbers numbers;
    const std::vector<K> keys = distinct_keys<LT::referenced>(to_load, numbers, key_text);
    std::vector<std::vector<detail::shared<Target>>> groups(keys.size());
    const auto group_of = [&](const auto& key) -> std::vector<detail::shared<Target>>* {
      const std::size_t n = numbers.find(load_key(key));
      return n == key_numbers::npos ? nullptr : &groups[n];
    };
    for_each_chunk(keys, limit, [&](std::vector<K> chunk) {
      if constexpr (LT::kind != link_kind::many_to_many) {
        for (Target& t : src.all(select_from<Target>().where(in(col(LT::fk), chunk)))) {
          if (const auto* k = key_value(t.*LT::fk)) {
            if (auto* group = group_of(*k)) {
              group->push_back(detail::make_shared<Target>(TABULA_MOVE(t)));
              reached.push_back(group->back().get());
            }
          }
        }
      } else {
        using A = typename LT::association;
        // A target of several owners is one object.
        key_numbers target_numbers;
        std::vector<detail::shared<Target>> targets;  // at their numbers
        const auto rows =
            src.all(select<Target, A>()
                        .template join<A>(col(LT::target_fk) == col(LT::target_referenced))
                        .where(in(col(LT::fk), chunk)));
        for (const auto& [t, association] : rows) {
          const auto* tk = key_value(t.*LT::target_referenced);
          const auto* ok = key_value(association.*LT::fk);
          if (tk == nullptr || ok == nullptr) continue;
          auto* group = group_of(*ok);
          if (group == nullptr) continue;
          const auto [n, fresh] = target_numbers.add(load_key(*tk));
          if (fresh) {
            targets.push_back(detail::make_shared<Target>(t));
            reached.push_back(targets.back().get());
          }
          group->push_back(targets[n]);
        }
      }
    });
    for (T* owner : to_load) {
      std::vector<detail::shared<Target>> items;
      if (const K* k = key_value(owner->*LT::referenced)) items = *group_of(*k);
      link_access::load_owned(reflect::get_non_column<J>(*owner), TABULA_MOVE(items));
    }
  }
  return reached;
}

template <class Source, class T, class P, class... Path>
void load_values_path(Source& src, const std::vector<T*>& owners, P member, Path... rest) {
  static_assert(std::is_member_object_pointer_v<P> && std::is_same_v<class_of<P>, T>,
                "tabula: each step of a load() path is a relationship member of the model "
                "reached by the step before, e.g. &Model::experiments, &Experiment::metrics.");
  static_assert(is_relationship_v<member_of<P>>,
                "tabula: load() follows relationship members (tabula::one, tabula::many). Pass "
                "a pointer to one, e.g. &Model::experiments.");
  const std::size_t j = reflect::non_column_index(member);
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    const auto step = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
      if constexpr (std::is_same_v<reflect::non_column_type<T, K>, member_of<P>>) {
        if (j != K) return;
        auto next = load_values_link<Source, T, K>(src, owners);
        if constexpr (sizeof...(Path) > 0) load_values_path(src, next, rest...);
      }
    };
    (step(std::integral_constant<std::size_t, J>{}), ...);
  }(std::make_index_sequence<reflect::non_column_count<T>>{});
}

}  // namespace detail

/// Loads relationships of plain values read from `src` (an engine or a connection), one SELECT
/// per step of the path: `tabula::load(db, models, &Model::experiments, &Experiment::metrics)`.
/// Relationships already loaded are kept. For objects of a session, use `session::load`.
template <statement_source Source, class T, class P, class... Path>
void load(Source& src, std::vector<T>& objs, P member, Path... path) {
  std::vector<T*> owners;
  owners.reserve(objs.size());
  for (T& obj : objs) owners.push_back(&obj);
  detail::load_values_path(src, owners, member, path...);
}
/// Loads relationships of one plain value: `tabula::load(db, model, &Model::experiments)`.
template <statement_source Source, reflect::reflectable T, class P, class... Path>
void load(Source& src, T& obj, P member, Path... path) {
  detail::load_values_path(src, std::vector<T*>{&obj}, member, path...);
}

}  // namespace tabula
