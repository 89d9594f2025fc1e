// tabula::uuid as properties (RapidCheck): any value — nil, max and random bytes, whatever their
// version bits — written as a key or an optional column reads back equal, and ORDER BY on the
// column orders as operator< does, on both databases. Each property runs RapidCheck's default
// 100 cases, shrunk to the smallest failing one.

#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <tabula/tabula.hpp>

#include "support/test_backend.hpp"

using tabula::col;
using tabula::uuid;

namespace tabula {
// How RapidCheck prints a counterexample.
inline void showValue(const uuid& u, std::ostream& os) { os << u.to_string(); }
}  // namespace tabula

namespace {

struct tagged {
  uuid id;
  std::optional<uuid> other;
  std::int64_t n = 0;
  bool operator==(const tagged&) const = default;
};

tabula::engine& db() {
  static tabula::engine e(tabula::test::database_url());
  return e;
}

/// Any UUID, the nil and the max one more often than chance would pick them.
rc::Gen<uuid> any_uuid() {
  return rc::gen::weightedOneOf<uuid>(
      {{1, rc::gen::just(uuid())},
       {1, rc::gen::just(uuid::max())},
       {8, rc::gen::map(rc::gen::container<std::vector<std::uint8_t>>(
                            16, rc::gen::arbitrary<std::uint8_t>()),
                        [](const std::vector<std::uint8_t>& bytes) {
                          uuid::bytes_type b{};
                          std::copy(bytes.begin(), bytes.end(), b.begin());
                          return uuid(b);
                        })}});
}

}  // namespace

TEST_CASE("uuid properties: any value round-trips; ORDER BY orders as operator<") {
  db().drop_all<tagged>();
  db().create_all<tagged>();

  rc::prop("a row read back by its uuid key equals the row written", [] {
    const uuid key = *any_uuid();
    const bool with_other = *rc::gen::arbitrary<bool>();
    const tagged row{key, with_other ? std::optional(*any_uuid()) : std::nullopt,
                     *rc::gen::arbitrary<std::int64_t>()};
    db().delete_from<tagged>().where(col(&tagged::id) == key).execute();
    db().insert(row);
    const auto back = db().get<tagged>(key);
    RC_ASSERT(back.has_value());
    RC_ASSERT(*back == row);
    if (row.other) {  // the optional column compares as stored
      RC_ASSERT(db().query<tagged>()
                    .where(col(&tagged::id) == key && col(&tagged::other) == *row.other)
                    .count() == 1);
    }
  });

  rc::prop("ORDER BY the uuid column orders the rows as operator< does", [] {
    std::vector<uuid> keys = *rc::gen::unique<std::vector<uuid>>(any_uuid());
    db().delete_from<tagged>().all_rows().execute();
    std::vector<tagged> rows;
    for (const uuid& k : keys) rows.push_back({k, std::nullopt, 0});
    db().insert_many(rows, tabula::skip_keys);
    std::sort(keys.begin(), keys.end());
    std::vector<uuid> read;
    for (const tagged& r : db().query<tagged>().order_by(col(&tagged::id)).all()) {
      read.push_back(r.id);
    }
    RC_ASSERT(read == keys);
    if (!keys.empty()) {
      const uuid pivot = keys[keys.size() / 2];
      RC_ASSERT(db().query<tagged>().where(col(&tagged::id) < pivot).count() ==
                static_cast<std::int64_t>(keys.size() / 2));
    }
  });
}
