#!/usr/bin/env bash
# Builds and runs the main example, examples/experiment_tracker.cpp, on embedded SQLite.
#
#   scripts/example.sh [ARGS...]      ARGS are passed to the example
#
# Installs missing packages first (scripts/deps.sh example), configures build/ (Ninja, g++,
# RelWithDebInfo, tests off), builds only the example and runs it from build/examples/, so the
# database file it writes stays inside the build directory.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/deps.sh example
cmake -S . -B build -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTABULA_BUILD_TESTS=OFF -DTABULA_BUILD_EXAMPLES=ON
cmake --build build --target experiment_tracker -j "$(nproc 2>/dev/null || echo 2)"

cd build/examples
echo "=== running build/examples/experiment_tracker"
exec ./experiment_tracker "$@"
