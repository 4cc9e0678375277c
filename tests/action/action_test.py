#!/usr/bin/env python3
"""Runs the tfkms GitHub Action (action.yml) the way the runner does, without GitHub.

action.yml is read with a real YAML parser (tfkms_yaml_to_json), linted for script injection, and
each composite step is run with `bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`), its
`env:` expressions evaluated from the inputs and earlier step outputs, GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY pointing at temp files. The real tfkms checks the demo fixture end to end
(annotations, SARIF, summary, outputs); a fake `tfkms` that records its arguments checks the exact
command line, exit-code handling, and that hostile input values are passed literally, never executed.
"""
import argparse
import functools
import hashlib
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import unittest
from pathlib import Path

SOURCE_DIR: Path
YAML_TO_JSON: str
TFKMS: Path

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
INPUT_REF = re.compile(r"^inputs\.([A-Za-z0-9_-]+)$")
STEP_OUTPUT_REF = re.compile(r"^steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)$")
ACTION_REF = "github.action_ref"  # the action's own ref (a tag such as v1.2.3, a branch, a commit)

FAKE_TFKMS = r"""#!/usr/bin/env bash
# Fake tfkms for the action test: records argv (NUL-separated), writes the requested outputs, prints
# canned annotations and exits with FAKE_TFKMS_EXIT.
printf '%s\0' "$@" >"$FAKE_TFKMS_ARGS"
for arg in "$@"; do
  case "$arg" in
  --output=sarif=*) printf '%s\n' "$FAKE_TFKMS_SARIF" >"${arg#--output=sarif=}" ;;
  --output=markdown=*) printf '%s\n' "$FAKE_TFKMS_MARKDOWN" >"${arg#--output=markdown=}" ;;
  esac
done
printf '%s\n' "$FAKE_TFKMS_STDOUT"
exit "${FAKE_TFKMS_EXIT:-0}"
"""

FAKE_CMAKE = r"""#!/usr/bin/env bash
# Fake cmake for the build-from-source path: records each call, "builds" an executable tfkms.
printf '%s\n' "$*" >>"$FAKE_CMAKE_LOG"
if [[ "$1" == --build ]]; then
  printf '#!/bin/sh\necho built tfkms\n' >"$2/tfkms" && chmod +x "$2/tfkms"
else
  while [[ $# -gt 0 ]]; do [[ "$1" == -B ]] && mkdir -p "$2"; shift; done
fi
"""

SARIF = json.dumps({"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
                    "runs": [{"tool": {"driver": {"name": "tfkms", "rules": []}}, "results": []}]})
ANNOTATIONS = "\n".join([
    "::error file=infra/kms.tf,line=12,title=TFKMS004 (critical)::aws_kms_key.shared: open to any principal",
    "::warning file=infra/kms.tf,line=30,title=TFKMS001 (medium)::aws_kms_key.logs: rotation off",
    "::notice file=cfn/stack.yaml,title=TFKMS007 (low)::AppGrant: grant without constraints",
    "tfkms: 3 findings (1 critical, 1 medium, 1 low); analysed 2 files: 2 keys, 1 grant, 0 principals, 0 data stores",
])


def load_action() -> dict:
    out = subprocess.run([YAML_TO_JSON, str(SOURCE_DIR / "action.yml")], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def parse_github_output(path: Path) -> dict:
    """Reads a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIMITER` blocks."""
    outputs, lines, i = {}, path.read_text().split("\n"), 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
        i += 1
    return outputs


class ActionRun:
    """One simulated run of the composite action."""

    def __init__(self, action: dict, inputs: dict, env: dict, workspace: Path, temp: Path, action_ref: str = ""):
        self.outputs, self.step_outputs, self.summaries, self.stdout = {}, {}, {}, ""
        self.failed_step, self.returncode = None, 0
        declared = action["inputs"]
        unknown = set(inputs) - set(declared)
        assert not unknown, f"test passes undeclared inputs {unknown}"
        values = {name: inputs.get(name, spec.get("default", "")) for name, spec in declared.items()}

        def evaluate(text: str) -> str:
            def replace(match: re.Match) -> str:
                expression = match.group(1)
                if m := INPUT_REF.match(expression):
                    return values[m.group(1)]
                if m := STEP_OUTPUT_REF.match(expression):
                    return self.step_outputs.get(m.group(1), {}).get(m.group(2), "")
                if expression == ACTION_REF:
                    return action_ref
                raise AssertionError(f"expression not understood by the test: {expression}")
            return EXPRESSION.sub(replace, text)

        for index, step in enumerate(action["runs"]["steps"]):
            step_id = step.get("id", f"step{index}")
            output_file, summary_file = temp / f"output.{step_id}", temp / f"summary.{step_id}"
            output_file.write_text("")
            summary_file.write_text("")
            script = temp / f"script.{step_id}.sh"
            script.write_text(step["run"])
            step_env = dict({"RUNNER_OS": "Linux", "RUNNER_ARCH": "X64"}, **env)
            step_env.update(GITHUB_OUTPUT=str(output_file), GITHUB_STEP_SUMMARY=str(summary_file),
                            GITHUB_ACTION_PATH=str(SOURCE_DIR), GITHUB_WORKSPACE=str(workspace),
                            RUNNER_TEMP=str(temp))
            step_env.update({name: evaluate(value) for name, value in step.get("env", {}).items()})
            completed = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                       cwd=workspace, env=step_env, capture_output=True, text=True, timeout=120)
            self.stdout += completed.stdout + completed.stderr
            self.step_outputs[step_id] = parse_github_output(output_file)
            self.summaries[step_id] = summary_file.read_text()
            if completed.returncode != 0:
                self.failed_step, self.returncode = step_id, completed.returncode
                break
        self.outputs = {name: evaluate(spec["value"]) for name, spec in action["outputs"].items()}


class ActionHarness(unittest.TestCase):
    """A runner for the action's steps, with fakes on PATH, a workspace and a tool cache per test."""

    def setUp(self):
        self.action = load_action()
        self.temp_dir = tempfile.TemporaryDirectory(prefix="tfkms-action-")
        root = Path(self.temp_dir.name)
        self.workspace, self.temp, self.bin = root / "workspace", root / "runner-temp", root / "bin"
        for folder in (self.workspace, self.temp, self.bin):
            folder.mkdir()
        self.args_file = root / "tfkms-args"
        self.cmake_log = root / "cmake-log"
        self.markers = root / "markers"
        self.markers.mkdir()
        self.env = {
            "PATH": f"{self.bin}:/usr/local/bin:/usr/bin:/bin", "HOME": str(root), "LANG": "C.UTF-8",
            "FAKE_TFKMS_ARGS": str(self.args_file), "FAKE_TFKMS_SARIF": SARIF,
            "FAKE_TFKMS_MARKDOWN": "## tfkms: 3 findings", "FAKE_TFKMS_STDOUT": ANNOTATIONS, "FAKE_TFKMS_EXIT": "0",
            "FAKE_CMAKE_LOG": str(self.cmake_log), "RUNNER_TOOL_CACHE": str(root / "tool-cache"),
        }

    def tearDown(self):
        self.temp_dir.cleanup()

    def install_fake(self, name: str, text: str) -> Path:
        path = self.bin / name
        path.write_text(text)
        path.chmod(0o755)
        return path

    def run_action(self, inputs: dict, exit_code: int = 0, stdout: str = ANNOTATIONS) -> ActionRun:
        self.install_fake("tfkms", FAKE_TFKMS)
        env = dict(self.env, FAKE_TFKMS_EXIT=str(exit_code), FAKE_TFKMS_STDOUT=stdout)
        return ActionRun(self.action, inputs, env, self.workspace, self.temp)

    def tfkms_args(self) -> list:
        return self.args_file.read_bytes().decode().split("\0")[:-1]

    def run_install(self, inputs: dict, action_ref: str = "", **env) -> ActionRun:
        action = dict(self.action, runs=dict(self.action["runs"], steps=self.action["runs"]["steps"][:1]))
        return ActionRun(action, inputs, dict(self.env, **env), self.workspace, self.temp, action_ref)

    def install_fake_build_tools(self):
        self.install_fake("cmake", FAKE_CMAKE)
        self.install_fake("apt-get", "#!/bin/sh\necho \"apt-get $*\" >>\"$FAKE_CMAKE_LOG\"\n")

    def cmake_calls(self) -> list:
        if not self.cmake_log.exists():
            return []
        return [line for line in self.cmake_log.read_text().splitlines() if not line.startswith("apt-get")]

    def source_cache(self) -> Path:
        """Where a build from these sources is cached: under the git commit, or (sources without
        .git, as an action is downloaded) a 40-digit content hash."""
        tool_cache = Path(self.env["RUNNER_TOOL_CACHE"]) / "tfkms"
        commit = subprocess.run(["git", "-C", SOURCE_DIR, "rev-parse", "HEAD"], capture_output=True, text=True)
        if commit.returncode == 0:
            return tool_cache / f"source-{commit.stdout.strip()}" / "x64"
        (folder,) = tool_cache.glob("source-*/x64")
        self.assertRegex(folder.parent.name, r"^source-[0-9a-f]{40}$")
        return folder


class ActionTest(ActionHarness):
    # --- lint -------------------------------------------------------------------------------------

    def test_inputs_reach_scripts_only_through_env(self):
        steps = self.action["runs"]["steps"]
        self.assertEqual(self.action["runs"]["using"], "composite")
        used = set()
        for step in steps:
            self.assertEqual(step.get("shell"), "bash", step)
            self.assertNotIn("${{", step["run"], "expressions inside run: are script injection")
            self.assertNotIn("uses", step, "a nested action would need a SHA pin")
            for value in step.get("env", {}).values():
                for expression in EXPRESSION.findall(value):
                    self.assertTrue(INPUT_REF.match(expression) or STEP_OUTPUT_REF.match(expression)
                                    or expression == ACTION_REF, expression)
                    if m := INPUT_REF.match(expression):
                        used.add(m.group(1))
            script = re.fullmatch(r'"\$GITHUB_ACTION_PATH/(action/[a-z_]+\.sh)"', step["run"].strip())
            self.assertIsNotNone(script, step["run"])
            self.assertTrue(os.access(SOURCE_DIR / script.group(1), os.X_OK), script.group(1))
        self.assertEqual(used, set(self.action["inputs"]), "every input is used, and only through env")

    def test_inputs_and_outputs_as_documented(self):
        inputs = self.action["inputs"]
        self.assertEqual(set(inputs), {"path", "tf-dir", "config", "fail-on", "sarif-file", "category",
                                       "account-id", "diff", "baseline", "build"})
        self.assertEqual(inputs["fail-on"]["default"], "low")
        self.assertEqual(inputs["diff"]["default"], "false")
        self.assertEqual(inputs["sarif-file"]["default"], "tfkms.sarif")
        self.assertEqual(inputs["build"]["default"], "auto")
        self.assertEqual(set(self.action["outputs"]), {"findings", "sarif-file", "exit-code"})

    # --- runs -------------------------------------------------------------------------------------

    def test_run_with_findings_fails_and_reports(self):
        run = self.run_action({"path": "infra/plan.json\n  cfn/stack.yaml", "tf-dir": "infra",
                               "config": ".tfkms.yml", "fail-on": "medium", "category": "tfkms/infra",
                               "account-id": "111122223333", "baseline": "ci/tfkms-baseline.json"}, exit_code=1)
        self.assertEqual(run.failed_step, "check")
        self.assertEqual(run.returncode, 1)
        summary_file = str(self.temp / "summary.check")
        self.assertEqual(self.tfkms_args(), [
            "check", "--format", "github", "--output=sarif=tfkms.sarif", "--fail-on=medium",
            f"--output=markdown={summary_file}", "--tf-dir=infra", "--config=.tfkms.yml",
            "--account-id=111122223333", "--sarif-category=tfkms/infra", "--baseline=ci/tfkms-baseline.json", "--",
            "infra/plan.json", "cfn/stack.yaml"])
        self.assertEqual(run.outputs, {"findings": "3", "sarif-file": "tfkms.sarif", "exit-code": "1"})
        self.assertEqual(json.loads((self.workspace / "tfkms.sarif").read_text())["version"], "2.1.0")
        self.assertEqual(run.summaries["check"], "## tfkms: 3 findings\n")
        self.assertIn("::error file=infra/kms.tf,line=12,title=TFKMS004 (critical)::", run.stdout)
        self.assertIn("::error title=tfkms::findings at or above fail-on (medium); 3 findings in all", run.stdout)

    def test_clean_run_passes_with_defaults(self):
        run = self.run_action({}, stdout="tfkms: no findings; analysed 1 file: 1 key, 0 grants, 0 principals, "
                                         "0 data stores")
        self.assertIsNone(run.failed_step)
        self.assertEqual(self.tfkms_args(), ["check", "--format", "github", "--output=sarif=tfkms.sarif",
                                             "--fail-on=low", f"--output=markdown={self.temp / 'summary.check'}",
                                             "--", "."])
        self.assertEqual(run.outputs, {"findings": "0", "sarif-file": "tfkms.sarif", "exit-code": "0"})
        self.assertNotIn("::error title=tfkms", run.stdout)

    def test_diff_true_adds_the_flag_and_anything_else_does_not(self):
        self.run_action({"diff": "true"})
        self.assertIn("--diff", self.tfkms_args())
        for value in ("false", "TRUE", "true --fail-on=never", ""):
            self.run_action({"diff": value})
            self.assertNotIn("--diff", self.tfkms_args())

    def test_sarif_file_in_a_new_folder(self):
        run = self.run_action({"sarif-file": "reports/kms/tfkms.sarif"})
        self.assertIsNone(run.failed_step)
        self.assertTrue((self.workspace / "reports/kms/tfkms.sarif").is_file())
        self.assertEqual(run.outputs["sarif-file"], "reports/kms/tfkms.sarif")

    def test_unreadable_input_fails_the_step(self):
        run = self.run_action({"path": "missing.json"}, exit_code=2, stdout="::error file=missing.json::cannot read")
        self.assertEqual((run.failed_step, run.returncode), ("check", 2))
        self.assertEqual(run.outputs["exit-code"], "2")
        self.assertIn("::error title=tfkms::tfkms could not read an input", run.stdout)

    def test_hostile_inputs_are_data_not_code(self):
        m = self.markers
        hostile = {
            "path": f'"; touch {m}/path1; echo " $(touch {m}/path2) `touch {m}/path3` --config=/etc/passwd',
            "tf-dir": f"$(touch {m}/tfdir)",
            "config": f'x"; touch {m}/config; "',
            "fail-on": f"low`touch {m}/failon`",
            "sarif-file": f"out/$(touch {m}/sarif).sarif\nfindings=999",
            "category": f"cat\n::set-output name=findings::999\n$(touch {m}/category)",
            "account-id": f"1'; touch {m}/account; '",
        }
        run = self.run_action(hostile)
        self.assertEqual(sorted(p.name for p in m.iterdir()), [], "a hostile input was executed")
        args = self.tfkms_args()
        self.assertEqual(args[args.index("--") + 1:], [
            '";', "touch", f"{m}/path1;", "echo", '"', f"$(touch", f"{m}/path2)", "`touch", f"{m}/path3`",
            "--config=/etc/passwd"])
        for expected in (f"--tf-dir=$(touch {m}/tfdir)", f'--config=x"; touch {m}/config; "',
                         f"--fail-on=low`touch {m}/failon`", f"--output=sarif={hostile['sarif-file']}",
                         f"--sarif-category={hostile['category']}", f"--account-id=1'; touch {m}/account; '"):
            self.assertIn(expected, args)
        self.assertEqual(run.outputs["sarif-file"], hostile["sarif-file"])
        self.assertEqual(run.outputs["findings"], "3", "a value must not add outputs of its own")

    # --- the real tfkms ----------------------------------------------------------------------------

    def run_real(self, inputs: dict) -> ActionRun:
        """Runs the action with the built tfkms on PATH, in a workspace holding the demo fixture."""
        for name in ("plan.json", "main.tf"):
            shutil.copy(SOURCE_DIR / "fixtures" / "demo" / name, self.workspace / name)
        (self.bin / "tfkms").symlink_to(TFKMS)
        return ActionRun(self.action, inputs, self.env, self.workspace, self.temp)

    def test_real_tfkms_on_the_demo_fixture(self):
        run = self.run_real({"path": "plan.json", "tf-dir": ".", "fail-on": "high", "category": "tfkms/demo",
                             "sarif-file": "out/tfkms.sarif"})
        self.assertEqual(run.step_outputs["install"]["bin"], str(self.bin / "tfkms"))
        self.assertEqual((run.failed_step, run.returncode), ("check", 1), run.stdout)
        log = json.loads((self.workspace / "out/tfkms.sarif").read_text())
        results = log["runs"][0]["results"]
        unsuppressed = [r for r in results if "suppressions" not in r]
        self.assertGreater(len(unsuppressed), 0)
        self.assertEqual(run.outputs, {"findings": str(len(unsuppressed)), "sarif-file": "out/tfkms.sarif",
                                       "exit-code": "1"})
        self.assertEqual(log["runs"][0]["automationDetails"]["id"], "tfkms/demo/")
        for result in results:
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            self.assertFalse(uri.startswith("/") or ".." in uri, uri)
            if result["level"] == "error":  # critical/high: an error annotation on the same file
                self.assertIn(f"::error file={uri},line=", run.stdout)
        self.assertTrue(run.summaries["check"].startswith(f"## tfkms: {len(unsuppressed)} finding"))
        self.assertIn("| Severity | Rule | Title | Findings |", run.summaries["check"])

    def test_real_tfkms_default_path_on_an_ordinary_repository(self):
        """The default `path: .` on a repository full of ordinary files: they are skipped, the plan and
        the cloud assembly in it are checked."""
        shutil.copytree(SOURCE_DIR / "fixtures" / "repo" / "ordinary", self.workspace, dirs_exist_ok=True)
        (self.bin / "tfkms").symlink_to(TFKMS)
        run = ActionRun(self.action, {}, self.env, self.workspace, self.temp)
        self.assertEqual((run.failed_step, run.returncode), ("check", 1), run.stdout)
        self.assertNotIn("::error file=package.json", run.stdout)
        self.assertIn("files that are not infrastructure", run.stdout)
        log = json.loads((self.workspace / run.outputs["sarif-file"]).read_text())
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
        self.assertIn("infra/plan.json", uris)
        self.assertIn("infra/cdk.out/Keys.template.json", uris)

    def test_real_tfkms_with_fail_on_never_passes(self):
        run = self.run_real({"path": "plan.json", "tf-dir": ".", "fail-on": "never"})
        self.assertIsNone(run.failed_step, run.stdout)
        self.assertEqual(run.outputs["exit-code"], "0")
        self.assertGreater(int(run.outputs["findings"]), 0)
        self.assertTrue((self.workspace / "tfkms.sarif").is_file())

    def test_real_tfkms_rejects_hostile_values_without_running_them(self):
        m = self.markers
        run = self.run_real({"path": f"plan.json $(touch {m}/path)", "fail-on": f"high; touch {m}/failon",
                             "config": f"`touch {m}/config`"})
        self.assertEqual((run.failed_step, run.returncode), ("check", 2), run.stdout)
        self.assertEqual(run.outputs["exit-code"], "2")
        self.assertEqual(list(m.iterdir()), [])

    # --- finding, downloading or building tfkms --------------------------------------------------

    def test_auto_uses_tfkms_from_path(self):
        fake = self.install_fake("tfkms", FAKE_TFKMS)
        run = self.run_install({}, action_ref="v1.2.3")
        self.assertIsNone(run.failed_step)
        self.assertEqual(run.step_outputs["install"]["bin"], str(fake))
        self.assertFalse(self.cmake_log.exists())

    def test_source_builds_from_the_action_checkout_once_per_commit(self):
        self.install_fake("tfkms", FAKE_TFKMS)
        self.install_fake_build_tools()
        run = self.run_install({"build": "source"}, action_ref="v1.2.3")
        self.assertIsNone(run.failed_step, run.stdout)
        build_dir = self.temp / "tfkms-build"
        cached = self.source_cache() / "bin/tfkms"
        self.assertEqual(run.step_outputs["install"]["bin"], str(cached))
        self.assertEqual(subprocess.run([cached], capture_output=True, text=True).stdout, "built tfkms\n")
        self.assertEqual(self.cmake_calls(), [
            f"-S {SOURCE_DIR} -B {build_dir} -DCMAKE_BUILD_TYPE=Release -DTFKMS_TESTS=OFF",
            f"--build {build_dir} --target tfkms -j {os.cpu_count()}"])
        # The same sources again: the tool cache has them, nothing is built.
        self.cmake_log.unlink()
        again = self.run_install({"build": "source"})
        self.assertEqual(again.step_outputs["install"]["bin"], str(cached))
        self.assertEqual(self.cmake_calls(), [])

    def test_unknown_build_mode_is_rejected(self):
        run = self.run_install({"build": f"sometimes; touch {self.markers}/build"})
        self.assertEqual((run.failed_step, run.returncode), ("install", 2))
        self.assertIn("::error title=tfkms::input build must be auto or source, not: sometimes; touch", run.stdout)
        self.assertEqual(list(self.markers.iterdir()), [])

    def test_runner_os_without_a_release_is_told_what_to_do(self):
        for runner_os in ("macOS", "Windows"):
            run = self.run_install({}, action_ref="v1.2.3", RUNNER_OS=runner_os)
            self.assertEqual((run.failed_step, run.returncode), ("install", 2))
            self.assertIn(f"::error title=tfkms::tfkms is released for Linux x86_64 and arm64 only; on this "
                          f"{runner_os} runner put a tfkms on PATH", run.stdout)


class FakeRelease:
    """Releases served from a loopback HTTP server, laid out as GitHub serves release assets:
    /v<version>/<file>. Records every requested path."""

    def __init__(self, root: Path):
        self.root, self.requests = root, []
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests.append(self.path)
                super().do_GET()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def publish(self, version: str, machine: str, program: str, sums_override: str = None) -> str:
        """Writes release v<version>: the portable tarball layout with `program` as bin/tfkms, and SHA256SUMS."""
        folder = self.root / f"v{version}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"tfkms-{version}-linux-{machine}.tar.gz"
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tarball:
            data = program.encode()
            info = tarfile.TarInfo(f"tfkms-{version}-linux-{machine}/bin/tfkms")
            info.size, info.mode = len(data), 0o755
            tarball.addfile(info, io.BytesIO(data))
        (folder / name).write_bytes(buffer.getvalue())
        digest = sums_override or hashlib.sha256(buffer.getvalue()).hexdigest()
        (folder / "SHA256SUMS").write_text(f"{digest}  {name}\n{'0' * 64}  tfkms_{version}_amd64.deb\n")
        return name

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class ActionDownloadTest(ActionHarness):
    """`build: auto` without a tfkms on PATH: the release of the action's ref, from a fake release server."""

    def setUp(self):
        super().setUp()
        self.release = FakeRelease(Path(self.temp_dir.name) / "releases")
        self.env["TFKMS_RELEASES_URL"] = self.release.url
        self.tool_cache = Path(self.env["RUNNER_TOOL_CACHE"]) / "tfkms"

    def tearDown(self):
        self.release.close()
        super().tearDown()

    def test_download_checks_the_sum_and_caches(self):
        name = self.release.publish("1.2.3", "x86_64", "#!/bin/sh\necho released tfkms 1.2.3\n")
        run = self.run_install({}, action_ref="v1.2.3")
        self.assertIsNone(run.failed_step, run.stdout)
        cached = self.tool_cache / "1.2.3/x64/bin/tfkms"
        self.assertEqual(run.step_outputs["install"]["bin"], str(cached))
        self.assertEqual(subprocess.run([cached], capture_output=True, text=True).stdout, "released tfkms 1.2.3\n")
        self.assertTrue((self.tool_cache / "1.2.3/x64.complete").exists())
        self.assertEqual(self.release.requests, ["/v1.2.3/SHA256SUMS", f"/v1.2.3/{name}"])
        self.assertEqual(self.cmake_calls(), [])
        # A second job on this runner: the tool cache answers, nothing is downloaded.
        again = self.run_install({}, action_ref="v1.2.3")
        self.assertEqual(again.step_outputs["install"]["bin"], str(cached))
        self.assertIn("tfkms: 1.2.3 from the tool cache", again.stdout)
        self.assertEqual(len(self.release.requests), 2)

    def test_arm64_runner_gets_the_aarch64_tarball(self):
        name = self.release.publish("1.2.3", "aarch64", "#!/bin/sh\necho arm\n")
        run = self.run_install({}, action_ref="v1.2.3", RUNNER_ARCH="ARM64")
        self.assertIsNone(run.failed_step, run.stdout)
        self.assertEqual(run.step_outputs["install"]["bin"], str(self.tool_cache / "1.2.3/arm64/bin/tfkms"))
        self.assertIn(f"/v1.2.3/{name}", self.release.requests)

    def test_checksum_mismatch_fails_clearly_and_caches_nothing(self):
        name = self.release.publish("1.2.3", "x86_64", "#!/bin/sh\necho tampered\n", sums_override="ab" * 32)
        self.install_fake_build_tools()
        run = self.run_install({}, action_ref="v1.2.3")
        self.assertEqual((run.failed_step, run.returncode), ("install", 2))
        self.assertIn(f"::error title=tfkms::SHA-256 mismatch for {name} of release v1.2.3: SHA256SUMS says "
                      f"{'ab' * 32}, the download is ", run.stdout)
        self.assertFalse(self.tool_cache.exists() and any(self.tool_cache.rglob("tfkms")))
        self.assertEqual(self.cmake_calls(), [], "a bad download is an error, never a reason to build")

    def test_sums_without_the_tarball_fail(self):
        folder = self.release.root / "v1.2.3"
        self.release.publish("1.2.3", "x86_64", "#!/bin/sh\n")
        (folder / "SHA256SUMS").write_text(f"{'0' * 64}  something-else.tar.gz\n")
        run = self.run_install({}, action_ref="v1.2.3")
        self.assertEqual((run.failed_step, run.returncode), ("install", 2))
        self.assertIn("::error title=tfkms::the SHA256SUMS of release v1.2.3 lists no tfkms-1.2.3-linux-x86_64.tar.gz",
                      run.stdout)

    def test_no_release_for_the_ref_falls_back_to_a_cached_build(self):
        self.install_fake_build_tools()
        for ref in ("v9.9.9", "main"):  # a tag the server does not have, and a branch
            with self.subTest(ref=ref):
                shutil.rmtree(self.tool_cache, ignore_errors=True)
                self.cmake_log.unlink(missing_ok=True)
                run = self.run_install({}, action_ref=ref)
                self.assertIsNone(run.failed_step, run.stdout)
                self.assertEqual(run.step_outputs["install"]["bin"], str(self.source_cache() / "bin/tfkms"))
                self.assertEqual(len(self.cmake_calls()), 2)
                if ref == "v9.9.9":
                    self.assertIn("tfkms: no release download for v9.9.9 on x86_64; building from source", run.stdout)
        self.assertEqual(self.release.requests, ["/v9.9.9/SHA256SUMS"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True, type=Path)
    parser.add_argument("--yaml-to-json", required=True)
    parser.add_argument("--tfkms", required=True, type=Path, help="the built tfkms binary")
    options, rest = parser.parse_known_args()
    SOURCE_DIR, YAML_TO_JSON, TFKMS = options.source_dir.resolve(), options.yaml_to_json, options.tfkms.resolve()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
