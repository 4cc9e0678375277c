#!/usr/bin/env python3
"""Adds to the fixtures baseline of round_trip_test.py the reports of fixture inputs it does not hold
yet (new fixtures), each class of principals expanded into its members as the baseline lists them.
Entries already there are left as they are: changing them is a review of the round trip itself.

Usage (from the source root): tests/access/add_to_baseline.py TFKMS
"""
import sys
from pathlib import Path

import round_trip_test as round_trip


def expanded(report):
    """One input's reports in the baseline's form: every principal listed on its own."""
    access, diff = report["access"], report["diff"]
    if access["json"] is not None:
        access = dict(access, json=round_trip.expand_access(access["json"]))
    if diff["json"] is not None:
        diff = dict(diff, json=round_trip.expand_diff(diff["json"]))
    return {"access": access, "diff": diff}


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    tfkms = str(Path(sys.argv[1]).resolve())
    baseline = round_trip.load("fixtures")
    missing = [path for path in round_trip.fixture_inputs() if path not in baseline]
    for path, report in round_trip.reports(tfkms, missing).items():
        baseline[path] = expanded(report)
    round_trip.save("fixtures", baseline)
    print(f"added {len(missing)} inputs: {', '.join(missing) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
