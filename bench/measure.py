#!/usr/bin/env python3
"""Runs a command RUNS times and prints "cpu_seconds wall_seconds peak_kb": the medians of its CPU time
(user + sys) and wall time, and the largest peak RSS. With "--versus" and a second command, runs the
two in turn (first, second, first, ...) and prints both on one line: a comparison of two programs is
then not skewed by the machine's load changing between their series.

CPU time comes from wait4's rusage in microseconds, which the kernel derives from the task's precise
runtime, so it resolves far below GNU time's 10 ms display. The machine is shared: CPU time is what
the command itself spent, wall time also measures its neighbours.

Usage: measure.py RUNS COMMAND [ARG...] [--versus COMMAND [ARG...]]
"""
import os
import statistics
import subprocess
import sys
import time


def run_once(command):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    errors = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # tfkms check exits 1 when it finds something
        sys.exit(f"{command[0]} failed ({os.waitstatus_to_exitcode(status)}): {errors}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss


def summary(samples):
    cpu = statistics.median(sample[0] for sample in samples)
    wall = statistics.median(sample[1] for sample in samples)
    peak = max(sample[2] for sample in samples)
    return f"{cpu:.4f} {wall:.4f} {peak}"


def main():
    runs = int(sys.argv[1])
    arguments = sys.argv[2:]
    split = arguments.index("--versus") if "--versus" in arguments else len(arguments)
    commands = [arguments[:split]] + ([arguments[split + 1:]] if split < len(arguments) else [])
    samples = [[] for _ in commands]
    for _ in range(runs):
        for command, series in zip(commands, samples):
            series.append(run_once(command))
    print(" ".join(summary(series) for series in samples))


if __name__ == "__main__":
    main()
