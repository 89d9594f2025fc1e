#pragma once
// Internals of the PostgreSQL driver, shared by its source files.

#include <libpq-fe.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pg_values.hpp"
#include "tabula/driver/driver.hpp"

namespace tabula::detail::pg {

struct result_deleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

/// Owns the libpq connection. Shared by the connection object and its statements, so a
/// statement that outlives its connection object still talks to an open connection.
class handle {
 public:
  explicit handle(PGconn* conn) noexcept : conn_(conn) {}
  ~handle() { PQfinish(conn_); }
  handle(const handle&) = delete;
  handle& operator=(const handle&) = delete;

  [[nodiscard]] PGconn* get() const noexcept { return conn_; }

  /// A name no other statement of this connection has: "tabula_1", "tabula_2", ...
  [[nodiscard]] std::string next_statement_name();

  /// Remembers a server-side statement to drop; a destructor must not talk to the server.
  void defer_deallocate(std::string name);

  /// Drops the remembered statements, when no transaction is open (a failing DEALLOCATE
  /// would abort it).
  void deallocate_pending();

  /// Whether the server said, unasked, that it is ending this session (a FATAL error while no
  /// command ran: the backend was terminated). Its transaction is rolled back by then.
  [[nodiscard]] bool server_ended() const noexcept { return server_ended_; }
  void set_server_ended() noexcept { server_ended_ = true; }

 private:
  PGconn* conn_;
  bool server_ended_ = false;
  std::uint64_t statement_count_ = 0;
  std::vector<std::string> to_deallocate_;
};

/// Throws the `tabula::error` subclass for a failed result (by its SQLSTATE), with a `what()`
/// of the form `<message> (SQLSTATE <code>) in: <sql>`.
[[noreturn]] void throw_result_error(PGconn* conn, const PGresult* result, std::string_view sql);

/// Ends the COPY a statement started (tabula does not stream COPY data) and throws
/// `not_supported_error`.
[[noreturn]] void reject_copy(PGconn* conn, std::string_view sql);

/// Runs SQL without parameters (simple query protocol) and checks the result.
void exec_simple(PGconn* conn, std::string_view sql);

/// Starts `COPY ["schema".]"table" ("column", ...) FROM STDIN` (text format) and returns the
/// writer that feeds it; throws the typed error when the server refuses the statement.
[[nodiscard]] owned<driver::bulk_writer> start_copy(const std::shared_ptr<handle>& conn,
                                                    std::string_view schema, std::string_view table,
                                                    std::span<const std::string> columns);

/// How a parameter is sent, from the type the server inferred for it.
enum class param_kind : std::uint8_t {
  int2,
  int4,
  int8,
  float4,
  float8,
  boolean,
  bytea,
  text,
  other
};

class statement final : public driver::statement {
 public:
  /// A statement prepared on the server as `name`; `describe()` completes it.
  statement(std::shared_ptr<handle> conn, std::string name, std::string sql);
  ~statement() override;

  /// Takes parameter and result types from PQdescribePrepared's result.
  void describe(const PGresult* description);

  [[nodiscard]] std::string_view sql() const noexcept override { return sql_; }
  [[nodiscard]] int param_count() const noexcept override {
    return static_cast<int>(param_types_.size());
  }

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
  void set_streaming(bool on) override;

  [[nodiscard]] int column_count() const override { return static_cast<int>(column_names_.size()); }
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
  [[nodiscard]] std::int64_t known_row_count() const override {
    return streaming_ || !executed_ ? -1 : rows_;
  }

 private:
  void describe_columns(const PGresult* description);
  bool prepare_again(const PGresult* failed);
  result_ptr execute_prepared();
  bool step_streaming();
  void send_prepared();
  void finish_stream();
  std::size_t prepare_bind(int index);
  void set_binary(std::size_t i, std::size_t length);
  void set_view(std::size_t i, std::string_view bytes);
  void set_text(std::size_t i, std::string_view text);
  void set_owned_text(std::size_t i);
  void refuse_text_for_bytea(std::size_t i, std::size_t length) const;
  void refuse_nul(std::size_t i, std::string_view text) const;
  [[noreturn]] void throw_bad_param(std::size_t i, std::string_view value,
                                    std::string_view reason) const;
  // A current row (0 <= row_ < rows_, which only a result gives) and a column in range.
  void check_column(int col) const {
    if (static_cast<unsigned>(row_) >= static_cast<unsigned>(rows_) ||
        static_cast<std::size_t>(static_cast<unsigned>(col)) >= column_names_.size())
        [[unlikely]] {
      throw_bad_column(col);
    }
  }
  [[noreturn]] void throw_bad_column(int col) const;
  [[noreturn]] void throw_null(int col, std::string_view target) const;
  [[nodiscard]] std::string_view value_of(int col, std::string_view target) const;
  /// The bytes of a value of the current row, without asking libpq whether it is NULL (a NULL
  /// reads as 0 bytes); for the getters' fast paths, after `check_column`.
  [[nodiscard]] std::string_view bytes_of(int col) const {
    const PGresult* r = result_.get();
    return {PQgetvalue(r, row_, col), static_cast<std::size_t>(PQgetlength(r, row_, col))};
  }
  [[nodiscard]] cell cell_of(int col, std::string_view target) const;
  // The getters' general paths (any type or format, NULL reported), out of line so that the
  // usual binary form is read in a few instructions.
  [[nodiscard]] bool bool_of_cell(int col) const;
  [[nodiscard]] std::int64_t int64_of_cell(int col) const;
  [[nodiscard]] double double_of_cell(int col) const;
  [[nodiscard]] std::string_view text_of_cell(int col) const;
  [[nodiscard]] bool bind_typed_binary(std::size_t i, const typed_value& v);
  [[noreturn]] void throw_not_convertible(int col, std::string_view target) const;

  std::shared_ptr<handle> conn_;
  std::string name_;
  std::string sql_;
  std::vector<unsigned> param_types_;
  std::vector<param_kind> param_kinds_;
  // The arrays PQexecPrepared takes, and per-parameter storage the values point into, kept
  // from one execution to the next so that binding does not allocate.
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<std::array<char, 16>> binary_;
  std::vector<std::string> text_;
  std::string written_;  // where bind_written writes before the text moves into text_

  std::vector<std::string> column_names_;
  std::vector<unsigned> column_types_;
  int result_format_ = 1;  // binary, unless a result column has a type only text can show

  result_ptr result_;
  bool streaming_ = false;    // the next execution fetches rows one at a time
  bool stream_open_ = false;  // a streamed execution has results left on the connection
  bool executed_ = false;
  int row_ = -1;
  int rows_ = 0;
  std::int64_t affected_ = 0;
  mutable std::vector<std::string> scratch_;  // per column: values converted to text or bytes
  mutable std::vector<array_scratch> arrays_;  // per column read as an array: its elements
};

}  // namespace tabula::detail::pg
