#include "tabula/driver/driver.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <stdexcept>
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

/// Without a virtual destructor: deleting a `plain_derived` through a `plain_base*` would skip
/// `plain_derived`'s destructor, so these show which type a pointer deletes.
struct plain_base {
  int* destroyed;
  explicit plain_base(int& d) : destroyed(&d) {}
  plain_base(const plain_base&) = delete;
  plain_base& operator=(const plain_base&) = delete;
  ~plain_base() { ++*destroyed; }
};

struct plain_derived : plain_base {
  int* mine;
  plain_derived(int& d, int& m) : plain_base(d), mine(&m) {}
  plain_derived(const plain_derived&) = delete;
  plain_derived& operator=(const plain_derived&) = delete;
  ~plain_derived() { ++*mine; }
};

struct throws_on_construction {
  explicit throws_on_construction(int& constructed) {
    ++constructed;
    throw std::runtime_error("refused");
  }
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

TEST_CASE("a shared pointer deletes the type it was made with, whatever its last owner sees",
          "[pointer]") {
  int destroyed = 0;
  int derived_destroyed = 0;
  {
    shared<plain_derived> d = make_shared<plain_derived>(destroyed, derived_destroyed);
    const shared<const plain_base> b = std::move(d);  // converting move: one owner still
    CHECK_FALSE(d);  // NOLINT(bugprone-use-after-move): moved-from is empty
    CHECK(b.use_count() == 1);
  }
  CHECK(destroyed == 1);
  CHECK(derived_destroyed == 1);  // no virtual destructor: the count remembers the type
  {
    owned<plain_derived> o = make_owned<plain_derived>(destroyed, derived_destroyed);
    const shared<plain_base> s(std::move(o));
  }
  CHECK(destroyed == 2);
  CHECK(derived_destroyed == 2);
}

TEST_CASE("make_shared makes a const object, and passes on its constructor's exception",
          "[pointer]") {
  int destroyed = 0;
  {
    const shared<const base> c = make_shared<const base>(destroyed);
    CHECK(c->kind() == 1);
    CHECK(c.use_count() == 1);
  }
  CHECK(destroyed == 1);
  int constructed = 0;
  CHECK_THROWS_AS(make_shared<throws_on_construction>(constructed), std::runtime_error);
  CHECK(constructed == 1);
}

TEST_CASE("assigning a pointer the pointer its object owns keeps that object alive",
          "[pointer]") {
  struct node {
    shared<node> next;
    int* destroyed;
    explicit node(int& d) : destroyed(&d) {}
    node(const node&) = delete;
    node& operator=(const node&) = delete;
    ~node() { ++*destroyed; }
  };
  int destroyed = 0;
  shared<node> head = make_shared<node>(destroyed);
  head->next = make_shared<node>(destroyed);
  head = head->next;  // the first node goes; the second, which it held, stays
  CHECK(destroyed == 1);
  REQUIRE(head);
  CHECK(head.use_count() == 1);
  CHECK_FALSE(head->next);
  head.reset();
  CHECK(destroyed == 2);
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
  constexpr int threads = 4;
  constexpr int rounds = 20000;
  struct tally {
    std::array<int, threads> written{};  // each worker's slot, written before it lets go
    int* sum_seen;
    explicit tally(int& sum) : sum_seen(&sum) {}
    tally(const tally&) = delete;
    tally& operator=(const tally&) = delete;
    ~tally() {  // reads what the workers wrote: ordered only by the count's release
      for (const int w : written) *sum_seen += w;
    }
  };
  int sum = 0;
  shared<tally> root = make_shared<tally>(sum);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([mine = root, t]() mutable {
      std::vector<shared<tally>> held;
      held.reserve(8);
      for (int i = 0; i < rounds; ++i) {
        held.push_back(mine);
        if (held.size() == 8) held.clear();
      }
      held.clear();
      mine->written[static_cast<std::size_t>(t)] = rounds;
      mine.reset();  // the last worker to get here destroys the tally
    });
  }
  root.reset();  // the workers hold the only copies now
  for (auto& w : workers) w.join();
  CHECK(sum == threads * rounds);  // destroyed once, after every worker's write
}
