#!/usr/bin/env bash
# Installs the Debian packages tfkms needs to build and test, only those that are missing.
set -euo pipefail

packages=(cmake make g++ ccache python3 libyaml-cpp-dev nlohmann-json3-dev libcli11-dev catch2 libsimdjson-dev zlib1g-dev libmimalloc-dev libxml2-utils)
# The test suite also needs Node.js and npm (test oracles) and clang (libFuzzer harness replay).
if [[ "${1:-}" == "--with-test-tools" ]]; then
  packages+=(nodejs npm clang)
fi

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
