#!/usr/bin/env python3
"""tfkms on real repositories: directory scans, CDK cloud assemblies, the deployment account, and the
errors that teach. Run as: repository_test.py TFKMS_BINARY (from the source root)."""
import json
import pathlib
import subprocess
import sys
import tempfile
import unittest

TFKMS = sys.argv.pop(1) if len(sys.argv) > 1 else "build/dev/tfkms"
ORDINARY = "fixtures/repo/ordinary"
UNKNOWN = "fixtures/cdk/account-unknown.out"
KNOWN = "fixtures/cdk/account-known.out"


def run(*args, cwd=None):
    return subprocess.run([TFKMS, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def findings(*args):
    result = run("check", "--format", "json", *args)
    return result, json.loads(result.stdout)


def rules_on(report, resource_part):
    return sorted(f["rule_id"] for f in report["findings"] if resource_part in f["resource"])


def messages(report, rule, resource_part):
    return [f["message"] for f in report["findings"] if f["rule_id"] == rule and resource_part in f["resource"]]


class OrdinaryRepository(unittest.TestCase):
    def test_finds_the_plan_and_the_cloud_assembly_and_skips_the_rest(self):
        result, report = findings(ORDINARY)
        self.assertEqual(result.returncode, 1, result.stderr)
        files = {pathlib.Path(f["file"]).name for f in report["findings"]}
        self.assertIn("plan.json", files)
        self.assertIn("Keys.template.json", files)
        self.assertEqual(report["summary"]["errors"], 0)
        skipped = {pathlib.Path(s["path"]).name: s["reason"] for s in report["skipped"]}
        for name in ("package.json", "tsconfig.json", "docker-compose.yml", "openapi.yaml", "ci.yml",
                     "capacity.json", "team.yaml", "serverless.yml", "cdk.json", "empty.yaml"):
            self.assertIn(name, skipped)
        self.assertEqual(skipped["capacity.json"], "its Resources section holds no AWS resource type (AWS::...)")

    def test_tool_state_and_dependencies_are_never_read(self):
        _, report = findings(ORDINARY)
        for finding in report["findings"]:
            self.assertNotIn("node_modules", finding["file"])
            self.assertNotIn(".terraform", finding["file"])
        self.assertNotIn("TFKMS004", [f["rule_id"] for f in report["findings"]])

    def test_text_counts_the_skipped_files_and_verbose_lists_them(self):
        plain = run("check", ORDINARY)
        self.assertRegex(plain.stdout, r"skipped \d+ files that are not infrastructure \(--verbose lists them\)")
        verbose = run("check", "--verbose", ORDINARY)
        self.assertIn("skipped fixtures/repo/ordinary/package.json: JSON without the keys of a plan", verbose.stdout)

    def test_exclude_on_the_command_line_and_in_the_configuration(self):
        _, report = findings(ORDINARY, "--exclude", "infra/plan.json")
        self.assertNotIn("plan.json", {pathlib.Path(f["file"]).name for f in report["findings"]})
        with tempfile.TemporaryDirectory() as folder:
            config = pathlib.Path(folder) / "tfkms.yml"
            config.write_text("exclude:\n  - cdk.out\n")
            _, report = findings(ORDINARY, "--config", str(config))
        self.assertNotIn("Keys.template.json", {pathlib.Path(f["file"]).name for f in report["findings"]})

    def test_every_format_states_each_inputs_account(self):
        for fmt, needle in (("text", "account 111122223333 (from data.aws_caller_identity in the plan)"),
                            ("markdown", r"account 111122223333 \(from data\.aws\_caller\_identity in the plan\)"),
                            ("github", "account 111122223333 (from the cloud assembly's environment"),
                            ("sarif", '"source":"data.aws_caller_identity in the plan"'),
                            ("json", '"source": "the cloud assembly\'s environment aws://111122223333/eu-west-1"')):
            with self.subTest(fmt=fmt):
                self.assertIn(needle, run("check", "--format", fmt, ORDINARY).stdout)

    def test_a_directory_without_inputs_says_what_it_holds(self):
        result = run("check", "fixtures/repo/teach/tf-module")
        self.assertEqual(result.returncode, 2)
        self.assertIn("terraform show -json tfplan > plan.json", result.stderr)


class BrokenTemplateInAScan(unittest.TestCase):
    def test_a_template_that_cannot_be_read_is_an_error_naming_its_line(self):
        result = run("check", "fixtures/repo/broken")
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr, r"fixtures/repo/broken/templates/data-key\.yaml:\d+")
        self.assertIn("TFKMS002", result.stdout)  # the readable template beside it is still checked


class TruncatedPlanInAScan(unittest.TestCase):
    def test_a_plan_cut_short_is_an_error_naming_where_it_ends(self):
        with tempfile.TemporaryDirectory() as scanned:
            plan = pathlib.Path(scanned, "plan.json")
            plan.write_text('{"format_version": "1.2", "resource_changes": [')
            result = run("check", scanned)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(str(plan) + ":1:48: malformed JSON", result.stderr)


class TeachingErrors(unittest.TestCase):
    CASES = {
        "main.tf": "terraform show -json tfplan > plan.json",
        "main.tf.json": "terraform show -json tfplan > plan.json",
        "tfplan": "terraform show -json tfplan > plan.json",
        "cdk.json": "run `cdk synth`",
        "serverless.yml": "serverless package",
    }

    def test_each_known_non_input_names_the_command_that_makes_an_input(self):
        for name, advice in self.CASES.items():
            with self.subTest(name=name):
                result = run("check", f"fixtures/repo/teach/{name}")
                self.assertEqual(result.returncode, 2)
                self.assertIn(advice, result.stderr)
                self.assertEqual(result.stderr.count("tfkms: error:"), 1, result.stderr)

    def test_sam_templates_keep_working(self):
        result = run("check", "fixtures/repo/teach/template.yaml")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("TFKMS004", result.stdout)


class CloudAssemblies(unittest.TestCase):
    def test_stacks_nested_stacks_and_stages(self):
        result, report = findings("fixtures/cdk/multi-stack.out")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(rules_on(report, "EventsQueue"), ["TFKMS002"])
        self.assertEqual(rules_on(report, "PartnerKey"), ["TFKMS004"])
        nested = [f for f in report["findings"] if "EventsQueue" in f["resource"]][0]
        self.assertTrue(nested["file"].endswith(".nested.template.json"))
        stacks = {a.get("stack"): a["account"] for a in report["accounts"]}
        self.assertEqual(stacks["Prod/SharedKey"], "111122223333")
        self.assertIsNone(stacks["Storage"])
        self.assertEqual(stacks["Service"], "111122223333")

    def test_a_folder_holding_cdk_out_reads_it(self):
        _, direct = findings("fixtures/cdk/multi-stack.out")
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run(["cp", "-r", "fixtures/cdk/multi-stack.out", f"{folder}/cdk.out"], check=True)
            (pathlib.Path(folder) / "package.json").write_text('{"name": "app"}')
            _, scanned = findings(folder)
        self.assertEqual(sorted(f["rule_id"] for f in direct["findings"]), sorted(f["rule_id"] for f in scanned["findings"]))

    def test_findings_point_at_the_template_line(self):
        _, report = findings("fixtures/cdk/multi-stack.out")
        for finding in report["findings"]:
            self.assertTrue(finding["file"].endswith(".template.json"))
            self.assertIsInstance(finding["line"], int)


class DeploymentAccount(unittest.TestCase):
    """Each rule whose verdict depends on the account, with the account unknown and known, in a cloud
    assembly (CDK) and in the same stack's template read alone (CloudFormation)."""

    UNLESS_OTHER = "unless this input is deployed to 444455556666; its account is unknown, --account-id decides."

    def both_forms(self, stack, account=None):
        """(assembly report, template report) for `stack`."""
        root = KNOWN if account else UNKNOWN
        extra = ["--account-id", account] if account else []
        _, assembly = findings(root)
        _, template = findings(f"{root}/{stack}.template.json", *extra)
        return assembly, template

    def test_tfkms002_managed_key_shared_with_another_account(self):
        for report in self.both_forms("ManagedKeySharing"):
            for store in ("SharedBucket", "SharedQueue", "SharedSecret"):
                found = messages(report, "TFKMS002", store)
                self.assertEqual(len(found), 1, store)
                self.assertTrue(found[0].endswith(self.UNLESS_OTHER), found[0])
        for report in self.both_forms("ManagedKeySharing", "111122223333"):
            for store in ("SharedBucket", "SharedQueue", "SharedSecret"):
                found = messages(report, "TFKMS002", store)
                self.assertEqual(len(found), 1, store)
                self.assertNotIn("unless", found[0])
        _, deployed_to_partner = findings(f"{KNOWN}/ManagedKeySharingInOther.template.json", "--account-id",
                                          "444455556666")
        self.assertEqual(deployed_to_partner["findings"], [])

    def test_tfkms004_key_used_from_another_account(self):
        for report in self.both_forms("CrossAccountKeys"):
            found = messages(report, "TFKMS004", "CrossAccountUseKey")
            self.assertEqual(len(found), 1)
            self.assertIn("account 444455556666", found[0])
            self.assertTrue(found[0].endswith(self.UNLESS_OTHER), found[0])
        for report in self.both_forms("CrossAccountKeys", "111122223333"):
            found = messages(report, "TFKMS004", "CrossAccountUseKey")
            self.assertEqual(len(found), 1)
            self.assertNotIn("unless", found[0])

    def test_tfkms004_two_accounts_roots_one_is_outside_whichever_deploys(self):
        for report in self.both_forms("CrossAccountKeys"):
            two = [f for f in report["findings"] if f["rule_id"] == "TFKMS004" and "TwoAccountRoots" in f["resource"]]
            self.assertEqual(len(two), 2)
            for finding in two:
                self.assertIn("whichever account this input is deployed to, one of these 2 TFKMS004 findings",
                              finding["evidence"][-1]["text"])
                # An account neither root belongs to cannot create the key, so each finding holds
                # in exactly one of the two accounts.
                self.assertIn("— if this input is deployed to ", finding["message"])
                self.assertIn("the key can only be created in account 111122223333 or 444455556666",
                              finding["evidence"][-2]["text"])

    def test_tfkms005_literal_administrator_of_a_named_account(self):
        # Deployed to its account the role may rewrite the policy; from any other account it may
        # still create grants for itself (CreateGrant works across accounts): one holds either way.
        for report in self.both_forms("KeyAdministrators"):
            found = messages(report, "TFKMS005", "NamedAdminRoleKey")
            self.assertEqual(len(found), 2)
            self.assertTrue(any("kms:PutKeyPolicy" in m and "if this input is deployed to" in m for m in found))
            self.assertTrue(any("kms:CreateGrant" in m and "unless this input is deployed to" in m for m in found))
        for report in self.both_forms("KeyAdministrators", "111122223333"):
            self.assertEqual(len(messages(report, "TFKMS005", "NamedAdminRoleKey")), 1)

    def test_tfkms006_lockout_and_no_tfkms004_of_a_literal_root(self):
        # Only principals of 111122223333 may change the policy naming its root: KMS's lockout
        # safety check refuses the key in any other account, so it can only exist in that one,
        # where its root is the account's own.
        for account in (None, "111122223333"):
            for report in self.both_forms("Lockout", account):
                self.assertIn("TFKMS006", rules_on(report, "NoAdministratorKey"))
                self.assertEqual(messages(report, "TFKMS004", "LiteralRootAdminKey"), [])

    def test_tfkms008_administrator_who_can_use_the_key(self):
        for account in (None, "111122223333"):
            for report in self.both_forms("KeyAdministrators", account):
                self.assertEqual(len(messages(report, "TFKMS008", "NonEscalatingAdminDecryptsKey")), 1)

    def test_tfkms009_replica_that_differs(self):
        for report in self.both_forms("ReplicaKeys"):
            self.assertEqual(len(messages(report, "TFKMS009", "WiderReplicaKey")), 1)
            # The replica can only be created in 111122223333 (see the literal root above).
            self.assertEqual(messages(report, "TFKMS004", "LiteralAccountReplicaKey"), [])
        for report in self.both_forms("ReplicaKeys", "111122223333"):
            self.assertEqual(len(messages(report, "TFKMS009", "WiderReplicaKey")), 1)
            self.assertEqual(messages(report, "TFKMS004", "LiteralAccountReplicaKey"), [])

    def test_the_assumption_is_stated_per_input(self):
        _, report = findings(UNKNOWN)
        sharing = [a for a in report["accounts"] if a.get("stack") == "ManagedKeySharing"][0]
        self.assertIsNone(sharing["account"])
        self.assertEqual(sharing["possibilities"], ["444455556666"])
        _, report = findings(f"{UNKNOWN}/ManagedKeySharing.template.json", "--account-id", "111122223333")
        self.assertEqual(report["accounts"][0]["source"], "--account-id")

    def test_account_by_path_in_the_configuration(self):
        stack = f"{UNKNOWN}/ManagedKeySharing.template.json"
        with tempfile.TemporaryDirectory() as folder:
            config = pathlib.Path(folder) / "tfkms.yml"
            config.write_text('account_id:\n  "*/ManagedKeySharing.*": "444455556666"\n  "*": "111122223333"\n')
            _, report = findings(stack, "--config", str(config))
            self.assertEqual(report["accounts"][0]["account"], "444455556666")
            self.assertEqual(report["accounts"][0]["source"], f"account_id for */ManagedKeySharing.* in {config}")
            self.assertEqual(report["findings"], [])
            _, other = findings(f"{UNKNOWN}/CrossAccountKeys.template.json", "--config", str(config))
            self.assertEqual(other["accounts"][0]["account"], "111122223333")
            config.write_text('account_id:\n  "*": "1234"\n')
            result = run("check", stack, "--config", str(config))
            self.assertEqual(result.returncode, 2)
            self.assertIn("'account_id.*' must be a 12-digit AWS account id", result.stderr)

    def test_plan_account_from_the_provider(self):
        plan = json.loads(pathlib.Path("fixtures/demo/plan.json").read_text())
        plan["resource_changes"] = [r for r in plan["resource_changes"] if r["type"] != "aws_caller_identity"]
        plan.pop("prior_state", None)
        plan.setdefault("configuration", {}).setdefault("provider_config", {})["aws"] = {
            "name": "aws", "expressions": {"allowed_account_ids": {"constant_value": ["111122223333"]}}}
        with tempfile.TemporaryDirectory() as folder:
            path = pathlib.Path(folder) / "plan.json"
            path.write_text(json.dumps(plan))
            _, report = findings(str(path))
        self.assertEqual(report["accounts"][0]["account"], "111122223333")
        self.assertIn(report["accounts"][0]["source"],
                      ("the aws provider's allowed_account_ids", "the ARNs of the plan's resources"))


class UnknownStaysUnknown(unittest.TestCase):
    def test_a_key_known_only_after_apply_is_never_the_default_key(self):
        result, report = findings("fixtures/run/bucket_key_known_after_apply.tfplan.json")
        self.assertEqual(result.returncode, 1)
        self.assertEqual([f["rule_id"] for f in report["findings"]], ["TFKMS010"])
        self.assertNotIn("aws/s3", json.dumps(report["findings"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
