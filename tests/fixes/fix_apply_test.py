#!/usr/bin/env python3
"""Every fix of every positive rule fixture, applied, removes its finding and adds none.

usage: fix_apply_test.py TFKMS FIXTURES_DIR WORK_DIR

For each input under fixtures/TFKMS0xx/positive (Terraform plans and CloudFormation templates), the
findings of the folder's rule are read with their fix_edit:
- a policy edit (add_statement, remove_statement, add_condition, set_actions) or a property set (set_property:
  rotation on, a retiring principal) is applied to the input, and tfkms runs again: that finding is
  gone, and no rule reports anything on any resource that it did not report before;
- new_key_statement (move the data to a customer managed key) is checked as the key policy of a new
  key beside the account's administration statement: no rule finds it open beyond the account or
  open to self-escalation, so the fix is never wider than the sharing it replaces;
- design_choice must list its options, and the fix text must say each of them (and that it is a
  design choice, for the rules in SAYS_DESIGN_CHOICE);
- text_only is accepted only where TEXT_ONLY says why (a rule, or a rule's fix that starts so).
"""
import collections
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fix_inputs import FIXTURE_ACCOUNT, apply_edit, config_of, load_input, run_check  # noqa: E402

# Fixes that are not policy edits, and why: by rule, or by rule and how the fix text starts.
TEXT_ONLY = {
    ("TFKMS002", "Create the grant on a customer managed key"):
        "a grant on an AWS managed key has to move to another key; no policy edit makes it work",
    ("TFKMS010", "Check "): "a store defined elsewhere is checked where it is defined",
    ("TFKMS010", "Make it a valid JSON"): "text that is no policy has no statement to edit",
    ("TFKMS010", "Correct the policy element"): "an element tfkms cannot read cannot be rewritten",
}
# Rules whose design choices open with "Design choice:".
SAYS_DESIGN_CHOICE = {"TFKMS001", "TFKMS003", "TFKMS008", "TFKMS009", "TFKMS010", "TFKMS011"}
POLICY_EDITS = {"add_statement", "remove_statement", "add_condition", "set_actions", "set_property"}
INPUT_SUFFIXES = (".tfplan.json", ".cfn.yaml", ".cfn.yml", ".cfn.json")


def counts(findings):
    return collections.Counter((f["rule_id"], f["resource"]) for f in findings)


def check_policy_edit(tfkms, work, path, finding, before, document, suffix, config):
    edited = apply_edit(document, finding["fix_edit"])
    out = os.path.join(work, os.path.basename(path).split(".")[0] + "-fixed" + suffix)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(edited, handle, indent=1)
    after = run_check(tfkms, out, config)
    problems = []
    old, new = counts(before), counts(after)
    place = (finding["rule_id"], finding["resource"])
    if new[place] >= old[place]:
        problems.append(f"{place} is still reported after the fix: " +
                        "; ".join(f["message"] for f in after if (f["rule_id"], f["resource"]) == place))
    for other, count in new.items():
        if count > old[other]:
            problems.append(f"the fix adds {other}: " + "; ".join(
                f["message"] for f in after if (f["rule_id"], f["resource"]) == other))
    return problems


def allowed_text_only(rule, fix):
    return rule in TEXT_ONLY or any(isinstance(k, tuple) and k[0] == rule and fix.startswith(k[1])
                                    for k in TEXT_ONLY)


def check_new_key(tfkms, work, path, finding):
    statement = finding["fix_edit"]["json"]
    admin = {"Sid": "KeyAdministration", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{FIXTURE_ACCOUNT}:root"},
             "Action": ["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey"], "Resource": "*"}
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"ReplacementKey": {
        "Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True, "KeyPolicy": {
            "Version": "2012-10-17", "Statement": [admin, statement]}}}}}
    out = os.path.join(work, os.path.basename(path).split(".")[0] + "-replacement-key.cfn.json")
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(template, handle, indent=1)
    # The sharing named these accounts: a key open to them is as wide as the data was, no wider.
    shared_with = set(re.findall(r"\b\d{12}\b", json.dumps(statement))) - {FIXTURE_ACCOUNT}
    wider = [f for f in run_check(tfkms, out) if f["rule_id"] == "TFKMS005" or (
        f["rule_id"] == "TFKMS004" and not any(account in f["message"] for account in shared_with))]
    return [f"the replacement key's statement {json.dumps(statement)} opens it: " + f["message"]
            for f in wider]


def scenario_inputs(folder):
    """The inputs of `folder`'s scenarios: each in a folder of its own, or beside them."""
    found = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        inner = [os.path.join(path, f) for f in sorted(os.listdir(path))] if os.path.isdir(path) else [path]
        found += [f for f in inner if os.path.isfile(f) and f.endswith(INPUT_SUFFIXES)]
    return found


def main():
    tfkms, fixtures, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    failures, checked = [], collections.Counter()
    for rule in sorted(os.listdir(fixtures)):
        positive = os.path.join(fixtures, rule, "positive")
        if not rule.startswith("TFKMS") or not os.path.isdir(positive):
            continue
        for path in scenario_inputs(positive):
            name = os.path.relpath(path, positive)
            config = config_of(path)
            document, suffix = load_input(path)
            converted = os.path.join(work, os.path.basename(path).split(".")[0] + "-as-given" + suffix)
            with open(converted, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=1)
            before = run_check(tfkms, converted, config)
            for finding in (f for f in before if f["rule_id"] == rule):
                edit = finding.get("fix_edit", {"kind": "missing"})
                kind = edit["kind"]
                where = f"{rule}/positive/{name} ({finding['resource']})"
                if kind in POLICY_EDITS:
                    problems = check_policy_edit(tfkms, work, path, finding, before, document, suffix, config)
                elif kind == "new_key_statement":
                    problems = check_new_key(tfkms, work, path, finding)
                elif kind == "design_choice":
                    options = edit.get("options", [])
                    problems = [] if options and all(o in finding["fix"] for o in options) else [
                        f"a design choice must list its options and say them: {json.dumps(edit)}"]
                    if rule in SAYS_DESIGN_CHOICE and not finding["fix"].startswith("Design choice"):
                        problems.append(f"the fix does not say it is a design choice: {finding['fix']}")
                elif kind == "text_only" and allowed_text_only(rule, finding["fix"]):
                    problems = [] if finding["fix"] else ["no fix text"]
                else:
                    problems = [f"fix kind {kind} for a rule whose fixes are policy edits: {finding['fix']}"]
                checked[kind] += 1
                failures += [f"{where}: {problem}" for problem in problems]
                print(f"{'FAIL' if problems else 'ok  '} {where}: {kind}")
    print(f"checked {sum(checked.values())} fixes: " + ", ".join(f"{n} {k}" for k, n in sorted(checked.items())))
    for failure in failures:
        print("FAIL", failure, file=sys.stderr)
    if not sum(checked[k] for k in POLICY_EDITS):
        print("FAIL no policy edit was applied", file=sys.stderr)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
