#pragma once
/// \file driver.hpp
/// The runtime contract between tabula and a database client library. A driver knows only SQL
/// text and values of the six storage classes (NULL, bool, 64-bit integer, double, text, blob),
/// `typed_value`s (times, UUIDs, decimals) and `array_value`s, which it stores in its
/// database's own types;
/// everything about models and queries lives above it. Implementations live in `src/driver/`
/// and are the only code that includes a vendor header.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tabula/ast/value.hpp"
#include "tabula/detail/shared.hpp"
#include "tabula/driver/array_value.hpp"

namespace tabula::driver {

struct url;  // tabula/driver/url.hpp

/// The owning pointers of the contract. `owned<T>` owns as `std::unique_ptr<T>` does,
/// `shared<T>` as `std::shared_ptr<T>` does (its count is atomic); `make_owned<T>(args...)`
/// and `make_shared<T>(args...)` make them, and an `owned` or `shared` of a derived class
/// converts to one of its base. (tabula's own, so that its headers need not include
/// `<memory>`.)
using detail::make_owned;
using detail::make_shared;
using detail::owned;
using detail::shared;

using blob_view = std::span<const std::byte>;

/// Appends the text of the value `value` points to onto `out` (see `statement::bind_written`).
using text_writer = void (*)(const void* value, std::string& out);

/// The parameter type of the `bind` overload taking the storage type `V`.
template <class V>
struct bind_param {
  using type = V;
};
template <>
struct bind_param<typed_value> {
  using type = const typed_value&;
};
template <>
struct bind_param<array_value> {
  using type = const array_value&;
};

/// Calls the `bind` overload of `target` (a `statement` or a `bulk_writer`) that takes the
/// storage type `V`, picked by its type. A call `target.bind(index, v)` would weigh converting
/// `v` to each overload's parameter — a string view to `std::span`, whose constrained
/// constructors alone cost a file including tabula more to compile than this whole header.
template <class V, class Target>
void bind_as(Target& target, int index, typename bind_param<V>::type v) {
  using member = void (Target::*)(int, typename bind_param<V>::type);
  (target.*static_cast<member>(&Target::bind))(index, v);
}

/// A prepared statement. Obtained from `connection::prepare`, which caches statements by SQL
/// text, so a statement prepared twice is parsed once.
///
/// Use: bind every parameter (0-based slot indexes), then call `step()` until it returns false,
/// reading columns (0-based) while it returns true. `reset()` makes it ready for new bindings.
/// Text and blob values bound by view must stay alive until the first `step()` after binding;
/// views returned by `get_text`/`get_blob` stay valid until the next `step()` or `reset()`.
class statement {
 public:
  virtual ~statement() = default;
  statement() = default;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  [[nodiscard]] virtual std::string_view sql() const noexcept = 0;
  [[nodiscard]] virtual int param_count() const noexcept = 0;

  virtual void bind_null(int index) = 0;
  virtual void bind(int index, bool v) = 0;
  virtual void bind(int index, std::int64_t v) = 0;
  virtual void bind(int index, double v) = 0;
  virtual void bind(int index, std::string_view v) = 0;
  virtual void bind(int index, blob_view v) = 0;
  /// Binds a time, UUID or decimal in the database's own format for it. Throws
  /// `conversion_error` for a value outside the database's range (e.g. a year after 9999 on
  /// SQLite).
  virtual void bind(int index, const typed_value& v) = 0;
  /// Binds a one-dimensional array: on PostgreSQL in the binary array format when the
  /// parameter's type is an array of a type the elements convert to exactly (`BIGINT[]` for
  /// integers, ...), else as array text, which the server parses. Throws `conversion_error` for
  /// an element the parameter's element type cannot hold, and `programming_error` on a
  /// database without arrays (SQLite). The elements are copied before it returns.
  virtual void bind(int index, const array_value& v) = 0;
  /// Binds text that the driver copies before returning, so it may be a temporary (JSON
  /// serialized for this binding).
  virtual void bind_copied(int index, std::string_view v) = 0;

  /// Executes the statement on the first call after binding and moves to the next row.
  /// Returns false when there is no further row. Throws a `tabula::error` subclass carrying the
  /// SQL, the database's code and message; the statement is then reset and stays usable.
  virtual bool step() = 0;
  /// Clears bindings and results; the statement can be bound and executed again.
  virtual void reset() = 0;

  /// Asks the next execution to fetch its rows one at a time, holding one in memory, instead
  /// of all at once (SQLite always does; PostgreSQL switches to single-row mode). Call after
  /// binding, before the first `step()`; `reset()` turns it off. While a streamed PostgreSQL
  /// statement has rows left, its connection runs nothing else.
  virtual void set_streaming(bool /*on*/) {}

  [[nodiscard]] virtual int column_count() const = 0;
  [[nodiscard]] virtual std::string_view column_name(int col) const = 0;
  [[nodiscard]] virtual bool is_null(int col) const = 0;
  /// Each getter converts from the column's database type where that is lossless and throws
  /// `conversion_error` otherwise (e.g. text where an integer is expected).
  [[nodiscard]] virtual bool get_bool(int col) const = 0;
  [[nodiscard]] virtual std::int64_t get_int64(int col) const = 0;
  [[nodiscard]] virtual double get_double(int col) const = 0;
  [[nodiscard]] virtual std::string_view get_text(int col) const = 0;
  [[nodiscard]] virtual blob_view get_blob(int col) const = 0;
  /// Reads a `typed_value` of `kind` (with `scale` digits after the point for a decimal);
  /// `conversion_error` naming the column when the stored value is not one exactly (text that
  /// is no time, a decimal with more digits after the point than `scale`, ...).
  [[nodiscard]] virtual typed_value get_typed(int col, typed_kind kind,
                                              std::uint8_t scale) const = 0;
  /// Reads a one-dimensional array without NULL elements as `element`s: `boolean` (returned
  /// as `uint8` elements, 0 or 1), `int64`, `float64` or `string_view`. The view stays valid
  /// until the next `step()` or `reset()`. `conversion_error` naming the column for an array
  /// of more dimensions, with a NULL element, or of elements that do not convert exactly (an
  /// array of `numeric` read as integers, ...); `programming_error` on a database without
  /// arrays (SQLite).
  [[nodiscard]] virtual array_value get_array(int col, array_element element) const = 0;

  /// Rows inserted, updated or deleted by the last execution.
  [[nodiscard]] virtual std::int64_t affected_rows() const = 0;

  /// While stepping through rows: how many rows the execution returned in all, when the driver
  /// holds them all already (PostgreSQL without streaming); -1 when it does not know (SQLite,
  /// which computes rows as it steps). Lets a caller collecting rows size its container once.
  [[nodiscard]] virtual std::int64_t known_row_count() const { return -1; }

  /// Binds text that `write(value, out)` appends to `out`: an empty buffer of the driver's,
  /// whose capacity is kept from one binding to the next. A value serialized for this binding
  /// (a JSON document) is so written once, with no temporary string per value. An exception
  /// from `write` propagates and leaves the parameter as it was.
  virtual void bind_written(int index, text_writer write, const void* value) {
    std::string text;
    write(value, text);
    bind_copied(index, text);
  }
};

/// Rows written straight into one table through the database's bulk-load path (PostgreSQL's
/// `COPY ... FROM STDIN`), with no SQL statement per row. Obtained from
/// `connection::bulk_load`.
///
/// Use: for each row, bind every column in order (0-based, as listed to `bulk_load`), then
/// `end_row()`; after the last row, `finish()`. Values are copied when bound. Until `finish()`
/// returns (or the writer is destroyed, which abandons the load and undoes it), the connection
/// runs nothing else.
class bulk_writer {
 public:
  virtual ~bulk_writer() = default;
  bulk_writer() = default;
  bulk_writer(const bulk_writer&) = delete;
  bulk_writer& operator=(const bulk_writer&) = delete;

  /// The statement that started the load (e.g. `COPY "users" ("name") FROM STDIN`), as errors
  /// and the echo hook show it.
  [[nodiscard]] virtual std::string_view sql() const noexcept = 0;

  virtual void bind_null(int column) = 0;
  virtual void bind(int column, bool v) = 0;
  virtual void bind(int column, std::int64_t v) = 0;
  virtual void bind(int column, double v) = 0;
  virtual void bind(int column, std::string_view v) = 0;
  virtual void bind(int column, blob_view v) = 0;
  virtual void bind(int column, const typed_value& v) = 0;
  virtual void bind(int column, const array_value& v) = 0;
  void bind_copied(int column, std::string_view v) {  // copied when bound
    bind_as<std::string_view>(*this, column, v);
  }
  void bind_written(int column, text_writer write, const void* value) {
    std::string text;
    write(value, text);
    bind_as<std::string_view>(*this, column, text);
  }
  /// Ends the current row; every column must have been bound.
  virtual void end_row() = 0;
  /// Ends the load and returns the number of rows the database stored. Throws a
  /// `tabula::error` subclass with the database's message when any row was refused: then no
  /// row of the load is stored, and the connection stays usable.
  virtual std::int64_t finish() = 0;
};

/// How `connection::begin()` starts a transaction on databases that lock at transaction
/// level (SQLite): `deferred` takes locks as statements need them; `immediate` takes the write
/// lock at BEGIN, so two writers queue at BEGIN (under the busy timeout) instead of one failing
/// with SQLITE_BUSY when it upgrades a read lock; `exclusive` also keeps readers out.
/// PostgreSQL locks rows, not databases, and ignores it.
enum class begin_mode : std::uint8_t { deferred, immediate, exclusive };

/// The isolation level of a transaction. `database_default` leaves the server's setting
/// (PostgreSQL: read committed). SQLite runs every transaction serializable — stricter than
/// any level asked for, which the SQL standard allows — and accepts them all.
enum class isolation_level : std::uint8_t {
  database_default,
  read_committed,
  repeatable_read,
  serializable
};

/// What a program chooses for one transaction (`connection::begin(options)`,
/// `session::begin(options)`).
struct transaction_options {
  isolation_level isolation = isolation_level::database_default;
  /// The transaction cannot write: PostgreSQL `READ ONLY`; SQLite `PRAGMA query_only` while
  /// it runs. A write fails with the database's error.
  bool read_only = false;
  /// Each statement of the transaction is cancelled after this long (PostgreSQL
  /// `SET LOCAL statement_timeout`, SQLSTATE 57014); 0: the connection's setting. SQLite has no
  /// statement timeout and refuses a non-zero one with `not_supported_error`.
  std::chrono::milliseconds statement_timeout{0};
  /// SQLite: how this transaction begins (`BEGIN DEFERRED / IMMEDIATE / EXCLUSIVE`), instead
  /// of the engine's `sqlite_begin`. PostgreSQL ignores it.
  std::optional<begin_mode> sqlite_begin{};

  /// Whether every choice is left as it is.
  [[nodiscard]] bool is_default() const noexcept {
    return isolation == isolation_level::database_default && !read_only &&
           statement_timeout.count() == 0 && !sqlite_begin;
  }
};

/// One open connection to a database.
class connection {
 public:
  virtual ~connection() = default;
  connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// The dialect to compile for: "sqlite" or "postgresql".
  [[nodiscard]] virtual std::string_view dialect_name() const noexcept = 0;

  /// A prepared statement for `sql`, from this connection's cache when it was prepared before.
  /// The statement comes back reset. When the cached statement is still in use (a copy of the
  /// pointer is held elsewhere, e.g. by an open stream), a fresh one is prepared.
  ///
  /// `id`, when not 0, names this exact text for the life of the process (tabula's SQL cache
  /// gives each text it holds one, see `compiled_sql::cache_id`): the cache then finds the
  /// statement by the id, without hashing the text.
  [[nodiscard]] virtual shared<statement> prepare(std::string_view sql, std::uint64_t id) = 0;
  /// `prepare(sql, 0)`.
  [[nodiscard]] shared<statement> prepare(std::string_view sql);

  /// A writer loading rows into `columns` of `table` of `schema` (names as in the schema,
  /// unquoted; an empty schema: the table is not qualified) through the bulk-load path; an empty
  /// pointer when the database has none worth using (SQLite, where multi-row INSERT statements
  /// are as fast).
  [[nodiscard]] virtual owned<bulk_writer> bulk_load(
      std::string_view schema, std::string_view table, std::span<const std::string> columns);
  /// `bulk_load` into a table not qualified by a schema.
  [[nodiscard]] owned<bulk_writer> bulk_load(std::string_view table,
                                             std::span<const std::string> columns);

  /// Runs SQL without parameters or results (may hold several statements on SQLite only).
  virtual void execute(std::string_view sql) = 0;

  virtual void begin() = 0;
  /// BEGIN with the choices of `options` (see `transaction_options`).
  virtual void begin(const transaction_options& options);
  /// The SQL `begin(options)` runs, as reported to statement hooks.
  [[nodiscard]] virtual std::string begin_sql(const transaction_options& options) const;
  /// How later `begin()` calls start their transaction (see `begin_mode`).
  virtual void set_begin_mode(begin_mode /*mode*/) {}
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual void savepoint(std::string_view name) = 0;
  virtual void release_savepoint(std::string_view name) = 0;
  virtual void rollback_to_savepoint(std::string_view name) = 0;
  [[nodiscard]] virtual bool in_transaction() const = 0;

  /// The key generated by the last single-row INSERT on this connection, on databases whose
  /// dialect declares `dialect_capabilities::last_insert_id` (SQLite: the rowid, which an
  /// `INTEGER PRIMARY KEY` column is). Elsewhere throws `not_supported_error`: use RETURNING.
  [[nodiscard]] virtual std::int64_t last_insert_id() const;

  /// Whether many rows are inserted or deleted fastest by executions of one reused single-row
  /// statement rather than by statements that each change many rows (multi-row `VALUES`,
  /// `WHERE key IN (...)`). SQLite on a file: a statement that may change several rows keeps a
  /// statement journal to undo itself on error, which spills to a temporary file; a single-row
  /// statement needs none. (In memory the journal stays in memory, and multi-row statements
  /// are faster.)
  [[nodiscard]] virtual bool prefers_single_row_writes() const { return false; }

  /// Whether the connection still works, as far as the client knows without asking the
  /// server (false once a call found the server gone).
  [[nodiscard]] virtual bool is_alive() const = 0;
  /// Whether the connection still works, asking the server (a round trip on PostgreSQL).
  /// Never throws.
  [[nodiscard]] virtual bool ping() { return is_alive(); }
};

/// Opens a connection for a parsed URL. Throws `operational_error` when it cannot.
using connect_function = owned<connection> (*)(const url&);

/// Registers a driver for a URL scheme ("sqlite", "postgresql"). Registering a scheme twice
/// replaces the earlier driver. Thread-safe.
void register_driver(std::string_view scheme, connect_function connect);

/// The driver for `scheme`; throws `programming_error` naming the scheme and the drivers that
/// are registered when none is.
[[nodiscard]] connect_function find_driver(std::string_view scheme);

/// Opens a connection to `u` through the driver registered for its scheme.
[[nodiscard]] owned<connection> connect(const url& u);

}  // namespace tabula::driver
