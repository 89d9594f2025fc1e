#pragma once
/// \file raw_expression.hpp
/// `tabula::raw<T>("fragment", args...)`: a piece of SQL the typed language does not cover,
/// used as an expression yielding `T`. Each `?` in the fragment stands for the next argument —
/// an expression (printed in brackets) or a C++ value (a bound parameter, never text); `??` is
/// a literal `?`, and so is a `?` inside a string literal, a quoted identifier or a comment.
/// The fragment itself is written into the SQL as given, so it must come from the program,
/// never from user input.
///
/// ```cpp
/// tabula::raw<double>("power(?, 2)", col(&T::x))            // power("t"."x", 2)
/// tabula::raw<bool>("? % ? = 0", col(&T::n), 3)             // ("t"."n" % ?1 = 0)
/// tabula::raw<std::int64_t, "instr(?, ?)">(col(&T::s), "x") // fragment fixed at compile time
/// ```

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tabula/ast/ast.hpp"
#include "tabula/ast/sql_text.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

namespace detail {
/// A fragment given as run-time text: part of the SQL, so the statement is compiled per
/// execution (text held like a label's, see expression_node.hpp).
using runtime_fragment = runtime_label;
/// A fragment fixed at compile time: the statement's SQL stays compiled once.
template <constant_text Text>
using constant_fragment = constant_label<Text>;
}  // namespace detail

/// An SQL fragment yielding `T`, with its `?` bound to `Args` in order. `contains_aggregate`
/// and `contains_bare_column` are those of its arguments: tabula does not read the fragment.
template <class T, class Fragment, class... Args>
struct raw_expr : detail::expression_base<raw_expr<T, Fragment, Args...>> {
  using value_type = T;
  using models = typename detail::models_of_all<Args...>::type;
  static constexpr bool fixed_shape = Fragment::fixed_shape && detail::all_fixed<Args...>;
  static constexpr bool contains_aggregate = detail::any_aggregate<Args...>;
  static constexpr bool contains_bare_column = detail::any_bare_column<Args...>;

  Fragment fragment;
  detail::bundle<Args...> args;

  /// The fragment, as written.
  [[nodiscard]] std::string_view sql() const noexcept { return fragment.view(); }

  [[nodiscard]] ast::expr lower(detail::lower_context& ctx) const {
    ast::raw r{std::string(fragment.view()), {}};
    r.args.reserve(sizeof...(Args));
    detail::bundle_lower(args, r.args, ctx);
    return r;
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bundle_bind(args, b);
  }
};

namespace detail {
template <class T>
consteval void check_raw_type() {
  static_assert(column_type<T>,
                "tabula: raw<T> reads its result as T, and T has no SQL mapping. Use a mapped "
                "type such as std::int64_t, double, std::string or std::optional of one.");
}
}  // namespace detail

/// `fragment` as an expression yielding `T`; each `?` is the next of `args` (expressions, or
/// values bound as parameters). The fragment's text is part of the SQL, so the statement is
/// compiled on each execution; give it as a template argument (`raw<T, "...">(args...)`) to
/// compile it once. A count of `?` different from the arguments' is a `programming_error`
/// when the statement is compiled.
template <class T, class... Args>
[[nodiscard]] auto raw(std::string_view fragment, Args&&... args) {
  detail::check_raw_type<T>();
  return raw_expr<T, detail::runtime_fragment, detail::as_expr_t<Args>...>{
      {},
      detail::runtime_fragment{std::string(fragment)},
      {{detail::as_expr(static_cast<Args&&>(args))}...}};
}

/// `Fragment` (fixed at compile time) as an expression yielding `T`:
/// `raw<double, "power(?, 2)">(col(&T::x))`. The count of `?` is checked at compile time.
template <class T, detail::constant_text Fragment, class... Args>
[[nodiscard]] constexpr auto raw(Args&&... args) {
  detail::check_raw_type<T>();
  static_assert(detail::count_placeholders(Fragment.view()) == sizeof...(Args),
                "tabula: a raw fragment takes one argument per '?'. Pass as many arguments as "
                "it has '?', and write '?\?' for a literal '?'.");
  return raw_expr<T, detail::constant_fragment<Fragment>, detail::as_expr_t<Args>...>{
      {}, {}, {{detail::as_expr(static_cast<Args&&>(args))}...}};
}

}  // namespace tabula
