#!/usr/bin/env bash
# Times the Terraform plan loader on synthetic plans (synth-plan.py, 200 and 2000 teams) against
# Python's json.load of the same file, and checks the targets:
#   load time <= 1/2 of Python's, 10x input <= 12x time, peak RSS <= 2x file size.
# Times are CPU seconds (user + sys, from /usr/bin/time -v): the build machine is shared, so wall
# time mostly measures the neighbours; wall time is printed beside it.
# Usage: bench/plan_load_bench.sh [BUILD_DIR]   (BUILD_DIR holds bench/plan_load_bench; default build/release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
loader=$build/bench/plan_load_bench
synth=${TFKMS_SHARED_DIR:-$root/../shared}/tools/synth-plan.py
[[ -x $loader ]] || { echo "missing $loader: cmake --build $build --target plan_load_bench" >&2; exit 2; }
[[ -f $synth ]] || synth=/work/shared/tools/synth-plan.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints "cpu_seconds wall_seconds peak_kb" for the command.
measure() {
  /usr/bin/time -v "$@" >/dev/null 2>"$work/time" || { cat "$work/time" >&2; exit 1; }
  awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} /Elapsed/ {w=$2} /Maximum resident/ {m=$2}
    END {n=split(w, p, ":"); wall=(n==3 ? p[1]*3600+p[2]*60+p[3] : p[1]*60+p[2]); printf "%.3f %.3f %d\n", u+s, wall, m}' "$work/time"
}

# check LABEL VALUE LIMIT: prints the comparison and records a failure.
check() {
  local result=ok
  if ! (( $(echo "$2 <= $3" | bc -l) )); then result=FAIL; status=1; fi
  printf '      %s = %.2f (target <= %.2f): %s\n' "$1" "$2" "$3" "$result"
}

declare -A cpu size
status=0
for teams in 200 2000; do
  plan=$work/plan-$teams.json
  python3 "$synth" "$teams" "$plan"
  size[$teams]=$(stat -c %s "$plan")
  read -r load_cpu load_wall load_kb < <(measure "$loader" "$plan")
  read -r py_cpu py_wall py_kb < <(measure python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$plan")
  cpu[$teams]=$load_cpu
  printf '%5d teams, %6.1f MB: load %.3f s cpu (%.3f s wall), peak %d MB | python json.load %.3f s cpu (%.3f s wall), peak %d MB\n' \
    "$teams" "$(echo "${size[$teams]} / 1048576" | bc -l)" "$load_cpu" "$load_wall" $((load_kb / 1024)) "$py_cpu" "$py_wall" $((py_kb / 1024))
  time_ratio=$(echo "$load_cpu / $py_cpu" | bc -l)
  rss_ratio=$(echo "$load_kb * 1024 / ${size[$teams]}" | bc -l)
  check "time / python" "$time_ratio" 0.5
  check "peak RSS / file size" "$rss_ratio" 2
done
input_ratio=$(echo "${size[2000]} / ${size[200]}" | bc -l)
printf 'scaling: %.1fx input\n' "$input_ratio"
check "time(2000) / time(200)" "$(echo "${cpu[2000]} / ${cpu[200]}" | bc -l)" "$(echo "$input_ratio * 1.2" | bc -l)"
exit $status
