#pragma once
/// \file list_view.hpp
/// `detail::list_view<T>`: a pointer and a count, what tabula's own functions take where a
/// caller passes the elements of a vector or an array. `std::span` would serve, but each
/// conversion to it checks its constructors' range and iterator concepts for the argument's
/// type, which costs a file including tabula about as much as a header of tabula's own (one
/// conversion from a `std::vector` adds 0.2 G instructions to the compiler's work); converting
/// to a `list_view` is a plain constructor call.

#include <array>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace tabula::detail {

template <class T>
class list_view {
 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;

  constexpr list_view() noexcept = default;
  constexpr list_view(T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  // NOLINTBEGIN(google-explicit-constructor): a vector or an array converts, as to a span
  constexpr list_view(const std::vector<value_type>& v) noexcept requires std::is_const_v<T>
      : data_(v.data()), size_(v.size()) {}
  constexpr list_view(std::vector<value_type>& v) noexcept : data_(v.data()), size_(v.size()) {}
  template <std::size_t N>
  constexpr list_view(const std::array<value_type, N>& a) noexcept requires std::is_const_v<T>
      : data_(a.data()), size_(N) {}
  template <std::size_t N>
  constexpr list_view(std::array<value_type, N>& a) noexcept : data_(a.data()), size_(N) {}
  /// A view of mutable elements as one of const elements.
  template <class U>
    requires(std::is_const_v<T> && std::is_same_v<const U, T>)
  constexpr list_view(const list_view<U>& v) noexcept : data_(v.data()), size_(v.size()) {}
  // NOLINTEND(google-explicit-constructor)

  [[nodiscard]] constexpr T* data() const noexcept { return data_; }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] constexpr T* begin() const noexcept { return data_; }
  [[nodiscard]] constexpr T* end() const noexcept { return data_ + size_; }
  [[nodiscard]] constexpr T& operator[](std::size_t i) const noexcept { return data_[i]; }
  [[nodiscard]] constexpr T& front() const noexcept { return data_[0]; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace tabula::detail
