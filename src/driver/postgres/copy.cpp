// Bulk loading through `COPY ... FROM STDIN` in the text format, which every column type reads
// from its text spelling.

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <utility>

#include "../driver_text.hpp"
#include "../typed_text.hpp"
#include "pg_driver.hpp"
#include "tabula/error.hpp"

namespace tabula::detail::pg {
namespace {

// Rows collect in a buffer that is sent once it holds this many bytes.
constexpr std::size_t chunk_size = 64 * 1024;

class copy_writer final : public driver::bulk_writer {
 public:
  copy_writer(std::shared_ptr<handle> conn, std::string sql, int columns)
      : conn_(std::move(conn)), sql_(std::move(sql)), columns_(columns) {
    buffer_.reserve(chunk_size + chunk_size / 4);
  }

  ~copy_writer() override {
    if (open_) (void)end_copy("tabula: bulk load abandoned");
  }

  copy_writer(const copy_writer&) = delete;
  copy_writer& operator=(const copy_writer&) = delete;

  [[nodiscard]] std::string_view sql() const noexcept override { return sql_; }

  void bind_null(int column) override {
    start_value(column);
    buffer_ += "\\N";
  }

  void bind(int column, bool v) override {
    start_value(column);
    buffer_ += v ? 't' : 'f';
  }

  void bind(int column, std::int64_t v) override {
    start_value(column);
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
    buffer_.append(digits, end);
  }

  void bind(int column, double v) override {
    start_value(column);
    format_float(v, scratch_);
    buffer_ += scratch_;
  }

  // The text every typed column reads (times in UTC with "+00").
  void bind(int column, const typed_value& v) override {
    typed_text_buffer buf;
    const auto text = typed_text(v, typed_style::postgres, buf);
    if (!text) {
      throw_error<conversion_error>(
          fmt::format("column {} cannot take {}: it has no text form in: {}", column,
                      describe_typed(v), sql_),
          sql_);
    }
    bind(column, *text);
  }

  // PostgreSQL's array text (every element exact), escaped for COPY like any text.
  void bind(int column, const array_value& v) override {
    array_text_.clear();
    append_array_text(array_text_, v);
    bind(column, std::string_view(array_text_));
  }

  void bind(int column, std::string_view v) override {
    start_value(column);
    for (const char c : v) {
      switch (c) {
        case '\\':
          buffer_ += "\\\\";
          break;
        case '\t':
          buffer_ += "\\t";
          break;
        case '\n':
          buffer_ += "\\n";
          break;
        case '\r':
          buffer_ += "\\r";
          break;
        default:
          buffer_ += c;
      }
    }
  }

  void bind(int column, driver::blob_view v) override {
    start_value(column);
    // bytea's hex input `\x...`, its backslash escaped for the COPY text format.
    static constexpr char hex[] = "0123456789abcdef";
    buffer_ += "\\\\x";
    for (const std::byte b : v) {
      const auto u = std::to_integer<unsigned>(b);
      buffer_ += hex[u >> 4];
      buffer_ += hex[u & 0xF];
    }
  }

  void end_row() override {
    check_open("end_row()");
    if (next_ != columns_) {
      throw_error<programming_error>(
          fmt::format("bulk load: end_row() after {} of the row's {} columns in: {}", next_,
                      columns_, sql_),
          sql_);
    }
    buffer_ += '\n';
    next_ = 0;
    if (buffer_.size() >= chunk_size) send();
  }

  std::int64_t finish() override {
    check_open("finish()");
    if (next_ != 0) {
      throw_error<programming_error>(
          fmt::format("bulk load: finish() inside a row, after {} of its {} columns; call "
                      "end_row() first in: {}",
                      next_, columns_, sql_),
          sql_);
    }
    send();
    const auto outcome = end_copy(nullptr);
    if (PQresultStatus(outcome.get()) != PGRES_COMMAND_OK) {
      throw_result_error(conn_->get(), outcome.get(), sql_);
    }
    const std::string_view n = PQcmdTuples(outcome.get());
    std::int64_t rows = 0;
    std::from_chars(n.data(), n.data() + n.size(), rows);
    return rows;
  }

 private:
  void check_open(std::string_view call) const {
    if (!open_) {
      throw_error<programming_error>(
          fmt::format("bulk load: {} after the load ended in: {}", call, sql_), sql_);
    }
  }

  // Checks that `column` comes next in the row and separates it from the one before.
  void start_value(int column) {
    check_open("bind");
    if (column != next_ || next_ == columns_) {
      throw_error<programming_error>(
          next_ < columns_
              ? fmt::format("bulk load: column {} bound where column {} comes next in: {}", column,
                            next_, sql_)
              : fmt::format("bulk load: column {} bound after the row's {} columns; call "
                            "end_row() in: {}",
                            column, columns_, sql_),
          sql_);
    }
    if (next_ != 0) buffer_ += '\t';
    ++next_;
  }

  // Sends the buffered rows; on a failure ends the COPY and throws.
  void send() {
    PGconn* conn = conn_->get();
    std::string_view rest = buffer_;
    while (!rest.empty()) {
      const auto n = std::min<std::size_t>(rest.size(), INT_MAX);
      if (PQputCopyData(conn, rest.data(), static_cast<int>(n)) != 1) {
        buffer_.clear();
        const auto outcome = end_copy("tabula: bulk load failed");
        const bool failed = outcome != nullptr && PQresultStatus(outcome.get()) != PGRES_COMMAND_OK;
        throw_result_error(conn, failed ? outcome.get() : nullptr, sql_);
      }
      rest.remove_prefix(n);
    }
    buffer_.clear();
  }

  // Ends the COPY, as failed with `reason` when not null, and reads its results until none is
  // left, so that the connection can run the next statement. Returns the first failed result,
  // else the last one.
  result_ptr end_copy(const char* reason) noexcept {
    open_ = false;
    PGconn* conn = conn_->get();
    PQputCopyEnd(conn, reason);  // a failure shows in the results
    result_ptr outcome;
    int copy_results = 0;
    for (;;) {
      result_ptr r(PQgetResult(conn));
      if (r == nullptr) break;
      const auto status = PQresultStatus(r.get());
      if (status == PGRES_COPY_IN) {  // the end did not reach the server: try once more
        if (++copy_results > 1) break;
        PQputCopyEnd(conn, reason != nullptr ? reason : "tabula: bulk load failed");
        continue;
      }
      if (outcome == nullptr ||
          (PQresultStatus(outcome.get()) == PGRES_COMMAND_OK && status != PGRES_COMMAND_OK)) {
        outcome = std::move(r);
      }
    }
    buffer_.clear();
    return outcome;
  }

  std::shared_ptr<handle> conn_;
  std::string sql_;
  int columns_;
  int next_ = 0;  // the column the current row binds next
  bool open_ = true;
  std::string buffer_;
  std::string scratch_;
  std::string array_text_;  // an array bound last, before it is escaped into the buffer
};

}  // namespace

owned<driver::bulk_writer> start_copy(const std::shared_ptr<handle>& conn, std::string_view schema,
                                      std::string_view table,
                                      std::span<const std::string> columns) {
  std::string sql = "COPY ";
  if (!schema.empty()) sql += quote_identifier(schema) + ".";
  sql += quote_identifier(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i != 0) sql += ", ";
    sql += quote_identifier(columns[i]);
  }
  sql += ") FROM STDIN";
  if (columns.empty()) {
    throw_error<programming_error>(fmt::format("bulk load with no column in: {}", sql), sql);
  }

  // Statements dropped earlier are deallocated now: once the COPY runs, nothing else can.
  conn->deallocate_pending();
  PGconn* pg = conn->get();
  const result_ptr started(PQexec(pg, sql.c_str()));
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
    throw_result_error(pg, started.get(), sql);
  }
  return make_owned<copy_writer>(conn, std::move(sql), static_cast<int>(columns.size()));
}

}  // namespace tabula::detail::pg
