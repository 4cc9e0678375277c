#!/usr/bin/env python3
"""The pre-commit hooks (.pre-commit-hooks.yaml), through Debian's pre-commit: the manifest is
valid, and `pre-commit try-repo` of this repository's `tfkms` hook (language: system, the built
tfkms on PATH) checks the plans and templates of a scratch git repository, fails on its findings,
passes a clean one and leaves other JSON and YAML alone. The docker_image hook runs the image the
release publishes (tools/publish-image.sh), with the same files pattern.

usage: precommit_test.py --source-dir DIR --tfkms PROGRAM --yaml-to-json PROGRAM
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SOURCE_DIR: Path
TFKMS: Path
YAML_TO_JSON: str


def hooks() -> dict:
    out = subprocess.run([YAML_TO_JSON, str(SOURCE_DIR / ".pre-commit-hooks.yaml")], check=True,
                         capture_output=True, text=True)
    return {hook["id"]: hook for hook in json.loads(out.stdout)}


class PreCommitHooks(unittest.TestCase):
    def setUp(self):
        self.temp = tempfile.TemporaryDirectory()
        root = Path(self.temp.name)
        self.repo, self.bin = root / "repo", root / "bin"
        self.bin.mkdir()
        (self.bin / "tfkms").symlink_to(TFKMS)
        self.env = dict(os.environ, PATH=f"{self.bin}:{os.environ['PATH']}",
                        PRE_COMMIT_HOME=str(root / "cache"), GIT_AUTHOR_NAME="t",
                        GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
                        GIT_COMMITTER_EMAIL="t@example.com")

    def tearDown(self):
        self.temp.cleanup()

    def make_repo(self, files: dict):
        self.repo.mkdir()
        subprocess.run(["git", "init", "-q", str(self.repo)], check=True, env=self.env)
        for name, source in files.items():
            (self.repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SOURCE_DIR / source, self.repo / name)
        subprocess.run(["git", "add", "."], cwd=self.repo, check=True, env=self.env)

    def try_repo(self, hook_id: str) -> subprocess.CompletedProcess:
        command = ["pre-commit", "try-repo", str(SOURCE_DIR), hook_id, "--all-files", "--verbose"]
        return subprocess.run(command, cwd=self.repo, capture_output=True, text=True, env=self.env,
                              timeout=300)

    def test_manifest_is_valid(self):
        manifest = SOURCE_DIR / ".pre-commit-hooks.yaml"
        result = subprocess.run(["pre-commit", "validate-manifest", str(manifest)],
                                capture_output=True, text=True, env=self.env)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(set(hooks()), {"tfkms", "tfkms-docker"})

    def test_system_hook_checks_plans_and_templates_and_fails_on_findings(self):
        template = "fixtures/TFKMS004/positive/any_principal_without_condition/any_principal_without_condition.cfn.yaml"
        self.make_repo({"infra/plan.json": "fixtures/demo/plan.json",
                        "stacks/keys.cfn.yaml": template,
                        "package.json": "fixtures/demo/plan.json",  # not named like a plan
                        ".github/ci.yaml": "action.yml"})
        result = self.try_repo("tfkms")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertRegex(result.stdout, r"analysed 2 files")
        self.assertIn("TFKMS002", result.stdout)  # the demo plan
        self.assertIn("TFKMS004", result.stdout)  # the template

    def test_system_hook_passes_a_clean_template_and_skips_other_files(self):
        negative = sorted((SOURCE_DIR / "fixtures/TFKMS004/negative").glob("*/*.cfn.yaml"))[0]
        self.make_repo({"ok.cfn.yaml": negative.relative_to(SOURCE_DIR)})
        self.assertEqual(self.try_repo("tfkms").returncode, 0)
        shutil.rmtree(self.repo)
        self.make_repo({"notes/data.json": "fixtures/demo/plan.json"})
        result = self.try_repo("tfkms")
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn("(no files to check)", result.stdout)

    def test_docker_hook_runs_the_published_image_on_the_same_files(self):
        all_hooks = hooks()
        docker, system = all_hooks["tfkms-docker"], all_hooks["tfkms"]
        self.assertEqual((system["language"], system["entry"]), ("system", "tfkms check"))
        self.assertEqual(docker["language"], "docker_image")
        image, command = docker["entry"].split(" ", 1)
        self.assertEqual(command, "check")
        publish = (SOURCE_DIR / "tools/publish-image.sh").read_text()
        self.assertIn('--tag "$image:latest"', publish)
        self.assertEqual(image, "ghcr.io/tfkms/tfkms:latest")
        self.assertEqual(docker["files"], system["files"])
        files = re.compile(system["files"])
        for name in ("plan.json", "infra/tfplan.json", "prod-plan.json", "stack.template",
                     "keys.cfn.yml"):
            self.assertTrue(files.search(name), name)
        for name in ("package.json", "explained.json", ".github/workflows/ci.yml", "values.yaml"):
            self.assertFalse(files.search(name), name)


def main():
    global SOURCE_DIR, TFKMS, YAML_TO_JSON
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True, type=Path)
    parser.add_argument("--tfkms", required=True, type=Path)
    parser.add_argument("--yaml-to-json", required=True)
    args, rest = parser.parse_known_args()
    SOURCE_DIR, TFKMS = args.source_dir.resolve(), args.tfkms.resolve()
    YAML_TO_JSON = args.yaml_to_json
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
