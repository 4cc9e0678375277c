#!/usr/bin/env bash
# Quick start, second command (and CI): the whole test suite. Builds with warnings as errors, runs
# every CTest suite (unit, integration, test oracles, corpus, action), then rebuilds with
# AddressSanitizer + UndefinedBehaviorSanitizer and runs the suites that exercise the code paths
# again under them. Exits 0 only if everything passes.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh --with-test-tools
jobs=$(nproc)

# The shared folder (corpus, seeds) sits beside the checkout. A clone made elsewhere finds it beside
# the local repository it was cloned from; TFKMS_SHARED_DIR, when set, wins.
if [[ -z "${TFKMS_SHARED_DIR:-}" && ! -d ../shared ]]; then
  origin=$(git config --get remote.origin.url || true)
  if [[ -n "$origin" && -d "$origin/../shared" ]]; then
    TFKMS_SHARED_DIR=$(cd "$origin/../shared" && pwd)
    export TFKMS_SHARED_DIR
    echo "== shared folder: $TFKMS_SHARED_DIR (beside $origin)"
  fi
fi

echo "== build (Release, -Werror)"
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Release -DTFKMS_WERROR=ON >/dev/null
cmake --build build/test -j "$jobs"
echo "== tests"
ctest --test-dir build/test --output-on-failure -j "$jobs"

echo "== build (AddressSanitizer + UBSan)"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DTFKMS_SANITIZE=ON -DTFKMS_WERROR=ON >/dev/null
cmake --build build/asan -j "$jobs"
echo "== tests under sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j "$jobs" -L sanitize
