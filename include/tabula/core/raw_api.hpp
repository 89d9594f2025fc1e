#pragma once
/// \file raw_api.hpp
/// Hand-written SQL on an engine or a connection (mixed into both with CRTP):
/// `db.sql<Row>("SELECT ... WHERE x = ?", v)`. Also how the core runs such statements:
/// translating the portable `?` placeholders per dialect, checking the result's columns
/// against the row type, and reading a struct row by column name.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tabula/core/detail/bind.hpp"
#include "tabula/core/detail/statement_ops.hpp"
#include "tabula/core/statement_ref.hpp"
#include "tabula/detail/list_view.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/dialect/dialect.hpp"
#include "tabula/driver/driver.hpp"
#include "tabula/query/text_statement.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

/// `portable` in the SQL of dialect `d`: each `?` becomes the dialect's placeholder for the
/// next parameter (`?1`, `?2`... on SQLite; `$1`, `$2`... on PostgreSQL) and `??` becomes a
/// literal `?`. Text inside string literals, quoted identifiers and comments (and, on
/// PostgreSQL, escape strings `E'...'` and dollar-quoted strings `$tag$...$tag$`) is copied
/// unchanged. A numbered or named placeholder of the database's own (`$1`, `?1`, `:name`) is
/// refused with `programming_error`, since its values would not line up with the `?`s.
[[nodiscard]] compiled_sql translate_sql(const dialect& d, std::string_view portable);

namespace detail {

/// `translate_sql`, cached per thread by dialect and text. Past the cache's capacity the
/// translation is written to `scratch` and returned from there.
const compiled_sql& translated_sql(const dialect& d, std::string_view portable,
                                   compiled_sql& scratch);

[[noreturn]] void throw_placeholder_count(std::string_view sql, std::uint32_t placeholders,
                                          std::uint32_t values);

/// For each of `fields`, the index of the result column of the same name (an exact match, or
/// else the one match ignoring ASCII case). Throws `programming_error` naming every field
/// without a column and every column no field reads.
void map_columns_by_name(const driver::statement& st, detail::list_view<const std::string> fields,
                         std::string_view row_name, detail::list_view<int> out);

/// Throws `programming_error` unless the result has exactly `expected` columns.
void check_column_count(const driver::statement& st, int expected, std::string_view row_name);

/// Reads a struct row field by field from the columns of the same names, mapped at the first
/// row of each execution.
template <class Row>
class by_name_reader {
 public:
  using row_type = Row;

  void operator()(const driver::statement& st, Row& out) {
    map(st);
    read_fields(st, out, [this](std::size_t i) { return columns_[i]; });
  }
  Row make(const driver::statement& st) {
    map(st);
    return make_row<Row>(st, [this](std::size_t i) { return columns_[i]; });
  }

 private:
  void map(const driver::statement& st) {
    if (!mapped_) {
      map_columns_by_name(st, names_of<Row>().columns, reflect::type_name<Row>(), columns_);
      mapped_ = true;
    }
  }

  std::array<int, reflect::field_count<Row>> columns_{};
  bool mapped_ = false;
};

/// Reads a row by position: models, tuples and values from consecutive columns.
template <class Row>
struct positional_reader {
  using row_type = Row;
  void operator()(const driver::statement& st, Row& out) const { read_result(st, out); }
  Row make(const driver::statement& st) const { return make_result<Row>(st); }
};

template <class S>
constexpr bool reads_by_name() {
  if constexpr (requires { S::rows_by_name; }) {
    return S::rows_by_name;
  } else {
    return false;
  }
}

/// How the rows of statement type `S` are read; one reader serves one execution.
template <class S>
using row_reader_t = std::conditional_t<reads_by_name<S>(), by_name_reader<typename S::row_type>,
                                        positional_reader<typename S::row_type>>;

/// Checks, before the first row, that the result's columns fit `Row`.
template <class Row>
void check_result_columns(const driver::statement& st) {
  if constexpr (std::is_void_v<Row>) {
    return;
  } else if constexpr (named_row<Row>) {
    std::array<int, reflect::field_count<Row>> columns{};
    map_columns_by_name(st, names_of<Row>().columns, reflect::type_name<Row>(), columns);
  } else {
    check_column_count(st, result_width<Row>(), reflect::type_name<Row>());
  }
}

/// Prepares a text statement on connection `c`, binds its values and checks its columns.
template <class Conn, text_statement S>
auto start_text(Conn& c, const S& s) {
  compiled_sql scratch;
  const compiled_sql& sql = translated_sql(c.sql_dialect(), s.sql_text(), scratch);
  if (sql.param_count != S::param_count) {
    throw_placeholder_count(s.sql_text(), sql.param_count, S::param_count);
  }
  auto st = c.prepare(sql.text);
  statement_binder b{*st};
  s.bind(b);
  check_result_columns<typename S::row_type>(*st);
  return st;
}

template <text_statement S>
struct text_thunks {
  static statement_ref start(connection& c, const void* s) {
    return start_text(c, *static_cast<const S*>(s));
  }
};
/// The operations of hand-written SQL: one `start`, since it has no AST to lower and bind.
template <text_statement S>
inline constexpr statement_ops statement_ops_of<S, nullptr>{nullptr, nullptr, nullptr,
                                                            &text_thunks<S>::start};

template <class Derived>
class raw_api {
 public:
  /// A hand-written statement read as `Row`: a struct (fields from the columns of the same
  /// names), a `std::tuple` (by position) or a single value. Each `?` in `text` takes the next
  /// argument as a bound parameter; `??` is a literal `?`. Without `Row`, a statement run for
  /// its effect with `execute()`.
  ///
  /// ```cpp
  /// auto rows = db.sql<std::tuple<std::int64_t, std::string>>(
  ///     "SELECT id, name FROM models WHERE accuracy > ?", 0.9).all();
  /// ```
  template <class Row = void, class Text, class... Args>
  [[nodiscard]] auto sql(Text&& text, Args&&... args) {
    static_assert(std::is_convertible_v<const Text&, std::string_view>,
                  "tabula: sql() takes the SQL as text first, then one value per ?.");
    static_assert((raw_argument<stored_t<Args>> && ...),
                  "tabula: an argument of sql() has no SQL mapping. Pass values of mapped types "
                  "(numbers, text, blobs, optionals of them) or specialize tabula::type_traits.");
    std::tuple<stored_t<Args>...> values(stored_t<Args>(static_cast<Args&&>(args))...);
    if constexpr (std::is_void_v<Row>) {
      return raw_command<Derived, stored_t<Args>...>(self(), text_of(static_cast<Text&&>(text)),
                                                     TABULA_MOVE(values));
    } else {
      static_assert(raw_row<Row>,
                    "tabula: sql<Row>() reads rows into a struct (by column name), a std::tuple "
                    "(by position) or a single value. Use one of these as Row.");
      return raw_statement<Derived, Row, stored_t<Args>...>(
          self(), text_of(static_cast<Text&&>(text)), TABULA_MOVE(values));
    }
  }

 protected:
  Derived* self() noexcept { return static_cast<Derived*>(this); }

 private:
  // A string literal is referred to; other text is copied into the statement.
  template <class Text>
  static statement_text text_of(Text&& text) {
    if constexpr (std::is_array_v<std::remove_reference_t<Text>>) {
      return statement_text::literal(std::string_view(text));
    } else {
      return statement_text(std::string(std::string_view(text)));
    }
  }
};

}  // namespace detail
}  // namespace tabula
