#pragma once
/// \file compound.hpp
/// Set operations between selects with the same row type: `a.union_(b)`, `a.union_all(b)`,
/// `a.intersect(b)`, `a.except_(b)`, chained left to right, with `order_by` / `limit` /
/// `offset` applying to the whole. ORDER BY of a compound names result columns, so plain
/// columns in it are printed without their table (`ORDER BY "name"`).
///
/// ```cpp
/// db.select(col(&Model::name)).where(col(&Model::framework) == "jax")
///     .union_(db.select(col(&Archive::name)))
///     .order_by(col(&Model::name))
///     .all();  // std::vector<std::string>
/// ```

#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/executable.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/query/select.hpp"
#include "tabula/query/subquery.hpp"

namespace tabula {

/// True when `A` and `B` can be operands of one set operation: their rows have the same type.
template <class A, class B>
concept set_compatible =
    detail::select_like<A> && detail::select_like<B> &&
    std::is_same_v<typename A::row_type, typename B::row_type>;

namespace detail {

template <ast::set_op Op, class S>
struct compound_operand {
  static constexpr ast::set_op op = Op;
  S query;
};

/// The first operand of a compound as the compound's head: itself, or `SELECT * FROM (...)`
/// when it has an ORDER BY, LIMIT, OFFSET or set operation of its own, which would otherwise
/// apply to the whole.
ast::select compound_head(ast::select first);

template <class Tuple>
struct operand_queries;
template <class... Ops>
struct operand_queries<std::tuple<Ops...>> {
  using relations = list_concat_many_t<type_list<>, relations_t<decltype(Ops::query)>...>;
  using free_models = list_concat_many_t<type_list<>, free_models_t<decltype(Ops::query)>...>;
  static constexpr bool fixed_shape = (decltype(Ops::query)::fixed_shape && ...);
};

template <ast::set_op Op, class Source, class First, class Other>
auto make_compound(const First& first, Other other);

}  // namespace detail

/// A compound select: `First` followed by set operations with further selects.
template <class Source, class First, class Rest, class Order, class Limit, class Offset>
class compound_statement
    : public executable<compound_statement<Source, First, Rest, Order, Limit, Offset>, Source> {
  using base = executable<compound_statement, Source>;
  using operands = detail::operand_queries<Rest>;
  template <class, class, class, class, class, class>
  friend class compound_statement;

 public:
  using row_type = typename First::row_type;
  using relations = detail::list_unique_t<
      detail::list_concat_t<detail::relations_t<First>, typename operands::relations>>;
  using free_models = detail::list_unique_t<
      detail::list_concat_t<detail::free_models_t<First>, typename operands::free_models>>;
  static constexpr bool fixed_shape = First::fixed_shape && operands::fixed_shape &&
                                      Order::fixed_shape;

  /// The rules a runnable compound follows.
  struct checks {
    /// Every column its operands read is in their own FROM or JOINs.
    static constexpr bool scope = detail::list_size<free_models>::value == 0;
    static constexpr bool all = scope;
  };

  compound_statement(Source* source, First first, Rest rest, Order order = {}, Limit limit = {},
                     Offset offset = {})
      : first_(TABULA_MOVE(first)),
        rest_(TABULA_MOVE(rest)),
        order_(TABULA_MOVE(order)),
        limit_(limit),
        offset_(offset) {
    this->source_ = source;
  }

  /// `... UNION other`.
  template <class Other>
  [[nodiscard]] auto union_(Other other) const {
    return add<ast::set_op::union_>(TABULA_MOVE(other));
  }
  /// `... UNION ALL other`.
  template <class Other>
  [[nodiscard]] auto union_all(Other other) const {
    return add<ast::set_op::union_all>(TABULA_MOVE(other));
  }
  /// `... INTERSECT other`.
  template <class Other>
  [[nodiscard]] auto intersect(Other other) const {
    return add<ast::set_op::intersect>(TABULA_MOVE(other));
  }
  /// `... EXCEPT other`.
  template <class Other>
  [[nodiscard]] auto except_(Other other) const {
    return add<ast::set_op::except>(TABULA_MOVE(other));
  }

  /// ORDER BY of the whole compound: result columns (plain columns print unqualified).
  template <class... Terms>
  [[nodiscard]] auto order_by(Terms... terms) const {
    auto order = order_.append(detail::as_ordering(TABULA_MOVE(terms))...);
    return compound_statement<Source, First, Rest, decltype(order), Limit, Offset>(
        this->source_, first_, rest_, TABULA_MOVE(order), limit_, offset_);
  }
  /// LIMIT of the whole compound.
  [[nodiscard]] auto limit(std::int64_t n) const {
    return compound_statement<Source, First, Rest, Order, detail::limit_clause, Offset>(
        this->source_, first_, rest_, order_, detail::limit_clause{n}, offset_);
  }
  /// OFFSET of the whole compound.
  [[nodiscard]] auto offset(std::int64_t n) const {
    return compound_statement<Source, First, Rest, Order, Limit, detail::offset_clause>(
        this->source_, first_, rest_, order_, limit_, detail::offset_clause{n});
  }

  /// The statement as an AST, its parameters numbered from 0.
  [[nodiscard]] ast::statement lower() const {
    static_assert(checks::scope,
                  "tabula: an operand of this set operation reads a column of a model that is "
                  "not in its FROM or JOINs. Add .from<Model>() or .join<Model>(...) to it.");
    detail::lower_context ctx;
    return lower_select(ctx);
  }
  /// The AST inside an enclosing statement, its parameters numbered on from `ctx`.
  [[nodiscard]] ast::select lower_select(detail::lower_context& ctx) const {
    ast::select s = detail::compound_head(detail::lower_subselect(first_, ctx));
    std::apply(
        [&](const auto&... op) {
          (s.compound.push_back(
               ast::compound_part{op.op, detail::lower_subselect(op.query, ctx)}),
           ...);
        },
        rest_);
    order_.lower_into(s, ctx);
    limit_.lower_into(s, ctx);
    offset_.lower_into(s, ctx);
    return s;
  }
  /// Binds every value in the order `lower` numbered them.
  template <class Binder>
  void bind(Binder& b) const {
    first_.bind(b);
    std::apply([&](const auto&... op) { (op.query.bind(b), ...); }, rest_);
    order_.bind(b);
    limit_.bind(b);
    offset_.bind(b);
  }

 private:
  template <ast::set_op Op, class Other>
  auto add(Other other) const {
    static_assert(std::is_same_v<Order, detail::order_list<true>> &&
                      std::is_same_v<Limit, detail::no_clause> &&
                      std::is_same_v<Offset, detail::no_clause>,
                  "tabula: order_by, limit and offset apply to a whole compound select. Call "
                  "them after the last set operation.");
    static_assert(set_compatible<compound_statement, Other>,
                  "tabula: union_, union_all, intersect and except_ combine selects with the "
                  "same row type. Make both select lists yield the same types in the same order.");
    auto rest = std::tuple_cat(rest_, std::make_tuple(detail::compound_operand<Op, Other>{TABULA_MOVE(other)}));
    return compound_statement<Source, First, decltype(rest), Order, Limit, Offset>(
        this->source_, first_, TABULA_MOVE(rest), order_, limit_, offset_);
  }

  First first_;
  Rest rest_;
  Order order_;
  Limit limit_;
  Offset offset_;
};

namespace detail {
template <ast::set_op Op, class Source, class First, class Other>
auto make_compound(const First& first, Other other) {
  static_assert(set_compatible<First, Other>,
                "tabula: union_, union_all, intersect and except_ combine selects with the same "
                "row type. Make both select lists yield the same types in the same order.");
  using rest = std::tuple<compound_operand<Op, Other>>;
  return compound_statement<Source, First, rest, order_list<true>, no_clause, no_clause>(
      first.source_ptr(), first, rest{compound_operand<Op, Other>{TABULA_MOVE(other)}});
}
}  // namespace detail

template <class Source, class Spec>
template <class Other>
auto select_statement<Source, Spec>::union_(Other other) const {
  return detail::make_compound<ast::set_op::union_, Source>(*this, TABULA_MOVE(other));
}
template <class Source, class Spec>
template <class Other>
auto select_statement<Source, Spec>::union_all(Other other) const {
  return detail::make_compound<ast::set_op::union_all, Source>(*this, TABULA_MOVE(other));
}
template <class Source, class Spec>
template <class Other>
auto select_statement<Source, Spec>::intersect(Other other) const {
  return detail::make_compound<ast::set_op::intersect, Source>(*this, TABULA_MOVE(other));
}
template <class Source, class Spec>
template <class Other>
auto select_statement<Source, Spec>::except_(Other other) const {
  return detail::make_compound<ast::set_op::except, Source>(*this, TABULA_MOVE(other));
}

}  // namespace tabula
