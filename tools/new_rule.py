#!/usr/bin/env python3
"""Makes the skeleton of a new rule, in the places every rule has them:

  src/rules/tfkmsNNN_<what>.cpp        the rule, with a placeholder check to replace
  src/rules/rules.hpp, registry.cpp    its factory's declaration and registration, in id order
  rules/TFKMSNNN.md                    its page, with the fixed headings and both formats' examples
  README.md                            its line in the rule index
  fixtures/TFKMSNNN/positive|negative  a scenario folder in each, holding a plan (with its .tfplan.in
                                       and .tf), a template and the positive one's expected findings

The placeholder check reports every customer managed key without a deletion window set, so the
generated fixtures pass until the real check replaces it; then edit the fixtures to show the real case.

Usage: tools/new_rule.py [--root DIR] TFKMSNNN what_it_finds PascalCaseName "One-line title" SEVERITY
"""
import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

SEVERITIES = ("info", "low", "medium", "high", "critical")

RULE_CPP = """\
// {id}: {title}. See rules/{id}.md.
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

namespace tfkms::rules {{
namespace {{

class {name} final : public Rule {{
public:
  const RuleInfo& info() const override {{ return k_info; }}

  void check(const RuleContext& context, FindingSink& out) const override {{
    for (const model::Key& key : context.graph.keys) {{
      // Placeholder made by tools/new_rule.py: replace with the condition the rule looks for.
      if (key.kind != model::KeyKind::customer || is_going_away(key)) continue;
      if (key.deletion_window_days) continue;
      Finding finding = new_finding(k_info);
      finding.message = "Key " + key.source.name() + " sets no deletion window.";
      finding.evidence.push_back(evidence_at(key.source, "no deletion window"));
      finding.fix = "Set the waiting period before deletion.";
      out.report(std::move(finding), key.source);
    }}
  }}

private:
  static constexpr RuleInfo k_info{{"{id}", "{name}",
                                   "{title}",
                                   Severity::{severity}, doc_for("{id}")}};
}};

}} // namespace

std::unique_ptr<Rule> make_{lower}_{what}() {{
  return std::make_unique<{name}>();
}}

}} // namespace tfkms::rules
"""

DOC = """\
# {id}: {title}

Severity: {severity}

## Why it matters

What goes wrong for the user when this is in their infrastructure.

## How it is detected

What tfkms looks at, in both formats, and what it leaves alone.

## Example

Bad (Terraform):

```hcl
resource "aws_kms_key" "data" {{
}}
```

Good (Terraform):

```hcl
resource "aws_kms_key" "data" {{
  deletion_window_in_days = 30
}}
```

Bad (CloudFormation):

```yaml
DataKey:
  Type: AWS::KMS::Key
```

Good (CloudFormation):

```yaml
DataKey:
  Type: AWS::KMS::Key
  Properties:
    PendingWindowInDays: 30
```

## Fix

What to change.

## References

- The AWS documentation page that says so.
"""

# Scenario name -> (key attributes in Terraform, key properties in CloudFormation, finds something).
SCENARIOS = {
    "positive": ("key_without_deletion_window", {}, {}, True),
    "negative": ("key_with_deletion_window", {"deletion_window_in_days": 30}, {"PendingWindowInDays": 30}, False),
}


def insert_sorted(path: Path, pattern: str, new_line: str) -> None:
    """Inserts `new_line` among the lines matching `pattern`, keeping them in order."""
    lines = path.read_text().splitlines(keepends=True)
    matching = [i for i, line in enumerate(lines) if re.search(pattern, line)]
    if not matching:
        sys.exit(f"{path}: no line matches {pattern!r}")
    if any(line.rstrip("\n") == new_line for line in lines):
        sys.exit(f"{path}: already has {new_line.strip()!r}")
    at = next((i for i in matching if lines[i] > new_line + "\n"), matching[-1] + 1)
    lines.insert(at, new_line + "\n")
    path.write_text("".join(lines))


def write_new(path: Path, text: str) -> None:
    if path.exists():
        sys.exit(f"{path} exists already")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def write_fixtures(root: Path, rule: str, folder: str) -> None:
    scenario, tf_values, cfn_properties, finds = SCENARIOS[folder]
    base = root / "fixtures" / rule / folder / scenario / scenario
    description = {"account": "111122223333", "resources": [{"address": "aws_kms_key.data", "after": tf_values}]}
    write_new(base.with_name(scenario + ".tfplan.in"), json.dumps(description, indent=1) + "\n")
    plan = subprocess.run([sys.executable, str(root / "tools" / "fixture_plan.py")], input=json.dumps(description),
                          capture_output=True, text=True, check=True).stdout
    write_new(base.with_name(scenario + ".tfplan.json"), plan)
    body = "".join(f'  {key} = {json.dumps(value)}\n' for key, value in tf_values.items())
    write_new(base.with_name(scenario + ".tf"), 'resource "aws_kms_key" "data" {\n' + body + "}\n")
    properties = "".join(f"      {key}: {value}\n" for key, value in cfn_properties.items())
    template = ('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  DataKey:\n    Type: AWS::KMS::Key\n' +
                ("    Properties:\n" + properties if properties else "") +
                "    DeletionPolicy: Retain\n")
    write_new(base.with_name(scenario + ".cfn.yaml"), template)
    if not finds:
        return
    for suffix, resource, file, line in ((".tfplan", "aws_kms_key.data", scenario + ".tf", 1),
                                         (".cfn", "DataKey", scenario + ".cfn.yaml", 3)):
        expected = [{"rule": rule, "resource": resource, "file": file, "line": line}]
        write_new(base.with_name(scenario + suffix + ".expected.json"), json.dumps(expected, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("id", help="TFKMSNNN, never used before")
    parser.add_argument("what", help="snake_case, what the rule finds: key_without_deletion_window")
    parser.add_argument("name", help="PascalCase name for SARIF: KeyWithoutDeletionWindow")
    parser.add_argument("title", help="one line, as the README index and SARIF show it")
    parser.add_argument("severity", choices=SEVERITIES)
    args = parser.parse_args()
    if not re.fullmatch(r"TFKMS\d{3}", args.id) or not re.fullmatch(r"[a-z][a-z0-9_]*", args.what) or \
            not re.fullmatch(r"[A-Z][A-Za-z0-9]*", args.name):
        sys.exit("expected an id like TFKMS012, a snake_case what and a PascalCase name")
    root, lower = args.root, args.id.lower()
    fields = dict(id=args.id, title=args.title, name=args.name, severity=args.severity, lower=lower, what=args.what)
    write_new(root / "src" / "rules" / f"{lower}_{args.what}.cpp", RULE_CPP.format(**fields))
    factory = f"make_{lower}_{args.what}()"
    insert_sorted(root / "src" / "rules" / "rules.hpp", r"^std::unique_ptr<Rule> make_tfkms",
                  f"std::unique_ptr<Rule> {factory};")
    insert_sorted(root / "src" / "rules" / "registry.cpp", r"^  rules\.push_back\(make_tfkms",
                  f"  rules.push_back({factory});")
    write_new(root / "rules" / f"{args.id}.md", DOC.format(**fields))
    insert_sorted(root / "README.md", r"^\| \[TFKMS\d{3}\]\(rules/",
                  f"| [{args.id}](rules/{args.id}.md) | {args.severity} | {args.title} |")
    for folder in SCENARIOS:
        write_fixtures(root, args.id, folder)
    print(f"made {args.id}: src/rules/{lower}_{args.what}.cpp, rules/{args.id}.md, fixtures/{args.id}/; "
          "replace the placeholder check, then the fixtures and the page's text")


if __name__ == "__main__":
    main()
