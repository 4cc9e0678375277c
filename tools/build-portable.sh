#!/usr/bin/env bash
# Builds the portable tfkms (cmake/Portable.cmake: needs only glibc 2.35 or newer) and its release
# tarball tfkms-VERSION-linux-ARCH.tar.gz into OUT_DIR. Used by the release workflow, the container
# image (Dockerfile) and the test suite, so all three build the same thing.
# usage: tools/build-portable.sh OUT_DIR [BUILD_DIR]   (BUILD_DIR defaults to build/portable)
set -euo pipefail
if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: tools/build-portable.sh OUT_DIR [BUILD_DIR]" >&2
  exit 2
fi
source_dir=$(cd "$(dirname "$0")/.." && pwd)
out_dir=$1
build_dir=${2:-$source_dir/build/portable}
"$source_dir/tools/install-deps.sh"
cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DTFKMS_PORTABLE=ON \
  -DTFKMS_TESTS=OFF \
  ${TFKMS_COMMIT:+-DTFKMS_COMMIT="$TFKMS_COMMIT"} >/dev/null
"$source_dir/tools/package.sh" "$build_dir" "$out_dir" TGZ
