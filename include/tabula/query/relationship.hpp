#pragma once
/// \file relationship.hpp
/// Conditions over relationships, as correlated EXISTS subqueries (SQLAlchemy's `any()` and
/// `has()`):
///
/// ```cpp
/// db.query<Model>().where(tabula::any(&Model::experiments, col(&Experiment::dataset) == "glue"));
/// // WHERE EXISTS (SELECT "experiments"."model_id" FROM "experiments"
/// //               WHERE ("experiments"."model_id" = "models"."id") AND (... = ?1))
/// db.query<Metric>().where(tabula::has(&Metric::experiment, col(&Experiment::epochs) > 3));
/// ```

#include <type_traits>
#include <utility>

#include "tabula/detail/move.hpp"
#include "tabula/query/select.hpp"
#include "tabula/query/subquery.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

namespace detail {

/// `EXISTS (SELECT ... FROM <target> [JOIN ...] WHERE <link> [AND cond])`, the link correlated
/// with the owner's row of the enclosing query.
template <class Link, class... Cond>
auto exists_along(Cond... cond) {
  using owner = std::conditional_t<Link::kind == link_kind::many_to_one,
                                   typename Link::key_holder, typename Link::key_parent>;
  static_assert(!std::is_same_v<typename Link::target, owner>,
                "tabula: any() and has() along a relationship of a model to itself would "
                "correlate the table with itself. Write the condition with tabula::alias and "
                "tabula::exists(...) instead.");
  const auto correlated = [&](auto link_condition) {
    if constexpr (sizeof...(Cond) == 0) {
      return link_condition;
    } else {
      return (TABULA_MOVE(link_condition) && ... && TABULA_MOVE(cond));
    }
  };
  if constexpr (Link::kind == link_kind::many_to_one) {
    return exists(
        select(col(Link::referenced)).where(correlated(col(Link::referenced) == col(Link::fk))));
  } else if constexpr (Link::kind != link_kind::many_to_many) {
    return exists(select(col(Link::fk)).where(correlated(col(Link::fk) == col(Link::referenced))));
  } else {
    return exists(select(col(Link::fk))
                      .template join<typename Link::target>(col(Link::target_referenced) ==
                                                            col(Link::target_fk))
                      .where(correlated(col(Link::fk) == col(Link::referenced))));
  }
}

template <class P>
concept many_member = std::is_member_object_pointer_v<P> && is_many_v<member_of<P>>;
template <class P>
concept one_member = std::is_member_object_pointer_v<P> && is_one_v<member_of<P>>;

}  // namespace detail

/// True when the collection `member` of the row holds an object (matching `cond`, when
/// given): `any(&Model::experiments, col(&Experiment::dataset) == "glue")`.
template <detail::many_member P, class... Cond>
[[nodiscard]] auto any(P /*member*/, Cond... cond) {
  static_assert(sizeof...(Cond) <= 1,
                "tabula: any() takes the relationship and at most one condition. Combine "
                "conditions with && and ||.");
  return detail::exists_along<detail::link_by_type<P>>(TABULA_MOVE(cond)...);
}
/// `any` of a member named as a template argument: `any<&Model::member>(cond)`.
template <auto Member, class... Cond>
requires detail::many_member<decltype(Member)>
[[nodiscard]] auto any(Cond... cond) {
  return detail::exists_along<detail::link_of<Member>>(TABULA_MOVE(cond)...);
}

/// True when the reference `member` of the row refers to an object (matching `cond`, when
/// given): `has(&Metric::experiment, col(&Experiment::dataset) == "glue")`.
template <detail::one_member P, class... Cond>
[[nodiscard]] auto has(P /*member*/, Cond... cond) {
  static_assert(sizeof...(Cond) <= 1,
                "tabula: has() takes the relationship and at most one condition. Combine "
                "conditions with && and ||.");
  return detail::exists_along<detail::link_by_type<P>>(TABULA_MOVE(cond)...);
}
/// `has` of a member named as a template argument: `has<&Metric::member>(cond)`.
template <auto Member, class... Cond>
requires detail::one_member<decltype(Member)>
[[nodiscard]] auto has(Cond... cond) {
  return detail::exists_along<detail::link_of<Member>>(TABULA_MOVE(cond)...);
}

}  // namespace tabula
