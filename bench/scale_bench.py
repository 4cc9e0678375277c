#!/usr/bin/env python3
"""How check, access and diff scale on the synthetic plans (bench/synth_plan.py): every ratio the
performance targets name, measured in one run, each figure the median of RUNS runs (default 3).

  check --format json / sarif   CPU time at most 0.3x Python's json.load of the same plan
  access / diff --format json   CPU time at most 2x check --format json
  every command                 peak memory at most 2x the plan's size
  access / diff JSON            at most as large as the plan
  every command                 10x the input (TEAMS/10 -> TEAMS teams) at most 12x the time

Times are CPU time (user + sys, from wait4): the machine may be shared, and CPU time is what the
command itself spent. Use a Release build:
  cmake -S . -B build/rel -DCMAKE_BUILD_TYPE=Release && cmake --build build/rel -j2 --target tfkms
  bench/scale_bench.py build/rel/tfkms [--teams 2000] [--runs 3] [--dir /tmp/tfkms-scale]
                       [--account-id 111111111111]
Exits 1 when a target is missed. Not a test: speed is never checked by a timed test.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMANDS = {  # name: arguments before the plan
    "check json": ["check", "--format", "json", "--fail-on", "never"],
    "check sarif": ["check", "--format", "sarif", "--fail-on", "never"],
    "access json": ["access", "--format", "json"],
    "diff json": ["diff", "--format", "json", "--fail-on", "never"],
}
PYTHON_LOAD = "import json, sys, time\nt = time.process_time()\njson.load(open(sys.argv[1]))\n" \
              "print(time.process_time() - t)"


def run_once(command, output):
    """(cpu seconds, wall seconds, peak KB, bytes written) of one run of `command`."""
    start = time.perf_counter()
    with open(output, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    errors = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        code = os.waitstatus_to_exitcode(status)
        sys.exit(f"{' '.join(command)} failed ({code}): {errors[:2000]}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss, os.path.getsize(output)


def python_load_once(plan):
    return float(subprocess.run([sys.executable, "-c", PYTHON_LOAD, str(plan)], check=True,
                                capture_output=True, text=True).stdout)


def summary(samples, python):
    """Medians of one command's samples (and of the Python loads made beside them)."""
    result = {"cpu": statistics.median(s[0] for s in samples),
              "wall": statistics.median(s[1] for s in samples),
              "peak": max(s[2] for s in samples) * 1024,
              "bytes": samples[-1][3]}
    if python:
        result["python"] = statistics.median(python)
    return result


def plan_of(teams, folder):
    plan = folder / f"synth-{teams}.json"
    if not plan.exists():
        subprocess.run([sys.executable, str(HERE / "synth_plan.py"), str(teams), str(plan)],
                       check=True)
    return plan


class Verdicts:
    def __init__(self):
        self.missed = []

    def ratio(self, label, value, limit):
        ok = value <= limit
        if not ok:
            self.missed.append(label)
        print(f"  {label:<44} {value:8.3f}  (target <= {limit}) {'ok' if ok else 'MISSED'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tfkms")
    parser.add_argument("--teams", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "tfkms-scale")
    parser.add_argument("--account-id")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    account = ["--account-id", args.account_id] if args.account_id else []

    plans = {teams: plan_of(teams, args.dir) for teams in (args.teams // 10, args.teams)}
    large = args.teams
    # Round by round, every command once in each: the machine's speed drifts over minutes, and
    # ratios of medians taken in turn see the same drift. Each run of check on the large plan is
    # followed by one of Python's json.load of it, so that both meet the same load.
    samples = {(teams, name): ([], []) for teams in plans for name in COMMANDS}
    for _ in range(args.runs):
        for teams, plan in plans.items():
            for name, arguments in COMMANDS.items():
                output = args.dir / f"out-{teams}-{name.replace(' ', '-')}"
                runs, python_runs = samples[teams, name]
                runs.append(run_once([args.tfkms, *arguments, *account, str(plan)], output))
                if teams == large and name in ("check json", "check sarif"):
                    python_runs.append(python_load_once(plan))
    results = {key: summary(*value) for key, value in samples.items()}
    plan_bytes = os.path.getsize(plans[large])
    python = statistics.median([results[large, "check json"]["python"],
                                results[large, "check sarif"]["python"]])

    print(f"plan {plans[large]}: {plan_bytes / 1e6:.1f} MB, {large} teams; "
          f"median of {args.runs} runs; "
          f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}"
          f"{'; account ' + args.account_id if args.account_id else '; account not given'}")
    print(f"  {'python json.load':<14} {python:7.3f} s cpu")
    for name in COMMANDS:
        r = results[large, name]
        print(f"  {name:<14} {r['cpu']:7.3f} s cpu {r['wall']:7.3f} s wall "
              f"{r['peak'] / 1e6:8.1f} MB peak "
              f"{r['bytes'] / 1e6:8.1f} MB written")
    verdicts = Verdicts()
    print("ratios")
    check_json = results[large, "check json"]["cpu"]
    for name in ("check json", "check sarif"):
        verdicts.ratio(f"{name} time / python json.load",
                       results[large, name]["cpu"] / results[large, name]["python"], 0.3)
    for name in ("access json", "diff json"):
        verdicts.ratio(f"{name} time / check json time",
                       results[large, name]["cpu"] / check_json, 2)
    for name in COMMANDS:
        verdicts.ratio(f"{name} peak memory / plan size",
                       results[large, name]["peak"] / plan_bytes, 2)
    for name in ("access json", "diff json"):
        verdicts.ratio(f"{name} output size / plan size",
                       results[large, name]["bytes"] / plan_bytes, 1)
    for name in COMMANDS:
        small = results[large // 10, name]["cpu"]
        verdicts.ratio(f"{name} time {large} / {large // 10} teams",
                       results[large, name]["cpu"] / max(small, 1e-3), 12)
    if verdicts.missed:
        print(f"{len(verdicts.missed)} target(s) missed: {', '.join(verdicts.missed)}")
        return 1
    print("every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
