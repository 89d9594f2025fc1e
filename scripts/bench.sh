#!/usr/bin/env bash
# Runs the side-by-side benchmarks (tabula, raw sqlite3/libpq, SOCI, SQLAlchemy) and rewrites
# docs/performance.md with the results.
#
#   scripts/bench.sh [RUN_ARGS...]
#
# Installs what is missing (scripts/deps.sh for the build, plus libsoci-dev, python3-sqlalchemy,
# python3-psycopg2, valgrind and time), builds in Release with TABULA_BUILD_BENCH=ON into
# build-bench/, starts a throwaway PostgreSQL server configured like the one scripts/test.sh
# starts, runs bench/run.py and stops the server. RUN_ARGS go to bench/run.py, e.g.
#   scripts/bench.sh --reps 3 --backends memory,postgres --ops O2,O4
#   scripts/bench.sh --scale 0.1 --no-callgrind --out /tmp/perf.md     (a quick look)
# A full run takes about an hour on 2 shared cores.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
build_dir="$repo/build-bench"
jobs=$(nproc 2>/dev/null || echo 2)

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 0
fi

# --- packages ----------------------------------------------------------------------------------
scripts/deps.sh test
bench_pkgs=(libsoci-dev python3-sqlalchemy python3-psycopg2 valgrind time)
missing=()
for pkg in "${bench_pkgs[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "bench.sh: installing ${missing[*]}"
  as_root=()
  [[ $EUID -ne 0 ]] && as_root=(sudo)
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- build -------------------------------------------------------------------------------------
cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release \
  -DTABULA_BUILD_BENCH=ON -DTABULA_BUILD_TESTS=OFF -DTABULA_BUILD_EXAMPLES=OFF
# One target at a time: a system that does not build is reported as "not built" instead of
# stopping the others (and a stale binary from an earlier build is never measured).
for target in bench_raw_sqlite bench_raw_postgres bench_soci bench_tabula; do
  rm -f "$build_dir/bench/$target"
  if ! cmake --build "$build_dir" -j "$jobs" --target "$target"; then
    echo "bench.sh: WARNING: $target did not build; its column reads \"not built\"" >&2
  fi
done

# --- throwaway PostgreSQL (the one scripts/test.sh starts) ------------------------------------
# shellcheck source=lib/throwaway_pg.sh
source "$repo/scripts/lib/throwaway_pg.sh"
cleanup() {
  local rc=$?
  stop_postgres
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_postgres tabula-bench-pg || {
  echo "bench.sh: the PostgreSQL server could not be started" >&2
  exit 1
}

# --- run -----------------------------------------------------------------------------------------
# The source measured, for the report: the commit, and whether the work tree differs from it.
rev=${TABULA_BENCH_REV:-}
if [[ -z "$rev" ]]; then
  rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo "unknown")
  if ! git -C "$repo" diff --quiet HEAD -- include src CMakeLists.txt cmake 2>/dev/null; then
    rev="$rev with uncommitted changes"
  fi
fi
/usr/bin/python3 bench/run.py --build "$build_dir" --pg-host "$pg_dir" --pg-port "$pg_port" \
  --command-line "scripts/bench.sh${*:+ $*}" --tabula-rev "$rev" "$@"
