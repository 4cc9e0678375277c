#!/usr/bin/env python3
"""Counts tfkms findings per rule over a corpus, handing in files the way
/work/shared/tools/corpus-run.py does (one `tfkms check FILE --format json` per .json/.yaml/.yml/
.template file, LICENSE files skipped), and writes every finding as one JSON line for review.

Usage: tools/corpus_findings.py BINARY CORPUS_DIR [FINDINGS.jsonl]
Prints per-rule counts (findings and files), then the files that were refused, crashed or hung.
"""
import collections
import json
import os
import subprocess
import sys


def corpus_files(root):
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
                  if f.lower().endswith((".json", ".yaml", ".yml", ".template")) and "LICENSE" not in f)


def main():
    binary, root = sys.argv[1], sys.argv[2]
    out = open(sys.argv[3], "w") if len(sys.argv) > 3 else None
    findings = collections.Counter()
    files_with = collections.defaultdict(set)
    problems = []
    files = corpus_files(root)
    for path in files:
        try:
            run = subprocess.run([binary, "check", path, "--format", "json"], capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            problems.append(f"{path}: hang")
            continue
        if run.returncode not in (0, 1):
            problems.append(f"{path}: exit {run.returncode} {run.stderr.decode(errors='replace').strip()[:200]}")
            continue
        report = json.loads(run.stdout)
        for finding in report["findings"]:
            findings[finding["rule_id"]] += 1
            files_with[finding["rule_id"]].add(path)
            if out:
                out.write(json.dumps({"input": os.path.relpath(path, root), **finding}) + "\n")
    print(f"{len(files)} files")
    for rule in sorted(findings):
        print(f"{rule}: {findings[rule]} findings in {len(files_with[rule])} files")
    print(f"total: {sum(findings.values())} findings; {len(problems)} files refused/crashed/hung")
    for line in problems[:20]:
        print("  " + line)


if __name__ == "__main__":
    main()
