#pragma once
/// \file relation.hpp
/// What a select reads from: a model's table, the same table under another name
/// (`alias<Employee, "manager">`, for self-joins), or a named query (`cte<Row, "name">` /
/// `derived<Row, "name">`: a CTE or a subquery in FROM whose rows read into `Row`). Each is a
/// *relation*: a type that brings columns into a statement's scope, names them in SQL and says
/// which struct a whole row of it reads into.
///
/// ```cpp
/// using manager = tabula::alias<Employee, "manager">;
/// col<manager>(&Employee::name)      // "manager"."name"
/// tabula::all_of<manager>            // every column of "manager", read as an Employee
/// ```

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/query/detail/type_list.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

/// The table of `Model` under the name `Name`: `"employees" AS "manager"` in FROM or JOIN, its
/// columns qualified by `"manager"`. Lets one statement read a table twice (self-joins).
///
///     using manager = tabula::alias<Employee, "manager">;
///     db.select(col(&Employee::name), col<manager>(&Employee::name))
///         .left_join<manager>(col<manager>(&Employee::id) == col(&Employee::manager_id));
template <class Model, detail::constant_text Name>
struct alias {
  static_assert(Name.view().size() > 0, "tabula: an alias needs a name. Write alias<T, \"n\">.");
  /// What `all_of<alias>` reads a row into.
  using row_type = Model;
  /// The model whose members name this relation's columns.
  using member_owner = Model;
};

/// A named query: its rows read into `Row`, whose fields name its columns in order. Given to
/// `with(...)` it is a common table expression; given to `from(...)`/`join(...)` it is a
/// derived table (`(SELECT ...) AS "name"`). Its columns are `col<R>(&Row::field)`. Spelled
/// `cte<Row, "name">` or `derived<Row, "name">` (the same type) as reads best.
template <class Row, detail::constant_text Name>
struct query_table {
  static_assert(Name.view().size() > 0,
                "tabula: a named query needs a name. Write cte<Row, \"n\"> or derived<Row, \"n\">.");
  static_assert(reflect::reflectable<Row>,
                "tabula: the row type of a named query must be a struct whose fields name its "
                "columns. Declare one with a field per column of the query.");
  using row_type = Row;
  using member_owner = Row;

  /// The definition of this relation by `query`: pass it to `with(...)` (a CTE) or to
  /// `from(...)` / `join(...)` (a derived table). Defined in cte.hpp.
  template <class Query>
  static auto as(Query query);
};

/// A common table expression named `Name` with rows of type `Row`: `with(cte::as(query))`.
template <class Row, detail::constant_text Name>
using cte = query_table<Row, Name>;
/// A derived table named `Name` with rows of type `Row`: `from(derived::as(query))`.
template <class Row, detail::constant_text Name>
using derived = query_table<Row, Name>;

namespace detail {

// ----- relations

template <class T>
struct relation_kind {
  static constexpr bool is_alias = false;
  static constexpr bool is_query_table = false;
};
template <class Model, detail::constant_text Name>
struct relation_kind<alias<Model, Name>> {
  static constexpr bool is_alias = true;
  static constexpr bool is_query_table = false;
  static constexpr std::string_view name = Name.view();
};
template <class Row, detail::constant_text Name>
struct relation_kind<query_table<Row, Name>> {
  static constexpr bool is_alias = false;
  static constexpr bool is_query_table = true;
  static constexpr std::string_view name = Name.view();
};

template <class R>
inline constexpr bool is_alias_v = relation_kind<R>::is_alias;
template <class R>
inline constexpr bool is_query_table_v = relation_kind<R>::is_query_table;

/// The struct a whole row of relation `R` reads into.
template <class R>
struct relation_row {
  using type = R;  // a model is its own row
};
template <class R>
  requires(is_alias_v<R> || is_query_table_v<R>)
struct relation_row<R> {
  using type = typename R::row_type;
};
template <class R>
using relation_row_t = typename relation_row<R>::type;

/// The struct whose member pointers name `R`'s columns.
template <class R>
using member_owner_t = relation_row_t<R>;

/// How `R`'s columns are qualified in SQL: the table name, the alias, or the query's name.
template <class R>
std::string relation_qualifier() {
  if constexpr (is_alias_v<R> || is_query_table_v<R>) {
    return std::string(relation_kind<R>::name);
  } else {
    return std::string(table_name<R>());
  }
}

/// `R` in FROM or JOIN: `"models"`, `"employees" AS "manager"`, or the CTE `"lineage"`.
template <class R>
ast::table_ref relation_table() {
  if constexpr (is_alias_v<R>) {
    ast::table_ref ref = table_ref_of(table_of<typename R::row_type>());
    ref.alias = std::string(relation_kind<R>::name);
    return ref;
  } else if constexpr (is_query_table_v<R>) {
    return {relation_qualifier<R>(), {}};
  } else {
    return table_ref_of(table_of<R>());
  }
}

/// The column names of `R`, in field order: the model's column names; a named query's are its
/// row struct's field names.
template <class R>
const std::vector<std::string>& relation_column_names() {
  if constexpr (is_query_table_v<R>) {
    static const std::vector<std::string> names = [] {
      std::vector<std::string> out;
      for (std::string_view n : reflect::field_names<typename R::row_type>) out.emplace_back(n);
      return out;
    }();
    return names;
  } else {
    static const std::vector<std::string> names = [] {
      std::vector<std::string> out;
      for (const auto& c : table_of<relation_row_t<R>>().def.columns) out.push_back(c.name);
      return out;
    }();
    return names;
  }
}

/// The number of columns of `R`.
template <class R>
inline constexpr std::size_t relation_width = reflect::field_count<relation_row_t<R>>;

}  // namespace detail

/// A column of relation `R` (an alias or a named query): `col<manager>(&Employee::name)`.
template <class R, class Member>
struct relation_column : detail::expression_base<relation_column<R, Member>> {
  using value_type = Member;
  using relation_type = R;
  using models = detail::type_list<R>;
  static constexpr bool contains_bare_column = true;

  Member detail::member_owner_t<R>::*member;

  [[nodiscard]] const std::string& name() const {
    return detail::relation_column_names<R>()[reflect::field_index(member)];
  }
  [[nodiscard]] ast::expr lower(detail::lower_context& /*ctx*/) const {
    return ast::make_column_ref(detail::relation_qualifier<R>(), name());
  }
  template <class Binder>
  void bind(Binder& b) const {
    detail::bind_shape(b, member);
  }
};

/// The column `member` designates in relation `R`, an alias or a named query:
/// `col<manager>(&Employee::name)`, `col<lineage>(&lineage_row::depth)`.
template <class R, class Owner, class Member>
  requires(detail::is_alias_v<R> || detail::is_query_table_v<R>)
constexpr relation_column<R, Member> col(Member Owner::*member) {
  static_assert(std::is_same_v<Owner, detail::member_owner_t<R>>,
                "tabula: this member belongs to another struct than the relation's rows. Name a "
                "member of the aliased model or of the named query's row struct.");
  static_assert(column_type<Member>,
                "tabula: this member's type has no SQL mapping. Specialize tabula::type_traits "
                "for it (see docs/models.md).");
  return relation_column<R, Member>{{}, member};
}

/// Every column of relation `R` in a select list, read as one struct: `all_of<Model>`,
/// `all_of<manager>` (an `Employee`), `all_of<lineage>` (a `lineage_row`).
template <class R>
struct whole {
  using models = detail::type_list<R>;
  using row_type = detail::relation_row_t<R>;
  static constexpr bool fixed_shape = true;
  /// Binds nothing: a whole row has no values.
  template <class Binder>
  constexpr void bind(Binder& /*b*/) const noexcept {}
};

/// A whole row of relation `R` in a select list: `db.select(tabula::all_of<Model>, count())`.
template <class R>
inline constexpr whole<R> all_of{};

}  // namespace tabula
