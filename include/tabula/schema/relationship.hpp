#pragma once
/// \file relationship.hpp
/// Relationship members: fields of a model that are not columns but links to other models'
/// objects, found through the foreign keys declared in `tabula::schema<T>`.
///
/// ```cpp
/// struct Experiment {
///   std::int64_t id = 0;
///   std::int64_t model_id = 0;                      // the foreign key stays a plain field
///   tabula::one<Model> model{};                     // many-to-one, through model_id
///   tabula::many<Metric> metrics{};                 // one-to-many, through Metric's key to it
///   tabula::many<Tag, tabula::via<ExperimentTag>> tags{};   // many-to-many
/// };
/// ```
///
/// A relationship holds pointers to objects of a session (or, before they are added to one,
/// objects it owns). The target may be an incomplete type where the member is declared. A
/// relationship of an object read from the database is *unloaded* until the session loads it;
/// reading an unloaded relationship throws `programming_error` (see docs/relationships.md).

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tabula/detail/move.hpp"
#include "tabula/detail/shared.hpp"
#include "tabula/schema/options.hpp"

namespace tabula {

/// Names the association model of a many-to-many relationship: `many<Tag, via<ExperimentTag>>`.
template <class Association>
struct via {
  using model_type = Association;
};

namespace detail {

/// Where the contents of a relationship come from.
enum class link_state : std::uint8_t {
  fresh,     ///< built by the program: holds exactly what the program put in
  unloaded,  ///< of an object read from the database, not loaded yet
  loaded,    ///< loaded from the database (and maybe changed since)
};

/// Throws `programming_error`: a relationship was read before it was loaded.
[[noreturn]] void throw_not_loaded(std::string_view kind);
/// Throws `programming_error`: `*` or `->` on a `one<T>` that refers to nothing.
[[noreturn]] void throw_empty_one();

/// The session's access to a relationship's insides.
struct link_access;

}  // namespace detail

/// A many-to-one (or one-to-one) relationship: the object the owner's foreign key refers to.
/// Assign a session's object (`exp.model = bert;`) or a new one (`exp.model = Model{...};`,
/// added with the owner); at flush the foreign key field is set from the target's key.
template <class T>
class one {
 public:
  using tabula_not_a_column = void;
  using target_type = T;

  one() noexcept {}  // NOLINT: user-provided, so that `one` is no aggregate for reflection
  /// Refers to `target`, an object of the session.
  one(T& target) noexcept : ptr_(&target) {}  // NOLINT: implicit, for designated initializers
  /// Owns `obj`, a new object, until the owner is added to a session (which adds it too).
  one(T&& obj)  // NOLINT: implicit, as above
      : staged_(detail::make_shared<T>(TABULA_MOVE(obj))), ptr_(staged_.get()) {}

  one& operator=(T& target) noexcept {
    staged_.reset();
    ptr_ = &target;
    state_ = settled();
    return *this;
  }
  one& operator=(T&& obj) {
    staged_ = detail::make_shared<T>(TABULA_MOVE(obj));
    ptr_ = staged_.get();
    state_ = settled();
    return *this;
  }
  /// Refers to nothing; when it referred to an object, a nullable foreign key becomes NULL.
  void reset() noexcept {
    staged_.reset();
    ptr_ = nullptr;
    state_ = settled();
  }

  /// The target, or nullptr. Throws `programming_error` when not loaded.
  [[nodiscard]] T* get() const {
    if (state_ == detail::link_state::unloaded) detail::throw_not_loaded("one");
    return ptr_;
  }
  T& operator*() const {
    T* p = get();
    if (p == nullptr) detail::throw_empty_one();
    return *p;
  }
  T* operator->() const { return &**this; }
  explicit operator bool() const { return get() != nullptr; }
  /// Whether the relationship can be read (built by the program, or loaded).
  [[nodiscard]] bool loaded() const noexcept { return state_ != detail::link_state::unloaded; }

 private:
  friend struct detail::link_access;
  [[nodiscard]] detail::link_state settled() const noexcept {
    return state_ == detail::link_state::fresh ? state_ : detail::link_state::loaded;
  }

  detail::shared<T> staged_;
  T* ptr_ = nullptr;
  detail::link_state state_ = detail::link_state::fresh;
};

/// A one-to-many relationship (`many<Metric>`: the metrics whose foreign key refers to the
/// owner) or, with `via<Association>`, a many-to-many one through rows of an association
/// model. Iterating yields `T&`. `add(T{...})` takes a new object (added to the session with
/// the owner), `add(obj)` links an object of the session, `remove(obj)` unlinks one.
template <class T, class Via = void>
class many {
 public:
  using tabula_not_a_column = void;
  using target_type = T;
  using via_type = Via;

  class iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using reference = T&;
    using pointer = T*;
    iterator() = default;
    explicit iterator(T* const* at) : at_(at) {}
    T& operator*() const { return **at_; }
    T* operator->() const { return *at_; }
    T& operator[](difference_type n) const { return *at_[n]; }
    iterator& operator++() {
      ++at_;
      return *this;
    }
    iterator operator++(int) { return iterator(at_++); }
    iterator& operator--() {
      --at_;
      return *this;
    }
    iterator operator--(int) { return iterator(at_--); }
    iterator& operator+=(difference_type n) {
      at_ += n;
      return *this;
    }
    iterator& operator-=(difference_type n) {
      at_ -= n;
      return *this;
    }
    friend iterator operator+(iterator it, difference_type n) { return it += n; }
    friend iterator operator+(difference_type n, iterator it) { return it += n; }
    friend iterator operator-(iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(iterator a, iterator b) { return a.at_ - b.at_; }
    auto operator<=>(const iterator&) const = default;

   private:
    T* const* at_ = nullptr;
  };

  many() noexcept {}  // NOLINT: user-provided, so that `many` is no aggregate for reflection

  [[nodiscard]] iterator begin() const { return iterator(items().data()); }
  [[nodiscard]] iterator end() const { return iterator(items().data() + items_.size()); }
  [[nodiscard]] std::size_t size() const { return items().size(); }
  [[nodiscard]] bool empty() const { return items().empty(); }
  T& operator[](std::size_t i) const { return *items()[i]; }
  /// Whether the relationship can be read (built by the program, or loaded).
  [[nodiscard]] bool loaded() const noexcept { return state_ != detail::link_state::unloaded; }

  /// Takes `obj`, a new object: it is added to the session with the owner (or now, when the
  /// owner is in a session already: at the next flush). The reference stays valid.
  T& add(T&& obj) {
    require_loaded();
    staged_.push_back(detail::make_shared<T>(TABULA_MOVE(obj)));
    items_.push_back(staged_.back().get());
    return *items_.back();
  }
  /// Links `obj`, an object of the session (or one staged in another relationship). An object
  /// the collection holds already is not added a second time.
  T& add(T& obj) {
    require_loaded();
    for (T* held : items_) {
      if (held == &obj) return obj;
    }
    items_.push_back(&obj);
    return obj;
  }
  /// Unlinks `obj`; returns whether it was linked. What happens to its row at flush: see
  /// `tabula::relationship(...).delete_orphan()`.
  bool remove(const T& obj) {
    require_loaded();
    for (auto it = items_.begin(); it != items_.end(); ++it) {
      if (*it == &obj) {
        items_.erase(it);
        std::erase_if(staged_, [&](const auto& p) { return p.get() == &obj; });
        return true;
      }
    }
    return false;
  }
  /// Unlinks every object.
  void clear() {
    require_loaded();
    items_.clear();
    staged_.clear();
  }

 private:
  friend struct detail::link_access;
  void require_loaded() const {
    if (state_ == detail::link_state::unloaded) detail::throw_not_loaded("many");
  }
  [[nodiscard]] const std::vector<T*>& items() const {
    if (state_ == detail::link_state::unloaded) detail::throw_not_loaded("many");
    return items_;
  }

  std::vector<T*> items_;
  std::vector<detail::shared<T>> staged_;  ///< new objects not yet in a session
  detail::link_state state_ = detail::link_state::fresh;
};

namespace detail {

template <class M>
inline constexpr bool is_one_v = false;
template <class T>
inline constexpr bool is_one_v<one<T>> = true;
template <class M>
inline constexpr bool is_many_v = false;
template <class T, class V>
inline constexpr bool is_many_v<many<T, V>> = true;
template <class M>
inline constexpr bool is_relationship_v = is_one_v<M> || is_many_v<M>;

/// The insides of `one` and `many`, for the session.
struct link_access {
  template <class L>
  static link_state state(const L& l) noexcept {
    return l.state_;
  }
  template <class L>
  static void set_state(L& l, link_state s) noexcept {
    l.state_ = s;
  }
  template <class T>
  static T* target(const one<T>& l) noexcept {
    return l.ptr_;
  }
  template <class T>
  static void load(one<T>& l, T* target) noexcept {
    l.staged_.reset();
    l.ptr_ = target;
    l.state_ = link_state::loaded;
  }
  template <class T>
  static T* const& slot(const one<T>& l) noexcept {
    return l.ptr_;
  }
  /// Refers to `target` without changing where the relationship's contents come from.
  template <class T>
  static void point(one<T>& l, T* target) noexcept {
    l.ptr_ = target;
  }
  template <class T>
  static detail::shared<T> take_staged(one<T>& l) noexcept {
    return TABULA_MOVE(l.staged_);
  }
  template <class T, class V>
  static const std::vector<T*>& items(const many<T, V>& l) noexcept {
    return l.items_;
  }
  template <class T, class V>
  static std::vector<T*>& items(many<T, V>& l) noexcept {
    return l.items_;
  }
  template <class T, class V>
  static std::vector<detail::shared<T>> take_staged(many<T, V>& l) noexcept {
    return std::exchange(l.staged_, {});
  }
  /// Loads a `one` from the objects whose foreign key refers to its owner (one-to-one from the
  /// referenced side): the first, or none.
  template <class T>
  static void load(one<T>& l, std::vector<T*> items) noexcept {
    load(l, items.empty() ? nullptr : items.front());
  }
  template <class T>
  static void load_owned(one<T>& l, std::vector<detail::shared<T>> items) noexcept {
    load_owned(l, items.empty() ? nullptr : TABULA_MOVE(items.front()));
  }
  /// Loads objects the relationship owns (read without a session).
  template <class T>
  static void load_owned(one<T>& l, detail::shared<T> target) noexcept {
    l.ptr_ = target.get();
    l.staged_ = TABULA_MOVE(target);
    l.state_ = link_state::loaded;
  }
  template <class T, class V>
  static void load_owned(many<T, V>& l, std::vector<detail::shared<T>> items) {
    l.items_.clear();
    l.items_.reserve(items.size());
    for (const auto& item : items) l.items_.push_back(item.get());
    l.staged_ = TABULA_MOVE(items);
    l.state_ = link_state::loaded;
  }
  template <class T, class V>
  static void load(many<T, V>& l, std::vector<T*> items) noexcept {
    l.items_ = TABULA_MOVE(items);
    l.staged_.clear();
    l.state_ = link_state::loaded;
  }
};

}  // namespace detail

/// `relationship(&T::member)`: configures a relationship member of `T` in
/// `schema<T>::options`. `.through(&U::fk)` names the foreign key it follows when several
/// could serve (for a many-to-many one, the association's key to `T` and then its key to the
/// target); `.delete_orphan()` deletes an object removed from a `many` instead of setting
/// its foreign key to NULL.
template <class Owner, class Member, class... Keys>
struct relationship_option : detail::option_tag {
  using model_type = Owner;
  using member_type = Member;
  Member Owner::*member;
  detail::pack<Keys...> keys;
  bool orphans_deleted = false;

  /// An object removed from this `many` is deleted at the next flush.
  [[nodiscard]] constexpr relationship_option delete_orphan() const {
    relationship_option copy = *this;
    copy.orphans_deleted = true;
    return copy;
  }
  /// The foreign key(s) the relationship follows: `&Metric::experiment_id`, or for
  /// many-to-many `(&Assoc::owner_id, &Assoc::target_id)`.
  template <detail::data_member_pointer... Ps>
  [[nodiscard]] constexpr auto through(Ps... fks) const {
    static_assert(sizeof...(Ps) == 1 || sizeof...(Ps) == 2,
                  "tabula: through() names one foreign key column (or two for a many-to-many "
                  "relationship: the association's key to the owner, then to the target). Pass "
                  "member pointers such as &Metric::experiment_id.");
    return relationship_option<Owner, Member, Ps...>{
        {}, member, detail::pack<Ps...>(fks...), orphans_deleted};
  }
};

/// Configures the relationship member `member` (see `relationship_option`).
template <detail::data_member_pointer P>
constexpr auto relationship(P member) {
  static_assert(detail::is_relationship_v<detail::member_of<P>>,
                "tabula: relationship() configures a tabula::one or tabula::many member. Pass "
                "a pointer to such a member, e.g. &Experiment::metrics.");
  return relationship_option<detail::class_of<P>, detail::member_of<P>>{
      {}, member, detail::pack<>(), false};
}

}  // namespace tabula
