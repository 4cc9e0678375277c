#!/usr/bin/env bash
# Builds the container image (Dockerfile) for linux/amd64 and linux/arm64 and pushes it as
# IMAGE:VERSION and IMAGE:latest (VERSION: the tag without its v). Logs in to the image's registry
# with REGISTRY_TOKEN as GITHUB_ACTOR when the token is set. Needs docker with buildx (and QEMU
# for the other architecture), as the release workflow sets up.
# usage: tools/publish-image.sh IMAGE TAG   (e.g. ghcr.io/tfkms/tfkms v1.2.3)
set -euo pipefail
if [[ $# -ne 2 || ! "$2" =~ ^v([0-9]+\.[0-9]+\.[0-9]+)$ ]]; then
  echo "usage: tools/publish-image.sh IMAGE vX.Y.Z" >&2
  exit 2
fi
image=$(tr '[:upper:]' '[:lower:]' <<<"$1") # registries want lower-case repository names
version=${BASH_REMATCH[1]}
cd "$(dirname "$0")/.."
if [[ -n "${REGISTRY_TOKEN:-}" ]]; then
  docker login "${image%%/*}" --username "${GITHUB_ACTOR:?}" --password-stdin <<<"$REGISTRY_TOKEN"
fi
docker buildx build --platform linux/amd64,linux/arm64 \
  --build-arg "TFKMS_COMMIT=${GITHUB_SHA:-}" \
  --label "org.opencontainers.image.version=$version" \
  --tag "$image:$version" --tag "$image:latest" --push .
