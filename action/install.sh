#!/usr/bin/env bash
# Step 1 of the tfkms action: finds tfkms or builds it from the action's own source, and sets the
# step output `bin` to its path. TFKMS_BUILD (input `build`): auto uses tfkms from PATH when present,
# source always builds (Debian/Ubuntu packages via tools/install-deps.sh, then CMake).
set -euo pipefail
source "$GITHUB_ACTION_PATH/action/lib.sh"

mode=${TFKMS_BUILD:-auto}
if [[ "$mode" != auto && "$mode" != source ]]; then
  annotate_error "input build must be auto or source, not: $mode"
  exit 2
fi

if [[ "$mode" == auto ]] && bin=$(command -v tfkms); then
  echo "tfkms: using $bin"
else
  if ! command -v apt-get >/dev/null; then
    annotate_error "building tfkms needs a Debian or Ubuntu runner (apt-get); put a tfkms binary on PATH instead"
    exit 2
  fi
  build_dir="${RUNNER_TEMP:-/tmp}/tfkms-build"
  echo "::group::Build tfkms from $GITHUB_ACTION_PATH"
  "$GITHUB_ACTION_PATH/tools/install-deps.sh"
  cmake -S "$GITHUB_ACTION_PATH" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DTFKMS_TESTS=OFF
  cmake --build "$build_dir" --target tfkms -j "$(nproc)"
  echo "::endgroup::"
  bin="$build_dir/tfkms"
fi
set_output bin "$bin"
