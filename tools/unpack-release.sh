#!/usr/bin/env bash
# Unpacks the portable tarball found in DIST_DIR into PREFIX (bin/tfkms, lib/, share/), as the
# container image installs it under /usr/local, and checks that the unpacked tfkms runs.
# usage: tools/unpack-release.sh DIST_DIR PREFIX
set -euo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: tools/unpack-release.sh DIST_DIR PREFIX" >&2
  exit 2
fi
shopt -s nullglob
tarballs=("$1"/tfkms-*-linux-*.tar.gz)
if [[ ${#tarballs[@]} -ne 1 ]]; then
  echo "tools/unpack-release.sh: expected one tfkms-*-linux-*.tar.gz in $1," \
    "found ${#tarballs[@]}" >&2
  exit 2
fi
mkdir -p "$2"
tar -xzf "${tarballs[0]}" -C "$2" --strip-components=1
"$2/bin/tfkms" version
