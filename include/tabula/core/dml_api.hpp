#pragma once
/// \file dml_api.hpp
/// Statement builders that `engine` and `connection` share (mixed in with CRTP): each returns
/// a typed statement bound to the engine or connection it was called on.
///
///     db.insert_into<Metric>().values(m).execute();
///     db.update<Run>().set(col(&Run::n) = col(&Run::n) + 1).where(col(&Run::id) == 7).execute();
///     db.delete_from<Run>().where(col(&Run::n) > 10).returning(&Run::id).all();

#include "tabula/query/dml.hpp"

namespace tabula::detail {

template <class Derived>
class dml_api {
 public:
  /// INSERT INTO `T`'s table, run on this engine or connection (see query/dml.hpp).
  template <class T>
  [[nodiscard]] insert_into_statement<Derived, T> insert_into() {
    return insert_into_statement<Derived, T>(self());
  }
  /// UPDATE `T`'s table, run on this engine or connection; needs `where()` or `all_rows()`.
  template <class T>
  [[nodiscard]] update_statement<Derived, T> update() {
    return update_statement<Derived, T>(self());
  }
  /// DELETE FROM `T`'s table, run on this engine or connection; needs `where()` or
  /// `all_rows()`.
  template <class T>
  [[nodiscard]] delete_statement<Derived, T> delete_from() {
    return delete_statement<Derived, T>(self());
  }

 protected:
  Derived* self() noexcept { return static_cast<Derived*>(this); }
};

}  // namespace tabula::detail
