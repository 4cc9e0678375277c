#!/usr/bin/env python3
"""The README's Quick start must hold exactly two commands, and .ci/run must run the second one."""
import pathlib
import re
import sys
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def quickstart_commands(readme: str) -> list[str]:
    section = re.search(r"^## Quick start\s*$(.*?)(?=^## |\Z)", readme, re.S | re.M)
    if not section:
        raise AssertionError("README.md has no '## Quick start' section")
    block = re.search(r"^```[a-z]*\n(.*?)^```", section.group(1), re.S | re.M)
    if not block:
        raise AssertionError("the Quick start section has no code block")
    return [line.strip() for line in block.group(1).splitlines() if line.strip() and not line.strip().startswith("#")]


def ci_commands(script: str) -> list[str]:
    ignored = ("#", "set ", "cd ")
    return [line.strip() for line in script.splitlines() if line.strip() and not line.strip().startswith(ignored)]


class QuickstartTest(unittest.TestCase):
    def test_two_commands(self):
        commands = quickstart_commands((ROOT / "README.md").read_text())
        self.assertEqual(len(commands), 2, f"Quick start must hold exactly two commands, found {commands}")

    def test_ci_runs_the_second_command(self):
        second = quickstart_commands((ROOT / "README.md").read_text())[1]
        self.assertEqual(ci_commands((ROOT / ".ci" / "run").read_text()), [second])

    def test_the_first_command_checks_the_demo(self):
        first = quickstart_commands((ROOT / "README.md").read_text())[0]
        script = (ROOT / first.split()[0]).read_text()
        self.assertIn("tfkms check fixtures/demo/", script)


if __name__ == "__main__":
    unittest.main(verbosity=2)
