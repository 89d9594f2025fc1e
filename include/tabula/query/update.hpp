#pragma once
/// \file update.hpp
/// Typed UPDATE: `update<T>()` (or `db.update<T>()`, which runs on `db`) with `set(...)`, a
/// `where(...)` or `all_rows()` (dml_clauses.hpp: an UPDATE without either does not compile),
/// and optionally `returning(...)`.
///
///     db.update<Run>().set(col(&Run::n) = col(&Run::n) + 1).where(col(&Run::id) == 7)
///         .returning(&Run::n).one();                              // std::tuple<std::int64_t>

#include <string>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/dml_clauses.hpp"
#include "tabula/query/executable.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

/// UPDATE the table of `Model`. Build with `db.update<Model>()` or `update<Model>()`; add
/// `set(col(&Model::a) = value, ...)`, then `where(...)` — or `all_rows()` to change every row
/// on purpose — and optionally `returning(...)`. Finish with `execute()` (rows changed) or, with
/// returning, `all()` / `one()` / ...
template <class Source, class Model, class Sets = detail::bundle<>,
          class Where = detail::dml::no_filter, class Returning = detail::dml::no_returning,
          bool AllRows = false>
class update_statement
    : public executable<update_statement<Source, Model, Sets, Where, Returning, AllRows>, Source>,
      public detail::dml::where_clause<
          update_statement<Source, Model, Sets, Where, Returning, AllRows>, Model, Where, AllRows,
          detail::dml::row_statement::update>,
      public detail::dml::returning_clause<
          update_statement<Source, Model, Sets, Where, Returning, AllRows>, Model, Returning> {
  using base = executable<update_statement, Source>;
  using where_base = detail::dml::where_clause<update_statement, Model, Where, AllRows,
                                               detail::dml::row_statement::update>;
  using returning_base = detail::dml::returning_clause<update_statement, Model, Returning>;
  friend base;
  friend where_base;
  friend returning_base;
  template <class, class, class, class, class, bool>
  friend class update_statement;
  static_assert(detail::writable<Model>);
  static constexpr void check_runnable() {
    static_assert(Sets::size > 0,
                  "tabula: an UPDATE needs something to set. Add set(col(&T::c) = value).");
    where_base::check_row_scoped();
  }

 public:
  using model_type = Model;
  using row_type = typename Returning::row_type;
  static constexpr bool fixed_shape =
      detail::fixed_shape_of<Sets>() && detail::fixed_shape_of<Where>() && Returning::fixed_shape;
  static constexpr bool changes_data = true;
  static constexpr bool streamable = true;

  explicit update_statement(Source* source = nullptr) { this->source_ = source; }
  update_statement(Source* source, Sets s, Where w, Returning r)
      : where_base(TABULA_MOVE(w)), returning_base(TABULA_MOVE(r)), sets_(TABULA_MOVE(s)) {
    this->source_ = source;
  }

  /// `SET column = value, ...`: assignments `col(&Model::c) = expression-or-value`. Further
  /// calls add assignments.
  template <class... As>
  [[nodiscard]] auto set(As... assignments) const {
    static_assert(!(detail::dml::reads_excluded<Model, As> || ...),
                  "tabula: excluded(...) is the row an INSERT proposes. Use it only inside "
                  "on_conflict(...).do_update(...).");
    detail::dml::check_assignments<Model, As...>();
    return with<AllRows>(detail::bundle_append(sets_, TABULA_MOVE(assignments)...), this->where_,
                         this->returning_);
  }

  /// The statement as an AST.
  [[nodiscard]] ast::statement lower() const {
    static_assert((check_runnable(), true));
    detail::lower_context ctx;
    ast::update u;
    u.table = detail::table_ref_of(table_of<Model>());
    u.set = detail::dml::lower_all<ast::assignment>(sets_, ctx);
    u.where = this->lower_where(ctx);
    this->returning_.lower_into(u.returning, ctx);
    return u;
  }
  /// Binds every value in the order `lower` numbered them.
  template <class Binder>
  void bind(Binder& b) const {
    detail::dml::bind_all(sets_, b);
    this->where_.bind(b);
    this->returning_.bind(b);
  }

 private:
  template <bool All, class S, class W, class R>
  update_statement<Source, Model, S, W, R, All> with(S s, W w, R r) const {
    return update_statement<Source, Model, S, W, R, All>{this->source_, TABULA_MOVE(s), TABULA_MOVE(w),
                                                         TABULA_MOVE(r)};
  }
  template <bool All, class W>
  auto with_where(W w) const {
    return with<All>(sets_, TABULA_MOVE(w), this->returning_);
  }
  template <class R>
  auto with_returning(R r) const {
    return with<AllRows>(sets_, this->where_, TABULA_MOVE(r));
  }

  Sets sets_{};
};

/// An UPDATE of `Model`'s table, not bound to a source.
template <class Model>
[[nodiscard]] update_statement<void, Model> update() {
  return update_statement<void, Model>{};
}

}  // namespace tabula
