#pragma once
/// \file dml.hpp
/// Typed INSERT, UPDATE and DELETE: `insert_into<T>()`, `update<T>()`, `delete_from<T>()` (or
/// `db.insert_into<T>()` etc., which run on `db`).
///
///     db.insert_into<Metric>().values(m).execute();
///     db.insert_into<Metric>()
///         .values(metrics)                                        // any range of Metric
///         .on_conflict(&Metric::experiment, &Metric::name)
///         .do_update(col(&Metric::value) = tabula::excluded(&Metric::value))
///         .execute();
///     db.update<Run>().set(col(&Run::n) = col(&Run::n) + 1).where(col(&Run::id) == 7)
///         .returning(&Run::n).one();                              // std::tuple<std::int64_t>
///     db.delete_from<Run>().where(col(&Run::n) > 10).execute();  // rows deleted
///
/// An UPDATE or DELETE runs only with a `where()` or after `.all_rows()`: calling a terminal
/// operation on one without either does not compile. Every clause is part of the statement's
/// type, so the SQL of a statement type is compiled once per dialect and cached.
///
/// | header | holds |
/// |---|---|
/// | insert.hpp | `insert_into_statement`: rows from values or a SELECT |
/// | upsert.hpp | ON CONFLICT: `excluded(...)`, DO NOTHING, DO UPDATE |
/// | update.hpp | `update_statement` |
/// | delete.hpp | `delete_statement` |
/// | dml_clauses.hpp | WHERE with the all-rows guard, RETURNING, shared checks |
/// | detail/insert_plan.hpp | chunking an INSERT of values into statements |

#include "tabula/query/delete.hpp"  // IWYU pragma: export
#include "tabula/query/insert.hpp"  // IWYU pragma: export
#include "tabula/query/update.hpp"  // IWYU pragma: export
#include "tabula/query/upsert.hpp"  // IWYU pragma: export
