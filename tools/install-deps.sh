#!/usr/bin/env bash
# Installs the Debian packages tfkms needs to build and test, only those that are missing.
set -euo pipefail

# help2man writes the man page from `tfkms --help` at build time.
packages=(cmake make g++ ccache python3 libyaml-cpp-dev nlohmann-json3-dev libcli11-dev catch2 libsimdjson-dev zlib1g-dev
          libdeflate-dev libmimalloc-dev help2man)
# Packaging (tools/package.sh) needs dpkg-dev and file: cpack's .deb computes its dependencies.
# The test suite also needs Node.js and npm (test oracles), clang (libFuzzer harness replay),
# man-db (the installed man page), curl (the Action's download), git and pre-commit (the hooks),
# xmllint (the JUnit report's schema), python3-jsonschema (the access report's schema) and
# clang-format (the house style check).
case "${1:-}" in
--with-packaging) packages+=(dpkg-dev file) ;;
--with-test-tools) packages+=(dpkg-dev file nodejs npm clang man-db curl git pre-commit libxml2-utils
                   python3-jsonschema clang-format) ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    # node and npm may come from outside Debian (nvm, a node image): accept them when on PATH.
    case "$package" in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
    esac
    missing+=("$package")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "tfkms: installing missing packages: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
