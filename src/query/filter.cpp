// The model-independent part of tabula::filter: composing lowered conditions and renumbering
// their parameters when a statement lowers them.

#include "tabula/query/filter.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "tabula/error.hpp"

namespace tabula::detail {

namespace {

void shift_select(ast::select& s, std::uint32_t by);

void shift_order(std::vector<ast::order_item>& items, std::uint32_t by) {
  for (auto& item : items) shift_params(*item.value, by);
}

void shift_list(ast::expr_list& list, std::uint32_t by) {
  for (auto& e : list) shift_params(e, by);
}

void shift_from(ast::from_item& from, std::uint32_t by) {
  if (auto* derived = from.get_if<ast::derived_table>()) shift_select(*derived->query, by);
}

void shift_optional(std::optional<ast::expr>& e, std::uint32_t by) {
  if (e) shift_params(*e, by);
}

void shift_select(ast::select& s, std::uint32_t by) {
  for (auto& c : s.with) shift_select(*c.query, by);
  for (auto& item : s.columns) shift_params(item.value, by);
  if (s.from) shift_from(*s.from, by);
  for (auto& j : s.joins) {
    shift_from(j.target, by);
    shift_optional(j.on, by);
  }
  shift_optional(s.where, by);
  shift_list(s.group_by, by);
  shift_optional(s.having, by);
  for (auto& part : s.compound) shift_select(*part.query, by);
  shift_order(s.order_by, by);
  shift_optional(s.limit, by);
  shift_optional(s.offset, by);
}

[[noreturn]] void throw_slot_mismatch(std::uint32_t slots, std::size_t values) {
  throw_error<programming_error>(fmt::format(
      "tabula: a filter piece numbered {} parameter(s) but bound {} value(s). Its lower() and "
      "bind() must visit the same values in the same order.",
      slots, values));
}

}  // namespace

void shift_params(ast::expr& e, std::uint32_t by) {
  std::visit(
      [by](auto& n) {
        using N = std::remove_cvref_t<decltype(n)>;
        if constexpr (std::is_same_v<N, ast::param>) {
          n.index += by;
        } else if constexpr (std::is_same_v<N, ast::unary> || std::is_same_v<N, ast::cast>) {
          shift_params(*n.operand, by);
        } else if constexpr (std::is_same_v<N, ast::binary>) {
          shift_params(*n.lhs, by);
          shift_params(*n.rhs, by);
        } else if constexpr (std::is_same_v<N, ast::like>) {
          shift_params(*n.operand, by);
          shift_params(*n.pattern, by);
        } else if constexpr (std::is_same_v<N, ast::in_list>) {
          shift_params(*n.operand, by);
          shift_list(n.items, by);
        } else if constexpr (std::is_same_v<N, ast::in_select>) {
          shift_params(*n.operand, by);
          shift_select(*n.query, by);
        } else if constexpr (std::is_same_v<N, ast::between>) {
          shift_params(*n.operand, by);
          shift_params(*n.low, by);
          shift_params(*n.high, by);
        } else if constexpr (std::is_same_v<N, ast::exists> || std::is_same_v<N, ast::subquery>) {
          shift_select(*n.query, by);
        } else if constexpr (std::is_same_v<N, ast::function> || std::is_same_v<N, ast::raw>) {
          shift_list(n.args, by);
        } else if constexpr (std::is_same_v<N, ast::case_when>) {
          if (n.operand) shift_params(**n.operand, by);
          for (auto& [when, then] : n.whens) {
            shift_params(when, by);
            shift_params(then, by);
          }
          if (n.otherwise) shift_params(**n.otherwise, by);
        } else if constexpr (std::is_same_v<N, ast::window>) {
          shift_params(*n.function, by);
          shift_list(n.partition_by, by);
          shift_order(n.order_by, by);
        } else {
          // column_ref, star, literal, excluded: no parameter inside.
          static_assert(std::is_same_v<N, ast::column_ref> || std::is_same_v<N, ast::star> ||
                            std::is_same_v<N, ast::literal> || std::is_same_v<N, ast::excluded>,
                        "tabula: shift_params misses a node kind of the AST. Add it.");
        }
      },
      e.node());
}

void filter_core::add(ast::binary_op op, ast::expr piece, std::uint32_t slots,
                      std::vector<ast::value> values) {
  if (slots != values.size()) throw_slot_mismatch(slots, values.size());
  if (condition_) {
    condition_ = ast::expr(ast::binary{op, std::move(*condition_), std::move(piece)});
  } else {
    condition_ = std::move(piece);
  }
  values_.insert(values_.end(), std::make_move_iterator(values.begin()),
                 std::make_move_iterator(values.end()));
}

void filter_core::add(ast::binary_op op, const filter_core& other) {
  if (!other.condition_) return;
  ast::expr piece = *other.condition_;
  shift_params(piece, static_cast<std::uint32_t>(values_.size()));
  add(op, std::move(piece), static_cast<std::uint32_t>(other.values_.size()), other.values_);
}

void filter_core::negate() {
  if (condition_) condition_ = ast::expr(ast::unary{ast::unary_op::not_, std::move(*condition_)});
}

ast::expr filter_core::lower(lower_context& ctx) const {
  if (!condition_) {
    const ast::expr one = ast::literal{std::int64_t{1}};
    return ast::binary{ast::binary_op::eq, one, one};
  }
  ast::expr out = *condition_;
  if (ctx.next_param != 0) shift_params(out, ctx.next_param);
  ctx.next_param += static_cast<std::uint32_t>(values_.size());
  return out;
}

}  // namespace tabula::detail
