#!/usr/bin/env python3
"""Hostile inputs through `tfkms check`: nothing crashes, nothing unreadable passes, limits refuse with a
position and can be raised in .tfkms.yml, and names from the input cannot forge output in any format.

Every hostile input that still parses carries an open key policy (Principal "*", kms:*), so exit 0 always
means tfkms missed something. Usage: hostile_check_test.py PATH_TO_TFKMS (run from the source root).
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest

TFKMS = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else "build/dev/tfkms"
OPEN_STATEMENT = {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}
FORMATS = ["text", "json", "sarif", "github", "markdown"]

def rule_ids(tfkms):
    result = subprocess.run([tfkms, "rules", "--format", "json"], capture_output=True, text=True, timeout=60)
    text = result.stdout
    return {rule_id for rule_id in ("TFKMS004", "TFKMS010") if rule_id in text}


RULES = rule_ids(TFKMS)
# The "open policy" and "unreadable policy" rules decide whether an open or unreadable policy fails the
# check; until they exist these expectations cannot hold, and the tests say so instead of passing.
NEEDS_RULES = unittest.skipUnless({"TFKMS004", "TFKMS010"} <= RULES, "needs rules TFKMS004 and TFKMS010")
HOSTILE_NAME = "\x1b[31mred\x1b[0m\nFAKE-FINDING ::error file=x::pwned %0A 100% | <script>alert(1)</script> \"q\" 'q'"


def plan(policy, name="k", index=None, rotation=True):
    """A plan creating one aws_kms_key whose `policy` attribute is `policy` (text or any JSON). Without
    `rotation` the key also has a certain low finding (TFKMS007), for tests that need one."""
    address = f"aws_kms_key.{name}" + ("" if index is None else f"[{json.dumps(index)}]")
    after = {"policy": policy, "enable_key_rotation": rotation, "description": "hostile"}
    change = {"address": address, "mode": "managed", "type": "aws_kms_key", "name": name,
              "provider_name": "registry.terraform.io/hashicorp/aws",
              "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}}
    planned = {key: change[key] for key in ("address", "mode", "type", "name")}
    planned["values"] = after
    if index is not None:
        change["index"] = planned["index"] = index
    return json.dumps({"format_version": "1.2", "terraform_version": "1.6.0",
                       "planned_values": {"root_module": {"resources": [planned]}}, "resource_changes": [change]})


def policy_text(*statements, **extra):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements), **extra})


class Scratch:
    def __init__(self):
        self.dir = tempfile.TemporaryDirectory()

    def write(self, name, content):
        path = pathlib.Path(self.dir.name) / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return str(path)


def run(*args, cwd=None):
    result = subprocess.run([TFKMS, *args], capture_output=True, timeout=120, cwd=cwd)
    return result


class Hostile(unittest.TestCase):
    def check(self, *args, cwd=None):
        result = run("check", "--no-color", *args, cwd=cwd)
        stderr = result.stderr.decode(errors="replace")
        self.assertGreaterEqual(result.returncode, 0, f"killed by signal: {stderr[-2000:]}")
        for crash in ("AddressSanitizer", "runtime error:", "terminate called", "Segmentation"):
            self.assertNotIn(crash, stderr)
        return result

    def assert_refused(self, path, *fragments):
        result = self.check(path)
        stderr = result.stderr.decode(errors="replace")
        self.assertEqual(result.returncode, 2, stderr)
        errors = [line for line in stderr.splitlines() if line.startswith("tfkms: error:")]
        self.assertTrue(errors, stderr)
        self.assertIn(path, errors[0])
        for fragment in fragments:
            self.assertIn(fragment, stderr)
        return result


class NeverPasses(Hostile):
    """Input tfkms cannot read is refused (exit 2); a policy it cannot read is reported; never exit 0."""

    def setUp(self):
        self.scratch = Scratch()

    def test_unreadable_files_are_refused(self):
        good = plan(policy_text(OPEN_STATEMENT))
        cases = {
            "empty.json": b"",
            "blank.json": b" \n\t\n",
            "nul.json": good.encode().replace(b"hostile", b"hos\x00tile"),
            "invalid_utf8.json": good.encode().replace(b"hostile", b"hos\xff\xfetile"),
            "package.json": json.dumps({"name": "pkg", "version": "1.0.0", "dependencies": {}}).encode(),
            "report.sarif.json": json.dumps({"version": "2.1.0", "runs": []}).encode(),
            "deep.json": b'{"format_version":"1.2","resource_changes":' + b"[" * 100000 + b"]" * 100000 + b"}",
            "truncated.json": good[: len(good) // 2].encode(),
            "deep.yaml": b"[" * 100000 + b"]" * 100000,
        }
        for name, content in cases.items():
            with self.subTest(name):
                self.assert_refused(self.scratch.write(name, content))

    def test_billion_laughs_is_refused_quickly(self):
        text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in range(1, 11):
            text += f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]\n"
        text += "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: *a10\n"
        path = self.scratch.write("laughs.yaml", text)
        result = self.assert_refused(path, "refused")
        self.assertRegex(result.stderr.decode(), re_position(path))

    @NEEDS_RULES
    def test_unreadable_policies_never_pass(self):
        cases = {
            "not_json": "Allow everyone",
            "number": 42,
            "statement_string": policy_text().replace("[]", '"Allow"'),
            "action_number": policy_text({**OPEN_STATEMENT, "Action": 42}),
            "effect_object": policy_text({**OPEN_STATEMENT, "Effect": {"Allow": True}}),
            "deep": "[" * 100000 + "]" * 100000,
            "array": json.dumps([OPEN_STATEMENT]),
        }
        for name, policy in cases.items():
            with self.subTest(name):
                result = self.check(self.scratch.write(name + ".json", plan(policy)), "--format", "json")
                self.assertIn(result.returncode, (1, 2), result.stderr.decode(errors="replace"))
                if result.returncode == 1:
                    # Cannot be read (TFKMS010), or read and refused by AWS's grammar (TFKMS011).
                    self.assertRegex(result.stdout.decode(), "TFKMS01[01]")

    @NEEDS_RULES
    def test_unicode_oddities_in_policies_never_hide_an_open_statement(self):
        cases = {
            "unpaired_surrogate": policy_text({**OPEN_STATEMENT, "Sid": "\ud800"}),
            "surrogate_in_action": policy_text(OPEN_STATEMENT, {**OPEN_STATEMENT, "Action": "kms:\udc00"}),
            "nul_in_sid": policy_text({**OPEN_STATEMENT, "Sid": "a\u0000b"}),
        }
        for name, policy in cases.items():
            with self.subTest(name):
                result = self.check(self.scratch.write(name + ".json", plan(policy)))
                self.assertNotEqual(result.returncode, 0, result.stdout.decode(errors="replace"))

    def test_duplicate_statement_key_is_a_warning_naming_the_key(self):
        text = policy_text(OPEN_STATEMENT)[:-1] + ', "Statement": []}'
        result = self.check(self.scratch.write("duplicate.json", plan(text)))
        self.assertIn('duplicate key "Statement"', result.stderr.decode() + result.stdout.decode())


def re_position(path):
    import re
    return re.escape(path) + r":\d+:\d+"


class Limits(Hostile):
    """Each limit refuses with the setting's name, and raising it in .tfkms.yml lets the input through."""

    def test_statement_limit_refuses_then_config_raises_it(self):
        scratch = Scratch()
        path = scratch.write("many.json", plan(policy_text(*[OPEN_STATEMENT] * 1001), rotation=False))
        self.assert_refused(path, "max_statements")
        config = scratch.write(".tfkms.yml", "limits:\n  max_statements: 2000\n")
        result = self.check("--config", config, "--fail-on", "low", path)
        self.assertEqual(result.returncode, 1, result.stderr.decode(errors="replace"))

    def test_condition_value_limit(self):
        scratch = Scratch()
        statement = {**OPEN_STATEMENT, "Condition": {"StringEquals": {"aws:PrincipalOrgID": [f"o-{i}" for i in range(1001)]}}}
        path = scratch.write("values.json", plan(policy_text(statement)))
        self.assert_refused(path, "max_condition_values")
        config = scratch.write("raised.yml", "limits:\n  max_condition_values: 5000\n")
        self.assertNotEqual(self.check("--config", config, path).returncode, 2)

    def test_input_size_limit(self):
        scratch = Scratch()
        path = scratch.write("big.json", plan(policy_text(OPEN_STATEMENT)))
        config = scratch.write("small.yml", "limits:\n  max_input_bytes: 100\n")
        result = self.check("--config", config, path)
        self.assertEqual(result.returncode, 2, result.stderr.decode())
        self.assertIn(path, result.stderr.decode())


class OutputSafety(Hostile):
    """Names from the input (resource address, Sid) cannot inject terminal escapes, annotations or markup."""

    def test_hostile_names_in_every_format(self):
        scratch = Scratch()
        policy = policy_text({**OPEN_STATEMENT, "Sid": HOSTILE_NAME})
        path = scratch.write("hostile.json", plan(policy, index=HOSTILE_NAME, rotation=False))
        for fmt in FORMATS:
            with self.subTest(fmt):
                result = self.check("--format", fmt, "--fail-on", "low", path)
                self.assertEqual(result.returncode, 1, result.stderr.decode(errors="replace"))
                out = result.stdout.decode()
                self.assertNotIn("\x1b", out)
                self.assertFalse(any(line.lstrip().startswith("FAKE-FINDING") for line in out.splitlines()), out)
                if fmt in ("json", "sarif"):
                    json.loads(out)
                if fmt == "github":
                    commands = [line for line in out.splitlines() if line.startswith("::")]
                    self.assertTrue(commands, out)
                    for line in commands:
                        # One command per line; the runner reads properties up to the second "::".
                        properties = line[2:].split("::", 1)[0]
                        self.assertNotIn("file=x", properties, line)
                        self.assertNotIn("pwned", properties, line)
                if fmt == "markdown":
                    self.assertNotIn("<script>", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
