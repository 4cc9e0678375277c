#!/usr/bin/env bash
# Quick start, first command: install what is missing, build a Release tfkms, check the bundled demo
# plan. The exit status is tfkms's own (1: it found problems, which the demo is made to have).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DTFKMS_TESTS=OFF >/dev/null
cmake --build build/release --target tfkms -j "$(nproc)" >/dev/null
echo "\$ tfkms check fixtures/demo/plan.json" >&2
exec build/release/tfkms check fixtures/demo/plan.json "$@"
