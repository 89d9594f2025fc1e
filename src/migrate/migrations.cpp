/// \file migrations.cpp
/// Revision files, the version table and the migration runner.

#include "tabula/migrate/migrations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tabula/core/connection.hpp"
#include "tabula/core/inspect.hpp"
#include "tabula/core/raw_api.hpp"

namespace tabula::migrate {

namespace {

[[noreturn]] void fail(std::string message) {
  detail::throw_error<migration_error>("tabula: " + std::move(message));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

std::string checksum_of(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string new_revision_id() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32U) ^ rd() ^
                      static_cast<std::uint64_t>(
                          std::chrono::steady_clock::now().time_since_epoch().count()));
  return fmt::format("{:012x}", gen() & 0xFFFFFFFFFFFFULL);
}

std::string slug(std::string_view message) {
  std::string out;
  for (const char c : message) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "revision" : out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) fail(fmt::format("cannot read the revision file {}.", p.string()));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A line `-- upgrade[: dialect]` or `-- downgrade[: dialect]`: which, and the dialect.
std::optional<std::pair<bool, std::string>> section_marker(std::string_view line) {
  line = trim(line);
  if (line.substr(0, 2) != "--") return std::nullopt;
  line = trim(line.substr(2));
  bool up = false;
  if (lower(line.substr(0, 7)) == "upgrade") {
    up = true;
    line.remove_prefix(7);
  } else if (lower(line.substr(0, 9)) == "downgrade") {
    line.remove_prefix(9);
  } else {
    return std::nullopt;
  }
  line = trim(line);
  if (line.empty()) return std::pair{up, std::string()};
  if (line.front() != ':') return std::nullopt;
  return std::pair{up, lower(trim(line.substr(1)))};
}

revision parse_revision(const std::filesystem::path& file) {
  revision r;
  r.file = file;
  const std::string text = read_file(file);
  r.checksum = checksum_of(text);
  std::istringstream in(text);
  std::string line;
  bool header = false;
  bool in_header = true;
  std::string body;
  std::optional<std::pair<bool, std::string>> section;
  const auto flush = [&] {
    if (!section) return;
    auto it = std::find_if(r.sections.begin(), r.sections.end(),
                           [&](const auto& s) { return s.first == section->second; });
    if (it == r.sections.end()) {
      r.sections.emplace_back(section->second, revision_sql{});
      it = std::prev(r.sections.end());
    }
    auto statements = split_statements(body);
    auto& target = section->first ? it->second.upgrade : it->second.downgrade;
    target.insert(target.end(), statements.begin(), statements.end());
    body.clear();
  };
  while (std::getline(in, line)) {
    if (auto marker = section_marker(line)) {
      in_header = false;
      flush();
      section = std::move(marker);
      continue;
    }
    if (in_header) {
      const std::string_view l = trim(line);
      if (l.empty()) continue;
      if (l.substr(0, 2) != "--") {
        in_header = false;
      } else {
        const std::string_view content = trim(l.substr(2));
        if (lower(content) == "tabula revision") {
          header = true;
          continue;
        }
        const std::size_t colon = content.find(':');
        if (colon != std::string_view::npos) {
          const std::string key = lower(trim(content.substr(0, colon)));
          const std::string value(trim(content.substr(colon + 1)));
          if (key == "id") r.id = value;
          if (key == "parent") r.parent = value;
          if (key == "message") r.message = value;
          if (key == "created") r.created = value;
        }
        continue;
      }
    }
    if (section) body.append(line).push_back('\n');
  }
  flush();
  if (!header || r.id.empty()) {
    fail(fmt::format("{} is not a revision file: it must begin with the lines `-- tabula "
                     "revision` and `-- id: <id>` (see docs/migrations.md).",
                     file.string()));
  }
  return r;
}

}  // namespace

std::vector<std::string> split_statements(std::string_view sql) {
  std::vector<std::string> out;
  std::size_t start = 0;
  std::size_t i = 0;
  int block = 0;  // BEGIN ... END of a trigger
  bool trigger = false;
  std::string word;
  const auto end_word = [&] {
    const std::string w = lower(word);
    word.clear();
    if (w == "trigger") trigger = true;
    if (trigger && (w == "begin" || w == "case")) ++block;
    if (trigger && w == "end" && block > 0) --block;
  };
  const auto push = [&](std::size_t end) {
    const std::string_view s = trim(sql.substr(start, end - start));
    // A piece of nothing but comments is no statement.
    bool code = false;
    for (std::size_t k = 0; k < s.size() && !code; ++k) {
      if (s.substr(k, 2) == "--") {
        k = s.find('\n', k);
        if (k == std::string_view::npos) break;
      } else if (std::isspace(static_cast<unsigned char>(s[k])) == 0) {
        code = true;
      }
    }
    if (code) out.emplace_back(s);
    start = end + 1;
    trigger = false;
    block = 0;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_') {
      word.push_back(c);
      ++i;
      continue;
    }
    if (!word.empty()) end_word();
    if (c == '\'' || c == '"') {
      const std::size_t close = sql.find(c, i + 1);
      i = close == std::string_view::npos ? sql.size() : close + 1;
    } else if (c == '-' && sql.substr(i, 2) == "--") {
      const std::size_t nl = sql.find('\n', i);
      i = nl == std::string_view::npos ? sql.size() : nl + 1;
    } else if (c == '/' && sql.substr(i, 2) == "/*") {
      const std::size_t close = sql.find("*/", i + 2);
      i = close == std::string_view::npos ? sql.size() : close + 2;
    } else if (c == '$') {
      // A dollar quote: $tag$ ... $tag$ (a `$1` is no quote: digits do not start a tag).
      std::size_t j = i + 1;
      while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) != 0 ||
                                sql[j] == '_')) {
        ++j;
      }
      if (j < sql.size() && sql[j] == '$' &&
          (j == i + 1 || std::isdigit(static_cast<unsigned char>(sql[i + 1])) == 0)) {
        const std::string_view tag = sql.substr(i, j - i + 1);
        const std::size_t close = sql.find(tag, j + 1);
        i = close == std::string_view::npos ? sql.size() : close + tag.size();
      } else {
        i = j;
      }
    } else if (c == ';' && block == 0) {
      push(i);
      ++i;
    } else {
      ++i;
    }
  }
  if (!word.empty()) end_word();
  push(sql.size());
  return out;
}

const revision_sql& revision::sql_for(std::string_view dialect) const {
  for (const auto& s : sections) {
    if (s.first == dialect) return s.second;
  }
  for (const auto& s : sections) {
    if (s.first.empty()) return s.second;
  }
  fail(fmt::format("revision {} ({}) has no SQL for {}: add `-- upgrade: {}` and `-- downgrade: "
                   "{}` sections to it.",
                   id, file.string(), dialect, dialect, dialect));
}

// ------------------------------------------------------------------------------------------
// The directory

script_directory::script_directory(std::filesystem::path dir) : dir_(std::move(dir)) { load(); }

void script_directory::load() {
  chain_.clear();
  if (!std::filesystem::is_directory(dir_)) {
    fail(fmt::format("the migrations directory {} does not exist. Create it (an empty directory "
                     "has no revisions).",
                     dir_.string()));
  }
  std::vector<revision> all;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sql") {
      all.push_back(parse_revision(entry.path()));
    }
  }
  std::sort(all.begin(), all.end(),
            [](const revision& a, const revision& b) { return a.file < b.file; });
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (all[i].id == all[j].id) {
        fail(fmt::format("revisions {} and {} have the same id {}.", all[j].file.string(),
                         all[i].file.string(), all[i].id));
      }
      if (all[i].parent == all[j].parent) {
        fail(fmt::format("revisions {} and {} have the same parent `{}`: the history branched. "
                         "Set the parent of the later one to the other's id.",
                         all[j].file.string(), all[i].file.string(),
                         all[i].parent.empty() ? "(none)" : all[i].parent));
      }
    }
  }
  std::string parent;
  while (!all.empty()) {
    const auto next = std::find_if(all.begin(), all.end(),
                                   [&](const revision& r) { return r.parent == parent; });
    if (next == all.end()) {
      const revision& r = all.front();
      fail(fmt::format("revision {} ({}) has the parent {}, which is not in the chain of {}.",
                       r.id, r.file.string(), r.parent.empty() ? "(none)" : r.parent,
                       dir_.string()));
    }
    parent = next->id;
    chain_.push_back(std::move(*next));
    all.erase(next);
  }
}

std::string script_directory::head() const { return chain_.empty() ? std::string() : chain_.back().id; }

const revision& script_directory::find(std::string_view id) const {
  const revision* found = nullptr;
  for (const revision& r : chain_) {
    if (r.id == id) return r;
    if (r.id.rfind(id, 0) == 0) {
      if (found != nullptr) fail(fmt::format("the revision prefix {} is ambiguous.", id));
      found = &r;
    }
  }
  if (found == nullptr || id.empty()) {
    fail(fmt::format("no revision {} in {}.", id, dir_.string()));
  }
  return *found;
}

std::size_t script_directory::position(std::string_view id) const {
  const revision& r = find(id);
  return static_cast<std::size_t>(&r - chain_.data());
}

const revision& script_directory::add(
    std::string_view message, const std::vector<std::pair<std::string, revision_sql>>& sql) {
  const std::string id = new_revision_id();
  std::string text = fmt::format("-- tabula revision\n-- id: {}\n-- parent: {}\n-- message: {}\n"
                                 "-- created: {}\n",
                                 id, head(), message, now_utc());
  std::vector<std::pair<std::string, revision_sql>> sections = sql;
  if (sections.empty()) {
    sections = {{"sqlite", {}}, {"postgresql", {}}};
  }
  for (const auto& [dialect, statements] : sections) {
    for (const bool up : {true, false}) {
      text.append(fmt::format("\n-- {}: {}\n", up ? "upgrade" : "downgrade", dialect));
      for (const std::string& s : up ? statements.upgrade : statements.downgrade) {
        text.append(s).append(";\n");
      }
    }
  }
  // File names sort in creation order (a timestamp first), for people listing the directory.
  std::string stamp = now_utc();
  std::erase_if(stamp, [](char c) { return c == '-' || c == ':' || c == ' '; });
  const auto file = dir_ / fmt::format("{}_{}_{}.sql", stamp, id, slug(message));
  {
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out) fail(fmt::format("cannot write {}.", file.string()));
  }
  load();
  return find(id);
}

// ------------------------------------------------------------------------------------------
// The version table and the runner

namespace {

/// "tabula" in ASCII: the key of the PostgreSQL advisory lock migrations take.
constexpr std::int64_t advisory_key = 0x746162756c61;

struct applied_row {
  std::string id;
  std::string checksum;
  std::string applied_at;
};

bool is_sqlite(connection& c) { return c.sql_dialect().name() == "sqlite"; }

std::string version_ddl(connection& c) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (revision VARCHAR(64) NOT NULL PRIMARY KEY, parent "
      "VARCHAR(64), checksum VARCHAR(32) NOT NULL, applied_at VARCHAR(32) NOT NULL)",
      c.sql_dialect().quote_identifier(version_table));
}

std::vector<applied_row> read_applied(connection& c) {
  std::vector<applied_row> rows;
  if (!inspector(c).has_table(version_table)) return rows;
  auto st = c.prepare(fmt::format("SELECT revision, checksum, applied_at FROM {}",
                                  c.sql_dialect().quote_identifier(version_table)));
  while (st->step()) {
    rows.push_back({std::string(st->get_text(0)), std::string(st->get_text(1)),
                    std::string(st->get_text(2))});
  }
  return rows;
}

/// Runs `portable` (with `?` placeholders) binding text values.
void run_with(connection& c, std::string_view portable, std::initializer_list<std::string_view> args) {
  auto st = c.prepare(translate_sql(c.sql_dialect(), portable).text);
  int i = 0;
  for (std::string_view a : args) st->bind(i++, a);
  while (st->step()) {
  }
}

void record(connection& c, const revision& r) {
  run_with(c,
           fmt::format("INSERT INTO {} (revision, parent, checksum, applied_at) VALUES (?, ?, ?, ?)",
                       c.sql_dialect().quote_identifier(version_table)),
           {r.id, r.parent, r.checksum, now_utc()});
}

void unrecord(connection& c, const revision& r) {
  run_with(c,
           fmt::format("DELETE FROM {} WHERE revision = ?",
                       c.sql_dialect().quote_identifier(version_table)),
           {r.id});
}

/// The lock a command holds from start to end: PostgreSQL's session advisory lock. (SQLite
/// has none across transactions: each step takes an exclusive transaction instead.)
class command_lock {
 public:
  explicit command_lock(connection& c) : c_(c) {
    if (is_sqlite(c_)) return;
    c_.execute(fmt::format("SELECT pg_advisory_lock({})", advisory_key));
    locked_ = true;
  }
  ~command_lock() {
    if (!locked_) return;
    try {
      if (c_.in_transaction()) c_.execute("ROLLBACK");
      c_.execute(fmt::format("SELECT pg_advisory_unlock({})", advisory_key));
    } catch (const error&) {
      // A connection that cannot unlock is broken; the server releases the lock when it ends.
    }
  }
  command_lock(const command_lock&) = delete;
  command_lock& operator=(const command_lock&) = delete;

 private:
  connection& c_;
  bool locked_ = false;
};

/// One step's transaction: exclusive on SQLite, with foreign keys off (restored after) and
/// `PRAGMA foreign_key_check` before COMMIT.
class step_transaction {
 public:
  explicit step_transaction(connection& c) : c_(c), sqlite_(is_sqlite(c)) {
    if (sqlite_) {
      auto st = c_.prepare(std::string("PRAGMA foreign_keys"));
      foreign_keys_ = st->step() && st->get_int64(0) != 0;
      c_.execute("PRAGMA foreign_keys = OFF");
      c_.execute(version_ddl(c_));
      c_.execute("BEGIN EXCLUSIVE");
    } else {
      c_.execute(version_ddl(c_));  // under the advisory lock
      c_.execute("BEGIN");
    }
  }
  ~step_transaction() {
    try {
      if (c_.in_transaction()) c_.execute("ROLLBACK");
      if (sqlite_ && foreign_keys_) c_.execute("PRAGMA foreign_keys = ON");
    } catch (const error&) {
      // The pool drops a connection that cannot roll back.
    }
  }
  step_transaction(const step_transaction&) = delete;
  step_transaction& operator=(const step_transaction&) = delete;

  void commit() {
    if (sqlite_) {
      const std::string check = "PRAGMA foreign_key_check";
      auto st = c_.prepare(check);
      if (st->step()) {
        const std::string table(st->get_text(0));
        const std::string parent(st->get_text(2));
        detail::throw_error<foreign_key_violation>(
            fmt::format("tabula: after the migration a row of \"{}\" refers to a row of \"{}\" "
                        "that does not exist (PRAGMA foreign_key_check); the migration was "
                        "rolled back. Fix the data in the revision before it changes the table.",
                        table, parent),
            check);
      }
    }
    c_.execute("COMMIT");
  }

 private:
  connection& c_;
  bool sqlite_;
  bool foreign_keys_ = false;
};

/// The chain position of the current revision, or -1 at base.
std::ptrdiff_t current_position(const script_directory& scripts,
                                const std::vector<applied_row>& rows) {
  std::ptrdiff_t pos = -1;
  for (const applied_row& row : rows) {
    const auto& chain = scripts.revisions();
    const auto it = std::find_if(chain.begin(), chain.end(),
                                 [&](const revision& r) { return r.id == row.id; });
    if (it == chain.end()) {
      fail(fmt::format("the database has revision {} applied, which is not in {}. Restore its "
                       "file, or run this against the directory the database was migrated with.",
                       row.id, scripts.path().string()));
    }
    pos = std::max(pos, static_cast<std::ptrdiff_t>(it - chain.begin()));
  }
  return pos;
}

void verify_rows(const script_directory& scripts, const std::vector<applied_row>& rows) {
  current_position(scripts, rows);  // every applied revision is in the directory
  for (const applied_row& row : rows) {
    const revision& r = scripts.find(row.id);
    if (r.checksum != row.checksum) {
      fail(fmt::format(
          "revision {} ({}) was edited after it was applied to this database (checksum then "
          "{}, now {}). Restore the file and put the change in a new revision; if the database "
          "already matches the edited file, record it with `stamp {}`.",
          r.id, r.file.string(), row.checksum, r.checksum, r.id));
    }
  }
}

/// The current position, after checking every applied revision's checksum.
std::ptrdiff_t checked_position(connection& c, const script_directory& scripts) {
  const std::vector<applied_row> rows = read_applied(c);
  verify_rows(scripts, rows);
  return current_position(scripts, rows);
}

std::ptrdiff_t parse_count(std::string_view n, std::string_view target) {
  std::ptrdiff_t v = 0;
  if (n.empty()) fail(fmt::format("the target {} is not a number of revisions.", target));
  for (const char c : n) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      fail(fmt::format("the target {} is not a number of revisions.", target));
    }
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

migrator::migrator(engine& db, std::filesystem::path dir,
                   callback<void(std::string_view)> progress)
    : db_(db), scripts_(std::move(dir)), progress_(std::move(progress)) {}

void migrator::reload() { scripts_ = script_directory(scripts_.path()); }

std::string migrator::current() {
  auto c = db_.connect();
  const std::ptrdiff_t pos = current_position(scripts_, read_applied(c));
  return pos < 0 ? std::string() : scripts_.revisions()[static_cast<std::size_t>(pos)].id;
}

void migrator::verify() {
  auto c = db_.connect();
  verify_rows(scripts_, read_applied(c));
}

std::vector<std::string> migrator::upgrade(std::string_view target) {
  auto c = db_.connect();
  command_lock lock(c);
  const auto& chain = scripts_.revisions();
  const std::ptrdiff_t start = checked_position(c, scripts_);
  std::ptrdiff_t goal = 0;
  if (target == "head") {
    goal = static_cast<std::ptrdiff_t>(chain.size()) - 1;
  } else if (!target.empty() && target.front() == '+') {
    goal = start + parse_count(target.substr(1), target);
    if (goal >= static_cast<std::ptrdiff_t>(chain.size())) {
      fail(fmt::format("upgrade {}: only {} revision(s) follow the current one.", target,
                       static_cast<std::ptrdiff_t>(chain.size()) - 1 - start));
    }
  } else {
    goal = static_cast<std::ptrdiff_t>(scripts_.position(target));
    if (goal < start) {
      fail(fmt::format("revision {} is before the current revision {}: use downgrade.", target,
                       chain[static_cast<std::size_t>(start)].id));
    }
  }
  return run_steps(c, goal, true);
}

std::vector<std::string> migrator::downgrade(std::string_view target) {
  auto c = db_.connect();
  command_lock lock(c);
  const auto& chain = scripts_.revisions();
  const std::ptrdiff_t start = checked_position(c, scripts_);
  std::ptrdiff_t goal = -1;
  if (target == "base") {
    goal = -1;
  } else if (!target.empty() && target.front() == '-') {
    goal = start - parse_count(target.substr(1), target);
    if (goal < -1) {
      fail(fmt::format("downgrade {}: only {} revision(s) are applied.", target, start + 1));
    }
  } else {
    goal = static_cast<std::ptrdiff_t>(scripts_.position(target));
    if (goal > start) {
      fail(fmt::format("revision {} is not applied (the current revision is {}): use upgrade.",
                       target, start < 0 ? "base" : chain[static_cast<std::size_t>(start)].id));
    }
  }
  return run_steps(c, goal, false);
}

std::vector<std::string> migrator::run_steps(connection& c, std::ptrdiff_t goal, bool up) {
  std::vector<std::string> done;
  const std::string dialect(c.sql_dialect().name());
  const auto& chain = scripts_.revisions();
  while (true) {
    step_transaction tx(c);
    // Read again inside the step: another process may have moved the version meanwhile.
    const std::ptrdiff_t now = current_position(scripts_, read_applied(c));
    if (up ? now >= goal : now <= goal) break;
    const revision& r = chain[static_cast<std::size_t>(up ? now + 1 : now)];
    const std::string parent = r.parent.empty() ? "base" : r.parent;
    if (progress_) {
      progress_(up ? fmt::format("upgrade {} -> {}: {}", parent, r.id, r.message)
                   : fmt::format("downgrade {} -> {}: {}", r.id, parent, r.message));
    }
    const revision_sql& sql = r.sql_for(dialect);
    for (const std::string& s : up ? sql.upgrade : sql.downgrade) c.execute(s);
    if (up) {
      record(c, r);
    } else {
      unrecord(c, r);
    }
    tx.commit();
    done.push_back(r.id);
  }
  return done;
}

void migrator::stamp(std::string_view target) {
  auto c = db_.connect();
  command_lock lock(c);
  const auto& chain = scripts_.revisions();
  std::ptrdiff_t goal = -1;
  if (target == "head") {
    goal = static_cast<std::ptrdiff_t>(chain.size()) - 1;
  } else if (target != "base") {
    goal = static_cast<std::ptrdiff_t>(scripts_.position(target));
  }
  step_transaction tx(c);
  c.execute(fmt::format("DELETE FROM {}", c.sql_dialect().quote_identifier(version_table)));
  for (std::ptrdiff_t i = 0; i <= goal; ++i) record(c, chain[static_cast<std::size_t>(i)]);
  if (progress_) {
    progress_(fmt::format("stamp {}", goal < 0 ? "base" : chain[static_cast<std::size_t>(goal)].id));
  }
  tx.commit();
}

std::vector<revision_status> migrator::history() {
  auto c = db_.connect();
  const std::vector<applied_row> rows = read_applied(c);
  const std::ptrdiff_t pos = current_position(scripts_, rows);
  std::vector<revision_status> out;
  const auto& chain = scripts_.revisions();
  for (std::size_t i = 0; i < chain.size(); ++i) {
    revision_status s;
    s.rev = &chain[i];
    for (const applied_row& row : rows) {
      if (row.id == chain[i].id) {
        s.applied = true;
        s.applied_at = row.applied_at;
      }
    }
    s.current = static_cast<std::ptrdiff_t>(i) == pos;
    out.push_back(s);
  }
  return out;
}

schema_diff migrator::check(std::span<const table_info* const> models) {
  inspector insp(db_);
  diff_options options;
  options.drop_unknown_tables = true;
  options.ignore_tables = ignored_;
  return diff_schema(insp, models, options);
}

const revision& migrator::new_revision(std::string_view message,
                                   std::span<const table_info* const> models,
                                   std::span<engine* const> dbs) {
  std::vector<std::pair<std::string, revision_sql>> sections;
  if (!models.empty()) {
    for (engine* e : dbs) {
      migrator other(*e, scripts_.path());
      other.ignore_tables(ignored_);
      if (other.current() != scripts_.head()) {
        fail(fmt::format("the {} database is at revision {}, not at the head {}: upgrade it "
                         "before writing a revision from its differences with the models.",
                         e->backend(), other.current().empty() ? "base" : other.current(),
                         scripts_.head().empty() ? "(no revisions)" : scripts_.head()));
      }
      const migration_sql sql = render(other.check(models));
      sections.emplace_back(std::string(e->backend()), revision_sql{sql.upgrade, sql.downgrade});
    }
  }
  const std::string id = scripts_.add(message, sections).id;
  reload();
  return scripts_.find(id);
}

}  // namespace tabula::migrate
