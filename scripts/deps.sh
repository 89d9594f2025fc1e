#!/usr/bin/env bash
# Installs the Debian packages tabula needs, skipping those already installed.
#
#   scripts/deps.sh [SET...]
#
# Sets (default: all):
#   build    compiler, CMake, Ninja and the libraries the library itself links
#            (Boost, fmt, SQLite, libpq)
#   example  what scripts/example.sh needs: build (the PostgreSQL driver is part of the build,
#            so libpq-dev is needed, but no server) + nlohmann/json (the example's JSON column)
#   test     example + Catch2 + RapidCheck (property tests) + the PostgreSQL server the
#            behaviour tests start
#   clang    clang++, for the second compiler CI builds with
#   all      everything above
#
# Checking is a dpkg-query per package, so a run with everything present takes a fraction of a
# second and needs neither root nor the network. Missing packages are installed with apt-get
# (through sudo when not root); the package index is refreshed only then.
set -euo pipefail

build_pkgs=(g++ cmake ninja-build libboost1.81-dev libfmt-dev libsqlite3-dev libpq-dev)
# nlohmann-json3-dev: <tabula/types/json.hpp> maps nlohmann::json; the examples and the JSON
# tests need it.
example_pkgs=("${build_pkgs[@]}" nlohmann-json3-dev)
# librapidcheck-dev: the property-based tests (RapidCheck).
test_pkgs=("${example_pkgs[@]}" catch2 librapidcheck-dev postgresql)
clang_pkgs=(clang)

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

wanted=()
[[ $# -eq 0 ]] && set -- all
for set_name in "$@"; do
  case "$set_name" in
    build) wanted+=("${build_pkgs[@]}") ;;
    example) wanted+=("${example_pkgs[@]}") ;;
    test) wanted+=("${test_pkgs[@]}") ;;
    clang) wanted+=("${clang_pkgs[@]}") ;;
    all) wanted+=("${test_pkgs[@]}" "${clang_pkgs[@]}") ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "deps.sh: unknown set '$set_name' (expected build, example, test, clang or all)" >&2
      exit 2
      ;;
  esac
done

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps.sh: dpkg-query not found: this script installs Debian packages; on another" \
    "system install the equivalents of: ${wanted[*]}" >&2
  exit 1
fi

missing=()
declare -A seen=()
for pkg in "${wanted[@]}"; do
  [[ -n "${seen[$pkg]:-}" ]] && continue
  seen[$pkg]=1
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps.sh: all ${#seen[@]} packages present"
  exit 0
fi

echo "deps.sh: installing ${missing[*]}"
if [[ $EUID -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "deps.sh: not root and sudo not found; as root run: apt-get install ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}"
