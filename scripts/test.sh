#!/usr/bin/env bash
# Builds everything and runs the whole test suite: dry tests, every behaviour test on SQLite and
# on a throwaway PostgreSQL server started here, packaging, compile-fail and example tests.
#
#   scripts/test.sh [--clang] [--sanitize thread|address] [-- CTEST_ARGS...]
#
#   --clang     also build with clang++ (in build-clang/) and run the suite there; on when CI=true
#   --sanitize thread
#               instead, build the thread, pool and session-fault tests with ThreadSanitizer
#               (in build-tsan/) and run them; CI (CI=true) does this after the two compilers
#   --sanitize address
#               instead, build with AddressSanitizer and UBSan (in build-asan/) and run there
#   -- ARGS     passed to ctest, e.g. `scripts/test.sh -- -L sqlite` or `-- -R session`
#
# Installs missing packages first (scripts/deps.sh). With CI=true, warnings are errors, every
# public header is compiled alone, and a PostgreSQL server that cannot be started fails the run
# (elsewhere its tests are reported as skipped). Exits non-zero when anything fails.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

with_clang=0
[[ "${CI:-}" == "true" ]] && with_clang=1
sanitize=""
ctest_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --clang) with_clang=1 ;;
    --sanitize)
      shift
      sanitize=${1:-}
      if [[ "$sanitize" != "thread" && "$sanitize" != "address" ]]; then
        echo "test.sh: --sanitize takes 'thread' or 'address'" >&2
        exit 2
      fi
      with_clang=0
      ;;
    --)
      shift
      ctest_args=("$@")
      break
      ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0
      ;;
    *)
      echo "test.sh: unknown argument '$1' (see --help)" >&2
      exit 2
      ;;
  esac
  shift
done

jobs=$(nproc 2>/dev/null || echo 2)
ci=0
[[ "${CI:-}" == "true" ]] && ci=1

# --- phases with timing ------------------------------------------------------------------------
run_start=$(date +%s)
phase_name=""
phase_start=0
timings=()
phase() {
  phase_end
  phase_name=$1
  phase_start=$(date +%s)
  echo
  echo "=== ${phase_name}"
}
phase_end() {
  if [[ -n "$phase_name" ]]; then
    local secs=$(($(date +%s) - phase_start))
    timings+=("$(printf '%-34s %5ss' "$phase_name" "$secs")")
    echo "=== ${phase_name}: ${secs}s"
    phase_name=""
  fi
}

# --- throwaway PostgreSQL cluster --------------------------------------------------------------
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

# --- build and test with one compiler ----------------------------------------------------------
failures=()
build_and_test() {
  local label=$1 build_dir=$2 cxx=$3
  shift 3
  local extra=("$@")
  # CI: warnings are errors, with either compiler.
  [[ $ci -eq 1 ]] && extra+=(-DTABULA_WARNINGS_AS_ERRORS=ON)

  phase "configure ${build_dir} (${cxx})"
  if ! cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTABULA_BUILD_TESTS=ON -DTABULA_BUILD_EXAMPLES=ON \
    "${extra[@]}"; then
    failures+=("${label}: configure")
    phase_end
    return
  fi

  phase "build ${build_dir}"
  # -k 0: report every target that fails to build, not just the first.
  if ! cmake --build "$build_dir" -j "$jobs" -- -k 0; then
    failures+=("${label}: build")
    phase_end
    return
  fi

  phase "test ${build_dir}"
  local junit="$repo/$build_dir/ctest-results.xml"
  rm -f "$junit"
  if ! ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" --timeout 900 \
    --output-junit "$junit" "${ctest_args[@]}"; then
    failures+=("${label}: tests")
  fi
  count_results "$junit"
  phase_end
}

# Totals over every ctest run, from the JUnit summary ctest writes.
total_tests=0
total_failed=0
total_skipped=0
count_results() {
  local file=$1 tests failed skipped
  [[ -f "$file" ]] || return 0
  attr() { sed -n "s/^[[:space:]]*$1=\"\([0-9]*\)\".*/\1/p" "$file" | head -n 1; }
  tests=$(attr tests)
  failed=$(attr failures)
  skipped=$(attr skipped)
  total_tests=$((total_tests + ${tests:-0}))
  total_failed=$((total_failed + ${failed:-0}))
  total_skipped=$((total_skipped + ${skipped:-0}))
}

phase "dependencies"
deps_sets=(test)
[[ $with_clang -eq 1 ]] && deps_sets+=(clang)
scripts/deps.sh "${deps_sets[@]}"

phase "start PostgreSQL"
unset TABULA_TEST_PG_URL TABULA_TEST_PG_RESTART
if start_postgres tabula-pg; then
  export TABULA_TEST_PG_URL=$pg_url
  export TABULA_TEST_PG_RESTART=$pg_restart
else
  if [[ $ci -eq 1 ]]; then
    echo "test.sh: CI=true and the PostgreSQL server could not be started: failing" >&2
    exit 1
  fi
  echo "test.sh: WARNING: PostgreSQL server could not be started; its tests will be skipped" >&2
fi

# The tests that run threads against one engine, and the pool and session faults they provoke:
# what ThreadSanitizer checks (building only these keeps it to a few minutes on 2 cores).
tsan_targets=(core_threads_test core_pool_test orm_session_faults_test driver_pointer_test)
thread_sanitizer_check() {
  local dir="$repo/build-tsan" regex
  regex="^($(IFS='|'; echo "${tsan_targets[*]}"))(\\.|\$)"
  phase "ThreadSanitizer: ${tsan_targets[*]}"
  rm -f "$dir/ctest-results.xml"
  if cmake -S "$repo" -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTABULA_BUILD_TESTS=ON -DTABULA_BUILD_EXAMPLES=OFF -DTABULA_SANITIZE=thread >/dev/null &&
    cmake --build "$dir" -j "$jobs" --target "${tsan_targets[@]}" &&
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --test-dir "$dir" \
      --output-on-failure -j "$jobs" -R "$regex" --output-junit "$dir/ctest-results.xml"; then
    :
  else
    failures+=("thread sanitizer")
  fi
  count_results "$dir/ctest-results.xml"
  phase_end
}

if [[ "$sanitize" == "thread" ]]; then
  thread_sanitizer_check
elif [[ "$sanitize" == "address" ]]; then
  # The whole suite under AddressSanitizer and UBSan; a report stops the test that made it.
  export ASAN_OPTIONS="detect_leaks=1 abort_on_error=1"
  export UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1"
  build_and_test "g++ address sanitizer" build-asan g++ -DTABULA_SANITIZE=address
else
  gxx_extra=()
  [[ $ci -eq 1 ]] && gxx_extra+=(-DTABULA_CHECK_HEADERS=ON)
  build_and_test "g++" build g++ "${gxx_extra[@]}"
fi

if [[ $with_clang -eq 1 ]]; then
  build_and_test "clang++" build-clang clang++
fi
# CI also runs the thread tests under ThreadSanitizer (the whole suite under ASan + UBSan is
# `--sanitize address`, left out of CI for its build time).
[[ $ci -eq 1 && -z "$sanitize" ]] && thread_sanitizer_check
phase_end

echo
echo "=== timings"
printf '  %s\n' "${timings[@]}"
printf '  %-34s %5ss\n' "total" "$(($(date +%s) - run_start))"
if [[ ${#failures[@]} -gt 0 ]]; then
  echo "test.sh: FAILED: ${failures[*]}" >&2
else
  echo "test.sh: all passed"
fi
echo "tests: $((total_tests - total_failed - total_skipped)) passed, ${total_failed} failed, ${total_skipped} skipped"
[[ ${#failures[@]} -eq 0 ]] || exit 1
