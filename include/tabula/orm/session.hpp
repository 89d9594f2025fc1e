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
#include <utility>
#include <vector>

#include <algorithm>
#include <concepts>
#include <span>

#include "tabula/core/connection.hpp"
#include "tabula/core/engine.hpp"
#include "tabula/core/executor.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

namespace detail {

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
  tracked(T obj, object_state state) : tracked_base(table_of<T>(), state), object_(std::move(obj)) {
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

  T& object() noexcept { return object_; }
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
    if (committed_is_flushed_ && flushed_ && !is_dirty()) {  // unchanged since the commit
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
      if (std::ranges::find(fields, decltype(i)::value) != fields.end()) b(field);
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

  T object_;
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
    return ref;
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
