#!/usr/bin/env python3
"""JUnit XML and GitLab SAST reports of the fixtures, checked against what their readers require:
JUnit against tests/report/junit.xsd with xmllint, and with counts that add up; GitLab SAST against
the fields the SAST report schema 15.x requires (GitLab's schema package is not on the npm registry,
so its documented required fields are checked here).

Usage: ci_formats_test.py PATH_TO_TFKMS (run from the source root, as CTest does).
"""
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

TFKMS = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else "build/dev/tfkms"
ROOT = pathlib.Path(__file__).resolve().parents[2]
XSD = ROOT / "tests/report/junit.xsd"
# Every rule fixture (positive and negative, plans and templates) in one run, the demo, and one template.
RULE_FIXTURES = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("fixtures/TFKMS*/*/*/*")
                       if p.suffix in (".json", ".yaml") and not p.name.endswith(".expected.json"))
INPUTS = [RULE_FIXTURES, ["fixtures/demo/plan.json"], ["fixtures/TFKMS007/positive/symmetric_key_rotation_off/symmetric_key_rotation_off.cfn.yaml"]]


def report(format_name, args):
    result = subprocess.run([TFKMS, "check", "--format", format_name, "--fail-on", "never", *args],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    return result


class Junit(unittest.TestCase):
    def validate(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
            f.write(text)
        try:
            checked = subprocess.run(["xmllint", "--noout", "--schema", str(XSD), f.name],
                                     capture_output=True, text=True)
            self.assertEqual(checked.returncode, 0, checked.stderr)
        finally:
            os.unlink(f.name)

    def test_fixtures_validate_and_counts_add_up(self):
        for args in INPUTS:
            with self.subTest(args=args):
                result = report("junit", args)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.validate(result.stdout)
                root = ElementTree.fromstring(result.stdout)
                findings = json.loads(report("json", args).stdout)["findings"]
                active = [f for f in findings if not f["suppressed"]]
                self.assertEqual(int(root.get("failures")), len(active))
                self.assertEqual(len(root.findall(".//failure")), len(active))
                self.assertEqual(len(root.findall(".//skipped")), len(findings) - len(active))
                for suite in root.findall("testsuite"):
                    self.assertEqual(int(suite.get("tests")), len(suite.findall("testcase")))
                    self.assertEqual(int(suite.get("failures")), len(suite.findall("testcase/failure")))
                failed = {case.get("classname") for case in root.iter("testcase") if case.find("failure") is not None}
                self.assertEqual(failed, {"tfkms." + f["rule_id"] for f in active})

    def test_unreadable_input_is_an_error_case(self):
        result = report("junit", ["fixtures/demo/plan.json", "missing.json"])
        self.assertEqual(result.returncode, 2)
        self.validate(result.stdout)
        errors = ElementTree.fromstring(result.stdout).findall(".//error")
        self.assertEqual(len(errors), 1)
        self.assertIn("missing.json", errors[0].get("message"))


class GitlabSast(unittest.TestCase):
    TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
    SEVERITIES = {"Info", "Unknown", "Low", "Medium", "High", "Critical"}

    def check_tool(self, tool):
        for key in ("id", "name", "version"):
            self.assertIsInstance(tool[key], str)
            self.assertTrue(tool[key])
        self.assertTrue(tool["vendor"]["name"])

    def test_fixtures_have_the_required_fields(self):
        for args in INPUTS:
            with self.subTest(args=args):
                result = report("gitlab-sast", args)
                self.assertEqual(result.returncode, 0, result.stderr)
                doc = json.loads(result.stdout)
                self.assertRegex(doc["version"], r"^15\.\d+\.\d+$")
                scan = doc["scan"]
                self.check_tool(scan["analyzer"])
                self.check_tool(scan["scanner"])
                self.assertEqual(scan["type"], "sast")
                self.assertIn(scan["status"], ("success", "failure"))
                self.assertRegex(scan["start_time"], self.TIME)
                self.assertRegex(scan["end_time"], self.TIME)
                findings = [f for f in json.loads(report("json", args).stdout)["findings"] if not f["suppressed"]]
                vulnerabilities = doc["vulnerabilities"]
                self.assertEqual(len(vulnerabilities), len(findings))
                self.assertEqual(len({v["id"] for v in vulnerabilities}), len(vulnerabilities))
                for vulnerability in vulnerabilities:
                    self.assertTrue(vulnerability["id"])
                    self.assertIn(vulnerability["severity"], self.SEVERITIES)
                    self.assertLessEqual(len(vulnerability["name"]), 255)
                    self.assertGreaterEqual(len(vulnerability["identifiers"]), 1)
                    for identifier in vulnerability["identifiers"]:
                        for key in ("type", "name", "value"):
                            self.assertTrue(identifier[key])
                    location = vulnerability["location"]
                    self.assertTrue(location["file"])
                    self.assertFalse(location["file"].startswith("/"))
                    if "start_line" in location:
                        self.assertGreaterEqual(location["start_line"], 1)

    def test_output_file(self):
        with tempfile.TemporaryDirectory() as folder:
            target = pathlib.Path(folder) / "reports" / "gl-sast-report.json"
            result = subprocess.run([TFKMS, "check", "fixtures/demo/plan.json", "-q",
                                     "--output", f"gitlab-sast={target}", "--output", f"junit={target}.xml"],
                                    capture_output=True, text=True, timeout=300, cwd=ROOT)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertEqual(json.loads(target.read_text())["scan"]["type"], "sast")
            ElementTree.parse(f"{target}.xml")


if __name__ == "__main__":
    unittest.main()
