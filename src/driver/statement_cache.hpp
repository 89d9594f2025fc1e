#pragma once
// The per-connection cache of prepared statements, keyed by SQL text; both drivers use it.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tabula::detail {

template <class Statement>
class statement_cache {
 public:
  /// The cached statement for `sql`, reset, when nobody else holds it; otherwise a statement
  /// from `prepare(sql, cache_it)`, which is cached when `cache_it` is true. `prepare`
  /// returns `std::shared_ptr<Statement>`.
  template <class Prepare>
  std::shared_ptr<Statement> get(std::string_view sql, Prepare&& prepare) {
    if (auto it = map_.find(sql); it != map_.end()) {
      if (it->second.use_count() == 1) {
        it->second->reset();
        return it->second;
      }
      return prepare(sql, false);  // in use, e.g. by a result stream still open
    }
    if (map_.size() >= max_size) {
      // Drop what is not in use, so a program that generates SQL text freely does not grow
      // the cache without bound.
      std::erase_if(map_, [](const auto& entry) { return entry.second.use_count() == 1; });
    }
    auto st = prepare(sql, true);
    map_.emplace(std::string(sql), st);
    return st;
  }

  void clear() noexcept { map_.clear(); }

 private:
  static constexpr std::size_t max_size = 512;

  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  std::unordered_map<std::string, std::shared_ptr<Statement>, string_hash, std::equal_to<>> map_;
};

}  // namespace tabula::detail
