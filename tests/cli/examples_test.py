#!/usr/bin/env python3
"""Every example tfkms documents runs: the commands under "Example(s):" in `tfkms --help` and in each
command's --help, and the `tfkms ...` lines of the README's code blocks. Each runs in a workspace that
holds the files the examples name (plan.json, template.yaml, main/template.yaml, cdk.out/), with the
tfkms under test first on PATH; it must not fail as bad usage or unreadable input (exit 2) or crash
(exit 3), and must print something.

Run as: examples_test.py TFKMS_BINARY (from the source root)."""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

TFKMS = pathlib.Path(sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/tfkms").resolve()
ROOT = pathlib.Path(__file__).resolve().parents[2]
SUBCOMMANDS = ("check", "access", "diff", "rules", "explain", "simulate", "version")
# What the examples produce their input with, which the test cannot run (no Terraform here): the
# workspace already holds its result.
PRODUCERS = re.compile(r"^terraform show -json tfplan > plan\.json && ")


def help_text(*command):
    return subprocess.run([str(TFKMS), *command, "--help"], capture_output=True, text=True, check=True).stdout


def help_examples(text):
    examples, inside = [], False
    for line in text.splitlines():
        if re.match(r"^Examples?:$", line):
            inside = True
        elif inside and line.startswith("  "):
            examples.append(line.strip())
        else:
            inside = False
    return examples


def readme_examples():
    examples, fence = [], None
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith("```"):
            fence = None if fence is not None else line[3:].strip()
            continue
        if fence not in ("sh", "shell", "bash", "console", "text", ""):
            continue
        line = re.sub(r"^\$ ", "", line.strip())
        if line.startswith("tfkms "):
            examples.append(line)
    return examples


class DocumentedExamples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.temp = tempfile.TemporaryDirectory(prefix="tfkms-examples-")
        cls.workspace = pathlib.Path(cls.temp.name) / "workspace"
        shutil.copytree(ROOT / "fixtures" / "examples", cls.workspace)
        shutil.copy(ROOT / "fixtures" / "demo" / "plan.json", cls.workspace / "plan.json")
        shutil.copytree(ROOT / "fixtures" / "cdk" / "multi-stack.out", cls.workspace / "cdk.out")
        cls.bin = pathlib.Path(cls.temp.name) / "bin"
        cls.bin.mkdir()
        (cls.bin / "tfkms").symlink_to(TFKMS)

    @classmethod
    def tearDownClass(cls):
        cls.temp.cleanup()

    def run_example(self, example):
        command = PRODUCERS.sub("", example)
        # The README shows the bundled fixtures by their path in the source tree.
        cwd = ROOT if "fixtures/" in command else self.workspace
        env = dict(os.environ, PATH=f"{self.bin}:{os.environ['PATH']}", NO_COLOR="1")
        result = subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True,
                                env=env, timeout=120)
        self.assertIn(result.returncode, (0, 1), f"{example}\n{result.stdout}\n{result.stderr}")
        self.assertTrue(result.stdout.strip(), f"{example} printed nothing")
        return result

    def test_every_help_example_runs(self):
        examples = help_examples(help_text())
        for command in SUBCOMMANDS:
            examples += help_examples(help_text(command))
        self.assertGreaterEqual(len(examples), 10)
        for example in examples:
            with self.subTest(example=example):
                self.run_example(example)

    def test_every_readme_example_runs(self):
        examples = readme_examples()
        self.assertGreaterEqual(len(examples), 2)
        for example in examples:
            with self.subTest(example=example):
                self.run_example(example)

    def test_every_command_has_help_with_an_example(self):
        for command in SUBCOMMANDS[:-1]:
            with self.subTest(command=command):
                self.assertTrue(help_examples(help_text(command)), f"tfkms {command} --help shows no example")


if __name__ == "__main__":
    unittest.main(verbosity=2)
