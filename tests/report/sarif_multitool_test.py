#!/usr/bin/env python3
"""Validates tfkms SARIF with Microsoft's SARIF multitool, pinned, as GitHub code scanning would.

Installs @microsoft/sarif-multitool (exact version) into <source>/.oracle/sarif-multitool with npm,
writes the sample SARIF files and the output of `tfkms check --format sarif` on the fixtures, runs `validate --rule-kind "Gh;Sarif"` on each plus any extra files
given, and fails on any error-level result. If the npm registry cannot be reached the test FAILS:
a validation that did not run is not a pass.
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

MULTITOOL_VERSION = "5.7.0"
PLATFORM_PACKAGE = {"Linux": "linux", "Darwin": "darwin"}.get(platform.system(), "linux")


def install(oracle: Path) -> Path:
    package = oracle / "node_modules" / "@microsoft" / f"sarif-multitool-{PLATFORM_PACKAGE}"
    binary = package / "Sarif.Multitool"
    manifest = package / "package.json"
    if binary.exists() and manifest.exists() and json.loads(manifest.read_text())["version"] == MULTITOOL_VERSION:
        return binary
    if shutil.which("npm") is None:
        sys.exit("FAIL: npm is not installed; it is needed to install the SARIF multitool "
                 "(tools/install-deps.sh --with-test-tools installs it)")
    oracle.mkdir(parents=True, exist_ok=True)
    # Both packages pinned: the wrapper's optionalDependencies would otherwise float (^5.7.0).
    command = ["npm", "install", "--prefix", str(oracle), "--no-audit", "--no-fund", "--no-save",
               f"@microsoft/sarif-multitool@{MULTITOOL_VERSION}",
               f"@microsoft/sarif-multitool-{PLATFORM_PACKAGE}@{MULTITOOL_VERSION}"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if completed.returncode != 0 or not binary.exists():
        sys.exit("FAIL: could not install the SARIF multitool from the npm registry "
                 f"(network unreachable?):\n{completed.stdout}\n{completed.stderr}")
    # npm may skip the package's postinstall (chmod u+x); do it here.
    binary.chmod(binary.stat().st_mode | 0o100)
    return binary


def validate(binary: Path, sarif: Path, work: Path) -> int:
    """Runs the multitool on one file; returns the number of errors and prints every result."""
    log = work / (sarif.name + ".validation.sarif")
    if log.exists():
        log.unlink()
    # GitHub limits the compressed size (10 MB); a SARIF file can be larger than the multitool's
    # default 10,000 KB before compression.
    completed = subprocess.run([str(binary), "validate", "--rule-kind", "Gh;Sarif", "--max-file-size-in-kb", "100000",
                                "--output", str(log), str(sarif)], capture_output=True, text=True, timeout=600)
    if not log.exists():
        print(f"{sarif}: the multitool wrote no validation log (exit {completed.returncode}):\n"
              f"{completed.stdout}\n{completed.stderr}")
        return 1
    errors = 0
    for run in json.loads(log.read_text(encoding="utf-8-sig"))["runs"]:
        for result in run.get("results", []):
            level = result.get("level", "warning")  # SARIF's default level
            arguments = result.get("message", {}).get("arguments", [])
            print(f"{sarif.name}: {level} {result.get('ruleId')}: {result.get('message', {}).get('id')} {arguments}")
            if level == "error":
                errors += 1
        for invocation in run.get("invocations", []):
            for notification in invocation.get("toolExecutionNotifications", []):
                if notification.get("level") == "error":
                    print(f"{sarif.name}: multitool error: {notification.get('message', {}).get('text')}")
                    errors += 1
    if completed.returncode != 0:
        print(f"{sarif.name}: multitool exit code {completed.returncode}\n{completed.stdout}")
        errors += 1
    return errors


def check_outputs(tfkms: str, source_dir: Path, work: Path) -> list:
    """SARIF from the real `tfkms check` on every fixture, the demo with its .tf files, and an
    unreadable input (exit 2, reported as a tool notification)."""
    out = work / "check"
    out.mkdir(parents=True)
    broken = out / "unreadable.json"
    broken.write_text('{"format_version": "1.2", "resource_changes": [')
    # Every rule fixture input (not the expected results or per-fixture configs beside them).
    inputs = sorted(str(path.relative_to(source_dir)) for path in Path(source_dir, "fixtures").glob("TFKMS*/*/*/*")
                    if path.suffix in (".json", ".yaml", ".yml") and not path.name.endswith((".expected.json", ".tfkms.yml")))
    runs = {"fixtures.sarif": (inputs, {0, 1}),
            "demo.sarif": (["fixtures/demo/plan.json", "--tf-dir", "fixtures/demo"], {0, 1}),
            "unreadable.sarif": ([str(broken)], {2})}
    files = []
    for name, (arguments, expected) in runs.items():
        completed = subprocess.run([tfkms, "check", "--format", "sarif", *arguments], cwd=source_dir,
                                   capture_output=True, text=True, timeout=300)
        if completed.returncode not in expected:
            sys.exit(f"FAIL: tfkms check {' '.join(arguments)} exited {completed.returncode}, expected "
                     f"{sorted(expected)}:\n{completed.stderr}")
        (out / name).write_text(completed.stdout)
        files.append(out / name)
    return files


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True, type=Path)
    parser.add_argument("--samples", required=True, help="tfkms_sarif_samples executable")
    parser.add_argument("--work-dir", required=True, type=Path)
    parser.add_argument("--tfkms", required=True, help="tfkms binary, run on the fixtures")
    parser.add_argument("extra", nargs="*", type=Path, help="more SARIF files to validate")
    args = parser.parse_args()

    binary = install(args.source_dir / ".oracle" / "sarif-multitool")
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"SARIF multitool {version or MULTITOOL_VERSION}")

    if args.work_dir.exists():
        shutil.rmtree(args.work_dir)
    samples = args.work_dir / "samples"
    subprocess.run([args.samples, str(samples)], check=True)
    files = sorted(samples.glob("representative.sarif")) + sorted(
        f for f in samples.glob("*.sarif") if f.name != "representative.sarif") + args.extra
    files += check_outputs(args.tfkms, args.source_dir, args.work_dir)
    if not files:
        sys.exit("FAIL: no SARIF file to validate")

    # Negative control: a log GitHub would reject must produce errors, or the oracle checks nothing.
    broken = json.loads(files[0].read_text())
    del broken["$schema"]
    for result in broken["runs"][0]["results"]:
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "/absolute/path.tf"
    control = args.work_dir / "broken-control.sarif"
    control.write_text(json.dumps(broken))
    if validate(binary, control, args.work_dir) == 0:
        sys.exit("FAIL: the multitool found no error in a deliberately broken log; the oracle is not working")

    failed = 0
    for sarif in files:
        errors = validate(binary, sarif, args.work_dir)
        print(f"{sarif.name}: {'FAIL' if errors else 'ok'} ({errors} errors)")
        failed += 1 if errors else 0
    print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
