#!/usr/bin/env bash
# Packages a tfkms build: the .deb (dependencies computed by dpkg-shlibdeps) and the .tar.gz that
# `cpack` makes, copied into OUT_DIR. BUILD_DIR is configured as a Release build without tests
# when it is not configured yet (the release workflow; TFKMS_COMMIT, when set, is the commit
# `tfkms version` reports); an existing one (the test suite's) is built and packaged as it is.
# usage: tools/package.sh BUILD_DIR OUT_DIR [GENERATOR...]   (generators: DEB TGZ; default both)
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: tools/package.sh BUILD_DIR OUT_DIR [DEB|TGZ...]" >&2
  exit 2
fi
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$1 out_dir=$2
shift 2
generators=("$@")
[[ ${#generators[@]} -eq 0 ]] && generators=(DEB TGZ)

if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DTFKMS_TESTS=OFF \
    ${TFKMS_COMMIT:+-DTFKMS_COMMIT="$TFKMS_COMMIT"} >/dev/null
fi
cmake --build "$build_dir" --target tfkms -j "$(nproc)" >/dev/null
# The man page target is built by `all`; build it explicitly when help2man made one.
if grep -q '^HELP2MAN:FILEPATH=/' "$build_dir/CMakeCache.txt"; then
  cmake --build "$build_dir" --target tfkms_man >/dev/null
fi
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
for generator in "${generators[@]}"; do
  (cd "$build_dir" && cpack -G "$generator" -B "$out_dir/.cpack" >/dev/null)
done
find "$out_dir/.cpack" -maxdepth 1 -type f \( -name '*.deb' -o -name '*.tar.gz' \) \
  -exec mv {} "$out_dir/" \;
rm -rf "$out_dir/.cpack"
ls "$out_dir"
