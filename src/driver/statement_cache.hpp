#pragma once
// The per-connection cache of prepared statements, keyed by SQL text or by the text's cache id
// (see driver::connection::prepare); both drivers use it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tabula/detail/shared.hpp"

namespace tabula::detail {

template <class Statement>
class statement_cache {
 public:
  /// The cached statement for `sql` (or for `id`, when not 0), reset, when nobody else holds
  /// it; otherwise a statement from `prepare(sql, cache_it)`, which is cached when `cache_it`
  /// is true. `prepare` returns `shared<Statement>`.
  template <class Prepare>
  shared<Statement> get(std::string_view sql, std::uint64_t id, Prepare&& prepare) {
    if (id != 0) return get_by_id(id, sql, prepare);
    if (auto it = by_text_.find(sql); it != by_text_.end()) return reuse(it->second, sql, prepare);
    make_room();
    auto st = prepare(sql, true);
    by_text_.emplace(std::string(sql), st);
    return st;
  }

  void clear() noexcept {
    by_text_.clear();
    by_id_.clear();
    recent_.fill({});
  }

 private:
  static constexpr std::size_t max_size = 512;

  template <class Prepare>
  shared<Statement> get_by_id(std::uint64_t id, std::string_view sql, Prepare& prepare) {
    recent& r = recent_[id % recent_.size()];
    if (r.id == id) return reuse(*r.st, sql, prepare);
    if (auto it = by_id_.find(id); it != by_id_.end()) {
      r = {id, &it->second};
      return reuse(it->second, sql, prepare);
    }
    make_room();
    auto st = prepare(sql, true);
    r = {id, &by_id_.emplace(id, st).first->second};
    return st;
  }

  template <class Prepare>
  static shared<Statement> reuse(const shared<Statement>& st, std::string_view sql,
                                 Prepare& prepare) {
    if (st.use_count() == 1) {
      st->reset();
      return st;
    }
    return prepare(sql, false);  // in use, e.g. by a result stream still open
  }

  // Drops what is not in use once the cache is full, so a program that generates SQL text
  // freely does not grow it without bound.
  void make_room() {
    if (by_text_.size() + by_id_.size() < max_size) return;
    const auto unused = [](const auto& entry) { return entry.second.use_count() == 1; };
    std::erase_if(by_text_, unused);
    std::erase_if(by_id_, unused);
    recent_.fill({});
  }

  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  std::unordered_map<std::string, shared<Statement>, string_hash, std::equal_to<>> by_text_;
  std::unordered_map<std::uint64_t, shared<Statement>> by_id_;
  // A direct-mapped index into by_id_ of the statements used last: most lookups end here.
  // (Map nodes do not move until erased; make_room clears the index when it erases.)
  struct recent {
    std::uint64_t id = 0;
    shared<Statement>* st = nullptr;
  };
  std::array<recent, 64> recent_{};
};

}  // namespace tabula::detail
