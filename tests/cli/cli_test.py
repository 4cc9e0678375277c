#!/usr/bin/env python3
"""tfkms's command line through the real binary: exit codes, error messages, formats, options.

Usage: cli_test.py PATH_TO_TFKMS (run from the source root, as CTest does).
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
DEMO = "fixtures/demo/plan.json"


def run(*args, stdin=None, cwd=None):
    return subprocess.run([TFKMS, *args], input=stdin, capture_output=True, text=True, timeout=120, cwd=cwd)


class Scratch:
    """A temporary folder for inputs a test writes."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory()

    def write(self, name, content, mode="w"):
        path = pathlib.Path(self.dir.name) / name
        with open(path, mode) as f:
            f.write(content)
        return str(path)


class ExitCodes(unittest.TestCase):
    def assert_one_error_line(self, result, *fragments):
        self.assertEqual(result.returncode, 2, result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.startswith("tfkms: error:")]
        self.assertEqual(len(lines), 1, result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, lines[0])
        self.assertNotIn("terminate called", result.stderr)

    def test_missing_file(self):
        self.assert_one_error_line(run("check", "missing.json"), "missing.json")

    def test_dev_null(self):
        self.assert_one_error_line(run("check", "/dev/null"), "/dev/null")

    def test_truncated_json_names_line_and_column(self):
        scratch = Scratch()
        text = pathlib.Path(DEMO).read_text()
        path = scratch.write("truncated.json", text[: len(text) // 2])
        result = run("check", path)
        self.assert_one_error_line(result, path + ":")
        position = result.stderr.split(path + ":", 1)[1].split(":")
        self.assertTrue(position[0].isdigit() and position[1].isdigit(), result.stderr)

    def test_yaml_tab_error_names_position(self):
        scratch = Scratch()
        path = scratch.write("tabs.yaml", "Resources:\n  Key:\n\tType: AWS::KMS::Key\n")
        result = run("check", path)
        self.assert_one_error_line(result, path + ":3")

    def test_unknown_format_lists_valid_ones(self):
        result = run("check", "--format", "xml", "x")
        self.assertEqual(result.returncode, 2)
        for name in ("text", "json", "sarif", "github", "markdown"):
            self.assertIn(name, result.stderr)

    def test_unknown_rule_is_a_usage_error(self):
        result = run("check", "--rule", "TFKMS999", DEMO)
        self.assertEqual(result.returncode, 2)
        self.assertIn("TFKMS999", result.stderr)

    def test_demo_has_findings(self):
        result = run("check", DEMO, "--format", "json")
        self.assertEqual(result.returncode, 1, result.stderr)
        rules = {finding["rule_id"] for finding in json.loads(result.stdout)["findings"]}
        self.assertTrue({"TFKMS001", "TFKMS002", "TFKMS003"} <= rules, rules)

    def test_fail_on_never_passes_with_findings(self):
        result = run("check", DEMO, "--fail-on", "never", "--format", "json")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(json.loads(result.stdout)["findings"])

    def test_unreadable_input_still_checks_the_other(self):
        result = run("check", "missing.json", DEMO, "--format", "json")
        self.assertEqual(result.returncode, 2)
        self.assertIn("missing.json", result.stderr)
        self.assertTrue(json.loads(result.stdout)["findings"], "the readable input must still be checked")

    def test_standard_input(self):
        result = run("check", "-", "--format", "json", stdin=pathlib.Path(DEMO).read_text())
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertTrue(json.loads(result.stdout)["findings"])

    def test_output_file_beside_terminal_text(self):
        scratch = Scratch()
        target = os.path.join(scratch.dir.name, "out.json")
        result = run("check", DEMO, "--output", f"json={target}", "--no-color")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("TFKMS003", result.stdout)
        self.assertTrue(json.loads(pathlib.Path(target).read_text())["findings"])

    def test_repeatable_options_take_one_value_each(self):
        scratch = Scratch()
        first, second = (os.path.join(scratch.dir.name, name) for name in ("a.json", "b.sarif"))
        result = run("check", "--output", f"json={first}", DEMO, "--output", f"sarif={second}", "--quiet")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertTrue(json.loads(pathlib.Path(first).read_text())["findings"])
        self.assertEqual(json.loads(pathlib.Path(second).read_text())["version"], "2.1.0")

    def test_output_file_that_cannot_be_written_is_an_error(self):
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full here")
        result = run("check", DEMO, "--output", "sarif=/dev/full", "--quiet")
        self.assertEqual(result.returncode, 2)
        self.assertIn("/dev/full: cannot write", result.stderr)

    def test_report_to_a_file_or_a_pipe_is_the_same(self):
        scratch = Scratch()
        target = os.path.join(scratch.dir.name, "out.sarif")
        piped = run("check", DEMO, "--format", "sarif")
        with open(target, "w") as out:  # standard output is a regular file here
            written = subprocess.run([TFKMS, "check", DEMO, "--format", "sarif"], stdout=out,
                                     stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(written.returncode, piped.returncode)
        self.assertEqual(pathlib.Path(target).read_text(), piped.stdout)

    def test_bad_output_spec(self):
        result = run("check", DEMO, "--output", "xml=out.xml")
        self.assertEqual(result.returncode, 2)
        self.assertIn("valid formats", result.stderr)

    def test_quiet_prints_nothing_on_stdout(self):
        result = run("check", DEMO, "--quiet")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")

    def test_config_with_unknown_key_names_key_and_line(self):
        scratch = Scratch()
        path = scratch.write(".tfkms.yml", "account_id: '111122223333'\nrulez: {}\n")
        result = run("check", "--config", path, DEMO)
        self.assert_one_error_line(result, "rulez")
        self.assertIn(":2", result.stderr)

    def test_directory_without_inputs_is_an_error(self):
        scratch = Scratch()
        result = run("check", scratch.dir.name)
        self.assertEqual(result.returncode, 2)


class Commands(unittest.TestCase):
    def test_version(self):
        for args in (["--version"], ["version"]):
            result = run(*args)
            self.assertEqual(result.returncode, 0)
            # The release and the commit it was built from (a short hash, or "unknown" outside git).
            self.assertRegex(result.stdout, r"^tfkms \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)\n$")
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True)
        if head.returncode == 0:
            self.assertIn(head.stdout.strip(), run("version").stdout)

    def test_help_teaches(self):
        for args in (["--help"], ["check", "--help"], ["simulate", "--help"], ["explain", "--help"], ["rules", "--help"]):
            result = run(*args)
            self.assertEqual(result.returncode, 0, args)
            self.assertIn("Example", result.stdout, args)
        self.assertIn("Exit codes", run("check", "--help").stdout)

    def test_no_command_is_a_usage_error(self):
        self.assertEqual(run().returncode, 2)

    def test_rules_lists_every_documented_rule(self):
        listed = json.loads(run("rules", "--format", "json").stdout)
        ids = [rule["id"] for rule in listed]
        documented = sorted(p.stem for p in pathlib.Path("rules").glob("TFKMS*.md"))
        self.assertEqual(sorted(ids), documented)
        for rule in listed:
            self.assertIn(rule["severity"], ("info", "low", "medium", "high", "critical"))
            self.assertTrue(rule["title"])
        text = run("rules").stdout
        for rule_id in ids:
            self.assertIn(rule_id, text)

    def test_diff_counts_what_either_side_holds(self):
        # A role the plan creates, compared with a --base template that is another file holding the
        # same role: each is one principal, not none and not two.
        result = run("diff", "--format", "json", "--fail-on", "never",
                     "fixtures/TFKMS021/positive/admin_role_added.tfplan.json")
        self.assertEqual(json.loads(result.stdout)["summary"]["analysed"]["principals"], 1)
        template = "fixtures/TFKMS001/negative/default_root_statement_only/" \
                   "default_root_statement_only.cfn.yaml"
        with tempfile.TemporaryDirectory() as folder:
            base = shutil.copy(template, folder)
            result = run("diff", "--format", "json", "--base", base, template)
        self.assertEqual(json.loads(result.stdout)["summary"]["analysed"]["principals"], 1)
        result = run("diff", "--format", "json", "--fail-on", "never",
                     "fixtures/TFKMS020/negative/grant_added_and_grant_removed.tfplan.json")
        self.assertEqual(json.loads(result.stdout)["summary"]["analysed"]["grants"], 2)

    def test_a_change_points_at_each_cause_in_the_side_that_has_it(self):
        # The Deny the change removes stands in the template before it; the statement that allows
        # the access now stands in the one after. Each cause points at its own statement.
        folder = "fixtures/TFKMS020/positive/"
        result = run("diff", "--format", "json", "--base", folder + "partner_deny_removed.before.yaml",
                     folder + "partner_deny_removed.after.yaml")
        evidence = json.loads(result.stdout)["findings"][0]["evidence"]
        places = {e["text"].split(":")[1].strip() if e["text"].startswith("because: no longer") else
                  e["text"]: (e["file"], e["line"], e["pointer"]) for e in evidence}
        self.assertEqual(places["no longer"],
                         (folder + "partner_deny_removed.before.yaml", 23, "/Statement/2"))
        self.assertEqual(places['because: key policy statement 1 (Sid "Partner")'],
                         (folder + "partner_deny_removed.after.yaml", 17, "/Statement/1"))

    def test_explain_prints_the_embedded_page(self):
        result = run("explain", "TFKMS003")
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout, pathlib.Path("rules/TFKMS003.md").read_text())
        self.assertEqual(run("explain", "TFKMS999").returncode, 2)


class CloudFormationParameters(unittest.TestCase):
    """`--parameter KEY=VALUE` overrides a template parameter's Default, which decides its conditions."""

    TEMPLATE = "fixtures/loaders/cloudformation/conditions.yaml"

    def findings(self, *extra):
        result = run("check", self.TEMPLATE, "--account-id", "111122223333", "--format", "json", *extra)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return sorted((f["rule_id"], f["resource"]) for f in json.loads(result.stdout)["findings"])

    def test_parameter_overrides_default(self):
        default = self.findings()
        prod = self.findings("--parameter", "Stage=prod", "-p", "TrustedAccount=222222222222")
        # Stage=prod creates ProdKey (no rotation) and adds the Partner statement for the other account.
        self.assertNotIn(("TFKMS007", "ProdKey"), default)
        self.assertIn(("TFKMS007", "ProdKey"), prod)
        self.assertNotIn(("TFKMS004", "SharedKey"), default)
        self.assertIn(("TFKMS004", "SharedKey"), prod)

    def test_parameter_without_equals_is_a_usage_error(self):
        result = run("check", self.TEMPLATE, "--parameter", "Stage")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("KEY=VALUE", result.stderr)


class UndecidedConditions(unittest.TestCase):
    """Conditions that depend on deploy-time values: check analyses every way they can go."""

    TEMPLATE = "fixtures/loaders/cloudformation/undecided_conditions.yaml"

    def check(self, *extra, template=TEMPLATE):
        result = run("check", template, "--account-id", "111122223333", "--format", "json", *extra)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return json.loads(result.stdout)

    @staticmethod
    def when(finding):
        return [e["text"] for e in finding["evidence"] if e["text"].startswith("only when")]

    def by_rule(self, report):
        return {(f["rule_id"], f["resource"]): self.when(f) for f in report["findings"]}

    def test_both_branches_are_analysed_and_say_when(self):
        report = self.check()
        found = self.by_rule(report)
        # The false branch opens the key to another account; the true branch names a reader beside the
        # account's delegation. Each finding says which branch it belongs to.
        self.assertEqual(found[("TFKMS004", "SharedKey")], ["only when condition IsProd is false"])
        self.assertEqual(found[("TFKMS001", "SharedKey")], ["only when condition IsProd is true"])
        # A resource created only under a condition built on IsProd and the region.
        self.assertEqual(found[("TFKMS007", "EuropeKey")],
                         ["only when condition InEurope is true and condition IsProd is true"])
        # Whichever way the conditions go: no qualification.
        self.assertEqual(found[("TFKMS007", "LogsKey")], [])
        notes = [d["message"] for d in report["diagnostics"]]
        self.assertTrue(any("each of the 3 ways they can go was analysed" in n for n in notes), notes)

    def test_condition_option_decides_a_condition(self):
        found = self.by_rule(self.check("--condition", "IsProd=false"))
        self.assertIn(("TFKMS004", "SharedKey"), found)
        self.assertNotIn(("TFKMS001", "SharedKey"), found)
        self.assertNotIn(("TFKMS007", "EuropeKey"), found)  # ProdInEurope is false without IsProd
        self.assertTrue(all(when == [] for when in found.values()), found)

    def test_condition_option_naming_no_condition_warns(self):
        report = self.check("--condition", "IsProdd=true")
        notes = [d["message"] for d in report["diagnostics"]]
        self.assertTrue(any("the template defines no condition IsProdd" in n for n in notes), notes)

    def test_condition_option_needs_true_or_false(self):
        result = run("check", self.TEMPLATE, "--condition", "IsProd=yes")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("NAME=true or NAME=false", result.stderr)

    def test_too_many_conditions_take_the_true_branch_and_say_so(self):
        report = self.check(template="fixtures/loaders/cloudformation/many_undecided_conditions.yaml")
        notes = [d["message"] for d in report["diagnostics"]]
        self.assertTrue(any("more than 16 ways" in n and "C5" in n for n in notes), notes)
        rotation_off = {f["resource"] for f in report["findings"] if f["rule_id"] == "TFKMS007"}
        self.assertIn("K1", rotation_off)  # C1..C4 were decided both ways


if __name__ == "__main__":
    unittest.main(verbosity=2)
