#!/usr/bin/env python3
"""Runs the side-by-side benchmarks and writes docs/performance.md.

    bench/run.py --build build-bench --pg-host DIR --pg-port PORT [--reps 5] [--scale 1.0]
                 [--backends memory,file,postgres] [--ops O1,...,O14] [--no-callgrind]
                 [--no-compile-cost] [--compile-repeat 3] [--out docs/performance.md]
    bench/run.py --compile-only [--compile-repeat 3] [--cxx g++]

--compile-only measures the compile cost alone (the table of docs/performance.md's "Compile
cost") and prints its Markdown table.

Every (system, backend, operation) case runs in a process of its own, --reps times; the
repetitions are interleaved (round r runs every system once, in an order rotated by r), so a
burst of load on the machine hits all systems rather than one. Reported per case: the median
wall time per unit of work, its ratio to the fastest raw baseline, the spread of the
repetitions, the process's peak RSS, and (under callgrind, at a tenth of the size) user-space
instructions per unit for the C++ systems. Each driver prints a check value computed from what it
read or left in the database; systems running the same sizes must agree or the run fails.

Standard library only; the SQLAlchemy driver runs under Debian's /usr/bin/python3.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SA_PYTHON = "/usr/bin/python3"
UNSUPPORTED = 3

OPS = ["O1", "O2", "O3", "O4", "O5", "O6", "O7", "O8", "O9", "O10", "O11", "O12", "O13", "O14"]
OP_TEXT = {
    "O1": "single insert + commit (autocommit), ×n",
    "O2": "n single-row inserts in one transaction, id read back",
    "O3": "bulk insert of n rows",
    "O4": "get by primary key, ×n",
    "O5": "select n rows into a vector of structs",
    "O6": "update by primary key (all columns), ×n, one transaction",
    "O7": "delete by primary key, ×n, one transaction",
    "O8": "users with their posts through a join (n users × 10 posts)",
    "O9": "filtered, ordered `limit 10` query, ×n",
    "O10": "users with their posts through a relationship, selectin: users, then posts "
           "`WHERE user_id IN (...)` (n users × 10 posts)",
    "O11": "users with their posts through a relationship, joined: one LEFT JOIN grouped by "
           "user (n users × 10 posts)",
    "O12": "a graph saved in one commit: n new users × 10 new posts, each post given its "
           "user's generated key",
    "O13": "O2 on typed columns: n single-row inserts into `events(id, created_at, key, params)` "
           "— a timestamp, a UUID, a JSON document — in one transaction, id read back",
    "O14": "O5 on typed columns: select n rows of `events` into a vector of structs",
}
# The typed-columns operations compare tabula with the C APIs converting by hand.
TYPED_OPS = ["O13", "O14"]
TYPED_SYSTEMS = ["raw", "tabula"]
BACKENDS = ["memory", "file", "postgres"]
BACKEND_TEXT = {
    "memory": "SQLite `:memory:`",
    "file": "SQLite file, WAL, synchronous=NORMAL",
    "postgres": "PostgreSQL over a unix socket",
}

# (n, rows) per backend and operation for the C++ systems, and the divisor applied to both for
# SQLAlchemy (Python is 10-100x slower per row; its figures are per unit, so they stay
# comparable). rows = table size before the operation (O4-O9); for O5 and O8 it is also n.
SIZES = {
    "memory": {
        "O1": (50000, 0, 20), "O2": (100000, 0, 20), "O3": (200000, 0, 10),
        "O4": (100000, 100000, 20), "O5": (200000, 200000, 10), "O6": (100000, 100000, 20),
        "O7": (100000, 100000, 20), "O8": (10000, 10000, 10), "O9": (20000, 10000, 20),
        "O10": (10000, 10000, 10), "O11": (10000, 10000, 10), "O12": (10000, 0, 10),
        "O13": (50000, 0, 10), "O14": (100000, 100000, 10),
    },
    "file": {
        "O1": (3000, 0, 5), "O2": (100000, 0, 20), "O3": (200000, 0, 10),
        "O4": (100000, 100000, 20), "O5": (200000, 200000, 10), "O6": (100000, 100000, 20),
        "O7": (100000, 100000, 20), "O8": (10000, 10000, 10), "O9": (20000, 10000, 20),
        "O10": (10000, 10000, 10), "O11": (10000, 10000, 10), "O12": (10000, 0, 10),
        "O13": (50000, 0, 10), "O14": (100000, 100000, 10),
    },
    "postgres": {
        "O1": (3000, 0, 5), "O2": (10000, 0, 5), "O3": (100000, 0, 5),
        "O4": (10000, 20000, 5), "O5": (100000, 100000, 5), "O6": (10000, 20000, 5),
        "O7": (10000, 20000, 5), "O8": (5000, 5000, 5), "O9": (5000, 10000, 5),
        "O10": (5000, 5000, 5), "O11": (5000, 5000, 5), "O12": (2000, 0, 5),
        "O13": (10000, 0, 5), "O14": (50000, 50000, 5),
    },
}
for _b in SIZES.values():
    for _op, (_n, _rows, _div) in list(_b.items()):
        _b[_op] = (_n, _rows or _n, _div)

RAW_VARIANTS = {"memory": ["prepared", "values"], "file": ["prepared", "values"],
                "postgres": ["values", "pipeline", "copy", "copy_binary"]}
SYSTEMS = ["raw", "tabula", "tabula_session", "soci", "sqlalchemy_core", "sqlalchemy_orm"]
SYSTEM_TEXT = {"raw": "raw", "tabula": "tabula", "tabula_session": "tabula session", "soci": "SOCI",
               "sqlalchemy_core": "SQLAlchemy Core", "sqlalchemy_orm": "SQLAlchemy ORM"}
CALLGRIND_SYSTEMS = ["raw", "tabula", "tabula_session"]
# The session's instructions are counted where it is what is measured: loading and saving
# through relationships.
SESSION_CALLGRIND_OPS = ["O10", "O11", "O12"]


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


class Runner:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.join(os.path.abspath(args.build), "bench")
        self.tmp = tempfile.mkdtemp(prefix="tabula-bench-")
        self.results = {}  # (backend, op, system, variant) -> list of result dicts
        self.errors = []
        self.status = {}  # system -> "ok" | reason it is missing
        self.callgrind = {}  # (backend, op, system, variant) -> instructions per unit
        self.cg_sizes = {}

    # --- which systems exist -------------------------------------------------------------------
    def driver(self, system, backend):
        if system == "raw":
            name = "bench_raw_postgres" if backend == "postgres" else "bench_raw_sqlite"
        elif system in ("tabula", "soci"):
            name = "bench_" + system
        elif system == "tabula_session":
            name = "bench_tabula"  # with --variant session
        else:
            return [SA_PYTHON, os.path.join(HERE, "sqlalchemy_bench.py"), "--mode",
                    system.split("_")[1]]
        path = os.path.join(self.bin, name)
        return [path] if os.access(path, os.X_OK) else None

    def probe(self):
        for system in SYSTEMS:
            if system.startswith("sqlalchemy"):
                r = subprocess.run([SA_PYTHON, "-c", "import sqlalchemy, psycopg2"],
                                   capture_output=True, text=True)
                self.status[system] = "ok" if r.returncode == 0 else "not installed"
            else:
                self.status[system] = "ok" if self.driver(system, "memory") else "not built"

    # --- one process ---------------------------------------------------------------------------
    def command(self, system, variant, backend, op, n, rows, wrapper=()):
        cmd = list(wrapper) + self.driver(system, backend) + [
            "--op", op, "--backend", backend, "--n", str(n), "--rows", str(rows)]
        if system == "tabula_session":
            cmd += ["--variant", "session"]
        elif variant:
            cmd += ["--variant", variant]
        if backend == "file":
            d = tempfile.mkdtemp(dir=self.tmp)
            cmd += ["--dir", d]
        if backend == "postgres":
            cmd += ["--pg-host", self.args.pg_host, "--pg-port", str(self.args.pg_port)]
        return cmd

    def run_one(self, system, variant, backend, op, n, rows, wrapper=()):
        cmd = self.command(system, variant, backend, op, n, rows, wrapper)
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode == UNSUPPORTED:
            return "unsupported"
        if r.returncode != 0:
            self.errors.append("%s %s %s %s: exit %d: %s" % (
                backend, op, system, variant, r.returncode, r.stderr.strip()[-600:]))
            return None
        lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
        if not lines:
            self.errors.append("%s %s %s: no result line" % (backend, op, system))
            return None
        return json.loads(lines[-1])

    def sizes(self, backend, op, system):
        n, rows, div = SIZES[backend][op]
        n = max(1, int(n * self.args.scale))
        rows = max(1, int(rows * self.args.scale))
        if system.startswith("sqlalchemy") or system == "tabula_session":
            if op in ("O3", "O5", "O8", "O10", "O11"):
                n = rows = max(1, n // div)
            else:
                n = max(1, n // div)
                if op in ("O6", "O7"):
                    rows = max(n, rows // div)
        return n, rows

    def cases(self, backend, op):
        out = []
        for system in SYSTEMS:
            if self.status[system] != "ok":
                continue
            if op in TYPED_OPS and system not in TYPED_SYSTEMS:
                continue
            if system == "raw" and op == "O3":
                out += [(system, v) for v in RAW_VARIANTS[backend]]
            else:
                out.append((system, ""))
        return out

    def run_all(self):
        for backend in self.args.backends:
            for op in self.args.ops:
                cases = self.cases(backend, op)
                unsupported = set()
                for rep in range(self.args.reps):
                    k = rep % len(cases)
                    for system, variant in cases[k:] + cases[:k]:
                        if (system, variant) in unsupported:
                            continue
                        n, rows = self.sizes(backend, op, system)
                        res = self.run_one(system, variant, backend, op, n, rows)
                        if res == "unsupported":
                            unsupported.add((system, variant))
                            self.results[(backend, op, system, variant)] = "unsupported"
                            continue
                        if res is not None:
                            self.results.setdefault((backend, op, system, variant), []).append(res)
                    print("  %s %s round %d/%d done" % (backend, op, rep + 1, self.args.reps),
                          file=sys.stderr, flush=True)
                self.verify(backend, op)

    def verify(self, backend, op):
        # Systems that ran the same sizes must report the same check value.
        seen = {}
        for (b, o, system, variant), rs in self.results.items():
            if b != backend or o != op or not isinstance(rs, list):
                continue
            for r in rs:
                key = (r["n"], r["rows"])
                seen.setdefault(key, {}).setdefault(r["check"], set()).add(
                    system + ("/" + variant if variant else ""))
        for key, checks in seen.items():
            if len(checks) > 1:
                self.errors.append("%s %s n=%d rows=%d: systems disagree on the result: %s" % (
                    backend, op, key[0], key[1],
                    "; ".join("%s -> %s" % (c, ",".join(sorted(s))) for c, s in checks.items())))

    # --- instruction counts --------------------------------------------------------------------
    def run_callgrind(self):
        if not shutil.which("valgrind"):
            self.errors.append("valgrind not found: no instruction counts")
            return
        for backend in self.args.backends:
            for op in self.args.ops:
                for system, variant in self.cases(backend, op):
                    if system not in CALLGRIND_SYSTEMS or (
                            system == "tabula_session" and op not in SESSION_CALLGRIND_OPS):
                        continue
                    if self.results.get((backend, op, system, variant)) == "unsupported":
                        continue
                    n, rows = self.sizes(backend, op, system)
                    n, rows = max(1, n // 10), max(1, rows // 10)
                    out = os.path.join(self.tmp, "callgrind.out")
                    wrapper = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
                               "--callgrind-out-file=" + out]
                    res = self.run_one(system, variant, backend, op, n, rows, wrapper)
                    if not isinstance(res, dict):
                        continue
                    total = None
                    with open(out) as f:
                        for line in f:
                            if line.startswith("totals:") or line.startswith("summary:"):
                                total = int(line.split()[1])
                    os.remove(out)
                    if total is not None:
                        self.callgrind[(backend, op, system, variant)] = total / n
                        self.cg_sizes[(backend, op)] = (n, rows)
                print("  callgrind %s %s done" % (backend, op), file=sys.stderr, flush=True)


# --- compile cost -------------------------------------------------------------------------------
GEN_TYPES = [("std::int64_t", "0"), ("std::string", None), ("std::int32_t", "0"), ("double", "0"),
             ("std::optional<std::string>", None), ("bool", "false")]


def generated_tu(models=10, queries=50):
    """A translation unit with `models` models and `queries` typed queries, the size of a small
    application's data layer."""
    out = ["#include <tabula/tabula.hpp>", "#include <cstdint>", "#include <optional>",
           "#include <string>", "#include <vector>", ""]
    for m in range(models):
        out.append("struct Model%d {" % m)
        out.append("  std::int64_t id = 0;")
        for f in range(6):
            t, init = GEN_TYPES[(f + m) % len(GEN_TYPES)]
            out.append("  %s f%d%s;" % (t, f, " = " + init if init else ""))
        if m > 0:
            out.append("  std::int64_t parent_id = 0;")
        out.append("};")
    out.append("")
    for m in range(models):
        opts = ""
        if m > 0:
            opts = ("\n  static constexpr auto options = tabula::options("
                    "tabula::foreign_key(&Model%d::parent_id, &Model%d::id), "
                    "tabula::index(&Model%d::parent_id));" % (m, m - 1, m))
        out.append("template <> struct tabula::schema<Model%d> {\n  static constexpr auto table = "
                   "\"model%d\";%s\n};" % (m, m, opts))
    out.append("")
    out.append("std::size_t run_queries(tabula::engine& db) {")
    out.append("  std::size_t total = 0;")
    out.append("  db.create_all<%s>();" % ", ".join("Model%d" % m for m in range(models)))
    for q in range(queries):
        m = q % models
        kind = q % 5
        # Fields: pick the int32 / double / string columns of this model for conditions.
        fields = {GEN_TYPES[(f + m) % len(GEN_TYPES)][0]: f for f in range(6)}
        fi, fd, fs = fields["std::int32_t"], fields["double"], fields["std::string"]
        if kind == 0:
            out.append("  total += db.query<Model%d>().where(tabula::col(&Model%d::f%d) > %d && "
                       "tabula::col(&Model%d::f%d) < %d.5).order_by(tabula::desc(&Model%d::f%d))"
                       ".limit(10).all().size();" % (m, m, fi, q, m, fd, q, m, fd))
        elif kind == 1:
            out.append("  total += db.get<Model%d>(%d).has_value() ? 1u : 0u;" % (m, q))
        elif kind == 2:
            out.append("  { Model%d v{}; v.f%d = \"q%d\"; db.insert(v); total += "
                       "static_cast<std::size_t>(v.id); }" % (m, fs, q))
        elif kind == 3:
            out.append("  total += db.query<Model%d>().where(tabula::col(&Model%d::f%d) == \"q%d\")"
                       ".all().size();" % (m, m, fs, q))
        else:
            out.append("  for (auto& v : db.all<Model%d>()) { v.f%d += 1; db.update_row(v); ++total; }"
                       % (m, fi))
    out.append("  return total;")
    out.append("}")
    return "\n".join(out) + "\n"


def session_tu(models=5):
    """A translation unit that adds one object of each of `models` models (an id and five fields
    of five types) to a session and commits: what a model costs in a program that uses the ORM
    rather than the core."""
    out = ["#include <tabula/tabula.hpp>", "#include <cstdint>", "#include <optional>",
           "#include <string>", ""]
    for m in range(models):
        out.append("struct S%d {" % m)
        out.append("  std::int64_t id = 0;")
        out.append("  std::string name;")
        out.append("  std::int32_t a = 0;")
        out.append("  double b = 0;")
        out.append("  std::optional<std::string> c;")
        out.append("  std::int64_t parent_id = 0;")
        out.append("};")
    out.append("")
    out.append("void run(tabula::engine& db) {")
    out.append("  tabula::session s(db);")
    for m in range(models):
        out.append("  { auto& v = s.add(S%d{}); v.name = \"x\"; }" % m)
    out.append("  s.commit();")
    out.append("}")
    return "\n".join(out) + "\n"


def object_code(path):
    """(functions, bytes) of the code in an object file: its text symbols as `nm -S` lists them.
    Unlike time, it does not depend on the machine's speed."""
    r = subprocess.run(["nm", "-S", "--defined-only", path], capture_output=True, text=True)
    functions, size = 0, 0
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[2] in ("t", "T", "w", "W"):
            functions += 1
            size += int(parts[1], 16)
    return functions, size


def analytics_tu(queries=250, models=6):
    """A translation unit shaped like an analytics module: `models` models chained by foreign
    keys and `queries` typed statements in the proportions such a file has — filtered and
    ordered selects, joins, GROUP BY/HAVING, window functions, derived tables, CTEs, upserts,
    UPDATE/DELETE builders, dynamic filters, raw SQL and by-key calls — each compiled into its
    own function, as a real module's functions are. The statements differ in their columns and
    conditions, so nearly every one is a C++ type of its own (as in a real file): a compiler
    does the work of each."""
    out = ["#include <tabula/tabula.hpp>", "#include <cstdint>", "#include <optional>",
           "#include <string>", "#include <tuple>", "#include <vector>", "",
           "using tabula::col;", ""]
    for m in range(models):
        out.append("struct A%d {" % m)
        out.append("  std::int64_t id = 0;")
        out.append("  std::int32_t n = 0;")
        out.append("  double x = 0;")
        out.append("  std::string s;")
        out.append("  std::optional<std::string> o;")
        out.append("  bool b = false;")
        if m > 0:
            out.append("  std::int64_t parent_id = 0;")
        out.append("};")
    for m in range(models):
        opts = "tabula::unique(&A%d::s)" % m
        if m > 0:
            opts += (", tabula::foreign_key(&A%d::parent_id, &A%d::id), tabula::index(&A%d::parent_id)"
                     % (m, m - 1, m))
        out.append("template <> struct tabula::schema<A%d> {\n  static constexpr auto table = "
                   "\"a%d\";\n  static constexpr auto options = tabula::options(%s);\n};"
                   % (m, m, opts))
    out.append("struct per_parent { std::int64_t parent_id; std::int64_t rows; };")
    out.append("struct chain_row { std::int64_t id; std::int32_t depth; };")
    out.append("")
    # Kinds and their weight in a cycle of 20 statements.
    kinds = (["select"] * 4 + ["join"] * 3 + ["group"] * 3 + ["window"] * 2 + ["derived"] +
             ["cte"] + ["upsert"] + ["update"] + ["delete"] + ["filter"] + ["raw"] + ["by_key"])
    for q in range(queries):
        m = q % models
        c = max(m, 1)          # a model with a parent
        p = c - 1
        kind = kinds[q % len(kinds)]
        v = (q // len(kinds)) % 4  # which variant of the kind: other columns and conditions
        num = ["n", "x", "n", "x"][v]
        other = ["x", "n", "x", "n"][v]
        # A condition on model `t`, different per variant.
        def cond(t):
            return ["col(&A{t}::n) > {q} && col(&A{t}::x) < {q}.5",
                    "col(&A{t}::x) >= {q}.0 && col(&A{t}::s) != \"k{q}\"",
                    "col(&A{t}::n) < {q} || col(&A{t}::b) == true",
                    "tabula::is_not_null(&A{t}::o) && col(&A{t}::n) != {q}"][v].format(t=t, q=q)
        out.append("std::size_t q%d(tabula::engine& db) {" % q)
        if kind == "select":
            out.append("  return db.query<A%d>().where(%s).order_by(tabula::desc(&A%d::%s))"
                       ".limit(10).all().size();" % (m, cond(m), m, num))
        elif kind == "join":
            out.append("  return db.select(col(&A%d::s), col(&A%d::%s)).join<A%d>(col(&A%d::parent_id) == "
                       "col(&A%d::id)).where(%s).all().size();" % (p, c, num, c, c, p, cond(c)))
        elif kind == "group":
            out.append("  return db.select(col(&A%d::%s), tabula::count(), tabula::avg(&A%d::%s))"
                       ".group_by(&A%d::%s).having(tabula::count() > %d).order_by(&A%d::%s).all().size();"
                       % (m, ["n", "b", "s", "n"][v], m, ["x", "n", "x", "n"][v], m,
                          ["n", "b", "s", "n"][v], q % 7, m, ["n", "b", "s", "n"][v]))
        elif kind == "window":
            out.append("  const auto rn = tabula::%s().over(tabula::partition_by(col(&A%d::%s)), "
                       "tabula::order_by(tabula::desc(col(&A%d::%s))));"
                       % (["row_number", "rank", "row_number", "rank"][v], m,
                          ["n", "b", "s", "n"][v], m, num))
            out.append("  return db.select(col(&A%d::id), col(&A%d::%s), rn.as<\"rn\">())"
                       ".order_by(col(&A%d::n), rn).all().size();" % (m, m, other, m))
        elif kind == "derived":
            out.append("  using counts = tabula::derived<per_parent, \"counts\">;")
            out.append("  return db.select(col(&A%d::%s), col<counts>(&per_parent::rows))"
                       ".from(counts::as(tabula::select(col(&A%d::parent_id), tabula::count())"
                       ".group_by(col(&A%d::parent_id)))).join<A%d>(col(&A%d::id) == "
                       "col<counts>(&per_parent::parent_id)).all().size();"
                       % (p, ["s", "n", "x", "b"][v], c, c, p, p))
        elif kind == "cte":
            out.append("  using chain = tabula::cte<chain_row, \"chain\">;")
            out.append("  const auto walk = chain::as(tabula::select(col(&A%d::id), tabula::val(%d))"
                       ".where(%s));" % (m, v, cond(m)))
            out.append("  return db.select(tabula::all_of<chain>).with(walk)"
                       ".order_by(col<chain>(&chain_row::depth)).all().size();")
        elif kind == "upsert":
            out.append("  A%d v{}; v.s = \"k%d\"; v.x = %d.25;" % (m, q, q))
            out.append("  return static_cast<std::size_t>(db.insert_into<A%d>().values(v)"
                       ".on_conflict(&A%d::s).do_update(col(&A%d::%s) = tabula::excluded(&A%d::%s))"
                       ".execute());" % (m, m, m, num, m, num))
        elif kind == "update":
            out.append("  return static_cast<std::size_t>(db.update<A%d>().set(col(&A%d::%s) = "
                       "col(&A%d::%s) + 1).where(%s).execute());" % (m, m, num, m, num, cond(m)))
        elif kind == "delete":
            out.append("  return static_cast<std::size_t>(db.delete_from<A%d>()"
                       ".where(%s).execute());" % (m, cond(m)))
        elif kind == "filter":
            out.append("  tabula::filter<A%d> f;" % m)
            out.append("  if (%d %% 2 == 0) f &= col(&A%d::%s) > %d;" % (q, m, num, q))
            out.append("  f &= tabula::like(&A%d::s, \"k%%\");" % m)
            out.append("  return db.query<A%d>().where(f).all().size();" % m)
        elif kind == "raw":
            out.append("  return db.sql<std::tuple<std::int64_t, %s>>(\"SELECT id, %s FROM a%d "
                       "WHERE n > ?\", %d).all().size();"
                       % (["double", "std::int32_t", "double", "std::int32_t"][v], other, m, q))
        else:
            out.append("  return db.get<A%d>(%d).has_value() ? 1u : 0u;" % (m, q))
        out.append("}")
    out.append("")
    out.append("std::size_t run_all(tabula::engine& db) {")
    out.append("  std::size_t total = 0;")
    for q in range(queries):
        out.append("  total += q%d(db);" % q)
    out.append("  return total;")
    out.append("}")
    return "\n".join(out) + "\n"


def compile_cost(args, tmp):
    """Compile time, memory and code of a few translation units, one job each: the umbrella
    header alone, the example, the small generated TU, the session TUs of 1 and 5 models, and
    the analytics TU at 50 and 250 statements (per statement figures for those), with g++ and
    clang++ at -O0 -g and -O2. Each compilation runs `args.compile_repeat` times, in rounds over
    the whole list (so that a drift of the machine's speed spreads over all of them); a row
    reports the fastest run and its memory, and the functions and bytes of code in the object
    (the same in every run)."""
    sources = []  # (label, path, statements or None)
    alone = os.path.join(tmp, "include_alone.cpp")
    with open(alone, "w") as f:
        f.write("#include <tabula/tabula.hpp>\nint main() { return 0; }\n")
    sources.append(("`#include <tabula/tabula.hpp>` alone", alone, None))
    example = os.path.join(ROOT, "examples", "experiment_tracker.cpp")
    if os.path.exists(example):
        sources.append(("`examples/experiment_tracker.cpp`", example, None))
    gen = os.path.join(tmp, "generated_10_models_50_queries.cpp")
    with open(gen, "w") as f:
        f.write(generated_tu())
    sources.append(("generated TU: 10 models, 50 queries", gen, None))
    for n in (1, 5):
        path = os.path.join(tmp, "session_%d.cpp" % n)
        with open(path, "w") as f:
            f.write(session_tu(n))
        label = "session TU: 1 model added" if n == 1 else "session TU: %d models added" % n
        sources.append((label, path, None))
    for n in (50, 250):
        path = os.path.join(tmp, "analytics_%d.cpp" % n)
        with open(path, "w") as f:
            f.write(analytics_tu(n))
        sources.append(("analytics TU: 6 models, %d statements" % n, path, n))
    compilers = [args.cxx] + [c for c in ("clang++",) if c != args.cxx and shutil.which(c)]
    jobs = [(label, src, statements, cxx, flags) for label, src, statements in sources
            for cxx in compilers for flags in (["-O0", "-g"], ["-O2"])]
    best = {}  # job index -> (user, MiB) of the fastest run, or an error text
    code = {}  # job index -> (functions, bytes) of the object
    for _ in range(args.compile_repeat):
        for i, (label, src, statements, cxx, flags) in enumerate(jobs):
            if isinstance(best.get(i), str):
                continue
            cmd = ["/usr/bin/time", "-v", cxx, "-std=c++20"] + flags + [
                "-I", os.path.join(ROOT, "include"), "-c", src, "-o", os.path.join(tmp, "x.o")]
            r = subprocess.run(cmd, capture_output=True, text=True)
            rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
            user = re.search(r"User time \(seconds\): ([\d.]+)", r.stderr)
            if r.returncode != 0 or not user:
                if i not in best:  # a failure after a good run keeps the good run
                    err = "\n".join(l for l in r.stderr.splitlines() if "error" in l)[:400]
                    best[i] = err or "failed"
                continue
            run = (float(user.group(1)), int(rss.group(1)) / 1024.0)
            if i not in code:
                code[i] = object_code(os.path.join(tmp, "x.o"))
            if i not in best or run[0] < best[i][0]:
                best[i] = run
    rows = []
    for i, (label, src, statements, cxx, flags) in enumerate(jobs):
        tag = "%s `%s`" % (os.path.basename(cxx), " ".join(flags))
        if isinstance(best[i], str):
            rows.append((label, tag, None, None, None, statements, best[i]))
        else:
            rows.append((label, tag, best[i][0], best[i][1], code.get(i), statements, ""))
    return rows, gen


def compile_cost_table(rows):
    """The compile-cost rows as a Markdown table."""
    L = ["| translation unit | compiler, flags | user CPU | peak memory | code: functions, KB "
         "| per statement |",
         "|---|---|---|---|---|---|"]
    for label, tag, user, mib, code, statements, err in rows:
        if user is None:
            L.append("| %s | %s | failed: %s | | | |" % (label, tag, err.replace("|", "/")))
            continue
        per = ("%.3f s, %.1f MiB" % (user / statements, mib / statements)) if statements else ""
        size = "{:,}, {:,.1f}".format(code[0], code[1] / 1000.0) if code else ""
        L.append("| %s | %s | %.2f s | %.0f MiB | %s | %s |" % (label, tag, user, mib, size, per))
    return L


def fmt_time(us):
    if us >= 1000:
        return "%.2f ms" % (us / 1000)
    if us >= 10:
        return "%.1f µs" % us
    return "%.2f µs" % us


def summarize(runner):
    """(backend, op, system, variant) -> dict(median_us, spread, rss_mib, n, rows)."""
    s = {}
    for key, rs in runner.results.items():
        if not isinstance(rs, list) or not rs:
            continue
        per_unit = [r["seconds"] / r["n"] * 1e6 for r in rs]
        med = statistics.median(per_unit)
        s[key] = {"us": med, "spread": (max(per_unit) - min(per_unit)) / med if med else 0,
                  "rss": max(r["maxrss_kib"] for r in rs) / 1024.0, "n": rs[0]["n"],
                  "rows": rs[0]["rows"], "reps": len(rs),
                  "total": statistics.median(r["seconds"] for r in rs)}
    return s


def baseline(summary, backend, op):
    best = None
    for (b, o, system, variant), v in summary.items():
        if b == backend and o == op and system == "raw":
            if best is None or v["us"] < best[1]["us"]:
                best = (variant, v)
    return best


BEGIN_MARK = "<!-- bench/run.py: generated results begin -->"
END_MARK = "<!-- bench/run.py: generated results end -->"
HEADER = """# Performance

tabula measured side by side with the raw C APIs it sits on (sqlite3 and libpq, used the fast
way) and with what a C++ or Python programmer would otherwise pick: SOCI 4.0 and SQLAlchemy 1.4
(Core and ORM).

## How to reproduce

```sh
scripts/bench.sh
```

installs what is missing from Debian, builds in Release into `build-bench/`, starts a throwaway
PostgreSQL server, runs every system interleaved and rewrites the results below. Arguments are
passed to `bench/run.py` (`--reps`, `--scale`, `--backends`, `--ops`, `--no-callgrind`, `--out`).

"""


def write_report(args, runner, summary, compile_rows, machine, started, finished, gen_path):
    settings = []
    for name in ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers"):
        v = sh("psql -XAtq -h %s -p %s -U postgres -c 'show %s'" % (
            shlex.quote(args.pg_host), args.pg_port, name))
        if v:
            settings.append("`%s=%s`" % (name, v))
    pg_settings = ", ".join(settings) or "its defaults"
    L = []
    L.append(BEGIN_MARK)
    L.append("")
    L.append("Generated by `%s`." % args.command_line)
    L.append("")
    L.append("## Machine")
    L.append("")
    for k, v in machine:
        L.append("- %s: %s" % (k, v))
    L.append("- run: %s → %s (UTC)" % (started, finished))
    L.append("")
    L.append("Wall time on a shared machine is noisy: the ± figure after each time is half the "
             "range (max − min) of the repetitions relative to their median, and the load average "
             "above says how busy the machine was. Instruction counts (callgrind) do not depend on load and are the figures to "
             "compare when the spread is large.")
    L.append("")
    L.append("## What is measured")
    L.append("")
    L.append("Schema: `users(id, name, email, age, score, created)` with an index on `score`, and "
             "`posts(id, user_id → users.id, title, body)` with an index on `user_id`. Every "
             "SQLite connection runs with `PRAGMA foreign_keys=ON`; the file backend adds "
             "`journal_mode=WAL` and `synchronous=NORMAL`. PostgreSQL is the throwaway server "
             "the test suite uses, configured with %s: commits do not wait for the disk, so the "
             "figures show client, protocol and server CPU cost rather than the disk's." % pg_settings)
    L.append("")
    L.append("O13 and O14 run on a third table, `events(id, created_at, key, params)`: a "
             "`sys_time<microseconds>`, a `tabula::uuid` and an `nlohmann::json` per row "
             "(`TIMESTAMPTZ`, `UUID`, `JSONB` on PostgreSQL; ISO-8601 text, a 16-byte blob and "
             "JSON text with a `json_valid` CHECK on SQLite). tabula inserts with `insert` per "
             "row and reads with `all<T>()`; the raw drivers do the same conversions by hand, as "
             "tabula does them (bench/common/typed_rows.hpp): on SQLite the timestamp written "
             "and parsed digit by digit, the UUID bound and read as a blob; on PostgreSQL the "
             "binary `TIMESTAMPTZ` and `UUID` forms, the document sent as text and read in "
             "`JSONB`'s binary form; the document dumped and parsed by nlohmann/json on both. "
             "SOCI and SQLAlchemy do not run them.")
    L.append("")
    L.append("| op | what | memory n / rows | file n / rows | postgres n / rows |")
    L.append("|---|---|---|---|---|")
    for op in OPS:
        cells = []
        for b in BACKENDS:
            n, rows, div = SIZES[b][op]
            cells.append("%d / %d (÷%d)" % (int(n * args.scale), int(rows * args.scale), div))
        L.append("| %s | %s | %s |" % (op, OP_TEXT[op], " | ".join(cells)))
    L.append("")
    L.append("(÷k: SQLAlchemy runs the operation k times smaller, since Python costs 10–100× more "
             "per row; all times are reported **per unit** — per row, per lookup, per query — "
             "so they stay comparable. Check values are compared between systems that ran the same "
             "sizes.)")
    L.append("")
    L.append("**tabula session** is tabula's unit of work doing what SQLAlchemy ORM does, at "
             "SQLAlchemy's sizes (÷k), so the two ORMs are measured on the same amount of work: "
             "O1 `add` + `commit` per object; O2 `add` of every object, one `commit`; O4 "
             "`get<User>(key)`; O5 `query<User>().all()`; O6/O7 objects loaded into the session "
             "before the clock, changed or `remove`d, one `commit`; O8 two tracked queries "
             "(users, then posts) grouped by hand; O9 the filtered query through the session; "
             "O10 `s.query<User>().all()` and `s.load(users, &User::posts)` (SQLAlchemy: "
             "`selectinload`); O11 `s.joined(&User::posts)` (`joinedload`); O12 users built "
             "with their posts in `many<Post>` before the clock, then `add` of each user and one "
             "`commit` (`add_all` + `commit`). The tabula column of O10 is the core's "
             "`tabula::load` into plain values; O11 and O12 are the session's only. O3 has no session API (bulk "
             "loading is the core's `insert_many`, in the tabula column): n/a. Its flushes "
             "compare every tracked object with its snapshot, so its cost per unit grows with "
             "the objects a session holds; see docs/session.md.")
    L.append("")
    L.append("- **Time** = median over %d repetitions of (wall time of the operation) / n, each "
             "repetition a fresh process that builds and fills its own database first (untimed); "
             "repetitions of all systems are interleaved. **×raw** = that median divided by the "
             "fastest raw variant's median for the same backend and operation." % args.reps)
    L.append("- **Peak RSS** = the process's high-water mark (`VmHWM`) at exit: it includes the untimed setup "
             "(generating and loading the rows) and, for SQLAlchemy, the Python interpreter; it "
             "is an upper bound of what the operation needs, not a delta.")
    L.append("- **Instructions** = user-space instructions per unit of the timed region only "
             "(callgrind with collection switched on around it), run at a tenth of the size above. "
             "`perf stat -e instructions:u` reports `<not supported>` on this machine (no "
             "hardware counters in the VM), hence callgrind. For PostgreSQL this counts the client "
             "process only.")
    L.append("- Raw baselines: prepared statements reused, SQLITE_STATIC binds, one transaction per "
             "batch; libpq with PQprepare/PQexecPrepared and binary parameters and results. O3 raw "
             "is the best of several bulk strategies (listed under each table).")
    L.append("- SQLite in memory: tabula's `sqlite://:memory:` is one in-memory database its pool's "
             "connections share, through SQLite's memdb VFS; raw sqlite3 opens the same "
             "(`file:/bench-memory?vfs=memdb`), so both measure the same storage. SOCI and "
             "Python open a private `:memory:`.")
    L.append("")
    for backend in args.backends:
        L.append("## %s" % BACKEND_TEXT[backend])
        L.append("")
        head = ["op"]
        for system in SYSTEMS:
            head += ["%s" % SYSTEM_TEXT[system]]
        L.append("Time per unit (×raw, spread):")
        L.append("")
        L.append("| " + " | ".join(head) + " |")
        L.append("|" + "---|" * len(head))
        for op in args.ops:
            base = baseline(summary, backend, op)
            row = [op]
            for system in SYSTEMS:
                if runner.status.get(system) != "ok":
                    row.append(runner.status.get(system, "—"))
                    continue
                if system == "raw":
                    if base is None:
                        row.append("failed")
                        continue
                    v = base[1]
                    row.append("%s (%s, ±%.0f%%)" % (fmt_time(v["us"]), base[0] or "1.00×",
                                                     v["spread"] * 50))
                    continue
                key = (backend, op, system, "")
                if runner.results.get(key) == "unsupported" or (
                        op in TYPED_OPS and system not in TYPED_SYSTEMS):
                    row.append("n/a")
                    continue
                v = summary.get(key)
                if v is None or base is None:
                    row.append("failed")
                    continue
                row.append("%s (**%.2f×**, ±%.0f%%)" % (fmt_time(v["us"]), v["us"] / base[1]["us"],
                                                       v["spread"] * 50))
            L.append("| " + " | ".join(row) + " |")
        L.append("")
        raw_o3 = [(v, summary.get((backend, "O3", "raw", v))) for v in RAW_VARIANTS[backend]]
        raw_o3 = [(v, s) for v, s in raw_o3 if s]
        if raw_o3 and "O3" in args.ops:
            L.append("O3 raw variants: " + ", ".join("`%s` %s" % (v, fmt_time(s["us"]))
                                                     for v, s in raw_o3) + ".")
            L.append("")
        L.append("Peak RSS (MiB) and instructions per unit:")
        L.append("")
        head = ["op"] + ["%s RSS" % SYSTEM_TEXT[s] for s in SYSTEMS] + \
               ["instr. raw", "instr. tabula", "tabula/raw", "instr. session", "session/raw"]
        L.append("| " + " | ".join(head) + " |")
        L.append("|" + "---|" * len(head))
        for op in args.ops:
            row = [op]
            base = baseline(summary, backend, op)
            for system in SYSTEMS:
                if system == "raw" and base:
                    row.append("%.0f" % base[1]["rss"])
                    continue
                v = summary.get((backend, op, system, ""))
                row.append("%.0f" % v["rss"] if v else "—")
            raw_variant = base[0] if base else ""
            ir_raw = runner.callgrind.get((backend, op, "raw", raw_variant))
            ir_tab = runner.callgrind.get((backend, op, "tabula", ""))
            row.append("%.0f" % ir_raw if ir_raw else "—")
            row.append("%.0f" % ir_tab if ir_tab else "—")
            row.append("**%.2f×**" % (ir_tab / ir_raw) if ir_raw and ir_tab else "—")
            ir_ses = runner.callgrind.get((backend, op, "tabula_session", ""))
            row.append("%.0f" % ir_ses if ir_ses else "—")
            row.append("**%.2f×**" % (ir_ses / ir_raw) if ir_raw and ir_ses else "—")
            L.append("| " + " | ".join(row) + " |")
        L.append("")
    if compile_rows:
        L.append("## Compile cost")
        L.append("")
        L.append("`/usr/bin/time -v CXX -std=c++20 FLAGS -I include -c FILE` (one translation unit, "
                 "one job). The generated TU (`bench/run.py`, function `generated_tu`) declares 10 "
                 "models of 7–8 fields with schema options and runs 50 typed queries "
                 "(filtered/ordered/limited selects, gets, inserts, updates). The session TUs "
                 "(function `session_tu`) add one object of each of 1 or 5 models (an id and five "
                 "fields) to a session and commit. The analytics TUs "
                 "(function `analytics_tu`) declare 6 models chained by foreign keys and hold 50 or "
                 "250 statements, one function each, in the proportions of an analytics module: "
                 "per 20, 4 filtered selects, 3 joins, 3 GROUP BY/HAVING, 2 window functions, a "
                 "derived table, a CTE, an upsert, an UPDATE, a DELETE, a dynamic filter, raw SQL "
                 "and a get by key; their columns and conditions vary, so nearly every statement "
                 "is a type of its own. The code column counts the functions in the object file "
                 "and the bytes of their code (`nm -S`, text symbols): it is the same in every run "
                 "and on any machine with the same compilers and headers.")
        L.append("")
        L.append("Best of %d runs each, in rounds over the whole list." % args.compile_repeat)
        L.append("")
        L.extend(compile_cost_table(compile_rows))
        L.append("")
    if runner.errors:
        L.append("## Problems in this run")
        L.append("")
        for e in runner.errors:
            L.append("- " + e.replace("\n", " "))
        L.append("")
    L.append(END_MARK)
    generated = "\n".join(L) + "\n\n"
    # Only the block between the markers is regenerated: the text around it is kept.
    text = HEADER + generated
    if os.path.exists(args.out):
        with open(args.out) as f:
            old = f.read()
        if BEGIN_MARK in old and END_MARK in old:
            text = old[:old.index(BEGIN_MARK)] + generated + \
                old[old.index(END_MARK) + len(END_MARK):].lstrip("\n")
            if not text.endswith("\n"):
                text += "\n"
    with open(args.out, "w") as f:
        f.write(text)


def machine_info(args):
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    info = [
        ("cores (nproc)", sh("nproc")),
        ("CPU", cpu),
        ("memory", sh("awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo")),
        ("kernel", platform.release()),
        ("OS", sh(". /etc/os-release && echo $PRETTY_NAME")),
        ("compiler", sh(args.cxx + " --version | head -1")),
        ("SQLite", sh(SA_PYTHON + " -c 'import sqlite3; print(sqlite3.sqlite_version)'")),
        ("PostgreSQL", sh("pg_config --version") + " (libpq); server " +
         sh("psql -XAtq -h %s -p %s -U postgres -c 'show server_version'" % (
             shlex.quote(args.pg_host), args.pg_port))),
        ("SOCI", sh("dpkg-query -W -f='${Version}' libsoci-dev")),
        ("SQLAlchemy", sh(SA_PYTHON + " -c 'import sqlalchemy, psycopg2, sys; "
                          "print(sqlalchemy.__version__, \"/ psycopg2\", psycopg2.__version__.split()[0],"
                          " \"/ Python\", sys.version.split()[0])'")),
        ("build", "CMake Release (`-O3 -DNDEBUG`)"),
        ("tabula source", args.tabula_rev or "not recorded"),
    ]
    return info


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    p.add_argument("--pg-host")
    p.add_argument("--pg-port")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--scale", type=float, default=1.0, help="multiply every size by this")
    p.add_argument("--backends", default=",".join(BACKENDS))
    p.add_argument("--ops", default=",".join(OPS))
    p.add_argument("--no-callgrind", action="store_true")
    p.add_argument("--no-compile-cost", action="store_true")
    p.add_argument("--cxx", default="g++")
    p.add_argument("--compile-repeat", type=int, default=3,
                   help="compile each translation unit this many times; report the fastest")
    p.add_argument("--compile-only", action="store_true",
                   help="measure the compile cost alone and print its table (writes no report)")
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.md"))
    p.add_argument("--tabula-rev", default="", help="the tabula source measured (for the report)")
    p.add_argument("--command-line", default="bench/run.py " + " ".join(sys.argv[1:]))
    args = p.parse_args()
    if args.compile_repeat < 1:
        p.error("--compile-repeat must be at least 1")
    if args.compile_only:
        with tempfile.TemporaryDirectory(prefix="tabula-compile-cost-") as tmp:
            rows, _ = compile_cost(args, tmp)
        print("\n".join(compile_cost_table(rows)))
        return 0 if all(r[2] is not None for r in rows) else 1
    if not args.pg_host or not args.pg_port:
        p.error("--pg-host and --pg-port are required (except with --compile-only)")
    args.backends = [b for b in args.backends.split(",") if b]
    args.ops = [o.upper() for o in args.ops.split(",") if o]
    started = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M")
    load_start = os.getloadavg()

    runner = Runner(args)
    runner.probe()
    print("systems: " + ", ".join("%s=%s" % kv for kv in runner.status.items()), file=sys.stderr)
    runner.run_all()
    if not args.no_callgrind:
        runner.run_callgrind()
    compile_rows = []
    gen = None
    if not args.no_compile_cost and os.path.exists(os.path.join(ROOT, "include/tabula/tabula.hpp")):
        compile_rows, gen = compile_cost(args, runner.tmp)
    machine = machine_info(args)
    load_end = os.getloadavg()
    machine.append(("load average (1 min) at start / end",
                    "%.2f / %.2f" % (load_start[0], load_end[0])))
    finished = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M")
    summary = summarize(runner)
    write_report(args, runner, summary, compile_rows, machine, started, finished, gen)
    with open(os.path.join(runner.tmp, "results.json"), "w") as f:
        json.dump({"|".join(k): v for k, v in runner.results.items()}, f)
    print("wrote %s (raw results: %s/results.json)" % (args.out, runner.tmp), file=sys.stderr)
    for e in runner.errors:
        print("problem: " + e, file=sys.stderr)
    return 1 if any("disagree" in e for e in runner.errors) else 0


if __name__ == "__main__":
    sys.exit(main())
