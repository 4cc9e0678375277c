"""Shared by the fix tests: running tfkms on an input as the rule fixtures are run, and editing the
policy a fix points at, in CloudFormation templates (YAML read with its short-form tags) and in
Terraform plans (where a policy is a JSON string inside the JSON)."""
import copy
import json
import os
import subprocess

import yaml

# Fixtures are checked as deployed to this account unless their .tfkms.yml says otherwise
# (tests/rules/fixtures_test.cpp does the same).
FIXTURE_ACCOUNT = "111122223333"


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms (!Sub, !Ref, !GetAtt a.b) as their long JSON forms."""


def _tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Fn::" + suffix: value}


_CfnLoader.add_multi_constructor("!", _tag)


def load_input(path):
    """The input as JSON data, and the suffix to write it back with."""
    with open(path, encoding="utf-8") as handle:
        if path.endswith((".yaml", ".yml")):
            return yaml.load(handle, Loader=_CfnLoader), ".cfn.json"
        return json.load(handle), ".tfplan.json" if ".tfplan." in path else ".cfn.json"


def config_of(path):
    scenario = os.path.basename(path).split(".")[0]
    candidate = os.path.join(os.path.dirname(path), scenario + ".tfkms.yml")
    return candidate if os.path.exists(candidate) else None


def run_check(tfkms, path, config=None):
    """The findings of `tfkms check` on `path` (every rule), as the fixture test runs them."""
    command = [tfkms, "check", path, "--format", "json", "--fail-on", "critical"]
    account = FIXTURE_ACCOUNT
    if config:
        command += ["--config", config]
        with open(config, encoding="utf-8") as handle:
            settings = yaml.safe_load(handle) or {}
        account = settings.get("account_id", account)
    command += ["--account-id", str(account)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if run.returncode not in (0, 1):
        raise RuntimeError(f"tfkms check {path} exited {run.returncode}: {run.stderr.strip()}")
    return json.loads(run.stdout)["findings"]


def _resolve(document, pointer):
    """The parent container and last token of JSON Pointer `pointer` in `document`."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    parent = document
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    last = tokens[-1]
    return parent, int(last) if isinstance(parent, list) else last


def _planned_resources(module):
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _planned_resources(child)


def _keep_planned_alike(document, pointer, name, value):
    """A plan holds each planned value again under planned_values: set `name` there too."""
    if not pointer.startswith("/resource_changes/"):
        return
    change = document["resource_changes"][int(pointer.split("/")[2])]
    for resource in _planned_resources(document.get("planned_values", {}).get("root_module", {})):
        if resource.get("address") == change["address"]:
            resource.setdefault("values", {})[name] = value


def apply_edit(document, edit):
    """`document` with the edit `edit` (a finding's fix_edit) applied, as a new copy."""
    document = copy.deepcopy(document)
    if edit["kind"] == "set_property":
        parent, last = _resolve(document, edit["property"])
        parent[last] = edit["json"]
        _keep_planned_alike(document, edit["property"], last, edit["json"])
        return document
    parent, last = _resolve(document, edit["policy"])
    held_as_text = isinstance(parent[last], str)
    policy = json.loads(parent[last]) if held_as_text else parent[last]
    statements = policy["Statement"]
    if isinstance(statements, dict):
        statements = policy["Statement"] = [statements]
    kind = edit["kind"]
    if kind == "add_statement":
        statements.append(edit["json"])
    elif kind == "remove_statement":
        del statements[edit["statement"]]
    elif kind == "add_condition":
        condition = statements[edit["statement"]].setdefault("Condition", {})
        for operator, clauses in edit["json"].items():
            condition.setdefault(operator, {}).update(clauses)
    elif kind == "set_actions":
        statement = statements[edit["statement"]]
        statement.pop("NotAction", None)
        statement["Action"] = edit["json"]
    else:
        raise ValueError(f"not a policy edit: {kind}")
    if not held_as_text:
        return document
    text = json.dumps(policy)
    parent[last] = text
    _keep_planned_alike(document, edit["policy"], last, text)
    return document
