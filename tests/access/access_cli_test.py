#!/usr/bin/env python3
"""`tfkms access`, `tfkms diff` and `tfkms check --diff` through the real binary.

Usage: access_cli_test.py PATH_TO_TFKMS (run from the source root, as CTest does).
"""
import json
import os
import subprocess
import sys
import unittest

TFKMS = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else "build/dev/tfkms"
FIXTURES = "fixtures"
ACCOUNT = "--account-id=111122223333"
CROSS = f"{FIXTURES}/TFKMS020/positive/cross_account_statement_added.tfplan.json"
NARROWER = f"{FIXTURES}/TFKMS021/negative/default_policy_replaced_by_narrower.tfplan.json"


def run(*args):
    return subprocess.run([TFKMS, *args], capture_output=True, text=True, timeout=120)


class Access(unittest.TestCase):
    def test_json_lists_readers_with_grounds_and_the_stores_behind_the_key(self):
        result = run("access", ACCOUNT, "--format", "json", CROSS)
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        (key,) = report["inputs"][0]["keys"]
        self.assertEqual(key["key"], "aws_kms_key.orders")
        self.assertEqual(key["data_stores"], ["aws_sqs_queue.orders"])
        readers = {entry["subject"]: entry for entry in key["access"] if entry["class"] == "read"}
        partner = readers["any principal of account 444455556666"]
        self.assertEqual(partner["reach"], "other account")
        self.assertTrue(partner["needs_identity_policy"])
        self.assertTrue(any('Sid "Partner"' in ground for ground in partner["grounds"]))

    def test_text_and_markdown(self):
        text = run("access", ACCOUNT, NARROWER)
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("key aws_kms_key.orders", text.stdout)
        self.assertIn("aws_iam_role.appA: kms:Decrypt always", text.stdout)
        markdown = run("access", ACCOUNT, "--format", "markdown", NARROWER)
        self.assertIn("| Class | Who | Actions | Conditions | Allowed by |", markdown.stdout)

    def test_console_default_policy_names_the_administrator_role_as_reader_through_delegation(self):
        result = run("access", ACCOUNT, "--format", "json",
                     "fixtures/TFKMS001/positive/console_default_policy_with_admin_role/console_default_policy_with_admin_role.cfn.yaml")
        self.assertEqual(result.returncode, 0, result.stderr)
        (key,) = json.loads(result.stdout)["inputs"][0]["keys"]
        readers = {entry["subject"]: entry for entry in key["access"] if entry["class"] == "read"}
        self.assertIn("OpsRole", readers, sorted(readers))
        self.assertTrue(readers["OpsRole"]["through_delegation"])
        self.assertTrue(any("AdministratorAccess" in ground for ground in readers["OpsRole"]["grounds"]))
        # The console policy's named key user reads through its own statement, not the delegation.
        power_user = [s for s in readers if "Team-Power-User-Role" in s]
        self.assertEqual(len(power_user), 1, sorted(readers))
        self.assertFalse(readers[power_user[0]]["through_delegation"])

    def test_missing_file_is_a_usage_error(self):
        result = run("access", "no/such/plan.json")
        self.assertEqual(result.returncode, 2)
        self.assertIn("tfkms: error:", result.stderr)


    def test_aws_managed_key_names_its_resolved_account(self):
        # The graph spells "the deployment account" with internal markers; output must never show them.
        for path, account in [("fixtures/demo/plan.json", "111122223333"),
                              ("fixtures/loaders/cloudformation/managed_key_defaults.yaml", "this-account")]:
            with self.subTest(path=path):
                result = run("access", "--format", "json", path)
                self.assertEqual(result.returncode, 0, result.stderr)
                keys = json.loads(result.stdout)["inputs"][0]["keys"]
                managed = [key for key in keys if key["key"].startswith("AWS managed key")]
                self.assertTrue(managed)
                self.assertEqual({key["account"] for key in managed}, {account})

    def test_no_output_carries_internal_markers(self):
        fixtures = [os.path.join(folder, name) for folder, _, names in os.walk("fixtures") for name in names
                    if name.endswith((".json", ".yaml", ".yml")) and not name.endswith(".expected.json")]
        self.assertGreater(len(fixtures), 50)
        for path in fixtures:
            for output_format in ("json", "text", "markdown"):
                result = run("access", "--format", output_format, path)
                self.assertNotRegex(result.stdout + result.stderr, r"[\x01\x02]|\\u000[12]|\\x0[12]", f"{path} ({output_format})")


class Diff(unittest.TestCase):
    def test_gain_outside_the_account_fails_with_tfkms020(self):
        result = run("diff", ACCOUNT, "--format", "json", CROSS)
        self.assertEqual(result.returncode, 1, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual([f["rule_id"] for f in report["findings"]], ["TFKMS020"])
        (change,) = report["changes"]
        self.assertEqual((change["class"], change["change"], change["widens"]), ("read", "gain", True))
        self.assertEqual(change["data_stores"], ["aws_sqs_queue.orders"])

    def test_narrowing_only_passes_but_shows_the_losses(self):
        result = run("diff", ACCOUNT, NARROWER)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("access changes of aws_kms_key.orders", result.stdout)
        self.assertIn("- read: aws_iam_role.admin", result.stdout)
        self.assertNotIn("+ ", result.stdout)

    def test_markdown_has_the_changes_table(self):
        result = run("diff", ACCOUNT, "--format", "markdown", "--fail-on", "never", CROSS)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("### Access changes", result.stdout)
        self.assertIn("| gain | read |", result.stdout)

    def test_sarif_carries_the_finding(self):
        result = run("diff", ACCOUNT, "--format", "sarif", CROSS)
        sarif = json.loads(result.stdout)
        self.assertEqual([r["ruleId"] for r in sarif["runs"][0]["results"]], ["TFKMS020"])

    def test_cloudformation_pair(self):
        result = run("diff", ACCOUNT, "--format", "json", "--base", f"{FIXTURES}/TFKMS020/positive/any_principal_added.before.yaml",
                     f"{FIXTURES}/TFKMS020/positive/any_principal_added.after.yaml")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(sorted(f["rule_id"] for f in json.loads(result.stdout)["findings"]), ["TFKMS020", "TFKMS021"])

    def test_a_template_without_base_is_a_usage_error(self):
        result = run("diff", f"{FIXTURES}/TFKMS020/positive/any_principal_added.after.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--base", result.stderr)

    def test_check_diff_adds_changes_and_change_findings(self):
        plain = json.loads(run("check", ACCOUNT, "--format", "json", "--fail-on", "never", CROSS).stdout)
        self.assertNotIn("changes", plain)
        self.assertNotIn("TFKMS020", [f["rule_id"] for f in plain["findings"]])
        with_diff = json.loads(run("check", ACCOUNT, "--diff", "--format", "json", "--fail-on", "never", CROSS).stdout)
        self.assertIn("TFKMS020", [f["rule_id"] for f in with_diff["findings"]])
        self.assertEqual(len(with_diff["changes"]), 1)

    def test_check_diff_compares_a_template_with_its_base(self):
        result = run("check", ACCOUNT, "--diff", "--base", f"{FIXTURES}/TFKMS020/positive/any_principal_added.before.yaml", "--format", "json",
                     "--fail-on", "never", f"{FIXTURES}/TFKMS020/positive/any_principal_added.after.yaml")
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        self.assertIn("TFKMS020", [f["rule_id"] for f in report["findings"]])
        self.assertEqual({c["change"] for c in report["changes"]}, {"gain", "condition change"})

    def test_check_diff_on_a_template_without_base_is_a_usage_error(self):
        result = run("check", "--diff", "--format", "json", f"{FIXTURES}/TFKMS020/positive/any_principal_added.after.yaml")
        self.assertEqual(result.returncode, 2, result.stdout)
        self.assertIn("any_principal_added.after.yaml", result.stderr)
        self.assertIn("--base", result.stderr)

    def test_check_base_needs_diff(self):
        result = run("check", "--base", f"{FIXTURES}/TFKMS020/positive/any_principal_added.before.yaml", f"{FIXTURES}/TFKMS020/positive/any_principal_added.after.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--diff", result.stderr)


if __name__ == "__main__":
    unittest.main()
