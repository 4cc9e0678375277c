#!/usr/bin/env bash
# Cost of `tfkms access` and `tfkms diff` against `tfkms check` on the synthetic 2000-module plan
# (~63 MB): each must take at most twice the time of check. Use a Release build:
#   cmake -S . -B build/rel -DCMAKE_BUILD_TYPE=Release && cmake --build build/rel -j2 --target tfkms
#   bench/access_diff_bench.sh build/rel/tfkms [PLAN]      (RUNS=1 for a single run of each)
# Prints the best wall-clock time of RUNS runs (default 3) of each command, its peak memory, the
# ratios and the load average (the machine may be shared); exits 1 when a ratio is above 2.
set -euo pipefail
tfkms=${1:?usage: $0 TFKMS_BINARY [PLAN]}
plan=${2:-/tmp/big.json}
runs=${RUNS:-3}
if [[ ! -f "$plan" ]]; then
  python3 /work/shared/tools/synth-plan.py 2000 "$plan"
fi
measurements=$(mktemp)
trap 'rm -f "$measurements"' EXIT

# Prints "SECONDS PEAK_KB" of the fastest run.
best_of() {
  local best="" best_kb=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$measurements" "$tfkms" "$@" >/dev/null 2>&1 || [[ $? -le 1 ]] # 1 = findings
    read -r elapsed kb <"$measurements"
    if [[ -z "$best" ]] || (($(echo "$elapsed < $best" | bc))); then best=$elapsed best_kb=$kb; fi
  done
  echo "$best $best_kb"
}

read -r check check_kb <<<"$(best_of check --format json --fail-on never "$plan")"
read -r access access_kb <<<"$(best_of access --format json "$plan")"
read -r diff diff_kb <<<"$(best_of diff --format json --fail-on never "$plan")"
printf 'plan %s (%s bytes), best of %s runs, load average %s\n' "$plan" "$(stat -c %s "$plan")" "$runs" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'check  %8.2f s  %7d MB\n' "$check" $((check_kb / 1024))
printf 'access %8.2f s  %7d MB  (%.2fx check)\n' "$access" $((access_kb / 1024)) "$(echo "$access / $check" | bc -l)"
printf 'diff   %8.2f s  %7d MB  (%.2fx check)\n' "$diff" $((diff_kb / 1024)) "$(echo "$diff / $check" | bc -l)"
status=0
for ratio in "$(echo "$access / $check" | bc -l)" "$(echo "$diff / $check" | bc -l)"; do
  if (($(echo "$ratio > 2" | bc))); then status=1; fi
done
[[ $status -eq 0 ]] && echo "within 2x of check" || echo "OVER 2x of check"
exit $status
