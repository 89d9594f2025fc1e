#include "tabula/orm/session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace tabula {

namespace detail {
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
  std::vector<const table_info*> tables;
  std::unordered_set<const table_info*> seen;
  for (const auto* e : entries) {
    if (seen.insert(&e->table()).second) tables.push_back(&e->table());
  }
  auto order = detail::order_by_dependencies(std::move(tables), detail::on_cycle::defer_nullable);
  if (referencing_first) std::reverse(order.tables.begin(), order.tables.end());
  std::unordered_map<const table_info*, std::size_t> position;
  for (const auto* t : order.tables) position.emplace(t, position.size());
  std::stable_sort(entries.begin(), entries.end(), [&](const auto* a, const auto* b) {
    return position.at(&a->table()) < position.at(&b->table());
  });
  return order;
}

/// Calls `f` with each run of consecutive entries of one table.
template <class F>
void for_each_batch(const std::vector<detail::tracked_base*>& entries, F&& f) {
  for (std::size_t first = 0; first < entries.size();) {
    std::size_t end = first + 1;
    while (end < entries.size() && &entries[end]->table() == &entries[first]->table()) ++end;
    f(std::span<detail::tracked_base* const>(entries.data() + first, end - first));
    first = end;
  }
}

}  // namespace

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
  if (!conn_) conn_.emplace(engine_->connect());
  return *conn_;
}

detail::tracked_base* session::find(const table_info& t, const std::string& id) const {
  auto it = identity_map_.find(identity_key{&t, id});
  return it == identity_map_.end() ? nullptr : it->second;
}

detail::tracked_base* session::lookup(const void* obj) const {
  auto it = by_address_.find(obj);
  if (it == by_address_.end() || it->second->state() == detail::object_state::detached) {
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

void session::track_persistent(std::unique_ptr<detail::tracked_base> entry) {
  identity_map_[identity_key{&entry->table(), entry->identity()}] = entry.get();
  by_address_.emplace(entry->address(), entry.get());
  objects_.push_back(std::move(entry));
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
    identity_map_.erase(identity_key{&entry->table(), entry->identity()});
  }
  entry->set_state(detail::object_state::detached);
}

detail::tracked_base* session::linked_entry(const void* obj, std::string_view relationship) const {
  auto it = by_address_.find(obj);
  if (it != by_address_.end()) {
    const auto state = it->second->state();
    const bool live =
        state == detail::object_state::pending || state == detail::object_state::persistent;
    return live ? it->second : nullptr;
  }
  detail::throw_error<programming_error>(
      "tabula: " + std::string(relationship) +
      " holds an object the session does not track. Link objects of the session (from "
      "add, get or a query), or give the relationship a new object with add(T{...})");
}

std::size_t session::in_list_limit() { return detail::in_list_limit(conn()); }

void session::follow_delete_actions(std::vector<detail::tracked_base*> deleted,
                                    std::vector<std::function<void()>>& undo) {
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
    for (const auto& entry : objects_) {
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
        identity_map_.erase(identity_key{&x->table(), id});
        x->set_state(object_state::removed);
        written_.push_back(x);
        undo.emplace_back([this, x, id, before] {
          x->set_state(before);
          identity_map_[identity_key{&x->table(), id}] = x;
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
  for (std::size_t i = 0; i < objects_.size(); ++i) {
    detail::tracked_base* e = objects_[i].get();
    if (!e->has_links()) continue;
    if (e->state() != object_state::pending && e->state() != object_state::persistent) continue;
    e->adopt_links(*this);
    e->plan_links(*this, plan);
  }
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

void session::release_deleted(std::vector<std::function<void()>>& undo) {
  std::unordered_set<const void*> gone;
  for (const auto& entry : objects_) {
    if (entry->state() == detail::object_state::removed) gone.insert(entry->address());
  }
  for (const auto& entry : objects_) {
    if (entry->has_links()) entry->release_deleted(gone, undo);
  }
}

void session::autoflush() {
  if (autoflush_) flush();
}

const compiled_sql& session::update_sql(const table_info& t, std::span<const std::size_t> fields) {
  std::string key = table_key(t.def.schema, t.def.name);
  for (std::size_t f : fields) key += "," + std::to_string(f);
  auto it = update_cache_.find(key);
  if (it == update_cache_.end()) {
    it = update_cache_
             .emplace(std::move(key),
                      conn().sql_dialect().compile(detail::update_by_key_statement(t, fields)))
             .first;
  }
  return it->second;
}

void session::flush() {
  using detail::object_state;
  detail::link_plan plan;
  std::vector<detail::tracked_base*> inserts;
  std::vector<detail::tracked_base*> deletes;
  std::vector<detail::tracked_base*> updates;  // persistent objects changed before the flush
  std::optional<detail::table_order> insert_order;
  std::optional<detail::table_order> delete_order;
  // Objects taken in along a relationship that no relationship holds any more (replaced, or
  // removed from a collection before their first flush) leave the session unwritten.
  drop_unlinked_adopted();
  try {
    plan_links(plan);
    for (const auto& entry : objects_) {
      switch (entry->state()) {
        case object_state::pending:
          inserts.push_back(entry.get());
          break;
        case object_state::persistent:
          if (entry->is_dirty()) updates.push_back(entry.get());
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
  std::unordered_multimap<const detail::tracked_base*, const detail::link_plan::key_copy*>
      copies_of;
  for (const auto& copy : plan.copies) copies_of.emplace(copy.dependent, &copy);

  // A failed flush leaves the database as it was before the flush: a flush that begins the
  // session's transaction rolls it back; a later one runs inside a savepoint.
  std::optional<transaction> step;
  std::vector<std::function<void()>> undo = std::move(plan.undo);
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
    const auto write_update = [&](detail::tracked_base* e, std::span<const std::size_t> fields) {
      undo.push_back(e->flush_update(c, fields, update_sql(e->table(), fields)));
      written_.push_back(e);
    };
    const auto apply_copies = [&](const detail::tracked_base* e, bool clearing) {
      auto [first, last] = copies_of.equal_range(e);
      for (auto it = first; it != last; ++it) {
        if ((it->second->parent == nullptr) == clearing) undo.push_back(it->second->apply());
      }
    };
    // Keys set to NULL (objects unlinked) first: a new link of the same object wins.
    for (const auto& copy : plan.copies) {
      if (copy.parent == nullptr) undo.push_back(copy.apply());
    }
    const auto insert_batch = [&](std::span<detail::tracked_base* const> batch) {
      const auto& t = batch.front()->table();
      for (auto* e : batch) apply_copies(e, false);
      undo.push_back(batch.front()->flush_inserts(c, batch, insert_order->deferred_fields(t)));
      for (auto* e : batch) {
        written_.push_back(e);
        const std::string id = e->identity();
        identity_map_[identity_key{&e->table(), id}] = e;
        undo.emplace_back([this, e, id] { identity_map_.erase(identity_key{&e->table(), id}); });
      }
    };
    for_each_batch(inserts, [&](std::span<detail::tracked_base* const> batch) {
      if (copies_of.empty()) {
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
          auto [first, last] = copies_of.equal_range(e);
          for (auto it = first; it != last; ++it) {
            auto p = wave.find(it->second->parent);
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
        insert_batch(std::span<detail::tracked_base* const>(ordered.data() + first, end - first));
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
      auto changed = e->changed_fields();
      for (std::size_t f : e->table().key_fields) {
        if (std::find(changed.begin(), changed.end(), f) != changed.end()) {
          detail::throw_error<programming_error>(
              "tabula: the primary key of a persistent " + e->table().model_name +
              " was changed. Remove the object and add a new one instead");
        }
      }
      write_update(e, changed);
    }
    for (const auto& remove_row : plan.association_deletes) remove_row(c);
    for (auto* e : deletes) {
      const auto fields = delete_order->deferred_fields(e->table());
      if (fields.empty() || !e->holds_values(fields)) continue;
      undo.push_back(e->flush_unlink(c, fields, update_sql(e->table(), fields)));
      written_.push_back(e);
    }
    for_each_batch(deletes, [&](std::span<detail::tracked_base* const> batch) {
      batch.front()->flush_deletes(c, batch);
      for (auto* e : batch) {
        written_.push_back(e);
        const std::string id = e->identity();
        identity_map_.erase(identity_key{&e->table(), id});
        e->set_state(object_state::removed);
        undo.emplace_back([this, e, id] {
          e->set_state(object_state::deleted);
          identity_map_[identity_key{&e->table(), id}] = e;
        });
      }
    });
    follow_delete_actions(deletes, undo);
    if (!deletes.empty()) release_deleted(undo);
    if (step) step->commit();
    inserts_pending_ = false;
  } catch (...) {
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
    if (!lost) lost = !conn_ || !conn_->raw().is_alive() || !conn_->in_transaction();
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

void session::begin_transaction() {
  try {
    tx_.emplace(conn().begin());
  } catch (const connection_lost&) {
    // The connection broke while the session held it between transactions. Nothing of the
    // session's was running on it: a fresh connection takes its place.
    conn_.reset();
    tx_.emplace(conn().begin());
  }
}

void session::commit() {
  flush();
  if (in_transaction()) {
    try {
      tx_->commit();
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
}

void session::abandon_transaction() noexcept {
  using detail::object_state;
  std::sort(written_.begin(), written_.end());
  written_.erase(std::unique(written_.begin(), written_.end()), written_.end());
  for (auto* e : written_) {
    if (e->state() == object_state::persistent || e->state() == object_state::deleted) {
      identity_map_.erase(identity_key{&e->table(), e->identity()});
    }
    e->undo_writes();
    if (e->state() == object_state::persistent || e->state() == object_state::deleted) {
      identity_map_[identity_key{&e->table(), e->identity()}] = e;
    }
  }
  inserts_pending_ = true;
  if (tx_ && tx_->active()) {
    try {
      tx_->rollback();
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
      tx_->rollback();  // on a broken connection there is nothing to roll back: no error
    } catch (const error&) {
      failure = std::current_exception();  // memory is restored all the same
    }
  }
  for (const auto& entry : objects_) {
    const auto state = entry->state();
    if (state == object_state::pending || state == object_state::detached) continue;
    if (state != object_state::removed) {
      identity_map_.erase(identity_key{&entry->table(), entry->identity()});
    }
    entry->restore_committed();
    if (entry->state() == object_state::persistent) {
      identity_map_[identity_key{&entry->table(), entry->identity()}] = entry.get();
    }
  }
  drop_unlinked_adopted();
  end_transaction();
  if (failure) std::rethrow_exception(failure);
}

void session::drop_unlinked_adopted() {
  using detail::object_state;
  const auto adopted_pending = [](const auto& entry) {
    return entry->adopted && entry->state() == object_state::pending;
  };
  if (std::none_of(objects_.begin(), objects_.end(), adopted_pending)) return;
  for (bool dropped = true; dropped;) {
    dropped = false;
    std::vector<const void*> linked;
    for (const auto& entry : objects_) {
      const auto state = entry->state();
      if (state != object_state::pending && state != object_state::persistent) continue;
      if (entry->has_links()) entry->linked_objects(linked);
    }
    const std::unordered_set<const void*> held(linked.begin(), linked.end());
    for (const auto& entry : objects_) {
      if (adopted_pending(entry) && !held.contains(entry->address())) {
        entry->set_state(object_state::detached);
        dropped = true;
      }
    }
  }
}

void session::end_transaction() {
  written_.clear();
  tx_.reset();
  conn_.reset();  // back to the pool
}

}  // namespace tabula
