#pragma once
/// \file upsert.hpp
/// The ON CONFLICT clause of an INSERT (an upsert): the clause's states — none, a target
/// waiting for its action, DO NOTHING, DO UPDATE SET ... [WHERE ...] — and
/// `tabula::excluded(&T::m)`, the value the INSERT proposed. insert.hpp adds `on_conflict()`,
/// `do_nothing()`, `do_update()` and `where()` to the statement.
///
///     db.insert_into<Metric>()
///         .values(metrics)
///         .on_conflict(&Metric::experiment, &Metric::name)
///         .do_update(col(&Metric::value) = tabula::excluded(&Metric::value))
///         .execute();

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/detail/type_list.hpp"
#include "tabula/query/dml_clauses.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/schema/table.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

/// `excluded."column"`: the value the INSERT proposed for a column, inside
/// `on_conflict(...).do_update(...)`.
template <class Model, class Member>
struct excluded_column : detail::expression_tag {
  using value_type = Member;
  using model_type = Model;
  using models = detail::type_list<detail::dml::excluded_row<Model>>;

  Member Model::*member;

  [[nodiscard]] ast::expr lower(detail::lower_context& /*ctx*/) const {
    return ast::excluded{column_name<Model>(member)};
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bind_shape(b, member);
  }
};

/// The value the INSERT proposed for `member`, in an upsert's `do_update(...)`:
/// `col(&T::value) = tabula::excluded(&T::value)`.
template <class Model, class Member>
constexpr excluded_column<Model, Member> excluded(Member Model::*member) {
  static_assert(column_type<Member>,
                "tabula: this member's type has no SQL mapping. Specialize tabula::type_traits "
                "for it (see docs/models.md).");
  return excluded_column<Model, Member>{{}, member};
}

namespace detail::dml {

/// Parts of ON CONFLICT DO UPDATE read the existing row and `excluded`, nothing else.
template <class Model, class Part>
constexpr bool upsert_reads_only =
    list_subset<typename models_of<Part>::type, type_list<Model, excluded_row<Model>>>::value;

template <class Model, class Cond>
consteval void check_upsert_condition() {
  if constexpr (check_is_condition<Cond>()) {
    static_assert(upsert_reads_only<Model, Cond>,
                  "tabula: on_conflict(...).do_update(...) uses a column of another model. Use "
                  "columns of the model inserted and tabula::excluded(&T::member).");
  }
}

template <class Model, class... As>
consteval void check_upsert_assignments() {
  static_assert(sizeof...(As) > 0,
                "tabula: do_update() needs at least one assignment. Pass col(&T::c) = "
                "tabula::excluded(&T::c).");
  static_assert((assignment_node<As> && ...),
                "tabula: do_update() takes assignments. Write col(&T::c) = value, e.g. "
                "col(&T::value) = tabula::excluded(&T::value).");
  static_assert((upsert_reads_only<Model, As> && ...),
                "tabula: on_conflict(...).do_update(...) uses a column of another model. Use "
                "columns of the model inserted and tabula::excluded(&T::member).");
}

/// No ON CONFLICT clause.
struct no_conflict {
  static constexpr bool fixed_shape = true;
  static constexpr bool complete = true;
  static constexpr bool can_filter = false;
  void lower_into(ast::insert& /*ins*/, lower_context& /*ctx*/) const {}
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

template <class Cols>
std::vector<std::string> column_names(const Cols& cols) {
  std::vector<std::string> names;
  names.reserve(Cols::size);
  bundle_each(cols, [&](const auto& c) { names.push_back(c.name()); });
  return names;
}

/// `ON CONFLICT (columns) DO NOTHING`.
template <class... Cols>
struct conflict_do_nothing {
  static constexpr bool fixed_shape = true;
  static constexpr bool complete = true;
  static constexpr bool can_filter = false;
  bundle<Cols...> target;
  void lower_into(ast::insert& ins, lower_context& /*ctx*/) const {
    ins.conflict = ast::on_conflict{column_names(target), true, {}, std::nullopt};
  }
  template <class Binder>
  void bind(Binder& b) const {
    bind_all(target, b);  // shapes only
  }
};

/// `on_conflict(columns)` waiting for `do_nothing()` or `do_update(...)`.
template <class... Cols>
struct conflict_target {
  static constexpr bool fixed_shape = true;
  static constexpr bool complete = false;
  static constexpr bool can_filter = false;
  using do_nothing_type = conflict_do_nothing<Cols...>;
  bundle<Cols...> target;
  void lower_into(ast::insert& /*ins*/, lower_context& /*ctx*/) const {}
  template <class Binder>
  void bind(Binder& b) const {
    bind_all(target, b);  // shapes only
  }
};

/// `ON CONFLICT (columns) DO UPDATE SET ... [WHERE ...]`.
template <class Target, class Sets, class Where>
struct conflict_do_update {
  static constexpr bool fixed_shape = fixed_shape_of<Sets>() && fixed_shape_of<Where>();
  static constexpr bool complete = true;
  static constexpr bool can_filter = true;
  Target target;
  Sets sets;
  Where where;
  void lower_into(ast::insert& ins, lower_context& ctx) const {
    ast::on_conflict c{column_names(target), false, lower_all<ast::assignment>(sets, ctx),
                       lower_filter(where, ctx)};
    ins.conflict = TABULA_MOVE(c);
  }
  template <class Binder>
  void bind(Binder& b) const {
    bind_all(target, b);  // shapes only
    bind_all(sets, b);
    where.bind(b);
  }
};

template <class C>
inline constexpr bool is_conflict_target = false;
template <class... Cs>
inline constexpr bool is_conflict_target<conflict_target<Cs...>> = true;

template <class C>
constexpr std::size_t target_size() {
  if constexpr (is_conflict_target<C>)
    return decltype(C::target)::size;
  else
    return 0;
}

}  // namespace detail::dml

}  // namespace tabula
