# tfkms container image: the portable build (tools/build-portable.sh, the same as the release
# tarball) on a distroless base: glibc, and busybox's sh, which GitLab CI and Jenkins need to run
# their scripts inside the image; no package manager, no other programs.
#   docker build -t tfkms .
#   docker run --rm -v "$PWD:/src" tfkms check plan.json
# The build stage's only steps are repository scripts the test suite runs too; the image test
# (tests/release/dockerfile_test.py) checks this file's structure.

FROM debian:12 AS build
ARG TFKMS_COMMIT=""
WORKDIR /tfkms
COPY . .
RUN tools/install-deps.sh && tools/build-portable.sh /out /tmp/build \
    && tools/unpack-release.sh /out /install

FROM gcr.io/distroless/base-nossl-debian12:debug-nonroot
LABEL org.opencontainers.image.title="tfkms" \
      org.opencontainers.image.description="Static checker for AWS KMS access in Terraform and CloudFormation" \
      org.opencontainers.image.source="https://github.com/tfkms/tfkms" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /install/ /usr/local/
USER nonroot
WORKDIR /src
ENTRYPOINT ["tfkms"]
CMD ["--help"]
