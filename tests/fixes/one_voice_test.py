#!/usr/bin/env python3
"""Findings on one resource read as one change: no two fixes contradict each other.

usage: one_voice_test.py TFKMS FIXTURES_DIR [CORPUS_DIR]

Runs `tfkms check` (every rule) on every fixture input and, when given, every corpus file, and
compares the fixes as data (fix_edit) of the findings on each resource, policy by policy:
- one removes a statement that another narrows with a condition (removes what the other keeps);
- two narrow one statement with the same operator and condition key but different values;
- two add statements with the same Sid but different content;
- one removes a statement that names principals while another finding's fix keeps key use in the
  statements that name principals (TFKMS001's account delegation).
"""
import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fix_inputs import FIXTURE_ACCOUNT, load_input  # noqa: E402

KEEPS_NAMED = "keep key use in the statements that name principals"

SUFFIXES = (".json", ".yaml", ".yml", ".template")


def inputs(root, fixtures):
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(SUFFIXES) or name.endswith((".expected.json", ".tfkms.yml")):
                continue
            if "LICENSE" in name or (fixtures and name.endswith((".yaml", ".yml")) and ".cfn." not in name):
                continue
            yield os.path.join(folder, name)


def findings_of(tfkms, path, account):
    command = [tfkms, "check", path, "--format", "json", "--fail-on", "critical"]
    if account:
        command += ["--account-id", account]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if run.returncode not in (0, 1):
        return None  # refused input: the corpus test reports those
    return json.loads(run.stdout)["findings"]


def statement_at(path, policy_pointer, index):
    """Statement `index` of the policy at `policy_pointer` in input `path`, or None."""
    document, _ = load_input(path)
    node = document
    for token in policy_pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    policy = json.loads(node) if isinstance(node, str) else node
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    return statements[index] if index < len(statements) else None


def names_principals(statement):
    """True when the statement names roles, users or services, not only accounts."""
    principal = (statement or {}).get("Principal", {})
    values = []
    for value in principal.values() if isinstance(principal, dict) else [principal]:
        values += value if isinstance(value, list) else [value]
    def account(value):
        text = value if isinstance(value, str) else json.dumps(value)  # intrinsics: {"Fn::Sub": ...}
        return text == "*" or text.isdigit() or ":root" in text or text == '{"Ref": "AWS::AccountId"}'
    return not all(account(v) for v in values)


def contradictions(findings, path):
    by_place = collections.defaultdict(list)
    for finding in findings:
        edit = finding.get("fix_edit", {})
        if edit.get("policy") is not None:
            by_place[(finding["file"], finding["resource"], edit["policy"])].append(finding)
    found = []
    for place, group in by_place.items():
        removed = {f["fix_edit"]["statement"]: f for f in group if f["fix_edit"]["kind"] == "remove_statement"}
        keeper = next((f for f in findings if f["resource"] == place[1] and KEEPS_NAMED in f["fix"]), None)
        for statement, remover in removed.items():
            if keeper and names_principals(statement_at(path, place[2], statement)):
                found.append(f"{place}: {remover['rule_id']} removes statement {statement}, which names "
                             f"principals; {keeper['rule_id']} keeps key use in such statements: "
                             f"{remover['fix']} / {keeper['fix']}")
        narrowed = collections.defaultdict(dict)
        added = {}
        for finding in group:
            edit = finding["fix_edit"]
            if edit["kind"] in ("add_condition", "set_actions"):
                statement = edit["statement"]
                if statement in removed:
                    found.append(f"{place}: {removed[statement]['rule_id']} removes statement {statement}, "
                                 f"which {finding['rule_id']} narrows: {removed[statement]['fix']} / {finding['fix']}")
                if edit["kind"] == "set_actions":
                    seen = narrowed[statement].setdefault("Action", (edit["json"], finding))
                    if seen[0] != edit["json"]:
                        found.append(f"{place}: {seen[1]['rule_id']} and {finding['rule_id']} set the "
                                     f"actions of statement {statement} to {seen[0]} and {edit['json']}")
                    continue
                for operator, clauses in edit["json"].items():
                    for key, values in clauses.items():
                        seen = narrowed[statement].setdefault((operator, key.lower()), (values, finding))
                        if seen[0] != values:
                            found.append(f"{place}: {seen[1]['rule_id']} and {finding['rule_id']} set "
                                         f"{operator} {key} of statement {statement} to {seen[0]} and {values}")
            elif edit["kind"] == "add_statement" and edit["json"].get("Sid"):
                seen = added.setdefault(edit["json"]["Sid"], (edit["json"], finding))
                if seen[0] != edit["json"]:
                    found.append(f"{place}: {seen[1]['rule_id']} and {finding['rule_id']} add different "
                                 f"statements with Sid {edit['json']['Sid']}")
    return found


def main():
    tfkms, fixtures = sys.argv[1:3]
    corpus = sys.argv[3] if len(sys.argv) > 3 else None
    sources = [(fixtures, True)]
    if corpus and os.path.isdir(corpus):
        sources.append((corpus, False))
    else:
        print("corpus not given or absent: checking the fixtures only")
    failures, files, fixes = [], 0, 0
    for root, is_fixture in sources:
        for path in inputs(root, is_fixture):
            findings = findings_of(tfkms, path, FIXTURE_ACCOUNT if is_fixture else None)
            if findings is None:
                continue
            files += 1
            fixes += sum(1 for f in findings if f.get("fix_edit", {}).get("kind", "text_only") != "text_only")
            failures += contradictions(findings, path)
    print(f"{files} inputs, {fixes} fixes as data compared")
    for failure in failures:
        print("FAIL", failure, file=sys.stderr)
    return 1 if failures or not fixes else 0


if __name__ == "__main__":
    sys.exit(main())
