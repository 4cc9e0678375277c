#!/usr/bin/env bash
# Creates the GitHub release of TAG (vX.Y.Z) with every file of DIST_DIR attached (the tarballs,
# the .deb, SHA256SUMS), its notes the CHANGELOG.md section of that version. Uploads again over a
# release that exists (a re-run). Needs the gh CLI and GH_TOKEN.
# usage: tools/publish-release.sh TAG DIST_DIR
set -euo pipefail
if [[ $# -ne 2 || ! "$1" =~ ^v([0-9]+\.[0-9]+\.[0-9]+)$ || ! -f "$2/SHA256SUMS" ]]; then
  echo "usage: tools/publish-release.sh vX.Y.Z DIST_DIR (with SHA256SUMS: tools/checksums.sh)" >&2
  exit 2
fi
tag=$1 version=${BASH_REMATCH[1]} dist=$2
cd "$(dirname "$0")/.."
# The notes: the lines under "## X.Y.Z" up to the next "## " heading.
notes=$(awk -v heading="## $version" '$0 == heading { on = 1; next } /^## / { on = 0 } on' \
  CHANGELOG.md)
if [[ -z "${notes//[[:space:]]/}" ]]; then
  echo "tools/publish-release.sh: CHANGELOG.md has no section \"## $version\"" >&2
  exit 2
fi
files=("$dist"/*)
if gh release view "$tag" >/dev/null 2>&1; then
  gh release upload "$tag" "${files[@]}" --clobber
else
  gh release create "$tag" "${files[@]}" --verify-tag --title "tfkms $version" --notes "$notes"
fi
