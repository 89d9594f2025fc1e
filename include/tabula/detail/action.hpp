#pragma once
/// \file action.hpp
/// `action<R>`: a move-only callable taking nothing and returning `R`, what the session keeps
/// its undo steps and planned link writes in. It does what `std::function<R()>` does there for
/// less code in the program: std::function instantiates a manager, an invoker and their
/// helpers for every lambda type it holds (a dozen functions at -O0); an action two.

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace tabula::detail {

template <class R>
class action {
 public:
  action() noexcept = default;

  /// Holds `f` (a lambda, a function object): in place when it is small and trivially
  /// copyable, on the heap otherwise.
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, action> &&
             std::is_invocable_r_v<R, std::remove_cvref_t<F>&>)
  action(F&& f) {  // NOLINT(google-explicit-constructor): stands for a callable, as std::function
    using D = std::remove_cvref_t<F>;
    if constexpr (fits_in_place<D>) {
      ::new (static_cast<void*>(store_.local)) D(static_cast<F&&>(f));
      call_ = &call_local<D>;
    } else {
      store_.heap = new D(static_cast<F&&>(f));
      call_ = &call_heap<D>;
      drop_ = &drop_heap<D>;
    }
  }

  action(action&& other) noexcept : call_(other.call_), drop_(other.drop_), store_(other.store_) {
    other.call_ = nullptr;
    other.drop_ = nullptr;
  }
  action& operator=(action&& other) noexcept {
    // Taken over before this action's own closure goes, which may hold `other`.
    action taken(std::move(other));
    reset();
    call_ = std::exchange(taken.call_, nullptr);
    drop_ = std::exchange(taken.drop_, nullptr);
    store_ = taken.store_;
    return *this;
  }
  action(const action&) = delete;
  action& operator=(const action&) = delete;
  ~action() { reset(); }

  /// Runs the callable (as std::function does, a const action may run a mutable lambda); an
  /// empty action does nothing and returns `R{}`.
  R operator()() const {
    if (call_ == nullptr) return R();
    return call_(store_);
  }
  [[nodiscard]] explicit operator bool() const noexcept { return call_ != nullptr; }

  /// Whether a closure of type `D` is kept in place (no allocation): small and trivially
  /// copyable.
  template <class D>
  static constexpr bool fits_in_place = sizeof(D) <= 2 * sizeof(void*) &&
                                        alignof(D) <= alignof(std::max_align_t) &&
                                        std::is_trivially_copyable_v<D>;

 private:
  union storage {
    alignas(std::max_align_t) unsigned char local[2 * sizeof(void*)];  // first: the active one
    void* heap;
  };

  template <class D>
  static R call_local(storage& s) {
    return invoke(*std::launder(reinterpret_cast<D*>(s.local)));
  }
  template <class D>
  static R call_heap(storage& s) {
    return invoke(*static_cast<D*>(s.heap));
  }
  /// Calls `f`; what it returns is dropped when `R` is void (as std::function drops it).
  template <class D>
  static R invoke(D& f) {
    if constexpr (std::is_void_v<R>) {
      f();
    } else {
      return f();
    }
  }
  template <class D>
  static void drop_heap(storage& s) noexcept {
    delete static_cast<D*>(s.heap);
  }

  void reset() noexcept {
    if (drop_ != nullptr) drop_(store_);
    call_ = nullptr;
    drop_ = nullptr;
  }

  R (*call_)(storage&) = nullptr;
  void (*drop_)(storage&) noexcept = nullptr;  ///< frees a closure on the heap
  mutable storage store_{};
};

/// An undo step.
using undo_action = action<void>;

}  // namespace tabula::detail
