#pragma once
/// \file select_api.hpp
/// The select entry points `engine` and `connection` share (mixed in with CRTP): each returns
/// a typed select bound to the engine or connection it was called on, run by its terminal
/// operation (`all()`, `one()`, `stream()`, ...).
///
///     db.select(col(&Model::framework), tabula::count()).group_by(col(&Model::framework)).all();
///     db.select<Model, Experiment>().join<Experiment>(col(&Experiment::model_id) == col(&Model::id));

#include "tabula/detail/move.hpp"
#include "tabula/query/select.hpp"

namespace tabula::detail {

template <class Derived>
class select_api {
 public:
  /// SELECT of expressions and whole rows (`all_of<T>`): one item reads as its value, several
  /// as a `std::tuple`. FROM is the one model the select list reads, or `.from<T>()`.
  template <class... Items>
    requires(sizeof...(Items) > 0 && (select_item<Items> && ...))
  [[nodiscard]] auto select(Items... items) {
    return make_select(self(), TABULA_MOVE(items)...);
  }
  /// SELECT of whole rows of `Rs...` (models, aliases, CTEs): `db.select<Model, Experiment>()`
  /// reads `std::tuple<Model, Experiment>`; join the others to the first.
  template <class... Rs>
    requires(sizeof...(Rs) > 0)
  [[nodiscard]] auto select() {
    return make_select(self(), all_of<Rs>...);
  }

 protected:
  Derived* self() noexcept { return static_cast<Derived*>(this); }
};

}  // namespace tabula::detail
