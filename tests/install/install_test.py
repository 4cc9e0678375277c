#!/usr/bin/env python3
"""What a user installs: `cmake --install` into a temporary prefix, the .deb and the .tar.gz that
tools/package.sh makes with cpack, and tools/checksums.sh's sums. Each installed tfkms is run on the
demo plan; the .deb's control fields and contents are read with dpkg-deb.

usage: install_test.py --source-dir DIR --build-dir DIR
"""
import argparse
import re
import subprocess
import sys
import tarfile
import tempfile
import unittest
from pathlib import Path

SOURCE_DIR: Path
BUILD_DIR: Path


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)


def project_version() -> str:
    cmake = (SOURCE_DIR / "CMakeLists.txt").read_text()
    return re.search(r"project\(tfkms VERSION (\d+\.\d+\.\d+)", cmake).group(1)


class InstalledTfkms:
    """Checks shared by every way of installing: the program runs and finds the demo's problems."""

    def check_runs_on_demo(self, tfkms: Path):
        version = run(tfkms, "version")
        self.assertEqual(version.returncode, 0, version.stderr)
        self.assertRegex(version.stdout, rf"^tfkms {project_version()} \(commit ")
        demo = run(tfkms, "check", SOURCE_DIR / "fixtures/demo/plan.json")
        self.assertEqual(demo.returncode, 1, demo.stderr)
        self.assertIn("TFKMS002", demo.stdout)  # the demo shares an AWS managed key

    def check_docs(self, doc_dir: Path):
        rules = sorted(path.name for path in (SOURCE_DIR / "rules").glob("TFKMS*.md"))
        self.assertEqual(sorted(path.name for path in (doc_dir / "rules").iterdir()), rules)
        for name in ("LICENSE", "NOTICE", "CHANGELOG.md", "README.md", "iam-data-LICENSE.txt"):
            self.assertTrue((doc_dir / name).is_file(), name)
        self.assertIn("License: Apache-2.0", (doc_dir / "copyright").read_text())


class CmakeInstall(unittest.TestCase, InstalledTfkms):
    def test_install_to_a_prefix(self):
        with tempfile.TemporaryDirectory() as prefix:
            result = run("cmake", "--install", BUILD_DIR, "--prefix", prefix)
            self.assertEqual(result.returncode, 0, result.stderr)
            prefix = Path(prefix)
            self.check_runs_on_demo(prefix / "bin/tfkms")
            self.check_docs(prefix / "share/doc/tfkms")
            # `man tfkms` finds the page through MANPATH and renders the commands from --help.
            man_page = prefix / "share/man/man1/tfkms.1"
            found = run("man", "-w", "tfkms",
                        env={"MANPATH": str(prefix / "share/man"), "PATH": "/usr/bin:/bin"})
            self.assertEqual(found.stdout.strip(), str(man_page), found.stderr)
            page = run("man", "-P", "cat", "-l", man_page).stdout
            for text in ("check", "explain", "EXIT STATUS", "/usr/share/doc/tfkms/rules/"):
                self.assertIn(text, page)


class Packages(unittest.TestCase, InstalledTfkms):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.TemporaryDirectory()
        cls.out_dir = Path(cls.out.name)
        result = run(SOURCE_DIR / "tools/package.sh", BUILD_DIR, cls.out_dir)
        if result.returncode != 0:
            raise AssertionError(f"tools/package.sh failed:\n{result.stdout}\n{result.stderr}")
        cls.debs = sorted(cls.out_dir.glob("*.deb"))
        cls.tarballs = sorted(cls.out_dir.glob("*.tar.gz"))

    @classmethod
    def tearDownClass(cls):
        cls.out.cleanup()

    def test_deb_control_fields(self):
        self.assertEqual(len(self.debs), 1, self.debs)
        deb = self.debs[0]
        arch = run("dpkg", "--print-architecture").stdout.strip()
        self.assertEqual(deb.name, f"tfkms_{project_version()}_{arch}.deb")
        fields = {name: run("dpkg-deb", "-f", deb, name).stdout.strip()
                  for name in ("Package", "Version", "Architecture", "Depends", "Homepage",
                               "Description", "Maintainer")}
        self.assertEqual(fields["Package"], "tfkms")
        self.assertEqual(fields["Version"], project_version())
        self.assertEqual(fields["Architecture"], arch)
        self.assertEqual(fields["Homepage"], "https://github.com/tfkms/tfkms")
        self.assertIn("AWS KMS", fields["Description"])
        self.assertTrue(fields["Maintainer"])
        # Computed by dpkg-shlibdeps from what the binary links, with minimum versions.
        depends = fields["Depends"]
        for package in ("libc6", "libstdc++6", "libyaml-cpp0.7", "libsimdjson14", "libmimalloc2.0",
                        "zlib1g", "libdeflate0"):
            self.assertRegex(depends, rf"(^|, ){re.escape(package)} \(>= [^)]+\)", depends)

    def test_deb_contents_and_installed_program(self):
        deb = self.debs[0]
        listing = run("dpkg-deb", "-c", deb).stdout
        for path in ("./usr/bin/tfkms", "./usr/share/man/man1/tfkms.1",
                     "./usr/share/doc/tfkms/copyright", "./usr/share/doc/tfkms/rules/TFKMS001.md"):
            self.assertRegex(listing, rf" {re.escape(path)}\n", path)
        with tempfile.TemporaryDirectory() as root:
            self.assertEqual(run("dpkg-deb", "-x", deb, root).returncode, 0)
            self.check_runs_on_demo(Path(root) / "usr/bin/tfkms")
            self.check_docs(Path(root) / "usr/share/doc/tfkms")

    def test_tarball(self):
        self.assertEqual(len(self.tarballs), 1, self.tarballs)
        with tarfile.open(self.tarballs[0]) as tarball, tempfile.TemporaryDirectory() as root:
            tarball.extractall(root)
            (top,) = Path(root).iterdir()
            self.check_runs_on_demo(top / "bin/tfkms")
            self.check_docs(top / "share/doc/tfkms")

    def test_checksums(self):
        result = run(SOURCE_DIR / "tools/checksums.sh", self.out_dir)
        self.assertEqual(result.returncode, 0, result.stderr)
        sums = (self.out_dir / "SHA256SUMS").read_text().splitlines()
        self.assertEqual(sorted(line.split("  ")[1] for line in sums),
                         sorted(path.name for path in self.debs + self.tarballs))
        self.assertEqual(run("sha256sum", "-c", "SHA256SUMS", cwd=self.out_dir).returncode, 0)
        # A changed file no longer matches its sum.
        with open(self.tarballs[0], "ab") as tarball:
            tarball.write(b"\0")
        self.assertNotEqual(run("sha256sum", "-c", "SHA256SUMS", cwd=self.out_dir).returncode, 0)


def main():
    global SOURCE_DIR, BUILD_DIR
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True, type=Path)
    parser.add_argument("--build-dir", required=True, type=Path)
    args, rest = parser.parse_known_args()
    SOURCE_DIR, BUILD_DIR = args.source_dir.resolve(), args.build_dir.resolve()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
