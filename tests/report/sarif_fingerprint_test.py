#!/usr/bin/env python3
"""SARIF partialFingerprints stay the same when lines move: GitHub code scanning matches alerts
across commits by fingerprint, so an alert must not reappear because a blank line was added above it.

Each case copies a fixture to a temporary folder, runs `tfkms check --format sarif`, inserts one blank
line above the resource the findings are about, runs again, and requires every result to keep its
fingerprint while its location moved down by exactly one line (so the insertion really was above it).

Usage: sarif_fingerprint_test.py PATH_TO_TFKMS (run from the source root, as CTest does).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

TFKMS = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else "build/dev/tfkms"


def results(folder, *arguments):
    completed = subprocess.run([TFKMS, "check", "--format", "sarif", "--account-id", "111122223333", *arguments],
                               cwd=folder, capture_output=True, text=True, timeout=120)
    if completed.returncode not in (0, 1):
        raise AssertionError(f"tfkms check {' '.join(arguments)} exited {completed.returncode}:\n{completed.stderr}")
    found = []
    for result in json.loads(completed.stdout)["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        found.append({"rule": result["ruleId"], "fingerprint": result["partialFingerprints"],
                      "uri": location["artifactLocation"]["uri"], "line": location["region"]["startLine"]})
    return found


def insert_blank_line(path, above):
    """Inserts an empty line before the first line that starts with `above`; returns that line's number."""
    lines = path.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith(above))
    lines.insert(number, "\n")
    path.write_text("".join(lines))
    return number + 1


class FingerprintsSurviveMovedLines(unittest.TestCase):
    def check(self, fixtures, edited, above, *arguments):
        with tempfile.TemporaryDirectory() as folder:
            for name in fixtures:
                shutil.copy(name, folder)
            before = results(folder, *arguments)
            self.assertTrue(before, "the fixture must have findings for the test to mean anything")
            inserted_at = insert_blank_line(Path(folder) / Path(edited).name, above)
            after = results(folder, *arguments)
        self.assertEqual(len(before), len(after))
        for old, new in zip(before, after):
            with self.subTest(rule=old["rule"], line=old["line"]):
                self.assertEqual(old["fingerprint"], new["fingerprint"])
                self.assertEqual(old["uri"], Path(edited).name)
                # Findings at or below the inserted line moved down by one; the fingerprint did not.
                self.assertEqual(new["line"], old["line"] + (1 if old["line"] >= inserted_at else 0))
        self.assertTrue(any(new["line"] != old["line"] for old, new in zip(before, after)),
                        "no result moved: the blank line was not above any finding")

    def test_plan_located_in_terraform_source(self):
        # The demo: findings point at main.tf lines; the blank line goes above the first resource.
        self.check(["fixtures/demo/plan.json", "fixtures/demo/main.tf"], "fixtures/demo/main.tf", "resource ",
                   "plan.json")

    def test_yaml_template(self):
        template = "fixtures/TFKMS001/positive/console_default_policy_with_admin_role/console_default_policy_with_admin_role.cfn.yaml"
        self.check([template], template, "  TeamKey:", Path(template).name)

    def test_json_template(self):
        template = "fixtures/loaders/cloudformation/key_policy_lines.json"
        self.check([template], template, '    "', Path(template).name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
