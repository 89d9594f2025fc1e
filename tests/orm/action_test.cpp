#include "tabula/detail/action.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

using tabula::detail::action;
using tabula::detail::undo_action;

TEST_CASE("an empty action does nothing and returns a value-initialized result", "[action]") {
  const action<int> none;
  CHECK_FALSE(static_cast<bool>(none));
  CHECK(none() == 0);
  const action<undo_action> plan;
  undo_action undo = plan();
  CHECK_FALSE(static_cast<bool>(undo));
  undo();  // an empty undo step is a no-op
}

TEST_CASE("a small closure runs, moves and leaves its source empty", "[action]") {
  int target = 1;
  int* where = &target;
  undo_action a = [where, value = 7] { *where = value; };  // two words, trivially copyable
  REQUIRE(static_cast<bool>(a));
  undo_action b = std::move(a);
  CHECK_FALSE(static_cast<bool>(a));  // NOLINT(bugprone-use-after-move): moved-from is empty
  a();                                 // and does nothing
  CHECK(target == 1);
  b();
  CHECK(target == 7);
}

TEST_CASE("a large closure lives on the heap and is destroyed exactly once", "[action]") {
  auto probe = std::make_shared<int>(0);
  std::vector<std::string> log;
  {
    action<std::size_t> a = [probe, &log, text = std::string(64, 'x')] {
      log.push_back(text);
      return log.size();
    };
    CHECK(probe.use_count() == 2);
    action<std::size_t> b = std::move(a);
    CHECK(probe.use_count() == 2);  // moved, not copied
    CHECK(b() == 1);
    CHECK(b() == 2);
    action<std::size_t> c = [] { return std::size_t{42}; };
    c = std::move(b);  // c's own closure goes; b's comes
    CHECK(probe.use_count() == 2);
    CHECK(c() == 3);
    c = action<std::size_t>{};  // assigning an empty action frees the closure
    CHECK(probe.use_count() == 1);
    CHECK(c() == 0);
  }
  CHECK(probe.use_count() == 1);
  CHECK(log.size() == 3);
}

TEST_CASE("a const action runs a mutable closure, keeping its state between runs", "[action]") {
  const action<int> counter = [n = 0]() mutable { return ++n; };
  CHECK(counter() == 1);
  CHECK(counter() == 2);
  CHECK(counter() == 3);
}

TEST_CASE("an action returning an undo step: the plan and its undo", "[action]") {
  std::string state = "before";
  std::vector<undo_action> undo;
  const action<undo_action> write = [&state] {
    std::string old = std::exchange(state, "after");
    return undo_action([&state, old = std::move(old)] { state = old; });
  };
  undo.push_back(write());
  CHECK(state == "after");
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) (*it)();
  CHECK(state == "before");
}

TEST_CASE("an action holds a move-only closure and drops a non-void result", "[action]") {
  auto owned = std::make_unique<int>(5);
  int seen = 0;
  undo_action a = [p = std::move(owned), &seen] {
    seen = *p;
    return *p * 2;  // an undo step's result is dropped, as std::function<void()> drops it
  };
  undo_action b = std::move(a);
  b();
  CHECK(seen == 5);
}

TEST_CASE("small trivially copyable closures are kept in place, others on the heap",
          "[action]") {
  int x = 0;
  const auto two_words = [p = &x, v = 1] { *p = v; };
  const auto by_reference = [&x] { ++x; };
  const auto with_string = [s = std::string("text")] { (void)s.size(); };
  const auto four_words = [a = &x, b = &x, c = &x, d = &x] { *a = *b + *c + *d; };
  CHECK(undo_action::fits_in_place<std::remove_cvref_t<decltype(two_words)>>);
  CHECK(undo_action::fits_in_place<std::remove_cvref_t<decltype(by_reference)>>);
  CHECK_FALSE(undo_action::fits_in_place<std::remove_cvref_t<decltype(with_string)>>);
  CHECK_FALSE(undo_action::fits_in_place<std::remove_cvref_t<decltype(four_words)>>);
  undo_action set_one = two_words;
  undo_action in_place = by_reference;
  undo_action on_heap = four_words;
  undo_action text = with_string;
  set_one();
  in_place();
  CHECK(x == 2);
  on_heap();
  CHECK(x == 6);
  text();
}

TEST_CASE("moving an action into itself keeps its closure", "[action]") {
  auto probe = std::make_shared<int>(0);
  action<int> a = [probe] { return 9; };
  action<int>& same = a;
  a = std::move(same);
  CHECK(static_cast<bool>(a));
  CHECK(a() == 9);
  CHECK(probe.use_count() == 2);
}

using tabula::callback;

TEST_CASE("a callback passes its arguments and copies its callable", "[action][callback]") {
  auto probe = std::make_shared<int>(0);
  std::vector<std::string> seen;
  callback<std::size_t(const std::string&, int)> f = [probe, &seen](const std::string& s, int n) {
    seen.push_back(s + std::to_string(n));
    return s.size() + static_cast<std::size_t>(n);
  };
  CHECK(probe.use_count() == 2);
  const auto copy = f;  // the closure is copied: a second shared_ptr
  CHECK(probe.use_count() == 3);
  CHECK(f("ab", 1) == 3);
  CHECK(copy("xyz", 2) == 5);
  CHECK(seen == std::vector<std::string>{"ab1", "xyz2"});
  f = nullptr;
  CHECK(probe.use_count() == 2);
  CHECK(f == nullptr);
  CHECK(f("ignored", 0) == 0);  // an empty callback does nothing
  CHECK(seen.size() == 2);
}

TEST_CASE("a callback copies an in-place closure and keeps state per copy",
          "[action][callback]") {
  const callback<int()> counter = [n = 0]() mutable { return ++n; };
  CHECK(callback<int()>::fits_in_place<int>);
  CHECK(counter() == 1);
  callback<int()> other = counter;  // copies the state as it is now
  CHECK(other() == 2);
  CHECK(counter() == 2);
  CHECK(other() == 3);
}

namespace {
int twice(int x) { return 2 * x; }
struct by_value_member {
  int f(int x) const { return x; }
};
}  // namespace

TEST_CASE("a callback holds a function, a function pointer or a function object, not a null one",
          "[action][callback]") {
  callback<int(int)> f = &twice;
  CHECK(f(4) == 8);
  callback<int(int)> by_name = twice;  // a function named, as std::function takes it
  CHECK(by_name(5) == 10);
  int (*none)(int) = nullptr;
  callback<int(int)> g = none;
  CHECK_FALSE(static_cast<bool>(g));
  struct by_value {
    std::string prefix;
    int operator()(int x) const { return static_cast<int>(prefix.size()) + x; }
  };
  callback<int(int)> h = by_value{"four"};
  callback<int(int)> k;
  k = h;  // copy-assigned: both run
  CHECK(h(1) == 5);
  CHECK(k(2) == 6);
  k = std::move(h);
  CHECK_FALSE(static_cast<bool>(h));  // NOLINT(bugprone-use-after-move): moved-from is empty
  CHECK(k(3) == 7);
}

TEST_CASE("a move-only closure is not a callback", "[action][callback]") {
  struct move_only {
    std::unique_ptr<int> p;
    void operator()() const {}
  };
  STATIC_REQUIRE(std::is_constructible_v<undo_action, move_only>);
  STATIC_REQUIRE_FALSE(std::is_constructible_v<callback<void()>, move_only>);
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<undo_action>);
  STATIC_REQUIRE(std::is_copy_constructible_v<callback<void()>>);
}

TEST_CASE("an empty std::function or callback makes an empty callback; a full one runs",
          "[action][callback]") {
  const std::function<void(int)> none;
  callback<void(int)> from_none = none;
  CHECK_FALSE(static_cast<bool>(from_none));
  from_none(1);  // does nothing, where calling `none` would throw
  const callback<void(int)> empty;
  callback<void(int)> from_empty = empty;
  CHECK_FALSE(static_cast<bool>(from_empty));
  int seen = 0;
  const std::function<void(int)> full = [&seen](int x) { seen = x; };
  callback<void(int)> from_full = full;
  from_full(3);
  CHECK(seen == 3);
}

TEST_CASE("a callback passes arguments by reference, by value and move-only values",
          "[action][callback]") {
  std::string text = "a";
  callback<void(std::string&)> append = [](std::string& s) { s += "b"; };
  append(text);
  CHECK(text == "ab");
  callback<std::size_t(std::unique_ptr<int>)> take = [](std::unique_ptr<int> p) {
    return static_cast<std::size_t>(*p);
  };
  CHECK(take(std::make_unique<int>(6)) == 6);
  // A member pointer is invocable with an object (std::invoke) but not callable as f(args...).
  using member_function = int (by_value_member::*)(int) const;
  STATIC_REQUIRE(std::is_invocable_v<member_function, const by_value_member&, int>);
  STATIC_REQUIRE_FALSE(
      std::is_constructible_v<callback<int(const by_value_member&, int)>, member_function>);
}
