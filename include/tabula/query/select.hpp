#pragma once
/// \file select.hpp
/// `select_from<Model>()`: a typed SELECT of whole models with where / order_by / limit /
/// offset. Every clause is part of the statement's type, so the SQL for one statement type is
/// compiled once per dialect; values (including LIMIT and OFFSET) are bound parameters.

#include <cstdint>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/query/executable.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

namespace detail {
/// A clause that is absent: lowers to nothing, binds nothing.
struct no_clause {
  using models = type_list<>;
};

/// The select list of a whole model: every column, in field order.
template <class Model>
std::vector<ast::select_item> model_columns() {
  const auto& table = table_of<Model>();
  std::vector<ast::select_item> items;
  items.reserve(table.def.columns.size());
  for (const auto& c : table.def.columns) {
    items.push_back(ast::select_item{ast::column_ref{table.def.name, c.name}, {}});
  }
  return items;
}

/// True when no part's SQL depends on run-time values (a clause or a tuple of clauses).
template <class... Parts>
constexpr bool all_fixed_shape() {
  return (fixed_shape_of<Parts>() && ...);
}

struct limit_clause {
  using models = type_list<>;
  std::int64_t n = 0;
};
struct offset_clause {
  using models = type_list<>;
  std::int64_t n = 0;
};
}  // namespace detail

/// SELECT of whole `Model` rows. Build with `db.query<Model>()` (runs on `db`) or
/// `select_from<Model>()` (unbound); refine with `where`, `order_by`, `limit`, `offset`; each
/// returns a new statement type. Finish with a terminal operation (see executable.hpp).
template <class Source, class Model, class Where = detail::no_clause, class Order = std::tuple<>,
          class Limit = detail::no_clause, class Offset = detail::no_clause>
class select_statement
    : public executable<select_statement<Source, Model, Where, Order, Limit, Offset>, Source> {
  using base = executable<select_statement, Source>;
  template <class, class, class, class, class, class>
  friend class select_statement;

 public:
  using model_type = Model;
  using row_type = Model;
  /// True when the SQL depends only on this type, so it is compiled once per dialect.
  static constexpr bool fixed_shape = detail::all_fixed_shape<Where, Order>();

  explicit select_statement(Source* source = nullptr) : base(source) {}
  select_statement(Source* source, Where w, Order o, Limit l, Offset off)
      : base(source), where_(std::move(w)), order_(std::move(o)), limit_(l), offset_(off) {}

  /// Adds a condition; a second `where` is combined with AND.
  template <expression Cond>
  [[nodiscard]] auto where(Cond cond) const {
    static_assert(detail::category_of<typename Cond::value_type>() == detail::category::boolean,
                  "tabula: where() takes a condition. Pass a boolean expression such as "
                  "col(&T::x) == v.");
    static_assert(detail::list_subset<typename Cond::models, detail::type_list<Model>>::value,
                  "tabula: the condition uses a column of a model that is not in this query. "
                  "Query that model, or join it.");
    if constexpr (std::is_same_v<Where, detail::no_clause>) {
      return select_statement<Source, Model, Cond, Order, Limit, Offset>{
          this->source_, std::move(cond), order_, limit_, offset_};
    } else {
      auto both = where_ && std::move(cond);
      return select_statement<Source, Model, decltype(both), Order, Limit, Offset>{
          this->source_, std::move(both), order_, limit_, offset_};
    }
  }

  /// Adds ORDER BY terms: `asc(&T::a)`, `desc(col(&T::b))`, or plain members/columns.
  template <class... Terms>
  [[nodiscard]] auto order_by(Terms... terms) const {
    auto added = std::tuple_cat(order_, std::make_tuple(as_ordering(std::move(terms))...));
    return select_statement<Source, Model, Where, decltype(added), Limit, Offset>{
        this->source_, where_, std::move(added), limit_, offset_};
  }

  /// LIMIT n (bound as a parameter).
  [[nodiscard]] auto limit(std::int64_t n) const {
    return select_statement<Source, Model, Where, Order, detail::limit_clause, Offset>{
        this->source_, where_, order_, detail::limit_clause{n}, offset_};
  }
  /// OFFSET n (bound as a parameter).
  [[nodiscard]] auto offset(std::int64_t n) const {
    return select_statement<Source, Model, Where, Order, Limit, detail::offset_clause>{
        this->source_, where_, order_, limit_, detail::offset_clause{n}};
  }

  /// The statement as an AST.
  [[nodiscard]] ast::statement lower() const {
    detail::lower_context ctx;
    ast::select s;
    s.columns = detail::model_columns<Model>();
    s.from = ast::table_ref{std::string(table_name<Model>()), {}};
    if constexpr (!std::is_same_v<Where, detail::no_clause>) s.where = where_.lower(ctx);
    std::apply([&](const auto&... o) { (s.order_by.push_back(o.lower(ctx)), ...); }, order_);
    if constexpr (!std::is_same_v<Limit, detail::no_clause>) s.limit = ctx.param();
    if constexpr (!std::is_same_v<Offset, detail::no_clause>) s.offset = ctx.param();
    return s;
  }
  /// Binds every value in the order `lower` numbered them.
  template <class Binder>
  void bind(Binder& b) const {
    if constexpr (!std::is_same_v<Where, detail::no_clause>) where_.bind(b);
    std::apply([&](const auto&... o) { (o.bind(b), ...); }, order_);
    if constexpr (!std::is_same_v<Limit, detail::no_clause>) b(limit_.n);
    if constexpr (!std::is_same_v<Offset, detail::no_clause>) b(offset_.n);
  }

 private:
  template <class T>
  static auto as_ordering(T t) {
    if constexpr (requires { t.descending; }) return t;
    else return asc(std::move(t));
  }

  Where where_{};
  Order order_{};
  Limit limit_{};
  Offset offset_{};
};

/// A SELECT of whole `Model` rows, not bound to a source.
template <class Model>
[[nodiscard]] select_statement<void, Model> select_from() {
  return select_statement<void, Model>{};
}

}  // namespace tabula
