#pragma once
/// \file action.hpp
/// Type-erased callables without `<functional>`: `tabula::callback<R(A...)>`, what the API takes
/// and keeps a user's function in (the echo, the statement hook, `on_connect`, session
/// listeners), and `detail::action<R>`, a move-only one taking nothing, what the session keeps
/// its undo steps and planned link writes in. They do what `std::function` does there for less
/// code and less parsing: std::function instantiates a manager, an invoker and their helpers for
/// every callable type it holds (a dozen functions at -O0), and `<functional>` brings hash
/// tables, searchers and algorithms besides, a tenth of a second of every file that includes
/// tabula; a callback is two or three functions.

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace tabula::detail {

/// A callable of signature `R(A...)` kept by type erasure; `Copyable` says whether it copies
/// (a callback) or only moves (an action, which may hold move-only state). A small, trivially
/// copyable callable (a lambda capturing up to two pointers) is kept in place; another on the
/// heap. Calling an empty one does nothing and returns `R{}`.
template <class Sig, bool Copyable>
class erased_function;

template <class D>
inline constexpr bool is_erased_function_v = false;
template <class Sig, bool Copyable>
inline constexpr bool is_erased_function_v<erased_function<Sig, Copyable>> = true;

/// Whether a `D` may be empty and says so by converting to false: a function pointer, a
/// `std::function` (which has `target_type`), another callback.
template <class D>
concept emptiable_callable =
    std::is_pointer_v<D> || is_erased_function_v<D> || requires(const D& d) {
      d.target_type();
      static_cast<bool>(d);
    };

template <class R, class... A, bool Copyable>
class erased_function<R(A...), Copyable> {
 public:
  erased_function() noexcept = default;
  // NOLINTNEXTLINE(google-explicit-constructor): as std::function
  erased_function(std::nullptr_t) noexcept {}

  /// Holds `f` (a lambda, a function object, a function, a std::function); an empty
  /// std::function or callback and a null function pointer make an empty one.
  template <class F>
    requires(!std::is_same_v<std::decay_t<F>, erased_function> &&
             !std::is_member_pointer_v<std::decay_t<F>> &&
             std::is_invocable_r_v<R, std::decay_t<F>&, A...> &&
             (!Copyable || std::is_copy_constructible_v<std::decay_t<F>>))
  erased_function(F&& f) {  // NOLINT(google-explicit-constructor): stands for a callable
    using D = std::decay_t<F>;
    if constexpr (emptiable_callable<D> && !std::is_function_v<std::remove_reference_t<F>>) {
      if (!static_cast<bool>(f)) return;  // a function named is never null
    }
    if constexpr (fits_in_place<D>) {
      ::new (static_cast<void*>(store_.local)) D(static_cast<F&&>(f));
      call_ = &call_local<D>;
    } else {
      store_.heap = new D(static_cast<F&&>(f));
      call_ = &call_heap<D>;
      heap_ = &heap_ops_of<D>;
    }
  }

  erased_function(const erased_function& other)
    requires Copyable
      : call_(other.call_), heap_(other.heap_), store_(other.store_) {
    if (heap_ != nullptr) store_.heap = heap_->clone(other.store_.heap);
  }
  erased_function& operator=(const erased_function& other)
    requires Copyable
  {
    return *this = erased_function(other);
  }
  erased_function(erased_function&& other) noexcept
      : call_(std::exchange(other.call_, nullptr)),
        heap_(std::exchange(other.heap_, nullptr)),
        store_(other.store_) {}
  erased_function& operator=(erased_function&& other) noexcept {
    // Taken over before this callable goes, which may hold `other`.
    erased_function taken(std::move(other));
    reset();
    call_ = std::exchange(taken.call_, nullptr);
    heap_ = std::exchange(taken.heap_, nullptr);
    store_ = taken.store_;
    return *this;
  }
  ~erased_function() { reset(); }

  /// Runs the callable (as std::function does, a const one may run a mutable lambda); an empty
  /// one does nothing and returns `R{}`.
  R operator()(A... args) const {
    if (call_ == nullptr) return R();
    return call_(store_, static_cast<A&&>(args)...);
  }
  [[nodiscard]] explicit operator bool() const noexcept { return call_ != nullptr; }
  [[nodiscard]] friend bool operator==(const erased_function& f, std::nullptr_t) noexcept {
    return f.call_ == nullptr;
  }

  /// Whether a callable of type `D` is kept in place (no allocation): small and trivially
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
  /// What a callable on the heap needs besides its call: freeing, and copying when `Copyable`.
  struct heap_ops {
    void (*drop)(void*) noexcept;
    void* (*clone)(const void*);
  };

  template <class D>
  static R call_local(storage& s, A&&... args) {
    return invoke(*std::launder(reinterpret_cast<D*>(s.local)), static_cast<A&&>(args)...);
  }
  template <class D>
  static R call_heap(storage& s, A&&... args) {
    return invoke(*static_cast<D*>(s.heap), static_cast<A&&>(args)...);
  }
  /// Calls `f`; what it returns is dropped when `R` is void (as std::function drops it).
  template <class D>
  static R invoke(D& f, A&&... args) {
    if constexpr (std::is_void_v<R>) {
      f(static_cast<A&&>(args)...);
    } else {
      return f(static_cast<A&&>(args)...);
    }
  }
  template <class D>
  static void drop_heap(void* p) noexcept {
    delete static_cast<D*>(p);
  }
  template <class D>
  static void* clone_heap(const void* p) {
    return new D(*static_cast<const D*>(p));
  }
  template <class D>
  static constexpr heap_ops make_heap_ops() {
    if constexpr (Copyable) {
      return {&drop_heap<D>, &clone_heap<D>};
    } else {
      return {&drop_heap<D>, nullptr};
    }
  }
  template <class D>
  static constexpr heap_ops heap_ops_of = make_heap_ops<D>();

  void reset() noexcept {
    if (heap_ != nullptr) heap_->drop(store_.heap);
    call_ = nullptr;
    heap_ = nullptr;
  }

  R (*call_)(storage&, A&&...) = nullptr;
  const heap_ops* heap_ = nullptr;  ///< set for a callable on the heap
  mutable storage store_{};
};

/// A move-only callable taking nothing and returning `R`.
template <class R>
using action = erased_function<R(), false>;

/// An undo step.
using undo_action = action<void>;

}  // namespace tabula::detail

namespace tabula {

/// A function the API takes and keeps — the echo, the statement hook, `on_connect`, session
/// listeners, a migration's progress: anything callable with `A...` (a lambda, a function, a
/// std::function), copied with the object that keeps it. Empty by default, from `nullptr`, an
/// empty std::function or a null function pointer; calling an empty one does nothing.
template <class Sig>
using callback = detail::erased_function<Sig, true>;

}  // namespace tabula
