#!/usr/bin/env python3
"""`tfkms diff` of synthetic plans (bench/synth_plan.py: TEAMS keys, each reachable by TEAMS roles)
within a capped address space (RLIMIT_AS, as `ulimit -v`): the 6 MB plan of 200 teams in 96 MB and
the 19 MB plan of 600 teams in 256 MB. `tfkms check` of each needs about 80 and 190 MB of address
space (code, mapped input, allocator arenas); a diff that grows with keys x principals does not fit
(one change per principal and key aborted at 600 teams even with 384 MB). The JSON must be complete.

Usage (from the source root, as CTest runs it): diff_memory_test.py TFKMS
"""
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = ((200, 96), (600, 256))  # (teams, address space in MB)


def diff_within(tfkms, teams, cap_mb, temp):
    """A problem with `tfkms diff` of the plan of `teams` teams in `cap_mb` MB, or None."""
    plan = Path(temp) / f"synthetic-{teams}.tfplan.json"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth_plan.py"), str(teams), str(plan)],
                   check=True)
    cap = cap_mb * 1024 * 1024

    def capped():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    result = subprocess.run([tfkms, "diff", "--format", "json", "--fail-on", "never", str(plan)],
                            capture_output=True, text=True, preexec_fn=capped, timeout=600)
    if result.returncode != 0:
        return (f"{teams} teams: diff failed within {cap_mb} MB (exit {result.returncode}): "
                f"{result.stderr[-1000:]}")
    comparison = json.loads(result.stdout)["comparison"]
    # Every team's key is created; aws/s3, which some buckets use, is compared too.
    if len(comparison["keys_created"]) != teams:
        created = len(comparison["keys_created"])
        return f"{teams} teams: expected {teams} keys created, got {created}"
    print(f"diff of {teams} keys within {cap_mb} MB of address space: "
          f"{len(result.stdout)} bytes of JSON")
    return None


def main():
    tfkms = str(Path(sys.argv[1]).resolve())
    with tempfile.TemporaryDirectory() as temp:
        problems = [p for teams, cap in CASES if (p := diff_within(tfkms, teams, cap, temp))]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
