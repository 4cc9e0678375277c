#!/usr/bin/env bash
# Cost of `tfkms access` and `tfkms diff` against `tfkms check` on the synthetic 2000-module plan
# (~63 MB): each must take at most twice the time of check. Use a Release build:
#   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release && cmake --build build/release -j2 --target tfkms
#   bench/access_diff_bench.sh build/release/tfkms [/tmp/big.json]
# Prints the best of three wall-clock runs of each command and the ratios; exits 1 when a ratio is
# above 2.
set -euo pipefail
tfkms=${1:?usage: $0 TFKMS_BINARY [PLAN]}
plan=${2:-/tmp/big.json}
if [[ ! -f "$plan" ]]; then
  python3 /work/shared/tools/synth-plan.py 2000 "$plan"
fi

best_of_three() {
  local best=""
  for _ in 1 2 3; do
    local start end elapsed
    start=$(date +%s.%N)
    "$tfkms" "$@" >/dev/null 2>&1 || [[ $? -le 1 ]] # exit 1 = findings, still a complete run
    end=$(date +%s.%N)
    elapsed=$(echo "$end - $start" | bc)
    if [[ -z "$best" ]] || (($(echo "$elapsed < $best" | bc))); then best=$elapsed; fi
  done
  echo "$best"
}

check=$(best_of_three check --format json --fail-on never "$plan")
access=$(best_of_three access --format json "$plan")
diff=$(best_of_three diff --format json --fail-on never "$plan")
printf 'plan %s (%s bytes)\n' "$plan" "$(stat -c %s "$plan")"
printf 'check  %6.2f s\n' "$check"
printf 'access %6.2f s  (%.2fx check)\n' "$access" "$(echo "$access / $check" | bc -l)"
printf 'diff   %6.2f s  (%.2fx check)\n' "$diff" "$(echo "$diff / $check" | bc -l)"
status=0
for ratio in "$(echo "$access / $check" | bc -l)" "$(echo "$diff / $check" | bc -l)"; do
  if (($(echo "$ratio > 2" | bc))); then status=1; fi
done
[[ $status -eq 0 ]] && echo "within 2x of check" || echo "OVER 2x of check"
exit $status
