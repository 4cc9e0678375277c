#!/usr/bin/env python3
"""SARIF fixes (SARIF 2.1.0 §3.55) work when applied to the file as text.

usage: sarif_fix_test.py TFKMS FIXTURES_DIR WORK_DIR

For each CloudFormation template under fixtures/TFKMS0xx/positive (YAML and JSON), `tfkms check
--format sarif` runs, and every finding whose fix_edit edits the template (a policy edit or a
property set) must come with a SARIF fix: one artifactChange on the result's own file with one
replacement. The replacement is applied to the file's text (charOffset/charLength), the result is
checked again as it is, and that finding must be gone with no rule reporting more on any resource.
A plan's findings have none: their fixes are made in the .tf files, which tfkms does not rewrite.
"""
import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fix_inputs import FIXTURE_ACCOUNT, config_of, run_check  # noqa: E402

FILE_EDITS = {"add_statement", "remove_statement", "add_condition", "set_actions", "set_property"}
TEMPLATE_SUFFIXES = (".cfn.yaml", ".cfn.yml", ".cfn.json")


def run_sarif(tfkms, path, config):
    command = [tfkms, "check", path, "--format", "sarif", "--fail-on", "critical",
               "--account-id", FIXTURE_ACCOUNT]
    if config:
        command += ["--config", config]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if run.returncode not in (0, 1):
        raise RuntimeError(f"tfkms check {path} exited {run.returncode}: {run.stderr.strip()}")
    return json.loads(run.stdout)["runs"][0]


def apply_replacement(text, replacement):
    region = replacement["deletedRegion"]
    start, length = region["charOffset"], region["charLength"]
    return text[:start] + replacement.get("insertedContent", {}).get("text", "") + text[start + length:]


def counts(findings):
    return collections.Counter((f["rule_id"], f["resource"]) for f in findings)


def check_fix(tfkms, work, path, config, result, before, serial):
    problems = []
    fixes = result.get("fixes", [])
    if len(fixes) != 1 or len(fixes[0]["artifactChanges"]) != 1:
        return [f"expected one fix with one artifact change, got {json.dumps(fixes)}"]
    change = fixes[0]["artifactChanges"][0]
    if change["artifactLocation"] != result["locations"][0]["physicalLocation"]["artifactLocation"]:
        problems.append("the fix edits another file than the one the result points at")
    if not fixes[0].get("description", {}).get("text"):
        problems.append("the fix has no description")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    for replacement in change["replacements"]:
        text = apply_replacement(text, replacement)
    name = os.path.basename(path)
    scenario, suffix = name.split(".")[0], name[name.index("."):]
    out = os.path.join(work, f"{scenario}-sarif-fixed-{serial}{suffix}")
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(text)
    try:
        after = run_check(tfkms, out, config)
    except RuntimeError as error:
        return problems + [f"the fixed template does not load: {error}"]
    place = (result["ruleId"], result["properties"]["resource"])
    old, new = counts(before), counts(after)
    if new[place] >= old[place]:
        problems.append(f"{place} is still reported after the fix")
    problems += [f"the fix adds {other}" for other, count in new.items() if count > old[other]]
    return problems


def main():
    tfkms, fixtures, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    failures, applied, serial = [], collections.Counter(), 0
    for rule in sorted(os.listdir(fixtures)):
        positive = os.path.join(fixtures, rule, "positive")
        if not rule.startswith("TFKMS") or not os.path.isdir(positive):
            continue
        for folder, _, files in sorted(os.walk(positive)):
            for name in sorted(f for f in files if f.endswith(TEMPLATE_SUFFIXES)):
                path = os.path.join(folder, name)
                config = config_of(path)
                before = run_check(tfkms, path, config)
                for result in run_sarif(tfkms, path, config)["results"]:
                    kind = result["properties"].get("fixEdit", {}).get("kind", "text_only")
                    where = f"{os.path.relpath(path, fixtures)} {result['ruleId']} ({kind})"
                    if kind not in FILE_EDITS:
                        if "fixes" in result:
                            failures.append(f"{where}: a SARIF fix for a fix that edits no file")
                        continue
                    serial += 1
                    problems = check_fix(tfkms, work, path, config, result, before, serial)
                    applied[kind] += 1
                    failures += [f"{where}: {problem}" for problem in problems]
                    print(f"{'FAIL' if problems else 'ok  '} {where}")
    print(f"applied {sum(applied.values())} SARIF fixes: " +
          ", ".join(f"{n} {k}" for k, n in sorted(applied.items())))
    for failure in failures:
        print("FAIL", failure, file=sys.stderr)
    if not applied:
        print("FAIL no SARIF fix was applied", file=sys.stderr)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
