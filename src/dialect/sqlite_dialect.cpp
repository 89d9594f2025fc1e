/// \file sqlite_dialect.cpp
/// SQLite (3.39 or later): where it differs from the shared compiler.

#include <cmath>

#include "../driver/typed_text.hpp"
#include "compiler.hpp"

namespace tabula {
namespace detail {
namespace {

class sqlite_compiler final : public sql_compiler {
 public:
  sqlite_compiler() noexcept
      : sql_compiler(syntax_rules{
            .offset_needs_limit = true,
            .parenthesized_compound_operands = false,
            .upsert_select_needs_where = true,
            .upsert_after_default_values = false,
            .upsert_update_needs_target = false,
            .derived_table_needs_alias = false,
            .drop_cascade = false,
            .row_locks = false,
            .schemas_are_databases = true,
            .bare_placeholders_from = 32,
        }) {}

  [[nodiscard]] std::string_view name() const noexcept override { return "sqlite"; }

  [[nodiscard]] const dialect_capabilities& capabilities() const noexcept override {
    static constexpr dialect_capabilities caps{
        .returning = true,
        .ilike = false,
        .full_join = true,       // RIGHT and FULL OUTER JOIN since 3.39
        .nulls_ordering = true,  // since 3.30
        .transactional_ddl = true,
        .last_insert_id = true,  // sqlite3_last_insert_rowid: the INTEGER PRIMARY KEY's value
        .max_params = 32766,  // SQLITE_MAX_VARIABLE_NUMBER since 3.32
        .lexical = {.bracket_identifiers = true,
                    .backtick_identifiers = true,
                    .named_parameters = true},
        .max_identifier_bytes = 0,  // SQLite keeps names of any length
        .copy = false,
        .savepoints = true,
        .schemas = true,  // attached databases
    };
    return caps;
  }

  [[nodiscard]] std::string index_table_sql(std::string_view schema) const override {
    std::string sql = "SELECT tbl_name FROM ";
    if (!schema.empty()) sql += quote_identifier(schema) + ".";
    return sql + "sqlite_master WHERE type = 'index' AND name = ?1";
  }

 protected:
  void write_placeholder(std::string& out, std::uint32_t index) const override {
    // Numbered so that one slot can appear several times and in any order.
    out.push_back('?');
    write_integer(out, std::int64_t{index} + 1);
  }

  void write_bool(std::string& out, bool v) const override { out.push_back(v ? '1' : '0'); }

  void write_blob(std::string& out, const blob& v) const override {
    static constexpr char digits[] = "0123456789abcdef";
    out.append("X'");
    for (const std::byte b : v) {
      const auto u = std::to_integer<unsigned>(b);
      out.push_back(digits[u >> 4U]);
      out.push_back(digits[u & 0xFU]);
    }
    out.push_back('\'');
  }

  void write_typed(std::string& out, const typed_value& v) const override {
    switch (v.kind) {
      case typed_kind::interval:
      case typed_kind::decimal:
        write_integer(out, v.value);
        return;
      case typed_kind::uuid: {
        unsigned char bytes[16];
        uuid_bytes(v, bytes);
        blob b(16);
        for (std::size_t i = 0; i < 16; ++i) b[i] = std::byte{bytes[i]};
        write_blob(out, b);
        return;
      }
      default: {
        typed_text_buffer buf;
        const auto text = typed_text(v, typed_style::sqlite, buf);
        if (!text) fail("this time literal", "SQLite's date functions read years 0001 to 9999 only");
        write_string(out, *text);
        return;
      }
    }
  }

  void write_non_finite(std::string& out, double v) const override {
    // SQLite reads an out-of-range literal as infinity; it has no NaN (it stores NULL).
    if (std::isnan(v)) fail("a NaN literal", "SQLite has no NaN. Use NULL.");
    out.append(v > 0 ? "9e999" : "-9e999");
  }

  void write_type(std::string& out, const ast::sql_type& type) const override {
    // The names select SQLite's type affinities; lengths are enforced by CHECK constraints.
    switch (type.kind) {
      case ast::type_kind::boolean:
      case ast::type_kind::int16:
      case ast::type_kind::int32:
      case ast::type_kind::int64:
        out.append("INTEGER");
        return;
      case ast::type_kind::float32:
      case ast::type_kind::float64:
        out.append("REAL");
        return;
      case ast::type_kind::text:
      case ast::type_kind::timestamp:
      case ast::type_kind::timestamptz:
      case ast::type_kind::date:
      case ast::type_kind::time:
      case ast::type_kind::json:
        out.append("TEXT");
        return;
      case ast::type_kind::interval:
      case ast::type_kind::decimal:
        out.append("INTEGER");
        return;
      case ast::type_kind::blob:
      case ast::type_kind::uuid:
        out.append("BLOB");
        return;
      case ast::type_kind::array:
        fail("an array column (std::vector<T>)",
             "SQLite has no array type. Keep the values in a table of their own, or in an "
             "nlohmann::json column, or use PostgreSQL");
    }
    fail("a type", "the type kind is unknown.");
  }

  [[nodiscard]] std::string_view distinct_from_op(bool negated) const override {
    return negated ? "IS" : "IS NOT";
  }

  // Times are text 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC). Results keep that form, so they compare
  // with columns and read back as times. A time moved by a duration is computed in integer
  // microseconds (SQLite's date modifiers keep milliseconds only): T = the time's Unix
  // seconds * 10^6 + its microseconds +/- the duration, written back as text with the
  // seconds floored (so times before 1970 keep a positive fraction). Truncation and fields
  // read the text up to the second: SQLite rounds a time to the millisecond first, so
  // 23:59:59.9999 would count as the next day.
  bool write_dialect_function(sql_writer& w, const ast::function& f) const override {
    if (is_function(f, "array_contains") || is_function(f, "array_overlaps") ||
        is_function(f, "in_array")) {
      fail("an array operator", "SQLite has no array type (arrays are PostgreSQL columns)");
    }
    if (is_function(f, "tabula_now")) {
      w.put("(strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')");
      return true;
    }
    const bool add = is_function(f, "tabula_time_add");
    if (add || is_function(f, "tabula_time_sub")) {
      if (f.args.size() != 2) fail(f.name, "it takes a time and a duration");
      const auto micros = [&] {
        w.put("(unixepoch(substr(");
        write_expr(w, f.args[0]);
        w.put(", 1, 19)) * 1000000 + CAST(substr(");
        write_expr(w, f.args[0]);
        w.put(", 21, 6) AS INTEGER)");
        w.put(add ? " + " : " - ");
        write_operand(w, f.args[1]);
        w.put(')');
      };
      w.put("(strftime('%Y-%m-%d %H:%M:%S', ");
      micros();
      w.put(" / 1000000 - (");
      micros();
      w.put(" % 1000000 < 0), 'unixepoch') || printf('.%06d', (");
      micros();
      w.put(" % 1000000 + 1000000) % 1000000))");
      return true;
    }
    if (is_function(f, "tabula_time_trunc")) {
      static constexpr std::string_view formats[][2] = {
          {"%Y", "-01-01 00:00:00.000000"},     {"%Y-%m", "-01 00:00:00.000000"},
          {"%Y-%m-%d", " 00:00:00.000000"},     {"%Y-%m-%d %H", ":00:00.000000"},
          {"%Y-%m-%d %H:%M", ":00.000000"},     {"%Y-%m-%d %H:%M:%S", ".000000"}};
      const auto unit = unit_argument(f);
      if (unit > 5) fail(f.name, "the unit is not one of time_unit's");
      w.put("(strftime('");
      w.put(formats[static_cast<std::size_t>(unit)][0]);
      w.put("', substr(");
      write_expr(w, f.args[1]);
      w.put(", 1, 19)) || '");
      w.put(formats[static_cast<std::size_t>(unit)][1]);
      w.put("')");
      return true;
    }
    if (is_function(f, "tabula_time_part")) {
      static constexpr std::string_view fields[] = {"%Y", "%m", "%d", "%H", "%M", "%S", "%w", "%j"};
      w.put("CAST(strftime('");
      w.put(fields[static_cast<std::size_t>(unit_argument(f))]);
      w.put("', substr(");
      write_expr(w, f.args[1]);
      w.put(", 1, 19)) AS INTEGER)");
      return true;
    }
    return false;
  }

  void write_generated_key(sql_writer& w, const ast::column_def& /*c*/) const override {
    // Exactly this spelling makes the column an alias of the rowid.
    w.put("INTEGER PRIMARY KEY");
  }

  void write_type_constraints(sql_writer& w, const ast::table_def& t) const override {
    for (const ast::column_def& c : t.columns) {
      if (c.type.kind == ast::type_kind::json) {
        w.put(", CONSTRAINT ");
        write_identifier(w.text, "ck_" + t.name + "_" + c.name + "_json");
        w.put(" CHECK (");
        if (c.nullable) {  // json_valid(NULL) is 0
          write_identifier(w.text, c.name);
          w.put(" IS NULL OR ");
        }
        w.put("json_valid(");
        write_identifier(w.text, c.name);
        w.put("))");
        continue;
      }
      if (c.type.kind != ast::type_kind::text || c.type.length == 0) continue;
      w.put(", CONSTRAINT ");
      write_identifier(w.text, "ck_" + t.name + "_" + c.name + "_length");
      w.put(" CHECK (length(");
      write_identifier(w.text, c.name);
      w.put(") <= ");
      write_integer(w.text, c.type.length);
      w.put(')');
    }
  }
};

}  // namespace
}  // namespace detail

const dialect& sqlite_dialect() noexcept {
  static const detail::sqlite_compiler instance;
  return instance;
}

}  // namespace tabula
