#!/usr/bin/env python3
"""Compares the findings of every corpus input with a stored snapshot, or rewrites the snapshot.

Each corpus file (chosen as tools/corpus_findings.py chooses them) is checked alone with
`tfkms check FILE --format json`; every finding becomes one line of the snapshot: the input (relative
to the corpus), rule, resource, file (relative to the corpus) and line. A file tfkms refuses (exit 2)
is stored as one line with rule "refused", so a newly refused file shows too. The snapshot is sorted,
so a behaviour change on real inputs shows as added and removed lines in review; an intended change
rewrites it (--update) in the same commit.

Usage: tools/corpus_snapshot.py BINARY CORPUS_DIR SNAPSHOT [--update] [--jobs N]
Exit 0 when the findings equal the snapshot (or it was rewritten), 1 when they differ.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_findings import corpus_files  # noqa: E402


def relative(path, root):
    if not path:
        return ""
    absolute = os.path.abspath(path)
    return os.path.relpath(absolute, root) if absolute.startswith(root + os.sep) else path


def findings_of(binary, root, path):
    """The snapshot lines of one corpus file."""
    name = os.path.relpath(path, root)
    try:
        run = subprocess.run([binary, "check", path, "--format", "json"], capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return [{"input": name, "rule": "hung"}]
    if run.returncode not in (0, 1):
        return [{"input": name, "rule": "refused" if run.returncode == 2 else f"exit {run.returncode}"}]
    lines = []
    for finding in json.loads(run.stdout)["findings"]:
        lines.append({"input": name, "rule": finding["rule_id"], "resource": finding["resource"],
                      "file": relative(finding.get("file"), root), "line": finding.get("line")})
    return lines


def snapshot(binary, root, jobs):
    root = os.path.abspath(root)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(lambda path: findings_of(binary, root, path), corpus_files(root))
        lines = [json.dumps(line, sort_keys=True) for result in results for line in result]
    return sorted(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("corpus")
    parser.add_argument("snapshot")
    parser.add_argument("--update", action="store_true", help="rewrite the snapshot instead of comparing")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    current = snapshot(args.binary, args.corpus, args.jobs)
    if args.update:
        with open(args.snapshot, "w") as out:
            out.write("".join(line + "\n" for line in current))
        print(f"wrote {len(current)} findings to {args.snapshot}")
        return 0
    with open(args.snapshot) as stored_file:
        stored = [line.rstrip("\n") for line in stored_file if line.strip()]
    gone = sorted(set(stored) - set(current))
    new = sorted(set(current) - set(stored))
    if not gone and not new:
        print(f"{len(current)} findings, as in {args.snapshot}")
        return 0
    print(f"the corpus findings differ from {args.snapshot}: {len(gone)} gone, {len(new)} new")
    for line in gone[:200]:
        print("- " + line)
    for line in new[:200]:
        print("+ " + line)
    print(f"if the change is intended: {sys.argv[0]} BINARY CORPUS {args.snapshot} --update")
    return 1


if __name__ == "__main__":
    sys.exit(main())
