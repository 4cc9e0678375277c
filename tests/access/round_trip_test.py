#!/usr/bin/env python3
"""The access and diff JSON lose nothing when classes of principals are listed once: expanding every
entry of a class into one entry per member gives exactly the per-principal documents kept in
tests/access/baseline/ (written by the tfkms that listed each principal on its own).

Inputs: every fixture input, a synthetic plan of 20 teams (bench/synth_plan.py: two classes of roles
that every key reaches) and, when the shared corpus is there, a sample of it (every tenth file).

Usage (from the source root, as CTest runs it):
  round_trip_test.py TFKMS [--corpus SHARED_DIR]
  round_trip_test.py TFKMS --capture [--corpus SHARED_DIR]   (rewrites the baseline with TFKMS's
                                                              output)
"""
import argparse
import copy
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).resolve().parent / "baseline"
ACCOUNT = "--account-id=111122223333"
INPUT_SUFFIXES = (".json", ".yaml", ".yml", ".template")
SKIP = 77


def fixture_inputs():
    found = []
    for path in sorted((ROOT / "fixtures").rglob("*")):
        name = path.name
        if not path.is_file() or not name.endswith(INPUT_SUFFIXES):
            continue
        if name.endswith((".expected.json", ".tfkms.yml")) or "results" in path.parts:
            continue
        found.append(path.relative_to(ROOT).as_posix())
    return found


def corpus_inputs(shared):
    """Every tenth corpus input, relative to `shared` (the reports are made there)."""
    corpus = Path(shared) / "corpus"
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name.endswith(INPUT_SUFFIXES))
    return [p.relative_to(shared).as_posix() for p in files[::10]]


def run(tfkms, cwd, *args):
    """{"exit": code, "json": the parsed document or null}: the report of one command."""
    result = subprocess.run([tfkms, *args], capture_output=True, text=True, cwd=cwd, timeout=300)
    try:
        document = json.loads(result.stdout)
        document.pop("version", None)
    except json.JSONDecodeError:
        document = None
    return {"exit": result.returncode, "json": document}


def reports(tfkms, inputs, cwd=ROOT):
    diff = ("diff", "--format", "json", "--fail-on", "never", ACCOUNT)
    return {path: {"access": run(tfkms, cwd, "access", "--format", "json", ACCOUNT, path),
                   "diff": run(tfkms, cwd, *diff, path)}
            for path in inputs}


def expand_access(document):
    """The access document with each class entry replaced by its members' entries, in class
    order."""
    if document is None:
        return None
    document = copy.deepcopy(document)
    document.pop("format_version", None)
    for one in document.get("inputs", []):
        classes = {c["id"]: c for c in one.pop("classes", [])}
        for key in one["keys"]:
            expanded = []
            for entry in key["access"]:
                principals = entry.pop("principals", None)
                if principals is None:
                    expanded.append(entry)
                    continue
                for member in classes[principals["class"]]["members"]:
                    if member["principal"] in principals["except"]:
                        continue
                    policies = member["identity_policies"]
                    own = [f"identity policy {policies[g['policy']]} {g['statement']}"
                           for g in principals["own_policy_grounds"]]
                    expanded.append(dict(entry, subject=member["principal"],
                                         grounds=sorted(set(entry["grounds"] + own))))
            key["access"] = expanded
    return document


def expand_diff(document):
    """The diff report with each change of a class replaced by its members' changes. With classes,
    the change rules report a class once rather than each member: findings and summary are left out
    then."""
    if document is None or "comparison" not in document:
        return document
    document = copy.deepcopy(document)
    document.pop("format_version", None)
    classes = {c["id"]: c for c in document["comparison"].pop("classes", [])}
    if classes:
        document.pop("findings", None)
        document.pop("summary", None)
    expanded = []
    for change in document.get("changes", []):
        principals = change.pop("principals", None)
        if principals is None:
            expanded.append(change)
            continue
        members = classes[principals["class"]]["members"]
        expanded += [dict(change, subject=member["principal"]) for member in members
                     if member["principal"] not in principals["except"]]
    document["changes"] = expanded
    return document


def as_expanded(baseline, now):
    """The baseline diff report as expand_diff() leaves `now`: no format_version; no findings and
    summary when `now` had classes."""
    if baseline is None or now is None or "comparison" not in baseline:
        return baseline
    dropped = ("format_version",)
    if "findings" not in now:
        dropped += ("findings", "summary")
    return {k: v for k, v in baseline.items() if k not in dropped}


def compare(name, baseline, now):
    """Differences between the baseline and the expanded reports of `name`, as lines."""
    problems = []
    if set(baseline) != set(now):
        problems.append(f"{name}: inputs differ: {sorted(set(baseline) ^ set(now))[:5]}")
    classes = 0
    for path in sorted(set(baseline) & set(now)):
        for command in ("access", "diff"):
            before, after = baseline[path][command], now[path][command]
            if after["json"] is None:
                expanded = after
            elif command == "access":
                inputs = after["json"].get("inputs", [])
                classes += sum(len(one.get("classes", [])) for one in inputs)
                expanded = dict(after, json=expand_access(after["json"]))
            else:
                classes += len(after["json"].get("comparison", {}).get("classes", []))
                expanded = dict(after, json=expand_diff(after["json"]))
                before = dict(before, json=as_expanded(before["json"], expanded["json"]))
            if expanded != before:
                problems.append(f"{name}: {command} {path}: the expanded report differs from "
                                "the baseline")
    return problems, classes


def schema_errors(name, now):
    """Every access report of `now` checked against schema/tfkms-access.schema.json."""
    try:
        import jsonschema  # python3-jsonschema (tools/install-deps.sh)
    except ImportError:
        return ["jsonschema is not installed (apt-get install python3-jsonschema)"]
    with open(ROOT / "schema" / "tfkms-access.schema.json", encoding="utf-8") as f:
        validator = jsonschema.Draft202012Validator(json.load(f))
    errors = []
    for path, report in sorted(now.items()):
        document = report["access"]["json"]
        if document is None:
            continue
        for error in validator.iter_errors(dict(document, version="x")):
            errors.append(f"{name}: access {path}: {error.json_path}: {error.message[:200]}")
    return errors


def load(name):
    with gzip.open(BASELINE / f"{name}.json.gz", "rt", encoding="utf-8") as f:
        return json.load(f)


def save(name, data):
    BASELINE.mkdir(exist_ok=True)
    # mtime 0: the same reports give the same bytes.
    with open(BASELINE / f"{name}.json.gz", "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(json.dumps(data, indent=0, sort_keys=True).encode())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tfkms")
    parser.add_argument("--corpus")
    parser.add_argument("--capture", action="store_true")
    args = parser.parse_args()
    tfkms = str(Path(args.tfkms).resolve())
    with tempfile.TemporaryDirectory() as temp:
        synthetic = Path(temp) / "synthetic-20-teams.tfplan.json"
        generator = str(ROOT / "bench" / "synth_plan.py")
        subprocess.run([sys.executable, generator, "20", str(synthetic)], check=True)
        have_corpus = bool(args.corpus) and (Path(args.corpus) / "corpus").is_dir()
        now = {"fixtures": reports(tfkms, fixture_inputs())}
        if have_corpus:
            now["corpus"] = reports(tfkms, corpus_inputs(args.corpus), cwd=args.corpus)
        # Run where it is, so that the reports name it the same way each time.
        now["synthetic"] = reports(tfkms, [synthetic.name], cwd=temp)
    if args.capture:
        for name, data in now.items():
            save(name, data)
        print(f"baseline written: {', '.join(f'{n} ({len(d)} inputs)' for n, d in now.items())}")
        return 0
    problems, classes = [], 0
    for name, data in now.items():
        found, count = compare(name, load(name), data)
        problems += found + schema_errors(name, data)
        classes += count
    if classes == 0:
        problems.append("no report listed a class of principals: the round trip proved nothing")
    for line in problems[:50]:
        print(line, file=sys.stderr)
    if problems:
        return 1
    inputs = sum(len(d) for d in now.values())
    print(f"round trip exact for {inputs} inputs ({classes} principal classes)")
    if not have_corpus:
        print(f"corpus part skipped: no corpus at {args.corpus}/corpus", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
