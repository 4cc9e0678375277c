#!/usr/bin/env python3
"""Writes a synthetic `terraform show -json` plan that creates TEAMS copies of one team module: a
KMS key whose policy delegates to the account and names the team's role, that role with an inline
policy (every seventh team's allows kms:*, the others' kms:Decrypt), a grant to a batch role, an S3
bucket encrypted with the team's key (every fifth with aws/s3), and 14 security group rules a KMS
checker must skip.

The roles fall into two classes of principals that decide alike, and every key's access covers all
of them: the shape that makes per-principal reports grow with keys x roles. 200 teams give about
6 MB, 2000 about 63 MB. The output is the same for the same TEAMS.

Usage: synth_plan.py TEAMS OUT.json
"""
import json
import sys

ACCOUNT = "111111111111"
PROVIDER = "registry.terraform.io/hashicorp/aws"
FILLER_RULES = 14


def key_policy(team):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Allow use of the key", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/team-{team}"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                    "kms:DescribeKey"],
         "Resource": "*"}]}, indent=2)


def team_resources(team):
    """(type, name, values) of one team's module."""
    key_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{team:08d}-0000-0000-0000-000000000000"
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": "sts:AssumeRole"}]}
    role_actions = ["kms:*"] if team % 7 == 0 else ["kms:Decrypt"]
    yield "aws_kms_key", "this", {
        "policy": key_policy(team), "enable_key_rotation": team % 3 != 0,
        "deletion_window_in_days": 30,
        "key_usage": "ENCRYPT_DECRYPT", "customer_master_key_spec": "SYMMETRIC_DEFAULT",
        "is_enabled": True, "multi_region": False, "bypass_policy_lockout_safety_check": False,
        "description": f"team {team}", "tags": {"team": str(team)}}
    yield "aws_iam_role", "team", {"name": f"team-{team}", "path": "/",
                                   "max_session_duration": 3600,
                                   "assume_role_policy": json.dumps(trust)}
    role_policy = {"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Action": role_actions, "Resource": "*"}]}
    yield "aws_iam_role_policy", "team", {"name": "kms", "role": f"team-{team}",
                                          "policy": json.dumps(role_policy)}
    yield "aws_kms_grant", "batch", {
        "name": f"batch-{team}", "grantee_principal": f"arn:aws:iam::{ACCOUNT}:role/batch-{team}",
        "operations": ["Decrypt", "GenerateDataKey"],
        "retiring_principal": None if team % 2 else f"arn:aws:iam::{ACCOUNT}:role/sec",
        "constraints": [], "retire_on_delete": False}
    yield "aws_s3_bucket", "data", {"bucket": f"team-{team}-data", "force_destroy": False}
    yield "aws_s3_bucket_server_side_encryption_configuration", "data", {
        "bucket": f"team-{team}-data",
        "rule": [{"apply_server_side_encryption_by_default": [
            {"sse_algorithm": "aws:kms",
             "kms_master_key_id": "alias/aws/s3" if team % 5 == 0 else key_arn}],
            "bucket_key_enabled": True}]}
    for i in range(FILLER_RULES):
        yield "aws_security_group_rule", f"r{i}", {
            "type": "ingress", "from_port": 443 + i, "to_port": 443 + i, "protocol": "tcp",
            "cidr_blocks": [f"10.{team % 250}.{i}.0/24"], "description": "x" * 40}


def plan(teams):
    modules, changes, calls = [], [], {}
    for team in range(teams):
        module = f"module.team_{team}"
        resources = []
        for kind, name, values in team_resources(team):
            address = f"{module}.{kind}.{name}"
            resources.append({"address": address, "mode": "managed", "type": kind, "name": name,
                              "provider_name": PROVIDER, "schema_version": 0, "values": values,
                              "sensitive_values": {}})
            changes.append({"address": address, "module_address": module, "mode": "managed",
                            "type": kind, "name": name, "provider_name": PROVIDER,
                            "change": {"actions": ["create"], "before": None, "after": values,
                                       "after_unknown": {"id": True, "arn": True},
                                       "before_sensitive": False, "after_sensitive": {}}})
        modules.append({"address": module, "resources": resources})
        calls[f"team_{team}"] = {"source": "./modules/team", "module": {"resources": []}}
    return {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": [], "child_modules": modules}},
            "resource_changes": changes,
            "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": PROVIDER}},
                              "root_module": {"module_calls": calls}},
            "applyable": True, "complete": True, "errored": False}


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit(__doc__.strip().splitlines()[-1])
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(plan(int(sys.argv[1])), out, indent=2)


if __name__ == "__main__":
    main()
