#pragma once
/// \file delete.hpp
/// Typed DELETE: `delete_from<T>()` (or `db.delete_from<T>()`, which runs on `db`) with a
/// `where(...)` or `all_rows()` (dml_clauses.hpp: a DELETE without either does not compile),
/// and optionally `returning(...)`.
///
///     db.delete_from<Run>().where(col(&Run::n) > 10).execute();  // rows deleted

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

/// DELETE FROM the table of `Model`. Build with `db.delete_from<Model>()` or
/// `delete_from<Model>()`; add `where(...)` — or `all_rows()` to delete every row on purpose —
/// and optionally `returning(...)`. Finish with `execute()` (rows deleted) or, with returning,
/// `all()` / `one()` / ...
template <class Source, class Model, class Where = detail::dml::no_filter,
          class Returning = detail::dml::no_returning, bool AllRows = false>
class delete_statement
    : public executable<delete_statement<Source, Model, Where, Returning, AllRows>, Source>,
      public detail::dml::where_clause<delete_statement<Source, Model, Where, Returning, AllRows>,
                                       Model, Where, AllRows, detail::dml::row_statement::delete_>,
      public detail::dml::returning_clause<
          delete_statement<Source, Model, Where, Returning, AllRows>, Model, Returning> {
  using base = executable<delete_statement, Source>;
  using where_base = detail::dml::where_clause<delete_statement, Model, Where, AllRows,
                                               detail::dml::row_statement::delete_>;
  using returning_base = detail::dml::returning_clause<delete_statement, Model, Returning>;
  friend base;
  friend where_base;
  friend returning_base;
  static_assert(detail::writable<Model>);
  template <class, class, class, class, bool>
  friend class delete_statement;
  static constexpr void check_runnable() { where_base::check_row_scoped(); }

 public:
  using model_type = Model;
  using row_type = typename Returning::row_type;
  static constexpr bool fixed_shape = detail::fixed_shape_of<Where>() && Returning::fixed_shape;
  static constexpr bool changes_data = true;
  static constexpr bool streamable = true;

  explicit delete_statement(Source* source = nullptr) { this->source_ = source; }
  delete_statement(Source* source, Where w, Returning r)
      : where_base(TABULA_MOVE(w)), returning_base(TABULA_MOVE(r)) {
    this->source_ = source;
  }

  /// The statement as an AST.
  [[nodiscard]] ast::statement lower() const {
    static_assert((check_runnable(), true));
    detail::lower_context ctx;
    ast::delete_ d;
    d.table = detail::table_ref_of(table_of<Model>());
    d.where = this->lower_where(ctx);
    this->returning_.lower_into(d.returning, ctx);
    return d;
  }
  /// Binds every value in the order `lower` numbered them.
  template <class Binder>
  void bind(Binder& b) const {
    this->where_.bind(b);
    this->returning_.bind(b);
  }

 private:
  template <bool All, class W, class R>
  delete_statement<Source, Model, W, R, All> with(W w, R r) const {
    return delete_statement<Source, Model, W, R, All>{this->source_, TABULA_MOVE(w), TABULA_MOVE(r)};
  }
  template <bool All, class W>
  auto with_where(W w) const {
    return with<All>(TABULA_MOVE(w), this->returning_);
  }
  template <class R>
  auto with_returning(R r) const {
    return with<AllRows>(this->where_, TABULA_MOVE(r));
  }
};

/// A DELETE from `Model`'s table, not bound to a source.
template <class Model>
[[nodiscard]] delete_statement<void, Model> delete_from() {
  return delete_statement<void, Model>{};
}

}  // namespace tabula
