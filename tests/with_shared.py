#!/usr/bin/env python3
"""Runs a test that needs the shared folder (the full real-world corpus), or skips it.

usage: with_shared.py DEFAULT_SHARED_DIR COMMAND [ARG...]

The shared folder is TFKMS_SHARED_DIR from the environment when set, else DEFAULT_SHARED_DIR (the
one CMake found beside the checkout). Without its corpus/ the test cannot run: exit 77, which the
CTest test declares as SKIP_RETURN_CODE, so the run reports it skipped rather than passed. With it,
"{shared}" in the arguments becomes its path and the command runs with TFKMS_SHARED_DIR set.
"""
import os
import subprocess
import sys

SKIP = 77


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    shared = os.path.abspath(os.environ.get("TFKMS_SHARED_DIR") or sys.argv[1])
    if not os.path.isdir(os.path.join(shared, "corpus")):
        print(f"skipped: the shared corpus is not at {shared}/corpus; "
              "set TFKMS_SHARED_DIR to the shared folder to run this test", file=sys.stderr)
        return SKIP
    command = [argument.replace("{shared}", shared) for argument in sys.argv[2:]]
    return subprocess.run(command, env=dict(os.environ, TFKMS_SHARED_DIR=shared)).returncode


if __name__ == "__main__":
    sys.exit(main())
