// A prepared PostgreSQL statement: parameters in the binary format where the server's inferred
// type has one the driver writes, results in the binary format.

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <utility>

#include "../driver_text.hpp"
#include "../typed_text.hpp"
#include "pg_driver.hpp"
#include "pg_values.hpp"
#include "tabula/error.hpp"

namespace tabula::detail::pg {
namespace {

param_kind kind_of(unsigned oid) {
  switch (oid) {
    case int2_oid:
      return param_kind::int2;
    case int4_oid:
      return param_kind::int4;
    case int8_oid:
      return param_kind::int8;
    case float4_oid:
      return param_kind::float4;
    case float8_oid:
      return param_kind::float8;
    case bool_oid:
      return param_kind::boolean;
    case bytea_oid:
      return param_kind::bytea;
    default:
      return is_text_type(oid) ? param_kind::text : param_kind::other;
  }
}

// libpq's affected-row count, for statements that change rows (SELECT reports rows returned).
std::int64_t rows_changed(const PGresult* r) {
  const std::string_view tag = PQcmdStatus(const_cast<PGresult*>(r));
  if (!tag.starts_with("INSERT") && !tag.starts_with("UPDATE") && !tag.starts_with("DELETE") &&
      !tag.starts_with("MERGE")) {
    return 0;
  }
  const std::string_view n = PQcmdTuples(const_cast<PGresult*>(r));
  std::int64_t v = 0;
  std::from_chars(n.data(), n.data() + n.size(), v);
  return v;
}

const char* non_null(const char* p) { return p != nullptr ? p : ""; }

}  // namespace

statement::statement(std::shared_ptr<handle> conn, std::string name, std::string sql)
    : conn_(std::move(conn)), name_(std::move(name)), sql_(std::move(sql)) {}

statement::~statement() {
  finish_stream();
  conn_->defer_deallocate(std::move(name_));
}

void statement::describe(const PGresult* d) {
  const auto n = static_cast<std::size_t>(PQnparams(d));
  param_types_.resize(n);
  param_kinds_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    param_types_[i] = PQparamtype(d, static_cast<int>(i));
    param_kinds_[i] = kind_of(param_types_[i]);
  }
  values_.assign(n, nullptr);
  lengths_.assign(n, 0);
  formats_.assign(n, 0);
  binary_.resize(n);
  text_.resize(n);
  describe_columns(d);
}

void statement::describe_columns(const PGresult* d) {
  const auto cols = static_cast<std::size_t>(PQnfields(d));
  column_names_.resize(cols);
  column_types_.resize(cols);
  scratch_.resize(cols);
  result_format_ = 1;
  for (std::size_t c = 0; c < cols; ++c) {
    column_names_[c] = PQfname(d, static_cast<int>(c));
    column_types_[c] = PQftype(d, static_cast<int>(c));
    if (!reads_binary(column_types_[c])) result_format_ = 0;
  }
}

// PostgreSQL refuses to run a prepared statement whose result columns changed since it was
// prepared ("cached plan must not change result type", after ALTER TABLE or a table created
// anew). Outside a transaction the statement is prepared again, as SQLite does by itself;
// inside one, the transaction is aborted already and the error stands.
bool statement::prepare_again(const PGresult* failed) {
  PGconn* conn = conn_->get();
  const char* sqlstate = PQresultErrorField(failed, PG_DIAG_SQLSTATE);
  if (sqlstate == nullptr || std::string_view(sqlstate) != "0A000" ||
      PQtransactionStatus(conn) != PQTRANS_IDLE) {
    return false;
  }
  auto name = conn_->next_statement_name();
  const result_ptr prepared(PQprepare(conn, name.c_str(), sql_.c_str(), 0, nullptr));
  if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
    throw_result_error(conn, prepared.get(), sql_);
  }
  conn_->defer_deallocate(std::exchange(name_, std::move(name)));
  const result_ptr d(PQdescribePrepared(conn, name_.c_str()));
  if (PQresultStatus(d.get()) != PGRES_COMMAND_OK) throw_result_error(conn, d.get(), sql_);
  const auto n = static_cast<std::size_t>(PQnparams(d.get()));
  bool same_params = n == param_types_.size();
  for (std::size_t i = 0; same_params && i < n; ++i) {
    same_params = PQparamtype(d.get(), static_cast<int>(i)) == param_types_[i];
  }
  if (!same_params) {
    describe(d.get());
    throw_error<programming_error>(
        fmt::format("the parameter types of this statement changed since it was prepared (the "
                    "schema changed); bind its parameters again in: {}",
                    sql_),
        sql_);
  }
  describe_columns(d.get());
  return true;
}

result_ptr statement::execute_prepared() {
  return result_ptr(PQexecPrepared(conn_->get(), name_.c_str(), param_count(), values_.data(),
                                   lengths_.data(), formats_.data(), result_format_));
}

// ---- binding

// Binding after an execution starts a new one; the other bindings are kept.
std::size_t statement::prepare_bind(int index) {
  if (index < 0 || index >= param_count()) {
    throw_error<programming_error>(
        fmt::format("parameter index {} is out of range: the statement has {} parameter(s) "
                    "(indexes are 0-based) in: {}",
                    index, param_count(), sql_),
        sql_);
  }
  if (executed_) {
    finish_stream();
    result_.reset();
    executed_ = false;
    row_ = -1;
    rows_ = 0;
  }
  return static_cast<std::size_t>(index);
}

void statement::set_binary(std::size_t i, std::size_t length) {
  values_[i] = binary_[i].data();
  lengths_[i] = static_cast<int>(length);
  formats_[i] = 1;
}

void statement::set_view(std::size_t i, std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    throw_bad_param(i, "a value", "longer than 2 GiB");
  }
  values_[i] = non_null(bytes.data());
  lengths_[i] = static_cast<int>(bytes.size());
  formats_[i] = 1;
}

// Sent in the text format, which libpq reads up to a NUL: the value is copied with one.
void statement::set_text(std::size_t i, std::string_view text) {
  refuse_nul(i, text);
  text_[i].assign(text);
  set_owned_text(i);
}

void statement::refuse_nul(std::size_t i, std::string_view text) const {
  if (text.find('\0') != std::string_view::npos) {
    throw_bad_param(i, "a text", "it contains a NUL character");
  }
}

// `text_[i]` (already written) in the text format.
void statement::set_owned_text(std::size_t i) {
  values_[i] = text_[i].c_str();
  lengths_[i] = 0;
  formats_[i] = 0;
}

void statement::throw_bad_param(std::size_t i, std::string_view value,
                                std::string_view reason) const {
  throw_error<conversion_error>(fmt::format("parameter {} (${}, {}) cannot take {}: {} in: {}", i,
                                            i + 1, type_name(param_types_[i]), value, reason, sql_),
                                sql_);
}

void statement::bind_null(int index) {
  const auto i = prepare_bind(index);
  values_[i] = nullptr;
  lengths_[i] = 0;
  formats_[i] = 0;
}

void statement::bind(int index, bool v) {
  const auto i = prepare_bind(index);
  auto& b = binary_[i];
  switch (param_kinds_[i]) {
    case param_kind::boolean:
      b[0] = v ? 1 : 0;
      set_binary(i, 1);
      return;
    case param_kind::int2:
    case param_kind::int4:
    case param_kind::int8:
    case param_kind::float4:
    case param_kind::float8:
      bind(index, static_cast<std::int64_t>(v ? 1 : 0));
      return;
    case param_kind::bytea:
      throw_bad_param(i, v ? "true" : "false", "a bool is not bytes");
    case param_kind::text:
      set_view(i, v ? "true" : "false");
      return;
    case param_kind::other:
      set_text(i, v ? "true" : "false");
      return;
  }
}

void statement::bind(int index, std::int64_t v) {
  const auto i = prepare_bind(index);
  auto& b = binary_[i];
  const auto out_of_range = [&](std::string_view type) {
    throw_bad_param(i, fmt::format("the integer {}", v), fmt::format("out of range for {}", type));
  };
  switch (param_kinds_[i]) {
    case param_kind::int2:
      if (v < INT16_MIN || v > INT16_MAX) out_of_range("smallint");
      put_be16(b.data(), static_cast<std::uint16_t>(v));
      set_binary(i, 2);
      return;
    case param_kind::int4:
      if (v < INT32_MIN || v > INT32_MAX) out_of_range("integer");
      put_be32(b.data(), static_cast<std::uint32_t>(v));
      set_binary(i, 4);
      return;
    case param_kind::int8:
      put_be64(b.data(), static_cast<std::uint64_t>(v));
      set_binary(i, 8);
      return;
    case param_kind::float4: {
      const auto f = static_cast<float>(v);
      if (f >= 9223372036854775808.0F || static_cast<std::int64_t>(f) != v) {
        out_of_range("real without rounding");
      }
      put_be32(b.data(), std::bit_cast<std::uint32_t>(f));
      set_binary(i, 4);
      return;
    }
    case param_kind::float8: {
      const auto d = static_cast<double>(v);
      if (d >= 9223372036854775808.0 || static_cast<std::int64_t>(d) != v) {
        out_of_range("double precision without rounding");
      }
      put_be64(b.data(), std::bit_cast<std::uint64_t>(d));
      set_binary(i, 8);
      return;
    }
    case param_kind::boolean:
      if (v != 0 && v != 1) out_of_range("boolean (0 or 1)");
      b[0] = static_cast<char>(v);
      set_binary(i, 1);
      return;
    case param_kind::bytea:
      throw_bad_param(i, fmt::format("the integer {}", v), "an integer is not bytes");
    case param_kind::text:
    case param_kind::other: {
      // Decimal text (numeric, text columns, ...), written into the parameter's own buffer.
      auto& text = text_[i];
      text.resize(24);
      const auto end = std::to_chars(text.data(), text.data() + text.size(), v).ptr;
      text.resize(static_cast<std::size_t>(end - text.data()));
      if (param_kinds_[i] == param_kind::text) {
        set_view(i, text);
      } else {
        set_owned_text(i);
      }
      return;
    }
  }
}

void statement::bind(int index, double v) {
  const auto i = prepare_bind(index);
  auto& b = binary_[i];
  switch (param_kinds_[i]) {
    case param_kind::int2:
    case param_kind::int4:
    case param_kind::int8:
      if (std::trunc(v) != v || v < -9223372036854775808.0 || v >= 9223372036854775808.0) {
        throw_bad_param(i, fmt::format("the double {}", v), "it is not an integer");
      }
      bind(index, static_cast<std::int64_t>(v));
      return;
    case param_kind::float4:
      // Rounding to float precision is what storing in a real column means; overflow is not.
      if (std::isfinite(v) && std::fabs(v) > FLT_MAX) {
        throw_bad_param(i, fmt::format("the double {}", v), "out of range for real");
      }
      put_be32(b.data(), std::bit_cast<std::uint32_t>(static_cast<float>(v)));
      set_binary(i, 4);
      return;
    case param_kind::float8:
      put_be64(b.data(), std::bit_cast<std::uint64_t>(v));
      set_binary(i, 8);
      return;
    case param_kind::boolean:
    case param_kind::bytea:
      throw_bad_param(i, fmt::format("the double {}", v),
                      fmt::format("a double is not {}", type_name(param_types_[i])));
    case param_kind::text:
      format_float(v, text_[i]);
      set_view(i, text_[i]);
      return;
    case param_kind::other:
      format_float(v, text_[i]);
      set_owned_text(i);
      return;
  }
}

void statement::bind(int index, std::string_view v) {
  const auto i = prepare_bind(index);
  switch (param_kinds_[i]) {
    case param_kind::text:   // the binary format of text is the text itself
    case param_kind::bytea:  // and of bytea the bytes themselves
      set_view(i, v);
      return;
    default:  // the server parses it: numbers, dates, json, uuid, enums, ...
      set_text(i, v);
      return;
  }
}

// Copied into the parameter's own buffer (its capacity kept from one binding to the next) and
// sent as text, which every type's input reads.
void statement::bind_copied(int index, std::string_view v) {
  const auto i = prepare_bind(index);
  refuse_text_for_bytea(i, v.size());
  set_text(i, v);
}

// Sent as text, like bind_copied. Written aside and swapped in on success: `values_[i]` may
// still point at the parameter's text, and a throwing `write` leaves the parameter as it was.
// Both buffers keep their capacity.
void statement::bind_written(int index, driver::text_writer write, const void* value) {
  const auto i = prepare_bind(index);
  written_.clear();
  write(value, written_);
  refuse_text_for_bytea(i, written_.size());
  refuse_nul(i, written_);
  text_[i].swap(written_);
  set_owned_text(i);
}

void statement::refuse_text_for_bytea(std::size_t i, std::size_t length) const {
  if (param_kinds_[i] == param_kind::bytea) {
    throw_bad_param(i, fmt::format("a text of {} bytes", length), "text is not bytea");
  }
}

void statement::bind(int index, driver::blob_view v) {
  const auto i = prepare_bind(index);
  if (param_kinds_[i] != param_kind::bytea && param_kinds_[i] != param_kind::text) {
    throw_bad_param(i, fmt::format("a blob of {} bytes", v.size()),
                    fmt::format("bytes are not {}", type_name(param_types_[i])));
  }
  set_view(i, std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
}

// PostgreSQL's limits (src/include/datatype/timestamp.h): timestamps from 4714-11-24 BC up to
// 294277-01-01, dates from 4714-11-24 BC, in microseconds / days since 2000-01-01.
constexpr std::int64_t min_timestamp_2000 = -211'813'488'000'000'000;
constexpr std::int64_t end_timestamp_2000 = 9'223'371'331'200'000'000;
constexpr std::int64_t min_date_2000 = -2'451'545;
constexpr std::int64_t end_date_2000 = 2'145'031'949;

// A time, interval or UUID in its binary form when the parameter has that type; false
// for any other parameter type (then the value goes as text, which the server parses).
bool statement::bind_typed_binary(std::size_t i, const typed_value& v) {
  const unsigned type = param_types_[i];
  auto& b = binary_[i];
  const auto out_of_range = [&] {
    throw_bad_param(i, describe_typed(v), fmt::format("out of range for {}", type_name(type)));
  };
  switch (v.kind) {
    case typed_kind::timestamp: {
      if (type != timestamptz_oid && type != timestamp_oid) return false;
      std::int64_t since_2000 = 0;
      if (__builtin_sub_overflow(v.value, usecs_1970_to_2000, &since_2000) ||
          since_2000 < min_timestamp_2000 || since_2000 >= end_timestamp_2000) {
        out_of_range();
      }
      put_be64(b.data(), static_cast<std::uint64_t>(since_2000));
      set_binary(i, 8);
      return true;
    }
    case typed_kind::date: {
      if (type != date_oid) return false;
      std::int64_t since_2000 = 0;
      if (__builtin_sub_overflow(v.value, days_1970_to_2000, &since_2000) ||
          since_2000 < min_date_2000 || since_2000 >= end_date_2000) {
        out_of_range();
      }
      put_be32(b.data(), static_cast<std::uint32_t>(since_2000));
      set_binary(i, 4);
      return true;
    }
    case typed_kind::time_of_day:
      if (type != time_oid) return false;
      if (v.value < 0 || v.value >= usecs_per_day) out_of_range();
      put_be64(b.data(), static_cast<std::uint64_t>(v.value));
      set_binary(i, 8);
      return true;
    case typed_kind::interval:  // microseconds, days, months
      if (type != interval_oid) return false;
      put_be64(b.data(), static_cast<std::uint64_t>(v.value));
      put_be32(b.data() + 8, 0);
      put_be32(b.data() + 12, 0);
      set_binary(i, 16);
      return true;
    case typed_kind::uuid:
      if (type != uuid_oid) return false;
      uuid_bytes(v, reinterpret_cast<unsigned char*>(b.data()));
      set_binary(i, 16);
      return true;
    case typed_kind::decimal:  // NUMERIC's input reads the decimal text exactly
      return false;
  }
  return false;
}

void statement::bind(int index, const typed_value& v) {
  const auto i = prepare_bind(index);
  if (bind_typed_binary(i, v)) return;
  typed_text_buffer buf;
  const auto text = typed_text(v, typed_style::postgres, buf);
  if (!text) throw_bad_param(i, describe_typed(v), "it has no text form");
  set_text(i, *text);
}

// A binary array when the parameter is an array of a type the elements convert to exactly;
// array text otherwise (an untyped parameter, an array of numeric, ...), which the server
// parses.
void statement::bind(int index, const array_value& v) {
  const auto i = prepare_bind(index);
  auto& out = text_[i];
  out.clear();
  std::string bad;
  if (const unsigned element = array_element_type(param_types_[i]); element != 0) {
    switch (encode_array(v, element, out, bad)) {
      case array_encoding::done:
        set_view(i, out);
        return;
      case array_encoding::bad_element:
        throw_bad_param(i, fmt::format("an array of {} elements", v.size), bad);
      case array_encoding::not_binary:
        out.clear();
        break;
    }
  }
  if (param_kinds_[i] == param_kind::bytea) {
    throw_bad_param(i, fmt::format("an array of {} elements", v.size), "an array is not bytes");
  }
  append_array_text(out, v);
  if (out.find('\0') != std::string::npos) {
    throw_bad_param(i, "an array", "an element contains a NUL character");
  }
  set_owned_text(i);
}

// ---- execution

bool statement::step() {
  if (streaming_) return step_streaming();
  if (!executed_) {
    PGconn* conn = conn_->get();
    affected_ = 0;
    row_ = -1;
    rows_ = 0;
    result_ = execute_prepared();
    if (PQresultStatus(result_.get()) == PGRES_FATAL_ERROR && prepare_again(result_.get())) {
      result_ = execute_prepared();
    }
    executed_ = true;
    switch (PQresultStatus(result_.get())) {
      case PGRES_TUPLES_OK:
        rows_ = PQntuples(result_.get());
        affected_ = rows_changed(result_.get());
        break;
      case PGRES_COMMAND_OK:
        affected_ = rows_changed(result_.get());
        break;
      case PGRES_EMPTY_QUERY:
        break;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
        result_.reset();
        executed_ = false;
        reject_copy(conn, sql_);
      default: {
        const result_ptr failed = std::move(result_);
        executed_ = false;
        throw_result_error(conn, failed.get(), sql_);
      }
    }
  }
  if (row_ + 1 >= rows_) {
    row_ = rows_;
    return false;
  }
  ++row_;
  return true;
}

void statement::reset() {
  finish_stream();
  streaming_ = false;
  result_.reset();
  executed_ = false;
  row_ = -1;
  rows_ = 0;
  affected_ = 0;
  std::fill(values_.begin(), values_.end(), nullptr);
}

// ---- streaming: single-row mode

void statement::set_streaming(bool on) {
  if (executed_) {
    throw_error<programming_error>(
        fmt::format("set_streaming() after the statement ran: call it after binding, before the "
                    "first step(), in: {}",
                    sql_),
        sql_);
  }
  streaming_ = on;
}

void statement::send_prepared() {
  PGconn* conn = conn_->get();
  if (PQsendQueryPrepared(conn, name_.c_str(), param_count(), values_.data(), lengths_.data(),
                          formats_.data(), result_format_) == 0) {
    throw_result_error(conn, nullptr, sql_);
  }
  stream_open_ = true;
  if (PQsetSingleRowMode(conn) == 0) {
    finish_stream();
    throw_error<operational_error>(fmt::format("could not switch to single-row mode in: {}", sql_),
                                   sql_);
  }
}

// Each row arrives as its own PGRES_SINGLE_TUPLE result; a final PGRES_TUPLES_OK without rows
// (or an error) ends the statement's results, and a null result the command.
bool statement::step_streaming() {
  PGconn* conn = conn_->get();
  bool first = false;
  if (!executed_) {
    affected_ = 0;
    send_prepared();
    executed_ = true;
    first = true;
  }
  if (!stream_open_) return false;
  row_ = -1;
  rows_ = 0;
  result_.reset(PQgetResult(conn));
  switch (PQresultStatus(result_.get())) {
    case PGRES_SINGLE_TUPLE:
      row_ = 0;
      rows_ = 1;
      return true;
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
      affected_ = rows_changed(result_.get());
      finish_stream();
      return false;
    default: {
      const result_ptr failed = std::move(result_);
      finish_stream();
      if (first && prepare_again(failed.get())) {
        send_prepared();
        return step_streaming();
      }
      executed_ = false;
      throw_result_error(conn, failed.get(), sql_);
    }
  }
}

// Reads what is left of a streamed execution, so the connection can run the next command.
// The rest of the rows are fetched and dropped: cancelling the query instead could reach the
// server after the next command started and cancel that one.
void statement::finish_stream() {
  if (!stream_open_) return;
  stream_open_ = false;
  PGconn* conn = conn_->get();
  while (PGresult* r = PQgetResult(conn)) PQclear(r);
}

// ---- reading

std::string_view statement::column_name(int col) const {
  if (col < 0 || col >= column_count()) {
    throw_error<programming_error>(
        fmt::format("column index {} is out of range: the statement has {} column(s) in: {}", col,
                    column_count(), sql_),
        sql_);
  }
  return column_names_[static_cast<std::size_t>(col)];
}

void statement::throw_bad_column(int col) const {
  if (result_ == nullptr || row_ < 0 || row_ >= rows_) {
    throw_error<programming_error>(
        fmt::format("no current row to read: call step() and read columns while it returns "
                    "true in: {}",
                    sql_),
        sql_);
  }
  throw_error<programming_error>(
      fmt::format("column index {} is out of range: the row has {} column(s) in: {}", col,
                  column_count(), sql_),
      sql_);
}

bool statement::is_null(int col) const {
  check_column(col);
  return PQgetisnull(result_.get(), row_, col) != 0;
}

std::string_view statement::value_of(int col, std::string_view target) const {
  check_column(col);
  PGresult* r = result_.get();
  if (PQgetisnull(r, row_, col) != 0) [[unlikely]]
    throw_null(col, target);
  return {PQgetvalue(r, row_, col), static_cast<std::size_t>(PQgetlength(r, row_, col))};
}

void statement::throw_null(int col, std::string_view target) const {
  throw_error<conversion_error>(
      fmt::format("column {} (\"{}\") is NULL, which cannot be read as {} in: {}", col,
                  column_name(col), target, sql_),
      sql_);
}

cell statement::cell_of(int col, std::string_view target) const {
  const auto data = value_of(col, target);  // checks `col` first
  return {column_types_[static_cast<std::size_t>(col)], result_format_ == 1, data};
}

void statement::throw_not_convertible(int col, std::string_view target) const {
  const auto type = column_types_[static_cast<std::size_t>(col)];
  std::string shown;
  if (type != bytea_oid) {
    std::string scratch;
    if (auto text = to_text({type, result_format_ == 1, value_of(col, target)}, scratch);
        text && text->size() <= 64) {
      shown = fmt::format(" {}", *text);
    }
  }
  throw_error<conversion_error>(
      fmt::format("column {} (\"{}\") holds the {} value{}, which cannot be read as {} in: {}", col,
                  column_name(col), type_name(type), shown, target, sql_),
      sql_);
}

// Each getter first tries the value's usual binary form (the type a tabula schema gives the
// column), reading the bytes without asking libpq about NULL: a NULL has no bytes, so it fails
// the size check and takes the general path, which reports it.

bool statement::get_bool(int col) const {
  check_column(col);
  if (result_format_ == 1 && column_types_[static_cast<std::size_t>(col)] == bool_oid) {
    if (const auto b = bytes_of(col); b.size() == 1) return b[0] != 0;
  }
  return bool_of_cell(col);
}

bool statement::bool_of_cell(int col) const {
  constexpr std::string_view target = "a bool";
  if (auto v = to_bool(cell_of(col, target))) return *v;
  throw_not_convertible(col, target);
}

std::int64_t statement::get_int64(int col) const {
  check_column(col);
  if (result_format_ == 1) {
    const unsigned type = column_types_[static_cast<std::size_t>(col)];
    if (type == int8_oid) {
      if (const auto b = bytes_of(col); b.size() == 8) {
        return static_cast<std::int64_t>(load_be64(b.data()));
      }
    } else if (type == int4_oid) {
      if (const auto b = bytes_of(col); b.size() == 4) {
        return static_cast<std::int32_t>(load_be32(b.data()));
      }
    }
  }
  return int64_of_cell(col);
}

std::int64_t statement::int64_of_cell(int col) const {
  constexpr std::string_view target = "a 64-bit integer";
  if (auto v = to_int64(cell_of(col, target))) return *v;
  throw_not_convertible(col, target);
}

double statement::get_double(int col) const {
  check_column(col);
  if (result_format_ == 1 && column_types_[static_cast<std::size_t>(col)] == float8_oid) {
    if (const auto b = bytes_of(col); b.size() == 8)
      return std::bit_cast<double>(load_be64(b.data()));
  }
  return double_of_cell(col);
}

double statement::double_of_cell(int col) const {
  constexpr std::string_view target = "a double";
  if (auto v = to_double(cell_of(col, target))) return *v;
  throw_not_convertible(col, target);
}

std::string_view statement::get_text(int col) const {
  check_column(col);
  if (is_text_type(column_types_[static_cast<std::size_t>(col)])) {
    // The same bytes in both formats. Empty: an empty string, or NULL.
    if (const auto b = bytes_of(col); !b.empty()) return b;
  }
  return text_of_cell(col);
}

std::string_view statement::text_of_cell(int col) const {
  constexpr std::string_view target = "text";
  if (auto v = to_text(cell_of(col, target), scratch_[static_cast<std::size_t>(col)])) return *v;
  throw_not_convertible(col, target);
}

driver::blob_view statement::get_blob(int col) const {
  constexpr std::string_view target = "a blob";
  const cell c = cell_of(col, target);
  if (auto v = to_blob(c, scratch_[static_cast<std::size_t>(col)])) return *v;
  throw_not_convertible(col, target);
}

typed_value statement::get_typed(int col, typed_kind kind, std::uint8_t scale) const {
  static constexpr std::string_view targets[] = {
      "a timestamp",          "a date",
      "a time of day",        "an interval of fixed length (no months)",
      "a UUID",               "a decimal without loss of digits"};
  const auto target = targets[static_cast<int>(kind)];
  if (auto v = to_typed(cell_of(col, target), kind, scale, scratch_[static_cast<std::size_t>(col)])) {
    return *v;
  }
  throw_not_convertible(col, target);
}

array_value statement::get_array(int col, array_element element) const {
  static constexpr std::string_view targets[] = {"an array of booleans",
                                                 "an array of 64-bit integers",
                                                 "an array of doubles", "an array of text"};
  const int which = element == array_element::boolean   ? 0
                    : element == array_element::int64   ? 1
                    : element == array_element::float64 ? 2
                                                        : 3;
  const cell c = cell_of(col, targets[which]);
  if (which == 3 && element != array_element::string_view) {
    throw_error<programming_error>(
        fmt::format("get_array reads elements as boolean, int64, float64 or string_view, not "
                    "kind {} in: {}",
                    static_cast<int>(element), sql_),
        sql_);
  }
  // A binary cell of a type other than the arrays the driver reads is no array. Text (of a
  // text column in either format, or any value of a text result: arrays of enums, dates, ...)
  // is parsed as PostgreSQL's array text.
  std::optional<std::string> failed;
  array_value out;
  if (c.binary && array_element_type(c.type) == 0 && !is_text_type(c.type)) {
    failed = fmt::format("a {} value", type_name(c.type));
  } else {
    if (arrays_.size() <= static_cast<std::size_t>(col)) {
      arrays_.resize(static_cast<std::size_t>(column_count()));
    }
    const cell as_read{c.type, c.binary && !is_text_type(c.type), c.data};
    failed = read_array(as_read, element, arrays_[static_cast<std::size_t>(col)], out);
    if (!failed) return out;
  }
  throw_error<conversion_error>(
      fmt::format("column {} (\"{}\") holds {}, which cannot be read as {} in: {}", col,
                  column_name(col), *failed, targets[which], sql_),
      sql_);
}

}  // namespace tabula::detail::pg
