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

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <concepts>
#include <span>

#include "tabula/core/connection.hpp"
#include "tabula/core/engine.hpp"
#include "tabula/core/executor.hpp"
#include "tabula/core/load.hpp"
#include "tabula/detail/action.hpp"
#include "tabula/detail/index.hpp"
#include "tabula/detail/list_view.hpp"
#include "tabula/detail/move.hpp"
#include "tabula/detail/owned.hpp"
#include "tabula/detail/range.hpp"
#include "tabula/detail/shared.hpp"
#include "tabula/reflect/reflect.hpp"
#include "tabula/schema/table.hpp"

namespace tabula {

class session;

namespace detail {

class tracked_base;

/// Throws `programming_error`: a flush would write a row of the read-only model of `t` (an
/// object of it changed, or one reached the session through a relationship).
[[noreturn]] void throw_read_only_write(const table_info& t, std::string_view what);

/// The end of a chain of key copies in a `link_plan` (`tracked_base::first_copy`,
/// `key_copy::next`).
inline constexpr std::size_t no_key_copy = static_cast<std::size_t>(-1);

/// `T`, named so that it depends on `V`: a member of this type in a class template of `V` is
/// instantiated with the template, not where the template is defined.
template <class V, class T>
struct deferred {
  using type = T;
};
template <class V, class T>
using deferred_t = typename deferred<V, T>::type;

/// What one flush does along relationships, planned before it writes: foreign keys to copy
/// from the objects they refer to once those have keys, association rows to delete, and what
/// to do when the flush succeeds or fails. A template of a parameter it does not use
/// (`link_plan` is `basic_link_plan<>`): its lists are instantiated where a flush is planned —
/// the library, and a file whose models have relationships — rather than in every file (the
/// lists of types that do not name `V` are spelled `deferred_t<V, T>` for that).
template <class V = void>
struct basic_link_plan {
  struct key_copy {
    tracked_base* dependent;
    tracked_base* parent;
    /// Sets the dependent's foreign key from the parent's key; returns what undoes it.
    action<undo_action> apply;
    /// The dependent's next copy while a flush writes (set by the flush).
    std::size_t next = no_key_copy;
  };
  std::vector<key_copy> copies;
  /// An object removed from a one-to-many collection: deleted, or its key set to NULL
  /// (`clear`), unless the same flush links it to another owner.
  struct orphan {
    tracked_base* entry;
    bool delete_it;
    action<undo_action> clear;  ///< empty: the key cannot be NULL
    std::string message;        ///< the error when it cannot
    /// Clears its reference back to the owner it left; returns what undoes it.
    action<undo_action> unlink_back;
  };
  std::vector<orphan> orphans;
  std::vector<deferred_t<V, callback<void(connection&)>>> association_deletes;
  /// Association objects created by this flush.
  std::vector<deferred_t<V, tracked_base*>> associations;
  /// Run when the flush has written everything.
  std::vector<deferred_t<V, action<void>>> on_success;
  std::vector<deferred_t<V, undo_action>> undo;
};
using link_plan = basic_link_plan<>;

template <class T>
void adopt_links(session& s, T& obj);
template <class T, class Plan>
void plan_links(session& s, T& obj, const T* flushed, Plan& plan);
template <class T>
bool same_links(const T& a, const T& b);

/// The model hooks `schema<T>` may declare, in the order a flush runs them.
enum class model_hook : std::uint8_t {
  before_insert,
  after_insert,
  before_update,
  after_update,
  before_delete,
  after_delete,
  after_load,
};

/// Calls `schema<T>::<hook>(obj)` when the schema declares that hook.
template <class T>
void run_model_hook(model_hook hook, T& obj) {
  using S = schema<T>;
  switch (hook) {
    case model_hook::before_insert:
      if constexpr (requires { S::before_insert(obj); }) S::before_insert(obj);
      break;
    case model_hook::after_insert:
      if constexpr (requires { S::after_insert(obj); }) S::after_insert(obj);
      break;
    case model_hook::before_update:
      if constexpr (requires { S::before_update(obj); }) S::before_update(obj);
      break;
    case model_hook::after_update:
      if constexpr (requires { S::after_update(obj); }) S::after_update(obj);
      break;
    case model_hook::before_delete:
      if constexpr (requires { S::before_delete(obj); }) S::before_delete(obj);
      break;
    case model_hook::after_delete:
      if constexpr (requires { S::after_delete(obj); }) S::after_delete(obj);
      break;
    case model_hook::after_load:
      if constexpr (requires { S::after_load(obj); }) S::after_load(obj);
      break;
  }
}

/// Whether `schema<T>` declares any model hook.
template <class T>
constexpr bool has_model_hooks() {
  using S = schema<T>;
  return requires(T& obj) { S::before_insert(obj); } || requires(T& obj) { S::after_insert(obj); } ||
         requires(T& obj) { S::before_update(obj); } || requires(T& obj) { S::after_update(obj); } ||
         requires(T& obj) { S::before_delete(obj); } || requires(T& obj) { S::after_delete(obj); } ||
         requires(T& obj) { S::after_load(obj); };
}

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
      return detail::range_equal(x, y);
    } else {
      return same_value(x, y);
    }
  }
}

/// A key value as text, for messages.
template <class V>
std::string value_text(const V& v) {
  if constexpr (is_optional_v<V>) {
    return v ? value_text(*v) : std::string("NULL");
  } else if constexpr (std::is_same_v<V, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_integral_v<V>) {
    return std::to_string(v);
  } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
    return "'" + std::string(std::string_view(v)) + "'";
  } else {
    return "(" + std::string(reflect::type_name<V>()) + ")";
  }
}

/// `out.push_back(p)`, compiled in the library: a call of the vector's member in a template
/// would instantiate its class in every file.
void append_address(std::vector<const void*>& out, const void* p);

/// Whether `t` has a foreign key to itself with ON DELETE CASCADE.
[[nodiscard]] bool cascades_to_itself(const table_info& t) noexcept;

/// Throws `stale_data_error`: the `verb` of `object` found no row.
[[noreturn]] void throw_stale(std::string sql, std::string_view verb, const std::string& object);

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
  virtual undo_action cleared_by_database(detail::list_view<const std::size_t> fields) = 0;

  /// Runs the model's hook `hook` (declared in `schema<T>`) on the object.
  virtual void run_hook(model_hook hook) = 0;
  /// Whether the model declares hooks.
  [[nodiscard]] virtual bool has_hooks() const noexcept = 0;

  /// Whether the model has relationship members.
  [[nodiscard]] virtual bool has_links() const noexcept = 0;
  /// Appends the addresses of the objects the relationships hold.
  virtual void linked_objects(std::vector<const void*>& out) const = 0;
  /// Whether the session took the object in from a relationship (cascade save).
  bool adopted = false;
  /// While a flush writes: the index of the object's first key copy in its plan.
  std::size_t first_copy = no_key_copy;
  /// Whether the object is to be read again from its row (`session::expire`) by the next
  /// `get` or query that reaches it; meanwhile a flush writes no change of it.
  bool expired = false;
  /// Reads the object's row now and sets its column fields (and the row as read) from it;
  /// false, and the object unchanged, when the row is gone.
  virtual bool reload(connection& c) = 0;
  /// Takes into the session the new objects the relationships hold (cascade save).
  virtual void adopt_links(session& s) = 0;
  /// Adds to `plan` what the flush does along the object's relationships.
  virtual void plan_links(session& s, link_plan& plan) = 0;
  /// Takes the objects whose rows a flush deleted (`gone`, by address) out of the loaded
  /// collections; `undo` gets what puts them back.
  virtual void release_deleted(const address_set& gone,
                               std::vector<undo_action>& undo) = 0;

  /// INSERT of this object and the others in `batch` (all of this object's type, this one
  /// first), in order: one statement for a single object, else as `connection::insert_many`
  /// inserts them (multi-row INSERT ... RETURNING on PostgreSQL). The nullable
  /// `deferred` fields are inserted as NULL, and the objects keep their values: the row as
  /// flushed differs there until `flush_update` writes them. Returns an action that undoes
  /// the in-memory effects (for a failed flush).
  virtual undo_action flush_inserts(connection& c, detail::list_view<tracked_base* const> batch,
                                    detail::list_view<const std::size_t> deferred) = 0;
  /// UPDATE of `fields` of the row to the object's values (`sql`: `update_by_key_statement`).
  virtual undo_action flush_update(connection& c, detail::list_view<const std::size_t> fields,
                                   const compiled_sql& sql) = 0;
  /// UPDATE of the nullable `fields` of the row to NULL, so that rows they reference can be
  /// deleted first.
  virtual undo_action flush_unlink(connection& c, detail::list_view<const std::size_t> fields,
                                   const compiled_sql& sql) = 0;
  /// Whether the row as last read or written holds a value in any of the nullable `fields`.
  [[nodiscard]] virtual bool holds_values(detail::list_view<const std::size_t> fields) const = 0;
  /// DELETE of this object's row and those of the others in `batch` (all of this object's
  /// type, this one first): one statement for a single object, else as
  /// `connection::remove_many` deletes them; for a versioned model, one `versioned` statement
  /// (DELETE by key and version) per object. `stale_data_error` when a row is not found.
  virtual void flush_deletes(connection& c, detail::list_view<tracked_base* const> batch,
                             const compiled_sql* versioned) = 0;
  /// The object's key as text, for messages: `Run with id = 42`.
  [[nodiscard]] virtual std::string describe() const = 0;

  /// The object as it is now — state, fields and the row as last read or written — for a
  /// savepoint to return to (`restore`).
  struct saved {
    virtual ~saved() = default;
  };
  [[nodiscard]] virtual detail::owned<saved> save() const = 0;
  /// Returns to `s` (from this object's `save()`).
  virtual void restore(const saved& s) = 0;

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
      : tracked_base(table_of<T>(), state), inline_(TABULA_MOVE(obj)), object_(*inline_) {
    init(state);
  }
  /// Takes over an object a relationship held: it keeps its address.
  tracked(detail::shared<T> obj, object_state state)
      : tracked_base(table_of<T>(), state), adopted_(TABULA_MOVE(obj)), object_(*adopted_) {
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
  undo_action cleared_by_database(detail::list_view<const std::size_t> fields) override {
    T previous = object_;
    clear_fields(object_, fields);
    undo_action undo_row = [] {};
    if (flushed_) {
      keep_committed(flushed_);
      T row = *flushed_;
      clear_fields(*flushed_, fields);
      undo_row = [this, row = TABULA_MOVE(row)]() mutable { flushed_ = TABULA_MOVE(row); };
    }
    std::vector<std::size_t> cleared(fields.begin(), fields.end());
    return [this, previous = TABULA_MOVE(previous), cleared = TABULA_MOVE(cleared),
            undo_row = TABULA_MOVE(undo_row)]() mutable {
      // Only the cleared fields come back: the rest may have changed since.
      move_fields(object_, previous, cleared);
      undo_row();
    };
  }

  void run_hook(model_hook hook) override {
    if constexpr (has_model_hooks<T>()) run_model_hook(hook, object_);
  }
  [[nodiscard]] bool has_hooks() const noexcept override { return has_model_hooks<T>(); }

  [[nodiscard]] bool has_links() const noexcept override {
    return reflect::non_column_count<T> > 0;
  }
  void linked_objects(std::vector<const void*>& out) const override {
    reflect::for_each_non_column(object_, [&](const auto& link, auto) {
      using L = std::remove_cvref_t<decltype(link)>;
      if constexpr (is_one_v<L>) {
        if (const auto* t = link_access::target(link)) append_address(out, t);
      } else {
        for (const auto* t : link_access::items(link)) append_address(out, t);
      }
    });
  }
  void adopt_links(session& s) override {
    if constexpr (reflect::non_column_count < T >> 0) detail::adopt_links(s, object_);
  }
  void release_deleted(const address_set& gone,
                       std::vector<undo_action>& undo) override {
    const auto deleted = [&](const void* x) { return gone.contains(x); };
    const auto release = [&](auto& list) {
      bool any = false;
      for (const void* x : list) any = any || deleted(x);
      if (!any) return;
      undo.emplace_back([&list, kept = list]() mutable { list = TABULA_MOVE(kept); });
      std::erase_if(list, deleted);
    };
    reflect::for_each_non_column(object_, [&](auto& link, auto j) {
      using L = std::remove_cvref_t<decltype(link)>;
      if constexpr (!is_one_v<L>) {
        if (link_access::state(link) == link_state::unloaded) return;
        release(link_access::items(link));
        // The row as flushed no longer holds it either: no change for the next flush to write.
        if (flushed_) {
          keep_committed(flushed_);
          release(link_access::items(reflect::get_non_column<decltype(j)::value>(*flushed_)));
        }
      }
    });
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
  undo_action flush_link() {
    if (!flushed_) return [] {};
    keep_committed(flushed_);
    auto previous = reflect::get_non_column<J>(*flushed_);
    reflect::get_non_column<J>(*flushed_) = reflect::get_non_column<J>(object_);
    return [this, previous = TABULA_MOVE(previous)]() mutable {
      if (flushed_) reflect::get_non_column<J>(*flushed_) = TABULA_MOVE(previous);
    };
  }
  [[nodiscard]] const void* address() const noexcept override { return &object_; }
  /// The object as last read or written; nullptr while pending.
  [[nodiscard]] const T* flushed_object() const noexcept { return flushed_ ? &*flushed_ : nullptr; }

  bool reload(connection& c) override {
    auto row = read_row(c, flushed_ ? *flushed_ : object_);
    if (!row) return false;
    apply_row(TABULA_MOVE(*row));
    return true;
  }
  /// `row` was read from the database: the column fields of the object and of the row as
  /// read take its values (relationships stay as they are).
  void apply_row(T&& row) {
    if (flushed_) {
      keep_committed(flushed_);
      copy_columns(*flushed_, row);
    }
    copy_columns(object_, row);
    if (!flushed_) flushed_ = object_;
    expired = false;
  }
  /// Sets the column fields of `to` from `from`.
  static void copy_columns(T& to, const T& from) {
    reflect::for_each_field(to, [&](auto& field, auto i) {
      field = reflect::get<decltype(i)::value>(from);
    });
  }
  /// The row with the key of `key_source`, read now.
  static std::optional<T> read_row(connection& c, const T& key_source) {
    const table_info& t = table_of<T>();
    const compiled_sql& sql = cached_sql<builtin_key<T, builtin::get>>(
        c.sql_dialect(), [&] { return select_by_key_statement(t); });
    auto st = c.prepare(sql);
    statement_binder b{*st};
    bind_key_of(b, key_source, t);
    std::optional<T> out;
    if (st->step()) {
      positional_reader<T> read;
      out.emplace(current_row<decltype(read)>{read, *st});
    }
    return out;
  }

  [[nodiscard]] std::string identity() const override { return identity_of(object_); }

  static std::string identity_of(const T& obj) {
    std::string key;
    for (std::size_t f : table_of<T>().key_fields) {
      with_field(obj, f, [&](const auto& field) { append_identity(key, field); });
    }
    return key;
  }

  [[nodiscard]] bool is_dirty() const override {
    return flushed_ && !same_row(object_, *flushed_);
  }
  /// Whether every column field of `a` and `b` holds the same value.
  static bool same_row(const T& a, const T& b) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (same_value(reflect::get<I>(a), reflect::get<I>(b)) && ...);
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

  undo_action flush_inserts(connection& c, detail::list_view<tracked_base* const> batch,
                            detail::list_view<const std::size_t> deferred) override {
    std::vector<std::optional<T>> previous;
    previous.reserve(batch.size());
    // The server-default columns each object leaves to the database: emptied again on undo.
    std::vector<std::uint64_t> omitted;
    if (!table().server_default_fields.empty()) {
      omitted.reserve(batch.size());
      for (tracked_base* e : batch) {
        omitted.push_back(dml::omitted_defaults(static_cast<tracked<T>*>(e)->object_, table()));
      }
    }
    {
      const held_back held(batch, deferred);
      if constexpr (read_only_model<T>()) {
        throw_read_only_write(table(), "insert a new object");
      } else {
        // Straight into the library's INSERT paths, as insert() and insert_many() go.
        std::vector<void*> rows;
        rows.reserve(batch.size());
        for (tracked_base* e : batch) {
          T& obj = object_of(e);
          dml::apply_client_values(obj);
          rows.push_back(&obj);
        }
        const insert_ops& ops = bulk_insert::ops_for<T>();
        if (rows.size() == 1) {
          insert_one(c, table(), ops, rows.front(), true);
        } else {
          insert_rows(c, table(), ops, rows.data(), rows.size(), true, true);
        }
      }
      for (tracked_base* e : batch) {
        auto* t = static_cast<tracked<T>*>(e);
        t->set_state(object_state::persistent);
        previous.push_back(std::exchange(t->flushed_, t->object_));  // as inserted
        t->keep_committed(previous.back());
      }
    }
    return [batch = std::vector<tracked_base*>(batch.begin(), batch.end()),
            previous = TABULA_MOVE(previous), omitted = TABULA_MOVE(omitted)]() mutable {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        auto* t = static_cast<tracked<T>*>(batch[i]);
        t->flushed_ = TABULA_MOVE(previous[i]);
        t->set_state(object_state::pending);
        t->reset_generated_key();
        if (!omitted.empty()) t->reset_server_defaults(omitted[i]);
      }
    };
  }

  undo_action flush_update(connection& c, detail::list_view<const std::size_t> fields,
                           const compiled_sql& sql) override {
    if constexpr (read_only_model<T>()) {
      throw_read_only_write(table(), "update a changed object");
    } else if constexpr (has_on_update<T>) {
      // The on-update values: functions' into the object first, SQL's read back after.
      apply_on_update_values(object_);
      auto undo = write_fields(c, fields, sql, object_, true);
      for (const auto& column : table().on_update) {
        if (!column.sql) continue;
        reflect::visit_field_pair(object_, std::as_const(*flushed_), column.field,
                                  [](auto& to, const auto& from) { to = from; });
      }
      return undo;
    } else {
      return write_fields(c, fields, sql, object_);
    }
  }

  undo_action flush_unlink(connection& c, detail::list_view<const std::size_t> fields,
                           const compiled_sql& sql) override {
    if constexpr (read_only_model<T>()) throw_read_only_write(table(), "update a row");
    T row = *flushed_;
    clear_fields(row, fields);
    return write_fields(c, fields, sql, TABULA_MOVE(row));
  }

  [[nodiscard]] bool holds_values(detail::list_view<const std::size_t> fields) const override {
    bool holds = false;
    for (std::size_t f : fields) {
      reflect::visit_field(std::as_const(*flushed_), f, [&](const auto& field) {
        if constexpr (is_optional_v<std::remove_cvref_t<decltype(field)>>) {
          holds = holds || field.has_value();
        }
      });
    }
    return holds;
  }

  void flush_deletes(connection& c, detail::list_view<tracked_base* const> batch,
                     const compiled_sql* versioned) override {
    if constexpr (read_only_model<T>()) {
      throw_read_only_write(table(), "delete a row");
    } else if (versioned != nullptr) {
      for (tracked_base* e : batch) {
        auto* t = static_cast<tracked*>(e);
        auto st = c.prepare(*versioned);
        statement_binder b{*st};
        bind_key_of(b, *t->flushed_, table());
        with_field(*t->flushed_, *table().version_field, [&](const auto& v) { b(v); });
        if (step_to_end(*st) == 0) throw_stale(versioned->text, "DELETE", t->describe());
      }
    } else if (batch.size() == 1) {
      if (!by_key::remove(c, *flushed_) && !cascades_to_itself(table())) {
        throw_stale(std::string(), "DELETE", describe());
      }
    } else {
      // the rows as the database knows them
      std::vector<const T*> rows;
      rows.reserve(batch.size());
      for (tracked_base* e : batch) rows.push_back(&flushed_of(e));
      const auto removed = by_key::remove_many(c, rows);
      // A row of a table whose foreign key to itself cascades may have been deleted with its
      // parent, earlier in the same batch: a row missing is then no sign of another writer.
      if (removed != static_cast<std::int64_t>(batch.size()) && !cascades_to_itself(table())) {
        std::string which;
        for (std::size_t i = 0; i < batch.size() && i < 10; ++i) {
          which += (i == 0 ? "" : "; ") + batch[i]->describe();
        }
        throw_stale(std::string(), "DELETE",
                    std::to_string(static_cast<std::int64_t>(batch.size()) - removed) + " of " +
                        std::to_string(batch.size()) + " rows (" + which +
                        (batch.size() > 10 ? "; ..." : "") + ")");
      }
    }
  }

  [[nodiscard]] std::string describe() const override {
    std::string out = table().model_name + " with ";
    const T& row = flushed_ ? *flushed_ : object_;
    bool first = true;
    for (std::size_t f : table().key_fields) {
      out += (first ? "" : ", ") + table().def.columns[f].name + " = ";
      first = false;
      with_field(row, f, [&](const auto& v) { out += value_text(v); });
    }
    return out;
  }

  struct saved_state final : saved {
    saved_state(object_state st, const T& obj, const std::optional<T>& row)
        : state(st), object(obj), flushed(row) {}
    object_state state;
    T object;
    std::optional<T> flushed;
  };
  [[nodiscard]] detail::owned<saved> save() const override {
    return detail::owned<saved>(new saved_state(state(), object_, flushed_));
  }
  void restore(const saved& s) override {
    const auto& x = static_cast<const saved_state&>(s);
    set_state(x.state);
    if (!same_row(object_, x.object) || !same_links(object_, x.object)) object_ = x.object;
    // The committed state keeps its own copy when the savepoint's writes replaced it.
    if (x.flushed.has_value() != flushed_.has_value() ||
        (flushed_ && (!same_row(*flushed_, *x.flushed) || !same_links(*flushed_, *x.flushed)))) {
      flushed_ = x.flushed;
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
    flushed_ = TABULA_MOVE(committed_);
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

  /// The server-default fields of `omitted` (bit j: `server_default_fields[j]`) go back to
  /// their empty value: the database's values were not kept.
  void reset_server_defaults(std::uint64_t omitted) {
    const auto& fields = table().server_default_fields;
    for (std::size_t j = 0; j < fields.size(); ++j) {
      if (((omitted >> j) & 1U) == 0) continue;
      bulk_insert::ops_for<T>().clear(&object_, fields[j]);  // as a failed INSERT resets it
    }
  }

  /// A generated key goes back to the value it had when the object was added.
  void reset_generated_key() {
    if (table().generated_field) bulk_insert::set_generated_key(table(), object_, key_at_add_);
  }

  /// UPDATE of `fields` of the row (found by its key as the database knows it) to their
  /// values in `row`, which becomes the row as flushed. A versioned model's version goes one
  /// up, in the row and the object (`fields` holds it), and the row is found by its version
  /// too. `stale_data_error` when no row is found. With `read_back`, the columns the UPDATE's
  /// RETURNING gives (on-update SQL values) are read into `row`.
  undo_action write_fields(connection& c, detail::list_view<const std::size_t> fields,
                           const compiled_sql& sql, T row, bool read_back = false) {
    undo_action undo_version = [] {};
    if (table().version_field) {
      const std::int64_t old_version = version_of(object_);
      set_version(row, version_of(*flushed_) + 1);
      set_version(object_, version_of(*flushed_) + 1);
      undo_version = [this, old_version] { set_version(object_, old_version); };
    }
    try {
      std::array<std::uint8_t, reflect::field_count<T>> set{};
      for (std::size_t f : fields) set[f] = 1;
      const detail::list_view<const std::size_t> returned =
          read_back ? detail::list_view<const std::size_t>(table().on_update_sql_fields)
                    : detail::list_view<const std::size_t>();
      // The row is found by its key (and version) as the database knows it: `flushed_`.
      if (!update_by_key(c, table(), bulk_insert::update_ops_for<T>(), sql, &row, set, &*flushed_,
                         table().version_field.has_value(), returned, &row)) {
        throw_stale(sql.text, "UPDATE", describe());
      }
    } catch (...) {
      undo_version();
      throw;
    }
    auto previous = std::exchange(flushed_, TABULA_MOVE(row));
    keep_committed(previous);
    return [this, previous = TABULA_MOVE(previous),
            undo_version = TABULA_MOVE(undo_version)]() mutable {
      flushed_ = TABULA_MOVE(previous);
      undo_version();
    };
  }

  std::int64_t version_of(const T& row) const {
    std::int64_t v = 0;
    with_field(row, *table().version_field, [&](const auto& f) {
      if constexpr (std::is_integral_v<std::remove_cvref_t<decltype(f)>>) {
        v = static_cast<std::int64_t>(f);
      }
    });
    return v;
  }
  void set_version(T& row, std::int64_t v) const {
    with_field(row, *table().version_field, [&](auto& f) {
      using F = std::remove_cvref_t<decltype(f)>;
      if constexpr (std::is_integral_v<F>) f = static_cast<F>(v);
    });
  }

  /// Moves the `fields` of `from` into `to` (each once, in field order).
  static void move_fields(T& to, T& from, detail::list_view<const std::size_t> fields) {
    for (std::size_t f = 0; f < reflect::field_count<T>; ++f) {
      if (!detail::range_contains(fields, f)) continue;
      reflect::visit_field_pair(to, from, f, [](auto& a, auto& b) { a = TABULA_MOVE(b); });
    }
  }

  /// Sets the nullable `fields` of `row` to NULL.
  static void clear_fields(T& row, detail::list_view<const std::size_t> fields) {
    for (std::size_t f : fields) {
      with_field(row, f, [](auto& field) {
        if constexpr (is_optional_v<std::remove_cvref_t<decltype(field)>>) field.reset();
      });
    }
  }

  /// Holds back the values of `fields` of a batch's objects while it lives (they are NULL
  /// meanwhile), and gives them back however the scope ends: the objects keep what the
  /// program set, whether the INSERT succeeds or throws.
  class held_back {
   public:
    held_back(detail::list_view<tracked_base* const> batch,
              detail::list_view<const std::size_t> fields)
        : batch_(batch), fields_(fields) {
      if (fields.empty()) return;
      values_.reserve(batch.size());
      for (tracked_base* e : batch) values_.push_back(object_of(e));  // before any is cleared
      for (tracked_base* e : batch) clear_fields(object_of(e), fields);
    }
    ~held_back() {
      for (std::size_t k = 0; k < values_.size(); ++k) {
        move_fields(object_of(batch_[k]), values_[k], fields_);
      }
    }
    held_back(const held_back&) = delete;
    held_back& operator=(const held_back&) = delete;

   private:
    detail::list_view<tracked_base* const> batch_;
    detail::list_view<const std::size_t> fields_;
    std::vector<T> values_;
  };

  static T& object_of(tracked_base* e) { return static_cast<tracked*>(e)->object_; }
  static T& flushed_of(tracked_base* e) { return *static_cast<tracked*>(e)->flushed_; }


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
  detail::shared<T> adopted_;  ///< the object, when a relationship held it before
  T& object_;
  std::optional<T> flushed_;  ///< the row as last read or written
  /// The row as of the last commit, when it differs from `flushed_`; most objects are not
  /// written between commits, and share one copy.
  std::optional<T> committed_;
  bool committed_is_flushed_ = false;
  std::int64_t key_at_add_ = 0;
};

}  // namespace detail

/// Moments of a session's work a program can listen to (`session::on`).
enum class session_event : std::uint8_t {
  before_flush,    ///< a flush with work to do is about to plan it (objects may still be added)
  after_flush,     ///< a flush wrote everything, inside the transaction
  after_commit,    ///< COMMIT succeeded
  after_rollback,  ///< `rollback()` ended the transaction and restored the objects
};

/// The scope `session::begin()` and `session::begin_nested()` return: a transaction of the
/// session (or a savepoint inside it) that commits — or releases the savepoint — when the
/// scope ends normally, and rolls back when it ends by an exception or on `rollback()`.
///
///     {
///       auto tx = s.begin();                 // BEGIN
///       s.add(Model{.name = "BERT"});
///       {
///         auto sp = s.begin_nested();        // flush, SAVEPOINT
///         m.accuracy = 0.5;
///         throw_something();                 // ROLLBACK TO SAVEPOINT: m.accuracy as before
///       }
///     }                                      // flush, COMMIT
class session_transaction {
 public:
  session_transaction(session_transaction&& other) noexcept
      : s_(std::exchange(other.s_, nullptr)),
        id_(other.id_),
        nested_(other.nested_),
        exceptions_(other.exceptions_) {}
  session_transaction& operator=(session_transaction&&) = delete;
  session_transaction(const session_transaction&) = delete;
  session_transaction& operator=(const session_transaction&) = delete;
  /// Commits (flush, COMMIT or RELEASE SAVEPOINT) when no exception is leaving the scope —
  /// a failure then propagates from here — and rolls back otherwise.
  ~session_transaction() noexcept(false);

  /// Flush, then COMMIT (a savepoint: RELEASE SAVEPOINT). A failure rolls the scope back
  /// and propagates.
  void commit();
  /// ROLLBACK (a savepoint: ROLLBACK TO SAVEPOINT), returning the session's objects to their
  /// state when the scope began.
  void rollback();
  /// False once the scope was committed or rolled back — by itself, or by the session
  /// (`session::commit()` and `rollback()` end every scope open in the session).
  [[nodiscard]] bool active() const noexcept;
  /// True for a savepoint (`begin_nested()`).
  [[nodiscard]] bool nested() const noexcept { return nested_; }

 private:
  friend class session;
  session_transaction(session& s, std::uint64_t id, bool nested);
  session* s_;
  std::uint64_t id_;
  bool nested_;
  int exceptions_;  ///< std::uncaught_exceptions() when the scope began
};

/// A unit of work over an engine. Not thread-safe: one session per thread.
class session {
 public:
  explicit session(engine& db);
  session(session&&) noexcept;
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
    static_assert(detail::writable<M>);
    auto entry =
        detail::make_owned<detail::tracked<M>>(TABULA_MOVE(obj), detail::object_state::pending);
    M& ref = entry->object();
    track(TABULA_MOVE(entry));
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
      if (known->expired && !reload_expired(known)) return nullptr;
      return &static_cast<detail::tracked<T>*>(known)->object();
    }
    auto row = conn().get<T>(key...);
    if (!row) return nullptr;
    auto entry =
        detail::make_owned<detail::tracked<T>>(TABULA_MOVE(*row), detail::object_state::persistent);
    T& ref = entry->object();
    track_persistent(TABULA_MOVE(entry));
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
    return static_cast<F&&>(f)(conn());
  }

 private:
  friend struct source_hooks<session>;
  template <class T>
  friend void detail::adopt_links(session& s, T& obj);
  template <class T, class Plan>
  friend void detail::plan_links(session& s, T& obj, const T* flushed, Plan& plan);

  /// Takes a new object a relationship held into the session, as pending.
  template <class T>
  void adopt(detail::shared<T> obj) {
    T& ref = *obj;
    if (lookup(&ref) != nullptr) return;
    auto entry =
        detail::make_owned<detail::tracked<T>>(TABULA_MOVE(obj), detail::object_state::pending);
    entry->adopted = true;
    track(TABULA_MOVE(entry));
    inserts_pending_ = true;
    if constexpr (reflect::non_column_count < T >> 0) detail::adopt_links(*this, ref);
  }
  /// A pending association object made by a flush.
  template <class A>
  detail::tracked<A>* add_association(A obj) {
    auto entry =
        detail::make_owned<detail::tracked<A>>(TABULA_MOVE(obj), detail::object_state::pending);
    auto* raw = entry.get();
    track(TABULA_MOVE(entry));
    return raw;
  }
  /// The tracked entry of an object a relationship refers to: nullptr when the object was
  /// removed or expunged (the relationship does not keep it), and `programming_error` when
  /// the session never knew it.
  /// `relationship` names it for the message ("Experiment::metrics"), built only then.
  detail::tracked_base* linked_entry(const void* obj, std::string (*relationship)()) const;

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
      auto* typed = static_cast<detail::tracked<T>*>(known);
      if (known->expired) {
        typed->apply_row(TABULA_MOVE(row));
        if (!in_transaction()) known->mark_committed();
      }
      return &typed->object();
    }
    auto entry =
        detail::make_owned<detail::tracked<T>>(TABULA_MOVE(row), detail::object_state::persistent);
    T* ref = &entry->object();
    track_persistent(TABULA_MOVE(entry));
    return ref;
  }

  /// flush() when autoflush is on: queries see the session's pending changes.
  void autoflush();

 public:
  /// Marks a tracked object for deletion at the next flush (a pending one is simply dropped).
  template <class T>
  void remove(T& obj) {
    static_assert(detail::writable<T>);
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

  /// Reads the row of `obj` (persistent, or marked for deletion) now: its column fields take
  /// the database's values, changes not flushed are dropped; relationships stay loaded as
  /// they are. `stale_data_error` when the row is gone; `programming_error` for an object with
  /// no row (pending).
  template <class T>
  void refresh(T& obj) {
    refresh_tracked(require_tracked(&obj));
  }
  /// Marks `obj` to be read again from its row: the next `get` of its key or query returning
  /// its row sets its fields from the database (a plain struct cannot notice a field being
  /// read, so nothing happens before that). Meanwhile a flush writes none of its changes.
  template <class T>
  void expire(T& obj) {
    expire_tracked(require_tracked(&obj));
  }
  /// `expire` for every persistent object of the session.
  void expire_all();

  /// Copies the column fields of `obj` — an object this session does not track, e.g. one
  /// received from elsewhere — onto the session's object with its key, which is loaded first
  /// when the session does not hold it; returns that object (changed: the next flush writes
  /// the differences). When no row has the key, or the key is a generated key not yet set,
  /// a copy of `obj` is added as pending. Relationships of `obj` are not copied.
  /// `programming_error` when the session's object of that key is marked for deletion.
  template <class T>
  T& merge(const T& obj) {
    if (inserts_pending_) autoflush();
    auto* known = find(table_of<T>(), detail::tracked<T>::identity_of(obj));
    if (known == nullptr && has_key_value(obj)) {
      if (auto row = detail::tracked<T>::read_row(conn(), obj)) {
        auto entry =
            detail::make_owned<detail::tracked<T>>(TABULA_MOVE(*row),
                                                   detail::object_state::persistent);
        known = entry.get();
        track_persistent(TABULA_MOVE(entry));
      }
    }
    if (known == nullptr) {
      T copy = obj;
      return add(TABULA_MOVE(copy));
    }
    if (known->state() != detail::object_state::persistent) not_mergeable(*known);
    auto* typed = static_cast<detail::tracked<T>*>(known);
    if (known->expired && !reload_expired(known)) return merge(obj);  // its row went away
    detail::tracked<T>::copy_columns(typed->object(), obj);
    return typed->object();
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

  /// BEGIN now, as a scope that commits when it ends normally (see `session_transaction`);
  /// `programming_error` when the session's transaction is open already (use
  /// `begin_nested()`). Without it the session begins its transaction at its first flush.
  [[nodiscard]] session_transaction begin(const transaction_options& options = {});
  /// Flushes, then sets a SAVEPOINT (beginning the transaction first when none is open), as a
  /// scope that releases it when it ends normally. Rolled back, the savepoint undoes its
  /// statements and returns the objects added, changed or removed inside it — and only those —
  /// to their state at `begin_nested()`; objects added inside leave the session. The
  /// enclosing transaction goes on.
  [[nodiscard]] session_transaction begin_nested();

  /// True while the session holds an open transaction.
  [[nodiscard]] bool in_transaction() const noexcept;
  /// The connection the session works on (acquired from the pool on first use).
  [[nodiscard]] connection& conn();

  /// Calls `listener(session&)` at `event` from now on, after the listeners added before it.
  /// A listener that throws at `before_flush` or `after_flush` fails the flush, which is
  /// undone; at `after_commit` or `after_rollback` the transaction has ended already and the
  /// exception propagates from `commit()` / `rollback()`.
  void on(session_event event, callback<void(session&)> listener);

  /// Whether flush() runs before the session reads from the database (default true).
  void set_autoflush(bool on) noexcept { autoflush_ = on; }

 private:
  detail::tracked_base* find(const table_info& t, const std::string& id) const;
  /// The persistent object of the session whose key `Ref` (the whole key of `Target`) is
  /// `value`; nullptr when there is none, or the value is NULL.
  template <class Target, auto Ref, class V>
  Target* tracked_with_key(const V& value) const {
    if constexpr (is_optional_v<V>) {
      return value ? tracked_with_key<Target, Ref>(*value) : nullptr;
    } else {
      const table_info& t = table_of<Target>();
      if (t.key_fields.size() != 1 || t.key_fields[0] != reflect::field_index_of<Ref>) {
        return nullptr;
      }
      std::string id;
      detail::append_identity(id, value);
      detail::tracked_base* e = find(t, id);
      if (e == nullptr || e->state() != detail::object_state::persistent) return nullptr;
      return &static_cast<detail::tracked<Target>*>(e)->object();
    }
  }
  detail::tracked_base* lookup(const void* obj) const;
  detail::tracked_base* require_tracked(const void* obj) const;
  void track_persistent(detail::owned<detail::tracked_base> entry);
  void remove_tracked(detail::tracked_base* entry);
  void expunge_tracked(detail::tracked_base* entry);
  void end_transaction();
  void refresh_tracked(detail::tracked_base* entry);
  void expire_tracked(detail::tracked_base* entry);
  /// Reads an expired object again; false (and the object detached) when its row is gone.
  bool reload_expired(detail::tracked_base* entry);
  [[noreturn]] static void not_mergeable(const detail::tracked_base& entry);
  /// False when `obj`'s key is a generated key still unset (0): no row can have it.
  template <class T>
  static bool has_key_value(const T& obj) {
    const table_info& t = table_of<T>();
    bool set = true;
    if (t.generated_field) {
      detail::with_field(obj, *t.generated_field, [&](const auto& f) {
        if constexpr (std::is_integral_v<std::remove_cvref_t<decltype(f)>>) set = f != 0;
      });
    }
    return set;
  }
  /// Begins the session's transaction, on a fresh connection when the one it held broke.
  void begin_transaction(const transaction_options& options = {});
  /// The open transaction is lost (its COMMIT failed, or its connection broke): every object
  /// it wrote returns to the database's state (`tracked_base::undo_writes`), and the session
  /// gives its connection back.
  void abandon_transaction() noexcept;
  /// UPDATE by key of `fields` (by key and version, for a versioned model); with `on_update`,
  /// setting the on-update columns too.
  const compiled_sql& update_sql(const table_info& t, detail::list_view<const std::size_t> fields,
                                 bool on_update = false);
  /// DELETE by key and version; nullptr for a model without a version column.
  const compiled_sql* versioned_delete_sql(const table_info& t);
  /// `fields` with the version field (ordered), for a versioned model.
  static std::vector<std::size_t> with_version(const table_info& t,
                                               std::vector<std::size_t> fields);
  /// Pending objects a relationship brought in, and that no relationship holds any more (a
  /// collection restored by a rollback, a reference replaced), leave the session.
  void drop_unlinked_adopted();
  /// Follows the database's ON DELETE actions from the rows a flush deleted: tracked objects
  /// whose rows it deleted (CASCADE) are removed, foreign keys it set to NULL (SET NULL) are
  /// NULL in the objects too, so that the session holds no row the database no longer has.
  void follow_delete_actions(std::vector<detail::tracked_base*> deleted,
                             std::vector<detail::undo_action>& undo);
  /// The objects whose rows the flush deleted leave the loaded collections that held them.
  void release_deleted(std::vector<detail::undo_action>& undo);
  /// Plans what the flush does along relationships, taking new objects they hold into the
  /// session (see `link_plan`).
  void plan_links(detail::link_plan& plan);

  friend class session_transaction;
  /// Ends the scope `id` (nested: the savepoint of that id) if it is still open.
  void end_scope(std::uint64_t id, bool nested, bool commit);
  [[nodiscard]] bool scope_open(std::uint64_t id, bool nested) const noexcept;
  /// ROLLBACK TO the innermost savepoint, and its objects back to their state at it.
  void rollback_savepoint();
  /// Removes `e` from the identity map, when the map holds it.
  void unmap(detail::tracked_base* e);
  /// Keeps `e` (for the session's life) and finds it by its object's address from now on.
  void track(detail::owned<detail::tracked_base> e);

  /// Calls the listeners of `event`.
  void notify(session_event event);
  /// Whether a flush has anything to write (objects pending, deleted or changed).
  [[nodiscard]] bool has_changes() const;

  /// What no template of this header touches: the connection and the transaction, the
  /// objects, the identity map, the cache of UPDATE statements, the open savepoints, the
  /// listeners, the objects by address (src/orm/session.cpp).
  struct store;
  detail::owned<store> store_;
  engine* engine_;
  std::uint64_t scope_ids_ = 0;
  std::uint64_t tx_scope_ = 0;  ///< the id of the `begin()` scope of the open transaction
  bool autoflush_ = true;
  /// Objects whose rows the open transaction wrote: their committed state changes at commit.
  std::vector<detail::tracked_base*> written_;
  bool inserts_pending_ = false;  ///< objects may be pending: set by add() and rollback()
};

namespace detail {

/// Sets `dep.*Fk` to `parent.*Ref`; returns what undoes it.
template <auto Fk, auto Ref, class D, class P>
undo_action copy_key(D& dep, const P& parent) {
  auto old = dep.*Fk;
  using F = std::remove_cvref_t<decltype(dep.*Fk)>;
  using R = std::remove_cvref_t<decltype(parent.*Ref)>;
  if constexpr (is_optional_v<R> && !is_optional_v<F>) {
    dep.*Fk = static_cast<F>(*(parent.*Ref));
  } else {
    dep.*Fk = parent.*Ref;
  }
  return [&dep, old = TABULA_MOVE(old)]() mutable { dep.*Fk = TABULA_MOVE(old); };
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

/// Whether a foreign key value is NULL.
template <class V>
bool is_null_key(const V& v) {
  if constexpr (is_optional_v<V>) {
    return !v.has_value();
  } else {
    return false;
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
      if (auto staged = link_access::take_staged(link)) s.adopt(TABULA_MOVE(staged));
    } else {
      for (auto& staged : link_access::take_staged(link)) s.adopt(TABULA_MOVE(staged));
    }
  });
}

/// "Experiment::metrics", for messages.
template <class T, std::size_t J>
std::string link_name() {
  return std::string(reflect::type_name<T>()) +
         "::" + std::string(reflect::non_column_name<T, J>());
}

/// Whether `child`, held by a collection before the last flush and still, had its foreign key
/// `Fk` changed since: the key decides where it belongs, not the collection.
template <auto Fk, class C>
bool key_moved_away(tracked_base* entry, const C& child,
                    detail::list_view<C* const> held_before) {
  if (!detail::range_contains(held_before, &child)) return false;
  const C* was = static_cast<tracked<C>*>(entry)->flushed_object();
  return was != nullptr && !same_value(child.*Fk, (*was).*Fk);
}

/// Whether relationship `J` of `T` exists and deletes its orphans.
template <class T, std::size_t J>
constexpr bool orphans_deleted() {
  if constexpr (J < reflect::non_column_count<T>) {
    return link_traits<T, J>::delete_orphan;
  } else {
    return false;
  }
}

/// Points the reference `ref` at `target` in memory while a flush is planned; `undo` gets what
/// restores it, should the flush fail.
template <class X>
void repoint(one<X>& ref, X* target, std::vector<undo_action>& undo) {
  X* const old = link_access::target(ref);
  link_access::point(ref, target);
  undo.emplace_back([&ref, old] { link_access::point(ref, old); });
}

/// Adds `item` to a loaded collection that does not hold it, as `repoint` does.
template <class X>
void hold(std::vector<X*>& list, X* item, std::vector<undo_action>& undo) {
  if (detail::range_contains(list, item)) return;
  list.push_back(item);
  undo.emplace_back([&list, item] { std::erase(list, item); });
}

/// Removes `item` from a loaded collection, as `repoint` does; it comes back at its place.
template <class X>
void release(std::vector<X*>& list, X* item, std::vector<undo_action>& undo) {
  const auto it = detail::range_find(list, item);
  if (it == list.end()) return;
  const auto at = it - list.begin();
  list.erase(it);
  undo.emplace_back([&list, item, at] {
    list.insert(list.begin() + (at < std::ssize(list) ? at : std::ssize(list)), item);
  });
}

template <class T, class Plan>
void plan_links(session& s, T& obj, const T* flushed, Plan& plan) {
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
      // The key field changed since the last flush and the reference did not: the key
      // decides, and the reference follows it — to the object of the session with that key,
      // or, when the session has none, to "not loaded".
      const bool key_decides =
          before != nullptr && target == was && !same_value(obj.*LT::fk, (*flushed).*LT::fk);
      if (key_decides) {
        target = s.template tracked_with_key<Target, LT::referenced>(obj.*LT::fk);
        repoint(link, target, plan.undo);
        if (target == nullptr && !is_null_key(obj.*LT::fk)) {
          plan.undo.emplace_back(
              [&link, state = link_access::state(link)] { link_access::set_state(link, state); });
          link_access::set_state(link, link_state::unloaded);
        }
      } else if (target != nullptr) {
        if (before != nullptr && target != was &&
            !same_value(obj.*LT::fk, (*flushed).*LT::fk) &&
            !holds_key<LT::fk, LT::referenced>(obj, *target)) {
          throw_error<programming_error>(
              "tabula: " + link_name<T, J>() + " and its foreign key field were both changed, "
              "to different objects. Change one side only: assign the reference, or the key");
        }
        tracked_base* parent = s.linked_entry(target, &link_name<T, J>);
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
                                   return undo_action([&obj, old] { obj.*LT::fk = old; });
                                 }});
        } else {
          // The key cannot be NULL: as an object removed from its owner's collection, it is
          // deleted when that collection deletes orphans, and refused otherwise.
          constexpr std::size_t owner = back_reference<Target, link_kind::one_to_many, LT::fk>();
          if constexpr (orphans_deleted<Target, owner>()) {
            if (self->state() == object_state::persistent) {
              plan.orphans.push_back({self, true, {}, {}, {}});
            }
          } else {
            throw_error<programming_error>(
                "tabula: " + link_name<T, J>() + " was reset, and its foreign key cannot be "
                "NULL. Assign another object, remove the " + std::string(reflect::type_name<T>()) +
                " from the session, or declare delete_orphan() on the collection that holds it");
          }
        }
      }
      constexpr std::size_t back_one = back_reference<Target, link_kind::one_to_one, LT::fk>();
      if constexpr (back_one < reflect::non_column_count<Target>) {
        if (target != nullptr && target != was) {
          auto& other = reflect::get_non_column<back_one>(*target);
          if (link_access::state(other) != link_state::unloaded) repoint(other, &obj, plan.undo);
        }
        if (was != nullptr && was != target) {
          auto& other = reflect::get_non_column<back_one>(*was);
          if (link_access::target(other) == &obj) repoint(other, static_cast<T*>(nullptr), plan.undo);
        }
      }
      constexpr std::size_t back = back_reference<Target, link_kind::one_to_many, LT::fk>();
      if constexpr (back < reflect::non_column_count<Target>) {
        // The owners' collections follow, and hold it as written once the flush succeeds.
        const auto settle_owner = [&](Target* owner) {
          if (auto* e = s.lookup(owner); e != nullptr && e->state() == object_state::persistent) {
            plan.on_success.emplace_back([&s, t = static_cast<tracked<Target>*>(e)] {
              t->template flush_link<back>();
              s.written_.push_back(t);
            });
          }
        };
        if (target != nullptr && target != was) {
          auto& other = reflect::get_non_column<back>(*target);
          if (link_access::state(other) != link_state::unloaded) {
            auto& list = link_access::items(other);
            hold(list, &obj, plan.undo);
            settle_owner(target);
          }
        }
        if (was != nullptr && was != target) {
          auto& other = reflect::get_non_column<back>(*was);
          if (link_access::state(other) != link_state::unloaded) {
            release(link_access::items(other), &obj, plan.undo);
            settle_owner(was);
          }
        }
      }
      if (before != nullptr && target != was) settle(j);
    } else if constexpr (LT::kind == link_kind::one_to_many || LT::kind == link_kind::one_to_one) {
      // The objects whose foreign key refers to the owner: a collection's, or the one.
      const auto held = [](const auto& l) -> detail::list_view<Target* const> {
        if constexpr (is_one_v<std::remove_cvref_t<decltype(l)>>) {
          Target* const& slot = link_access::slot(l);
          return slot != nullptr ? detail::list_view<Target* const>(&slot, 1)
                                 : detail::list_view<Target* const>();
        } else {
          return link_access::items(l);
        }
      };
      detail::list_view<Target* const> items = held(link);
      constexpr std::size_t back = back_reference<Target, link_kind::many_to_one, LT::fk>();
      const detail::list_view<Target* const> held_before =
          before != nullptr ? held(*before) : detail::list_view<Target* const>();
      std::vector<Target*> reset_since;  // held still, but their reference was reset
      for (Target* child : items) {
        tracked_base* dependent = s.linked_entry(child, &link_name<T, J>);
        if (dependent == nullptr) continue;
        if constexpr (back < reflect::non_column_count<Target>) {
          auto& ref = reflect::get_non_column<back>(*child);
          T* const points = link_access::target(ref);
          if (link_access::state(ref) == link_state::unloaded || points == &obj) {
          } else if (points == nullptr) {
            const Target* child_was = static_cast<tracked<Target>*>(dependent)->flushed_object();
            if (child_was != nullptr &&
                link_access::target(reflect::get_non_column<back>(*child_was)) == &obj &&
                detail::range_contains(held_before, child)) {
              // Reset since the last flush, while the collection did not change: the
              // reference decides, and the object leaves the collection.
              reset_since.push_back(child);
              continue;
            }
            repoint(ref, &obj, plan.undo);
          } else if (!detail::range_contains(held_before, child)) {
            // Added to this collection while its reference names another owner: the side
            // changed since the last flush decides; both changed is a contradiction.
            const Target* child_was = static_cast<tracked<Target>*>(dependent)->flushed_object();
            if (child_was == nullptr ||
                link_access::target(reflect::get_non_column<back>(*child_was)) != points) {
              throw_error<programming_error>(
                  "tabula: a " + std::string(reflect::type_name<Target>()) + " was added to " +
                  link_name<T, J>() + " while its " + link_name<Target, back>() +
                  " was set to another object. Change one side only: assign the reference, or "
                  "move the object between the collections");
            }
            repoint(ref, &obj, plan.undo);
            auto& left = reflect::get_non_column<J>(*points);
            if constexpr (is_one_v<std::remove_cvref_t<decltype(left)>>) {
              if (link_access::target(left) == child) {
                repoint(left, static_cast<Target*>(nullptr), plan.undo);
              }
            } else if (link_access::state(left) != link_state::unloaded) {
              release(link_access::items(left), child, plan.undo);
            }
            plan.on_success.emplace_back([&s, dep = static_cast<tracked<Target>*>(dependent)] {
              dep->template flush_link<back>();
              s.written_.push_back(dep);
            });
          }
        }
        if (self->state() == object_state::pending ||
            (!holds_key<LT::fk, LT::referenced>(*child, obj) &&
             !key_moved_away<LT::fk>(dependent, *child, held_before))) {
          plan.copies.push_back({dependent, self, [&obj, child] {
                                   return copy_key<LT::fk, LT::referenced>(*child, obj);
                                 }});
        }
      }
      for (Target* child : reset_since) {
        if constexpr (is_one_v<std::remove_cvref_t<decltype(link)>>) {
          repoint(link, static_cast<Target*>(nullptr), plan.undo);
        } else {
          release(link_access::items(link), child, plan.undo);
        }
      }
      if (!reset_since.empty()) items = held(link);
      if (before == nullptr) return;
      const detail::list_view<Target* const> was = held(*before);
      if (detail::range_equal(was, items)) return;
      for (Target* child : was) {
        if (detail::range_contains(items, child)) continue;
        tracked_base* orphan = s.lookup(child);
        if (orphan == nullptr || orphan->state() != object_state::persistent) continue;
        // Its key refers elsewhere: it was moved to another owner by its key.
        if (!holds_key<LT::fk, LT::referenced>(*child, obj)) continue;
        action<undo_action> unlink_back;
        if constexpr (back < reflect::non_column_count<Target>) {
          unlink_back = [child, &obj]() -> undo_action {
            auto& ref = reflect::get_non_column<back>(*child);
            if (link_access::target(ref) != &obj) return [] {};
            link_access::point(ref, static_cast<T*>(nullptr));
            return [&ref, &obj] { link_access::point(ref, &obj); };
          };
        }
        if constexpr (LT::delete_orphan) {
          plan.orphans.push_back({orphan, true, {}, {}, TABULA_MOVE(unlink_back)});
        } else if constexpr (is_optional_v<std::remove_cvref_t<decltype(child->*LT::fk)>>) {
          plan.orphans.push_back({orphan,
                                  false,
                                  [child] {
                                    auto old = child->*LT::fk;
                                    (child->*LT::fk).reset();
                                    return undo_action(
                                        [child, old] { child->*LT::fk = old; });
                                  },
                                  {},
                                  TABULA_MOVE(unlink_back)});
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
        if (detail::range_contains(was, target)) continue;
        tracked_base* target_entry = s.linked_entry(target, &link_name<T, J>);
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
        if (detail::range_contains(items, target)) continue;
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
        if constexpr (sizeof...(Path) > 0) load_path(TABULA_MOVE(next), rest...);
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
  const auto key_text = [](const auto& k) { return detail::key_of(k); };

  if constexpr (LT::kind == detail::link_kind::many_to_one) {
    using K = unwrap_optional_t<std::remove_cvref_t<decltype(std::declval<T&>().*LT::fk)>>;
    detail::key_numbers numbers;
    const std::vector<K> keys = detail::distinct_keys<LT::fk>(to_load, numbers, key_text);
    std::vector<Target*> found(keys.size(), nullptr);
    detail::for_each_chunk(keys, limit, [&](std::vector<K> chunk) {
      for (Target* t : query<Target>().where(in(col(LT::referenced), TABULA_MOVE(chunk))).all()) {
        if (const auto* k = detail::key_value(t->*LT::referenced)) {
          const std::size_t n = numbers.find(detail::key_of(*k));
          if (n != detail::key_numbers::npos) found[n] = t;
        }
      }
    });
    for (T* owner : to_load) {
      Target* t = nullptr;
      if (const K* k = detail::key_value(owner->*LT::fk)) {
        t = found[numbers.find(detail::key_of(*k))];
      }
      link_access::load(reflect::get_non_column<J>(*owner), t);
      settle(owner);
      if (t != nullptr) reached.push_back(t);
    }
  } else {
    using K = unwrap_optional_t<std::remove_cvref_t<decltype(std::declval<T&>().*LT::referenced)>>;
    detail::key_numbers numbers;
    const std::vector<K> keys = detail::distinct_keys<LT::referenced>(to_load, numbers, key_text);
    std::vector<std::vector<Target*>> groups(keys.size());
    const auto group_of = [&](const std::string& key) -> std::vector<Target*>* {
      const std::size_t n = numbers.find(key);
      return n == detail::key_numbers::npos ? nullptr : &groups[n];
    };
    detail::for_each_chunk(keys, limit, [&](std::vector<K> chunk) {
      if constexpr (LT::kind != detail::link_kind::many_to_many) {
        for (Target* t : query<Target>().where(in(col(LT::fk), chunk)).all()) {
          if (const auto* fk = detail::key_value(t->*LT::fk)) {
            if (auto* group = group_of(detail::key_of(*fk))) group->push_back(t);
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
          const auto* owner_key = detail::key_value(association.*LT::fk);
          auto* group = owner_key != nullptr ? group_of(detail::key_of(*owner_key)) : nullptr;
          if (Target* t = merge_loaded(TABULA_MOVE(target)); t != nullptr && group != nullptr) {
            group->push_back(t);
          }
        }
      }
    });
    for (T* owner : to_load) {
      std::vector<Target*> items;
      if (const K* k = detail::key_value(owner->*LT::referenced)) {
        items = groups[numbers.find(detail::key_of(*k))];
      }
      reached.insert(reached.end(), items.begin(), items.end());
      if constexpr (LT::kind != detail::link_kind::many_to_many) {
        set_back_references<T, J>(*owner, items);
      }
      link_access::load(reflect::get_non_column<J>(*owner), TABULA_MOVE(items));
      settle(owner);
    }
  }
  // An object reached along several owners leads to the next level once.
  std::vector<Target*> unique;
  unique.reserve(reached.size());
  detail::address_set seen;
  for (Target* t : reached) {
    if (seen.insert(t)) unique.push_back(t);
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
      Target* t = target ? merge_loaded(TABULA_MOVE(*target)) : nullptr;
      keep(merge_loaded(TABULA_MOVE(owner)), [&](auto& link) { link_access::load(link, t); });
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
        if (Target* obj = merge_loaded(TABULA_MOVE(t))) items.push_back(obj);
      }
      T* o = merge_loaded(TABULA_MOVE(owner));
      if constexpr (LT::kind != detail::link_kind::many_to_many) {
        if (o != nullptr) set_back_references<T, J>(*o, items);
      }
      keep(o, [&](auto& link) { link_access::load(link, TABULA_MOVE(items)); });
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
        if (auto* obj = s.merge_loaded(TABULA_MOVE(row))) out.push_back(obj);
      }
      return out;
    } else {
      return TABULA_MOVE(rows);
    }
  }
  template <class S, class Row>
  static auto row(session& s, std::optional<Row>&& row) {
    if constexpr (tracked_rows<S>) {
      return row ? s.merge_loaded(TABULA_MOVE(*row)) : nullptr;
    } else {
      return TABULA_MOVE(row);
    }
  }
  template <class S, class Row>
  static decltype(auto) one(session& s, Row&& row) {
    if constexpr (tracked_rows<S>) {
      auto* obj = s.merge_loaded(TABULA_MOVE(row));
      if (obj == nullptr) detail::throw_no_row("one()");
      return *obj;
    } else {
      return Row(TABULA_MOVE(row));
    }
  }
  template <class S>
  static constexpr bool can_stream = !tracked_rows<S>;
};

}  // namespace tabula
