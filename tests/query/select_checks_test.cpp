// What a select checks at compile time, and the row types it reads.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "query/select_models.hpp"

using tabula::col;
using namespace sel;
namespace t = tabula;

namespace {

using manager = t::alias<employee, "manager">;

struct lineage_row {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id{};
  std::int32_t depth = 0;
};
using lineage = t::cte<lineage_row, "lineage">;

template <class S>
using row_t = typename S::row_type;

const auto model_of_experiment = col(&experiment::model_id) == col(&ml_model::id);
using on_t = std::remove_const_t<decltype(model_of_experiment)>;

// ----- a column of a model that is not in FROM or a JOIN, in each clause

using names = decltype(t::select(col(&ml_model::name)));
static_assert(t::valid_select<names>);

using in_list = decltype(t::select(col(&ml_model::name), col(&experiment::dataset)).from<ml_model>());
static_assert(!in_list::checks::select_list);
static_assert(!t::valid_select<in_list>);

using in_where = decltype(t::select(col(&ml_model::name)).where(col(&experiment::dataset) == "x"));
static_assert(!in_where::checks::where && in_where::checks::select_list);
static_assert(!t::valid_select<in_where>);

using in_group =
    decltype(t::select(t::count()).from<ml_model>().group_by(col(&experiment::dataset)));
static_assert(!in_group::checks::group_by && !t::valid_select<in_group>);

using in_having = decltype(t::select(col(&ml_model::framework), t::count())
                               .group_by(col(&ml_model::framework))
                               .having(t::count(col(&experiment::id)) > 1));
static_assert(!in_having::checks::having && !t::valid_select<in_having>);

using in_order = decltype(t::select(col(&ml_model::name)).order_by(col(&experiment::dataset)));
static_assert(!in_order::checks::order_by && !t::valid_select<in_order>);

using in_on = decltype(t::select<ml_model>().join<experiment>(col(&experiment::model_id) ==
                                                              col(&run::model_id)));
static_assert(!in_on::checks::joins && !t::valid_select<in_on>);

// An ON condition cannot read a relation joined after it.
using on_later = decltype(t::select<ml_model, experiment, run>()
                              .join<experiment>(col(&experiment::model_id) == col(&run::model_id))
                              .join<run>(col(&run::model_id) == col(&ml_model::id)));
static_assert(on_later::checks::joins && !on_later::checks::joins_in_order);
static_assert(!t::valid_select<on_later>);
using on_earlier = decltype(t::select<ml_model, run, experiment>()
                                .join<run>(col(&run::model_id) == col(&ml_model::id))
                                .join<experiment>(col(&experiment::model_id) == col(&run::model_id)));
static_assert(on_earlier::checks::joins_in_order && t::valid_select<on_earlier>);

// Joining the model brings its columns into scope.
using joined = decltype(t::select(col(&ml_model::name), col(&experiment::dataset))
                            .join<experiment>(std::declval<on_t>())
                            .where(col(&experiment::dataset) == "x")
                            .order_by(col(&experiment::id)));
static_assert(t::valid_select<joined>);

// An alias is a relation of its own: the model's table in FROM does not bring it.
using alias_absent =
    decltype(t::select(col(&employee::name)).where(col<manager>(&employee::name) == "x"));
static_assert(!alias_absent::checks::where);

// ----- FROM

// Several models in the select list and no FROM: which one is FROM is not guessed.
using ambiguous = decltype(t::select(col(&ml_model::name), col(&experiment::dataset)));
static_assert(!ambiguous::checks::from_unambiguous && !t::valid_select<ambiguous>);
// Joins need a FROM to join to.
using no_from = decltype(t::select(col(&experiment::dataset)).join<experiment>(std::declval<on_t>()));
static_assert(!no_from::checks::from_known && !t::valid_select<no_from>);

// ----- aggregates beside bare columns without GROUP BY

using mixed = decltype(t::select(col(&ml_model::framework), t::count()));
static_assert(!mixed::checks::grouping && !t::valid_select<mixed>);
using whole_and_count = decltype(t::select(t::all_of<ml_model>, t::count()));
static_assert(!whole_and_count::checks::grouping);
using grouped = decltype(t::select(col(&ml_model::framework), t::count()).group_by(col(&ml_model::framework)));
static_assert(grouped::checks::grouping && t::valid_select<grouped>);
using only_aggregates = decltype(t::select(t::count(), t::max(col(&ml_model::accuracy))));
static_assert(only_aggregates::checks::grouping && t::valid_select<only_aggregates>);
// A window is computed per row, not an aggregate of the select.
using windowed = decltype(t::select(col(&ml_model::name), t::count().over()));
static_assert(windowed::checks::grouping);

// ----- correlated subqueries: outer models are left to the enclosing select

using runs_of_model =
    decltype(t::select(col(&experiment::id)).where(col(&experiment::model_id) == col(&ml_model::id)));
static_assert(std::is_same_v<runs_of_model::free_models, t::detail::type_list<ml_model>>);
static_assert(!t::valid_select<runs_of_model>);
using correlated = decltype(t::select(col(&ml_model::name)).where(t::exists(std::declval<runs_of_model>())));
static_assert(t::valid_select<correlated>);
using orphan = decltype(t::select(col(&run::id)).where(t::exists(std::declval<runs_of_model>())));
static_assert(!orphan::checks::where);

// ----- set operations need one row type

using model_names = decltype(t::select(col(&ml_model::name)));
static_assert(t::set_compatible<model_names, decltype(t::select(col(&archived_model::name)))>);
static_assert(!t::set_compatible<model_names, decltype(t::select(col(&ml_model::id)))>);
static_assert(!t::set_compatible<model_names,
                                 decltype(t::select(col(&ml_model::name), col(&ml_model::id)))>);
static_assert(!t::set_compatible<model_names, decltype(t::select(col(&ml_model::accuracy)))>);

// ----- subqueries as values

using id_col = t::column<ml_model, std::int64_t>;
static_assert(t::subquery_comparable<id_col, decltype(t::select(col(&experiment::model_id)))>);
static_assert(!t::subquery_comparable<id_col, decltype(t::select(col(&experiment::dataset)))>);
static_assert(!t::subquery_comparable<
              id_col, decltype(t::select(col(&experiment::model_id), col(&experiment::id)))>);
static_assert(!t::subquery_comparable<id_col, decltype(t::select<experiment>())>);

// ----- named queries: columns match the row struct's fields

static_assert(t::defines_rows<lineage_row, decltype(t::select(col(&ml_model::id), col(&ml_model::parent_id),
                                                              t::val(0)))>);
static_assert(!t::defines_rows<lineage_row, decltype(t::select(col(&ml_model::id), col(&ml_model::parent_id)))>);
static_assert(!t::defines_rows<lineage_row, decltype(t::select(col(&ml_model::id), col(&ml_model::name),
                                                               t::val(0)))>);

// ----- row types

static_assert(std::is_same_v<row_t<model_names>, std::string>);
static_assert(std::is_same_v<row_t<decltype(t::select_from<ml_model>())>, ml_model>);
static_assert(std::is_same_v<row_t<grouped>, std::tuple<std::string, std::int64_t>>);
static_assert(std::is_same_v<row_t<decltype(t::select(col(&ml_model::framework), t::avg(col(&ml_model::accuracy)),
                                                      t::sum(col(&ml_model::id)), t::min(col(&ml_model::name)))
                                                .group_by(col(&ml_model::framework)))>,
                             std::tuple<std::string, std::optional<double>, std::optional<std::int64_t>,
                                        std::optional<std::string>>>);

using left = decltype(t::select<ml_model, experiment>().left_join<experiment>(std::declval<on_t>()));
static_assert(std::is_same_v<row_t<left>, std::tuple<ml_model, std::optional<experiment>>>);
using right = decltype(t::select<ml_model, experiment>().right_join<experiment>(std::declval<on_t>()));
static_assert(std::is_same_v<row_t<right>, std::tuple<std::optional<ml_model>, experiment>>);
using full = decltype(t::select<ml_model, experiment>().full_join<experiment>(std::declval<on_t>()));
static_assert(std::is_same_v<row_t<full>, std::tuple<std::optional<ml_model>, std::optional<experiment>>>);
using cross = decltype(t::select<ml_model, experiment>().cross_join<experiment>());
static_assert(std::is_same_v<row_t<cross>, std::tuple<ml_model, experiment>>);
// A column of the optional side may be NULL; a count over it is not.
using left_columns = decltype(t::select(col(&ml_model::name), col(&experiment::dataset),
                                        t::count(col(&experiment::id)))
                                  .left_join<experiment>(std::declval<on_t>())
                                  .group_by(col(&ml_model::name), col(&experiment::dataset)));
static_assert(std::is_same_v<row_t<left_columns>,
                             std::tuple<std::string, std::optional<std::string>, std::int64_t>>);
// A RIGHT JOIN after a LEFT JOIN makes everything before it optional.
using chain = decltype(t::select<ml_model, experiment, run>()
                           .left_join<experiment>(std::declval<on_t>())
                           .right_join<run>(col(&run::model_id) == col(&ml_model::id)));
static_assert(std::is_same_v<row_t<chain>, std::tuple<std::optional<ml_model>,
                                                      std::optional<experiment>, run>>);

using self = decltype(t::select(t::all_of<employee>, t::all_of<manager>)
                          .left_join<manager>(col<manager>(&employee::id) == col(&employee::manager_id)));
static_assert(std::is_same_v<row_t<self>, std::tuple<employee, std::optional<employee>>>);
static_assert(std::is_same_v<row_t<decltype(t::select(t::all_of<lineage>))>, lineage_row>);
static_assert(std::is_same_v<row_t<decltype(t::select(col(&ml_model::name), t::subquery(t::select(t::count()).from<experiment>())))>,
                             std::tuple<std::string, std::optional<std::int64_t>>>);

}  // namespace

TEST_CASE("select checks and row types hold at compile time") {
  // Everything above is checked by the compiler; this case runs one checked select's lowering
  // so that the file also proves a valid select compiles all the way.
  const auto q = t::select(col(&ml_model::name), col(&experiment::dataset))
                     .join<experiment>(model_of_experiment);
  CHECK(t::sqlite_dialect().compile(q.lower()).text.find("INNER JOIN \"experiments\"") !=
        std::string::npos);
}
