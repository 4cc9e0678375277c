#!/usr/bin/env python3
"""Picks small seed corpora for the fuzz harnesses from /work/shared/corpus and fixtures/.

Seeds are the smallest inputs that mention KMS or policies (small seeds fuzz fastest), a few per source
project. Policy seeds are policy documents cut out of the templates and plans, prefixed with the kind
byte the policy harness reads ('0' key policy, '1' resource policy, '2' identity policy).
Usage: fuzz/select_seeds.py [CORPUS_DIR]   (rewrites fuzz/corpus/)
"""
import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent
CORPUS = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/corpus")
PER_PROJECT = 10
MAX_BYTES = 12000


def interesting(text):
    return "kms" in text.lower() or "Policy" in text


def smallest(folder, pattern):
    files = [p for p in folder.rglob(pattern) if p.is_file() and p.stat().st_size <= MAX_BYTES]
    files = [p for p in files if interesting(p.read_text(errors="replace"))]
    return sorted(files, key=lambda p: p.stat().st_size)


def write(harness, name, data):
    folder = ROOT / "corpus" / harness
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def policies_in(value, kind_hint=None):
    """Yields (kind byte, policy dict) for every policy-shaped object (has Statement) in `value`."""
    if isinstance(value, dict):
        if "Statement" in value:
            yield kind_hint or b"0", value
        for key, item in value.items():
            hint = b"0" if key in ("KeyPolicy", "policy") else b"2" if key in ("PolicyDocument",) else kind_hint
            if isinstance(item, str) and item.lstrip().startswith("{") and "Statement" in item:
                try:
                    yield from policies_in(json.loads(item), hint)
                except ValueError:
                    pass
            else:
                yield from policies_in(item, hint)
    elif isinstance(value, list):
        for item in value:
            yield from policies_in(item, kind_hint)


def main():
    for harness in ("template", "plan", "policy"):
        for old in (ROOT / "corpus" / harness).glob("*"):
            old.unlink()
    projects = [p for p in (CORPUS / "cloudformation").iterdir() if p.is_dir()]
    policies = {}
    for project in sorted(projects):
        for path in smallest(project, "*")[:PER_PROJECT]:
            write("template", f"{project.name}__{path.name}", path.read_bytes())
    for project in sorted(p for p in (CORPUS / "terraform-plans").iterdir() if p.is_dir()):
        for path in smallest(project, "*.json")[:PER_PROJECT]:
            write("plan", f"{project.name}__{path.name}", path.read_bytes())
    for path in sorted(CORPUS.rglob("*.json")) + sorted((ROOT.parent / "fixtures").rglob("*.json")):
        try:
            document = json.loads(path.read_text(errors="replace"))
        except ValueError:
            continue
        for kind, policy in policies_in(document):
            data = kind + json.dumps(policy, separators=(",", ":")).encode()
            if len(data) <= 4000:
                policies.setdefault(hashlib.sha1(data).hexdigest()[:12], data)
    by_size = sorted(policies.items(), key=lambda item: len(item[1]))
    step = max(1, len(by_size) // 50)
    for name, data in by_size[::step][:50]:  # spread over sizes: tiny to 4 KB
        write("policy", name + ".json", data)
    for path in sorted((ROOT.parent / "fixtures").rglob("*.json")):
        if path.stat().st_size <= 200000 and "plan" in path.name:
            write("plan", f"fixtures__{path.parent.name}__{path.name}", path.read_bytes())


if __name__ == "__main__":
    main()
