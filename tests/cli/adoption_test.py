#!/usr/bin/env python3
"""Adopting tfkms in a repository that already has findings, through the real binary: baselines,
suppression hygiene, configuration discovery and the command-line details met on the way.

Usage: adoption_test.py PATH_TO_TFKMS (run from the source root, as CTest does).
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

TFKMS = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else "build/dev/tfkms"
ROOT = pathlib.Path(__file__).resolve().parents[2]
ROTATION_PLAN = ROOT / "fixtures/TFKMS007/positive/symmetric_key_rotation_off/symmetric_key_rotation_off.tfplan.json"


def run(*args, cwd):
    return subprocess.run([TFKMS, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def key(name, indent="  "):
    """A CloudFormation key with rotation off: one TFKMS007 finding."""
    return f"{indent}{name}:\n{indent}  Type: AWS::KMS::Key\n{indent}  Properties:\n{indent}    Description: {name}\n"


def template(*names, padding=0):
    return "# padding\n" * padding + "Resources:\n" + "".join(key(name) for name in names)


class Folder(unittest.TestCase):
    """Each test gets a scratch repository (a folder holding .git)."""

    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory()
        self.dir = pathlib.Path(self.scratch.name)
        (self.dir / ".git").mkdir()

    def tearDown(self):
        self.scratch.cleanup()

    def write(self, name, text):
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return str(path)

    def check(self, *args, cwd=None):
        return run("check", *args, cwd=cwd or self.dir)

    def findings(self, *args):
        result = self.check("--format", "json", *args)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return result, [f for f in json.loads(result.stdout)["findings"] if not f["suppressed"]]


class Baselines(Folder):
    def test_round_trip(self):
        self.write("t.yaml", template("Alpha", "Beta"))
        written = self.check("t.yaml", "--write-baseline", "ci/tfkms-baseline.json")
        self.assertEqual(written.returncode, 0, written.stderr)
        self.assertIn("wrote 2 findings", written.stderr)
        baseline = json.loads((self.dir / "ci/tfkms-baseline.json").read_text())
        self.assertEqual(baseline["version"], 1)
        self.assertEqual({entry["resource"] for entry in baseline["findings"]}, {"Alpha", "Beta"})

        # A new key, and the old ones moved down by five lines: only the new one is reported.
        self.write("t.yaml", template("Alpha", "Gamma", "Beta", padding=5))
        result, findings = self.findings("t.yaml", "--baseline", "ci/tfkms-baseline.json")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual([f["resource"] for f in findings], ["Gamma"])
        self.assertIn("2 findings match the baseline", result.stderr)

        sarif = self.check("t.yaml", "--baseline", "ci/tfkms-baseline.json", "--format", "sarif")
        states = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r["baselineState"]
                  for r in json.loads(sarif.stdout)["runs"][0]["results"]}
        self.assertEqual(states, {"Alpha": "unchanged", "Beta": "unchanged", "Gamma": "new"})

        # Beta fixed (removed): its entry is stale and listed; nothing new, so exit 0.
        self.write("t.yaml", template("Alpha"))
        result = self.check("t.yaml", "--baseline", "ci/tfkms-baseline.json")
        self.assertEqual(result.returncode, 0, result.stderr)
        stale = [line for line in result.stderr.splitlines() if "stale baseline entry" in line]
        self.assertEqual(len(stale), 1, result.stderr)
        self.assertIn("Beta", stale[0])

    def test_baseline_from_configuration_is_relative_to_it(self):
        self.write("infra/t.yaml", template("Alpha"))
        self.assertEqual(self.check("infra/t.yaml", "--write-baseline", "infra/base.json").returncode, 0)
        self.write("infra/.tfkms.yml", "baseline: base.json\n")
        self.write("infra/t.yaml", template("Alpha", "Beta"))
        result = run("check", "t.yaml", "--format", "json", cwd=self.dir / "infra")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual([f["resource"] for f in json.loads(result.stdout)["findings"]], ["Beta"])

    def test_unreadable_or_foreign_baseline_is_a_usage_error(self):
        self.write("t.yaml", template("Alpha"))
        self.write("old.json", '{"version": 9, "findings": []}')
        for name, fragment in (("missing.json", "cannot read"), ("old.json", "version 9")):
            result = self.check("t.yaml", "--baseline", name)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn(name, result.stderr)
            self.assertIn(fragment, result.stderr)

    def test_no_baseline_is_written_from_a_partly_read_run(self):
        self.write("t.yaml", template("Alpha"))
        self.write("broken.yaml", "Resources: [\n")
        result = self.check("t.yaml", "broken.yaml", "--write-baseline", "b.json")
        self.assertEqual(result.returncode, 2)
        self.assertIn("baseline not written", result.stderr)
        self.assertFalse((self.dir / "b.json").exists())


class TerraformComments(Folder):
    """# tfkms:ignore above the block, inside it, and at the end of its first line."""

    def plan(self, tf):
        shutil.copy(ROTATION_PLAN, self.dir / "plan.json")
        self.write("main.tf", tf)

    def assert_suppressed(self, tf):
        self.plan(tf)
        result, findings = self.findings("plan.json")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(findings, [])
        self.assertNotIn("warning", result.stderr)

    def test_line_before_block(self):
        self.assert_suppressed('# tfkms:ignore TFKMS007 rotated by the HSM team\n'
                               'resource "aws_kms_key" "data" {\n  description = "data"\n}\n')

    def test_inside_block(self):
        self.assert_suppressed('resource "aws_kms_key" "data" {\n  description = "data"\n'
                               '  # tfkms:ignore TFKMS007 rotated by the HSM team\n}\n')

    def test_end_of_first_line(self):
        self.assert_suppressed('resource "aws_kms_key" "data" { # tfkms:ignore tfkms007 rotated by the HSM team\n'
                               '  description = "data"\n}\n')

    def test_comment_text_inside_a_string_is_not_a_suppression(self):
        self.plan('resource "aws_kms_key" "data" {\n  description = "# tfkms:ignore TFKMS007 not a comment"\n}\n')
        result, findings = self.findings("plan.json")
        self.assertEqual([f["rule_id"] for f in findings], ["TFKMS007"])

    def test_typo_names_place_and_closest_id(self):
        self.plan('resource "aws_kms_key" "data" {\n  # tfkms:ignore TFKMS07 rotated elsewhere\n}\n')
        result = self.check("plan.json")
        self.assertEqual(result.returncode, 2)
        self.assertIn("main.tf:2", result.stderr)
        self.assertIn("'TFKMS07'", result.stderr)
        self.assertIn("did you mean TFKMS007", result.stderr)

    def test_without_reason(self):
        self.plan('# tfkms:ignore TFKMS007\nresource "aws_kms_key" "data" {\n}\n')
        result = self.check("plan.json")
        self.assertEqual(result.returncode, 2)
        self.assertIn("main.tf:1", result.stderr)
        self.assertIn("no reason", result.stderr)

    def test_unused_warns_and_fails_on_request(self):
        self.plan('# tfkms:ignore TFKMS007 rotated by the HSM team\n# tfkms:ignore TFKMS004 was public once\n'
                  'resource "aws_kms_key" "data" {\n}\n')
        result = self.check("plan.json")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("warning: ", result.stderr)
        self.assertIn("main.tf:2: unused suppression: TFKMS004", result.stderr)
        strict = self.check("plan.json", "--fail-on-unused-suppressions")
        self.assertEqual(strict.returncode, 1, strict.stderr)
        self.assertIn("error: ", strict.stderr)
        # A rule that did not run cannot judge its suppressions.
        self.assertEqual(self.check("plan.json", "--fail-on-unused-suppressions", "--skip-rule", "TFKMS004").returncode, 0)

    def test_source_missing_is_said_once_and_config_ignores_still_apply(self):
        shutil.copy(ROTATION_PLAN, self.dir / "plan.json")
        shutil.copy(ROTATION_PLAN, self.dir / "other.json")
        result = self.check("plan.json", "other.json")
        self.assertEqual(result.returncode, 1)
        lines = [line for line in result.stderr.splitlines() if "no .tf files" in line]
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertIn("cannot apply", lines[0])
        self.write(".tfkms.yml", "ignore:\n  - rule: TFKMS007\n    resource: aws_kms_key.data\n"
                                 "    reason: rotated by the HSM team\n")
        result, findings = self.findings("plan.json")
        self.assertEqual((result.returncode, findings), (0, []), result.stderr)


class CloudFormationMetadata(Folder):
    def run_with(self, entries):
        self.write("t.yaml", "Resources:\n  Data:\n    Type: AWS::KMS::Key\n    Metadata:\n      tfkms:\n"
                             "        ignore:\n" + entries)
        return self.check("t.yaml")

    def test_applies(self):
        result = self.run_with("          - rule: TFKMS007\n            reason: rotated by the HSM team\n")
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_typo(self):
        result = self.run_with("          - rule: TFKMS01\n            reason: reviewed\n")
        self.assertEqual(result.returncode, 2)
        self.assertIn("t.yaml:7:", result.stderr)
        self.assertIn("'TFKMS01'", result.stderr)
        self.assertIn("did you mean TFKMS0", result.stderr)

    def test_without_reason(self):
        result = self.run_with("          - rule: TFKMS007\n")
        self.assertEqual(result.returncode, 2)
        self.assertIn("t.yaml:7:", result.stderr)
        self.assertIn("no reason", result.stderr)

    def test_unused(self):
        result = self.run_with("          - rule: TFKMS007\n            reason: rotated by the HSM team\n"
                               "          - rule: TFKMS004\n            reason: once public\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("t.yaml:9:", result.stderr)
        self.assertIn("unused suppression: TFKMS004 on Data", result.stderr)


class ConfigurationIgnore(Folder):
    def test_typo(self):
        self.write("t.yaml", template("Alpha"))
        self.write(".tfkms.yml", "ignore:\n  - rule: TFKMS0077\n    resource: Alpha\n    reason: reviewed\n")
        result = self.check("t.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertIn(".tfkms.yml:2", result.stderr)
        self.assertIn("did you mean TFKMS007", result.stderr)

    def test_without_reason(self):
        self.write("t.yaml", template("Alpha"))
        self.write(".tfkms.yml", "ignore:\n  - rule: TFKMS007\n    resource: Alpha\n")
        result = self.check("t.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertIn("reason", result.stderr)

    def test_unused(self):
        self.write("t.yaml", template("Alpha"))
        self.write(".tfkms.yml", "ignore:\n  - rule: TFKMS007\n    resource: Alpha\n    reason: reviewed\n"
                                 "  - rule: TFKMS007\n    resource: Gone\n    reason: reviewed\n")
        result = self.check("t.yaml")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(".tfkms.yml:5: unused ignore entry: TFKMS007 on Gone", result.stderr)
        self.assertEqual(self.check("t.yaml", "--fail-on-unused-suppressions").returncode, 1)


class Configuration(Folder):
    def test_found_in_a_parent_up_to_the_repository_root(self):
        self.write("infra/stack/t.yaml", template("Alpha"))
        stack = self.dir / "infra/stack"
        self.assertEqual(run("check", "t.yaml", cwd=stack).returncode, 1)
        self.write(".tfkms.yaml", "fail_on: never\n")
        self.assertEqual(run("check", "t.yaml", cwd=stack).returncode, 0)
        (stack / ".git").mkdir()  # its own repository: the parent's file is not its configuration
        self.assertEqual(run("check", "t.yaml", cwd=stack).returncode, 1)

    def test_command_line_wins(self):
        self.write("t.yaml", template("Alpha"))
        self.write(".tfkms.yml", "fail_on: never\nformat: json\n")
        result = self.check("t.yaml")
        self.assertEqual(result.returncode, 0)
        json.loads(result.stdout)
        result = self.check("t.yaml", "--fail-on", "low", "--format", "text")
        self.assertEqual(result.returncode, 1)
        self.assertIn("TFKMS007", result.stdout)
        self.write("other.yml", "")
        self.assertEqual(self.check("t.yaml", "--config", "other.yml").returncode, 1)

    def test_rule_selection_and_unknown_format(self):
        self.write("t.yaml", template("Alpha"))
        self.write(".tfkms.yml", "skip_rules: [tfkms007]\n")
        self.assertEqual(self.check("t.yaml").returncode, 0)
        self.write(".tfkms.yml", "format: xml\n")
        result = self.check("t.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertIn(".tfkms.yml", result.stderr)
        self.assertIn("xml", result.stderr)


class CommandLine(Folder):
    def test_rule_lists_any_case_and_errors_name_the_option(self):
        self.write("t.yaml", template("Alpha"))
        self.assertEqual(self.check("t.yaml", "--skip-rule", "tfkms003,TFKMS007").returncode, 0)
        self.assertEqual(self.check("t.yaml", "--rule", "tfkms007,tfkms001").returncode, 1)
        result = self.check("t.yaml", "--skip-rule", "TFKMS003,TFKMS07")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--skip-rule", result.stderr)
        self.assertIn("did you mean TFKMS007", result.stderr)
        self.assertIn("`tfkms check --help`", result.stderr)

    def test_output_creates_its_folder(self):
        self.write("t.yaml", template("Alpha"))
        result = self.check("t.yaml", "-q", "--output", "sarif=reports/ci/tfkms.sarif")
        self.assertEqual(result.returncode, 1, result.stderr)
        json.loads((self.dir / "reports/ci/tfkms.sarif").read_text())

    def test_an_error_is_shown_once(self):
        result = self.check("missing.json")
        self.assertEqual(result.returncode, 2)
        self.assertEqual((result.stdout + result.stderr).count("missing.json"), 1, result.stdout + result.stderr)


class DiffOutputs(Folder):
    def test_diff_takes_quiet_output_and_no_color(self):
        shutil.copy(ROTATION_PLAN, self.dir / "plan.json")
        result = run("diff", "plan.json", "-q", "--no-color", "--output", "json=reports/diff.json", cwd=self.dir)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("changes", json.loads((self.dir / "reports/diff.json").read_text()))

    def test_diff_error_is_shown_once_and_hints_its_help(self):
        result = run("diff", "missing.json", cwd=self.dir)
        self.assertEqual(result.returncode, 2)
        self.assertEqual((result.stdout + result.stderr).count("missing.json"), 1, result.stdout + result.stderr)
        result = run("diff", "plan.json", "--skip-rule", "tfkms02O", cwd=self.dir)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--skip-rule", result.stderr)
        self.assertIn("did you mean TFKMS020", result.stderr)
        self.assertIn("`tfkms diff --help`", result.stderr)


class SharedOptions(Folder):
    """`check --diff` and `diff` take fail_on, format and baseline from .tfkms.yml alike, and the
    command line wins over it in both."""

    PLAN = ROOT / "fixtures/TFKMS020/positive/cross_account_statement_added.tfplan.json"
    COMMANDS = (("check", "--diff"), ("diff",))

    def setUp(self):
        super().setUp()
        shutil.copy(self.PLAN, self.dir / "plan.json")

    def test_configured_format_and_threshold(self):
        for command in self.COMMANDS:
            with self.subTest(command=command):
                result = run(*command, "plan.json", cwd=self.dir)
                self.assertEqual(result.returncode, 1, result.stderr)
        (self.dir / ".tfkms.yml").write_text("fail_on: never\nformat: json\n")
        for command in self.COMMANDS:
            with self.subTest(command=command):
                result = run(*command, "plan.json", cwd=self.dir)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertTrue(json.loads(result.stdout)["findings"])
                result = run(*command, "plan.json", "--fail-on", "low", "--format", "text", cwd=self.dir)
                self.assertEqual(result.returncode, 1, result.stderr)
                self.assertIn("TFKMS020", result.stdout)
                self.assertFalse(result.stdout.lstrip().startswith("{"), result.stdout)

    def test_configured_baseline(self):
        result = run("check", "--diff", "plan.json", "--write-baseline", "baseline.json", cwd=self.dir)
        self.assertEqual(result.returncode, 0, result.stderr)
        (self.dir / ".tfkms.yml").write_text("baseline: baseline.json\n")
        for command in self.COMMANDS:
            with self.subTest(command=command):
                result = run(*command, "plan.json", cwd=self.dir)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        (self.dir / ".tfkms.yml").write_text("format: sarif\n")
        for command in self.COMMANDS:
            with self.subTest(command=command):
                result = run(*command, "plan.json", "--baseline", "baseline.json", cwd=self.dir)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                self.assertIn("runs", json.loads(result.stdout))

    def test_access_reads_the_named_configuration_too(self):
        (self.dir / "t.yaml").write_text(template("Alpha"))
        (self.dir / "ci.yml").write_text('account_id: "444455556666"\n')
        for command in (("access", "--format", "json"), ("check", "--format", "json")):
            with self.subTest(command=command):
                named = run(*command, "t.yaml", "--config", "ci.yml", cwd=self.dir)
                self.assertIn(named.returncode, (0, 1), named.stderr)
                self.assertIn("444455556666", named.stdout)
                default = run(*command, "t.yaml", cwd=self.dir)
                self.assertNotIn("444455556666", default.stdout)

    def test_unknown_configured_format_is_a_usage_error_for_both(self):
        (self.dir / ".tfkms.yml").write_text("format: yaml\n")
        for command in self.COMMANDS:
            with self.subTest(command=command):
                result = run(*command, "plan.json", cwd=self.dir)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn("unknown format 'yaml'", result.stderr)


if __name__ == "__main__":
    unittest.main()
