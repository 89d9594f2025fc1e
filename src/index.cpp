#include "tabula/detail/index.hpp"

#include <set>
#include <unordered_map>
#include <unordered_set>

namespace tabula::detail {

struct key_numbers::table {
  std::unordered_map<std::string, std::size_t> numbers;
};

key_numbers::key_numbers() = default;
key_numbers::key_numbers(key_numbers&&) noexcept = default;
key_numbers& key_numbers::operator=(key_numbers&&) noexcept = default;
key_numbers::~key_numbers() = default;

std::pair<std::size_t, bool> key_numbers::add(std::string key) {
  if (!table_) table_ = make_owned<table>();
  const auto [it, fresh] = table_->numbers.try_emplace(std::move(key), table_->numbers.size());
  return {it->second, fresh};
}

std::size_t key_numbers::find(const std::string& key) const {
  if (!table_) return npos;
  const auto it = table_->numbers.find(key);
  return it == table_->numbers.end() ? npos : it->second;
}

std::size_t key_numbers::size() const noexcept { return table_ ? table_->numbers.size() : 0; }

struct address_set::table {
  std::unordered_set<const void*> addresses;
};

address_set::address_set() = default;
address_set::address_set(address_set&&) noexcept = default;
address_set& address_set::operator=(address_set&&) noexcept = default;
address_set::~address_set() = default;

bool address_set::insert(const void* p) {
  if (!table_) table_ = make_owned<table>();
  return table_->addresses.insert(p).second;
}

bool address_set::contains(const void* p) const { return table_ && table_->addresses.contains(p); }

std::size_t address_set::size() const noexcept { return table_ ? table_->addresses.size() : 0; }

struct ordered_positions::table {
  struct order {
    less_function less;
    const void* context;
    bool operator()(std::size_t a, std::size_t b) const { return less(context, a, b); }
  };
  std::set<std::size_t, order> positions;
};

ordered_positions::ordered_positions(less_function less, const void* context) noexcept
    : less_(less), context_(context) {}
ordered_positions::~ordered_positions() = default;

void ordered_positions::insert(std::size_t position) {
  if (!table_) {
    table_ = make_owned<table>(
        table{std::set<std::size_t, table::order>(table::order{less_, context_})});
  }
  table_->positions.insert(position);
}

std::size_t ordered_positions::find(std::size_t probe) const {
  if (!table_) return npos;
  const auto it = table_->positions.find(probe);
  return it == table_->positions.end() ? npos : *it;
}

}  // namespace tabula::detail
