#pragma once
/// \file owned.hpp
/// `owned<T>`: a `T` on the heap, owned as `std::unique_ptr<T>` owns it, for the classes of the
/// headers that keep their state in the library (a pointer to an incomplete type). A
/// unique_ptr instantiates a class of some forty members and its deleter's for every `T` in
/// every file that includes tabula, about a hundredth of a second each; an `owned` compiles
/// only what is used, and deletes only where the owner's destructor is defined (src/).

#include <cstddef>
#include <type_traits>
#include <utility>

namespace tabula::detail {

template <class T>
class owned {
 public:
  owned() noexcept = default;
  explicit owned(T* p) noexcept : p_(p) {}
  owned(owned&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  /// From an `owned` of a derived class (deleted through `T`'s virtual destructor).
  template <class U>
    requires(!std::is_same_v<U, T> && std::is_convertible_v<U*, T*>)
  owned(owned<U>&& other) noexcept : p_(other.release()) {  // NOLINT(google-explicit-constructor)
    static_assert(std::is_same_v<std::remove_cv_t<U>, std::remove_cv_t<T>> ||
                      std::has_virtual_destructor_v<T>,
                  "tabula: an owned<T> of a derived class needs T's destructor to be virtual");
  }
  owned& operator=(owned&& other) noexcept {
    // Taken over, and the new object in place, before the old one goes (which may hold
    // `other`, or reach back to this owner from its destructor).
    delete_old(std::exchange(p_, std::exchange(other.p_, nullptr)));
    return *this;
  }
  owned(const owned&) = delete;
  owned& operator=(const owned&) = delete;
  ~owned() { delete_old(p_); }

  [[nodiscard]] T* get() const noexcept { return p_; }
  /// Gives the object up: the caller owns it now.
  [[nodiscard]] T* release() noexcept { return std::exchange(p_, nullptr); }
  T& operator*() const noexcept { return *p_; }
  T* operator->() const noexcept { return p_; }
  [[nodiscard]] explicit operator bool() const noexcept { return p_ != nullptr; }
  /// Deletes the object now; owns nothing after (already while it is destroyed).
  void reset() noexcept { delete_old(std::exchange(p_, nullptr)); }
  friend bool operator==(const owned& o, std::nullptr_t) noexcept { return o.p_ == nullptr; }

 private:
  static void delete_old(T* p) noexcept {
    static_assert(sizeof(T) > 0, "tabula: an owned<T> is destroyed where T is complete");
    delete p;
  }

  T* p_ = nullptr;
};

/// `owned<T>(new T(args...))`.
template <class T, class... Args>
owned<T> make_owned(Args&&... args) {
  return owned<T>(new T(static_cast<Args&&>(args)...));
}

}  // namespace tabula::detail
