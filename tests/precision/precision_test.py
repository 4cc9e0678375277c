#!/usr/bin/env python3
"""Findings on the shared corpus reviewed by hand stay as reviewed.

usage: precision_test.py TFKMS CORPUS_DIR REVIEW_TSV

REVIEW_TSV lists findings of `tfkms check FILE` (account unknown, as the corpus is run) reviewed by
hand: file (relative to the corpus), rule, resource, match (words of the message that tell the
finding from others of its rule on that resource), verdict, reason. The verdict is right, wrong (a
wrong finding that is fixed: it must not come back) or wrong_unfixed (reviewed wrong, still
reported until its rule is fixed; then it becomes wrong). The test fails when a finding marked
wrong comes back, and reports (without failing) wrong_unfixed findings still reported or gone,
reviewed right findings that are gone and findings on the listed files that nobody has reviewed
yet. It prints the precision of the current findings: right over right and wrong_unfixed.
"""
import collections
import csv
import json
import os
import subprocess
import sys


def findings_of(tfkms, path):
    run = subprocess.run([tfkms, "check", path, "--format", "json", "--fail-on", "critical"],
                         capture_output=True, text=True, timeout=120)
    if run.returncode not in (0, 1):
        raise RuntimeError(f"tfkms check {path} exited {run.returncode}: {run.stderr.strip()}")
    return json.loads(run.stdout)["findings"]


def main():
    tfkms, corpus, review = sys.argv[1:4]
    with open(review, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if row["file"] and not row["file"].startswith("#")]
    by_file = collections.defaultdict(list)
    for row in rows:
        if row["verdict"] not in ("right", "wrong", "wrong_unfixed"):
            print(f"FAIL bad verdict {row['verdict']!r} for {row['file']} {row['rule']}", file=sys.stderr)
            return 1
        by_file[row["file"]].append(row)
    failures, gone, unreviewed, unfixed, fixed = [], [], [], [], []
    for name, reviewed in sorted(by_file.items()):
        findings = findings_of(tfkms, os.path.join(corpus, name))

        def matching(row):
            return [f for f in findings if f["rule_id"] == row["rule"] and f["resource"] == row["resource"]
                    and row["match"] in f["message"]]

        for row in reviewed:
            if row["verdict"] == "wrong" and matching(row):
                failures.append(f"{name}: {row['rule']} on {row['resource']} ({row['match']}) is back; "
                                f"reviewed wrong: {row['reason']}")
            if row["verdict"] == "right" and not matching(row):
                gone.append(f"{name}: {row['rule']} on {row['resource']} ({row['match']})")
            if row["verdict"] == "wrong_unfixed":
                place = f"{name}: {row['rule']} on {row['resource']} ({row['match']})"
                (unfixed if matching(row) else fixed).append(place)
        found = collections.Counter((f["rule_id"], f["resource"]) for f in findings)
        listed = collections.Counter((r["rule"], r["resource"]) for r in reviewed if r["verdict"] != "wrong")
        for place, count in found.items():
            if count > listed[place]:
                unreviewed.append(f"{name}: {place[0]} on {place[1]} ({count - listed[place]} not reviewed)")
    right = sum(1 for r in rows if r["verdict"] == "right")
    current = sum(1 for r in rows if r["verdict"] != "wrong")
    print(f"reviewed {current} current findings on {len(by_file)} files: {right} right, "
          f"{current - right} wrong (precision {right / current:.3f}); "
          f"{len(rows) - current} findings reviewed wrong earlier stay gone")
    for line in unfixed:
        print("note: reviewed wrong, still reported until its rule is fixed:", line)
    for line in fixed:
        print("note: a finding reviewed wrong is gone; mark it wrong so it stays gone:", line)
    for line in gone:
        print("note: a finding reviewed right is gone:", line)
    for line in unreviewed:
        print("note: not reviewed yet:", line)
    for failure in failures:
        print("FAIL", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
