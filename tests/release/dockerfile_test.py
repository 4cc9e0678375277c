#!/usr/bin/env python3
"""No container engine runs here, so the Dockerfile is checked as text (hadolint is on neither
Debian nor npm): a multi-stage build on Debian 12 whose build steps are only repository scripts
that the suite runs itself (tools/install-deps.sh, tools/build-portable.sh, tools/unpack-release.sh:
the portable_tarball test), a distroless runtime stage holding only what the build stage installed,
ENTRYPOINT ["tfkms"] in exec form, WORKDIR /src (where pre-commit's docker_image hook and GitLab
mount the repository), a non-root user, pinned base tags, and a .dockerignore that keeps build
trees out of the context.

usage: dockerfile_test.py --source-dir DIR
"""
import argparse
import json
import re
import sys
import unittest
from pathlib import Path

SOURCE_DIR: Path


def instructions(text: str) -> list:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            result.append((keyword.upper(), arguments.strip()))
    return result


def stages(text: str) -> list:
    """The instructions of each stage, each list starting with its FROM."""
    result = []
    for keyword, arguments in instructions(text):
        if keyword == "FROM":
            result.append([])
        result[-1].append((keyword, arguments))
    return result


class Dockerfile(unittest.TestCase):
    def setUp(self):
        self.text = (SOURCE_DIR / "Dockerfile").read_text()
        self.build, self.runtime = stages(self.text)

    def test_known_instructions_only(self):
        known = {"FROM", "ARG", "WORKDIR", "COPY", "RUN", "LABEL", "USER", "ENTRYPOINT", "CMD",
                 "ENV"}
        for keyword, _ in instructions(self.text):
            self.assertIn(keyword, known)

    def test_build_stage_is_debian_12_running_repository_scripts(self):
        self.assertEqual(self.build[0], ("FROM", "debian:12 AS build"))
        runs = [arguments for keyword, arguments in self.build if keyword == "RUN"]
        self.assertEqual(len(runs), 1)
        commands = [command.strip() for command in runs[0].split("&&")]
        self.assertEqual([command.split()[0] for command in commands],
                         ["tools/install-deps.sh", "tools/build-portable.sh",
                          "tools/unpack-release.sh"])
        for command in commands:
            self.assertNotRegex(command, r"[;|`$<>]", command)
            script = command.split()[0]
            self.assertTrue((SOURCE_DIR / script).is_file(), script)
        # The suite runs the same scripts: the portable test builds and unpacks the tarball.
        portable_test = (SOURCE_DIR / "tests/install/portable_test.py").read_text()
        self.assertIn("tools/build-portable.sh", portable_test)
        self.assertIn("tools/unpack-release.sh", portable_test)

    def test_runtime_stage_is_distroless_non_root_with_tfkms_entrypoint(self):
        image = self.runtime[0][1]
        # debug-nonroot: distroless with busybox's sh, for CI systems that run scripts in the image.
        self.assertRegex(image, r"^gcr\.io/distroless/[a-z-]+-debian12:debug-nonroot$")
        copies = [arguments for keyword, arguments in self.runtime if keyword == "COPY"]
        self.assertEqual(copies, ["--from=build /install/ /usr/local/"])
        self.assertNotIn("RUN", [keyword for keyword, _ in self.runtime])
        last = {keyword: arguments for keyword, arguments in self.runtime}
        self.assertNotIn(last["USER"], ("root", "0", "0:0"))
        self.assertEqual(last["WORKDIR"], "/src")
        self.assertEqual(json.loads(last["ENTRYPOINT"]), ["tfkms"])
        self.assertIn('org.opencontainers.image.licenses="Apache-2.0"', last["LABEL"])

    def test_entrypoint_is_on_the_runtime_path(self):
        # distroless sets PATH to /usr/local/bin first; the tarball's bin/ lands there, and its
        # lib/ in /usr/local/lib, which the binary's $ORIGIN/../lib run path finds.
        build_portable = (SOURCE_DIR / "cmake/Portable.cmake").read_text()
        self.assertIn('INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}"', build_portable)

    def test_dockerignore_keeps_build_trees_out(self):
        ignored = (SOURCE_DIR / ".dockerignore").read_text().split()
        for entry in ("build/", ".oracle/", ".git/"):
            self.assertIn(entry, ignored)


def main():
    global SOURCE_DIR
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True, type=Path)
    args, rest = parser.parse_known_args()
    SOURCE_DIR = args.source_dir.resolve()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
