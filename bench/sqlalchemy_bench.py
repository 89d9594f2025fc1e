#!/usr/bin/python3
"""SQLAlchemy 1.4 (Debian's python3-sqlalchemy, psycopg2 for PostgreSQL) doing the benchmark's
operations, Core or ORM, the way its documentation presents them: one connection (or session)
reused, executemany for bulk inserts (psycopg2's execute_values under SQLAlchemy 1.4's default
executemany_mode), compiled-statement caching left on, the ORM's unit of work for changes.

Same command line, data, check values and output line as the C++ drivers (bench/common)."""

import argparse
import json
import math
import os
import sys
import time

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, declarative_base, joinedload, relationship, selectinload

MASK = (1 << 64) - 1

# Kept identical to bench::schema_sql (bench/common/bench.cpp).
SCHEMA = {
    "postgres": [
        "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, "
        "age INTEGER NOT NULL, score DOUBLE PRECISION NOT NULL, created TEXT NOT NULL)",
        "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id), "
        "title TEXT NOT NULL, body TEXT NOT NULL)",
        "CREATE INDEX ix_posts_user_id ON posts (user_id)",
        "CREATE INDEX ix_users_score ON users (score)",
    ],
    "sqlite": [
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, "
        "age INTEGER NOT NULL, score REAL NOT NULL, created TEXT NOT NULL)",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), "
        "title TEXT NOT NULL, body TEXT NOT NULL)",
        "CREATE INDEX ix_posts_user_id ON posts (user_id)",
        "CREATE INDEX ix_users_score ON users (score)",
    ],
}
CHECK_SQL = ("SELECT count(*), coalesce(sum(age), 0), "
             "coalesce(sum(length(name) + length(email) + length(created)), 0) FROM users")
GRAPH_CHECK_SQL = ("SELECT count(*), coalesce(sum(user_id * length(title)), 0), "
                   "count(DISTINCT user_id) FROM posts")

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    name = sa.Column(sa.Text, nullable=False)
    email = sa.Column(sa.Text, nullable=False)
    age = sa.Column(sa.Integer, nullable=False)
    score = sa.Column(sa.Float, nullable=False)
    created = sa.Column(sa.Text, nullable=False)
    posts = relationship("Post", order_by="Post.id")


class Post(Base):
    __tablename__ = "posts"
    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    user_id = sa.Column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                        sa.ForeignKey("users.id"), nullable=False, index=True)
    title = sa.Column(sa.Text, nullable=False)
    body = sa.Column(sa.Text, nullable=False)


users_t = User.__table__
posts_t = Post.__table__


# --- data, identical to bench/common/bench.cpp ------------------------------------------------
def make_user(i):
    created = "2024-%02d-%02d %02d:%02d:%02d" % (1 + i % 12, 1 + i % 28, i % 24, i % 60,
                                                 (i // 60) % 60)
    return {"name": "user %d" % i, "email": "user%d@example.com" % i, "age": 18 + (i * 7) % 60,
            "score": ((i * 7919) % 10000) / 10000.0, "created": created}


def make_users(count):
    return [make_user(i) for i in range(1, count + 1)]


def make_post(user_id, j):
    return {"user_id": user_id, "title": "post %d of user %d" % (j, user_id),
            "body": "A short body of text that stands for the content of a post, about a hundred "
                    "characters long."}


def key_at(k, rows):
    stride = 7919
    while rows % stride == 0:
        stride += 2
    return (k % rows) * stride % rows + 1


def o9_at(k):
    return 20 + k % 40, 0.3 + (k % 50) / 100.0


def fnv(s, h=1469598103934665603):
    for b in s.encode():
        h ^= b
        h = (h * 1099511628211) & MASK
    return h


class Checksum:
    def __init__(self):
        self.count = 0
        self.sum = 0

    def add_user(self, uid, name, email, age, score, created):
        h = fnv(created, fnv(email, fnv(name)))
        h ^= (uid * 0x9E3779B97F4A7C15) & MASK
        h = (h + age * 31) & MASK
        h = (h + int(math.floor(score * 1e6 + 0.5))) & MASK
        self.count += 1
        self.sum = (self.sum + h) & MASK

    def add_post(self, pid, title, body):
        self.sum = (self.sum + pid + len(title.encode()) + len(body.encode())) & MASK

    def __str__(self):
        return "%d:%d" % (self.count, self.sum)


# --- setup --------------------------------------------------------------------------------------
def make_engine(args):
    if args.backend == "postgres":
        url = "postgresql+psycopg2://postgres@/%s?host=%s&port=%s" % (args.pg_db, args.pg_host,
                                                                      args.pg_port)
        return sa.create_engine(url, future=True)
    if args.backend == "memory":
        engine = sa.create_engine("sqlite://", future=True)
    else:
        path = os.path.join(args.dir, "bench.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        engine = sa.create_engine("sqlite:///" + path, future=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cur = dbapi_connection.cursor()
        if args.backend == "file":
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return engine


def create_schema(conn, backend):
    with conn.begin():
        if backend == "postgres":
            conn.exec_driver_sql("SET client_min_messages = warning")
            conn.exec_driver_sql("DROP TABLE IF EXISTS posts")
            conn.exec_driver_sql("DROP TABLE IF EXISTS users")
        for ddl in SCHEMA["postgres" if backend == "postgres" else "sqlite"]:
            conn.exec_driver_sql(ddl)


def fill(conn, rows, posts_per_user):
    with conn.begin():
        conn.execute(users_t.insert(), make_users(rows))
        if posts_per_user:
            conn.execute(posts_t.insert(), [make_post(u, j) for u in range(1, rows + 1)
                                            for j in range(posts_per_user)])
    with conn.begin():
        conn.exec_driver_sql("ANALYZE")


def check(conn, sql=CHECK_SQL):
    with conn.begin():
        return ":".join(str(v) for v in conn.exec_driver_sql(sql).one())


def updated_users(rows):
    out = make_users(rows)
    for i, u in enumerate(out):
        u["id"] = i + 1
        u["age"] += 1
        u["score"] = 1.0 - u["score"]
    return out


# --- Core ---------------------------------------------------------------------------------------
def run_core(args, conn):
    op, n, rows = args.op, args.n, args.rows
    ins = users_t.insert()
    if op == "O1":
        data = make_users(n)
        t = time.perf_counter()
        for d in data:
            with conn.begin():
                conn.execute(ins, d).inserted_primary_key[0]
        return time.perf_counter() - t, check(conn)
    if op == "O2":
        data = make_users(n)
        t = time.perf_counter()
        with conn.begin():
            for d in data:
                conn.execute(ins, d).inserted_primary_key[0]
        return time.perf_counter() - t, check(conn)
    if op == "O3":
        data = make_users(n)
        t = time.perf_counter()
        with conn.begin():
            conn.execute(ins, data)
        return time.perf_counter() - t, check(conn)
    if op == "O4":
        fill(conn, rows, 0)
        stmt = sa.select(users_t).where(users_t.c.id == sa.bindparam("uid"))
        c = Checksum()
        t = time.perf_counter()
        with conn.begin():
            for k in range(n):
                r = conn.execute(stmt, {"uid": key_at(k, rows)}).one()
                c.add_user(r.id, r.name, r.email, r.age, r.score, r.created)
        return time.perf_counter() - t, str(c)
    if op == "O5":
        fill(conn, rows, 0)
        t = time.perf_counter()
        with conn.begin():
            result = conn.execute(sa.select(users_t)).all()
        elapsed = time.perf_counter() - t
        c = Checksum()
        for r in result:
            c.add_user(r.id, r.name, r.email, r.age, r.score, r.created)
        return elapsed, str(c)
    if op == "O6":
        fill(conn, rows, 0)
        data = updated_users(rows)
        stmt = users_t.update().where(users_t.c.id == sa.bindparam("uid")).values(
            name=sa.bindparam("name"), email=sa.bindparam("email"), age=sa.bindparam("age"),
            score=sa.bindparam("score"), created=sa.bindparam("created"))
        t = time.perf_counter()
        with conn.begin():
            for k in range(n):
                d = data[key_at(k, rows) - 1]
                conn.execute(stmt, {"uid": d["id"], "name": d["name"], "email": d["email"],
                                    "age": d["age"], "score": d["score"], "created": d["created"]})
        return time.perf_counter() - t, check(conn)
    if op == "O7":
        fill(conn, rows, 0)
        stmt = users_t.delete().where(users_t.c.id == sa.bindparam("uid"))
        t = time.perf_counter()
        with conn.begin():
            for k in range(n):
                conn.execute(stmt, {"uid": key_at(k, rows)})
        return time.perf_counter() - t, check(conn)
    if op == "O8":
        fill(conn, rows, args.posts_per_user)
        stmt = (sa.select(users_t, posts_t.c.id.label("post_id"), posts_t.c.user_id,
                          posts_t.c.title, posts_t.c.body)
                .join(posts_t, posts_t.c.user_id == users_t.c.id)
                .order_by(users_t.c.id, posts_t.c.id))
        t = time.perf_counter()
        out = []
        with conn.begin():
            for r in conn.execute(stmt):
                if not out or out[-1][0].id != r.id:
                    out.append((r, []))
                out[-1][1].append(r)
        elapsed = time.perf_counter() - t
        c = Checksum()
        for u, posts in out:
            c.add_user(u.id, u.name, u.email, u.age, u.score, u.created)
            for p in posts:
                c.add_post(p.post_id, p.title, p.body)
        return elapsed, str(c)
    if op == "O9":
        fill(conn, rows, 0)
        c = Checksum()
        t = time.perf_counter()
        with conn.begin():
            for k in range(n):
                min_age, max_score = o9_at(k)
                stmt = (sa.select(users_t)
                        .where(sa.and_(users_t.c.age > min_age, users_t.c.score < max_score))
                        .order_by(users_t.c.score.desc()).limit(10))
                for r in conn.execute(stmt).all():
                    c.add_user(r.id, r.name, r.email, r.age, r.score, r.created)
        return time.perf_counter() - t, str(c)
    raise SystemExit(3)


# --- ORM ----------------------------------------------------------------------------------------
def run_orm(args, conn):
    op, n, rows = args.op, args.n, args.rows
    if op in ("O1", "O2", "O3"):
        data = make_users(n)
        session = Session(bind=conn, future=True, expire_on_commit=False)
        t = time.perf_counter()
        if op == "O1":
            for d in data:
                u = User(**d)
                session.add(u)
                session.commit()
                u.id  # noqa: B018  (the id is loaded, as the C++ systems fill it)
        elif op == "O2":
            # The unit of work: objects added, one commit flushes them (an INSERT per object,
            # since each id is fetched).
            session.add_all([User(**d) for d in data])
            session.commit()
        else:
            session.bulk_insert_mappings(User, data)
            session.commit()
        elapsed = time.perf_counter() - t
        session.close()
        return elapsed, check(conn)
    if op in ("O4", "O5", "O6", "O7", "O9"):
        fill(conn, rows, 0)
    if op in ("O8", "O10", "O11"):
        fill(conn, rows, args.posts_per_user)
    if op == "O12":
        users = []
        for i in range(1, n + 1):
            u = User(**make_user(i))
            u.posts = [Post(title=p["title"], body=p["body"])
                       for p in (make_post(i, j) for j in range(args.posts_per_user))]
            users.append(u)
        session = Session(bind=conn, future=True, expire_on_commit=False)
        t = time.perf_counter()
        session.add_all(users)
        session.commit()
        elapsed = time.perf_counter() - t
        session.close()
        return elapsed, check(conn, GRAPH_CHECK_SQL)
    session = Session(bind=conn, future=True, expire_on_commit=False)
    c = Checksum()
    if op == "O4":
        t = time.perf_counter()
        for k in range(n):
            u = session.get(User, key_at(k, rows))
            c.add_user(u.id, u.name, u.email, u.age, u.score, u.created)
        elapsed = time.perf_counter() - t
        session.commit()
        return elapsed, str(c)
    if op == "O5":
        t = time.perf_counter()
        result = session.execute(sa.select(User)).scalars().all()
        elapsed = time.perf_counter() - t
        for u in result:
            c.add_user(u.id, u.name, u.email, u.age, u.score, u.created)
        return elapsed, str(c)
    if op in ("O6", "O7"):
        # The unit of work changes objects the session holds; they are loaded before the clock.
        by_id = {u.id: u for u in session.execute(sa.select(User)).scalars().all()}
        data = updated_users(rows)
        t = time.perf_counter()
        for k in range(n):
            key = key_at(k, rows)
            u = by_id[key]
            if op == "O6":
                d = data[key - 1]
                u.name, u.email, u.age = d["name"], d["email"], d["age"]
                u.score, u.created = d["score"], d["created"]
            else:
                session.delete(u)
        session.commit()
        elapsed = time.perf_counter() - t
        session.close()
        return elapsed, check(conn)
    if op == "O8":
        t = time.perf_counter()
        result = (session.execute(sa.select(User).options(joinedload(User.posts)).order_by(User.id))
                  .unique().scalars().all())
        elapsed = time.perf_counter() - t
        for u in result:
            c.add_user(u.id, u.name, u.email, u.age, u.score, u.created)
            for p in u.posts:
                c.add_post(p.id, p.title, p.body)
        return elapsed, str(c)
    if op in ("O10", "O11"):
        loader = selectinload if op == "O10" else joinedload
        t = time.perf_counter()
        result = session.execute(sa.select(User).options(loader(User.posts))).unique().scalars().all()
        elapsed = time.perf_counter() - t
        for u in result:
            c.add_user(u.id, u.name, u.email, u.age, u.score, u.created)
            for p in u.posts:
                c.add_post(p.id, p.title, p.body)
        session.commit()
        return elapsed, str(c)
    if op == "O9":
        t = time.perf_counter()
        for k in range(n):
            min_age, max_score = o9_at(k)
            stmt = (sa.select(User).where(User.age > min_age, User.score < max_score)
                    .order_by(User.score.desc()).limit(10))
            for u in session.execute(stmt).scalars().all():
                c.add_user(u.id, u.name, u.email, u.age, u.score, u.created)
        elapsed = time.perf_counter() - t
        session.commit()
        return elapsed, str(c)
    raise SystemExit(3)


def peak_rss_kib():
    # VmHWM rather than ru_maxrss, which keeps the forking parent's high-water mark across exec.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=("core", "orm"), required=True)
    p.add_argument("--op", required=True)
    p.add_argument("--backend", choices=("memory", "file", "postgres"), required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--rows", type=int, default=0)
    p.add_argument("--posts-per-user", type=int, default=10)
    p.add_argument("--variant", default="")
    p.add_argument("--dir", default="")
    p.add_argument("--pg-host", default="")
    p.add_argument("--pg-port", default="")
    p.add_argument("--pg-db", default="postgres")
    args = p.parse_args()
    args.op = args.op.upper()
    if args.rows == 0:
        args.rows = args.n
    engine = make_engine(args)
    with engine.connect() as conn:
        create_schema(conn, args.backend)
        seconds, chk = (run_core if args.mode == "core" else run_orm)(args, conn)
    print(json.dumps({
        "system": "sqlalchemy_" + args.mode, "variant": args.variant, "backend": args.backend,
        "op": args.op, "n": args.n, "rows": args.rows, "seconds": seconds, "instructions": None,
        "maxrss_kib": peak_rss_kib(), "check": chk}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
