#pragma once
/// \file executor.hpp
/// The terminal operations of typed statements on a connection: `all()`, `first()`, `one()`,
/// `one_or_none()`, `scalar()`, `count()`, `exists()`, `stream()`, `execute()`. The engine's
/// (engine.hpp) take a pooled connection and run these. connection.hpp includes this header,
/// so a connection's statements run wherever the connection is known.

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
#include "tabula/query/executable.hpp"

namespace tabula {

namespace detail {

/// `SELECT count(*) FROM (<query>) AS "counted"`.
ast::statement count_statement(ast::statement query);
/// `SELECT EXISTS (<query>)`.
ast::statement exists_statement(ast::statement query);

template <class Row>
struct scalar_of {
  using type = Row;
};
template <class T, class... Rest>
struct scalar_of<std::tuple<T, Rest...>> {
  using type = T;
};

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

  row_stream(std::optional<connection> owned, connection* conn, Statement stmt)
      : owned_(std::move(owned)),
        stmt_(std::move(stmt)),
        st_((owned_ ? *owned_ : *conn).start(stmt_)) {
    st_->set_streaming(true);  // one row in memory at a time, on every backend
  }
  row_stream(row_stream&&) noexcept = default;
  row_stream(const row_stream&) = delete;
  ~row_stream() = default;

  /// Starts reading; a stream is read once.
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  bool next() {
    if (!st_->step()) return false;
    read_(*st_, current_);
    return true;
  }

  std::optional<connection> owned_;
  Statement stmt_;  // owns the values the statement's parameters view
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
    return std::move(grouper).take();
  }

  template <class S>
  static std::optional<typename S::row_type> first(connection& c, const S& s) {
    if constexpr (multi_part<S>) {
      auto rows = all(c, s);
      return rows.empty() ? std::nullopt : std::optional(std::move(rows.front()));
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
      return rows.empty() ? std::nullopt : std::optional(std::move(rows.front()));
    } else {
      std::int64_t n = 0;
      auto row = read_first<row_reader_t<S>, true>(c.start(s), n);
      if (n > 1) throw_many_rows(n);
      return row;
    }
  }

  template <class S>
  static typename S::row_type one(connection& c, const S& s) {
    auto row = one_or_none(c, s);
    if (!row) throw_no_row("one()");
    return std::move(*row);
  }

  template <class S>
  static typename scalar_of<typename S::row_type>::type scalar(connection& c, const S& s) {
    auto row = first(c, s);
    if (!row) throw_no_row("scalar()");
    if constexpr (is_tuple<typename S::row_type>::value) {
      return std::get<0>(std::move(*row));
    } else {
      return std::move(*row);
    }
  }

  template <class S>
  static std::int64_t count(connection& c, const S& s) {
    return count_rows(c.start(&s, statement_ops_of<S, &count_statement>));
  }

  template <class S>
  static bool exists(connection& c, const S& s) {
    return any_row(c.start(&s, statement_ops_of<S, &exists_statement>));
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

  /// The count a `count_statement` read.
  static std::int64_t count_rows(statement_ref st);
  /// What an `exists_statement` read.
  static bool any_row(statement_ref st);
};

}  // namespace detail

/// What a source makes of the rows its statements read: by default, the rows themselves. The
/// session specializes it, to give its tracked objects for rows of whole models.
template <class Source>
struct source_hooks {
  template <class S, class Rows>
  static Rows rows(Source& /*src*/, Rows&& r) {
    return std::move(r);
  }
  template <class S, class Row>
  static std::optional<Row> row(Source& /*src*/, std::optional<Row>&& r) {
    return std::move(r);
  }
  template <class S, class Row>
  static Row one(Source& /*src*/, Row&& r) {
    return std::move(r);
  }
  /// Whether `stream()` may run statement `S` on this source.
  template <class S>
  static constexpr bool can_stream = true;
};

/// Something typed statements run on: it gives them a connection for the duration of a call
/// (`with_connection`). The engine lends a pooled connection, a connection itself, a session
/// the connection of its unit of work (after an autoflush).
template <class S>
concept statement_source = requires(S& s) {
  s.with_connection([](connection& c) -> connection& { return c; });
};

/// The terminal operations, written once for every source: each runs on the connection the
/// source gives (`statement_source`), through `detail::run`, and hands its rows to the
/// source's `source_hooks`.
template <class Source>
struct executor {
  static_assert(statement_source<Source>,
                "tabula: statements run on an engine, a connection or a session. Build the "
                "statement from one of them (db.query<T>(), conn.select(...), s.query<T>()), or "
                "give your source a with_connection(f) that calls f(tabula::connection&).");
  using hooks = source_hooks<Source>;

  template <class S>
  static auto all(Source& src, const S& s) {
    return src.with_connection(
        [&](connection& c) { return hooks::template rows<S>(src, detail::run::all(c, s)); });
  }
  template <class S>
  static auto grouped(Source& src, const S& s) {
    return src.with_connection([&](connection& c) { return detail::run::grouped(c, s); });
  }
  template <class S>
  static auto first(Source& src, const S& s) {
    return src.with_connection(
        [&](connection& c) { return hooks::template row<S>(src, detail::run::first(c, s)); });
  }
  template <class S>
  static auto one_or_none(Source& src, const S& s) {
    return src.with_connection([&](connection& c) {
      return hooks::template row<S>(src, detail::run::one_or_none(c, s));
    });
  }
  template <class S>
  static decltype(auto) one(Source& src, const S& s) {
    return src.with_connection([&](connection& c) -> decltype(auto) {
      return hooks::template one<S>(src, detail::run::one(c, s));
    });
  }
  template <class S>
  static auto scalar(Source& src, const S& s) {
    return src.with_connection([&](connection& c) { return detail::run::scalar(c, s); });
  }
  template <class S>
  static std::int64_t count(Source& src, const S& s) {
    return src.with_connection([&](connection& c) { return detail::run::count(c, s); });
  }
  template <class S>
  static bool exists(Source& src, const S& s) {
    return src.with_connection([&](connection& c) { return detail::run::exists(c, s); });
  }
  template <class S>
  static std::int64_t execute(Source& src, const S& s) {
    return src.with_connection([&](connection& c) { return detail::run::execute(c, s); });
  }
  /// A source that hands out connections (`connect()`: the engine) gives the stream one of
  /// its own, held until the stream is destroyed; others stream on their connection.
  template <class S>
  static row_stream<S> stream(Source& src, const S& s) {
    static_assert(hooks::template can_stream<S>,
                  "tabula: a session does not stream whole models (each row becomes a tracked "
                  "object). Use all(), or stream from the engine or a connection.");
    if constexpr (requires { src.connect(); }) {
      return row_stream<S>(src.connect(), nullptr, s);
    } else {
      return src.with_connection(
          [&](connection& c) { return row_stream<S>(std::nullopt, &c, s); });
    }
  }
};

}  // namespace tabula
