#pragma once
/// \file executable.hpp
/// How a typed statement runs. A statement built from `db.query<T>()`, `conn.query<T>()` or
/// `session.query<T>()` remembers its *source* (engine, connection or session) and offers the
/// terminal operations `all()`, `grouped()`, `first()`, `one()`, `one_or_none()`, `scalar()`,
/// `count()`, `exists()`, `stream()` and `execute()`. The query layer only declares them: each
/// source type specializes `executor<Source>` (core for engine and connection, the ORM layer
/// for session), so this layer knows nothing of connections.
///
/// The statement protocol every typed statement `S` follows:
///   using row_type = ...;                        // a model, a std::tuple, or void (no rows)
///   static constexpr bool fixed_shape;           // SQL depends only on the type: cache it
///   ast::statement lower() const;                // the AST, parameters numbered from 0
///   template <class Binder> void bind(Binder&) const;  // values, in parameter order

#include <concepts>
#include <cstdint>
#include <type_traits>

#include "tabula/error.hpp"

namespace tabula {

/// Runs statements on a source: one template, in core (executor.hpp), for every source.
template <class Source>
struct executor;

/// A typed statement: the protocol above (its values are checked when it is bound). Every
/// statement tabula builds — queries, INSERT/UPDATE/DELETE, `db.sql<T>(...)` — is one.
template <class S>
concept sql_statement = requires(const S& s) {
  typename S::row_type;
  { S::fixed_shape } -> std::convertible_to<bool>;
};

namespace detail {
/// The source a statement runs on: `programming_error` when it has none.
template <class Source>
auto& running_source(Source* source) {
  static_assert(!std::is_void_v<Source>,
                "tabula: this statement is not bound to an engine, connection or session. "
                "Build it from db.query<T>(), db.select(...), db.insert_into<T>(), "
                "db.update<T>() or db.delete_from<T>() (or conn./session.), or run it with "
                "db.all(stmt).");
  if (source == nullptr) {
    throw_error<programming_error>("tabula: statement has no source to run on");
  }
  return *source;
}
}  // namespace detail

/// The terminal operations of statement type `Self` — queries and data-changing statements
/// alike — run through `executor<Source>`. A statement whose source is `void` (built with
/// `select_from<T>()`, `insert_into<T>()` etc.) has none: run it with `conn.all(stmt)` /
/// `db.all(stmt)` instead.
///
/// A data-changing statement declares `changes_data` and checks itself before it runs
/// (`check_runnable()`: an UPDATE or DELETE needs `where()` or `all_rows()`, an INSERT rows);
/// it says whether its rows can be streamed (`streamable`: an INSERT of many values may take
/// several statements, see `parts()` and core's bulk_insert.hpp).
template <class Self, class Source>
class executable {
 private:
  static constexpr void check_rows() {
    if constexpr (requires { Self::changes_data; }) Self::check_runnable();
    static_assert(!std::is_void_v<typename Self::row_type>,
                  "tabula: this statement returns no rows. Add returning(...) or "
                  "returning_model(), or run it with execute().");
  }
  static consteval void check_query(const char* /*operation*/) {
    static_assert(!requires { Self::changes_data; },
                  "tabula: count(), exists() and grouped() read a query; an INSERT, UPDATE or "
                  "DELETE cannot be one. Use all() on its returning(...), or execute().");
  }

 public:
  /// Every row (of a data-changing statement: of its RETURNING, in the order the database
  /// returns them).
  [[nodiscard]] auto all() const {
    static_assert((check_rows(), true));
    return exec::all(detail::running_source(source_), static_cast<const Self&>(*this));
  }
  /// The rows of a select of (model, child) grouped under each model by its primary key:
  /// `std::vector<std::pair<Model, std::vector<Child>>>`, models in the order they first appear.
  [[nodiscard]] auto grouped() const {
    check_query("grouped()");
    return exec::grouped(detail::running_source(source_), static_cast<const Self&>(*this));
  }
  /// The first row, if any.
  [[nodiscard]] auto first() const {
    static_assert((check_rows(), true));
    return exec::first(detail::running_source(source_), static_cast<const Self&>(*this));
  }
  /// Exactly one row: `no_result_error` when none, `multiple_results_error` when more.
  [[nodiscard]] decltype(auto) one() const {
    static_assert((check_rows(), true));
    return exec::one(detail::running_source(source_), static_cast<const Self&>(*this));
  }
  /// One row or none: `multiple_results_error` when more.
  [[nodiscard]] auto one_or_none() const {
    static_assert((check_rows(), true));
    return exec::one_or_none(detail::running_source(source_), static_cast<const Self&>(*this));
  }
  /// The first column of the first row (`no_result_error` when there is no row).
  [[nodiscard]] auto scalar() const {
    static_assert((check_rows(), true));
    return exec::scalar(detail::running_source(source_), static_cast<const Self&>(*this));
  }
  /// The number of rows the statement yields: `SELECT count(*) FROM (...)`.
  [[nodiscard]] std::int64_t count() const {
    check_query("count()");
    return exec::count(detail::running_source(source_), static_cast<const Self&>(*this));
  }
  /// Whether the statement yields any row: `SELECT EXISTS (...)`.
  [[nodiscard]] bool exists() const {
    check_query("exists()");
    return exec::exists(detail::running_source(source_), static_cast<const Self&>(*this));
  }
  /// The rows one at a time: `for (auto&& row : q.stream())`.
  [[nodiscard]] auto stream() const {
    static_assert((check_rows(), true));
    if constexpr (requires { Self::streamable; }) {
      static_assert(Self::streamable,
                    "tabula: stream() reads the rows of one SQL statement, and an INSERT of "
                    "values may take several. Use all().");
    }
    return exec::stream(detail::running_source(source_), static_cast<const Self&>(*this));
  }
  /// Runs the statement; the number of rows it inserted, changed or deleted.
  std::int64_t execute() const {
    if constexpr (requires { Self::changes_data; }) static_assert((Self::check_runnable(), true));
    return exec::execute(detail::running_source(source_), static_cast<const Self&>(*this));
  }

  /// The engine, connection or session this statement runs on.
  [[nodiscard]] Source* source_ptr() const noexcept { return source_; }

 protected:
  // No constructor: each statement sets `source_` in its own, so that no constructor is
  // compiled per statement type for the base.
  Source* source_;

 private:
  struct no_executor {};
  using exec = std::conditional_t<std::is_void_v<Source>, no_executor, executor<Source>>;
};

}  // namespace tabula
