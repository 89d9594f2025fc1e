#pragma once
/// \file text_statement.hpp
/// SQL written by hand, with typed results and bound values:
///
/// ```cpp
/// struct Hit { std::int64_t id; std::string name; };
/// auto hits = db.sql<Hit>("SELECT id, name FROM models WHERE framework = ? AND accuracy > ?",
///                         "PyTorch", 0.9).all();                  // std::vector<Hit>
/// db.sql("DELETE FROM models WHERE accuracy < ?", 0.5).execute();  // rows changed
/// ```
///
/// The text uses one portable placeholder, `?`, translated per dialect (`?N` on SQLite, `$N`
/// on PostgreSQL); `??` is a literal `?`; a `?` inside a string literal, a quoted identifier
/// or a comment is left alone. Values are bound parameters, never SQL text.
///
/// A row type is read one of three ways: a struct by column name (every field takes the
/// column of its name; a missing or an unused column is an error naming it), a `std::tuple`
/// by position, or a single value from a one-column result. `db.sql(...)` without a row type
/// runs a statement for its effect (`execute()`).
///
/// A text statement follows the statement protocol of executable.hpp with `sql_text()` in
/// place of `lower()`: the core translates and prepares the text itself.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tabula/detail/move.hpp"
#include "tabula/error.hpp"
#include "tabula/query/executable.hpp"
#include "tabula/query/expression.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/type_traits.hpp"

namespace tabula {

namespace detail {

/// Marks statements that carry SQL text with portable `?` placeholders instead of an AST.
struct text_statement_tag {};

template <class S>
concept text_statement = std::is_base_of_v<text_statement_tag, S>;

template <class T>
struct is_std_tuple : std::false_type {};
template <class... Ts>
struct is_std_tuple<std::tuple<Ts...>> : std::true_type {};

/// A value `db.sql()` can bind: a mapped type, an optional of one, `std::nullopt` or text.
template <class V>
concept raw_argument = column_type<V> || std::is_same_v<V, std::nullopt_t> ||
                       std::is_convertible_v<const V&, std::string_view>;

/// A struct read by column name: reflectable, neither a mapped value nor a tuple.
template <class Row>
concept named_row = reflect::reflectable<Row> && !column_type<Row> && !is_std_tuple<Row>::value;

/// A row type `db.sql<Row>` reads: a struct (by name), a tuple (by position), or a value.
template <class Row>
concept raw_row = named_row<Row> || is_std_tuple<Row>::value || column_type<Row>;

/// The SQL of a text statement: owned, or, for a string literal, referred to (it lives as long
/// as the program), which spares a copy per statement.
class statement_text {
 public:
  statement_text(std::string owned)  // NOLINT(google-explicit-constructor): text is text
      : owned_(TABULA_MOVE(owned)) {}
  /// Text that outlives every statement made from it: a string literal.
  static statement_text literal(std::string_view text) noexcept {
    statement_text t;
    t.literal_ = text;
    t.is_literal_ = true;
    return t;
  }
  [[nodiscard]] std::string_view view() const noexcept {
    return is_literal_ ? literal_ : std::string_view(owned_);
  }

 private:
  statement_text() = default;
  std::string owned_;
  std::string_view literal_;
  bool is_literal_ = false;
};

/// The text and the values of a text statement, bound in order.
template <class... Args>
class raw_text : public text_statement_tag {
 public:
  /// How many values the text's placeholders take.
  static constexpr std::uint32_t param_count = sizeof...(Args);

  raw_text(statement_text sql, std::tuple<Args...> args)
      : sql_(TABULA_MOVE(sql)), args_(TABULA_MOVE(args)) {}

  /// The SQL with portable `?` placeholders.
  [[nodiscard]] std::string_view sql_text() const noexcept { return sql_.view(); }
  /// Binds the values in placeholder order.
  template <class Binder>
  void bind(Binder& b) const {
    std::apply([&](const Args&... a) { (b(a), ...); }, args_);
  }

 protected:
  /// The text without trailing blanks and semicolons, to wrap in a subquery.
  [[nodiscard]] std::string_view body() const noexcept {
    std::string_view s = sql_.view();
    while (!s.empty() && (s.back() == ';' || s.back() == ' ' || s.back() == '\n' ||
                          s.back() == '\t' || s.back() == '\r')) {
      s.remove_suffix(1);
    }
    return s;
  }

  statement_text sql_;
  std::tuple<Args...> args_;
};

}  // namespace detail

/// A hand-written statement whose rows are read as `Row`. Build with `db.sql<Row>(text,
/// args...)` or `conn.sql<Row>(...)`; finish with a terminal operation of executable.hpp.
template <class Source, class Row, class... Args>
class raw_statement : public detail::raw_text<Args...>,
                      public executable<raw_statement<Source, Row, Args...>, Source> {
  using base = executable<raw_statement, Source>;

 public:
  using row_type = Row;
  /// The text is translated per dialect (and cached by text), not compiled from a type.
  static constexpr bool fixed_shape = false;
  /// A struct row takes its fields from the columns of the same names.
  static constexpr bool rows_by_name = detail::named_row<Row>;

  raw_statement(Source* source, detail::statement_text sql, std::tuple<Args...> args)
      : detail::raw_text<Args...>(TABULA_MOVE(sql), TABULA_MOVE(args)) {
    this->source_ = source;
  }

  /// The number of rows: `SELECT count(*) FROM (<text>) AS "counted"`.
  [[nodiscard]] std::int64_t count() const {
    return wrapped<std::int64_t>("SELECT count(*) FROM (\n", "\n) AS \"counted\"").scalar();
  }
  /// Whether there is any row: `SELECT EXISTS (<text>)`.
  [[nodiscard]] bool exists() const { return wrapped<bool>("SELECT EXISTS (\n", "\n)").scalar(); }

 private:
  // The line breaks keep a trailing `--` comment of the text from hiding the closing part.
  template <class R>
  raw_statement<Source, R, Args...> wrapped(std::string_view before,
                                            std::string_view after) const {
    std::string sql;
    const std::string_view body = this->body();
    sql.reserve(before.size() + body.size() + after.size());
    sql.append(before).append(body).append(after);
    return raw_statement<Source, R, Args...>(this->source_, TABULA_MOVE(sql), this->args_);
  }
};

/// A hand-written statement run for its effect: `db.sql("UPDATE ...", args...).execute()`.
template <class Source, class... Args>
class raw_command : public detail::raw_text<Args...> {
 public:
  using row_type = void;
  static constexpr bool fixed_shape = false;

  raw_command(Source* source, detail::statement_text sql, std::tuple<Args...> args)
      : detail::raw_text<Args...>(TABULA_MOVE(sql), TABULA_MOVE(args)), source_(source) {}

  /// Runs the statement; the number of rows it changed.
  std::int64_t execute() const {
    static_assert(!std::is_void_v<Source>,
                  "tabula: this statement is not bound to an engine or connection. Build it "
                  "with db.sql(...) or conn.sql(...).");
    if constexpr (!std::is_void_v<Source>) {
      if (source_ == nullptr) {
        detail::throw_error<programming_error>("tabula: statement has no source to run on");
      }
      return executor<Source>::execute(*source_, *this);
    } else {
      return 0;
    }
  }

 private:
  Source* source_;
};

}  // namespace tabula
