#include "tabula/reflect/reflect.hpp"

#include <boost/hana/adapt_struct.hpp>
#include <boost/hana/define_struct.hpp>
#include <catch2/catch.hpp>

#include <array>
#include <boost/pfr/core.hpp>
#include <cstddef>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/ast/value.hpp"
#include "tabula/error.hpp"

namespace reflect = tabula::reflect;

namespace app::models::v1 {
enum class Stage : std::uint8_t { draft, staging, production };

struct Model {
  std::int64_t id = 0;
  std::string name;
  std::optional<double> accuracy;
  Stage stage = Stage::draft;
  tabula::blob weights;
};

struct Outer {
  struct Inner {
    int value = 0;
  };
};

template <class T, int N>
struct Pair {
  T first;
  int second = N;
};
}  // namespace app::models::v1

namespace {
struct Single {
  bool flag = false;
};

struct Wide {
  std::int8_t f00;
  std::int16_t f01;
  std::int32_t f02;
  std::int64_t f03;
  std::uint8_t f04;
  std::uint16_t f05;
  std::uint32_t f06;
  std::uint64_t f07;
  float f08;
  double f09;
  bool f10;
  std::string f11;
  std::optional<std::string> f12;
  std::optional<std::int64_t> f13;
  tabula::blob f14;
  app::models::v1::Stage f15;
  std::string f16;
  double f17;
  std::int64_t f18;
  std::optional<bool> f19;
};

struct HTTPServerLog {
  std::int64_t id;
  std::string line;
};

/// A class with constructors and private members, adapted from inside.
class Account {
 public:
  Account() = default;
  Account(std::int64_t id, std::string owner) : id_(id), owner_(std::move(owner)) {}

  [[nodiscard]] std::int64_t id() const { return id_; }
  [[nodiscard]] const std::string& owner() const { return owner_; }

 private:
  BOOST_HANA_DEFINE_STRUCT(Account, (std::int64_t, id_), (std::string, owner_),
                           (std::optional<double>, balance_));
  template <class, class>
  friend struct boost::hana::accessors_impl;
};

/// A class with a constructor, adapted from outside; `cache` is not part of the adaptation.
struct Sensor {
  Sensor() = default;
  explicit Sensor(std::string n) : name(std::move(n)) {}
  std::int64_t id = 0;
  std::string name;
  int cache = 0;
  double reading = 0;
};

/// An aggregate that is also adapted: the adaptation (which leaves out `b`) is what counts.
struct Both {
  int a;
  int b;
  int c;
};
}  // namespace

BOOST_HANA_ADAPT_STRUCT(Sensor, id, name, reading);
BOOST_HANA_ADAPT_STRUCT(Both, c, a);

using app::models::v1::Model;
using app::models::v1::Stage;

// --- field counts, types and names, at compile time -------------------------------------------

static_assert(reflect::reflectable<Model>);
static_assert(reflect::reflectable<Account>);
static_assert(reflect::reflectable<Sensor>);
static_assert(!reflect::reflectable<int>);
static_assert(!reflect::reflectable<std::string>);
static_assert(!reflect::reflectable<std::optional<int>>);

static_assert(reflect::field_count<Model> == 5);
static_assert(reflect::field_count<Single> == 1);
static_assert(reflect::field_count<Wide> == 20);
static_assert(reflect::field_count<Account> == 3);
static_assert(reflect::field_count<Sensor> == 3);
static_assert(reflect::field_count<Both> == 2);

static_assert(std::is_same_v<reflect::field_type<Model, 0>, std::int64_t>);
static_assert(std::is_same_v<reflect::field_type<Model, 1>, std::string>);
static_assert(std::is_same_v<reflect::field_type<Model, 2>, std::optional<double>>);
static_assert(std::is_same_v<reflect::field_type<Model, 3>, Stage>);
static_assert(std::is_same_v<reflect::field_type<Model, 4>, tabula::blob>);
static_assert(std::is_same_v<reflect::field_type<Single, 0>, bool>);
static_assert(std::is_same_v<reflect::field_type<Wide, 7>, std::uint64_t>);
static_assert(std::is_same_v<reflect::field_type<Wide, 19>, std::optional<bool>>);
static_assert(std::is_same_v<reflect::field_type<Account, 2>, std::optional<double>>);
static_assert(std::is_same_v<reflect::field_type<Sensor, 2>, double>);
static_assert(std::is_same_v<reflect::field_type<Both, 0>, int>);

static_assert(reflect::field_name<Model, 0>() == "id");
static_assert(reflect::field_name<Model, 4>() == "weights");
static_assert(reflect::field_name<Single, 0>() == "flag");
static_assert(reflect::field_name<app::models::v1::Outer::Inner, 0>() == "value");
static_assert(reflect::field_name<Account, 1>() == "owner_");
static_assert(reflect::field_names<Sensor> ==
              std::array<std::string_view, 3>{"id", "name", "reading"});
static_assert(reflect::field_names<Both> == std::array<std::string_view, 2>{"c", "a"});
static_assert(reflect::field_names<Model> ==
              std::array<std::string_view, 5>{"id", "name", "accuracy", "stage", "weights"});
static_assert(reflect::field_names<app::models::v1::Pair<Model, 3>> ==
              std::array<std::string_view, 2>{"first", "second"});

static_assert(reflect::field_index(&Model::weights) == 4);
static_assert(reflect::field_index_of<&Model::accuracy> == 2);
static_assert(reflect::field_index_of<&Sensor::reading> == 2);
static_assert(reflect::field_index_of<&Both::a> == 1);

static_assert(reflect::type_name<Model>() == "Model");
static_assert(reflect::type_name<const Model>() == "Model");
static_assert(reflect::type_name<Single>() == "Single");
static_assert(reflect::type_name<app::models::v1::Outer::Inner>() == "Inner");
static_assert(reflect::type_name<app::models::v1::Pair<Model, 3>>() == "Pair<Model, 3>");
static_assert(reflect::type_name<app::models::v1::Pair<app::models::v1::Pair<Single, -1>, 2>>() ==
              "Pair<Pair<Single, -1>, 2>");

// The member count and member types tabula finds itself (doubling, then bisecting) are the ones
// Boost.PFR finds, for the member kinds an aggregate may have.
namespace shapes {
struct Empty {};
struct Inner {
  int a;
  double b;
};
struct Nested {
  Inner i;
  int k;
  Inner j;
};
struct WithArray {
  int a[3];
  int b;
};
struct Bits {
  int a : 3;
  int b : 5;
  unsigned c;
};
struct OneBitFields {  // the doubling passes sizeof * CHAR_BIT: PFR answers
  bool a : 1, b : 1, c : 1, d : 1, e : 1, f : 1, g : 1, h : 1;
};
struct MoveOnly {
  std::unique_ptr<int> p;
  std::string s;
};
struct WithReference {  // no T{}: PFR answers
  int& r;
  int v;
};
struct Constant {
  const int c = 1;
  int d;
};
struct Many {
  int a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19,
      a20, a21, a22, a23, a24, a25, a26, a27, a28, a29, a30, a31, a32;
};
}  // namespace shapes
// (PFR can count C arrays' elements and bit-fields but not bind them: for those, the count.)
template <class T, bool CompareTypes = true>
constexpr bool counted_as_pfr() {
  namespace detail = tabula::reflect::detail;
  if constexpr (detail::member_count<T> != boost::pfr::tuple_size_v<T>) {
    return false;
  } else if constexpr (!CompareTypes) {
    return true;
  } else {
    return []<std::size_t... K>(std::index_sequence<K...>) {
      return (std::is_same_v<detail::member_type<K, T>, boost::pfr::tuple_element_t<K, T>> && ...);
    }(std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
  }
}
static_assert(counted_as_pfr<shapes::Empty>());
static_assert(counted_as_pfr<shapes::Nested>());
static_assert(counted_as_pfr<shapes::WithArray, false>());
static_assert(counted_as_pfr<shapes::Bits, false>());
static_assert(counted_as_pfr<shapes::OneBitFields, false>());
static_assert(counted_as_pfr<shapes::MoveOnly>());
static_assert(counted_as_pfr<shapes::WithReference>());
static_assert(counted_as_pfr<shapes::Constant>());
static_assert(counted_as_pfr<shapes::Many>());
static_assert(counted_as_pfr<Model>());
static_assert(counted_as_pfr<Wide>());
static_assert(tabula::reflect::detail::member_count<shapes::Many> == 33);

// --- the same, checked at run time ------------------------------------------------------------

TEST_CASE("field names of a 20-field struct, in order") {
  const auto& names = reflect::field_names<Wide>;
  REQUIRE(names.size() == 20);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string expected = (i < 10 ? "f0" : "f") + std::to_string(i);
    CHECK(names[i] == expected);
  }
}

TEST_CASE("field_index finds every member of an aggregate") {
  CHECK(reflect::field_index(&Model::id) == 0);
  CHECK(reflect::field_index(&Model::name) == 1);
  CHECK(reflect::field_index(&Model::accuracy) == 2);
  CHECK(reflect::field_index(&Model::stage) == 3);
  CHECK(reflect::field_index(&Model::weights) == 4);
  CHECK(reflect::field_index(&Single::flag) == 0);

  // Through a run-time value, so nothing can be folded at compile time.
  std::vector<std::int64_t Wide::*> ints{&Wide::f03, &Wide::f18};
  CHECK(reflect::field_index(ints[0]) == 3);
  CHECK(reflect::field_index(ints[1]) == 18);
  CHECK(reflect::field_index(&Wide::f00) == 0);
  CHECK(reflect::field_index(&Wide::f11) == 11);
  CHECK(reflect::field_index(&Wide::f19) == 19);
}

TEST_CASE("field_index finds every member of Hana-adapted classes") {
  CHECK(reflect::field_index(&Sensor::id) == 0);
  CHECK(reflect::field_index(&Sensor::name) == 1);
  CHECK(reflect::field_index(&Sensor::reading) == 2);
  CHECK(reflect::field_index(&Both::c) == 0);
  CHECK(reflect::field_index(&Both::a) == 1);
}

TEST_CASE("field_index rejects a member pointer that designates no reflected field") {
  CHECK_THROWS_AS(reflect::field_index(&Sensor::cache), tabula::programming_error);
  CHECK_THROWS_WITH(
      reflect::field_index(&Both::b),
      Catch::Contains("tabula: the member pointer is not a reflected field of `Both`"));
  std::string Model::*null_member = nullptr;
  CHECK_THROWS_AS(reflect::field_index(null_member), tabula::programming_error);
}

TEST_CASE("get and for_each_field write through to the object") {
  Model m{7, "bert", std::nullopt, Stage::draft, {}};
  reflect::get<1>(m) = "roberta";
  reflect::get<2>(m) = 0.91;
  CHECK(m.name == "roberta");
  CHECK(m.accuracy == 0.91);

  std::vector<std::size_t> visited;
  reflect::for_each_field(m, [&](auto& field, auto index) {
    visited.push_back(index);
    using field_t = std::remove_cvref_t<decltype(field)>;
    static_assert(std::is_same_v<field_t, reflect::field_type<Model, decltype(index)::value>>);
    if constexpr (std::is_same_v<field_t, Stage>) field = Stage::production;
    if constexpr (std::is_same_v<field_t, std::int64_t>) field += 1;
  });
  CHECK(visited == std::vector<std::size_t>{0, 1, 2, 3, 4});
  CHECK(m.stage == Stage::production);
  CHECK(m.id == 8);

  const Model& cm = m;
  static_assert(std::is_same_v<decltype(reflect::get<1>(cm)), const std::string&>);
  std::string seen;
  reflect::for_each_field(cm, [&](const auto& field, auto) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, std::string>) seen = field;
  });
  CHECK(seen == "roberta");
}

namespace {
/// A member reflection leaves out of the columns, as relationship members are.
struct Note {
  using tabula_not_a_column = void;
  int text = 0;
};
struct Annotated {
  std::int64_t id = 0;
  Note first;
  std::string name;
  Note second;
  double score = 0;
};
struct Nothing {};
}  // namespace

TEST_CASE("for_each_field visits the columns, by column index, and skips non-column members") {
  Annotated a{5, {1}, "x", {2}, 0.5};
  STATIC_REQUIRE(reflect::field_count<Annotated> == 3);
  STATIC_REQUIRE(reflect::non_column_count<Annotated> == 2);
  std::vector<std::size_t> visited;
  std::vector<const void*> addresses;
  reflect::for_each_field(a, [&](auto& field, auto index) {
    visited.push_back(index);
    addresses.push_back(&field);
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(field)>,
                                 reflect::field_type<Annotated, decltype(index)::value>>);
  });
  CHECK(visited == std::vector<std::size_t>{0, 1, 2});
  CHECK(addresses == std::vector<const void*>{&a.id, &a.name, &a.score});
  CHECK(&reflect::get<1>(a) == &a.name);
  CHECK(&reflect::get_non_column<1>(a) == &a.second);
  reflect::for_each_non_column(a, [](Note& n, auto) { n.text *= 10; });
  CHECK(a.first.text == 10);
  CHECK(a.second.text == 20);

  Nothing none;
  int calls = 0;
  reflect::for_each_field(none, [&](auto&, auto) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("get and for_each_field reach private members of a Hana-adapted class") {
  Account a(3, "ada");
  reflect::get<1>(a) = "grace";
  CHECK(a.owner() == "grace");
  reflect::for_each_field(a, [](auto& field, auto index) {
    if constexpr (decltype(index)::value == 0) field = 42;
  });
  CHECK(a.id() == 42);

  Sensor s("thermo");
  int calls = 0;
  reflect::for_each_field(s, [&](auto&, auto) { ++calls; });
  CHECK(calls == 3);
  reflect::get<2>(s) = 21.5;
  CHECK(s.reading == 21.5);
}

TEST_CASE("visit_field passes one field, with its type, by its column index") {
  Annotated a{5, {1}, "x", {2}, 0.5};
  std::vector<const void*> seen;
  const auto record = [&](auto& field) { seen.push_back(&field); };
  for (std::size_t i = 0; i < 3; ++i) reflect::visit_field(a, i, record);
  CHECK(seen == std::vector<const void*>{&a.id, &a.name, &a.score});
  reflect::visit_field(a, 3, record);  // no column 3: nothing
  CHECK(seen.size() == 3);

  // The function is compiled for every field type; the field it is called with has its own.
  reflect::visit_field(a, 1, [](auto& field) {
    if constexpr (std::is_same_v<decltype(field), std::string&>) field = "y";
  });
  CHECK(a.name == "y");
  const Annotated& ca = a;
  bool const_double = false;
  reflect::visit_field(ca, 2, [&](auto& field) {
    if constexpr (std::is_same_v<decltype(field), const double&>) const_double = field == 0.5;
  });
  CHECK(const_double);

  Account acc(3, "ada");
  reflect::visit_field(acc, 1, [](auto& field) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, std::string>) {
      field = "grace";
    }
  });
  CHECK(acc.owner() == "grace");
}

TEST_CASE("visit_field_pair passes the same field of two objects") {
  Model from{7, "bert", 0.91, Stage::production, {}};
  Model to{1, "x", std::nullopt, Stage::draft, {}};
  reflect::visit_field_pair(to, std::as_const(from), 2, [](auto& a, const auto& b) { a = b; });
  CHECK(to.accuracy == 0.91);
  CHECK(to.name == "x");  // the other fields are left as they were
  CHECK(to.id == 1);
  reflect::visit_field_pair(to, from, 1, [](auto& a, auto& b) { a = std::move(b); });
  CHECK(to.name == "bert");
  int calls = 0;
  reflect::visit_field_pair(to, from, 99, [&](auto&, auto&) { ++calls; });
  CHECK(calls == 0);

  Sensor s1("one");
  Sensor s2("two");
  reflect::visit_field_pair(s1, s2, 1, [](auto& a, auto& b) { std::swap(a, b); });
  CHECK(s1.name == "two");
  CHECK(s2.name == "one");

  // An adaptation's order, not the declaration's: Both is adapted as (c, a).
  Both x{1, 2, 3};
  std::vector<const void*> seen;
  for (std::size_t i = 0; i < 2; ++i) {
    reflect::visit_field(x, i, [&](auto& field) { seen.push_back(&field); });
  }
  CHECK(seen == std::vector<const void*>{&x.c, &x.a});
  Both y{10, 20, 30};
  reflect::visit_field_pair(x, std::as_const(y), 0, [](auto& a, const auto& b) { a = b; });
  CHECK(x.c == 30);
  CHECK(x.a == 1);
}

TEST_CASE("type_name drops namespaces and enclosing classes") {
  CHECK(reflect::type_name<HTTPServerLog>() == "HTTPServerLog");
  CHECK(reflect::type_name<Account>() == "Account");
  CHECK(reflect::type_name<app::models::v1::Outer::Inner>() == "Inner");
  CHECK(reflect::type_name<app::models::v1::Pair<std::string, 1>>() ==
        "Pair<basic_string<char>, 1>");
}

TEST_CASE("to_snake_case") {
  CHECK(reflect::to_snake_case("MLModel") == "ml_model");
  CHECK(reflect::to_snake_case("Experiment") == "experiment");
  CHECK(reflect::to_snake_case("HTTPServerLog") == "http_server_log");
  CHECK(reflect::to_snake_case("camelCase") == "camel_case");
  CHECK(reflect::to_snake_case("already_snake") == "already_snake");
  CHECK(reflect::to_snake_case("V2Model") == "v2_model");
  CHECK(reflect::to_snake_case("Model2") == "model2");
  CHECK(reflect::to_snake_case("ABC") == "abc");
  CHECK(reflect::to_snake_case("A") == "a");
  CHECK(reflect::to_snake_case("") == "");
  CHECK(reflect::to_snake_case("Pair<Model, 3>") == "pair_model_3");
  CHECK(reflect::to_snake_case(reflect::type_name<HTTPServerLog>()) == "http_server_log");
}
