// A prepared SQLite statement.

#include <fmt/format.h>

#include <climits>
#include <cmath>

#include "../driver_text.hpp"
#include "../typed_text.hpp"
#include "sqlite_driver.hpp"
#include "tabula/error.hpp"

namespace tabula::detail::sqlite {
namespace {

std::string_view storage_class_name(int type) {
  switch (type) {
    case SQLITE_INTEGER:
      return "INTEGER";
    case SQLITE_FLOAT:
      return "REAL";
    case SQLITE_TEXT:
      return "TEXT";
    case SQLITE_BLOB:
      return "BLOB";
    default:
      return "NULL";
  }
}

// Text and blob bytes may live anywhere; SQLite copies nothing (SQLITE_STATIC) because the
// caller keeps them alive until the statement has run. A view with a null pointer is still a
// value (empty), never SQL NULL, so it gets a non-null pointer.
const char* non_null(const char* p) { return p != nullptr ? p : ""; }

}  // namespace

statement::statement(std::shared_ptr<handle> db, sqlite3_stmt* stmt, std::string sql) noexcept
    : db_(std::move(db)),
      stmt_(stmt),
      sql_(std::move(sql)),
      read_only_(sqlite3_stmt_readonly(stmt) != 0),
      params_(sqlite3_bind_parameter_count(stmt)),
      all_params_(params_ >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << params_) - 1) {}

statement::~statement() { sqlite3_finalize(stmt_); }

int statement::param_count() const noexcept { return params_; }

// reset() promises cleared bindings. Typed statements bind every parameter before each
// execution, so instead of sqlite3_clear_bindings (which costs as much as binding again) the
// parameters not bound since the reset are set to NULL by step(); only those, and only if any.
void statement::clear_stale_bindings() {
  for (int i = 0; i < params_; ++i) {
    if ((fresh_ & (std::uint64_t{1} << i)) == 0) sqlite3_bind_null(stmt_, i + 1);
  }
}

void statement::throw_bind_error(int index, int rc) {
  if (rc == SQLITE_RANGE) {
    throw_error<programming_error>(
        fmt::format("parameter index {} is out of range: the statement has {} parameter(s) "
                    "(indexes are 0-based) in: {}",
                    index, param_count(), sql_),
        sql_, std::to_string(SQLITE_RANGE), "column index out of range");
  }
  throw_last_error(db_->get(), sql_);
}

void statement::bind_null(int index) {
  prepare_bind(index);
  check_bind(index, sqlite3_bind_null(stmt_, index + 1));
}

void statement::bind(int index, bool v) {
  prepare_bind(index);
  check_bind(index, sqlite3_bind_int(stmt_, index + 1, v ? 1 : 0));
}

void statement::bind(int index, std::int64_t v) {
  prepare_bind(index);
  check_bind(index, sqlite3_bind_int64(stmt_, index + 1, v));
}

void statement::throw_nan(int index) const {
  throw_error<conversion_error>(
      fmt::format("tabula: parameter {} is NaN, and NaN cannot be stored in SQLite (it would be "
                  "stored as NULL). Store NULL (a std::optional) or a finite value instead, or "
                  "use PostgreSQL, which stores NaN.",
                  index),
      sql_);
}

void statement::bind(int index, double v) {
  // sqlite3_bind_double binds NaN as NULL: the value would come back as another one.
  if (std::isnan(v)) [[unlikely]] throw_nan(index);
  prepare_bind(index);
  check_bind(index, sqlite3_bind_double(stmt_, index + 1, v));
}

void statement::bind(int index, std::string_view v) {
  prepare_bind(index);
  check_bind(index, sqlite3_bind_text64(stmt_, index + 1, non_null(v.data()), v.size(),
                                        SQLITE_STATIC, SQLITE_UTF8));
}

void statement::bind(int index, driver::blob_view v) {
  prepare_bind(index);
  if (v.empty()) {
    check_bind(index, sqlite3_bind_zeroblob(stmt_, index + 1, 0));
  } else {
    check_bind(index, sqlite3_bind_blob64(stmt_, index + 1, v.data(), v.size(), SQLITE_STATIC));
  }
}

std::string* statement::kept_slot(int index) {
  if (index < 0 || index >= params_) return nullptr;
  if (kept_.size() < static_cast<std::size_t>(params_)) kept_.resize(static_cast<std::size_t>(params_));
  return &kept_[static_cast<std::size_t>(index)];
}

std::string_view statement::keep(int index, std::string_view v) {
  std::string* slot = kept_slot(index);
  if (slot == nullptr) return {};
  slot->assign(v.data(), v.size());
  return *slot;
}

void statement::bind_kept(int index, std::string_view v, bool text) {
  const std::string_view kept = keep(index, v);
  const bool is_kept = kept.data() != nullptr;
  const char* data = is_kept ? kept.data() : non_null(v.data());
  const auto destructor = is_kept ? SQLITE_STATIC : SQLITE_TRANSIENT;
  check_bind(index, text ? sqlite3_bind_text64(stmt_, index + 1, data, v.size(), destructor,
                                               SQLITE_UTF8)
                         : sqlite3_bind_blob64(stmt_, index + 1, data, v.size(), destructor));
}

void statement::bind_copied(int index, std::string_view v) {
  prepare_bind(index);
  bind_kept(index, v, true);
}

void statement::bind_written(int index, driver::text_writer write, const void* value) {
  std::string* slot = kept_slot(index);
  if (slot == nullptr) {  // SQLite reports the index
    driver::statement::bind_written(index, write, value);
    return;
  }
  // Written aside and swapped in on success: SQLite may still point at the slot's text, and a
  // throwing `write` leaves the parameter as it was. Both buffers keep their capacity.
  written_.clear();
  write(value, written_);
  prepare_bind(index);
  slot->swap(written_);
  check_bind(index, sqlite3_bind_text64(stmt_, index + 1, non_null(slot->data()), slot->size(),
                                        SQLITE_STATIC, SQLITE_UTF8));
}

void statement::bind(int index, const array_value& /*v*/) {
  prepare_bind(index);
  throw_error<programming_error>(
      fmt::format("parameter {} cannot take an array: SQLite has no array type (arrays are "
                  "PostgreSQL columns) in: {}",
                  index, sql_),
      sql_);
}

// Times as fixed-width ISO-8601 text, intervals as integer microseconds, UUIDs as 16-byte
// blobs, decimals as integers scaled by 10^scale. Text and blob are made on the stack and
// copied into the parameter's own buffer (`keep`).
void statement::bind(int index, const typed_value& v) {
  prepare_bind(index);
  switch (v.kind) {
    case typed_kind::interval:
    case typed_kind::decimal:
      check_bind(index, sqlite3_bind_int64(stmt_, index + 1, v.value));
      return;
    case typed_kind::uuid: {
      unsigned char bytes[16];
      uuid_bytes(v, bytes);
      bind_kept(index, std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes), false);
      return;
    }
    default: {
      typed_text_buffer buf;
      const auto text = typed_text(v, typed_style::sqlite, buf);
      if (!text) [[unlikely]] {
        throw_error<conversion_error>(
            fmt::format("tabula: parameter {} is {}, outside what SQLite stores: times of years "
                        "0001 to 9999 (the range of SQLite's date functions), times of day in "
                        "[00:00, 24:00). Keep values in that range. In: {}",
                        index, describe_typed(v), sql_),
            sql_);
      }
      bind_kept(index, *text, true);
      return;
    }
  }
}

bool statement::step() {
  switch (state_) {
    case state::done:  // SQLite would start over; the contract is "false until reset()"
      return false;
    case state::ready:
      if (stale_) {
        if ((fresh_ & all_params_) != all_params_) clear_stale_bindings();
        stale_ = false;
      }
      affected_ = 0;
      if (!read_only_) total_changes_before_ = sqlite3_total_changes64(db_->get());
      break;
    case state::row:
      break;
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    if (state_ == state::ready) columns_ = sqlite3_column_count(stmt_);  // fixed per execution
    state_ = state::row;
    return true;
  }
  if (rc == SQLITE_DONE) {
    state_ = state::done;
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE; only when this
    // statement changed rows is that count its own.
    if (!read_only_ && sqlite3_total_changes64(db_->get()) != total_changes_before_) {
      affected_ = sqlite3_changes64(db_->get());
    }
    return false;
  }
  const int code = sqlite3_extended_errcode(db_->get());
  std::string message = sqlite3_errmsg(db_->get());
  sqlite3_reset(stmt_);
  state_ = state::ready;
  throw_for_code(code, message, sql_);
}

void statement::reset() {
  if (state_ != state::ready) {
    sqlite3_reset(stmt_);  // returns the last step's error, which step() has already thrown
    state_ = state::ready;
  }
  if (bound_) {
    if (params_ > 64) {
      sqlite3_clear_bindings(stmt_);
    } else {
      stale_ = true;  // cleared by the next step() unless bound again
    }
    bound_ = false;
  }
  fresh_ = 0;
  affected_ = 0;
}

int statement::column_count() const { return sqlite3_column_count(stmt_); }

std::string_view statement::column_name(int col) const {
  if (col < 0 || col >= column_count()) {
    throw_error<programming_error>(
        fmt::format("column index {} is out of range: the statement has {} column(s) in: {}", col,
                    column_count(), sql_),
        sql_);
  }
  const char* name = sqlite3_column_name(stmt_, col);
  if (name == nullptr) throw_error<operational_error>("out of memory reading a column name", sql_);
  return name;
}

// One sqlite3_column_value per read: the sqlite3_value_* accessors then take no lock and make
// no further checks (the statement belongs to one thread, as the connection does).
[[gnu::cold, gnu::noinline]] void statement::throw_bad_column(int col) const {
  if (state_ != state::row) {
    throw_error<programming_error>(
        fmt::format("no current row to read: call step() and read columns while it returns "
                    "true in: {}",
                    sql_),
        sql_);
  }
  throw_error<programming_error>(
      fmt::format("column index {} is out of range: the row has {} column(s) in: {}", col,
                  columns_, sql_),
      sql_);
}

void statement::throw_not_convertible(int col, sqlite3_value* v, std::string_view target) const {
  const int type = sqlite3_value_type(v);
  std::string value;
  if (type == SQLITE_INTEGER) {
    value = fmt::format(" {}", sqlite3_value_int64(v));
  } else if (type == SQLITE_FLOAT) {
    value = fmt::format(" {}", sqlite3_value_double(v));
  } else if (type == SQLITE_TEXT && sqlite3_value_bytes(v) <= 64) {
    value = fmt::format(" '{}'", reinterpret_cast<const char*>(sqlite3_value_text(v)));
  }
  throw_error<conversion_error>(
      fmt::format("column {} (\"{}\") holds {}{}, which cannot be read as {} in: {}", col,
                  column_name(col), storage_class_name(type), value, target, sql_),
      sql_);
}

bool statement::is_null(int col) const { return sqlite3_value_type(column(col)) == SQLITE_NULL; }

bool statement::get_bool(int col) const {
  sqlite3_value* v = column(col);
  if (sqlite3_value_type(v) == SQLITE_INTEGER) {
    const auto i = sqlite3_value_int64(v);
    if (i == 0 || i == 1) return i == 1;
  }
  throw_not_convertible(col, v, "a bool (integer 0 or 1)");
}

std::int64_t statement::get_int64(int col) const {
  sqlite3_value* v = column(col);
  if (sqlite3_value_type(v) == SQLITE_INTEGER) [[likely]] return sqlite3_value_int64(v);
  return int64_from_other(col, v);
}

std::int64_t statement::int64_from_other(int col, sqlite3_value* v) const {
  if (sqlite3_value_type(v) == SQLITE_FLOAT) {
    // Exactly representable only when integral and within [-2^63, 2^63).
    const double d = sqlite3_value_double(v);
    if (std::trunc(d) == d && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
      return static_cast<std::int64_t>(d);
    }
  }
  throw_not_convertible(col, v, "a 64-bit integer");
}

double statement::get_double(int col) const {
  sqlite3_value* v = column(col);
  if (sqlite3_value_type(v) == SQLITE_FLOAT) [[likely]] return sqlite3_value_double(v);
  return double_from_other(col, v);
}

double statement::double_from_other(int col, sqlite3_value* v) const {
  if (sqlite3_value_type(v) == SQLITE_INTEGER) return sqlite3_value_double(v);
  throw_not_convertible(col, v, "a double");
}

std::string_view statement::get_text(int col) const {
  sqlite3_value* v = column(col);
  if (sqlite3_value_type(v) == SQLITE_TEXT) [[likely]] {
    const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
    return {non_null(p), static_cast<std::size_t>(sqlite3_value_bytes(v))};
  }
  return text_from_other(col, v);
}

std::string_view statement::text_from_other(int col, sqlite3_value* v) const {
  const int type = sqlite3_value_type(v);
  if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
    // Formatted here rather than by sqlite3_value_text, which would change the column's
    // storage class in place and spells numbers differently from the PostgreSQL driver.
    if (text_.size() <= static_cast<std::size_t>(col))
      text_.resize(static_cast<std::size_t>(col) + 1);
    auto& out = text_[static_cast<std::size_t>(col)];
    if (type == SQLITE_INTEGER) {
      out.clear();
      fmt::format_to(std::back_inserter(out), "{}", sqlite3_value_int64(v));
    } else {
      format_float(sqlite3_value_double(v), out);
    }
    return out;
  }
  throw_not_convertible(col, v, "text");
}

driver::blob_view statement::get_blob(int col) const {
  sqlite3_value* v = column(col);
  const int type = sqlite3_value_type(v);
  if (type == SQLITE_BLOB || type == SQLITE_TEXT) {
    const void* p = sqlite3_value_blob(v);
    const auto size = static_cast<std::size_t>(sqlite3_value_bytes(v));
    return {static_cast<const std::byte*>(p), size};
  }
  throw_not_convertible(col, v, "a blob");
}

// SQLite has no array type (the dialect refuses array columns and operators likewise): an
// array in a parameter or read from a column is refused rather than stored in a form that
// looks like an array to C++ but not to SQL.
array_value statement::get_array(int col, array_element /*element*/) const {
  (void)column(col);  // a current row and a column in range, or the error saying so
  throw_error<programming_error>(
      fmt::format("column {} cannot be read as an array: SQLite has no array type (arrays are "
                  "PostgreSQL columns) in: {}",
                  col, sql_),
      sql_);
}

typed_value statement::get_typed(int col, typed_kind kind, std::uint8_t scale) const {
  sqlite3_value* v = column(col);
  const int type = sqlite3_value_type(v);
  std::optional<typed_value> out;
  if (type == SQLITE_INTEGER && (kind == typed_kind::interval || kind == typed_kind::decimal)) {
    return typed_value{kind, scale, sqlite3_value_int64(v), 0};
  }
  if (type == SQLITE_BLOB && kind == typed_kind::uuid && sqlite3_value_bytes(v) == 16) {
    return uuid_from_bytes(static_cast<const unsigned char*>(sqlite3_value_blob(v)));
  }
  if (type == SQLITE_TEXT) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
    out = parse_typed({non_null(p), static_cast<std::size_t>(sqlite3_value_bytes(v))}, kind, scale);
  }
  if (out) return *out;
  static constexpr std::string_view targets[] = {
      "a timestamp ('YYYY-MM-DD HH:MM:SS[.ffffff]')", "a date ('YYYY-MM-DD')",
      "a time of day ('HH:MM:SS[.ffffff]')", "an interval (integer microseconds)",
      "a UUID (a 16-byte blob)", "a decimal without loss of digits"};
  throw_not_convertible(col, v, targets[static_cast<int>(kind)]);
}

}  // namespace tabula::detail::sqlite
