// Mapping PostgreSQL errors (by SQLSTATE) onto tabula's exception hierarchy.

#include <fmt/format.h>

#include "../driver_text.hpp"
#include "pg_driver.hpp"
#include "tabula/error.hpp"

namespace tabula::detail::pg {
namespace {

template <class E>
[[noreturn]] void raise(std::string_view sqlstate, const std::string& message,
                        std::string_view sql) {
  auto what = sqlstate.empty() ? message : fmt::format("{} (SQLSTATE {})", message, sqlstate);
  if (!sql.empty()) what += fmt::format(" in: {}", sql);
  throw_error<E>(std::move(what), std::string(sql), std::string(sqlstate), message);
}

}  // namespace

void reject_copy(PGconn* conn, std::string_view sql) {
  // Leave the COPY state the statement put the connection in, so that it stays usable.
  for (;;) {
    const result_ptr r(PQgetResult(conn));
    if (r == nullptr) break;
    if (PQresultStatus(r.get()) == PGRES_COPY_IN) {
      PQputCopyEnd(conn, "COPY FROM STDIN is not supported");
    } else if (PQresultStatus(r.get()) == PGRES_COPY_OUT) {
      char* row = nullptr;
      while (PQgetCopyData(conn, &row, 0) > 0) PQfreemem(row);
    }
  }
  throw_error<not_supported_error>(
      fmt::format("COPY ... FROM STDIN / TO STDOUT cannot run as a statement in: {}", sql),
      std::string(sql));
}

void throw_result_error(PGconn* conn, const PGresult* result, std::string_view sql) {
  const auto field = [&](int code) -> std::string_view {
    const char* v = result != nullptr ? PQresultErrorField(result, code) : nullptr;
    return v != nullptr ? std::string_view(v) : std::string_view();
  };
  const auto sqlstate = field(PG_DIAG_SQLSTATE);
  std::string message(field(PG_DIAG_MESSAGE_PRIMARY));
  if (message.empty()) {  // an error libpq raised itself, e.g. the connection was lost
    message = one_line(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn));
    if (message.empty()) message = one_line(PQerrorMessage(conn));
  }
  if (const auto detail = field(PG_DIAG_MESSAGE_DETAIL); !detail.empty()) {
    message += fmt::format(". {}", one_line(detail));
  }
  const auto cls = sqlstate.substr(0, 2);
  // Every way a connection breaks is one error: libpq's own (the socket closed, no SQLSTATE),
  // class 08, and the server ending the session (57P01 admin shutdown or
  // pg_terminate_backend, 57P02 crash shutdown, 57P03 cannot connect now).
  if (PQstatus(conn) == CONNECTION_BAD || cls == "08" || sqlstate == "57P01" ||
      sqlstate == "57P02" || sqlstate == "57P03") {
    raise<connection_lost>(sqlstate, message, sql);
  }

  if (sqlstate == "23505") raise<unique_violation>(sqlstate, message, sql);
  if (sqlstate == "23503") raise<foreign_key_violation>(sqlstate, message, sql);
  if (sqlstate == "23502") raise<not_null_violation>(sqlstate, message, sql);
  // 22001 is "value too long for type character varying(n)": SQLite checks a maximum length
  // with a CHECK constraint, so both databases report it as a check violation.
  if (sqlstate == "23514" || sqlstate == "22001") raise<check_violation>(sqlstate, message, sql);
  if (cls == "23") raise<integrity_error>(sqlstate, message, sql);
  if (sqlstate == "40001" || sqlstate == "40P01") raise<transaction_error>(sqlstate, message, sql);
  if (cls == "53" || cls == "57" || sqlstate == "55P03") {  // 55P03: a lock NOWAIT did not get
    raise<operational_error>(sqlstate, message, sql);
  }
  if (cls == "42") raise<programming_error>(sqlstate, message, sql);
  if (cls == "22") raise<conversion_error>(sqlstate, message, sql);
  raise<programming_error>(sqlstate, message, sql);
}

void exec_simple(PGconn* conn, std::string_view sql) {
  const std::string text(sql);  // PQexec needs a terminating NUL
  const result_ptr result(PQexec(conn, text.c_str()));
  switch (PQresultStatus(result.get())) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
      return;
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
      reject_copy(conn, sql);
    default:
      throw_result_error(conn, result.get(), sql);
  }
}

}  // namespace tabula::detail::pg
