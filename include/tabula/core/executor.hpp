#pragma once
/// \file executor.hpp
/// The terminal operations of statements (typed and hand-written) on a connection: `all()`,
/// `first()`, `one()`, `one_or_none()`, `scalar()`, `count()`, `exists()`, `stream()`,
/// `execute()`. The engine's (engine.hpp) take a pooled connection and run these.
/// connection.hpp includes this header, so a connection's statements run wherever the
/// connection is known.

#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/core/connection.hpp"
#include "tabula/core/detail/grouping.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/query/executable.hpp"

namespace tabula {

namespace detail {

/// `SELECT count(*) FROM (<query>) AS "counted"`.
ast::statement count_statement(ast::statement query);
/// `SELECT EXISTS (<query>)`.
ast::statement exists_statement(ast::statement query);

}  // namespace detail

/// The rows of a statement, read one at a time while iterating; holds its connection (and,
/// when made from an engine, the pooled connection itself) until destroyed.
template <class Statement>
class row_stream {
 public:
  using row_type = typename Statement::row_type;

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = row_type;
    using difference_type = std::ptrdiff_t;
    using pointer = const row_type*;
    using reference = const row_type&;

    iterator() = default;
    explicit iterator(row_stream* s) : stream_(s) { advance(); }
    reference operator*() const { return stream_->current_; }
    pointer operator->() const { return &stream_->current_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    friend bool operator==(const iterator& it, std::default_sentinel_t) {
      return it.stream_ == nullptr;
    }

   private:
    void advance() {
      if (stream_ != nullptr && !stream_->next()) stream_ = nullptr;
    }
    row_stream* stream_ = nullptr;
  };

  /// Streams on `owned`, which it holds until destroyed.
  row_stream(connection&& owned, Statement stmt)
      : owned_(TABULA_MOVE(owned)), stmt_(TABULA_MOVE(stmt)), st_(start_streaming(owned_, stmt_)) {}
  /// Streams on `borrowed`, which must outlive it.
  row_stream(connection& borrowed, Statement stmt)
      : stmt_(TABULA_MOVE(stmt)), st_(start_streaming(borrowed, stmt_)) {}
  row_stream(row_stream&&) noexcept = default;
  row_stream(const row_stream&) = delete;
  ~row_stream() = default;

  /// Starts reading; a stream is read once.
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  /// Starts `stmt` on `c`, reading one row into memory at a time on every backend.
  static statement_ref start_streaming(connection& c, const Statement& stmt) {
    statement_ref st = c.start(stmt);
    st->set_streaming(true);
    return st;
  }
  bool next() {
    if (!st_->step()) return false;
    read_(*st_, current_);
    return true;
  }

  connection owned_;  ///< empty when the stream borrows its connection
  Statement stmt_;    // owns the values the statement's parameters view
  statement_ref st_;
  detail::row_reader_t<Statement> read_;
  row_type current_{};
};

namespace detail {

[[noreturn]] void throw_no_row(const char* operation);
[[noreturn]] void throw_many_rows(std::int64_t found);

/// Whether `S` plans several SQL statements at run time.
template <class S>
concept multi_part = requires(const S& s) { s.parts(std::uint32_t{}); };

/// The terminal operations on one connection. Every source runs them through `executor`.
/// Each starts its statement through `connection::start` and reads the rows with code that
/// depends only on how they are read (`Reader`), shared by every statement of one row type.
struct run {
  /// Appends the rows of a started statement to `rows`.
  template <class Reader>
  static void read_into(statement_ref st, std::vector<typename Reader::row_type>& rows) {
    Reader read;
    while (st->step()) {
      if (rows.empty()) {
        if (const std::int64_t n = st->known_row_count(); n > 0) {
          rows.reserve(static_cast<std::size_t>(n));
        }
      }
      rows.emplace_back(current_row<Reader>{read, *st});
    }
  }
  /// The first row of a started statement; with `Count`, also how many rows there were.
  template <class Reader, bool Count>
  static std::optional<typename Reader::row_type> read_first(statement_ref st, std::int64_t& n) {
    std::optional<typename Reader::row_type> row;
    Reader read;
    while (st->step()) {
      if (n++ == 0) row.emplace(current_row<Reader>{read, *st});
      if constexpr (!Count) break;
    }
    return row;
  }

  template <class S>
  static std::vector<typename S::row_type> all(connection& c, const S& s) {
    std::vector<typename S::row_type> rows;
    if constexpr (multi_part<S>) {
      bulk_insert::each_part(c, s, [&](const auto& part) {
        read_into<row_reader_t<std::remove_cvref_t<decltype(part)>>>(c.start(part), rows);
      });
    } else {
      read_into<row_reader_t<S>>(c.start(s), rows);
    }
    return rows;
  }

  template <class S>
  static auto grouped(connection& c, const S& s) {
    using row = typename S::row_type;
    static_assert(group_row<row>::value,
                  "tabula: grouped() needs a select of two items with a whole model first, not on "
                  "the optional side of an outer join: e.g. select<User, Post>() with join, or "
                  "select<User, Post>() with left_join. Its rows are grouped under that model.");
    if constexpr (group_row<row>::value) {  // else only the message above
      return read_grouped<row>(c.start(s));
    }
  }
  template <class Row>
  static auto read_grouped(statement_ref st) {
    row_grouper<Row> grouper(table_of<typename group_row<Row>::parent>());
    while (st->step()) grouper.add(*st);
    return TABULA_MOVE(grouper).take();
  }

  template <class S>
  static std::optional<typename S::row_type> first(connection& c, const S& s) {
    if constexpr (multi_part<S>) {
      auto rows = all(c, s);
      return rows.empty() ? std::nullopt : std::optional(TABULA_MOVE(rows.front()));
    } else {
      std::int64_t n = 0;
      return read_first<row_reader_t<S>, false>(c.start(s), n);
    }
  }

  template <class S>
  static std::optional<typename S::row_type> one_or_none(connection& c, const S& s) {
    if constexpr (multi_part<S>) {
      auto rows = all(c, s);
      if (rows.size() > 1) throw_many_rows(static_cast<std::int64_t>(rows.size()));
      return rows.empty() ? std::nullopt : std::optional(TABULA_MOVE(rows.front()));
    } else {
      std::int64_t n = 0;
      auto row = read_first<row_reader_t<S>, true>(c.start(s), n);
      if (n > 1) throw_many_rows(n);
      return row;
    }
  }

  template <class S>
  static std::int64_t execute(connection& c, const S& s) {
    if constexpr (multi_part<S>) {
      if (const auto inserted = bulk_insert::written_back(c, s)) return *inserted;
      std::int64_t n = 0;
      bulk_insert::each_part(c, s, [&](const auto& part) { n += step_to_end(*c.start(part)); });
      return n;
    } else {
      return step_to_end(*c.start(s));
    }
  }

  /// Type-erased readers for `erased_call`: each reads a started statement into `out`.
  template <class Reader>
  static void all_into(statement_ref st, void* out) {
    read_into<Reader>(TABULA_MOVE(st), *static_cast<std::vector<typename Reader::row_type>*>(out));
  }
  template <class Row>
  struct first_row {
    std::optional<Row> row;
    std::int64_t n = 0;
  };
  template <class Reader, bool Count>
  static void first_into(statement_ref st, void* out) {
    auto& r = *static_cast<first_row<typename Reader::row_type>*>(out);
    r.row = read_first<Reader, Count>(TABULA_MOVE(st), r.n);
  }
  static void count_into(statement_ref st, void* out);
  static void exists_into(statement_ref st, void* out);
  static void execute_into(statement_ref st, void* out);

  /// The count a `count_statement` read.
  static std::int64_t count_rows(statement_ref st);
  /// What an `exists_statement` read.
  static bool any_row(statement_ref st);
};

/// A terminal operation with the statement's type erased: starts `stmt` (through `ops`) on the
/// connection a source lends and reads it with `read` into `out`. The terminal operations of
/// statements of one SQL statement (typed or hand-written) run through this one call on every
/// source, so such a statement type adds little but its `lower` and `bind`; inserts of many
/// rows (several statements), `grouped()` and `stream()` keep paths of their own.
struct erased_call {
  const void* stmt;
  const statement_ops* ops;
  void (*read)(statement_ref st, void* out);
  void* out;
  void operator()(connection& c) const { read(c.start(stmt, *ops), out); }
};
/// Statements that run through `erased_call`: all but inserts run as several statements.
template <class S>
concept erasable = !multi_part<S>;

}  // namespace detail

/// What a source makes of the rows its statements read: by default, the rows themselves. The
/// session specializes it, to give its tracked objects for rows of whole models.
template <class Source>
struct source_hooks {
  template <class S, class Rows>
  static Rows rows(Source& /*src*/, Rows&& r) {
    return TABULA_MOVE(r);
  }
  template <class S, class Row>
  static std::optional<Row> row(Source& /*src*/, std::optional<Row>&& r) {
    return TABULA_MOVE(r);
  }
  template <class S, class Row>
  static Row one(Source& /*src*/, Row&& r) {
    return TABULA_MOVE(r);
  }
  /// Whether `stream()` may run statement `S` on this source.
  template <class S>
  static constexpr bool can_stream = true;
};

/// Something typed statements run on: it gives them a connection for the duration of a call
/// (`with_connection(f)` calls `f(connection&)` and returns what `f` returns, `void`
/// included). The engine lends a pooled connection, a connection itself, a session the
/// connection of its unit of work (after an autoflush).
template <class S>
concept statement_source = requires(S& s, const detail::erased_call& run) {
  s.with_connection([](connection& c) -> connection& { return c; });
  s.with_connection(run);  // f may return void
};

/// The terminal operations, written once for every source: each runs on the connection the
/// source gives (`statement_source`), through `detail::erased_call` or `detail::run`, and
/// hands its rows to the source's `source_hooks` once the connection is given back.
template <class Source>
struct executor {
  static_assert(statement_source<Source>,
                "tabula: statements run on an engine, a connection or a session. Build the "
                "statement from one of them (db.query<T>(), conn.select(...), s.query<T>()), or "
                "give your source a with_connection(f) that calls f(tabula::connection&).");
  using hooks = source_hooks<Source>;

  template <class S>
  static auto all(Source& src, const S& s) {
    if constexpr (detail::erasable<S>) {
      std::vector<typename S::row_type> rows;
      run_erased(src, &s, detail::statement_ops_of<S>,
                 &detail::run::all_into<detail::row_reader_t<S>>, &rows);
      return hooks::template rows<S>(src, TABULA_MOVE(rows));
    } else {
      return src.with_connection(
          [&](connection& c) { return hooks::template rows<S>(src, detail::run::all(c, s)); });
    }
  }
  template <class S>
  static auto grouped(Source& src, const S& s) {
    return src.with_connection([&](connection& c) { return detail::run::grouped(c, s); });
  }
  template <class S>
  static auto first(Source& src, const S& s) {
    return hooks::template row<S>(src, first_of<false>(src, s));
  }
  template <class S>
  static auto one_or_none(Source& src, const S& s) {
    return hooks::template row<S>(src, first_of<true>(src, s));
  }
  template <class S>
  static decltype(auto) one(Source& src, const S& s) {
    auto row = first_of<true>(src, s);
    if (!row) detail::throw_no_row("one()");
    return hooks::template one<S>(src, TABULA_MOVE(*row));
  }
  template <class S>
  static auto scalar(Source& src, const S& s) {
    auto row = first_of<false>(src, s);
    if (!row) detail::throw_no_row("scalar()");
    if constexpr (detail::is_tuple<typename S::row_type>::value) {
      return std::get<0>(TABULA_MOVE(*row));
    } else {
      return TABULA_MOVE(*row);
    }
  }
  template <class S>
  static std::int64_t count(Source& src, const S& s) {
    std::int64_t n = 0;
    run_erased(src, &s, detail::statement_ops_of<S, &detail::count_statement>,
               &detail::run::count_into, &n);
    return n;
  }
  template <class S>
  static bool exists(Source& src, const S& s) {
    bool any = false;
    run_erased(src, &s, detail::statement_ops_of<S, &detail::exists_statement>,
               &detail::run::exists_into, &any);
    return any;
  }
  template <class S>
  static std::int64_t execute(Source& src, const S& s) {
    if constexpr (detail::erasable<S>) {
      std::int64_t n = 0;
      run_erased(src, &s, detail::statement_ops_of<S>, &detail::run::execute_into, &n);
      return n;
    } else {
      return src.with_connection([&](connection& c) { return detail::run::execute(c, s); });
    }
  }
  /// A source that hands out connections (`connect()`: the engine) gives the stream one of
  /// its own, held until the stream is destroyed; others stream on their connection.
  template <class S>
  static row_stream<S> stream(Source& src, const S& s) {
    static_assert(hooks::template can_stream<S>,
                  "tabula: a session does not stream whole models (each row becomes a tracked "
                  "object). Use all(), or stream from the engine or a connection.");
    if constexpr (requires { src.connect(); }) {
      return row_stream<S>(src.connect(), s);
    } else {
      return src.with_connection([&](connection& c) { return row_stream<S>(c, s); });
    }
  }

 private:
  /// Runs statement `s` on a connection of `src`: `ops` lowers and binds it, `read` reads its
  /// result into `out`. One function per source, not per statement type.
  static void run_erased(Source& src, const void* s, const detail::statement_ops& ops,
                         void (*read)(statement_ref, void*), void* out) {
    src.with_connection(detail::erased_call{s, &ops, read, out});
  }
  /// The first row; with `Count`, `multiple_results_error` when there are more.
  template <bool Count, class S>
  static std::optional<typename S::row_type> first_of(Source& src, const S& s) {
    if constexpr (detail::erasable<S>) {
      detail::run::first_row<typename S::row_type> r;
      run_erased(src, &s, detail::statement_ops_of<S>,
                 &detail::run::first_into<detail::row_reader_t<S>, Count>, &r);
      if (Count && r.n > 1) detail::throw_many_rows(r.n);
      return TABULA_MOVE(r.row);
    } else if constexpr (Count) {
      return src.with_connection([&](connection& c) { return detail::run::one_or_none(c, s); });
    } else {
      return src.with_connection([&](connection& c) { return detail::run::first(c, s); });
    }
  }
};

}  // namespace tabula
