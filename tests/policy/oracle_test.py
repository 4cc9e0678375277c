#!/usr/bin/env python3
"""Differential test of the policy engine against @cloud-copilot/iam-simulate.

1. Installs the pinned oracle into the git-ignored .oracle/ with `npm install --prefix` (once).
   Without the npm registry the test FAILS and says so: it never skips.
2. Generates seeded random KMS requests with its own generator (every condition operator family,
   IfExists, set qualifiers, missing keys, policy variables, account delegation, cross-account callers,
   NotPrincipal/NotAction/NotResource, action wildcards in mixed case, grants).
   Requests also carry random chains: SCP and RCP levels, a permissions boundary, a session policy.
3. Runs them through `tfkms simulate` and through oracle_runner.js, and compares.

Agreement must be 100% outside the classes listed in EXCLUDED_CLASSES, where the oracle contradicts
the AWS documentation (each class is a predicate over the request, with the document it follows).
Grants: the oracle has no KMS grants, so a request with grants is compared with the oracle's decision
for the same request without grants, combined with this file's own grant model (kms-reference §5):
grants never override a deny and add an allow when grantee, operation and constraints match.
"""
import argparse
import json
import os
import pathlib
import random
import subprocess
import sys

ORACLE_PACKAGE = "@cloud-copilot/iam-simulate"
ORACLE_VERSION = "0.1.173"  # pinned: `npm view @cloud-copilot/iam-simulate version` on 2026-11-23
HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent

KEY_ACCOUNT = "111111111111"
OTHER_ACCOUNT = "222222222222"
KEY_ARN = f"arn:aws:kms:us-east-1:{KEY_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY_ARN = f"arn:aws:kms:us-east-1:{KEY_ACCOUNT}:key/0000ffff-0000-ffff-0000-ffffffffffff"

ACTIONS = json.loads((ROOT / "data" / "iam-data" / "kms-actions.json").read_text())
KEY_ACTIONS = sorted(a["name"] for a in ACTIONS.values() if any(r["name"] == "key" for r in a["resourceTypes"]))
IAM_ONLY_ACTIONS = sorted(a["name"] for a in ACTIONS.values() if not a["resourceTypes"])
ACTION_KEYS = {a["name"]: set(a["conditionKeys"]) for a in ACTIONS.values()}
# kms-reference §1.1 "X-acct" column [KMS-XACCT].
CROSS_ACCOUNT = {
    "CreateGrant", "Decrypt", "DeriveSharedSecret", "DescribeKey", "Encrypt", "GenerateDataKey",
    "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext",
    "GenerateMac", "GetKeyRotationStatus", "GetPublicKey", "ListGrants", "ReEncryptFrom", "ReEncryptTo",
    "RetireGrant", "RevokeGrant", "Sign", "Verify", "VerifyMac",
}
GRANT_OPERATIONS = [
    "CreateGrant", "Decrypt", "DescribeKey", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
    "GetPublicKey", "ReEncryptFrom", "ReEncryptTo", "Sign", "Verify", "GenerateMac", "VerifyMac",
]
FAVOURITE_ACTIONS = ["Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey", "CreateGrant", "PutKeyPolicy",
                     "ScheduleKeyDeletion", "ReEncryptFrom", "ListGrants", "TagResource"]

CALLERS = [
    f"arn:aws:sts::{KEY_ACCOUNT}:assumed-role/App/session-1",
    f"arn:aws:sts::{KEY_ACCOUNT}:assumed-role/Admin/alice@example.com",
    f"arn:aws:iam::{KEY_ACCOUNT}:role/App",
    f"arn:aws:iam::{KEY_ACCOUNT}:user/alice",
    f"arn:aws:iam::{KEY_ACCOUNT}:user/ops/bob",
    f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/Partner/session-9",
    f"arn:aws:iam::{OTHER_ACCOUNT}:user/carol",
    "logs.amazonaws.com",
    "cloudtrail.amazonaws.com",
]
PRINCIPAL_ENTRIES = [
    f"arn:aws:iam::{KEY_ACCOUNT}:root", KEY_ACCOUNT, f"arn:aws:iam::{OTHER_ACCOUNT}:root", OTHER_ACCOUNT,
    f"arn:aws:iam::{KEY_ACCOUNT}:role/App", f"arn:aws:iam::{KEY_ACCOUNT}:role/team/Admin",
    f"arn:aws:iam::{KEY_ACCOUNT}:user/alice", f"arn:aws:iam::{KEY_ACCOUNT}:user/ops/bob",
    f"arn:aws:sts::{KEY_ACCOUNT}:assumed-role/App/session-1", f"arn:aws:iam::{OTHER_ACCOUNT}:role/Partner",
    f"arn:aws:iam::{OTHER_ACCOUNT}:user/carol", "*",
]
ACTION_PATTERNS = ["kms:*", "*", "kms:Decrypt", "KMS:DECRYPT", "kms:decrypt", "kms:De*", "kms:?ncrypt",
                   "kms:Encrypt", "kms:GenerateDataKey*", "kms:Create*", "kms:*Grant*", "kms:Describe*",
                   "kms:Put*", "kms:ReEncrypt*", "kms:Schedule*", "kms:List*", "kms:Get*", "kms:TagResource",
                   "kms:CreateGrant", "kms:DescribeKey", "kms:G?nerate*", "s3:GetObject"]
RESOURCE_PATTERNS = ["*", KEY_ARN, OTHER_KEY_ARN, f"arn:aws:kms:*:{KEY_ACCOUNT}:key/*",
                     f"arn:aws:kms:us-east-1:{OTHER_ACCOUNT}:key/*", "arn:aws:kms:*:*:key/1234abcd-*",
                     f"arn:aws:kms:us-east-1:{KEY_ACCOUNT}:key/${{aws:PrincipalTag/keyid}}"]

# Condition keys by value type, with the values the generator draws from (policy and request).
STRING_KEYS = {
    "kms:ViaService": ["ec2.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com", "S3.us-east-1.amazonaws.com"],
    "aws:PrincipalOrgID": ["o-abc123", "o-xyz789"],
    "aws:PrincipalTag/team": ["red", "Red", "blue"],
    "aws:RequestedRegion": ["us-east-1", "eu-west-1"],
    "kms:CallerAccount": [KEY_ACCOUNT, OTHER_ACCOUNT],
    "aws:PrincipalAccount": [KEY_ACCOUNT, OTHER_ACCOUNT],
}
LIKE_PATTERNS = ["*", "s3.*.amazonaws.com", "*.us-east-1.*", "o-abc*", "r?d", "R*", "us-*-1", "1111*", "*2",
                 "a${*}b", "${aws:PrincipalAccount}", "${aws:PrincipalTag/team, 'red'}"]
NUMERIC_KEYS = {"aws:MultiFactorAuthAge": ["30", "3600", "12.5", "0", "86400"]}
DATE_KEYS = {"aws:CurrentTime": ["2026-01-01T00:00:00Z", "2026-06-30T12:00:00Z", "2025-12-31", "1767225600",
                                  "2026-06-30T14:00:00+02:00"],
             "aws:TokenIssueTime": ["2026-03-01T08:00:00Z", "2026-03-01T08:00:00.500Z"]}
BOOL_KEYS = {"aws:SecureTransport": ["true", "false", "True"], "aws:MultiFactorAuthPresent": ["true", "false"],
             "aws:ViaAWSService": ["true", "false"]}
IP_KEYS = {"aws:SourceIp": ["203.0.113.5", "198.51.100.7", "2001:db8::1", "10.1.2.3"]}
IP_POLICY = ["203.0.113.0/24", "10.0.0.0/8", "2001:db8::/32", "198.51.100.7", "10.1.0.0/16", "::/0",
             "198.51.100.0/25", "2001:db8:0:0:0:0:0:1", "203.0.113.5", "0.0.0.0/0"]
ARN_KEYS = {"aws:SourceArn": ["arn:aws:s3:::bucket-a", "arn:aws:cloudtrail:us-east-1:111111111111:trail/main",
                              "arn:aws:s3:::bucket-b:extra"],
            "aws:PrincipalArn": None}
ARN_POLICY = ["arn:aws:s3:::bucket-*", "arn:aws:cloudtrail:*:111111111111:trail/*", "arn:aws:iam::111111111111:role/*",
              "arn:aws:iam::*:role/App", "arn:aws:s3:::bucket-b*", "arn:aws:*:*:*:*",
              "arn:aws:iam::${aws:PrincipalAccount}:root", "arn:aws:iam::111111111111:user/*"]
MULTI_KEYS = {"kms:EncryptionContextKeys": ["Dept", "dept", "Project", "app"],
              "aws:CalledVia": ["athena.amazonaws.com", "dynamodb.amazonaws.com"],
              "aws:PrincipalOrgPaths": ["o-abc123/r-ab12/ou-1/", "o-abc123/r-ab12/ou-2/"],
              "kms:GrantOperations": ["Decrypt", "Encrypt", "RetireGrant"]}
EC_KEYS = {"kms:EncryptionContext:Dept": ["it", "IT", "hr"], "kms:EncryptionContext:app": ["web"]}
BINARY_KEYS = {"aws:userid": ["QUlEQUVYQU1QTEU=", "AIDAEXAMPLE"]}

OPERATORS = {
    "string": ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
               "StringLike", "StringNotLike"],
    "numeric": ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
                "NumericGreaterThan", "NumericGreaterThanEquals"],
    "date": ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
             "DateGreaterThanEquals"],
    "bool": ["Bool"],
    "binary": ["BinaryEquals"],
    "ip": ["IpAddress", "NotIpAddress"],
    "arn": ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
}

# ---------------------------------------------------------------------------------------------------
# Classes where the oracle contradicts AWS documentation. Each is (name, predicate, source).


def caller_account(principal):
    parts = principal.split(":")
    if principal.isdigit():
        return principal
    return parts[4] if len(parts) > 5 else None


def is_cross_account_incapable(case):
    account = caller_account(case["principal"])
    action = case["action"].split(":")[1]
    return (account is not None and account != KEY_ACCOUNT and action in KEY_ACTIONS
            and action not in CROSS_ACCOUNT)


def is_root_caller(case):
    return case["principal"].endswith(":root")


def is_retire_grant(case):
    return case["action"] == "kms:RetireGrant"


CHAIN_FIELDS = ("scps", "rcps", "permission_boundary", "session_policy")


def documents_of(case):
    """Every policy document of the request: key, identity, and the chain's."""
    documents = ([case["key_policy"]] if case.get("key_policy") else []) + case.get("identity_policies", [])
    for field in ("scps", "rcps"):
        documents += [document for level in case.get(field, []) for document in level]
    documents += [case[field] for field in ("permission_boundary", "session_policy") if case.get(field)]
    return documents


def conditions_of(case):
    policies = documents_of(case)
    for policy in policies:
        for statement in policy["Statement"]:
            for operator, block in statement.get("Condition", {}).items():
                for key, values in block.items():
                    yield operator, key, values if isinstance(values, list) else [values]


def drops_encryption_context(case):
    context_has = any(k.lower().startswith("kms:encryptioncontext:") for k in case.get("context", {}))
    policy_uses = any(key.lower().startswith("kms:encryptioncontext:") for _, key, _ in conditions_of(case))
    return context_has and policy_uses


def date_form(value):
    return "epoch" if value.isdigit() else "iso"


def mixes_date_forms(case):
    context = {k.lower(): v for k, v in case.get("context", {}).items()}
    for operator, key, values in conditions_of(case):
        if "Date" not in operator or key.lower() not in context:
            continue
        request = context[key.lower()]
        request_values = request if isinstance(request, list) else [request]
        forms = {date_form(v) for v in values + request_values}
        if len(forms) > 1:
            return True
    return False


def set_operator_if_exists_on_missing_key(case):
    context = {k.lower() for k in case.get("context", {})}
    return any(op.startswith("ForAnyValue:") and op.endswith("IfExists") and key.lower() not in context
               for op, key, _ in conditions_of(case))


def uses_ipv4_zero_prefix(case):
    return any("IpAddress" in op and any(str(v).endswith("/0") and "." in str(v) for v in values)
               for op, _, values in conditions_of(case))


def bare_address_compared_as_text(case):
    request = str(case.get("context", {}).get("aws:SourceIp", ""))
    if not request:
        return False
    for op, _, values in conditions_of(case):
        if "IpAddress" not in op:
            continue
        for value in map(str, values):
            if "/" in value:
                continue
            if (":" in value) != (":" in request) or (":" in value and value != request):
                return True
    return False


def chain_identities(principal):
    """The identities AWS checks a NotPrincipal against: account, then role, then session or user."""
    account = caller_account(principal)
    if account is None:
        return {principal}
    identities = {account, f"arn:aws:iam::{account}:root", principal}
    if ":assumed-role/" in principal:
        identities.add(f"arn:aws:iam::{account}:role/{principal.split('/')[1]}")
    return identities


def not_principal_spares_part_of_chain(case):
    statements = case.get("key_policy", {}).get("Statement", [])
    for statement in statements:
        if statement.get("Effect") != "Deny" or "NotPrincipal" not in statement:
            continue
        listed = statement["NotPrincipal"]["AWS"]
        listed = set(listed if isinstance(listed, list) else [listed])
        if listed & chain_identities(case["principal"]) or case.get("permission_boundary"):
            return True
        # A role entry with a path names the session's role too: the session ARN drops the path.
        if any(grantee_matches(entry, case["principal"]) for entry in listed if ":role/" in entry):
            return True
    return False


def scps_for_service_principal(case):
    return caller_account(case["principal"]) is None and bool(case.get("scps"))


def rcps_for_action_without_resource(case):
    return bool(case.get("rcps")) and case["resource"] == "*"


def key_policy_names_session_with_session_policy(case):
    if not case.get("session_policy"):
        return False
    for statement in case.get("key_policy", {}).get("Statement", []):
        entries = statement.get("Principal", {})
        entries = entries.get("AWS", []) if isinstance(entries, dict) else entries
        if case["principal"] in (entries if isinstance(entries, list) else [entries]):
            return True
    return False


EXCLUDED_CLASSES = [
    ("cross-account call of an action outside the KMS cross-account allow-list", is_cross_account_incapable,
     "KMS Developer Guide, key-policy-modifying-external-accounts.html: 'Cross-account permission is effective "
     "only for ... cryptographic operations, CreateGrant, DescribeKey, GetKeyRotationStatus, GetPublicKey, "
     "ListGrants, RetireGrant, RevokeGrant' (kms-reference §1.1, §3.3 step 2); the oracle has no allow-list"),
    ("the account root user as caller", is_root_caller,
     "KMS Developer Guide, key-policy-default.html: the account principal 'represents the account and its "
     "administrators, including the account root user'; IAM evaluation-logic: the root user needs no identity "
     "policy (kms-reference §3.2); the oracle requires an identity-policy allow for the root user"),
    ("kms:RetireGrant", is_retire_grant,
     "KMS Developer Guide, grant-delete.html: 'The kms:RetireGrant permission is not effective in a key policy' "
     "(kms-reference §5.3); the oracle lets a key-policy allow decide"),
    ("kms:EncryptionContext:<key> in both the request and a policy condition", drops_encryption_context,
     "KMS Developer Guide, conditions-kms.html: kms:EncryptionContext:${EncryptionContextKey} is a valid key for "
     "Decrypt/Encrypt/GenerateDataKey*/ReEncrypt*/CreateGrant; the oracle drops such request keys as unknown"),
    ("Date condition comparing an epoch value with an ISO 8601 value", mixes_date_forms,
     "IAM User Guide, reference_policies_elements_condition_operators.html (Date): epoch (UNIX) time is in "
     "seconds; the oracle reads epoch values as seconds but ISO values as milliseconds"),
    ("ForAnyValue:...IfExists on a key missing from the request", set_operator_if_exists_on_missing_key,
     "IAM User Guide, condition operators, ...IfExists: 'If the key is not present, evaluate the condition "
     "element as true'; the oracle ignores IfExists under ForAnyValue"),
    ("IpAddress/NotIpAddress with an IPv4 /0 network", uses_ipv4_zero_prefix,
     "IAM User Guide, condition operators (IP address): values in RFC 4632 CIDR format, so 0.0.0.0/0 holds "
     "every IPv4 address; the oracle's 32-bit shift makes /0 match only the network address itself"),
    ("IpAddress/NotIpAddress with a bare address of the other IP family, or a bare IPv6 address",
     bare_address_compared_as_text,
     "IAM User Guide, condition operators (IP address): values are addresses or RFC 4632 CIDR ranges, so "
     "2001:db8:0:0:0:0:0:1 is 2001:db8::1 (RFC 4291 text forms) and an IPv6 address is never an IPv4 one; the "
     "oracle compares bare addresses as text and answers 'no match' for NotIpAddress across families"),
    ("Deny with NotPrincipal listing part of the caller's chain, or a caller with a permissions boundary",
     not_principal_spares_part_of_chain,
     "IAM User Guide, reference_policies_elements_notprincipal.html: with the user Bob and the account listed "
     "'all principals except the user named Bob ... are explicitly denied'; AWS 'might validate the account "
     "first, then the role, and then the assumed-role user', so each must be listed; and a Deny with NotPrincipal "
     "'will always deny any IAM principal that has a permissions boundary policy attached' (kms-reference §3.6); "
     "the oracle spares a caller when any one listed entry matches it"),
    ("SCPs with a service principal as caller", scps_for_service_principal,
     "Organizations User Guide, orgs_manage_policies_scps.html: 'SCPs affect only IAM users and roles that are "
     "managed by accounts that are part of the organization'; a service principal belongs to no account of it, "
     "so SCPs never limit it; the oracle applies the caller's SCPs to service principals"),
    ("RCPs with an action that has no resource (ListKeys, CreateKey, GenerateRandom, ...)",
     rcps_for_action_without_resource,
     "Organizations User Guide, orgs_manage_policies_rcps.html: RCPs set 'the maximum available permissions for "
     "resources in your organization'; KMS authorizes these actions on no resource (Service Authorization "
     "Reference, AWS KMS: no resource type), so no resource of the organisation is there for an RCP to guard; "
     "the oracle evaluates them against the caller's own account"),
    ("a key policy naming the role session ARN itself, with a session policy", key_policy_names_session_with_session_policy,
     "IAM User Guide, access_policies.html#policies_session: when a resource-based policy specifies the session "
     "ARN as principal, its permissions are added after the session is created and 'are not limited by the "
     "session policy'; the oracle limits them by the session policy"),
]

# ---------------------------------------------------------------------------------------------------
# Generator


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def chance(self, p):
        return self.rng.random() < p

    def pick(self, items):
        return self.rng.choice(items)

    def some(self, items, low=1, high=3):
        return self.rng.sample(items, self.rng.randint(low, min(high, len(items))))

    def one_or_list(self, items):
        return items[0] if len(items) == 1 and self.chance(0.5) else items

    def condition(self, action):
        family = self.pick(list(OPERATORS) + ["string", "string", "null", "multi", "ec"])
        qualifier = ""
        if_exists = self.chance(0.2)
        if family == "null":
            key = self.pick(list(STRING_KEYS) + list(MULTI_KEYS) + list(BOOL_KEYS))
            return "Null", key, self.one_or_list(self.some(["true", "false"], 1, 1))
        if family in ("multi", "ec"):
            pool = MULTI_KEYS if family == "multi" else EC_KEYS
            key = self.pick(list(pool))
            operator = self.pick(OPERATORS["string"])
            if family == "multi":
                qualifier = self.pick(["ForAnyValue:", "ForAllValues:", "ForAnyValue:", "ForAllValues:", ""])
            values = self.some(pool[key] + (LIKE_PATTERNS[:5] if "Like" in operator else []))
        elif family == "string":
            key = self.pick(list(STRING_KEYS))
            operator = self.pick(OPERATORS["string"])
            values = self.some(STRING_KEYS[key] + (LIKE_PATTERNS if "Like" in operator else ["${aws:PrincipalAccount}"]))
            if self.chance(0.1):
                qualifier = self.pick(["ForAnyValue:", "ForAllValues:"])
        elif family == "numeric":
            key = self.pick(list(NUMERIC_KEYS))
            operator = self.pick(OPERATORS["numeric"])
            values = self.some(NUMERIC_KEYS[key])
        elif family == "date":
            key = self.pick(list(DATE_KEYS))
            operator = self.pick(OPERATORS["date"])
            values = self.some(DATE_KEYS[key])
        elif family == "bool":
            key = self.pick(list(BOOL_KEYS))
            operator = "Bool"
            values = [self.pick(BOOL_KEYS[key])]
            if self.chance(0.3):
                values = [values[0] == "true"]  # JSON true/false: quotes are optional [IAM-GRAMMAR]
        elif family == "binary":
            key = self.pick(list(BINARY_KEYS))
            operator = "BinaryEquals"
            values = self.some(BINARY_KEYS[key], 1, 2)
        elif family == "ip":
            key = self.pick(list(IP_KEYS))
            operator = self.pick(OPERATORS["ip"])
            values = self.some(IP_POLICY)
        else:
            key = self.pick(list(ARN_KEYS))
            operator = self.pick(OPERATORS["arn"])
            values = self.some(ARN_POLICY)
        name = qualifier + operator + ("IfExists" if if_exists else "")
        return name, key, self.one_or_list(values)

    def conditions(self, action, count):
        block = {}
        for _ in range(count):
            operator, key, values = self.condition(action)
            block.setdefault(operator, {})[key] = values
        return block

    def statement(self, action, key_policy):
        statement = {"Effect": "Allow" if self.chance(0.78) else "Deny"}
        if self.chance(0.3):
            statement["Sid"] = self.pick(["Enable IAM", "KeyUsers", "DenyEveryoneElse", "x"])
        if key_policy:
            if statement["Effect"] == "Deny" and self.chance(0.4):
                # NotPrincipal is accepted with Deny only (IAM User Guide, NotPrincipal).
                statement["NotPrincipal"] = {"AWS": self.one_or_list(self.some(PRINCIPAL_ENTRIES[:-1], 1, 4))}
            elif self.chance(0.15):
                statement["Principal"] = self.pick(["*", {"AWS": "*"}])
            elif self.chance(0.1):
                statement["Principal"] = {"Service": self.pick(["logs.amazonaws.com", "cloudtrail.amazonaws.com"])}
            else:
                statement["Principal"] = {"AWS": self.one_or_list(self.some(PRINCIPAL_ENTRIES[:-1], 1, 3))}
        actions = self.one_or_list(self.some(ACTION_PATTERNS, 1, 3))
        statement["NotAction" if self.chance(0.12) else "Action"] = actions
        if key_policy:
            # KMS accepts only "*" in a key policy [AWS-NOTICE-2025]: other values are refused policies.
            statement["Resource"] = self.pick(["*", "*", "*", ["*"]])
        else:
            resources = self.one_or_list(self.some(RESOURCE_PATTERNS, 1, 2))
            statement["NotResource" if self.chance(0.1) else "Resource"] = resources
        if self.chance(0.45):
            statement["Condition"] = self.conditions(action, self.rng.randint(1, 2))
        return statement

    def policy(self, action, key_policy, count):
        version = "2012-10-17"
        return {"Version": version, "Statement": [self.statement(action, key_policy) for _ in range(count)]}

    def context(self, case, action):
        principal = case["principal"]
        context = {}
        account = caller_account(principal)
        allowed = ACTION_KEYS[action]
        # The keys tfkms derives from the caller (policy/evaluate.hpp PreparedRequest) are given to both
        # engines explicitly: the oracle does not derive any.
        if account is None:
            context["aws:PrincipalIsAWSService"] = "true"
            context["aws:PrincipalServiceName"] = principal
        else:
            resource = principal.split(":", 5)[5]
            if principal.startswith("arn:aws:sts::"):
                role_arn = f"arn:aws:iam::{account}:role/{resource.split('/')[1]}"
                context["aws:PrincipalArn"], context["aws:PrincipalType"] = role_arn, "AssumedRole"
            elif resource.startswith("role/"):
                context["aws:PrincipalArn"], context["aws:PrincipalType"] = principal, "AssumedRole"
            elif resource == "root":
                context["aws:PrincipalArn"], context["aws:PrincipalType"] = principal, "Account"
            else:
                context["aws:PrincipalArn"], context["aws:PrincipalType"] = principal, "User"
                context["aws:username"] = resource.rsplit("/", 1)[1]
            context["aws:PrincipalAccount"] = account
            context["aws:PrincipalIsAWSService"] = "false"
            if "kms:CallerAccount" in allowed:
                context["kms:CallerAccount"] = account
        pools = [STRING_KEYS, NUMERIC_KEYS, DATE_KEYS, BOOL_KEYS, IP_KEYS, BINARY_KEYS, MULTI_KEYS, EC_KEYS]
        for pool in pools:
            for key, values in pool.items():
                if key in context or not values or not self.chance(0.45):
                    continue
                if key.startswith("kms:") and not self.kms_key_allowed(key, allowed):
                    continue
                if pool is MULTI_KEYS:
                    context[key] = self.rng.sample(values, self.rng.randint(0, 2))
                else:
                    context[key] = self.pick(values)
        if self.chance(0.3):
            context["aws:PrincipalTag/keyid"] = self.pick(["1234abcd-12ab-34cd-56ef-1234567890ab", "other"])
        return context

    @staticmethod
    def kms_key_allowed(key, allowed):
        if key.lower().startswith("kms:encryptioncontext:"):
            return "kms:EncryptionContext:${EncryptionContextKey}" in allowed
        return key in allowed

    def grant(self, case):
        account = caller_account(case["principal"])
        grantee = self.pick([
            case["principal"] if account else f"arn:aws:iam::{KEY_ACCOUNT}:role/App",
            f"arn:aws:iam::{KEY_ACCOUNT}:role/App", f"arn:aws:iam::{KEY_ACCOUNT}:user/alice",
            f"arn:aws:iam::{OTHER_ACCOUNT}:role/Partner", "logs.amazonaws.com",
        ])
        grant = {"grantee": grantee, "operations": self.some(GRANT_OPERATIONS, 1, 4)}
        if self.chance(0.5):
            kind = self.pick(["encryption_context_equals", "encryption_context_subset"])
            pairs = {}
            for key, values in EC_KEYS.items():
                if self.chance(0.6):
                    pairs[self.pick([key.split(":")[-1], key.split(":")[-1].upper()])] = self.pick(values)
            grant["constraints"] = {kind: pairs or {"Dept": "it"}}
        return grant

    def limit_statement(self, effect, rcp=False):
        # An RCP's actions name a service: "*" alone is refused (Organizations User Guide, RCP syntax).
        patterns = [p for p in ACTION_PATTERNS if p != "*"] if rcp else ACTION_PATTERNS
        statement = {"Effect": effect, "Action": self.one_or_list(self.some(patterns, 1, 3)),
                     "Resource": self.pick(["*", "*", KEY_ARN, f"arn:aws:kms:*:{KEY_ACCOUNT}:key/*"])}
        if rcp:
            statement["Principal"] = "*"
        if self.chance(0.5 if effect == "Deny" else 0.2):
            statement["Condition"] = self.conditions(None, 1)
        return statement

    def control_policy(self, rcp):
        """An SCP or RCP document: full access, an allow-list, or denies (RCPs: denies only)."""
        if not rcp and self.chance(0.4):
            return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        statements = [self.limit_statement("Deny" if rcp or self.chance(0.4) else "Allow", rcp)
                      for _ in range(self.rng.randint(1, 2))]
        return {"Version": "2012-10-17", "Statement": statements}

    def levels(self, rcp):
        return [[self.control_policy(rcp) for _ in range(self.rng.randint(1, 2))]
                for _ in range(self.rng.randint(1, 3))]

    def chain(self, case):
        """SCPs, RCPs, a boundary and (for role sessions) a session policy, each often absent."""
        action = case["action"].split(":")[1]
        if self.chance(0.35):
            case["scps"] = self.levels(False)
        if self.chance(0.3):
            case["rcps"] = self.levels(True)
        if caller_account(case["principal"]) is None:
            return  # a service principal has no boundary and no session
        if self.chance(0.3):
            case["permission_boundary"] = self.policy(action, False, self.rng.randint(1, 2))
        if ":assumed-role/" in case["principal"] and self.chance(0.3):
            case["session_policy"] = self.policy(action, False, self.rng.randint(1, 2))

    def case(self):
        if self.chance(0.1):
            action = self.pick(IAM_ONLY_ACTIONS)
        elif self.chance(0.6):
            action = self.pick(FAVOURITE_ACTIONS)
        else:
            action = self.pick(KEY_ACTIONS)
        roots = [f"arn:aws:iam::{KEY_ACCOUNT}:root", f"arn:aws:iam::{OTHER_ACCOUNT}:root"]
        caller = self.pick(roots) if self.chance(0.04) else self.pick(CALLERS)
        case = {"principal": caller, "action": f"kms:{action}",
                "resource": KEY_ARN if action in KEY_ACTIONS else "*"}
        if action in KEY_ACTIONS:
            statements = self.rng.randint(1, 4)
            case["key_policy"] = self.policy(action, True, statements)
            if self.chance(0.4):  # the default "Enable IAM User Permissions" statement, often kept
                delegation = {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Resource": "*",
                              "Principal": {"AWS": self.pick([f"arn:aws:iam::{KEY_ACCOUNT}:root", KEY_ACCOUNT])},
                              "Action": "kms:*"}
                case["key_policy"]["Statement"].insert(0, delegation)
        if self.chance(0.8):
            case["identity_policies"] = [self.policy(action, False, self.rng.randint(1, 3))
                                         for _ in range(self.rng.randint(1, 2))]
        case["context"] = self.context(case, action)
        self.chain(case)
        # The file's grant model does not know the chain: grants only come without one.
        if action in KEY_ACTIONS and self.chance(0.2) and not any(f in case for f in CHAIN_FIELDS):
            case["grants"] = [self.grant(case) for _ in range(self.rng.randint(1, 2))]
        return case


# ---------------------------------------------------------------------------------------------------
# Grant model (kms-reference §5.2), independent of the C++ engine.


def grantee_matches(grantee, principal):
    if grantee == principal:
        return True
    # A role grantee covers the role's sessions [IAM-PRINCIPAL].
    if ":role/" in grantee and principal.startswith("arn:aws:sts::") and ":assumed-role/" in principal:
        g_account, g_name = grantee.split(":")[4], grantee.rsplit("/", 1)[1]
        p_account, p_name = principal.split(":")[4], principal.split(":", 5)[5].split("/")[1]
        return g_account == p_account and g_name.lower() == p_name.lower()
    return False


def grant_allows(grant, case):
    action = case["action"].split(":")[1]
    if action not in grant["operations"] or not grantee_matches(grant["grantee"], case["principal"]):
        return False
    if action in ("DescribeKey", "RetireGrant") or "constraints" not in grant:
        return True
    request = {k.split(":", 2)[2].lower(): v for k, v in case.get("context", {}).items()
               if k.lower().startswith("kms:encryptioncontext:")}
    (kind, pairs), = grant["constraints"].items()
    wanted = {k.lower(): v for k, v in pairs.items()}
    contains = all(request.get(k) == v for k, v in wanted.items())
    return contains and (kind == "encryption_context_subset" or set(request) == set(wanted))


def expected_with_grants(oracle_decision, case):
    if oracle_decision != "implicitly_denied":
        return oracle_decision
    return "allowed" if any(grant_allows(g, case) for g in case.get("grants", [])) else "implicitly_denied"


# ---------------------------------------------------------------------------------------------------


def ensure_oracle(prefix):
    package_json = prefix / "node_modules" / "@cloud-copilot" / "iam-simulate" / "package.json"
    if package_json.exists() and json.loads(package_json.read_text()).get("version") == ORACLE_VERSION:
        return
    prefix.mkdir(parents=True, exist_ok=True)
    command = ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--no-save",
               f"{ORACLE_PACKAGE}@{ORACLE_VERSION}"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        sys.exit(f"FAIL: cannot install the oracle {ORACLE_PACKAGE}@{ORACLE_VERSION} (npm registry not reachable?): {error}")
    if result.returncode != 0 or not package_json.exists():
        sys.exit(f"FAIL: cannot install the oracle {ORACLE_PACKAGE}@{ORACLE_VERSION} with npm "
                 f"(npm registry not reachable?):\n{result.stderr[-2000:]}")


def run_lines(command, lines):
    result = subprocess.run(command, input="".join(json.dumps(line) + "\n" for line in lines),
                            capture_output=True, text=True, timeout=900)
    outputs = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    if len(outputs) != len(lines):
        sys.exit(f"FAIL: {command[0]} answered {len(outputs)} lines for {len(lines)} requests:\n{result.stderr[-2000:]}")
    return outputs


def predicate_is(name, predicate):
    return any(n == name and p is predicate for n, p, _ in EXCLUDED_CLASSES)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--simulate", required=True, nargs="+", help="the command: <tfkms binary> simulate")
    parser.add_argument("--oracle-dir", required=True, type=pathlib.Path)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--show", type=int, default=8, help="disagreements to print")
    args = parser.parse_args()

    ensure_oracle(args.oracle_dir)
    generator = Generator(args.seed)
    cases = [generator.case() for _ in range(args.count)]
    oracle_inputs = [{k: v for k, v in case.items() if k != "grants"} for case in cases]

    ours = run_lines(args.simulate, cases)
    theirs = run_lines(["node", str(HERE / "oracle_runner.js"), str(args.oracle_dir)], oracle_inputs)

    excluded = {name: 0 for name, _, _ in EXCLUDED_CLASSES}
    compared = agreed = with_chain = 0
    failures = []
    for index, (case, mine, oracle) in enumerate(zip(cases, ours, theirs)):
        if "error" in mine or "error" in oracle:
            failures.append((index, case, mine, oracle, "error"))
            continue
        unsupported = [k for k in oracle.get("ignored_context_keys", [])
                       if not k.lower().startswith("kms:encryptioncontext:")]
        if unsupported:
            failures.append((index, case, mine, oracle, f"generator gave keys the action lacks: {unsupported}"))
            continue
        classes = [name for name, predicate, _ in EXCLUDED_CLASSES if predicate(case)]
        if classes:
            skip = classes[0]
            excluded[skip] += 1
            # Where the documentation alone fixes the answer, check tfkms against it instead.
            if classes == [skip] and predicate_is(skip, is_cross_account_incapable):
                documented = "explicitly_denied" if oracle["decision"] == "explicitly_denied" else "implicitly_denied"
                if mine["decision"] != documented:
                    failures.append((index, case, mine, oracle, f"documented {documented}"))
            continue
        compared += 1
        with_chain += any(field in case for field in CHAIN_FIELDS)
        expected = expected_with_grants(oracle["decision"], case)
        if mine["decision"] == expected:
            agreed += 1
        else:
            failures.append((index, case, mine, oracle, f"expected {expected}"))

    outcomes = {}
    for mine in ours:
        outcomes[mine.get("decision", "error")] = outcomes.get(mine.get("decision", "error"), 0) + 1
    print(f"oracle {ORACLE_PACKAGE}@{ORACLE_VERSION}, seed {args.seed}: {args.count} requests, "
          f"{compared} compared, {agreed} agree ({100.0 * agreed / max(compared, 1):.2f}%), "
          f"{sum(1 for c in cases if c.get('grants'))} with grants, {with_chain} compared with an SCP, RCP, "
          f"boundary or session policy; tfkms decisions {outcomes}")
    for name, _, source in EXCLUDED_CLASSES:
        print(f"  excluded {excluded[name]:5d}: {name}\n      follows: {source}")
    for index, case, mine, oracle, why in failures[: args.show]:
        print(f"\nDISAGREEMENT #{index} ({why}):\n  request: {json.dumps(case)}\n  tfkms:  {json.dumps(mine)}\n"
              f"  oracle: {json.dumps(oracle)}")
    if failures:
        print(f"\nFAIL: {len(failures)} disagreements or errors")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
