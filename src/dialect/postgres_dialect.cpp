/// \file postgres_dialect.cpp
/// PostgreSQL (12 or later): where it differs from the shared compiler.

#include <cmath>

#include "../driver/typed_text.hpp"
#include "compiler.hpp"

namespace tabula {
namespace detail {
namespace {

class postgres_compiler final : public sql_compiler {
 public:
  postgres_compiler() noexcept : sql_compiler(syntax_rules{}) {}

  [[nodiscard]] std::string_view name() const noexcept override { return "postgresql"; }

  [[nodiscard]] const dialect_capabilities& capabilities() const noexcept override {
    static constexpr dialect_capabilities caps{
        .returning = true,
        .ilike = true,
        .full_join = true,
        .nulls_ordering = true,
        .transactional_ddl = true,
        // The protocol counts parameters in 16 bits, but libpq (before PostgreSQL 16) refuses
        // a ParameterDescription message over 30000 bytes — 4 bytes a parameter — and loses
        // the connection's synchronization when a prepared statement of more is described.
        .max_params = 7499,
        .lexical = {.escape_strings = true, .dollar_quotes = true, .nested_comments = true},
        .max_identifier_bytes = 63,  // NAMEDATALEN - 1
        .copy = true,
        .savepoints = true,
        .schemas = true,
    };
    return caps;
  }

  [[nodiscard]] std::string index_table_sql(std::string_view schema) const override {
    // Unqualified CREATE statements create in current_schema().
    return "SELECT tablename FROM pg_indexes WHERE schemaname = " +
           (schema.empty() ? std::string("current_schema()") : literal(std::string(schema))) +
           " AND indexname = $1";
  }

 protected:
  void write_placeholder(std::string& out, std::uint32_t index) const override {
    out.push_back('$');
    write_integer(out, std::int64_t{index} + 1);
  }

  void write_bool(std::string& out, bool v) const override { out.append(v ? "TRUE" : "FALSE"); }

  void write_blob(std::string& out, const blob& v) const override {
    // Hex bytea input; relies on standard_conforming_strings (on since PostgreSQL 9.1).
    static constexpr char digits[] = "0123456789abcdef";
    out.append("'\\x");
    for (const std::byte b : v) {
      const auto u = std::to_integer<unsigned>(b);
      out.push_back(digits[u >> 4U]);
      out.push_back(digits[u & 0xFU]);
    }
    out.append("'::bytea");
  }

  void write_typed(std::string& out, const typed_value& v) const override {
    typed_text_buffer buf;
    const auto text = typed_text(v, typed_style::postgres, buf);
    if (!text) fail("this time literal", "it is outside PostgreSQL's range");
    static constexpr std::string_view types[] = {"TIMESTAMPTZ", "DATE", "TIME",
                                                 "INTERVAL",    "UUID", ""};
    if (v.kind == typed_kind::decimal) {
      out.append(*text);
      return;
    }
    out.append(types[static_cast<int>(v.kind)]);
    out.push_back(' ');
    write_string(out, *text);
  }

  void write_non_finite(std::string& out, double v) const override {
    out.append(std::isnan(v) ? "CAST('NaN' AS DOUBLE PRECISION)"
               : v > 0       ? "CAST('Infinity' AS DOUBLE PRECISION)"
                             : "CAST('-Infinity' AS DOUBLE PRECISION)");
  }

  void write_type(std::string& out, const ast::sql_type& type) const override {
    switch (type.kind) {
      case ast::type_kind::boolean:
        out.append("BOOLEAN");
        return;
      case ast::type_kind::int16:
        out.append("SMALLINT");
        return;
      case ast::type_kind::int32:
        out.append("INTEGER");
        return;
      case ast::type_kind::int64:
        out.append("BIGINT");
        return;
      case ast::type_kind::float32:
        out.append("REAL");
        return;
      case ast::type_kind::float64:
        out.append("DOUBLE PRECISION");
        return;
      case ast::type_kind::text:
        if (type.length == 0) {
          out.append("TEXT");
        } else {
          out.append("VARCHAR(");
          write_integer(out, type.length);
          out.push_back(')');
        }
        return;
      case ast::type_kind::blob:
        out.append("BYTEA");
        return;
      case ast::type_kind::timestamp:
        out.append("TIMESTAMP");
        return;
      case ast::type_kind::timestamptz:
        out.append("TIMESTAMPTZ");
        return;
      case ast::type_kind::date:
        out.append("DATE");
        return;
      case ast::type_kind::time:
        out.append("TIME");
        return;
      case ast::type_kind::interval:
        out.append("INTERVAL");
        return;
      case ast::type_kind::uuid:
        out.append("UUID");
        return;
      case ast::type_kind::json:
        out.append("JSONB");
        return;
      case ast::type_kind::array:
        write_type(out, ast::sql_type{type.element});
        out.append("[]");
        return;
      case ast::type_kind::decimal:
        out.append("NUMERIC(");
        write_integer(out, type.length);
        out.append(", ");
        write_integer(out, type.scale);
        out.push_back(')');
        return;
    }
    fail("a type", "the type kind is unknown.");
  }

  [[nodiscard]] std::string_view distinct_from_op(bool negated) const override {
    return negated ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM";
  }

  [[nodiscard]] bool json_text_needs_cast() const noexcept override { return true; }

  bool write_dialect_function(sql_writer& w, const ast::function& f) const override {
    if (write_time_function(w, f) || write_array_function(w, f)) return true;
    if (is_function(f, "length")) {
      // The SQL-standard name for the number of characters of a string.
      write_call(w, "char_length", f);
      return true;
    }
    if (is_function(f, "round") && f.args.size() == 2 && !f.distinct && !f.star) {
      // round(x, n) exists only for numeric, not for double precision.
      w.put("round(CAST(");
      write_expr(w, f.args[0]);
      w.put(" AS numeric), ");
      write_expr(w, f.args[1]);
      w.put(')');
      return true;
    }
    return false;
  }

  // Times are TIMESTAMPTZ; truncation and fields are taken in UTC, whatever the session's
  // TimeZone.
  // array_contains(a, b): a @> b; array_overlaps(a, b): a && b; in_array(x, a): x = ANY(a).
  bool write_array_function(sql_writer& w, const ast::function& f) const {
    const bool contains = is_function(f, "array_contains");
    const bool overlaps = is_function(f, "array_overlaps");
    const bool in = is_function(f, "in_array");
    if (!contains && !overlaps && !in) return false;
    if (f.args.size() != 2) fail(f.name, "it takes two operands");
    w.put('(');
    write_operand(w, f.args[0]);
    w.put(contains ? " @> " : overlaps ? " && " : " = ANY(");
    if (in) {
      write_expr(w, f.args[1]);
      w.put(')');
    } else {
      write_operand(w, f.args[1]);
    }
    w.put(')');
    return true;
  }

  bool write_time_function(sql_writer& w, const ast::function& f) const {
    if (is_function(f, "tabula_now")) {
      w.put("now()");
      return true;
    }
    const bool add = is_function(f, "tabula_time_add");
    if (add || is_function(f, "tabula_time_sub")) {
      if (f.args.size() != 2) fail(f.name, "it takes a time and a duration");
      w.put('(');
      write_operand(w, f.args[0]);
      w.put(add ? " + CAST(" : " - CAST(");
      write_expr(w, f.args[1]);
      w.put(" AS INTERVAL))");
      return true;
    }
    if (is_function(f, "tabula_time_trunc")) {
      static constexpr std::string_view units[] = {"year", "month",  "day",
                                                   "hour", "minute", "second"};
      const auto unit = unit_argument(f);
      if (unit > 5) fail(f.name, "the unit is not one of time_unit's");
      w.put("date_trunc('");
      w.put(units[static_cast<std::size_t>(unit)]);
      w.put("', ");
      write_expr(w, f.args[1]);
      w.put(", 'UTC')");
      return true;
    }
    if (is_function(f, "tabula_time_part")) {
      static constexpr std::string_view fields[] = {"YEAR", "MONTH",  "DAY", "HOUR",
                                                    "MINUTE", "SECOND", "DOW", "DOY"};
      w.put("CAST(floor(EXTRACT(");
      w.put(fields[static_cast<std::size_t>(unit_argument(f))]);
      w.put(" FROM ");
      write_operand(w, f.args[1]);
      w.put(" AT TIME ZONE 'UTC')) AS BIGINT)");
      return true;
    }
    return false;
  }

  void write_generated_key(sql_writer& w, const ast::column_def& c) const override {
    write_type(w.text, c.type);
    w.put(" GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  }
};

}  // namespace
}  // namespace detail

const dialect& postgres_dialect() noexcept {
  static const detail::postgres_compiler instance;
  return instance;
}

}  // namespace tabula
