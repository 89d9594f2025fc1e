#pragma once
/// \file executor.hpp
/// The terminal operations of typed statements on a connection or an engine: `all()`,
/// `first()`, `one()`, `one_or_none()`, `scalar()`, `count()`, `exists()`, `stream()`,
/// `execute()`.

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
#include "tabula/core/engine.hpp"
#include "tabula/query/executable.hpp"

namespace tabula {

namespace detail {

template <class S, class Kind>
struct wrapped_key {};
struct count_kind {};
struct exists_kind {};

/// `SELECT count(*) FROM (<query>) AS "counted"`.
ast::statement count_statement(ast::statement query);
/// `SELECT EXISTS (<query>)`.
ast::statement exists_statement(ast::statement query);

template <class Row>
struct scalar_of {
  using type = Row;
};
template <class T>
struct scalar_of<std::tuple<T>> {
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

template <>
struct executor<connection> {
  template <class S>
  static std::vector<typename S::row_type> all(connection& c, const S& s) {
    std::vector<typename S::row_type> rows;
    detail::row_reader_t<S> read;
    c.run(s, [&](const driver::statement& st) {
      if (rows.empty()) {
        if (const std::int64_t n = st.known_row_count(); n > 0) {
          rows.reserve(static_cast<std::size_t>(n));
        }
      }
      rows.emplace_back(detail::current_row<decltype(read)>{read, st});
    });
    return rows;
  }

  template <class S>
  static auto grouped(connection& c, const S& s) {
    using row = typename S::row_type;
    static_assert(detail::group_row<row>::value,
                  "tabula: grouped() needs a select of two items with a whole model first, not on "
                  "the optional side of an outer join: e.g. select<User, Post>() with join, or "
                  "select<User, Post>() with left_join. Its rows are grouped under that model.");
    if constexpr (detail::group_row<row>::value) {  // else only the message above
      detail::row_grouper<row> grouper(table_of<typename detail::group_row<row>::parent>());
      c.run(s, [&](const driver::statement& st) { grouper.add(st); });
      return std::move(grouper).take();
    }
  }

  template <class S>
  static std::optional<typename S::row_type> first(connection& c, const S& s) {
    std::optional<typename S::row_type> row;
    detail::row_reader_t<S> read;
    c.run(s, [&](const driver::statement& st) {
      row.emplace(detail::current_row<decltype(read)>{read, st});
      return false;
    });
    return row;
  }

  template <class S>
  static std::optional<typename S::row_type> one_or_none(connection& c, const S& s) {
    std::optional<typename S::row_type> row;
    std::int64_t n = 0;
    detail::row_reader_t<S> read;
    c.run(s, [&](const driver::statement& st) {
      if (n++ == 0) row.emplace(detail::current_row<decltype(read)>{read, st});
    });
    if (n > 1) {
      detail::throw_error<multiple_results_error>("tabula: expected at most one row, found " +
                                                  std::to_string(n));
    }
    return row;
  }

  template <class S>
  static typename S::row_type one(connection& c, const S& s) {
    auto row = one_or_none(c, s);
    if (!row) detail::throw_error<no_result_error>("tabula: one() found no row");
    return std::move(*row);
  }

  template <class S>
  static typename detail::scalar_of<typename S::row_type>::type scalar(connection& c, const S& s) {
    auto row = first(c, s);
    if (!row) detail::throw_error<no_result_error>("tabula: scalar() found no row");
    if constexpr (detail::is_tuple<typename S::row_type>::value) {
      return std::get<0>(std::move(*row));
    } else {
      return std::move(*row);
    }
  }

  template <class S>
  static std::int64_t count(connection& c, const S& s) {
    auto st = c.start<detail::wrapped_key<S, detail::count_kind>>(
        s, [&] { return detail::count_statement(s.lower()); });
    st->step();
    return st->get_int64(0);
  }

  template <class S>
  static bool exists(connection& c, const S& s) {
    auto st = c.start<detail::wrapped_key<S, detail::exists_kind>>(
        s, [&] { return detail::exists_statement(s.lower()); });
    st->step();
    return st->get_bool(0);
  }

  template <class S>
  static row_stream<S> stream(connection& c, const S& s) {
    return row_stream<S>(std::nullopt, &c, s);
  }

  template <class S>
  static std::int64_t execute(connection& c, const S& s) {
    auto st = c.start(s);
    while (st->step()) {
    }
    return st->affected_rows();
  }
};

template <>
struct executor<engine> {
  using conn_exec = executor<connection>;
  template <class S>
  static auto all(engine& e, const S& s) {
    auto c = e.connect();
    return conn_exec::all(c, s);
  }
  template <class S>
  static auto grouped(engine& e, const S& s) {
    auto c = e.connect();
    return conn_exec::grouped(c, s);
  }
  template <class S>
  static auto first(engine& e, const S& s) {
    auto c = e.connect();
    return conn_exec::first(c, s);
  }
  template <class S>
  static auto one_or_none(engine& e, const S& s) {
    auto c = e.connect();
    return conn_exec::one_or_none(c, s);
  }
  template <class S>
  static auto one(engine& e, const S& s) {
    auto c = e.connect();
    return conn_exec::one(c, s);
  }
  template <class S>
  static auto scalar(engine& e, const S& s) {
    auto c = e.connect();
    return conn_exec::scalar(c, s);
  }
  template <class S>
  static std::int64_t count(engine& e, const S& s) {
    auto c = e.connect();
    return conn_exec::count(c, s);
  }
  template <class S>
  static bool exists(engine& e, const S& s) {
    auto c = e.connect();
    return conn_exec::exists(c, s);
  }
  template <class S>
  static row_stream<S> stream(engine& e, const S& s) {
    return row_stream<S>(e.connect(), nullptr, s);
  }
  template <class S>
  static std::int64_t execute(engine& e, const S& s) {
    auto c = e.connect();
    return conn_exec::execute(c, s);
  }
};

template <class Statement>
auto connection::all(const Statement& stmt) {
  return executor<connection>::all(*this, stmt);
}

}  // namespace tabula
