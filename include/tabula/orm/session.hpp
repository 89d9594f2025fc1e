#pragma once
/// \file session.hpp
/// `tabula::session`: a unit of work. Objects added to a session, or loaded through it, are
/// owned by it and tracked: `commit()` writes pending inserts (filling generated keys),
/// updates only the objects — and only the columns — changed since they were loaded or last
/// flushed, and deletes removed objects, in foreign-key order inside one transaction. An
/// identity map guarantees one object per row: `get` twice, get the same object.
///
///     tabula::session s(db);         // or: auto s = db.session();
///     Model& bert = s.add(Model{.name = "BERT"});
///     s.commit();                 // INSERT ... RETURNING "id"  -> bert.id
///     bert.accuracy = 0.93;
///     s.commit();                 // UPDATE "models" SET "accuracy" = ?1 WHERE "models"."id" = ?2

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <algorithm>
#include <concepts>
#include <span>

#include "tabula/core/connection.hpp"
#include "tabula/core/engine.hpp"
#include "tabula/core/executor.hpp"
#include "tabula/core/load.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

class session;

namespace detail {

class tracked_base;

/// What one flush does along relationships, planned before it writes: foreign keys to copy
/// from the objects they refer to once those have keys, association rows to delete, and what
/// to do when the flush succeeds or fails.
struct link_plan {
  struct key_copy {
    tracked_base* dependent;
    tracked_base* parent;
    /// Sets the dependent's foreign key from the parent's key; returns what undoes it.
    std::function<std::function<void()>()> apply;
  };
  std::vector<key_copy> copies;
  /// An object removed from a one-to-many collection: deleted, or its key set to NULL
  /// (`clear`), unless the same flush links it to another owner.
  struct orphan {
    tracked_base* entry;
    bool delete_it;
    std::function<std::function<void()>()> clear;  ///< empty: the key cannot be NULL
    std::string message;                           ///< the error when it cannot
    /// Clears its reference back to the owner it left; returns what undoes it.
    std::function<std::function<void()>()> unlink_back;
  };
  std::vector<orphan> orphans;
  std::vector<std::function<void(connection&)>> association_deletes;
  std::vector<tracked_base*> associations;  ///< association objects created by this flush
  std::vector<std::function<void()>> on_success;
  std::vector<std::function<void()>> undo;
};

template <class T>
void adopt_links(session& s, T& obj);
template <class T>
void plan_links(session& s, T& obj, const T* flushed, link_plan& plan);
template <class T>
bool same_links(const T& a, const T& b);

enum class object_state : std::uint8_t {
  pending,     ///< added, not yet inserted
  persistent,  ///< has a row
  deleted,     ///< has a row that the next flush deletes
  removed,     ///< its row was deleted by a flush; detached at commit, restored on rollback
  detached,    ///< no longer tracked (expunged, or deleted and committed)
};

/// Appends a normalised encoding of a key value (integers as 8 bytes, text length-prefixed)
/// so `get<T>(5)` and a tracked object whose `int32_t id == 5` have the same identity.
template <class V>
void append_identity(std::string& out, const V& v) {
  if constexpr (is_optional_v<V>) {
    out.push_back(v ? '\1' : '\0');
    if (v) append_identity(out, *v);
  } else if constexpr (std::is_same_v<V, bool>) {
    out.push_back(v ? 't' : 'f');
  } else if constexpr (std::is_integral_v<V>) {
    const auto n = static_cast<std::int64_t>(v);
    out.append(reinterpret_cast<const char*>(&n), sizeof n);  // NOLINT: byte view of an int
  } else if constexpr (std::is_floating_point_v<V>) {
    const auto d = static_cast<double>(v);
    out.append(reinterpret_cast<const char*>(&d), sizeof d);  // NOLINT: byte view
  } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
    const std::string_view s(v);
    const auto size = static_cast<std::uint64_t>(s.size());
    out.append(reinterpret_cast<const char*>(&size), sizeof size);  // NOLINT: byte view
    out.append(s);
  } else if constexpr (std::is_same_v<V, std::span<const std::byte>>) {
    append_identity(out,
                    std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));  // NOLINT
  } else if constexpr (std::is_enum_v<V>) {
    append_identity(out, static_cast<std::underlying_type_t<V>>(v));
  } else if constexpr (std::is_same_v<V, typed_value>) {
    append_identity(out, v.value);
    append_identity(out, static_cast<std::int64_t>(v.low));
  } else {
    append_identity(out, type_traits<V>::to_sql(v));
  }
}

/// Whether two field values are the same for the database: `==` where the type has it, else
/// the comparison of what `type_traits` stores (a user type needs no operator== to be tracked).
template <class V>
bool same_value(const V& a, const V& b) {
  if constexpr (is_optional_v<V>) {
    if (a.has_value() != b.has_value()) return false;
    return !a.has_value() || same_value(*a, *b);
  } else if constexpr (std::is_floating_point_v<V>) {
    // A database keeps NaN as one value, equal to itself (`x != x` holds for NaN alone); by
    // `==` alone an unchanged NaN field would be written again at every flush.
    return a == b || (a != a && b != b);
  } else if constexpr (std::equality_comparable<V>) {
    return a == b;
  } else {
    const auto x = type_traits<V>::to_sql(a);
    const auto y = type_traits<V>::to_sql(b);
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(x)>, std::span<const std::byte>>) {
      return std::ranges::equal(x, y);
    } else {
      return same_value(x, y);
    }
  }
}

/// What the session knows about one object, independent of its type.
class tracked_base {
 public:
  tracked_base(const table_info& table, object_state state) : table_(&table), state_(state) {}
  virtual ~tracked_base() = default;
  tracked_base(const tracked_base&) = delete;
  tracked_base& operator=(const tracked_base&) = delete;

  [[nodiscard]] const table_info& table() const noexcept { return *table_; }
  [[nodiscard]] object_state state() const noexcept { return state_; }
  void set_state(object_state s) noexcept { state_ = s; }
  [[nodiscard]] virtual const void* address() const noexcept = 0;

  /// The identity-map key of the object's current key values.
  [[nodiscard]] virtual std::string identity() const = 0;
  /// Whether any field differs from the last loaded/flushed state (stops at the first).
  [[nodiscard]] virtual bool is_dirty() const = 0;
  /// Field indexes whose value differs from the last loaded/flushed state.
  [[nodiscard]] virtual std::vector<std::size_t> changed_fields() const = 0;

  /// The identity encoding of field `field` of the row as last read or written (of the
  /// object, when it has no row); nullopt when it is NULL.
  [[nodiscard]] virtual std::optional<std::string> value_key(std::size_t field) const = 0;
  /// The database set the nullable `fields` of the row to NULL (ON DELETE SET NULL): the
  /// object and the row as flushed follow. Returns what undoes it.
  virtual std::function<void()> cleared_by_database(std::span<const std::size_t> fields) = 0;

  /// Whether the model has relationship members.
  [[nodiscard]] virtual bool has_links() const noexcept = 0;
  /// Appends the addresses of the objects the relationships hold.
  virtual void linked_objects(std::vector<const void*>& out) const = 0;
  /// Whether the session took the object in from a relationship (cascade save).
  bool adopted = false;
  /// Takes into the session the new objects the relationships hold (cascade save).
  virtual void adopt_links(session& s) = 0;
  /// Adds to `plan` what the flush does along the object's relationships.
  virtual void plan_links(session& s, link_plan& plan) = 0;

  /// INSERT of this object and the others in `batch` (all of this object's type, this one
  /// first), in order: one statement per row for a single object, else through
  /// `connection::insert_many` (multi-row INSERT ... RETURNING on PostgreSQL). The nullable
  /// `deferred` fields are inserted as NULL, and the objects keep their values: the row as
  /// flushed differs there until `flush_update` writes them. Returns an action that undoes
  /// the in-memory effects (for a failed flush).
  virtual std::function<void()> flush_inserts(connection& c, std::span<tracked_base* const> batch,
                                              std::span<const std::size_t> deferred) = 0;
  /// UPDATE of `fields` of the row to the object's values (`sql`: `update_by_key_statement`).
  virtual std::function<void()> flush_update(connection& c, std::span<const std::size_t> fields,
                                             const compiled_sql& sql) = 0;
  /// UPDATE of the nullable `fields` of the row to NULL, so that rows they reference can be
  /// deleted first.
  virtual std::function<void()> flush_unlink(connection& c, std::span<const std::size_t> fields,
                                             const compiled_sql& sql) = 0;
  /// Whether the row as last read or written holds a value in any of the nullable `fields`.
  [[nodiscard]] virtual bool holds_values(std::span<const std::size_t> fields) const = 0;
  /// DELETE of this object's row and those of the others in `batch` (all of this object's
  /// type, this one first): one statement for a single object, else through
  /// `connection::remove_many`.
  virtual void flush_deletes(connection& c, std::span<tracked_base* const> batch) = 0;

  /// The transaction committed: remember the state to return to on a later rollback.
  virtual void mark_committed() = 0;
  /// The transaction rolled back: return to the last committed state. Objects inserted by
  /// the rolled-back transaction become pending again.
  virtual void restore_committed() = 0;
  [[nodiscard]] virtual bool was_committed() const noexcept = 0;
  /// The transaction's writes were lost (its COMMIT failed, or its connection broke): the
  /// object returns to what the database holds — pending again if this transaction inserted
  /// it, deleted-to-be if it deleted it — and keeps its fields as the program set them, so
  /// that the next commit writes them again.
  virtual void undo_writes() = 0;

 private:
  const table_info* table_;
  object_state state_;
};

template <class T>
class tracked final : public tracked_base {
 public:
  tracked(T obj, object_state state)
      : tracked_base(table_of<T>(), state), inline_(std::move(obj)), object_(*inline_) {
    init(state);
  }
  /// Takes over an object a relationship held: it keeps its address.
  tracked(std::shared_ptr<T> obj, object_state state)
      : tracked_base(table_of<T>(), state), adopted_(std::move(obj)), object_(*adopted_) {
    init(state);
  }

 private:
  void init(object_state state) {
    if (state == object_state::persistent) {
      flushed_ = object_;
      committed_is_flushed_ = true;
    }
    if (table().generated_field) {
      with_field(object_, *table().generated_field, [&](const auto& f) {
        if constexpr (std::is_integral_v<std::remove_cvref_t<decltype(f)>>) {
          key_at_add_ = static_cast<std::int64_t>(f);
        }
      });
    }
  }

 public:
  T& object() noexcept { return object_; }

  [[nodiscard]] std::optional<std::string> value_key(std::size_t field) const override {
    std::optional<std::string> key;
    with_field(flushed_ ? *flushed_ : object_, field, [&](const auto& f) {
      using F = std::remove_cvref_t<decltype(f)>;
      if constexpr (is_optional_v<F>) {
        if (f) key.emplace(), append_identity(*key, *f);
      } else {
        key.emplace();
        append_identity(*key, f);
      }
    });
    return key;
  }
  std::function<void()> cleared_by_database(std::span<const std::size_t> fields) override {
    T previous = object_;
    clear_fields(object_, fields);
    std::function<void()> undo_row = [] {};
    if (flushed_) {
      keep_committed(flushed_);
      T row = *flushed_;
      clear_fields(*flushed_, fields);
      undo_row = [this, row = std::move(row)]() mutable { flushed_ = std::move(row); };
    }
    std::vector<std::size_t> cleared(fields.begin(), fields.end());
    return [this, previous = std::move(previous), cleared = std::move(cleared),
            undo_row = std::move(undo_row)]() mutable {
      // Only the cleared fields come back: the rest may have changed since.
      reflect::for_each_field(object_, [&](auto& field, auto i) {
        if (std::ranges::find(cleared, decltype(i)::value) != cleared.end()) {
          field = std::move(reflect::get<decltype(i)::value>(previous));
        }
      });
      undo_row();
    };
  }

  [[nodiscard]] bool has_links() const noexcept override {
    return reflect::non_column_count<T> > 0;
  }
  void linked_objects(std::vector<const void*>& out) const override {
    reflect::for_each_non_column(object_, [&](const auto& link, auto) {
      using L = std::remove_cvref_t<decltype(link)>;
      if constexpr (is_one_v<L>) {
        if (const auto* t = link_access::target(link)) out.push_back(t);
      } else {
        for (const auto* t : link_access::items(link)) out.push_back(t);
      }
    });
  }
  void adopt_links(session& s) override {
    if constexpr (reflect::non_column_count < T >> 0) detail::adopt_links(s, object_);
  }
  void plan_links(session& s, link_plan& plan) override {
    if constexpr (reflect::non_column_count < T >> 0) {
      detail::plan_links(s, object_, flushed_ ? &*flushed_ : nullptr, plan);
    }
  }
  /// The relationship `J` was loaded (or written by a flush): the rows as last read and as
  /// last committed hold it as it is now, so that it is no change.
  template <std::size_t J>
  void settle_link() {
    if (flushed_) reflect::get_non_column<J>(*flushed_) = reflect::get_non_column<J>(object_);
    if (!committed_is_flushed_ && committed_) {
      reflect::get_non_column<J>(*committed_) = reflect::get_non_column<J>(object_);
    }
  }
  /// The relationship `J` is about to be written by a flush: the committed state keeps its
  /// own copy, then the row as flushed holds it as it is now. Returns what undoes it.
  template <std::size_t J>
  std::function<void()> flush_link() {
    if (!flushed_) return [] {};
    keep_committed(flushed_);
    auto previous = reflect::get_non_column<J>(*flushed_);
    reflect::get_non_column<J>(*flushed_) = reflect::get_non_column<J>(object_);
    return [this, previous = std::move(previous)]() mutable {
      if (flushed_) reflect::get_non_column<J>(*flushed_) = std::move(previous);
    };
  }
  [[nodiscard]] const void* address() const noexcept override { return &object_; }

  [[nodiscard]] std::string identity() const override { return identity_of(object_); }

  static std::string identity_of(const T& obj) {
    std::string key;
    for (std::size_t f : table_of<T>().key_fields) {
      with_field(obj, f, [&](const auto& field) { append_identity(key, field); });
    }
    return key;
  }

  [[nodiscard]] bool is_dirty() const override {
    if (!flushed_) return false;
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (!same_value(reflect::get<I>(object_), reflect::get<I>(*flushed_)) || ...);
    }(std::make_index_sequence<reflect::field_count<T>>{});
  }

  [[nodiscard]] std::vector<std::size_t> changed_fields() const override {
    std::vector<std::size_t> changed;
    if (!flushed_) return changed;
    reflect::for_each_field(object_, [&](const auto& field, auto i) {
      if (!same_value(field, reflect::get<decltype(i)::value>(*flushed_))) changed.push_back(i);
    });
    return changed;
  }

  std::function<void()> flush_inserts(connection& c, std::span<tracked_base* const> batch,
                                      std::span<const std::size_t> deferred) override {
    std::vector<std::optional<T>> previous;
    previous.reserve(batch.size());
    {
      const held_back held(batch, deferred);
      if (batch.size() == 1) {
        c.insert(object_);
      } else {
        c.insert_many(objects_of<&tracked::object_of>{batch});
      }
      for (tracked_base* e : batch) {
        auto* t = static_cast<tracked<T>*>(e);
        t->set_state(object_state::persistent);
        previous.push_back(std::exchange(t->flushed_, t->object_));  // as inserted
        t->keep_committed(previous.back());
      }
    }
    return [batch = std::vector<tracked_base*>(batch.begin(), batch.end()),
            previous = std::move(previous)]() mutable {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        auto* t = static_cast<tracked<T>*>(batch[i]);
        t->flushed_ = std::move(previous[i]);
        t->set_state(object_state::pending);
        t->reset_generated_key();
      }
    };
  }

  std::function<void()> flush_update(connection& c, std::span<const std::size_t> fields,
                                     const compiled_sql& sql) override {
    return write_fields(c, fields, sql, object_);
  }

  std::function<void()> flush_unlink(connection& c, std::span<const std::size_t> fields,
                                     const compiled_sql& sql) override {
    T row = *flushed_;
    clear_fields(row, fields);
    return write_fields(c, fields, sql, std::move(row));
  }

  [[nodiscard]] bool holds_values(std::span<const std::size_t> fields) const override {
    bool holds = false;
    reflect::for_each_field(*flushed_, [&](const auto& field, auto i) {
      if constexpr (is_optional_v<std::remove_cvref_t<decltype(field)>>) {
        if (std::ranges::find(fields, decltype(i)::value) != fields.end()) {
          holds = holds || field.has_value();
        }
      }
    });
    return holds;
  }

  void flush_deletes(connection& c, std::span<tracked_base* const> batch) override {
    if (batch.size() == 1) {
      c.remove(*flushed_);
    } else {
      c.remove_many(objects_of<&tracked::flushed_of>{batch});  // the rows as the database knows them
    }
  }

  void mark_committed() override {
    committed_.reset();
    committed_is_flushed_ = true;
  }
  [[nodiscard]] bool was_committed() const noexcept override { return committed().has_value(); }

  void undo_writes() override {
    if (committed()) {  // the row as of the last commit is the row the database holds
      flushed_is_committed();
      if (state() == object_state::removed) set_state(object_state::deleted);
    } else {  // inserted by the lost transaction
      forget_rows();
      // An object added and then removed inside the transaction stays gone.
      set_state(state() == object_state::removed ? object_state::detached
                                                 : object_state::pending);
    }
  }

  void restore_committed() override {
    if (committed_is_flushed_ && flushed_ && !is_dirty() &&
        same_links(object_, *flushed_)) {  // unchanged since the commit
      set_state(object_state::persistent);
      return;
    }
    if (committed()) {
      object_ = *committed();
      flushed_is_committed();
      set_state(object_state::persistent);
    } else {
      forget_rows();
      set_state(object_state::pending);
    }
  }

 private:
  /// The row as of the last commit becomes the row as flushed (the database holds it again).
  void flushed_is_committed() {
    if (committed_is_flushed_) return;
    flushed_ = std::move(committed_);
    committed_.reset();
    committed_is_flushed_ = true;
  }
  /// The object has no row: nothing flushed, nothing committed, its generated key unset.
  void forget_rows() {
    flushed_.reset();
    committed_.reset();
    committed_is_flushed_ = false;
    reset_generated_key();
  }

  /// A generated key goes back to the value it had when the object was added.
  void reset_generated_key() {
    if (!table().generated_field) return;
    with_field(object_, *table().generated_field, [&](auto& f) {
      using F = std::remove_cvref_t<decltype(f)>;
      if constexpr (std::is_integral_v<F>) f = static_cast<F>(key_at_add_);
    });
  }

  /// UPDATE of `fields` of the row (found by its key as the database knows it) to their
  /// values in `row`, which becomes the row as flushed.
  std::function<void()> write_fields(connection& c, std::span<const std::size_t> fields,
                                     const compiled_sql& sql, T row) {
    auto st = c.prepare(sql.text);
    statement_binder b{*st};
    reflect::for_each_field(row, [&](const auto& field, auto i) {
      if (std::ranges::find(fields, decltype(i)::value) != fields.end()) {
        dml::bind_field(b, field, table(), i);
      }
    });
    bind_key_of(b, *flushed_, table());  // the row as the database knows it
    step_to_end(*st);
    auto previous = std::exchange(flushed_, std::move(row));
    keep_committed(previous);
    return [this, previous = std::move(previous)]() mutable { flushed_ = std::move(previous); };
  }

  /// Sets the nullable `fields` of `row` to NULL.
  static void clear_fields(T& row, std::span<const std::size_t> fields) {
    reflect::for_each_field(row, [&](auto& field, auto i) {
      if constexpr (is_optional_v<std::remove_cvref_t<decltype(field)>>) {
        if (std::ranges::find(fields, decltype(i)::value) != fields.end()) field.reset();
      }
    });
  }

  /// Holds back the values of `fields` of a batch's objects while it lives (they are NULL
  /// meanwhile), and gives them back however the scope ends: the objects keep what the
  /// program set, whether the INSERT succeeds or throws.
  class held_back {
   public:
    held_back(std::span<tracked_base* const> batch, std::span<const std::size_t> fields)
        : batch_(batch), fields_(fields) {
      if (fields.empty()) return;
      values_.reserve(batch.size());
      for (tracked_base* e : batch) values_.push_back(object_of(e));  // before any is cleared
      for (tracked_base* e : batch) clear_fields(object_of(e), fields);
    }
    ~held_back() {
      for (std::size_t k = 0; k < values_.size(); ++k) {
        reflect::for_each_field(object_of(batch_[k]), [&](auto& field, auto i) {
          if (std::ranges::find(fields_, decltype(i)::value) != fields_.end()) {
            field = std::move(reflect::get<decltype(i)::value>(values_[k]));
          }
        });
      }
    }
    held_back(const held_back&) = delete;
    held_back& operator=(const held_back&) = delete;

   private:
    std::span<tracked_base* const> batch_;
    std::span<const std::size_t> fields_;
    std::vector<T> values_;
  };

  static T& object_of(tracked_base* e) { return static_cast<tracked*>(e)->object_; }
  static T& flushed_of(tracked_base* e) { return *static_cast<tracked*>(e)->flushed_; }

  /// A batch of `tracked<T>` as a range of `T&`: each entry's object, or its flushed row.
  template <T& (*Of)(tracked_base*)>
  struct objects_of {
    struct iterator {
      using value_type = T;
      using difference_type = std::ptrdiff_t;
      tracked_base* const* at = nullptr;
      T& operator*() const { return Of(*at); }
      iterator& operator++() {
        ++at;
        return *this;
      }
      iterator operator++(int) { return iterator{at++}; }
      bool operator==(const iterator&) const = default;
    };
    std::span<tracked_base* const> batch;
    [[nodiscard]] iterator begin() const { return {batch.data()}; }
    [[nodiscard]] iterator end() const { return {batch.data() + batch.size()}; }
    [[nodiscard]] std::size_t size() const { return batch.size(); }
  };

  /// The row as of the last commit (none: never committed).
  [[nodiscard]] const std::optional<T>& committed() const noexcept {
    return committed_is_flushed_ ? flushed_ : committed_;
  }
  /// `flushed_` is about to hold a state the transaction wrote, replacing `previous`: the
  /// committed state gets its own copy when it was the flushed one.
  void keep_committed(const std::optional<T>& previous) {
    if (committed_is_flushed_) {
      committed_ = previous;
      committed_is_flushed_ = false;
    }
  }

  std::optional<T> inline_;     ///< the object, when the session made it
  std::shared_ptr<T> adopted_;  ///< the object, when a relationship held it before
  T& object_;
  std::optional<T> flushed_;  ///< the row as last read or written
  /// The row as of the last commit, when it differs from `flushed_`; most objects are not
  /// written between commits, and share one copy.
  std::optional<T> committed_;
  bool committed_is_flushed_ = false;
  std::int64_t key_at_add_ = 0;
};

}  // namespace detail

/// A unit of work over an engine. Not thread-safe: one session per thread.
class session {
 public:
  explicit session(engine& db) : engine_(&db) {}
  session(session&&) noexcept = default;
  session& operator=(session&&) = delete;  // a transaction in flight cannot be re-seated
  session(const session&) = delete;
  session& operator=(const session&) = delete;
  /// Rolls back what was flushed and not committed.
  ~session();

  /// Takes `obj` into the session as pending; the returned reference stays valid for the
  /// session's lifetime. The row is inserted at the next flush or commit. The object is moved
  /// in — a temporary (`s.add(Model{...})`) or `std::move(m)` — so that no variable of the
  /// program looks like the tracked object while it is not: change the object through the
  /// reference returned.
  template <class T>
  std::remove_cvref_t<T>& add(T&& obj) {
    static_assert(!std::is_lvalue_reference_v<T>,
                  "tabula: session::add() takes the object itself, not a copy of your variable: "
                  "later changes to the variable would not be written. Pass a temporary "
                  "(s.add(Model{...})) or std::move(m), and change the object through the "
                  "reference add() returns.");
    using M = std::remove_cvref_t<T>;
    auto entry =
        std::make_unique<detail::tracked<M>>(std::move(obj), detail::object_state::pending);
    M& ref = entry->object();
    by_address_.emplace(&ref, entry.get());
    objects_.push_back(std::move(entry));
    inserts_pending_ = true;
    if constexpr (reflect::non_column_count < M >> 0) detail::adopt_links(*this, ref);
    return ref;
  }

  /// Loads relationships of `objs` (objects of this session) in one SELECT per relationship
  /// and level (*selectin*): `s.load(models, &Model::experiments, &Experiment::metrics)` reads
  /// the experiments of every model, then the metrics of every experiment. Relationships
  /// already loaded are kept as they are (their objects still lead to the next level). Objects
  /// read are the session's: the same row is the same object whichever path reached it.
  template <class T, class... Path>
  void load(const std::vector<T*>& objs, Path... path) {
    static_assert(sizeof...(Path) > 0,
                  "tabula: load() takes the relationship to load, e.g. &Model::experiments. "
                  "Pass one member pointer per level of the path.");
    load_path(std::vector<T*>(objs), path...);
  }
  /// Every `T` (those matching `where`, when given) with its relationship `member` loaded, in
  /// one SELECT (*joined*): `T` LEFT JOIN the related table (and, for many-to-many, the
  /// association table), the rows grouped by `T`'s key. Objects already in the session are
  /// the ones returned; a relationship already loaded is kept as it is.
  ///
  ///     std::vector<Model*> models = s.joined(&Model::experiments, col(&Model::name) == "BERT");
  template <class P, class... Where>
  auto joined(P member, Where... where);

  /// Loads relationships of one object: `s.load(exp, &Experiment::metrics)`.
  template <reflect::reflectable T, class... Path>
  void load(T& obj, Path... path) {
    load(std::vector<T*>{&obj}, path...);
  }

  /// The object with this primary key: from the identity map when the session already has it
  /// (so the same row always yields the same object), else loaded from the database. nullptr
  /// when there is no such row or the object was removed in this session. Before it reads
  /// the database it flushes when objects are pending (autoflush), so an added object is
  /// found by its key; other changes cannot alter a lookup by key and wait for the next flush.
  template <class T, class... K>
  [[nodiscard]] T* get(const K&... key) {
    std::string id;
    (detail::append_identity(id, key), ...);
    if (inserts_pending_) autoflush();  // first: the object may be one of them
    if (auto* known = find(table_of<T>(), id)) {
      if (known->state() != detail::object_state::persistent) return nullptr;
      return &static_cast<detail::tracked<T>*>(known)->object();
    }
    auto row = conn().get<T>(key...);
    if (!row) return nullptr;
    auto entry =
        std::make_unique<detail::tracked<T>>(std::move(*row), detail::object_state::persistent);
    T& ref = entry->object();
    track_persistent(std::move(entry));
    return &ref;
  }

  /// SELECT of whole `T` rows through the session: the rows come back as the session's own
  /// objects (`std::vector<T*>` from all()), merged into the identity map, after an autoflush.
  template <class T>
  [[nodiscard]] select_statement<session, T> query() {
    return select_statement<session, T>(this);
  }

  /// Runs `f(connection&)` on the session's connection after an autoflush: how the session's
  /// statements run (see `executor`).
  template <class F>
  decltype(auto) with_connection(F&& f) {
    autoflush();
    return std::forward<F>(f)(conn());
  }

 private:
  friend struct source_hooks<session>;
  template <class T>
  friend void detail::adopt_links(session& s, T& obj);
  template <class T>
  friend void detail::plan_links(session& s, T& obj, const T* flushed, detail::link_plan& plan);

  /// Takes a new object a relationship held into the session, as pending.
  template <class T>
  void adopt(std::shared_ptr<T> obj) {
    T& ref = *obj;
    if (lookup(&ref) != nullptr) return;
    auto entry =
        std::make_unique<detail::tracked<T>>(std::move(obj), detail::object_state::pending);
    entry->adopted = true;
    by_address_.emplace(&ref, entry.get());
    objects_.push_back(std::move(entry));
    inserts_pending_ = true;
    if constexpr (reflect::non_column_count < T >> 0) detail::adopt_links(*this, ref);
  }
  /// A pending association object made by a flush.
  template <class A>
  detail::tracked<A>* add_association(A obj) {
    auto entry =
        std::make_unique<detail::tracked<A>>(std::move(obj), detail::object_state::pending);
    auto* raw = entry.get();
    by_address_.emplace(&raw->object(), raw);
    objects_.push_back(std::move(entry));
    return raw;
  }
  /// The tracked entry of an object a relationship refers to: nullptr when the object was
  /// removed or expunged (the relationship does not keep it), and `programming_error` when
  /// the session never knew it.
  detail::tracked_base* linked_entry(const void* obj, std::string_view relationship) const;

  template <class T, class P, class... Path>
  void load_path(std::vector<T*> objs, P member, Path... rest);
  template <class T, std::size_t J>
  auto load_link(const std::vector<T*>& owners);
  template <class T, std::size_t J, class... Where>
  std::vector<T*> joined_link(Where... where);
  /// The children of `owner` along its one-to-many relationship `J` refer back to it through
  /// their many-to-one relationship on the same key, when they have one not loaded yet.
  template <class T, std::size_t J, class C>
  void set_back_references(T& owner, const std::vector<C*>& children) {
    using LT = detail::link_traits<T, J>;
    constexpr std::size_t K = detail::back_reference<C, detail::link_kind::many_to_one, LT::fk>();
    if constexpr (K < reflect::non_column_count<C>) {
      for (C* child : children) {
        auto& back = reflect::get_non_column<K>(*child);
        if (detail::link_access::state(back) != detail::link_state::unloaded) continue;
        detail::link_access::load(back, &owner);
        if (auto* e = lookup(child)) static_cast<detail::tracked<C>*>(e)->template settle_link<K>();
      }
    }
  }
  /// The largest number of values one IN list carries on the session's database.
  std::size_t in_list_limit();

  /// The session's object for a row just read: the tracked one when the identity map has it
  /// (its in-memory state wins), else `row` becomes tracked and persistent.
  template <class T>
  T* merge_loaded(T&& row) {
    const std::string id = detail::tracked<T>::identity_of(row);
    if (auto* known = find(table_of<T>(), id)) {
      if (known->state() != detail::object_state::persistent) return nullptr;
      return &static_cast<detail::tracked<T>*>(known)->object();
    }
    auto entry =
        std::make_unique<detail::tracked<T>>(std::move(row), detail::object_state::persistent);
    T* ref = &entry->object();
    track_persistent(std::move(entry));
    return ref;
  }

  /// flush() when autoflush is on: queries see the session's pending changes.
  void autoflush();

 public:
  /// Marks a tracked object for deletion at the next flush (a pending one is simply dropped).
  template <class T>
  void remove(T& obj) {
    remove_tracked(require_tracked(&obj));
  }
  /// Stops tracking `obj`: later changes to it are not written. The object stays valid.
  template <class T>
  void expunge(T& obj) {
    expunge_tracked(require_tracked(&obj));
  }
  /// True when `obj` is tracked by this session.
  template <class T>
  [[nodiscard]] bool contains(const T& obj) const {
    return lookup(&obj) != nullptr;
  }

  /// Writes pending changes inside the session's transaction (begun if needed). On error the
  /// flush is undone — database and objects — and the exception propagates; the session
  /// stays usable.
  void flush();
  /// flush(), then COMMIT.
  void commit();
  /// ROLLBACK; every tracked object returns to its last committed state, and objects
  /// inserted since then become pending again.
  void rollback();

  /// True while the session holds an open transaction.
  [[nodiscard]] bool in_transaction() const noexcept { return tx_.has_value() && tx_->active(); }
  /// The connection the session works on (acquired from the pool on first use).
  [[nodiscard]] connection& conn();

  /// Whether flush() runs before the session reads from the database (default true).
  void set_autoflush(bool on) noexcept { autoflush_ = on; }

 private:
  struct identity_key {
    const table_info* table;
    std::string id;
    bool operator==(const identity_key&) const = default;
  };
  struct identity_hash {
    std::size_t operator()(const identity_key& k) const noexcept {
      return std::hash<std::string>{}(k.id) ^ (std::hash<const void*>{}(k.table) << 1U);
    }
  };

  detail::tracked_base* find(const table_info& t, const std::string& id) const;
  detail::tracked_base* lookup(const void* obj) const;
  detail::tracked_base* require_tracked(const void* obj) const;
  void track_persistent(std::unique_ptr<detail::tracked_base> entry);
  void remove_tracked(detail::tracked_base* entry);
  void expunge_tracked(detail::tracked_base* entry);
  void end_transaction();
  /// Begins the session's transaction, on a fresh connection when the one it held broke.
  void begin_transaction();
  /// The open transaction is lost (its COMMIT failed, or its connection broke): every object
  /// it wrote returns to the database's state (`tracked_base::undo_writes`), and the session
  /// gives its connection back.
  void abandon_transaction() noexcept;
  const compiled_sql& update_sql(const table_info& t, std::span<const std::size_t> fields);
  /// Pending objects a relationship brought in, and that no relationship holds any more (a
  /// collection restored by a rollback, a reference replaced), leave the session.
  void drop_unlinked_adopted();
  /// Follows the database's ON DELETE actions from the rows a flush deleted: tracked objects
  /// whose rows it deleted (CASCADE) are removed, foreign keys it set to NULL (SET NULL) are
  /// NULL in the objects too, so that the session holds no row the database no longer has.
  void follow_delete_actions(std::vector<detail::tracked_base*> deleted,
                             std::vector<std::function<void()>>& undo);
  /// Plans what the flush does along relationships, taking new objects they hold into the
  /// session (see `link_plan`).
  void plan_links(detail::link_plan& plan);

  engine* engine_;
  std::optional<connection> conn_;
  std::optional<transaction> tx_;
  std::vector<std::unique_ptr<detail::tracked_base>> objects_;
  /// Every tracked object by its address (objects live as long as the session).
  std::unordered_map<const void*, detail::tracked_base*> by_address_;
  std::unordered_map<identity_key, detail::tracked_base*, identity_hash> identity_map_;
  std::unordered_map<std::string, compiled_sql> update_cache_;
  bool autoflush_ = true;
  /// Objects whose rows the open transaction wrote: their committed state changes at commit.
  std::vector<detail::tracked_base*> written_;
  bool inserts_pending_ = false;  ///< objects may be pending: set by add() and rollback()
};

namespace detail {

/// Sets `dep.*Fk` to `parent.*Ref`; returns what undoes it.
template <auto Fk, auto Ref, class D, class P>
std::function<void()> copy_key(D& dep, const P& parent) {
  auto old = dep.*Fk;
  using F = std::remove_cvref_t<decltype(dep.*Fk)>;
  using R = std::remove_cvref_t<decltype(parent.*Ref)>;
  if constexpr (is_optional_v<R> && !is_optional_v<F>) {
    dep.*Fk = static_cast<F>(*(parent.*Ref));
  } else {
    dep.*Fk = parent.*Ref;
  }
  return [&dep, old = std::move(old)]() mutable { dep.*Fk = std::move(old); };
}

/// Whether `dep.*Fk` already holds `parent.*Ref`.
template <auto Fk, auto Ref, class D, class P>
bool holds_key(const D& dep, const P& parent) {
  using F = std::remove_cvref_t<decltype(dep.*Fk)>;
  using R = std::remove_cvref_t<decltype(parent.*Ref)>;
  if constexpr (is_optional_v<F> == is_optional_v<R>) {
    return dep.*Fk == parent.*Ref;
  } else if constexpr (is_optional_v<F>) {
    return (dep.*Fk).has_value() && *(dep.*Fk) == parent.*Ref;
  } else {
    return (parent.*Ref).has_value() && dep.*Fk == *(parent.*Ref);
  }
}

template <class T>
bool same_links(const T& a, const T& b) {
  bool same = true;
  reflect::for_each_non_column(a, [&](const auto& link, auto j) {
    const auto& other = reflect::get_non_column<decltype(j)::value>(b);
    using L = std::remove_cvref_t<decltype(link)>;
    if constexpr (is_one_v<L>) {
      same = same && link_access::target(link) == link_access::target(other);
    } else {
      same = same && link_access::items(link) == link_access::items(other);
    }
  });
  return same;
}

template <class T>
void adopt_links(session& s, T& obj) {
  reflect::for_each_non_column(obj, [&](auto& link, auto) {
    using L = std::remove_cvref_t<decltype(link)>;
    if constexpr (is_one_v<L>) {
      if (auto staged = link_access::take_staged(link)) s.adopt(std::move(staged));
    } else {
      for (auto& staged : link_access::take_staged(link)) s.adopt(std::move(staged));
    }
  });
}

/// "Experiment::metrics", for messages.
template <class T, std::size_t J>
std::string link_name() {
  return std::string(reflect::type_name<T>()) +
         "::" + std::string(reflect::non_column_name<T, J>());
}

template <class T>
void plan_links(session& s, T& obj, const T* flushed, link_plan& plan) {
  tracked_base* self = s.lookup(&obj);
  auto* typed_self = static_cast<tracked<T>*>(self);
  const auto settle = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
    plan.on_success.emplace_back([&s, typed_self] {
      typed_self->template flush_link<J>();
      s.written_.push_back(typed_self);
    });
  };
  reflect::for_each_non_column(obj, [&](auto& link, auto j) {
    constexpr std::size_t J = decltype(j)::value;
    using LT = link_traits<T, J>;
    using Target = typename LT::target;
    if (link_access::state(link) == link_state::unloaded) return;
    const auto* before = flushed != nullptr ? &reflect::get_non_column<J>(*flushed) : nullptr;
    if constexpr (LT::kind == link_kind::many_to_one) {
      Target* target = link_access::target(link);
      Target* was = before != nullptr ? link_access::target(*before) : nullptr;
      if (target != nullptr) {
        tracked_base* parent = s.linked_entry(target, link_name<T, J>());
        if (parent != nullptr && (parent->state() == object_state::pending ||
                                  !holds_key<LT::fk, LT::referenced>(obj, *target))) {
          plan.copies.push_back({self, parent, [&obj, target] {
                                   return copy_key<LT::fk, LT::referenced>(obj, *target);
                                 }});
        }
      } else if (was != nullptr) {
        if constexpr (is_optional_v<std::remove_cvref_t<decltype(obj.*LT::fk)>>) {
          plan.copies.push_back({self, nullptr, [&obj] {
                                   auto old = obj.*LT::fk;
                                   (obj.*LT::fk).reset();
                                   return std::function<void()>([&obj, old] { obj.*LT::fk = old; });
                                 }});
        }
      }
      constexpr std::size_t back_one = back_reference<Target, link_kind::one_to_one, LT::fk>();
      if constexpr (back_one < reflect::non_column_count<Target>) {
        if (target != nullptr && target != was) {
          auto& other = reflect::get_non_column<back_one>(*target);
          if (link_access::state(other) != link_state::unloaded) link_access::point(other, &obj);
        }
        if (was != nullptr && was != target) {
          auto& other = reflect::get_non_column<back_one>(*was);
          if (link_access::target(other) == &obj) link_access::point(other, static_cast<T*>(nullptr));
        }
      }
      constexpr std::size_t back = back_reference<Target, link_kind::one_to_many, LT::fk>();
      if constexpr (back < reflect::non_column_count<Target>) {
        if (target != nullptr && target != was) {
          auto& other = reflect::get_non_column<back>(*target);
          if (link_access::state(other) != link_state::unloaded) {
            auto& list = link_access::items(other);
            if (std::find(list.begin(), list.end(), &obj) == list.end()) list.push_back(&obj);
          }
        }
        if (was != nullptr && was != target) {
          auto& other = reflect::get_non_column<back>(*was);
          if (link_access::state(other) != link_state::unloaded) {
            std::erase(link_access::items(other), &obj);
          }
        }
      }
      if (before != nullptr && target != was) settle(j);
    } else if constexpr (LT::kind == link_kind::one_to_many || LT::kind == link_kind::one_to_one) {
      // The objects whose foreign key refers to the owner: a collection's, or the one.
      const auto held = [](const auto& l) -> std::span<Target* const> {
        if constexpr (is_one_v<std::remove_cvref_t<decltype(l)>>) {
          Target* const& slot = link_access::slot(l);
          return slot != nullptr ? std::span<Target* const>(&slot, 1) : std::span<Target* const>();
        } else {
          return link_access::items(l);
        }
      };
      const std::span<Target* const> items = held(link);
      constexpr std::size_t back = back_reference<Target, link_kind::many_to_one, LT::fk>();
      for (Target* child : items) {
        tracked_base* dependent = s.linked_entry(child, link_name<T, J>());
        if (dependent == nullptr) continue;
        if constexpr (back < reflect::non_column_count<Target>) {
          auto& ref = reflect::get_non_column<back>(*child);
          if (link_access::state(ref) != link_state::unloaded &&
              link_access::target(ref) == nullptr) {
            link_access::point(ref, &obj);
          }
        }
        if (self->state() == object_state::pending ||
            !holds_key<LT::fk, LT::referenced>(*child, obj)) {
          plan.copies.push_back({dependent, self, [&obj, child] {
                                   return copy_key<LT::fk, LT::referenced>(*child, obj);
                                 }});
        }
      }
      if (before == nullptr) return;
      const std::span<Target* const> was = held(*before);
      if (std::ranges::equal(was, items)) return;
      for (Target* child : was) {
        if (std::find(items.begin(), items.end(), child) != items.end()) continue;
        tracked_base* orphan = s.lookup(child);
        if (orphan == nullptr || orphan->state() != object_state::persistent) continue;
        // Its key refers elsewhere: it was moved to another owner by its key.
        if (!holds_key<LT::fk, LT::referenced>(*child, obj)) continue;
        std::function<std::function<void()>()> unlink_back;
        if constexpr (back < reflect::non_column_count<Target>) {
          unlink_back = [child, &obj]() -> std::function<void()> {
            auto& ref = reflect::get_non_column<back>(*child);
            if (link_access::target(ref) != &obj) return [] {};
            link_access::point(ref, static_cast<T*>(nullptr));
            return [&ref, &obj] { link_access::point(ref, &obj); };
          };
        }
        if constexpr (LT::delete_orphan) {
          plan.orphans.push_back({orphan, true, {}, {}, std::move(unlink_back)});
        } else if constexpr (is_optional_v<std::remove_cvref_t<decltype(child->*LT::fk)>>) {
          plan.orphans.push_back({orphan,
                                  false,
                                  [child] {
                                    auto old = child->*LT::fk;
                                    (child->*LT::fk).reset();
                                    return std::function<void()>(
                                        [child, old] { child->*LT::fk = old; });
                                  },
                                  {},
                                  std::move(unlink_back)});
        } else {
          plan.orphans.push_back(
              {orphan,
               false,
               {},
               "tabula: a " + std::string(reflect::type_name<Target>()) + " was removed from " +
                   link_name<T, J>() +
                   ", and its foreign key cannot be NULL. Declare tabula::relationship(&" +
                   link_name<T, J>() +
                   ").delete_orphan() to delete such objects, or remove the object from the "
                   "session",
               {}});
        }
      }
      settle(j);
    } else {
      using A = typename LT::association;
      const auto& items = link_access::items(link);
      static const std::vector<Target*> none;
      const auto& was = before != nullptr ? link_access::items(*before) : none;
      if (was == items) return;
      for (Target* target : items) {
        if (std::find(was.begin(), was.end(), target) != was.end()) continue;
        tracked_base* target_entry = s.linked_entry(target, link_name<T, J>());
        if (target_entry == nullptr) continue;
        tracked<A>* row = s.add_association(A{});
        A& a = row->object();
        plan.associations.push_back(row);
        plan.copies.push_back(
            {row, self, [&a, &obj] { return copy_key<LT::fk, LT::referenced>(a, obj); }});
        plan.copies.push_back({row, target_entry, [&a, target] {
                                 return copy_key<LT::target_fk, LT::target_referenced>(a, *target);
                               }});
      }
      for (Target* target : was) {
        if (std::find(items.begin(), items.end(), target) != items.end()) continue;
        plan.association_deletes.emplace_back([&obj, target](connection& c) {
          c.delete_from<A>()
              .where(col(LT::fk) == obj.*LT::referenced &&
                     col(LT::target_fk) == target->*LT::target_referenced)
              .execute();
        });
      }
      if (before != nullptr) settle(j);
    }
  });
}

/// The key an IN list compares: a value's identity encoding.
template <class V>
std::string key_of(const V& v) {
  std::string out;
  append_identity(out, v);
  return out;
}

}  // namespace detail

template <class T, class P, class... Path>
void session::load_path(std::vector<T*> objs, P member, Path... rest) {
  static_assert(std::is_member_object_pointer_v<P> && std::is_same_v<detail::class_of<P>, T>,
                "tabula: each step of a load() path is a relationship member of the model "
                "reached by the step before, e.g. &Model::experiments, &Experiment::metrics.");
  static_assert(detail::is_relationship_v<detail::member_of<P>>,
                "tabula: load() follows relationship members (tabula::one, tabula::many). Pass "
                "a pointer to one, e.g. &Model::experiments.");
  const std::size_t j = reflect::non_column_index(member);
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    const auto step = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
      if constexpr (std::is_same_v<reflect::non_column_type<T, K>, detail::member_of<P>>) {
        if (j != K) return;
        auto next = load_link<T, K>(objs);
        if constexpr (sizeof...(Path) > 0) load_path(std::move(next), rest...);
      }
    };
    (step(std::integral_constant<std::size_t, J>{}), ...);
  }(std::make_index_sequence<reflect::non_column_count<T>>{});
}

template <class T, std::size_t J>
auto session::load_link(const std::vector<T*>& owners) {
  using LT = detail::link_traits<T, J>;
  using Target = typename LT::target;
  using detail::link_access;
  std::vector<Target*> reached;
  std::vector<T*> to_load;
  for (T* owner : owners) {
    auto& link = reflect::get_non_column<J>(*owner);
    if (link_access::state(link) == detail::link_state::unloaded) {
      to_load.push_back(owner);
    } else if constexpr (detail::is_one_v<typename LT::member_type>) {
      if (Target* t = link_access::target(link)) reached.push_back(t);
    } else {
      const auto& items = link_access::items(link);
      reached.insert(reached.end(), items.begin(), items.end());
    }
  }
  if (to_load.empty()) return reached;
  const auto settle = [&](T* owner) {
    if (auto* e = lookup(owner)) static_cast<detail::tracked<T>*>(e)->template settle_link<J>();
  };
  const std::size_t limit = in_list_limit();

  if constexpr (LT::kind == detail::link_kind::many_to_one) {
    using K = unwrap_optional_t<std::remove_cvref_t<decltype(std::declval<T&>().*LT::fk)>>;
    std::vector<K> keys;
    std::unordered_map<std::string, Target*> found;
    for (T* owner : to_load) {
      const auto& fk = owner->*LT::fk;
      if constexpr (is_optional_v<std::remove_cvref_t<decltype(fk)>>) {
        if (fk && found.emplace(detail::key_of(*fk), nullptr).second) keys.push_back(*fk);
      } else {
        if (found.emplace(detail::key_of(fk), nullptr).second) keys.push_back(fk);
      }
    }
    for (std::size_t first = 0; first < keys.size(); first += limit) {
      const std::vector<K> chunk(
          keys.begin() + static_cast<std::ptrdiff_t>(first),
          keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), first + limit)));
      for (Target* t : query<Target>().where(in(col(LT::referenced), chunk)).all()) {
        found[detail::key_of(t->*LT::referenced)] = t;
      }
    }
    for (T* owner : to_load) {
      const auto& fk = owner->*LT::fk;
      Target* t = nullptr;
      if constexpr (is_optional_v<std::remove_cvref_t<decltype(fk)>>) {
        if (fk) t = found[detail::key_of(*fk)];
      } else {
        t = found[detail::key_of(fk)];
      }
      link_access::load(reflect::get_non_column<J>(*owner), t);
      settle(owner);
      if (t != nullptr) reached.push_back(t);
    }
  } else {
    using K = unwrap_optional_t<std::remove_cvref_t<decltype(std::declval<T&>().*LT::referenced)>>;
    std::vector<K> keys;
    std::unordered_map<std::string, std::vector<Target*>> groups;
    for (T* owner : to_load) {
      const auto& key = owner->*LT::referenced;
      if constexpr (is_optional_v<std::remove_cvref_t<decltype(key)>>) {
        if (key && groups.try_emplace(detail::key_of(*key)).second) keys.push_back(*key);
      } else {
        if (groups.try_emplace(detail::key_of(key)).second) keys.push_back(key);
      }
    }
    for (std::size_t first = 0; first < keys.size(); first += limit) {
      const std::vector<K> chunk(
          keys.begin() + static_cast<std::ptrdiff_t>(first),
          keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), first + limit)));
      if constexpr (LT::kind != detail::link_kind::many_to_many) {
        for (Target* t : query<Target>().where(in(col(LT::fk), chunk)).all()) {
          const auto& fk = t->*LT::fk;
          if constexpr (is_optional_v<std::remove_cvref_t<decltype(fk)>>) {
            if (fk) groups[detail::key_of(*fk)].push_back(t);
          } else {
            groups[detail::key_of(fk)].push_back(t);
          }
        }
      } else {
        using A = typename LT::association;
        auto rows = with_connection([&](connection& c) {
          return c.template select<Target, A>()
              .template join<A>(col(LT::target_fk) == col(LT::target_referenced))
              .where(in(col(LT::fk), chunk))
              .all();
        });
        for (auto& [target, association] : rows) {
          const std::string owner_key = detail::key_of(association.*LT::fk);
          if (Target* t = merge_loaded(std::move(target))) groups[owner_key].push_back(t);
        }
      }
    }
    for (T* owner : to_load) {
      const auto& key = owner->*LT::referenced;
      std::vector<Target*> items;
      if constexpr (is_optional_v<std::remove_cvref_t<decltype(key)>>) {
        if (key) items = groups[detail::key_of(*key)];
      } else {
        items = groups[detail::key_of(key)];
      }
      reached.insert(reached.end(), items.begin(), items.end());
      if constexpr (LT::kind != detail::link_kind::many_to_many) {
        set_back_references<T, J>(*owner, items);
      }
      link_access::load(reflect::get_non_column<J>(*owner), std::move(items));
      settle(owner);
    }
  }
  // An object reached along several owners leads to the next level once.
  std::vector<Target*> unique;
  unique.reserve(reached.size());
  std::unordered_set<Target*> seen;
  for (Target* t : reached) {
    if (seen.insert(t).second) unique.push_back(t);
  }
  return unique;
}

template <class P, class... Where>
auto session::joined(P member, Where... where) {
  using T = detail::class_of<P>;
  static_assert(detail::is_relationship_v<detail::member_of<P>>,
                "tabula: joined() follows a relationship member (tabula::one, tabula::many). "
                "Pass a pointer to one, e.g. &Model::experiments.");
  static_assert(sizeof...(Where) <= 1,
                "tabula: joined() takes the relationship and at most one condition. Combine "
                "conditions with && and ||.");
  using Target = typename detail::member_of<P>::target_type;
  constexpr bool self = std::is_same_v<T, Target>;
  static_assert(!self,
                "tabula: joined() along a relationship of a model to itself is not supported. "
                "Load it with s.load(objects, member) (one SELECT per level) instead.");
  constexpr bool reads_target =
      (detail::list_contains<Target, typename Where::models>::value || ...);
  static_assert(!reads_target,
                "tabula: joined()'s condition picks the owners, and this one reads the related "
                "model: each collection would hold only the rows it matches yet count as "
                "loaded. Put the condition on the owner's columns, or query the owners and "
                "load the relationship with s.load(...).");
  std::vector<T*> out;
  if constexpr (!self && !reads_target) {  // else only the messages above
    const std::size_t j = reflect::non_column_index(member);
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      const auto step = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
        if constexpr (std::is_same_v<reflect::non_column_type<T, K>, detail::member_of<P>>) {
          if (j == K) out = joined_link<T, K>(where...);
        }
      };
      (step(std::integral_constant<std::size_t, J>{}), ...);
    }(std::make_index_sequence<reflect::non_column_count<T>>{});
  }
  return out;
}

template <class T, std::size_t J, class... Where>
std::vector<T*> session::joined_link(Where... where) {
  using LT = detail::link_traits<T, J>;
  using Target = typename LT::target;
  using detail::link_access;
  const auto filtered = [&](auto q) {
    if constexpr (sizeof...(Where) == 0) {
      return q;
    } else {
      return q.where(where...);
    }
  };
  std::vector<T*> out;
  const auto keep = [&](T* owner, auto&& fill) {
    if (owner == nullptr) return;
    out.push_back(owner);
    auto& link = reflect::get_non_column<J>(*owner);
    if (link_access::state(link) != detail::link_state::unloaded) return;
    fill(link);
    static_cast<detail::tracked<T>*>(lookup(owner))->template settle_link<J>();
  };
  if constexpr (LT::kind == detail::link_kind::many_to_one) {
    auto rows = with_connection([&](connection& c) {
      return filtered(c.template select<T, Target>().template left_join<Target>(
                          col(LT::referenced) == col(LT::fk)))
          .all();
    });
    for (auto& [owner, target] : rows) {
      Target* t = target ? merge_loaded(std::move(*target)) : nullptr;
      keep(merge_loaded(std::move(owner)), [&](auto& link) { link_access::load(link, t); });
    }
  } else {
    auto groups = with_connection([&](connection& c) {
      if constexpr (LT::kind != detail::link_kind::many_to_many) {
        return filtered(c.template select<T, Target>().template left_join<Target>(
                            col(LT::fk) == col(LT::referenced)))
            .grouped();
      } else {
        using A = typename LT::association;
        return filtered(c.template select<T, Target>()
                            .template left_join<A>(col(LT::fk) == col(LT::referenced))
                            .template left_join<Target>(col(LT::target_referenced) ==
                                                        col(LT::target_fk)))
            .grouped();
      }
    });
    for (auto& [owner, targets] : groups) {
      std::vector<Target*> items;
      items.reserve(targets.size());
      for (auto& t : targets) {
        if (Target* obj = merge_loaded(std::move(t))) items.push_back(obj);
      }
      T* o = merge_loaded(std::move(owner));
      if constexpr (LT::kind != detail::link_kind::many_to_many) {
        if (o != nullptr) set_back_references<T, J>(*o, items);
      }
      keep(o, [&](auto& link) { link_access::load(link, std::move(items)); });
    }
  }
  return out;
}

/// A session on `db`: what `db.session()` returns.
[[nodiscard]] inline session make_session(engine& db) { return session(db); }

/// Statements run through a session see its pending changes (autoflush, in
/// `session::with_connection`) and return its own objects: whole-model rows come back as
/// pointers to tracked objects (`std::vector<T*>` from all(), `T*` from first() and
/// one_or_none(), `T&` from one()), merged into the identity map — rows of objects the session
/// deleted are left out. Every other row (tuples, values, grouped()) comes back as a value.
template <>
struct source_hooks<session> {
  template <class S>
  static constexpr bool tracked_rows = detail::result_model<typename S::row_type>;

  template <class S, class Rows>
  static auto rows(session& s, Rows&& rows) {
    if constexpr (tracked_rows<S>) {
      std::vector<typename S::row_type*> out;
      out.reserve(rows.size());
      for (auto& row : rows) {
        if (auto* obj = s.merge_loaded(std::move(row))) out.push_back(obj);
      }
      return out;
    } else {
      return std::move(rows);
    }
  }
  template <class S, class Row>
  static auto row(session& s, std::optional<Row>&& row) {
    if constexpr (tracked_rows<S>) {
      return row ? s.merge_loaded(std::move(*row)) : nullptr;
    } else {
      return std::move(row);
    }
  }
  template <class S, class Row>
  static decltype(auto) one(session& s, Row&& row) {
    if constexpr (tracked_rows<S>) {
      auto* obj = s.merge_loaded(std::move(row));
      if (obj == nullptr) detail::throw_no_row("one()");
      return *obj;
    } else {
      return Row(std::move(row));
    }
  }
  template <class S>
  static constexpr bool can_stream = !tracked_rows<S>;
};

}  // namespace tabula
