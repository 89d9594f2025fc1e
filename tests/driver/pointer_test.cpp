#include "tabula/driver/driver.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <utility>
#include <vector>

using tabula::driver::make_owned;
using tabula::driver::make_shared;
using tabula::driver::owned;
using tabula::driver::shared;

namespace {

struct base {
  explicit base(int& destroyed) : destroyed_(&destroyed) {}
  base(const base&) = delete;
  base& operator=(const base&) = delete;
  virtual ~base() { ++*destroyed_; }
  [[nodiscard]] virtual int kind() const { return 1; }

 private:
  int* destroyed_;
};

struct derived final : base {
  derived(int& destroyed, int& derived_destroyed) : base(destroyed), mine_(&derived_destroyed) {}
  derived(const derived&) = delete;
  derived& operator=(const derived&) = delete;
  ~derived() override { ++*mine_; }
  [[nodiscard]] int kind() const override { return 2; }

 private:
  int* mine_;
};

}  // namespace

TEST_CASE("a shared object is destroyed once, when its last owner goes", "[pointer]") {
  int destroyed = 0;
  {
    shared<base> a = make_shared<base>(destroyed);
    CHECK(a.use_count() == 1);
    {
      const shared<base> b = a;  // NOLINT(performance-unnecessary-copy-initialization)
      CHECK(a.use_count() == 2);
      CHECK(b.get() == a.get());
      shared<base> c = std::move(a);
      CHECK_FALSE(a);  // NOLINT(bugprone-use-after-move): moved-from is empty
      CHECK(a.use_count() == 0);
      CHECK(c.use_count() == 2);
      a = c;
      CHECK(c.use_count() == 3);
    }
    CHECK(a.use_count() == 1);
    CHECK(destroyed == 0);
    const shared<base>& same = a;
    a = same;  // assigning a pointer its own object keeps the object
    CHECK(a.use_count() == 1);
    CHECK(destroyed == 0);
    a.reset();
    CHECK(destroyed == 1);
    CHECK(a == nullptr);
  }
  CHECK(destroyed == 1);
}

TEST_CASE("a shared derived object converts to its base and const, sharing one count",
          "[pointer]") {
  int destroyed = 0;
  int derived_destroyed = 0;
  {
    shared<derived> d = make_shared<derived>(destroyed, derived_destroyed);
    shared<base> b = d;
    const shared<const base> cb = b;
    CHECK(d.use_count() == 3);
    CHECK(cb->kind() == 2);
    CHECK(static_cast<const base*>(d.get()) == cb.get());
    d.reset();
    b.reset();
    CHECK(destroyed == 0);
    CHECK(cb.use_count() == 1);
  }
  CHECK(destroyed == 1);
  CHECK(derived_destroyed == 1);  // the derived part too, though the last owner saw a base
}

TEST_CASE("a shared pointer takes over an owned object, or is empty for an empty one",
          "[pointer]") {
  int destroyed = 0;
  int derived_destroyed = 0;
  {
    owned<base> o = make_owned<derived>(destroyed, derived_destroyed);
    base* raw = o.get();
    shared<base> s(std::move(o));
    CHECK_FALSE(o);  // NOLINT(bugprone-use-after-move): given up
    CHECK(s.get() == raw);
    CHECK(s.use_count() == 1);
    const shared<base> copy = s;
    s.reset();
    CHECK(destroyed == 0);
    CHECK(copy->kind() == 2);
  }
  CHECK(destroyed == 1);
  CHECK(derived_destroyed == 1);
  const shared<base> none{owned<base>()};
  CHECK_FALSE(none);
  CHECK(none.use_count() == 0);
}

TEST_CASE("an owned object is deleted through its base, once", "[pointer]") {
  int destroyed = 0;
  int derived_destroyed = 0;
  {
    owned<base> a = make_owned<derived>(destroyed, derived_destroyed);
    owned<base> b = std::move(a);
    CHECK_FALSE(a);  // NOLINT(bugprone-use-after-move): given up
    CHECK(b->kind() == 2);
    CHECK(destroyed == 0);
  }
  CHECK(destroyed == 1);
  CHECK(derived_destroyed == 1);
  owned<base> c = make_owned<base>(destroyed);
  CHECK(c != nullptr);
  c.reset();
  CHECK(c == nullptr);
  CHECK(destroyed == 2);
}

TEST_CASE("a borrowed pointer owns nothing", "[pointer]") {
  int destroyed = 0;
  {
    base local(destroyed);
    {
      const shared<base> b = shared<base>::borrowed(&local);
      const shared<base> copy = b;  // NOLINT(performance-unnecessary-copy-initialization)
      CHECK(copy.get() == &local);
      CHECK(copy.use_count() == 0);
    }
    CHECK(destroyed == 0);
  }
  CHECK(destroyed == 1);  // by `local` going out of scope only
}

TEST_CASE("copies made and dropped in several threads leave the count exact", "[pointer]") {
  int destroyed = 0;
  shared<base> root = make_shared<base>(destroyed);
  constexpr int threads = 4;
  constexpr int rounds = 20000;
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&root] {
      std::vector<shared<base>> held;
      held.reserve(8);
      for (int i = 0; i < rounds; ++i) {
        held.push_back(root);
        if (held.size() == 8) held.clear();
      }
    });
  }
  for (auto& w : workers) w.join();
  CHECK(root.use_count() == 1);
  CHECK(destroyed == 0);
  root.reset();
  CHECK(destroyed == 1);
}
