#!/usr/bin/env python3
"""Writes a Terraform plan JSON fixture (the `terraform show -json` shape, formats.md §1) from a
compact description, so rule fixtures stay consistent: resource_changes with after/after_unknown,
planned_values, prior_state with the caller identity, and configuration expressions with the
references Terraform records. The .tf beside each fixture is what a reader looks at.

Description (JSON on stdin):
  {"account": "111122223333",
   "resources": [{"address": "aws_kms_grant.g",
                  "after": {"operations": ["Decrypt"]},           # known planned values
                  "refs": {"key_id": "aws_kms_key.k.key_id"},      # attributes set from references
                                                                   # (nested: "rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id")
                  "known_refs": {"bucket": {"ref": "aws_s3_bucket.b.id", "value": "data"}},  # known reference
                  "unknown": ["grant_id"],                         # further computed attributes
                                                                   # (nested: "rule.0.x.0.kms_master_key_id")
                  "actions": ["update"],                           # default ["create"]; ["delete"]
                                                                   # has no after values
                  "before": "after"}],                             # for a change: the values before it,
                                                                   # or "after" when they are the same
   "data": [{"address": "data.aws_kms_alias.s3",                   # data sources read during the plan:
             "config": {"name": "alias/aws/s3"},                   # their arguments
             "values": {"name": "alias/aws/s3", "target_key_arn": "arn:aws:kms:..."}}]}  # what was read
Usage: tools/fixture_plan.py < NAME.tfplan.in > NAME.tfplan.json
The description is kept beside the plan as NAME.tfplan.in; tests/fixtures/fixture_plans_test.py
regenerates every plan from it and fails when they differ.
"""
import json
import sys

DEFAULTS = {
    "aws_kms_key": ({"bypass_policy_lockout_safety_check": False, "custom_key_store_id": None,
                     "customer_master_key_spec": "SYMMETRIC_DEFAULT", "deletion_window_in_days": None,
                     "description": "", "enable_key_rotation": False, "is_enabled": True,
                     "key_usage": "ENCRYPT_DECRYPT", "multi_region": False, "tags": None, "xks_key_id": None},
                    ["arn", "id", "key_id", "policy", "rotation_period_in_days", "tags_all"]),
    "aws_kms_external_key": ({"bypass_policy_lockout_safety_check": False, "deletion_window_in_days": None,
                              "description": "", "enabled": True, "key_material_base64": None,
                              "multi_region": False, "tags": None, "valid_to": None},
                             ["arn", "expiration_model", "id", "key_state", "key_usage", "policy", "tags_all"]),
    "aws_kms_replica_key": ({"bypass_policy_lockout_safety_check": False, "deletion_window_in_days": 30,
                             "description": "", "enabled": True, "tags": None},
                            ["arn", "id", "key_id", "key_rotation_enabled", "key_spec", "key_usage", "policy",
                             "tags_all"]),
    "aws_kms_grant": ({"constraints": [], "grant_creation_tokens": None, "retire_on_delete": False,
                       "retiring_principal": None}, ["grant_id", "grant_token", "id"]),
    "aws_iam_role": ({"description": None, "force_detach_policies": False, "max_session_duration": 3600,
                      "path": "/", "permissions_boundary": None, "tags": None},
                     ["arn", "create_date", "id", "inline_policy", "managed_policy_arns", "name_prefix",
                      "tags_all", "unique_id"]),
    "aws_iam_user": ({"force_destroy": False, "path": "/", "permissions_boundary": None, "tags": None},
                     ["arn", "id", "tags_all", "unique_id"]),
    "aws_iam_policy": ({"description": None, "path": "/", "tags": None},
                       ["arn", "attachment_count", "id", "policy_id", "tags_all"]),
    "aws_iam_role_policy": ({"name_prefix": None}, ["id"]),
    "aws_iam_role_policy_attachment": ({}, ["id"]),
    "aws_s3_bucket": ({"force_destroy": False, "tags": None, "timeouts": None},
                      ["acceleration_status", "arn", "bucket_domain_name", "id", "region", "tags_all"]),
    "aws_s3_bucket_server_side_encryption_configuration": ({"expected_bucket_owner": None}, ["id"]),
    "aws_s3_bucket_policy": ({}, ["id"]),
    "aws_secretsmanager_secret": ({"description": None, "recovery_window_in_days": 30, "tags": None},
                                  ["arn", "id", "name_prefix", "policy", "tags_all"]),
    "aws_secretsmanager_secret_policy": ({"block_public_policy": None}, ["id"]),
    "aws_sqs_queue": ({"delay_seconds": 0, "fifo_queue": False, "tags": None},
                      ["arn", "id", "policy", "tags_all", "url"]),
    "aws_sqs_queue_policy": ({}, ["id"]),
    "aws_organizations_policy": ({"description": None, "skip_destroy": None, "tags": None,
                                  "type": "SERVICE_CONTROL_POLICY"}, ["arn", "id", "tags_all"]),
    "aws_organizations_policy_attachment": ({"skip_destroy": None}, ["id"]),
    "aws_organizations_organizational_unit": ({"tags": None}, ["accounts", "arn", "id", "tags_all"]),
    "aws_organizations_account": ({"close_on_deletion": False, "create_govcloud": False, "iam_user_access_to_billing": None,
                                   "role_name": None, "tags": None},
                                  ["arn", "govcloud_id", "joined_method", "joined_timestamp", "status", "tags_all"]),
}


def expression(value):
    """Configuration expression of a known value: blocks become lists of expression maps."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [{k: expression(v) for k, v in block.items()} for block in value]
    return {"constant_value": value}


def set_expression(expressions, path, expression_value):
    """Places a reference expression at `path`, inside block expression lists when nested."""
    parts = path.split(".")
    tree = expressions
    for i, part in enumerate(parts[:-1]):
        if part.isdigit():
            index = int(part)
            while len(tree) <= index:
                tree.append({})
            tree = tree[index]
        else:
            tree = tree.setdefault(part, [])
    tree[parts[-1]] = expression_value


def references(target):
    """Terraform lists a resource attribute and the resource itself; a variable only by name."""
    if target.startswith(("var.", "local.")):
        return [target]
    return [target, target.rsplit(".", 1)[0]]


def nested_set(tree, path, value):
    """Sets `value` at dotted `path` ("rule.0.x"), creating objects and list slots on the way."""
    parts = path.split(".")
    for i, part in enumerate(parts[:-1]):
        following = parts[i + 1]
        if part.isdigit():
            index = int(part)
            while len(tree) <= index:
                tree.append({})
            tree = tree[index]
        else:
            tree = tree.setdefault(part, [] if following.isdigit() else {})
    last = parts[-1]
    tree[last] = value


def nested_pop(tree, path):
    parts = path.split(".")
    for part in parts[:-1]:
        try:
            tree = tree[int(part)] if part.isdigit() else tree[part]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(tree, dict):
        tree.pop(parts[-1], None)


def unknown_shape(value):
    if isinstance(value, list):
        return [unknown_shape(v) for v in value]
    if isinstance(value, dict):
        return {k: unknown_shape(v) for k, v in value.items() if isinstance(v, (list, dict))}
    return False


def build(spec):
    """The plan for description `spec` (see the module docstring)."""
    account = spec.get("account", "111122223333")
    changes, planned, config = [], [], []
    for resource in spec["resources"]:
        address = resource["address"]
        rtype, name = address.split(".")[-2:]
        defaults, computed = DEFAULTS.get(rtype, ({}, ["id"]))
        after = dict(defaults)
        after.update(resource.get("after", {}))
        after.update({k: v["value"] for k, v in resource.get("known_refs", {}).items()})
        refs = dict(resource.get("refs", {}))
        refs.update({k: None for k in resource.get("known_refs", {})})
        unknown = {k: True for k in computed if k not in after}
        unknown.update({k: True for k in resource.get("unknown", []) if "." not in k})
        for attribute, value in after.items():
            if isinstance(value, (list, dict)) and attribute not in unknown:
                unknown[attribute] = unknown_shape(value)
        nested_unknown = [k for k in resource.get("unknown", []) if "." in k]
        for attribute in list(refs) + nested_unknown:
            if attribute not in resource.get("known_refs", {}):
                nested_pop(after, attribute)
                nested_set(unknown, attribute, True)
        actions = resource.get("actions", ["create"])
        before = after if resource.get("before") == "after" else resource.get("before")
        if actions == ["delete"]:
            # Gone after the change: no planned values, and no configuration left for it.
            changes.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                            "provider_name": "registry.terraform.io/hashicorp/aws",
                            "change": {"actions": actions, "before": before, "after": None,
                                       "after_unknown": {}, "before_sensitive": False,
                                       "after_sensitive": False}})
            continue
        change = {"address": address, "mode": "managed", "type": rtype, "name": name,
                  "provider_name": "registry.terraform.io/hashicorp/aws",
                  "change": {"actions": actions, "before": before,
                             "after": after, "after_unknown": dict(sorted(unknown.items())),
                             "before_sensitive": False, "after_sensitive": {}}}
        changes.append(change)
        planned.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                        "values": after, "sensitive_values": {}})
        expressions = {k: expression(v) for k, v in resource.get("after", {}).items()}
        for attribute, target in resource.get("refs", {}).items():
            set_expression(expressions, attribute, {"references": references(target)})
        for attribute, known in resource.get("known_refs", {}).items():
            expressions[attribute] = {"references": references(known["ref"])}
        config.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                       "provider_config_key": "aws", "expressions": dict(sorted(expressions.items())),
                       "schema_version": 0})
    data_read = []
    for source in spec.get("data", []):
        address = source["address"]
        rtype, name = address.split(".")[-2:]
        data_read.append({"address": address, "mode": "data", "type": rtype, "name": name,
                          "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                          "values": source["values"], "sensitive_values": {}})
        config.append({"address": address, "mode": "data", "type": rtype, "name": name,
                       "provider_config_key": "aws", "schema_version": 0,
                       "expressions": {k: expression(v) for k, v in source.get("config", {}).items()}})
    config.insert(0, {"address": "data.aws_caller_identity.current", "mode": "data", "type": "aws_caller_identity",
                      "name": "current", "provider_config_key": "aws", "schema_version": 0})
    plan = {
        "format_version": "1.2", "terraform_version": "1.6.6",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.6.6", "values": {"root_module": {
            "resources": [{"address": "data.aws_caller_identity.current", "mode": "data",
                           "type": "aws_caller_identity", "name": "current",
                           "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                           "values": {"account_id": account, "arn": f"arn:aws:iam::{account}:user/ci",
                                      "id": account, "user_id": "AIDAEXAMPLEUSERID"},
                           "sensitive_values": {}}] + data_read}}},
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
                          "root_module": {"resources": config}},
        "timestamp": "2026-11-23T12:00:00Z", "applyable": True, "complete": True, "errored": False,
    }
    return plan


def main():
    json.dump(build(json.load(sys.stdin)), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
