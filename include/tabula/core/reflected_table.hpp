#pragma once
/// \file reflected_table.hpp
/// A table used without a C++ struct: its columns read from the database, its rows read and
/// written as values by column name, its rows chosen with `tabula::filter<tabula::reflected_row>`.
///
///     tabula::reflected_table users = db.reflect("users");
///     tabula::filter<tabula::reflected_row> f;
///     if (min_age) f &= users.col<std::int64_t>("age") >= *min_age;
///     for (const tabula::reflected_row& r : users.select(db, f)) {
///       std::string name = r.get<std::string>("name");
///     }
///     users.insert(db, {{"name", "Ada"}, {"age", std::int64_t{36}}});
///
/// See docs/inspect.md.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/ast/ast.hpp"
#include "tabula/ast/value.hpp"
#include "tabula/core/inspect.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/detail/shared.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/query/filter.hpp"

namespace tabula {

/// One row of a reflected table: a value per column, by column name.
class reflected_row {
 public:
  reflected_row() = default;
  reflected_row(detail::shared<const std::vector<std::string>> columns,
                std::vector<ast::value> values);

  /// The column names, in table order.
  [[nodiscard]] const std::vector<std::string>& columns() const noexcept;
  /// The values, in the columns' order.
  [[nodiscard]] const std::vector<ast::value>& values() const noexcept { return values_; }
  /// The value of `column`; throws `programming_error` for a name the table has not.
  [[nodiscard]] const ast::value& operator[](std::string_view column) const;
  [[nodiscard]] ast::value& operator[](std::string_view column);
  [[nodiscard]] bool is_null(std::string_view column) const;

  /// The value of `column` as `V`: `std::int64_t` (and other integers), `double`, `bool`,
  /// `std::string`, `tabula::blob`, or `std::optional` of one (NULL: `std::nullopt`). Throws
  /// `conversion_error` for NULL into a non-optional `V`, or a value of another kind.
  template <class V>
  [[nodiscard]] V get(std::string_view column) const {
    const ast::value& v = (*this)[column];
    if constexpr (is_optional_v<V>) {
      if (std::holds_alternative<ast::null_t>(v)) return std::nullopt;
      return convert<typename V::value_type>(v, column);
    } else {
      return convert<V>(v, column);
    }
  }

 private:
  template <class V>
  static V convert(const ast::value& v, std::string_view column) {
    if constexpr (std::is_same_v<V, bool>) {
      return as_bool(v, column);
    } else if constexpr (std::is_integral_v<V>) {
      return static_cast<V>(as_int(v, column));
    } else if constexpr (std::is_floating_point_v<V>) {
      return static_cast<V>(as_double(v, column));
    } else if constexpr (std::is_same_v<V, std::string>) {
      return as_text(v, column);
    } else {
      static_assert(std::is_same_v<V, blob>,
                    "tabula: a reflected row's values are read as an integer, a floating point "
                    "number, bool, std::string or tabula::blob (or std::optional of one).");
      return as_blob(v, column);
    }
  }
  static bool as_bool(const ast::value& v, std::string_view column);
  static std::int64_t as_int(const ast::value& v, std::string_view column);
  static double as_double(const ast::value& v, std::string_view column);
  static std::string as_text(const ast::value& v, std::string_view column);
  static blob as_blob(const ast::value& v, std::string_view column);
  [[nodiscard]] std::size_t index_of(std::string_view column) const;

  detail::shared<const std::vector<std::string>> columns_;
  std::vector<ast::value> values_;
};

/// A column of a reflected table in a condition: `t.col<double>("score") > 0.5`. `V` is the
/// C++ type its values are compared as; the column may hold NULL.
template <class V>
struct reflected_column : detail::expression_base<reflected_column<V>> {
  using value_type = std::optional<V>;
  using models = detail::type_list<reflected_row>;
  /// The column's name is run-time text.
  static constexpr bool fixed_shape = false;
  static constexpr bool contains_bare_column = true;

  std::string table;
  std::string name;

  [[nodiscard]] ast::expr lower(detail::lower_context& /*ctx*/) const {
    return ast::column_ref{table, name};
  }
  template <class Binder>
  void bind(Binder& /*b*/) const {}
};

/// A column's new value in `insert` and `update`: `{"name", "Ada"}`, `{"age", std::int64_t{36}}`,
/// `{"note", tabula::ast::null_t{}}`.
struct column_value {
  std::string column;
  ast::value value;

  column_value(std::string c, ast::value v) : column(TABULA_MOVE(c)), value(TABULA_MOVE(v)) {}
  /// Text; a null pointer is NULL.
  column_value(std::string c, const char* text)
      : column(TABULA_MOVE(c)),
        value(text != nullptr ? ast::value(std::string(text)) : ast::value()) {}
  /// A number or bool: integers are stored as 64-bit integers, floating point as double.
  template <class N>
    requires std::is_arithmetic_v<N>
  column_value(std::string c, N v) : column(TABULA_MOVE(c)), value(number(v)) {}

 private:
  template <class N>
  static ast::value number(N v) {
    if constexpr (std::is_same_v<N, bool>) {
      return v;
    } else if constexpr (std::is_integral_v<N>) {
      return static_cast<std::int64_t>(v);
    } else {
      return static_cast<double>(v);
    }
  }
};

/// A table of the database described by inspection, used without a model struct.
class reflected_table {
 public:
  explicit reflected_table(table_schema schema);

  [[nodiscard]] const table_schema& schema() const noexcept { return schema_; }
  [[nodiscard]] const std::string& name() const noexcept { return schema_.name; }

  /// A column in a condition; throws `programming_error` for a name the table has not.
  template <class V>
  [[nodiscard]] reflected_column<V> col(std::string_view column) const {
    check_column(column);
    return reflected_column<V>{{}, qualifier(), std::string(column)};
  }

  /// `SELECT` every column of the rows `where` accepts (empty: all rows), in primary key
  /// order, at most `limit` of them (0: no limit).
  [[nodiscard]] std::vector<reflected_row> select(engine& db,
                                                  const filter<reflected_row>& where = {},
                                                  std::int64_t limit = 0) const;
  [[nodiscard]] std::vector<reflected_row> select(connection& c,
                                                  const filter<reflected_row>& where = {},
                                                  std::int64_t limit = 0) const;
  /// `INSERT` one row of the given columns (the others take their defaults); returns the row
  /// as stored, generated key and defaults included.
  reflected_row insert(engine& db, const std::vector<column_value>& values) const;
  reflected_row insert(connection& c, const std::vector<column_value>& values) const;
  /// `UPDATE ... SET` the given columns of the rows `where` accepts; returns how many.
  std::int64_t update(engine& db, const std::vector<column_value>& values,
                      const filter<reflected_row>& where) const;
  std::int64_t update(connection& c, const std::vector<column_value>& values,
                      const filter<reflected_row>& where) const;
  /// `DELETE` the rows `where` accepts; returns how many.
  std::int64_t remove(engine& db, const filter<reflected_row>& where) const;
  std::int64_t remove(connection& c, const filter<reflected_row>& where) const;

 private:
  void check_column(std::string_view column) const;
  [[nodiscard]] std::string qualifier() const { return schema_.name; }
  [[nodiscard]] std::vector<ast::select_item> row_items() const;
  [[nodiscard]] std::vector<reflected_row> read_rows(connection& c, const std::string& sql,
                                                     const std::vector<ast::value>& values) const;

  table_schema schema_;
  detail::shared<const std::vector<std::string>> columns_;
};

}  // namespace tabula
