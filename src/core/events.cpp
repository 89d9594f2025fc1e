#include "tabula/core/detail/observe.hpp"

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "tabula/error.hpp"
#include "../driver/typed_text.hpp"

namespace tabula::detail {
namespace {

using clock = std::chrono::steady_clock;

/// A statement that reports its runs to the engine's observer; forwards everything else.
class observed_statement final : public driver::statement {
 public:
  observed_statement(const statement_observer& o, shared<driver::statement> inner)
      : observer_(o), inner_(std::move(inner)) {}

  [[nodiscard]] std::string_view sql() const noexcept override { return inner_->sql(); }
  [[nodiscard]] int param_count() const noexcept override { return inner_->param_count(); }

  void bind_null(int index) override {
    record(index, [] { return std::string("NULL"); });
    inner_->bind_null(index);
  }
  void bind(int index, bool v) override {
    record(index, [&] { return std::string(v ? "true" : "false"); });
    inner_->bind(index, v);
  }
  void bind(int index, std::int64_t v) override {
    record(index, [&] { return std::to_string(v); });
    inner_->bind(index, v);
  }
  void bind(int index, double v) override {
    record(index, [&] { return fmt::format("{}", v); });
    inner_->bind(index, v);
  }
  void bind(int index, std::string_view v) override {
    record(index, [&] { return quoted(v); });
    inner_->bind(index, v);
  }
  void bind(int index, driver::blob_view v) override {
    record(index, [&] {
      std::string out = "x'";
      for (std::byte b : v) out += fmt::format("{:02x}", static_cast<unsigned>(b));
      return out + "'";
    });
    inner_->bind(index, v);
  }

  void bind(int index, const typed_value& v) override {
    record(index, [&] {
      typed_text_buffer buf;
      const auto text = typed_text(v, typed_style::postgres, buf);
      return text ? "'" + std::string(*text) + "'" : describe_typed(v);
    });
    inner_->bind(index, v);
  }
  void bind(int index, const array_value& v) override {
    record(index, [&] { return quoted(detail::array_text(v)); });
    inner_->bind(index, v);
  }
  void bind_copied(int index, std::string_view v) override {
    record(index, [&] { return quoted(v); });
    inner_->bind_copied(index, v);
  }
  void bind_written(int index, driver::text_writer write, const void* value) override {
    record(index, [&] {
      std::string text;
      write(value, text);
      return quoted(text);
    });
    inner_->bind_written(index, write, value);
  }

  bool step() override {
    if (!running_) {
      running_ = true;
      rows_ = 0;
      start_ = clock::now();
    }
    bool row = false;
    try {
      row = inner_->step();
    } catch (const error& e) {
      report(&e);
      throw;
    }
    if (row) {
      ++rows_;
    } else {
      report(nullptr);
    }
    return row;
  }
  void reset() override {
    if (running_) report(nullptr);  // stopped before its last row
    params_.clear();
    inner_->reset();
  }
  void set_streaming(bool on) override { inner_->set_streaming(on); }

  [[nodiscard]] int column_count() const override { return inner_->column_count(); }
  [[nodiscard]] std::string_view column_name(int col) const override {
    return inner_->column_name(col);
  }
  [[nodiscard]] bool is_null(int col) const override { return inner_->is_null(col); }
  [[nodiscard]] bool get_bool(int col) const override { return inner_->get_bool(col); }
  [[nodiscard]] std::int64_t get_int64(int col) const override { return inner_->get_int64(col); }
  [[nodiscard]] double get_double(int col) const override { return inner_->get_double(col); }
  [[nodiscard]] std::string_view get_text(int col) const override { return inner_->get_text(col); }
  [[nodiscard]] driver::blob_view get_blob(int col) const override {
    return inner_->get_blob(col);
  }
  [[nodiscard]] typed_value get_typed(int col, typed_kind kind,
                                      std::uint8_t scale) const override {
    return inner_->get_typed(col, kind, scale);
  }
  [[nodiscard]] array_value get_array(int col, array_element element) const override {
    return inner_->get_array(col, element);
  }
  [[nodiscard]] std::int64_t affected_rows() const override { return inner_->affected_rows(); }
  [[nodiscard]] std::int64_t known_row_count() const override {
    return inner_->known_row_count();
  }

 private:
  /// `v` as an SQL string literal.
  static std::string quoted(std::string_view v) {
    std::string out = "'";
    for (char c : v) {
      out.push_back(c);
      if (c == '\'') out.push_back('\'');
    }
    return out + "'";
  }

  template <class Text>
  void record(int index, Text&& text) {
    if (!observer_.parameters || index < 0) return;
    const auto i = static_cast<std::size_t>(index);
    if (params_.size() <= i) params_.resize(i + 1, "NULL");
    params_[i] = observer_.redact ? std::string("?") : text();
  }
  void report(const error* failure) {
    running_ = false;
    statement_event e;
    e.sql = inner_->sql();
    e.parameters = params_;
    e.duration = clock::now() - start_;
    e.rows = rows_ > 0 || failure != nullptr ? rows_ : inner_->affected_rows();
    e.failure = failure;
    observer_.hook(e);
  }

  const statement_observer& observer_;
  shared<driver::statement> inner_;
  std::vector<std::string> params_;
  bool running_ = false;
  std::int64_t rows_ = 0;
  clock::time_point start_{};
};

}  // namespace

shared<driver::statement> observe_prepare(
    const statement_observer& o, std::string_view sql,
    const callback<shared<driver::statement>()>& prepare) {
  statement_event e;
  e.sql = sql;
  if (!o.after_run) {
    o.hook(e);
    return prepare();
  }
  shared<driver::statement> st;
  try {
    st = prepare();
  } catch (const error& failure) {
    e.failure = &failure;
    o.hook(e);
    throw;
  }
  return detail::make_shared<observed_statement>(o, std::move(st));
}

void observe(const statement_observer& o, std::string_view sql, bool transaction_control,
             const callback<void()>& run) {
  if (!o.hook || (transaction_control && !o.transactions)) {
    run();
    return;
  }
  statement_event e;
  e.sql = sql;
  if (!o.after_run) {
    o.hook(e);
    run();
    return;
  }
  const auto start = clock::now();
  try {
    run();
  } catch (const error& failure) {
    e.duration = clock::now() - start;
    e.failure = &failure;
    o.hook(e);
    throw;
  }
  e.duration = clock::now() - start;
  o.hook(e);
}

std::string echo_line(const statement_event& e, const echo_options& options) {
  std::string line(e.sql);
  if (options.parameters && !e.parameters.empty()) {
    line += fmt::format(" -- [{}]", fmt::join(e.parameters, ", "));
  }
  if (options.timings) {
    line += fmt::format(" -- {:.3f} ms",
                        std::chrono::duration<double, std::milli>(e.duration).count());
    if (e.rows >= 0) line += fmt::format(", {} row{}", e.rows, e.rows == 1 ? "" : "s");
  }
  if (e.failure != nullptr) line += fmt::format(" -- failed: {}", e.failure->what());
  return line;
}

}  // namespace tabula::detail
