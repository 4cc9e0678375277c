#!/usr/bin/env python3
"""The house style is kept by clang-format: every C++ source of ours is formatted as `.clang-format`
says (100 columns, LLVM-based, grouped includes). A file that is not fails with the command that
formats it. Third-party code (third_party/) keeps its own style.

Usage: format_test.py SOURCE_DIR
"""
import shutil
import subprocess
import sys
import unittest
from pathlib import Path

SOURCE_DIR = Path(sys.argv.pop(1) if len(sys.argv) > 1 else ".").resolve()
OUR_CODE = ("src", "tests", "bench", "fuzz", "portable")
# The formatting the project is kept in is this major version's (Debian's clang-format package);
# another version may break lines differently, so the failure says which one ran.
FORMATTER = shutil.which("clang-format-14") or shutil.which("clang-format")


def sources():
    for folder in OUR_CODE:
        yield from sorted((SOURCE_DIR / folder).rglob("*.[ch]pp"))


class FormatTest(unittest.TestCase):
    def test_every_source_is_formatted(self):
        self.assertIsNotNone(FORMATTER, "clang-format is missing: tools/install-deps.sh --with-test-tools")
        files = list(sources())
        self.assertGreater(len(files), 200)
        version = subprocess.run([FORMATTER, "--version"], capture_output=True, text=True).stdout.strip()
        unformatted = []
        for path in files:
            run = subprocess.run([FORMATTER, "--dry-run", "--Werror", str(path)], cwd=SOURCE_DIR,
                                 capture_output=True, text=True)
            if run.returncode != 0:
                unformatted.append(str(path.relative_to(SOURCE_DIR)))
        self.assertEqual(unformatted, [], f"not formatted ({version}); run: clang-format -i "
                         + " ".join(unformatted))

    def test_a_badly_formatted_file_is_caught(self):
        # The check above must be able to fail: the formatter rejects a line past 100 columns.
        long_call = "int f() { return g(" + ", ".join(f"argument_{i}" for i in range(12)) + "); }\n"
        run = subprocess.run([FORMATTER, "--dry-run", "--Werror", "--assume-filename=src/x.cpp"],
                             input=long_call, cwd=SOURCE_DIR, capture_output=True, text=True)
        self.assertNotEqual(run.returncode, 0)


if __name__ == "__main__":
    unittest.main()
