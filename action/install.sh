#!/usr/bin/env bash
# Step 1 of the tfkms action: finds, downloads or builds tfkms, and sets the step output `bin`.
# TFKMS_BUILD (input `build`):
#   auto    a tfkms on PATH is used; else the release tarball of the action's own ref
#           (TFKMS_ACTION_REF, a vX.Y.Z tag) is downloaded, its SHA-256 checked against that
#           release's SHA256SUMS, and kept in the runner's tool cache; a ref with no release (a
#           branch, a commit) is built.
#   source  always built from the action's source (Debian/Ubuntu runners: tools/install-deps.sh).
# A build is kept in the tool cache too, under the commit (or content hash) of the sources.
# TFKMS_RELEASES_URL replaces https://github.com/tfkms/tfkms/releases/download (a mirror).
set -euo pipefail
source "$GITHUB_ACTION_PATH/action/lib.sh"

mode=${TFKMS_BUILD:-auto}
if [[ "$mode" != auto && "$mode" != source ]]; then
  annotate_error "input build must be auto or source, not: $mode"
  exit 2
fi
releases=${TFKMS_RELEASES_URL:-https://github.com/tfkms/tfkms/releases/download}
tool_cache=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}/tool-cache}/tfkms
runner_arch=$(tr '[:upper:]' '[:lower:]' <<<"${RUNNER_ARCH:-X64}")

if [[ "$mode" == auto ]] && bin=$(command -v tfkms); then
  echo "tfkms: using $bin"
  set_output bin "$bin"
  exit 0
fi
if [[ "${RUNNER_OS:-Linux}" != Linux ]]; then
  annotate_error "tfkms is released for Linux x86_64 and arm64 only; on this ${RUNNER_OS} runner" \
    "put a tfkms on PATH before this step, or run the container image ghcr.io/tfkms/tfkms"
  exit 2
fi

# The release tarball's machine name for this runner, empty when no release is built for it.
release_machine() {
  case "$runner_arch" in
  x64) echo x86_64 ;;
  arm64) echo aarch64 ;;
  esac
}

# A tool cache entry: FOLDER/bin/tfkms, complete once FOLDER.complete exists (the layout of
# @actions/tool-cache).
cached_bin() {
  [[ -f "$1.complete" && -x "$1/bin/tfkms" ]] && echo "$1/bin/tfkms"
}

# Downloads release VERSION for MACHINE into FOLDER. Returns 1 when the release cannot be fetched
# (then the caller builds); exits 2 when a file was fetched but its checksum is wrong or missing.
download_release() {
  local version=$1 machine=$2 folder=$3 work name expected actual
  name="tfkms-$version-linux-$machine.tar.gz"
  work=$(mktemp -d "${RUNNER_TEMP:-/tmp}/tfkms-download.XXXXXX")
  echo "tfkms: downloading $releases/v$version/$name"
  if ! curl -fsSL --retry 3 -o "$work/SHA256SUMS" "$releases/v$version/SHA256SUMS" ||
    ! curl -fsSL --retry 3 -o "$work/$name" "$releases/v$version/$name"; then
    echo "tfkms: no release download for v$version on $machine; building from source"
    rm -rf "$work"
    return 1
  fi
  expected=$(awk -v name="$name" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")
  actual=$(sha256sum "$work/$name" | cut -d' ' -f1)
  if [[ -z "$expected" ]]; then
    annotate_error "the SHA256SUMS of release v$version lists no $name; not using the download"
    exit 2
  fi
  if [[ "$expected" != "$actual" ]]; then
    annotate_error "SHA-256 mismatch for $name of release v$version: SHA256SUMS says $expected," \
      "the download is $actual; not using it"
    exit 2
  fi
  rm -rf "$folder"
  mkdir -p "$folder"
  tar -xzf "$work/$name" -C "$folder" --strip-components=1
  rm -rf "$work"
  touch "$folder.complete"
}

# What identifies the sources to build: the git commit, or (an action downloaded without .git) a
# hash of the files the build reads.
source_id() {
  git -C "$GITHUB_ACTION_PATH" rev-parse HEAD 2>/dev/null && return
  (cd "$GITHUB_ACTION_PATH" &&
    find CMakeLists.txt cmake src rules data third_party -type f -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-40)
}

build_from_source() {
  local folder=$1 build_dir="${RUNNER_TEMP:-/tmp}/tfkms-build"
  if ! command -v apt-get >/dev/null; then
    annotate_error "building tfkms needs a Debian or Ubuntu runner (apt-get);" \
      "put a tfkms binary on PATH instead"
    exit 2
  fi
  echo "::group::Build tfkms from $GITHUB_ACTION_PATH"
  "$GITHUB_ACTION_PATH/tools/install-deps.sh"
  cmake -S "$GITHUB_ACTION_PATH" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DTFKMS_TESTS=OFF
  cmake --build "$build_dir" --target tfkms -j "$(nproc)"
  echo "::endgroup::"
  mkdir -p "$folder/bin"
  cp "$build_dir/tfkms" "$folder/bin/tfkms"
  touch "$folder.complete"
}

machine=$(release_machine)
release_tag='^v([0-9]+\.[0-9]+\.[0-9]+)$'
if [[ "$mode" == auto && -n "$machine" && "${TFKMS_ACTION_REF:-}" =~ $release_tag ]]; then
  version=${BASH_REMATCH[1]}
  folder="$tool_cache/$version/$runner_arch"
  if bin=$(cached_bin "$folder"); then
    echo "tfkms: $version from the tool cache"
    set_output bin "$bin"
    exit 0
  fi
  if download_release "$version" "$machine" "$folder"; then
    set_output bin "$(cached_bin "$folder")"
    exit 0
  fi
fi

folder="$tool_cache/source-$(source_id)/$runner_arch"
if bin=$(cached_bin "$folder"); then
  echo "tfkms: built from these sources before, in the tool cache"
else
  build_from_source "$folder"
  bin="$folder/bin/tfkms"
fi
set_output bin "$bin"
