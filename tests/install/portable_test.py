#!/usr/bin/env python3
"""The portable release tarball (tools/build-portable.sh, cmake/Portable.cmake) needs nothing from
the machine but glibc 2.35: its tfkms links only glibc's libraries and the mimalloc shipped beside
it (found through the $ORIGIN run path), no symbol of it or of what it ships needs a GLIBC_
version above 2.35, and, unpacked by tools/unpack-release.sh, it checks the demo plan with an
empty environment.

usage: portable_test.py --source-dir DIR --build-dir DIR
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
GLIBC_FLOOR = (2, 35)  # Ubuntu 22.04, the oldest GitHub-hosted Ubuntu runner
GLIBC_LIBRARIES = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1"}
DYNAMIC_LOADERS = re.compile(r"^ld-linux[-a-z0-9_.]*\.so\.\d$")


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)


def glibc_versions(path: Path) -> set:
    """The GLIBC_x.y versions the dynamic symbols of `path` require."""
    symbols = run("objdump", "-T", path).stdout
    versions = re.findall(r"GLIBC_(\d+\.\d+(?:\.\d+)?)", symbols)
    return {tuple(int(part) for part in version.split(".")) for version in versions}


def dynamic_section(path: Path) -> str:
    return run("objdump", "-p", path).stdout


class PortableTarball(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        work = Path(cls.work.name)
        built = run(SOURCE_DIR / "tools/build-portable.sh", work / "dist", BUILD_DIR)
        if built.returncode != 0:
            raise AssertionError(f"tools/build-portable.sh failed:\n{built.stdout}\n{built.stderr}")
        (cls.tarball,) = (work / "dist").glob("*.tar.gz")
        cls.prefix = work / "unpacked"
        unpacked = run(SOURCE_DIR / "tools/unpack-release.sh", work / "dist", cls.prefix)
        if unpacked.returncode != 0:
            raise AssertionError(f"tools/unpack-release.sh failed:\n{unpacked.stderr}")
        cls.tfkms = cls.prefix / "bin/tfkms"

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_name_and_contents(self):
        machine = run("uname", "-m").stdout.strip()
        self.assertRegex(self.tarball.name, rf"^tfkms-\d+\.\d+\.\d+-linux-{machine}\.tar\.gz$")
        with tarfile.open(self.tarball) as tarball:
            names = {name.split("/", 1)[1] for name in tarball.getnames() if "/" in name}
        for path in ("bin/tfkms", "lib/libmimalloc.so.2", "share/man/man1/tfkms.1",
                     "share/doc/tfkms/LICENSE", "share/doc/tfkms/rules/TFKMS001.md"):
            self.assertIn(path, names)
        # What is linked in or shipped beside the binary comes with its licence.
        for library in ("yaml-cpp", "zlib", "libdeflate", "mimalloc"):
            self.assertIn(f"share/doc/tfkms/bundled/{library}-copyright", names)
        self.assertIn("share/doc/tfkms/bundled/simdjson-LICENSE", names)

    def test_needs_only_glibc_and_what_it_ships(self):
        section = dynamic_section(self.tfkms)
        needed = set(re.findall(r"NEEDED\s+(\S+)", section))
        shipped = {path.name for path in (self.prefix / "lib").iterdir()}
        self.assertEqual(shipped, {"libmimalloc.so.2"})
        loaders = {name for name in needed if DYNAMIC_LOADERS.match(name)}
        self.assertEqual(needed - GLIBC_LIBRARIES - loaders, shipped, section)
        self.assertRegex(section, r"(RUNPATH|RPATH)\s+\$ORIGIN/\.\./lib\n")
        # ldd resolves every library to glibc's or to the one beside the binary.
        for line in run("ldd", self.tfkms).stdout.splitlines():
            name = line.split()[0]
            if "=>" in line and name not in GLIBC_LIBRARIES:
                resolved = Path(line.split("=>")[1].split("(")[0].strip()).resolve()
                self.assertEqual(resolved, (self.prefix / "lib" / name).resolve(), line)
        for shipped_library in (self.prefix / "lib").iterdir():
            shipped_needs = set(re.findall(r"NEEDED\s+(\S+)", dynamic_section(shipped_library)))
            self.assertLessEqual(shipped_needs, GLIBC_LIBRARIES, shipped_library)

    def test_no_glibc_symbol_newer_than_the_floor(self):
        for path in [self.tfkms, *(self.prefix / "lib").iterdir()]:
            versions = glibc_versions(path)
            self.assertTrue(versions, path)
            newest = ".".join(map(str, max(versions)))
            self.assertLessEqual(max(versions), GLIBC_FLOOR, f"{path} needs GLIBC_{newest}")

    def test_checks_the_demo_with_an_empty_environment(self):
        result = run(self.tfkms, "check", SOURCE_DIR / "fixtures/demo/plan.json", env={})
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("TFKMS002", result.stdout)  # the demo shares an AWS managed key
        version = run(self.tfkms, "version", env={})
        self.assertRegex(version.stdout, r"^tfkms \d+\.\d+\.\d+ \(commit ")

    def test_allocates_with_the_shipped_mimalloc(self):
        result = run(self.tfkms, "version", env={"MIMALLOC_VERBOSE": "1"})
        self.assertIn("mimalloc: process init", result.stderr)


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
