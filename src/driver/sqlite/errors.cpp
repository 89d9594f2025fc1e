// Mapping SQLite's extended result codes onto tabula's exception hierarchy.

#include <fmt/format.h>

#include <array>
#include <utility>

#include "sqlite_driver.hpp"
#include "tabula/error.hpp"

namespace tabula::detail::sqlite {
namespace {

#define TABULA_SQLITE_CODE(code) \
  std::pair<int, std::string_view> { code, #code }

// sqlite3_errstr() describes a code but does not name it; messages name it so that it can be
// looked up in SQLite's documentation.
constexpr std::array code_names{
    TABULA_SQLITE_CODE(SQLITE_OK),
    TABULA_SQLITE_CODE(SQLITE_ERROR),
    TABULA_SQLITE_CODE(SQLITE_INTERNAL),
    TABULA_SQLITE_CODE(SQLITE_PERM),
    TABULA_SQLITE_CODE(SQLITE_ABORT),
    TABULA_SQLITE_CODE(SQLITE_BUSY),
    TABULA_SQLITE_CODE(SQLITE_LOCKED),
    TABULA_SQLITE_CODE(SQLITE_NOMEM),
    TABULA_SQLITE_CODE(SQLITE_READONLY),
    TABULA_SQLITE_CODE(SQLITE_INTERRUPT),
    TABULA_SQLITE_CODE(SQLITE_IOERR),
    TABULA_SQLITE_CODE(SQLITE_CORRUPT),
    TABULA_SQLITE_CODE(SQLITE_NOTFOUND),
    TABULA_SQLITE_CODE(SQLITE_FULL),
    TABULA_SQLITE_CODE(SQLITE_CANTOPEN),
    TABULA_SQLITE_CODE(SQLITE_PROTOCOL),
    TABULA_SQLITE_CODE(SQLITE_EMPTY),
    TABULA_SQLITE_CODE(SQLITE_SCHEMA),
    TABULA_SQLITE_CODE(SQLITE_TOOBIG),
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT),
    TABULA_SQLITE_CODE(SQLITE_MISMATCH),
    TABULA_SQLITE_CODE(SQLITE_MISUSE),
    TABULA_SQLITE_CODE(SQLITE_NOLFS),
    TABULA_SQLITE_CODE(SQLITE_AUTH),
    TABULA_SQLITE_CODE(SQLITE_FORMAT),
    TABULA_SQLITE_CODE(SQLITE_RANGE),
    TABULA_SQLITE_CODE(SQLITE_NOTADB),
    TABULA_SQLITE_CODE(SQLITE_NOTICE),
    TABULA_SQLITE_CODE(SQLITE_WARNING),
    TABULA_SQLITE_CODE(SQLITE_ROW),
    TABULA_SQLITE_CODE(SQLITE_DONE),
    TABULA_SQLITE_CODE(SQLITE_ERROR_MISSING_COLLSEQ),
    TABULA_SQLITE_CODE(SQLITE_ERROR_RETRY),
    TABULA_SQLITE_CODE(SQLITE_ERROR_SNAPSHOT),
    TABULA_SQLITE_CODE(SQLITE_IOERR_READ),
    TABULA_SQLITE_CODE(SQLITE_IOERR_SHORT_READ),
    TABULA_SQLITE_CODE(SQLITE_IOERR_WRITE),
    TABULA_SQLITE_CODE(SQLITE_IOERR_FSYNC),
    TABULA_SQLITE_CODE(SQLITE_IOERR_TRUNCATE),
    TABULA_SQLITE_CODE(SQLITE_IOERR_FSTAT),
    TABULA_SQLITE_CODE(SQLITE_IOERR_UNLOCK),
    TABULA_SQLITE_CODE(SQLITE_IOERR_RDLOCK),
    TABULA_SQLITE_CODE(SQLITE_IOERR_DELETE),
    TABULA_SQLITE_CODE(SQLITE_IOERR_NOMEM),
    TABULA_SQLITE_CODE(SQLITE_IOERR_ACCESS),
    TABULA_SQLITE_CODE(SQLITE_IOERR_LOCK),
    TABULA_SQLITE_CODE(SQLITE_IOERR_CLOSE),
    TABULA_SQLITE_CODE(SQLITE_IOERR_SHMOPEN),
    TABULA_SQLITE_CODE(SQLITE_IOERR_SHMSIZE),
    TABULA_SQLITE_CODE(SQLITE_IOERR_SHMMAP),
    TABULA_SQLITE_CODE(SQLITE_IOERR_SEEK),
    TABULA_SQLITE_CODE(SQLITE_IOERR_MMAP),
    TABULA_SQLITE_CODE(SQLITE_IOERR_GETTEMPPATH),
    TABULA_SQLITE_CODE(SQLITE_IOERR_CORRUPTFS),
    TABULA_SQLITE_CODE(SQLITE_LOCKED_SHAREDCACHE),
    TABULA_SQLITE_CODE(SQLITE_LOCKED_VTAB),
    TABULA_SQLITE_CODE(SQLITE_BUSY_RECOVERY),
    TABULA_SQLITE_CODE(SQLITE_BUSY_SNAPSHOT),
    TABULA_SQLITE_CODE(SQLITE_BUSY_TIMEOUT),
    TABULA_SQLITE_CODE(SQLITE_CANTOPEN_NOTEMPDIR),
    TABULA_SQLITE_CODE(SQLITE_CANTOPEN_ISDIR),
    TABULA_SQLITE_CODE(SQLITE_CANTOPEN_FULLPATH),
    TABULA_SQLITE_CODE(SQLITE_CANTOPEN_CONVPATH),
    TABULA_SQLITE_CODE(SQLITE_CANTOPEN_SYMLINK),
    TABULA_SQLITE_CODE(SQLITE_CORRUPT_VTAB),
    TABULA_SQLITE_CODE(SQLITE_CORRUPT_SEQUENCE),
    TABULA_SQLITE_CODE(SQLITE_CORRUPT_INDEX),
    TABULA_SQLITE_CODE(SQLITE_READONLY_RECOVERY),
    TABULA_SQLITE_CODE(SQLITE_READONLY_CANTLOCK),
    TABULA_SQLITE_CODE(SQLITE_READONLY_ROLLBACK),
    TABULA_SQLITE_CODE(SQLITE_READONLY_DBMOVED),
    TABULA_SQLITE_CODE(SQLITE_READONLY_CANTINIT),
    TABULA_SQLITE_CODE(SQLITE_READONLY_DIRECTORY),
    TABULA_SQLITE_CODE(SQLITE_ABORT_ROLLBACK),
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_CHECK),
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_COMMITHOOK),
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_FOREIGNKEY),
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_FUNCTION),
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_NOTNULL),
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_PRIMARYKEY),
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_TRIGGER),
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_UNIQUE),
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_VTAB),
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_ROWID),
#ifdef SQLITE_CONSTRAINT_PINNED
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_PINNED),
#endif
#ifdef SQLITE_CONSTRAINT_DATATYPE
    TABULA_SQLITE_CODE(SQLITE_CONSTRAINT_DATATYPE),
#endif
    TABULA_SQLITE_CODE(SQLITE_AUTH_USER),
};

#undef TABULA_SQLITE_CODE

template <class E>
[[noreturn]] void raise(int code, std::string_view message, std::string_view sql) {
  auto what = fmt::format("{} ({} {})", message, code_name(code), code);
  if (!sql.empty()) what += fmt::format(" in: {}", sql);
  throw_error<E>(std::move(what), std::string(sql), std::to_string(code), std::string(message));
}

}  // namespace

std::string_view code_name(int code) noexcept {
  for (const auto& [value, name] : code_names) {
    if (value == code) return name;
  }
  // An extended code this table does not know: name its primary code.
  const int primary = code & 0xff;
  for (const auto& [value, name] : code_names) {
    if (value == primary) return name;
  }
  return "SQLITE_UNKNOWN";
}

void throw_for_code(int code, std::string_view message, std::string_view sql) {
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      raise<unique_violation>(code, message, sql);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      raise<foreign_key_violation>(code, message, sql);
    case SQLITE_CONSTRAINT_TRIGGER:
      // ON DELETE/UPDATE RESTRICT is enforced by SQLite's internal foreign-key triggers.
      if (message.find("FOREIGN KEY constraint failed") != std::string_view::npos) {
        raise<foreign_key_violation>(code, message, sql);
      }
      raise<integrity_error>(code, message, sql);
    case SQLITE_CONSTRAINT_NOTNULL:
      raise<not_null_violation>(code, message, sql);
    case SQLITE_CONSTRAINT_CHECK:
      raise<check_violation>(code, message, sql);
#ifdef SQLITE_CONSTRAINT_DATATYPE
    case SQLITE_CONSTRAINT_DATATYPE:  // a STRICT table refused a value of the wrong type
      raise<conversion_error>(code, message, sql);
#endif
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      raise<integrity_error>(code, message, sql);
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISUSE:
    case SQLITE_SCHEMA:
      raise<programming_error>(code, message, sql);
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      raise<conversion_error>(code, message, sql);
    default:  // BUSY, LOCKED, CANTOPEN, IOERR, FULL, NOMEM, READONLY, CORRUPT, NOTADB, ...
      raise<operational_error>(code, message, sql);
  }
}

void throw_last_error(sqlite3* db, std::string_view sql) {
  throw_for_code(sqlite3_extended_errcode(db), sqlite3_errmsg(db), sql);
}

}  // namespace tabula::detail::sqlite
