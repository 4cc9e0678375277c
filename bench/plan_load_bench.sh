#!/usr/bin/env bash
# Times `tfkms check` and the Terraform plan loader alone on synthetic plans (synth-plan.py, 200 and
# 2000 teams) against Python's json.load of the same file, and checks the plan-size targets on
# `tfkms check` of the 2000-team (63 MB) plan: time <= 1/2 of Python's, peak RSS <= 2x file size,
# and 10x input (200 -> 2000 teams) <= 12x time.
# Times are the median CPU seconds (user + sys) of RUNS runs, at microsecond resolution
# (bench/measure.py), tfkms and Python run in turn: the build machine is shared, so wall time mostly
# measures the neighbours; the median wall time is printed beside it, with the load average.
# Usage: bench/plan_load_bench.sh [BUILD_DIR] [RUNS]   (BUILD_DIR holds tfkms and bench/plan_load_bench;
#        default build/rel, 5 runs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/rel}
runs=${2:-5}
loader=$build/bench/plan_load_bench
tfkms=$build/tfkms
synth=${TFKMS_SHARED_DIR:-$root/../shared}/tools/synth-plan.py
for program in "$loader" "$tfkms"; do
  [[ -x $program ]] || { echo "missing $program: cmake --build $build --target tfkms plan_load_bench" >&2; exit 2; }
done
[[ -f $synth ]] || synth=/work/shared/tools/synth-plan.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { python3 "$root/bench/measure.py" "$runs" "$@"; }

# check LABEL VALUE LIMIT: prints the comparison and records a failure.
check() {
  local result=ok
  if ! (( $(echo "$2 <= $3" | bc -l) )); then result=FAIL; status=1; fi
  printf '      %s = %.2f (target <= %.2f): %s\n' "$1" "$2" "$3" "$result"
}

declare -A cpu size
status=0
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); median of $runs runs"
for teams in 200 2000; do
  plan=$work/plan-$teams.json
  python3 "$synth" "$teams" "$plan"
  size[$teams]=$(stat -c %s "$plan")
  # check and Python in turn, so that a change in the machine's load weighs on both alike.
  read -r check_cpu check_wall check_kb py_cpu py_wall py_kb < <(measure "$tfkms" check --no-color "$plan" \
    --versus python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$plan")
  read -r load_cpu load_wall load_kb < <(measure "$loader" "$plan")
  cpu[$teams]=$check_cpu
  printf '%5d teams, %5.1f MB: tfkms check %.3f s cpu (%.3f s wall), peak %.1f MB | loader alone %.3f s cpu, peak %.1f MB\n' \
    "$teams" "$(echo "${size[$teams]} / 1048576" | bc -l)" "$check_cpu" "$check_wall" "$(echo "$check_kb / 1024" | bc -l)" \
    "$load_cpu" "$(echo "$load_kb / 1024" | bc -l)"
  printf '                        python json.load %.3f s cpu (%.3f s wall), peak %.1f MB\n' \
    "$py_cpu" "$py_wall" "$(echo "$py_kb / 1024" | bc -l)"
  time_ratio=$(echo "$check_cpu / $py_cpu" | bc -l)
  memory_ratio=$(echo "$check_kb * 1024 / ${size[$teams]}" | bc -l)
  if (( teams == 2000 )); then
    check "check time / python" "$time_ratio" 0.5
    check "check peak RSS / file size" "$memory_ratio" 2
  else
    # The targets are the 63 MB plan's; on a small one the program's fixed ~15 MB dominates memory.
    printf '      check time / python = %.2f, peak RSS / file size = %.2f (for information)\n' "$time_ratio" "$memory_ratio"
  fi
done
input_ratio=$(echo "${size[2000]} / ${size[200]}" | bc -l)
printf 'scaling: %.2fx input\n' "$input_ratio"
check "check time(2000) / time(200)" "$(echo "${cpu[2000]} / ${cpu[200]}" | bc -l)" "$(echo "$input_ratio * 1.2" | bc -l)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
