#!/usr/bin/env python3
"""The release workflow's publishing scripts, run with a fake `docker` and a fake `gh` that record
their arguments (the real ones need a registry and GitHub): tools/publish-image.sh pushes both
machines' image under the version and latest, after logging in with the token on standard input;
tools/publish-release.sh attaches every file of the dist folder with the changelog section as notes,
and uploads again over an existing release. Bad arguments are refused with exit 2.

usage: release_scripts_test.py --source-dir DIR
"""
import argparse
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SOURCE_DIR: Path
# Records argv (NUL after each argument, RS after each call) and the standard input of a login.
RECORDER = """#!/usr/bin/env bash
{ printf '%s\\0' "$(basename "$0")" "$@"; printf '\\036'; } >>"$RECORD"
if [[ "$1" == login ]]; then cat >>"$RECORD.stdin"; fi
if [[ "$1 $2" == "release view" ]]; then exit "${FAKE_RELEASE_EXISTS:-1}"; fi
exit 0
"""


class PublishScripts(unittest.TestCase):
    def setUp(self):
        self.temp = tempfile.TemporaryDirectory()
        root = Path(self.temp.name)
        self.bin, self.record = root / "bin", root / "record"
        self.bin.mkdir()
        for name in ("docker", "gh"):
            (self.bin / name).write_text(RECORDER)
            (self.bin / name).chmod(0o755)
        self.dist = root / "dist"
        self.dist.mkdir()
        for name in ("tfkms-1.2.3-linux-x86_64.tar.gz", "tfkms-1.2.3-linux-aarch64.tar.gz",
                     "tfkms_1.2.3_amd64.deb"):
            (self.dist / name).write_bytes(name.encode())
        subprocess.run([SOURCE_DIR / "tools/checksums.sh", self.dist], check=True,
                       capture_output=True)
        self.env = dict(os.environ, PATH=f"{self.bin}:{os.environ['PATH']}",
                        RECORD=str(self.record))

    def tearDown(self):
        self.temp.cleanup()

    def run_script(self, *args, **env) -> subprocess.CompletedProcess:
        return subprocess.run([str(part) for part in args], capture_output=True, text=True,
                              env=dict(self.env, **env), cwd=self.temp.name)

    def calls(self) -> list:
        if not self.record.exists():
            return []
        return [call.split("\0")[:-1] for call in self.record.read_text().split("\x1e") if call]

    def test_image_for_both_machines_under_version_and_latest(self):
        result = self.run_script(SOURCE_DIR / "tools/publish-image.sh", "ghcr.io/Tfkms/tfkms",
                                 "v1.2.3", REGISTRY_TOKEN="secret-token", GITHUB_ACTOR="bot",
                                 GITHUB_SHA="0123abc")
        self.assertEqual(result.returncode, 0, result.stderr)
        login, build = self.calls()
        self.assertEqual(login, ["docker", "login", "ghcr.io", "--username", "bot",
                                 "--password-stdin"])
        # The token arrives on standard input, never on the command line.
        self.assertEqual(Path(f"{self.record}.stdin").read_text(), "secret-token\n")
        self.assertEqual(build, ["docker", "buildx", "build",
                                 "--platform", "linux/amd64,linux/arm64",
                                 "--build-arg", "TFKMS_COMMIT=0123abc",
                                 "--label", "org.opencontainers.image.version=1.2.3",
                                 "--tag", "ghcr.io/tfkms/tfkms:1.2.3",
                                 "--tag", "ghcr.io/tfkms/tfkms:latest",
                                 "--push", "."])

    def released_version(self) -> str:
        """The newest version with a section of its own in CHANGELOG.md."""
        changelog = (SOURCE_DIR / "CHANGELOG.md").read_text()
        return next(line[3:] for line in changelog.splitlines()
                    if line.startswith("## ") and line[3:4].isdigit())

    def test_release_with_every_file_and_the_changelog_notes(self):
        changelog = (SOURCE_DIR / "CHANGELOG.md").read_text()
        version = self.released_version()
        result = self.run_script(SOURCE_DIR / "tools/publish-release.sh", f"v{version}", self.dist)
        self.assertEqual(result.returncode, 0, result.stderr)
        view, create = self.calls()
        self.assertEqual(view[:4], ["gh", "release", "view", f"v{version}"])
        files = sorted(str(path) for path in self.dist.iterdir())
        self.assertEqual(create[:4], ["gh", "release", "create", f"v{version}"])
        self.assertEqual(sorted(create[4:4 + len(files)]), files)
        self.assertIn(str(self.dist / "SHA256SUMS"), create)
        options = create[4 + len(files):]
        self.assertEqual(options[:4], ["--verify-tag", "--title", f"tfkms {version}", "--notes"])
        self.assertTrue(options[4].strip())
        self.assertIn(options[4].strip().splitlines()[0], changelog)

    def test_existing_release_gets_the_files_again(self):
        version = self.released_version()
        result = self.run_script(SOURCE_DIR / "tools/publish-release.sh", f"v{version}", self.dist,
                                 FAKE_RELEASE_EXISTS="0")
        self.assertEqual(result.returncode, 0, result.stderr)
        upload = self.calls()[1]
        self.assertEqual(upload[:4], ["gh", "release", "upload", f"v{version}"])
        self.assertEqual(upload[-1], "--clobber")

    def test_bad_arguments_are_refused(self):
        for script, args in [("publish-image.sh", ["ghcr.io/tfkms/tfkms", "main"]),
                             ("publish-image.sh", ["ghcr.io/tfkms/tfkms"]),
                             ("publish-release.sh", ["1.2.3", self.dist]),
                             ("publish-release.sh", ["v1.2.3", self.bin]),    # no SHA256SUMS
                             ("publish-release.sh", ["v99.0.0", self.dist])]:  # no changelog
            with self.subTest(script=script, args=args):
                result = self.run_script(SOURCE_DIR / "tools" / script, *args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertTrue(result.stderr.strip())
        self.assertEqual([call for call in self.calls() if call[1] != "release"], [])


def main():
    global SOURCE_DIR
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True, type=Path)
    args, rest = parser.parse_known_args()
    SOURCE_DIR = args.source_dir.resolve()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
