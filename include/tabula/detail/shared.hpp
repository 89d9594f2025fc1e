#pragma once
/// \file shared.hpp
/// `shared<T>`: a `T` on the heap owned by every copy, as `std::shared_ptr<T>` owns it, for the
/// headers. `<memory>` costs every file that includes tabula about 0.3 G compiler instructions
/// (its `unique_ptr` brings `<ostream>` with it in C++20); this is the part of `shared_ptr` the
/// library uses: one allocation for an object and its count (`make_shared`), taking over an
/// `owned<T>`, conversion to a base class or to const, a pointer that owns nothing
/// (`borrowed`), and `use_count`. Copies in several threads are safe: the count is atomic.

#include <cstddef>
#include <type_traits>
#include <utility>

#include "tabula/detail/owned.hpp"

#if !defined(__GNUC__) && !defined(__clang__)
#include <atomic>
#endif

namespace tabula::detail {

/// How many `shared`s own one object, and how to destroy the object and this count when the
/// last one goes.
struct shared_count {
  long owners = 1;
  void (*destroy)(shared_count*) noexcept = nullptr;

#if defined(__GNUC__) || defined(__clang__)
  void retain() noexcept { __atomic_fetch_add(&owners, 1, __ATOMIC_RELAXED); }
  void release() noexcept {
    if (__atomic_fetch_sub(&owners, 1, __ATOMIC_ACQ_REL) == 1) destroy(this);
  }
  [[nodiscard]] long count() const noexcept { return __atomic_load_n(&owners, __ATOMIC_ACQUIRE); }
#else
  void retain() noexcept { std::atomic_ref<long>(owners).fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (std::atomic_ref<long>(owners).fetch_sub(1, std::memory_order_acq_rel) == 1) destroy(this);
  }
  [[nodiscard]] long count() const noexcept {
    return std::atomic_ref<long>(const_cast<long&>(owners)).load(std::memory_order_acquire);
  }
#endif
};

/// The object and its count in one allocation (`make_shared`; for `shared(owned<T>)`, the
/// `owned` that holds the object).
template <class T>
struct shared_block final : shared_count {
  template <class... Args>
  explicit shared_block(Args&&... args) : value(static_cast<Args&&>(args)...) {
    destroy = &drop;
  }
  static void drop(shared_count* c) noexcept { delete static_cast<shared_block*>(c); }
  T value;
};

template <class T>
class shared {
 public:
  using element_type = T;

  shared() noexcept = default;
  shared(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor)
  shared(const shared& other) noexcept : p_(other.p_), c_(other.c_) { retain(); }
  shared(shared&& other) noexcept
      : p_(std::exchange(other.p_, nullptr)), c_(std::exchange(other.c_, nullptr)) {}
  /// From a `shared` of a derived class, or of `U` for `const U`: the same object and count.
  template <class U>
    requires(!std::is_same_v<U, T> && std::is_convertible_v<U*, T*>)
  shared(const shared<U>& other) noexcept  // NOLINT(google-explicit-constructor)
      : p_(other.p_), c_(other.c_) {
    retain();
  }
  template <class U>
    requires(!std::is_same_v<U, T> && std::is_convertible_v<U*, T*>)
  shared(shared<U>&& other) noexcept  // NOLINT(google-explicit-constructor)
      : p_(std::exchange(other.p_, nullptr)), c_(std::exchange(other.c_, nullptr)) {}
  /// Takes over the object `other` owns; it is deleted when the last copy goes. If the count
  /// cannot be allocated, `other` still owns it.
  template <class U>
    requires std::is_convertible_v<U*, T*>
  explicit shared(owned<U>&& other) {
    if (!other) return;
    // `other` is moved from only once the block is allocated.
    auto* block = new shared_block<owned<U>>(static_cast<owned<U>&&>(other));
    p_ = block->value.get();
    c_ = block;
  }
  shared& operator=(shared other) noexcept {
    swap(other);
    return *this;
  }
  ~shared() {
    if (c_ != nullptr) c_->release();
  }

  /// A pointer to `p` that owns nothing: `p` must outlive every copy.
  [[nodiscard]] static shared borrowed(T* p) noexcept {
    shared s;
    s.p_ = p;
    return s;
  }

  void swap(shared& other) noexcept {
    std::swap(p_, other.p_);
    std::swap(c_, other.c_);
  }
  void reset() noexcept { shared().swap(*this); }

  [[nodiscard]] T* get() const noexcept { return p_; }
  T& operator*() const noexcept { return *p_; }
  T* operator->() const noexcept { return p_; }
  [[nodiscard]] explicit operator bool() const noexcept { return p_ != nullptr; }
  /// How many `shared`s own the object; 0 for an empty or borrowed pointer.
  [[nodiscard]] long use_count() const noexcept { return c_ != nullptr ? c_->count() : 0; }

  friend bool operator==(const shared& s, std::nullptr_t) noexcept { return s.p_ == nullptr; }

 private:
  template <class>
  friend class shared;
  template <class U, class... Args>
  friend shared<U> make_shared(Args&&... args);

  void retain() const noexcept {
    if (c_ != nullptr) c_->retain();
  }

  T* p_ = nullptr;
  shared_count* c_ = nullptr;
};

/// A `T` made from `args` and its count, in one allocation.
template <class T, class... Args>
shared<T> make_shared(Args&&... args) {
  using object = std::remove_const_t<T>;
  auto* block = new shared_block<object>(static_cast<Args&&>(args)...);
  shared<T> s;
  s.p_ = &block->value;
  s.c_ = block;
  return s;
}

}  // namespace tabula::detail
