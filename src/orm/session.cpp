#include "tabula/orm/session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace tabula {

namespace detail {
void append_address(std::vector<const void*>& out, const void* p) { out.push_back(p); }

bool cascades_to_itself(const table_info& t) noexcept {
  return std::any_of(t.def.foreign_keys.begin(), t.def.foreign_keys.end(), [&](const auto& fk) {
    return fk.ref_table == t.def.name && fk.on_delete == ast::fk_action::cascade;
  });
}

void throw_stale(std::string sql, std::string_view verb, const std::string& object) {
  throw_error<stale_data_error>(
      "tabula: the " + std::string(verb) + " of " + object +
          " found no row: another transaction changed its version or deleted it since this "
          "session read it. The flush was undone; reload the object (session::refresh) and "
          "apply the change again",
      std::move(sql));
}

void throw_read_only_write(const table_info& t, std::string_view what) {
  throw_error<programming_error>(fmt::format(
      "tabula: the session would {} of `{}`, which is declared read-only "
      "(tabula::schema<{}>::read_only), so it writes nothing. Undo the change, or expunge() "
      "the object before the flush.",
      what, t.model_name, t.model_name));
}
}  // namespace detail

namespace {

/// Tells apart tables of one name in two schemas.
std::string table_key(std::string_view schema, std::string_view name) {
  std::string key(schema);
  key.push_back('\0');
  key.append(name);
  return key;
}

/// Orders `entries` table by table in foreign-key order — referenced tables first, or
/// referencing tables first for deletes — each table's entries in the order given, and
/// returns that order. The order is computed over the distinct tables, not the entries.
detail::table_order order_batches(std::vector<detail::tracked_base*>& entries,
                                  bool referencing_first) {
  // A flush touches few tables, and runs of one table's objects are common: the position of
  // a table is found by a scan from the last one found, and entries are placed by a stable
  // bucket pass (one per table) rather than a sort.
  std::vector<const table_info*> tables;
  auto index_of = [&tables, last = std::size_t{0}](const table_info* t) mutable {
    if (last < tables.size() && tables[last] == t) return last;
    const auto it = std::find(tables.begin(), tables.end(), t);
    last = static_cast<std::size_t>(it - tables.begin());
    return last;
  };
  for (const auto* e : entries) {
    if (index_of(&e->table()) == tables.size()) tables.push_back(&e->table());
  }
  auto order = detail::order_by_dependencies(tables, detail::on_cycle::defer_nullable);
  if (referencing_first) std::reverse(order.tables.begin(), order.tables.end());
  tables = order.tables;
  std::vector<std::vector<detail::tracked_base*>> buckets(tables.size());
  for (auto* e : entries) buckets[index_of(&e->table())].push_back(e);
  entries.clear();
  for (const auto& bucket : buckets) entries.insert(entries.end(), bucket.begin(), bucket.end());
  return order;
}

/// Calls `f` with each run of consecutive entries of one table.
template <class F>
void for_each_batch(const std::vector<detail::tracked_base*>& entries, F&& f) {
  for (std::size_t first = 0; first < entries.size();) {
    std::size_t end = first + 1;
    while (end < entries.size() && &entries[end]->table() == &entries[first]->table()) ++end;
    f(detail::list_view<detail::tracked_base* const>(entries.data() + first, end - first));
    first = end;
  }
}

}  // namespace

struct session::store {
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
  /// A savepoint of `begin_nested()`, with what its rollback returns the objects to.
  struct savepoint_frame {
    std::uint64_t id;
    transaction sp;
    std::size_t first_new;  ///< `objects` from here were added inside the savepoint
    std::vector<detail::owned<detail::tracked_base::saved>> saved;  ///< of objects[i]
  };
  struct listener_entry {
    session_event event;
    callback<void(session&)> call;
  };

  std::vector<listener_entry> listeners;
  std::vector<savepoint_frame> frames;  ///< open savepoints, innermost last
  std::unordered_map<identity_key, detail::tracked_base*, identity_hash> identity_map;
  std::unordered_map<std::string, compiled_sql> update_cache;
  /// Every tracked object by its address (objects live as long as the session).
  std::unordered_map<const void*, detail::tracked_base*> by_address;
  std::optional<connection> conn;
  std::optional<transaction> tx;
  /// The objects the session tracks, in the order they came in (they live as long as it).
  std::vector<detail::owned<detail::tracked_base>> objects;

  /// Maps `e` under its key: its identity now, or `id`, the identity it was mapped under.
  void map(detail::tracked_base* e) { map(e, e->identity()); }
  void map(detail::tracked_base* e, std::string id) {
    identity_map[identity_key{&e->table(), std::move(id)}] = e;
  }
  /// Removes the key of `e` (its identity now, or `id`) from the identity map.
  void unmap_key(const detail::tracked_base* e) { unmap_key(e, e->identity()); }
  void unmap_key(const detail::tracked_base* e, std::string id) {
    identity_map.erase(identity_key{&e->table(), std::move(id)});
  }
};

session::session(engine& db) : store_(detail::make_owned<store>()), engine_(&db) {}
session::session(session&&) noexcept = default;

void session::on(session_event event, callback<void(session&)> listener) {
  store_->listeners.push_back({event, std::move(listener)});
}

bool session::in_transaction() const noexcept {
  return store_ && store_->tx.has_value() && store_->tx->active();
}

session::~session() {
  if (in_transaction()) {
    try {
      rollback();
    } catch (const error&) {
      // Destructors must not throw; the pool drops a connection that failed to roll back.
    }
  }
}

connection& session::conn() {
  if (!store_->conn) store_->conn.emplace(engine_->connect());
  return *store_->conn;
}

detail::tracked_base* session::find(const table_info& t, const std::string& id) const {
  auto it = store_->identity_map.find(store::identity_key{&t, id});
  return it == store_->identity_map.end() ? nullptr : it->second;
}

detail::tracked_base* session::lookup(const void* obj) const {
  auto it = store_->by_address.find(obj);
  if (it == store_->by_address.end() || it->second->state() == detail::object_state::detached) {
    return nullptr;
  }
  return it->second;
}

detail::tracked_base* session::require_tracked(const void* obj) const {
  auto* entry = lookup(obj);
  if (entry == nullptr) {
    detail::throw_error<programming_error>(
        "tabula: the object is not tracked by this session. Pass the reference that "
        "session::add or session::get returned");
  }
  return entry;
}

void session::track_persistent(detail::owned<detail::tracked_base> entry) {
  detail::tracked_base* e = entry.get();
  store_->map(e);
  track(std::move(entry));
  if (e->has_hooks()) e->run_hook(detail::model_hook::after_load);
}

void session::track(detail::owned<detail::tracked_base> e) {
  store_->by_address.emplace(e->address(), e.get());
  store_->objects.push_back(std::move(e));
}

void session::notify(session_event event) {
  for (std::size_t i = 0; i < store_->listeners.size(); ++i) {  // a listener may add listeners
    if (store_->listeners[i].event == event) store_->listeners[i].call(*this);
  }
}

bool session::has_changes() const {
  using detail::object_state;
  return std::any_of(store_->objects.begin(), store_->objects.end(), [](const auto& e) {
    return e->state() == object_state::pending || e->state() == object_state::deleted ||
           (e->state() == object_state::persistent && !e->expired && e->is_dirty());
  });
}

void session::remove_tracked(detail::tracked_base* entry) {
  if (entry->state() == detail::object_state::pending) {
    entry->set_state(detail::object_state::detached);
  } else if (entry->state() == detail::object_state::persistent) {
    entry->set_state(detail::object_state::deleted);
  }
}

void session::expunge_tracked(detail::tracked_base* entry) {
  if (entry->state() == detail::object_state::persistent ||
      entry->state() == detail::object_state::deleted) {
    store_->unmap_key(entry);
  }
  entry->set_state(detail::object_state::detached);
}

detail::tracked_base* session::linked_entry(const void* obj,
                                            std::string (*relationship)()) const {
  auto it = store_->by_address.find(obj);
  if (it != store_->by_address.end()) {
    const auto state = it->second->state();
    const bool live =
        state == detail::object_state::pending || state == detail::object_state::persistent;
    return live ? it->second : nullptr;
  }
  detail::throw_error<programming_error>(
      "tabula: " + relationship() +
      " holds an object the session does not track. Link objects of the session (from "
      "add, get or a query), or give the relationship a new object with add(T{...})");
}

std::size_t session::in_list_limit() { return detail::in_list_limit(conn()); }

void session::follow_delete_actions(std::vector<detail::tracked_base*> deleted,
                                    std::vector<detail::undo_action>& undo) {
  using detail::object_state;
  // The field indexes of the named columns of `t`.
  const auto fields_of = [](const table_info& t, const std::vector<std::string>& names) {
    std::vector<std::size_t> out;
    for (const auto& name : names) {
      for (std::size_t i = 0; i < t.def.columns.size(); ++i) {
        if (t.def.columns[i].name == name) out.push_back(i);
      }
    }
    return out;
  };
  const auto key_of = [](const detail::tracked_base& e, const std::vector<std::size_t>& fields) {
    std::optional<std::string> key(std::in_place);
    for (std::size_t f : fields) {
      auto part = e.value_key(f);
      if (!part) return std::optional<std::string>();
      *key += *part;
    }
    return key;
  };
  while (!deleted.empty()) {
    // The deleted rows by table.
    std::unordered_map<std::string, std::vector<detail::tracked_base*>> by_table;
    for (auto* e : deleted) {
      by_table[table_key(e->table().def.schema, e->table().def.name)].push_back(e);
    }
    deleted.clear();
    for (const auto& entry : store_->objects) {
      detail::tracked_base* x = entry.get();
      if (x->state() != object_state::persistent && x->state() != object_state::deleted) continue;
      for (const auto& fk : x->table().def.foreign_keys) {
        if (fk.on_delete != ast::fk_action::cascade && fk.on_delete != ast::fk_action::set_null) {
          continue;
        }
        auto parents = by_table.find(table_key(fk.ref_schema, fk.ref_table));
        if (parents == by_table.end()) continue;
        const auto local = fields_of(x->table(), fk.columns);
        const auto key = key_of(*x, local);
        if (!key) continue;
        const auto& parent_table = parents->second.front()->table();
        const auto referenced = fields_of(parent_table, fk.ref_columns);
        const bool hit = std::any_of(parents->second.begin(), parents->second.end(),
                                     [&](const auto* p) { return key_of(*p, referenced) == key; });
        if (!hit) continue;
        if (fk.on_delete == ast::fk_action::set_null) {
          undo.push_back(x->cleared_by_database(local));
          written_.push_back(x);
          continue;
        }
        const std::string id = x->identity();
        const auto before = x->state();
        store_->unmap_key(x, id);
        x->set_state(object_state::removed);
        written_.push_back(x);
        undo.emplace_back([this, x, id, before] {
          x->set_state(before);
          store_->map(x, id);
        });
        deleted.push_back(x);
        break;
      }
    }
  }
}

void session::plan_links(detail::link_plan& plan) {
  using detail::object_state;
  // Objects taken in along the way are appended, and planned in turn.
  for (std::size_t i = 0; i < store_->objects.size(); ++i) {
    detail::tracked_base* e = store_->objects[i].get();
    if (!e->has_links()) continue;
    if (e->state() != object_state::pending && e->state() != object_state::persistent) continue;
    e->adopt_links(*this);
    e->plan_links(*this, plan);
  }
  if (plan.orphans.empty()) return;
  // An object unlinked from one owner and linked to another in the same flush moves.
  std::unordered_set<const detail::tracked_base*> relinked;
  for (const auto& copy : plan.copies) {
    if (copy.parent != nullptr) relinked.insert(copy.dependent);
  }
  for (auto& orphan : plan.orphans) {
    if (relinked.contains(orphan.entry)) continue;
    if (orphan.unlink_back) plan.undo.push_back(orphan.unlink_back());
    if (orphan.delete_it) {
      remove_tracked(orphan.entry);
      plan.undo.emplace_back([e = orphan.entry] { e->set_state(object_state::persistent); });
    } else if (orphan.clear) {
      plan.copies.push_back({orphan.entry, nullptr, std::move(orphan.clear)});
    } else {
      detail::throw_error<programming_error>(orphan.message);
    }
  }
}

void session::release_deleted(std::vector<detail::undo_action>& undo) {
  detail::address_set gone;
  for (const auto& entry : store_->objects) {
    if (entry->state() == detail::object_state::removed) gone.insert(entry->address());
  }
  for (const auto& entry : store_->objects) {
    if (entry->has_links()) entry->release_deleted(gone, undo);
  }
}

void session::autoflush() {
  if (autoflush_) flush();
}

namespace {
/// `cond AND "table"."column" = $param`.
void and_equals(std::optional<ast::expr>& cond, const table_info& t, std::size_t field,
                std::uint32_t param) {
  ast::expr eq = ast::binary{ast::binary_op::eq,
                             ast::expr{ast::column_ref{t.def.name, t.def.columns[field].name}},
                             ast::expr{ast::param{param}}};
  cond = ast::expr(ast::binary{ast::binary_op::and_, std::move(*cond), std::move(eq)});
}
}  // namespace

const compiled_sql& session::update_sql(const table_info& t,
                                        detail::list_view<const std::size_t> fields,
                                        bool on_update) {
  std::string key = table_key(t.def.schema, t.def.name);
  for (std::size_t f : fields) key += "," + std::to_string(f);
  if (on_update) key += ",u";
  auto it = store_->update_cache.find(key);
  if (it == store_->update_cache.end()) {
    ast::statement st = detail::update_by_key_statement(
        t, fields, on_update, on_update && detail::reads_back_by_returning(conn().sql_dialect()));
    if (t.version_field) {  // ... AND "version" = the version read
      and_equals(std::get<ast::update>(st.variant()).where, t, *t.version_field,
                 static_cast<std::uint32_t>(fields.size() + t.key_fields.size()));
    }
    it = store_->update_cache.emplace(std::move(key), conn().sql_dialect().compile(st)).first;
  }
  return it->second;
}

const compiled_sql* session::versioned_delete_sql(const table_info& t) {
  if (!t.version_field) return nullptr;
  const std::string key = "DELETE " + table_key(t.def.schema, t.def.name);
  auto it = store_->update_cache.find(key);
  if (it == store_->update_cache.end()) {
    ast::statement st = detail::delete_by_key_statement(t);
    and_equals(std::get<ast::delete_>(st.variant()).where, t, *t.version_field,
               static_cast<std::uint32_t>(t.key_fields.size()));
    it = store_->update_cache.emplace(key, conn().sql_dialect().compile(st)).first;
  }
  return &it->second;
}

std::vector<std::size_t> session::with_version(const table_info& t,
                                               std::vector<std::size_t> fields) {
  if (t.version_field && std::find(fields.begin(), fields.end(), *t.version_field) == fields.end()) {
    fields.insert(std::upper_bound(fields.begin(), fields.end(), *t.version_field),
                  *t.version_field);
  }
  return fields;
}

void session::flush() {
  using detail::object_state;
  detail::link_plan plan;
  std::vector<detail::tracked_base*> inserts;
  std::vector<detail::tracked_base*> deletes;
  std::vector<detail::tracked_base*> updates;  // persistent objects changed before the flush
  std::optional<detail::table_order> insert_order;
  std::optional<detail::table_order> delete_order;
  if (!store_->listeners.empty() && has_changes()) notify(session_event::before_flush);
  // Objects taken in along a relationship that no relationship holds any more (replaced, or
  // removed from a collection before their first flush) leave the session unwritten.
  drop_unlinked_adopted();
  try {
    plan_links(plan);
    for (const auto& entry : store_->objects) {
      switch (entry->state()) {
        case object_state::pending:
          inserts.push_back(entry.get());
          break;
        case object_state::persistent:
          if (!entry->expired && entry->is_dirty()) updates.push_back(entry.get());
          break;
        case object_state::deleted:
          deletes.push_back(entry.get());
          break;
        case object_state::removed:
        case object_state::detached:
          break;
      }
    }
    // Each table's objects form one batch, in the order they were added or removed. A
    // foreign-key cycle is broken at a nullable foreign key, whose columns are inserted as
    // NULL and set by an UPDATE after the inserts, and cleared by an UPDATE before the
    // deletes; a cycle that none breaks is refused here, before anything is written.
    insert_order = order_batches(inserts, false);
    delete_order = order_batches(deletes, true);
  } catch (...) {
    for (auto it = plan.undo.rbegin(); it != plan.undo.rend(); ++it) (*it)();
    for (auto* a : plan.associations) a->set_state(object_state::detached);
    throw;
  }
  const bool links_changed = !plan.copies.empty() || !plan.association_deletes.empty() ||
                             !plan.on_success.empty() || !plan.undo.empty();
  if (inserts.empty() && updates.empty() && deletes.empty() && !links_changed) {
    inserts_pending_ = false;
    return;
  }

  // Foreign keys copied along relationships: a pending object's just before its batch is
  // inserted (the objects it refers to are inserted before it), the others' after the inserts.
  // Each object's copies, in plan order, chained through the entries: `first_copy` on the
  // dependent, `next` on each copy (no lookup structure to build); unchained after the flush.
  constexpr std::size_t none = detail::no_key_copy;
  for (std::size_t i = plan.copies.size(); i-- > 0;) {
    auto& copy = plan.copies[i];
    copy.next = copy.dependent->first_copy;
    copy.dependent->first_copy = i;
  }
  const auto unchain = [&plan] {
    for (auto& copy : plan.copies) copy.dependent->first_copy = none;
  };
  const auto any_copy = [&](const detail::tracked_base* e, auto&& pred) {
    for (std::size_t i = e->first_copy; i != none; i = plan.copies[i].next) {
      if (pred(plan.copies[i])) return true;
    }
    return false;
  };

  // A failed flush leaves the database as it was before the flush: a flush that begins the
  // session's transaction rolls it back; a later one runs inside a savepoint.
  std::optional<transaction> step;
  std::vector<detail::undo_action> undo = std::move(plan.undo);
  for (auto* a : plan.associations) {
    undo.emplace_back([a] { a->set_state(object_state::detached); });
  }
  try {
    if (in_transaction()) {
      step.emplace(conn().begin());
    } else {
      begin_transaction();
    }
    connection& c = conn();
    const auto write_update = [&](detail::tracked_base* e, std::vector<std::size_t> changed) {
      // Columns with an on-update value are set at every UPDATE of a changed object; a
      // versioned model's version goes up with it.
      const table_info& t = e->table();
      if (t.on_update.empty()) {
        const auto fields = with_version(t, std::move(changed));
        undo.push_back(e->flush_update(c, fields, update_sql(t, fields, false)));
      } else {
        const auto set = with_version(t, detail::update_fields(t, changed));
        undo.push_back(e->flush_update(c, set, update_sql(t, set, true)));
      }
      written_.push_back(e);
    };
    const auto apply_copies = [&](const detail::tracked_base* e, bool clearing) {
      for (std::size_t i = e->first_copy; i != none; i = plan.copies[i].next) {
        const auto& copy = plan.copies[i];
        if ((copy.parent == nullptr) == clearing) undo.push_back(copy.apply());
      }
    };
    // Keys set to NULL (objects unlinked) first: a new link of the same object wins.
    for (const auto& copy : plan.copies) {
      if (copy.parent == nullptr) undo.push_back(copy.apply());
    }
    const auto insert_batch = [&](detail::list_view<detail::tracked_base* const> batch) {
      const auto& t = batch.front()->table();
      for (auto* e : batch) apply_copies(e, false);
      const bool hooks = batch.front()->has_hooks();
      if (hooks) {
        for (auto* e : batch) e->run_hook(detail::model_hook::before_insert);
      }
      undo.push_back(batch.front()->flush_inserts(c, batch, insert_order->deferred_fields(t)));
      if (hooks) {
        for (auto* e : batch) e->run_hook(detail::model_hook::after_insert);
      }
      for (auto* e : batch) {
        written_.push_back(e);
        store_->map(e);
      }
      // Run before the keys are reset (undo runs backwards): the identities are the same.
      undo.emplace_back([this, inserted = std::vector(batch.begin(), batch.end())] {
        for (auto* e : inserted) store_->unmap_key(e);
      });
    };
    for_each_batch(inserts, [&](detail::list_view<detail::tracked_base* const> batch) {
      // Only objects that refer to objects of their own table need waves.
      const table_info* table = &batch.front()->table();
      const bool refers_to_own_table = std::any_of(batch.begin(), batch.end(), [&](auto* e) {
        return any_copy(e, [&](const detail::link_plan::key_copy& k) {
          return k.parent != nullptr && &k.parent->table() == table;
        });
      });
      if (!refers_to_own_table) {
        insert_batch(batch);
        return;
      }
      // Objects of one table that refer to each other along a relationship (a parent and
      // its children in one table) go in waves: each after the objects it refers to.
      std::unordered_map<const detail::tracked_base*, std::size_t> wave;
      for (auto* e : batch) wave.emplace(e, 0);
      for (bool changed = true, guard = false; changed && !guard;) {
        changed = false;
        for (auto* e : batch) {
          for (std::size_t i = e->first_copy; i != none; i = plan.copies[i].next) {
            auto p = wave.find(plan.copies[i].parent);
            if (p != wave.end() && wave[e] <= p->second) {
              wave[e] = p->second + 1;
              changed = true;
              guard = wave[e] > batch.size();  // a cycle: the database refuses it
            }
          }
        }
      }
      std::vector<detail::tracked_base*> ordered(batch.begin(), batch.end());
      std::stable_sort(ordered.begin(), ordered.end(),
                       [&](const auto* a, const auto* b) { return wave.at(a) < wave.at(b); });
      for (std::size_t first = 0; first < ordered.size();) {
        std::size_t end = first + 1;
        while (end < ordered.size() && wave.at(ordered[end]) == wave.at(ordered[first])) ++end;
        insert_batch(
            detail::list_view<detail::tracked_base* const>(ordered.data() + first, end - first));
        first = end;
      }
    });
    for (auto* e : inserts) {
      if (insert_order->deferred_fields(e->table()).empty()) continue;
      // Only the deferred fields differ from the row as inserted, and only those holding a value.
      const auto fields = e->changed_fields();
      if (!fields.empty()) write_update(e, fields);
    }
    const std::unordered_set<const detail::tracked_base*> inserted(inserts.begin(), inserts.end());
    for (const auto& copy : plan.copies) {
      if (copy.parent != nullptr && !inserted.contains(copy.dependent)) {
        undo.push_back(copy.apply());
      }
    }
    // The objects changed before the flush, then those whose foreign keys it set (in the
    // order planned), each once.
    std::unordered_set<const detail::tracked_base*> listed(updates.begin(), updates.end());
    for (const auto& copy : plan.copies) {
      if (!inserted.contains(copy.dependent) && listed.insert(copy.dependent).second) {
        updates.push_back(copy.dependent);
      }
    }
    for (detail::tracked_base* e : updates) {
      if (e->state() != object_state::persistent || !e->is_dirty()) continue;
      if (e->has_hooks()) e->run_hook(detail::model_hook::before_update);
      auto changed = e->changed_fields();
      for (std::size_t f : e->table().key_fields) {
        if (std::find(changed.begin(), changed.end(), f) != changed.end()) {
          detail::throw_error<programming_error>(
              "tabula: the primary key of a persistent " + e->table().model_name +
              " was changed. Remove the object and add a new one instead");
        }
      }
      write_update(e, changed);
      if (e->has_hooks()) e->run_hook(detail::model_hook::after_update);
    }
    for (const auto& remove_row : plan.association_deletes) remove_row(c);
    for (auto* e : deletes) {
      const auto fields = delete_order->deferred_fields(e->table());
      if (fields.empty() || !e->holds_values(fields)) continue;
      const auto written = with_version(e->table(), {fields.begin(), fields.end()});
      undo.push_back(e->flush_unlink(c, written, update_sql(e->table(), written)));
      written_.push_back(e);
    }
    for_each_batch(deletes, [&](detail::list_view<detail::tracked_base* const> batch) {
      const bool hooks = batch.front()->has_hooks();
      if (hooks) {
        for (auto* e : batch) e->run_hook(detail::model_hook::before_delete);
      }
      batch.front()->flush_deletes(c, batch, versioned_delete_sql(batch.front()->table()));
      if (hooks) {
        for (auto* e : batch) e->run_hook(detail::model_hook::after_delete);
      }
      for (auto* e : batch) {
        written_.push_back(e);
        const std::string id = e->identity();
        store_->unmap_key(e, id);
        e->set_state(object_state::removed);
        undo.emplace_back([this, e, id] {
          e->set_state(object_state::deleted);
          store_->map(e, id);
        });
      }
    });
    follow_delete_actions(deletes, undo);
    if (!deletes.empty()) release_deleted(undo);
    notify(session_event::after_flush);
    if (step) step->commit();
    inserts_pending_ = false;
    unchain();
  } catch (...) {
    unchain();
    // Undo the flush in memory and in the database, then let the error propagate unchanged.
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) (*it)();
    bool lost = !step;  // a flush that began the transaction ends it
    if (step && step->active()) {
      try {
        step->rollback();
      } catch (const error&) {
        lost = true;
      }
    }
    // The savepoint is undone, but the transaction around it may be gone too: the connection
    // broke, or the database ended the transaction itself (SQLite does on some errors).
    if (!lost) {
      std::optional<connection>& held = store_->conn;
      lost = !held || !held->raw().is_alive() || !held->in_transaction();
    }
    if (lost) abandon_transaction();
    throw;
  }
  for (const auto& done : plan.on_success) done();
  // Association rows are written from the collections' changes; their objects are not kept.
  if (!plan.associations.empty()) {
    const std::unordered_set<const detail::tracked_base*> rows(plan.associations.begin(),
                                                               plan.associations.end());
    for (auto* a : plan.associations) expunge_tracked(a);
    std::erase_if(written_, [&](const auto* e) { return rows.contains(e); });
  }
}

void session::begin_transaction(const transaction_options& options) {
  try {
    store_->tx.emplace(conn().begin(options));
  } catch (const connection_lost&) {
    // The connection broke while the session held it between transactions. Nothing of the
    // session's was running on it: a fresh connection takes its place.
    store_->conn.reset();
    store_->tx.emplace(conn().begin(options));
  }
}

void session::commit() {
  flush();
  if (in_transaction()) {
    try {
      store_->tx->commit();
    } catch (...) {
      // Nothing of the transaction was written (or, for commit_outcome_unknown, nothing can
      // be known): every object returns to what the database held, keeping its fields.
      abandon_transaction();
      throw;
    }
  }
  // Only objects whose rows this transaction wrote have a new committed state (an entry
  // may appear twice, or with its write undone by a failed flush: the state decides).
  for (auto* entry : written_) {
    if (entry->state() == detail::object_state::persistent) entry->mark_committed();
    if (entry->state() == detail::object_state::removed) {
      entry->set_state(detail::object_state::detached);
    }
  }
  end_transaction();
  notify(session_event::after_commit);
}

void session::abandon_transaction() noexcept {
  using detail::object_state;
  std::sort(written_.begin(), written_.end());
  written_.erase(std::unique(written_.begin(), written_.end()), written_.end());
  for (auto* e : written_) {
    if (e->state() == object_state::persistent || e->state() == object_state::deleted) {
      store_->unmap_key(e);
    }
    e->undo_writes();
    if (e->state() == object_state::persistent || e->state() == object_state::deleted) {
      store_->map(e);
    }
  }
  inserts_pending_ = true;
  if (in_transaction()) {
    try {
      store_->tx->rollback();
    } catch (const error&) {
      // The connection is given back below; the pool closes one that cannot roll back.
    }
  }
  end_transaction();
}

void session::rollback() {
  using detail::object_state;
  inserts_pending_ = true;  // objects inserted since the last commit are pending again
  std::exception_ptr failure;
  if (in_transaction()) {
    try {
      store_->tx->rollback();  // on a broken connection there is nothing to roll back: no error
    } catch (const error&) {
      failure = std::current_exception();  // memory is restored all the same
    }
  }
  for (const auto& entry : store_->objects) {
    const auto state = entry->state();
    if (state == object_state::pending || state == object_state::detached) continue;
    if (state != object_state::removed) {
      store_->unmap_key(entry.get());
    }
    entry->restore_committed();
    if (entry->state() == object_state::persistent) {
      store_->map(entry.get());
    }
  }
  drop_unlinked_adopted();
  end_transaction();
  if (failure) std::rethrow_exception(failure);
  notify(session_event::after_rollback);
}

void session::drop_unlinked_adopted() {
  using detail::object_state;
  const auto adopted_pending = [](const auto& entry) {
    return entry->adopted && entry->state() == object_state::pending;
  };
  if (std::none_of(store_->objects.begin(), store_->objects.end(), adopted_pending)) return;
  for (bool dropped = true; dropped;) {
    dropped = false;
    std::vector<const void*> held;
    for (const auto& entry : store_->objects) {
      const auto state = entry->state();
      if (state != object_state::pending && state != object_state::persistent) continue;
      if (entry->has_links()) entry->linked_objects(held);
    }
    std::sort(held.begin(), held.end(), std::less<const void*>());
    for (const auto& entry : store_->objects) {
      if (adopted_pending(entry) &&
          !std::binary_search(held.begin(), held.end(), entry->address(),
                              std::less<const void*>())) {
        entry->set_state(object_state::detached);
        dropped = true;
      }
    }
  }
}

// ----- transaction scopes

session_transaction::session_transaction(session& s, std::uint64_t id, bool nested)
    : s_(&s), id_(id), nested_(nested), exceptions_(std::uncaught_exceptions()) {}

session_transaction::~session_transaction() noexcept(false) {
  if (s_ == nullptr) return;
  session* s = std::exchange(s_, nullptr);
  if (std::uncaught_exceptions() > exceptions_) {
    try {
      s->end_scope(id_, nested_, false);
    } catch (const error&) {
      // The exception leaving the scope is the one to report; a transaction that cannot
      // roll back has been given up by the session (its connection goes back to the pool).
    }
    return;
  }
  s->end_scope(id_, nested_, true);
}

void session_transaction::commit() {
  if (s_ == nullptr) detail::throw_error<programming_error>("tabula: the scope has ended already");
  std::exchange(s_, nullptr)->end_scope(id_, nested_, true);
}

void session_transaction::rollback() {
  if (s_ == nullptr) detail::throw_error<programming_error>("tabula: the scope has ended already");
  std::exchange(s_, nullptr)->end_scope(id_, nested_, false);
}

bool session_transaction::active() const noexcept {
  return s_ != nullptr && s_->scope_open(id_, nested_);
}

session_transaction session::begin(const transaction_options& options) {
  if (in_transaction()) {
    detail::throw_error<programming_error>(
        "tabula: session::begin() while the session's transaction is open. Use begin_nested() "
        "for a savepoint inside it, or end it with commit() or rollback() first");
  }
  begin_transaction(options);
  tx_scope_ = ++scope_ids_;
  return {*this, tx_scope_, false};
}

session_transaction session::begin_nested() {
  flush();  // what came before belongs to the enclosing transaction
  if (!in_transaction()) begin_transaction();
  store::savepoint_frame frame{++scope_ids_, conn().begin_nested(), store_->objects.size(), {}};
  frame.saved.reserve(store_->objects.size());
  for (const auto& entry : store_->objects) {
    frame.saved.push_back(entry->state() == detail::object_state::detached
                              ? detail::owned<detail::tracked_base::saved>()
                              : entry->save());
  }
  store_->frames.push_back(std::move(frame));
  return {*this, store_->frames.back().id, true};
}

bool session::scope_open(std::uint64_t id, bool nested) const noexcept {
  if (!nested) return in_transaction() && tx_scope_ == id;
  const auto& frames = store_->frames;
  return std::any_of(frames.begin(), frames.end(), [&](const auto& f) { return f.id == id; });
}

void session::end_scope(std::uint64_t id, bool nested, bool commit) {
  if (!scope_open(id, nested)) return;  // ended by the session, or by an enclosing scope
  if (!nested) {
    if (commit) {
      this->commit();
    } else {
      rollback();
    }
    return;
  }
  if (!commit) {
    const auto& frames = store_->frames;
    while (!frames.empty() && frames.back().id != id) rollback_savepoint();  // inner ones
    if (!frames.empty()) rollback_savepoint();
    return;
  }
  if (store_->frames.back().id != id) {
    detail::throw_error<programming_error>(
        "tabula: a savepoint scope was committed while a scope begun inside it is still open. "
        "End the inner scope first");
  }
  try {
    flush();  // what the scope changed is written inside its savepoint
    store_->frames.back().sp.commit();  // RELEASE SAVEPOINT
  } catch (...) {
    // A failed flush has undone itself; the rest of the scope's work is undone here (unless
    // the transaction was lost with it, and the session has given it up already).
    if (scope_open(id, true)) rollback_savepoint();
    throw;
  }
  store_->frames.pop_back();
}

void session::unmap(detail::tracked_base* e) {
  auto it = store_->identity_map.find(store::identity_key{&e->table(), e->identity()});
  if (it != store_->identity_map.end() && it->second == e) store_->identity_map.erase(it);
}

void session::rollback_savepoint() {
  using detail::object_state;
  store::savepoint_frame& f = store_->frames.back();
  if (f.sp.active()) {
    try {
      f.sp.rollback();  // ROLLBACK TO SAVEPOINT, RELEASE SAVEPOINT
    } catch (const error&) {
      // The transaction around the savepoint is lost with it (the connection broke):
      // every object returns to what the database holds.
      abandon_transaction();
      throw;
    }
  }
  const auto mapped = [](const detail::tracked_base* e) {
    return e->state() == object_state::persistent || e->state() == object_state::deleted;
  };
  // Objects added inside the savepoint leave the session; first, so that an object of the
  // same key from before gets its place in the identity map back. Objects loaded inside it
  // stay, with their values as loaded.
  std::unordered_set<const detail::tracked_base*> added;
  for (std::size_t i = f.first_new; i < store_->objects.size(); ++i) {
    detail::tracked_base* e = store_->objects[i].get();
    if (e->state() == object_state::detached) continue;
    if (mapped(e)) unmap(e);
    if (e->was_committed()) {  // loaded: its row as read is what the database holds again
      e->restore_committed();
      continue;
    }
    e->set_state(object_state::detached);
    added.insert(e);
  }
  for (std::size_t i = f.first_new; i < store_->objects.size(); ++i) {
    detail::tracked_base* e = store_->objects[i].get();
    if (mapped(e)) store_->map(e);
  }
  for (std::size_t i = 0; i < f.first_new; ++i) {
    if (!f.saved[i]) continue;
    detail::tracked_base* e = store_->objects[i].get();
    if (mapped(e)) unmap(e);
    e->restore(*f.saved[i]);
    if (mapped(e)) store_->map(e);
  }
  std::erase_if(written_, [&](const auto* e) { return added.contains(e); });
  inserts_pending_ = true;
  store_->frames.pop_back();
}

// ----- refresh, expire, merge

void session::refresh_tracked(detail::tracked_base* entry) {
  using detail::object_state;
  if (entry->state() != object_state::persistent && entry->state() != object_state::deleted) {
    detail::throw_error<programming_error>(
        "tabula: refresh() reads an object's row, and this " + entry->table().model_name +
        " has none (it is pending, or its row was deleted by this session). Flush it first");
  }
  if (!entry->reload(conn())) {
    detail::throw_error<stale_data_error>("tabula: refresh() of " + entry->describe() +
                                          " found no row: it was deleted since it was read");
  }
  if (!in_transaction()) entry->mark_committed();
}

void session::expire_tracked(detail::tracked_base* entry) {
  using detail::object_state;
  if (entry->state() != object_state::persistent && entry->state() != object_state::deleted) {
    detail::throw_error<programming_error>(
        "tabula: expire() marks an object to be read again from its row, and this " +
        entry->table().model_name + " has none (it is pending, or its row was deleted)");
  }
  entry->expired = true;
}

void session::expire_all() {
  using detail::object_state;
  for (const auto& entry : store_->objects) {
    if (entry->state() == object_state::persistent || entry->state() == object_state::deleted) {
      entry->expired = true;
    }
  }
}

bool session::reload_expired(detail::tracked_base* entry) {
  if (entry->reload(conn())) {
    if (!in_transaction()) entry->mark_committed();
    return true;
  }
  unmap(entry);  // the row is gone: so is the object, from the session
  entry->set_state(detail::object_state::detached);
  return false;
}

void session::not_mergeable(const detail::tracked_base& entry) {
  detail::throw_error<programming_error>(
      "tabula: merge() of " + entry.describe() +
      ", which this session has marked for deletion. Flush or roll back the deletion first");
}

void session::end_transaction() {
  store_->frames.clear();  // while the connection is held: no savepoint is left in the database
  tx_scope_ = 0;
  written_.clear();
  store_->tx.reset();
  store_->conn.reset();  // back to the pool
}

}  // namespace tabula
