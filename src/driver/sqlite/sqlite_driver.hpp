#pragma once
// Internals of the SQLite driver, shared by its source files.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tabula/driver/driver.hpp"

namespace tabula::detail::sqlite {

/// Owns the database handle. Shared by the connection and its statements, so a statement that
/// outlives its connection object still finalizes against an open database.
class handle {
 public:
  handle() = default;
  ~handle() { sqlite3_close_v2(db_); }
  handle(const handle&) = delete;
  handle& operator=(const handle&) = delete;

  [[nodiscard]] sqlite3* get() const noexcept { return db_; }
  [[nodiscard]] sqlite3** out() noexcept { return &db_; }

 private:
  sqlite3* db_ = nullptr;
};

/// Throws the `tabula::error` subclass for the extended result code `code`, with a `what()` of
/// the form `<message> (<SQLITE_NAME> <code>) in: <sql>`.
[[noreturn]] void throw_for_code(int code, std::string_view message, std::string_view sql);

/// Throws for the error the database handle reports last (after a failed call).
[[noreturn]] void throw_last_error(sqlite3* db, std::string_view sql);

/// The name of a (possibly extended) result code, e.g. "SQLITE_CONSTRAINT_UNIQUE".
[[nodiscard]] std::string_view code_name(int code) noexcept;

class statement final : public driver::statement {
 public:
  statement(std::shared_ptr<handle> db, sqlite3_stmt* stmt, std::string sql) noexcept;
  ~statement() override;

  [[nodiscard]] std::string_view sql() const noexcept override { return sql_; }
  [[nodiscard]] int param_count() const noexcept override;

  void bind_null(int index) override;
  void bind(int index, bool v) override;
  void bind(int index, std::int64_t v) override;
  void bind(int index, double v) override;
  void bind(int index, std::string_view v) override;
  void bind(int index, driver::blob_view v) override;
  void bind(int index, const typed_value& v) override;
  void bind(int index, const array_value& v) override;
  void bind_copied(int index, std::string_view v) override;
  void bind_written(int index, driver::text_writer write, const void* value) override;

  bool step() override;
  void reset() override;

  [[nodiscard]] int column_count() const override;
  [[nodiscard]] std::string_view column_name(int col) const override;
  [[nodiscard]] bool is_null(int col) const override;
  [[nodiscard]] bool get_bool(int col) const override;
  [[nodiscard]] std::int64_t get_int64(int col) const override;
  [[nodiscard]] double get_double(int col) const override;
  [[nodiscard]] std::string_view get_text(int col) const override;
  [[nodiscard]] driver::blob_view get_blob(int col) const override;
  [[nodiscard]] typed_value get_typed(int col, typed_kind kind, std::uint8_t scale) const override;
  [[nodiscard]] array_value get_array(int col, array_element element) const override;

  [[nodiscard]] std::int64_t affected_rows() const override { return affected_; }

 private:
  enum class state { ready, row, done };

  // Binding after an execution starts a new one (SQLite refuses bindings on a running
  // statement); the other bindings are kept, as SQLite keeps them across a reset.
  void prepare_bind(int index) {
    if (state_ != state::ready) [[unlikely]] {
      sqlite3_reset(stmt_);
      state_ = state::ready;
    }
    bound_ = true;
    if (index >= 0 && index < 64) fresh_ |= std::uint64_t{1} << index;
  }
  void check_bind(int index, int rc) {
    if (rc != SQLITE_OK) [[unlikely]] throw_bind_error(index, rc);
  }
  [[noreturn]] void throw_bind_error(int index, int rc);
  [[noreturn]] void throw_nan(int index) const;
  void clear_stale_bindings();
  /// `v` copied into parameter `index`'s own buffer, which keeps its capacity from one binding
  /// to the next, to be bound SQLITE_STATIC; an empty view for an index out of range (then the
  /// value is bound SQLITE_TRANSIENT, and SQLite reports the index).
  std::string_view keep(int index, std::string_view v);
  /// Parameter `index`'s own buffer; null for an index out of range.
  std::string* kept_slot(int index);
  /// Binds text or bytes made at bind time through `keep`.
  void bind_kept(int index, std::string_view v, bool text);
  // The conversions a getter makes when the column's storage class is not the usual one for
  // the C++ type, or that throw; out of line, so the usual path stays a few instructions.
  [[nodiscard]] std::int64_t int64_from_other(int col, sqlite3_value* v) const;
  [[nodiscard]] double double_from_other(int col, sqlite3_value* v) const;
  [[nodiscard]] std::string_view text_from_other(int col, sqlite3_value* v) const;
  /// The value of column `col` of the current row; throws `programming_error` when there is no
  /// row or no such column.
  [[nodiscard]] sqlite3_value* column(int col) const {
    if (state_ != state::row || col < 0 || col >= columns_) [[unlikely]] throw_bad_column(col);
    return sqlite3_column_value(stmt_, col);
  }
  [[noreturn]] void throw_bad_column(int col) const;
  [[noreturn]] void throw_not_convertible(int col, sqlite3_value* v, std::string_view target) const;

  std::shared_ptr<handle> db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  bool read_only_;     // changes no rows: no affected-row bookkeeping
  int params_;         // parameters the statement takes
  std::uint64_t all_params_;  // one bit per parameter, for the first 64
  state state_ = state::ready;
  bool bound_ = false;  // parameters were bound since the last reset()
  bool stale_ = false;  // parameters may hold values bound before the last reset()
  std::uint64_t fresh_ = 0;  // parameters (the first 64) bound since the last reset()
  int columns_ = 0;     // result columns of the current execution
  std::int64_t affected_ = 0;
  std::int64_t total_changes_before_ = 0;
  // Values made at bind time (JSON text, times, UUIDs), one buffer a parameter: bound
  // SQLITE_STATIC from here, since SQLite allocates and frees a SQLITE_TRANSIENT copy at every
  // binding (rebinding a parameter releases its old value's memory).
  std::vector<std::string> kept_;
  std::string written_;  // where bind_written writes before the text moves into its parameter's buffer
  mutable std::vector<std::string> text_;  // numbers read as text, one buffer per column
};

}  // namespace tabula::detail::sqlite
