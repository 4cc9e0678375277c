#!/usr/bin/env python3
"""One account, many inputs: `check`, `access` and `diff` over the inputs of one account as one
graph, and --separately. Run as: account_graph_test.py TFKMS_BINARY (from the source root)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TFKMS = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/tfkms"
PLATFORM = "fixtures/account/platform.tfplan.json"
PLATFORM_STATE = "fixtures/account/platform.tfstate.json"
APP = "fixtures/account/app.tfplan.json"
OTHER_APP = "fixtures/account/other_account_app.tfplan.json"
TWO_STACKS = "fixtures/cdk/two-stacks.out"
CONDITIONAL_APP = "fixtures/account/conditional_app.cfn.yaml"  # OpsRole only if IsProd
ACCOUNT = ["--account-id", "111122223333"]
HELD_BACK = CONDITIONAL_APP + ": deploys to account 111122223333 but leaves CloudFormation " \
    "conditions open (IsProd)"
OPS_IN_APP = "aws_iam_role.ops in " + APP


def run(*args):
    return subprocess.run([TFKMS, *args], capture_output=True, text=True, timeout=120)


def check_json(*args):
    result = run("check", "--format", "json", *args)
    return result, json.loads(result.stdout)


def texts(finding):
    return [finding["message"]] + [e["text"] for e in finding.get("evidence", [])]


def on_key(report, rule="TFKMS001", key="aws_kms_key.shared"):
    return [f for f in report["findings"] if f["rule_id"] == rule and f["resource"] == key]


class Check(unittest.TestCase):
    def test_key_finding_names_the_role_of_the_other_plan(self):
        result, report = check_json(PLATFORM, APP)
        self.assertEqual(result.returncode, 1, result.stderr)
        (finding,) = on_key(report)
        self.assertEqual(finding["file"], PLATFORM)
        self.assertTrue(any(OPS_IN_APP + " can " in t for t in texts(finding)), texts(finding))
        self.assertIn("analysed as one graph", result.stderr)

    def test_every_format_names_the_other_input(self):
        for output_format in ("text", "json", "sarif", "github", "markdown", "junit",
                              "gitlab-sast"):
            with self.subTest(output_format):
                result = run("check", "--no-color", "--format", output_format, PLATFORM, APP)
                self.assertEqual(result.returncode, 1, result.stderr)
                # Markdown escapes "_" and ".": look for what no format escapes.
                self.assertIn("ops in fixtures/account/app", result.stdout)

    def test_note_names_ten_inputs_and_counts_the_rest(self):
        with tempfile.TemporaryDirectory() as folder:
            for i in range(12):
                shutil.copy(APP, os.path.join(folder, f"app{i:02}.tfplan.json"))
            result = run("check", "--format", "json", "--fail-on", "never", folder)
        (note,) = [line for line in result.stderr.splitlines() if "analysed as one graph" in line]
        self.assertTrue(note.startswith("tfkms: note: 12 inputs deploy to account 111122223333"),
                        note)
        named = [f"app{i:02}.tfplan.json" for i in range(12) if f"app{i:02}.tfplan.json" in note]
        self.assertEqual(len(named), 10, note)
        self.assertTrue(note.endswith(" and 2 more"), note)
        self.assertEqual(len(json.loads(result.stdout)["accounts"]), 12)

    def test_role_of_another_account_joins_nothing(self):
        result, report = check_json(PLATFORM, OTHER_APP)
        self.assertEqual(result.returncode, 1, result.stderr)
        for finding in report["findings"]:
            self.assertFalse(any("aws_iam_role.ops" in text for text in texts(finding)), finding)
        self.assertNotIn("analysed as one graph", result.stderr)

    def test_separately_analyses_each_input_alone(self):
        result, report = check_json("--separately", PLATFORM, APP)
        self.assertEqual(result.returncode, 1, result.stderr)
        for finding in on_key(report):
            self.assertFalse(any("aws_iam_role.ops" in text for text in texts(finding)), finding)
        self.assertNotIn("analysed as one graph", result.stderr)

    def test_plan_and_state_of_one_workspace_give_no_duplicate(self):
        _, plan_only = check_json(PLATFORM, APP)
        result, both = check_json(PLATFORM, PLATFORM_STATE, APP)
        self.assertEqual(result.returncode, 1, result.stderr)
        pairs = [(f["rule_id"], f["resource"]) for f in both["findings"]]
        self.assertEqual(len(pairs), len(set(pairs)), pairs)
        alone = [(f["rule_id"], f["resource"]) for f in plan_only["findings"]]
        self.assertEqual(sorted(pairs), sorted(alone))
        self.assertIn(PLATFORM_STATE + ": 1 resource defined here as in " + PLATFORM, result.stderr)

    def test_cdk_stacks_are_one_graph(self):
        result, report = check_json(TWO_STACKS)
        self.assertEqual(result.returncode, 1, result.stderr)
        findings = [f for f in report["findings"]
                    if f["rule_id"] == "TFKMS001" and f["file"].endswith("Keys.template.json")]
        self.assertEqual(len(findings), 1, report["findings"])
        lines = texts(findings[0])
        self.assertTrue(any("OpsRole" in t and "Consumer.template.json" in t for t in lines), lines)
        # The import resolved: no finding says the role's key ARN is unknown.
        for finding in report["findings"]:
            self.assertFalse(any("ImportValue" in text for text in texts(finding)), finding)


class OpenConditions(unittest.TestCase):
    """A template whose conditions stay open cannot join its account's graph: the run says so."""

    def test_check_warns_that_the_template_was_analysed_alone(self):
        result, report = check_json(*ACCOUNT, PLATFORM, CONDITIONAL_APP)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("warning: " + HELD_BACK, result.stderr)
        self.assertIn("--condition NAME=true|false", result.stderr)
        self.assertNotIn("analysed as one graph", result.stderr)
        (finding,) = on_key(report)
        self.assertFalse(any("OpsRole" in text for text in texts(finding)), finding)
        warnings = [d for d in report["diagnostics"] if d["level"] == "warning"]
        self.assertTrue(any(d["file"] == CONDITIONAL_APP for d in warnings), warnings)

    def test_deciding_the_condition_joins_it(self):
        result, report = check_json(*ACCOUNT, "--condition", "IsProd=true", PLATFORM,
                                    CONDITIONAL_APP)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertNotIn(HELD_BACK, result.stderr)
        (finding,) = on_key(report)
        self.assertTrue(any("OpsRole in " + CONDITIONAL_APP in t for t in texts(finding)),
                        texts(finding))

    def test_access_warns_too(self):
        result = run("access", *ACCOUNT, PLATFORM, CONDITIONAL_APP)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("warning: " + HELD_BACK, result.stderr)

    def test_no_warning_without_another_input_of_the_account_or_separately(self):
        for args in ([CONDITIONAL_APP], ["--separately", PLATFORM, CONDITIONAL_APP]):
            with self.subTest(args):
                result = run("check", *ACCOUNT, *args)
                self.assertIn(result.returncode, (0, 1), result.stderr)
                self.assertNotIn("leaves CloudFormation conditions open", result.stderr)


class Access(unittest.TestCase):
    def test_lists_principals_from_both_inputs(self):
        result = run("access", "--format", "json", PLATFORM, APP)
        self.assertEqual(result.returncode, 0, result.stderr)
        (graph,) = json.loads(result.stdout)["inputs"]
        (key,) = [k for k in graph["keys"] if k["key"].startswith("aws_kms_key.shared")]
        self.assertEqual(key["file"], PLATFORM)
        subjects = {entry["subject"] for entry in key["access"]}
        self.assertTrue(any(OPS_IN_APP in subject for subject in subjects), subjects)

    def test_separately_answers_for_each_input(self):
        result = run("access", "--format", "json", "--separately", PLATFORM, APP)
        self.assertEqual(result.returncode, 0, result.stderr)
        inputs = json.loads(result.stdout)["inputs"]
        self.assertEqual(len(inputs), 2)
        for graph in inputs:
            for key in graph["keys"]:
                subjects = [entry["subject"] for entry in key["access"]]
                self.assertFalse(any("aws_iam_role.ops" in subject for subject in subjects), key)

    def test_help_explains_separately(self):
        for command in ("check", "access", "diff"):
            with self.subTest(command):
                result = run(command, "--help")
                self.assertIn("--separately", result.stdout)
                self.assertIn("one graph", result.stdout)


class Diff(unittest.TestCase):
    def test_a_role_created_in_one_plan_gains_the_key_of_the_other(self):
        result = run("diff", "--format", "json", "--fail-on", "never", PLATFORM, APP)
        self.assertEqual(result.returncode, 0, result.stderr)
        changes = json.loads(result.stdout)["changes"]
        gains = [c for c in changes
                 if c["key"].startswith("aws_kms_key.shared") and c["change"] == "gain"]
        self.assertTrue(any(OPS_IN_APP in c["subject"] for c in gains), changes)

    def test_separately_the_key_does_not_change(self):
        result = run("diff", "--format", "json", "--fail-on", "never", "--separately",
                     PLATFORM, APP)
        self.assertEqual(result.returncode, 0, result.stderr)
        changes = json.loads(result.stdout)["changes"]
        self.assertFalse([c for c in changes if c["key"].startswith("aws_kms_key.shared")], changes)

    def test_a_state_is_the_unchanged_context_of_a_plan(self):
        result = run("diff", "--format", "json", "--fail-on", "never", PLATFORM_STATE, APP)
        self.assertEqual(result.returncode, 0, result.stderr)
        changes = json.loads(result.stdout)["changes"]
        self.assertTrue(any(OPS_IN_APP in c["subject"] for c in changes), changes)


if __name__ == "__main__":
    unittest.main()
