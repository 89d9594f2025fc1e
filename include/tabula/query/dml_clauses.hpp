#pragma once
/// \file dml_clauses.hpp
/// The parts INSERT, UPDATE and DELETE share: the checks on conditions and assignments, the
/// WHERE of UPDATE and DELETE with its all-rows guard (`where_clause`), and RETURNING
/// (`returning_clause`). Each statement mixes the clauses in (CRTP) and says how to make the
/// statement with a clause replaced; the clause holds its part, lowers and binds it.

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/error.hpp"
#include "tabula/query/detail/type_list.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/schema/options.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

namespace detail::dml {

/// The row an INSERT proposes, inside ON CONFLICT DO UPDATE (SQL's `excluded`). A model of its
/// own in `models` lists, so that `excluded(...)` is refused everywhere else.
template <class Model>
struct excluded_row {};

// ---------------------------------------------------------------------------------------------
// Helpers and checks shared by the statements

/// Counts the values a part binds: the number of parameter slots it lowers.
struct counting_binder {
  std::uint32_t count = 0;
  template <class V>
  void operator()(const V& /*v*/) {
    ++count;
  }
};

template <class Part>
std::uint32_t bound_values_of(const Part& part) {
  counting_binder counter;
  part.bind(counter);
  return counter.count;
}

/// `typename E::models`, or no model for a part that declares none.
template <class E>
struct models_of {
  using type = type_list<>;
};
template <class E>
requires requires { typename E::models; }
struct models_of<E> {
  using type = typename E::models;
};

template <class Model, class Part>
constexpr bool reads_only = list_subset<typename models_of<Part>::type, type_list<Model>>::value;

template <class Model, class Part>
constexpr bool reads_excluded =
    list_contains<excluded_row<Model>, typename models_of<Part>::type>::value;

/// An assignment `col(&T::c) = value` (see column.hpp): lowers to an `ast::assignment`
/// and binds its values in the same order.
template <class A>
concept assignment_node = requires(const A& a, lower_context& ctx, counting_binder& b) {
  { a.lower(ctx) } -> std::convertible_to<ast::assignment>;
  a.bind(b);
};

/// Lowers a bundle of parts that lower to `Out`, in order.
template <class Out, class Parts>
std::vector<Out> lower_all(const Parts& parts, lower_context& ctx) {
  std::vector<Out> out;
  out.reserve(Parts::size);
  bundle_each(parts, [&](const auto& p) { out.push_back(Out(p.lower(ctx))); });
  return out;
}
template <class Parts, class Binder>
void bind_all(const Parts& parts, Binder& b) {
  bundle_bind(parts, b);
}

/// Absent WHERE: lowers to nothing, binds nothing.
struct no_filter {
  using models = type_list<>;
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

template <class Where>
std::optional<ast::expr> lower_filter(const Where& where, lower_context& ctx) {
  if constexpr (std::is_same_v<Where, no_filter>)
    return std::nullopt;
  else
    return where.lower(ctx);
}

/// Refuses a where() that is only an empty `tabula::filter` (a condition composed at run time
/// to which nothing was added): it would change every row, which takes `all_rows()`.
template <class Where>
void check_not_empty_filter(const Where& where, const char* statement) {
  if constexpr (requires { where.empty(); }) {
    if (where.empty()) {
      throw_error<programming_error>(
          std::string("tabula: the where() of this ") + statement +
          " is an empty filter, which would change every row. Add a condition to the filter, "
          "or call all_rows() to change every row on purpose.");
    }
  }
}

/// `where` combined with AND with a further condition.
template <class Where, class Cond>
auto and_filter(const Where& where, Cond cond) {
  if constexpr (std::is_same_v<Where, no_filter>)
    return cond;
  else
    return where && TABULA_MOVE(cond);
}

/// Checks that `Cond` given to a where() is a condition (a boolean expression); true when it
/// is an expression, so that the checks of what it reads can follow.
template <class Cond>
constexpr bool check_is_condition() {
  static_assert(expression<Cond>,
                "tabula: where() takes a condition. Pass a boolean expression such as "
                "col(&T::x) == v.");
  if constexpr (expression<Cond>) {
    static_assert(category_of<typename Cond::value_type>() == category::boolean,
                  "tabula: where() takes a condition. Pass a boolean expression such as "
                  "col(&T::x) == v.");
    return true;
  } else {
    return false;
  }
}

template <class Model, class Cond>
consteval void check_condition() {
  if constexpr (check_is_condition<Cond>()) {
    static_assert(!reads_excluded<Model, Cond>,
                  "tabula: excluded(...) is the row an INSERT proposes. Use it only inside "
                  "on_conflict(...).do_update(...) and its where().");
    static_assert(reads_only<Model, Cond>,
                  "tabula: the condition uses a column of a model that is not in this "
                  "statement. Filter on columns of the model the statement writes.");
  }
}

template <class Model, class... As>
consteval void check_assignments() {
  static_assert((assignment_node<As> && ...),
                "tabula: set() and do_update() take assignments. Write col(&T::c) = value, e.g. "
                "col(&T::n) = col(&T::n) + 1.");
  static_assert(sizeof...(As) > 0,
                "tabula: set() needs at least one assignment. Pass col(&T::c) = value.");
  static_assert((reads_only<Model, As> && ...),
                "tabula: an assignment uses a column of another model. Assign and read columns "
                "of the model the statement writes.");
}

// ---------------------------------------------------------------------------------------------
// RETURNING

/// No RETURNING: the statement yields no rows.
struct no_returning {
  using row_type = void;
  static constexpr bool fixed_shape = true;
  void lower_into(std::vector<ast::select_item>& /*items*/, lower_context& /*ctx*/) const {}
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

/// Every column of the model written, in field order (declared in src/dml.cpp).
std::vector<ast::select_item> returning_columns(const table_info& t);

/// RETURNING every column: rows are whole models.
template <class Model>
struct returning_model {
  using row_type = Model;
  static constexpr bool fixed_shape = true;
  void lower_into(std::vector<ast::select_item>& items, lower_context& /*ctx*/) const {
    items = returning_columns(table_of<Model>());
  }
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

/// RETURNING expressions: rows are tuples of their values.
template <class... Es>
struct returning_exprs {
  using row_type = std::tuple<typename Es::value_type...>;
  static constexpr bool fixed_shape = (Es::fixed_shape && ...);
  bundle<Es...> exprs;
  void lower_into(std::vector<ast::select_item>& items, lower_context& ctx) const {
    items.reserve(sizeof...(Es));
    bundle_each(exprs, [&](const auto& e) { items.push_back(ast::select_item{e.lower(ctx), {}}); });
  }
  template <class Binder>
  void bind(Binder& b) const {
    bind_all(exprs, b);
  }
};

template <class Model, class... Xs>
auto make_returning(Xs... xs) {
  return returning_exprs<as_expr_t<Xs>...>{{{as_expr(TABULA_MOVE(xs))}...}};
}

template <class Returning>
constexpr bool has_returning = !std::is_same_v<Returning, no_returning>;

}  // namespace detail::dml

/// True when `X` may appear in `returning(...)` of a statement writing `Model`: a member
/// pointer of `Model`, or an expression reading only `Model`'s columns.
template <class Model, class X>
concept returnable = (detail::data_member_pointer<X> &&
                      std::is_same_v<detail::class_of<X>, Model>) ||
                     (!detail::data_member_pointer<X> && expression<X> &&
                      detail::dml::reads_only<Model, X>);

/// True when an UPDATE or DELETE statement may run: it has a `where()`, or `.all_rows()` was
/// called to change every row on purpose.
template <class S>
concept row_scoped = S::row_scoped;

namespace detail::dml {

template <class Model, class... Xs>
consteval void check_returning() {
  static_assert(sizeof...(Xs) > 0,
                "tabula: returning() needs at least one column. Name members such as &T::id, or "
                "call returning_model().");
  static_assert((returnable<Model, Xs> && ...),
                "tabula: returning() names a member or column of another model. Return members "
                "of the model the statement writes.");
}

// ---------------------------------------------------------------------------------------------
// WHERE of UPDATE and DELETE

/// The statements whose WHERE guards against changing every row by mistake.
enum class row_statement : std::uint8_t { update, delete_ };

/// WHERE of an UPDATE or DELETE, with its guard: the statement runs only with a `where()` or
/// after `all_rows()`, and a `where()` given only an empty run-time filter is refused when it
/// runs. `Statement` makes itself with another WHERE through `with_where<AllRows>(where)`.
template <class Statement, class Model, class Where, bool AllRows, row_statement Kind>
class where_clause {
 public:
  /// True when the statement has a `where()` or `all_rows()` (see `row_scoped`).
  static constexpr bool row_scoped = AllRows || !std::is_same_v<Where, no_filter>;

  /// The rows to change or delete; a second `where` is combined with AND.
  template <class Cond>
  [[nodiscard]] auto where(Cond cond) const {
    check_condition<Model, Cond>();
    return statement().template with_where<AllRows>(and_filter(where_, TABULA_MOVE(cond)));
  }

  /// Changes or deletes every row of the table: an UPDATE or DELETE without `where()` runs
  /// only after this call.
  [[nodiscard]] auto all_rows() const { return statement().template with_where<true>(where_); }

 protected:
  where_clause() = default;
  explicit where_clause(Where w) : where_(TABULA_MOVE(w)) {}

  /// The guard checked before the statement runs.
  static constexpr void check_row_scoped() {
    if constexpr (Kind == row_statement::update) {
      static_assert(row_scoped,
                    "tabula: an UPDATE without where() changes every row. Add a where() or call "
                    ".all_rows().");
    } else {
      static_assert(row_scoped,
                    "tabula: a DELETE without where() deletes every row. Add a where() or call "
                    ".all_rows().");
    }
  }
  /// The WHERE clause as an AST (none without `where()`).
  std::optional<ast::expr> lower_where(lower_context& ctx) const {
    if constexpr (!AllRows) {
      check_not_empty_filter(where_, Kind == row_statement::update ? "UPDATE" : "DELETE");
    }
    return lower_filter(where_, ctx);
  }

  Where where_{};

 private:
  const Statement& statement() const noexcept { return static_cast<const Statement&>(*this); }
};

// ---------------------------------------------------------------------------------------------
// RETURNING of INSERT, UPDATE and DELETE

/// RETURNING of an INSERT, UPDATE or DELETE: `returning(...)`, `returning_model()`,
/// `returning<U>()`. `Statement` makes itself with another RETURNING through
/// `with_returning(returning)`.
template <class Statement, class Model, class Returning>
class returning_clause {
  static consteval void check_no_returning() {
    static_assert(!has_returning<Returning>,
                  "tabula: a statement has one returning(). List every column in one call.");
  }

 public:
  /// `RETURNING` the given members (or expressions) of the rows written: rows are tuples.
  template <class... Xs>
  [[nodiscard]] auto returning(Xs... xs) const {
    check_returning<Model, Xs...>();
    check_no_returning();
    return statement().with_returning(make_returning<Model>(TABULA_MOVE(xs)...));
  }
  /// `RETURNING` every column: rows are whole `Model`s.
  [[nodiscard]] auto returning_model() const {
    check_no_returning();
    return statement().with_returning(dml::returning_model<Model>{});
  }
  /// `RETURNING` every column, as `returning_model()`; `U` must be the model written.
  template <class U>
  [[nodiscard]] auto returning() const {
    static_assert(std::is_same_v<U, Model>,
                  "tabula: returning<U>() returns rows of the model the statement writes. Name "
                  "that model, or return members with returning(&T::a, ...).");
    return returning_model();
  }

 protected:
  returning_clause() = default;
  explicit returning_clause(Returning r) : returning_(TABULA_MOVE(r)) {}

  Returning returning_{};

 private:
  const Statement& statement() const noexcept { return static_cast<const Statement&>(*this); }
};

}  // namespace detail::dml

}  // namespace tabula
