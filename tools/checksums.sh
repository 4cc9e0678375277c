#!/usr/bin/env bash
# Writes DIR/SHA256SUMS for the release files in DIR (tarballs and packages), in the format
# `sha256sum -c` reads and action/install.sh verifies downloads against.
# usage: tools/checksums.sh DIR
set -euo pipefail
if [[ $# -ne 1 || ! -d "$1" ]]; then
  echo "usage: tools/checksums.sh DIR" >&2
  exit 2
fi
cd "$1"
shopt -s nullglob
files=(*.tar.gz *.deb)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "tools/checksums.sh: no .tar.gz or .deb in $1" >&2
  exit 2
fi
sha256sum "${files[@]}" >SHA256SUMS
cat SHA256SUMS
