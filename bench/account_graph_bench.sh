#!/usr/bin/env bash
# One account, many plans: times `tfkms check` of 50 synthetic plans (synth-plan.py, 200 teams, about
# 6 MB each) of one account analysed as one graph, against checking them one by one, and checks the
# targets: time of the account graph <= 1.2x the time one by one, and its peak RSS <= 2x the largest
# plan plus the graph, beyond what the program holds on an empty plan. The graph is what grows with
# the number of plans: the peak of checking all N plans as one graph minus the peak of checking N/2
# of them, times N / (N - N/2); what is left of the peak is the cost of reading one plan at a time
# and the program itself.
# Each plan is made different account-wide: its roles, buckets and grants carry the plan's number, so
# the 50 plans define 10,000 keys and 10,000 roles of account 111111111111 that all see each other.
# "One by one" is measured both ways: one process per plan (the sum), and one process with
# --separately. Times are median CPU seconds (user + sys) of RUNS runs (bench/measure.py).
# Usage: bench/account_graph_bench.sh [BUILD_DIR] [RUNS] [PLANS]   (default build/rel, 3 runs, 50 plans)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/rel}
runs=${2:-3}
plans=${3:-50}
tfkms=$build/tfkms
synth=${TFKMS_SHARED_DIR:-$root/../shared}/tools/synth-plan.py
[[ -x $tfkms ]] || { echo "missing $tfkms: cmake --build $build --target tfkms" >&2; exit 2; }
[[ -f $synth ]] || synth=/work/shared/tools/synth-plan.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { python3 "$root/bench/measure.py" "$runs" "$@"; }
check() {
  local result=ok
  if ! (( $(echo "$2 <= $3" | bc -l) )); then result=FAIL; status=1; fi
  printf '  %s = %.2f (target <= %.2f): %s\n' "$1" "$2" "$3" "$result"
}
status=0

python3 "$synth" 200 "$work/base.json"
python3 - "$work/base.json" "$work" "$plans" <<'EOF'
import sys
base, out, plans = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(base).read()
for plan in range(plans):
    varied = (text.replace("team-", f"p{plan}-team-").replace("batch-", f"p{plan}-batch-")
                  .replace("-0000-0000-0000-000000000000", f"-0000-0000-0000-{plan:012d}"))
    open(f"{out}/plan-{plan:02d}.json", "w").write(varied)
EOF
rm "$work/base.json"
files=("$work"/plan-*.json)
largest=$(stat -c %s "${files[@]}" | sort -n | tail -1)
account=(--account-id 111111111111 --no-color --quiet)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); ${#files[@]} plans, largest $((largest / 1048576)) MB; median of $runs runs"

read -r one_cpu one_wall one_kb < <(measure "$tfkms" check "${account[@]}" "${files[0]}")
read -r joined_cpu joined_wall joined_kb separate_cpu separate_wall separate_kb < <(
  measure "$tfkms" check "${account[@]}" "${files[@]}" --versus "$tfkms" check "${account[@]}" --separately "${files[@]}")
by_process=$(echo "$one_cpu * ${#files[@]}" | bc -l)
printf 'one plan alone:             %8.2f s cpu, peak %7.1f MB\n' "$one_cpu" "$(echo "$one_kb / 1024" | bc -l)"
printf 'one process per plan (x%d): %8.2f s cpu\n' "${#files[@]}" "$by_process"
printf 'all, --separately:          %8.2f s cpu, peak %7.1f MB\n' "$separate_cpu" "$(echo "$separate_kb / 1024" | bc -l)"
printf 'all, one account graph:     %8.2f s cpu (%.2f s wall), peak %7.1f MB\n' "$joined_cpu" "$joined_wall" \
  "$(echo "$joined_kb / 1024" | bc -l)"
check "account graph time / one process per plan" "$(echo "$joined_cpu / $by_process" | bc -l)" 1.2
check "account graph time / --separately" "$(echo "$joined_cpu / $separate_cpu" | bc -l)" 1.2
half=("${files[@]:0:$(( ${#files[@]} / 2 ))}")
read -r _ _ half_kb < <(measure "$tfkms" check "${account[@]}" "${half[@]}")
graph_kb=$(echo "($joined_kb - $half_kb) * ${#files[@]} / (${#files[@]} - ${#half[@]})" | bc -l)
printf 'half the plans (%d), joined: peak %7.1f MB; the graph of all %d: about %.1f MB\n' "${#half[@]}" \
  "$(echo "$half_kb / 1024" | bc -l)" "${#files[@]}" "$(echo "$graph_kb / 1024" | bc -l)"

# What the program holds whatever it reads (code, libraries, allocator arenas): its peak on an empty
# plan. It is neither input nor graph, and it is about 3x one 6 MB plan.
empty=$work/empty.json
echo '{"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": []}' >"$empty"
read -r _ _ program_kb < <(measure "$tfkms" check "${account[@]}" "$empty")
printf 'the program itself (an empty plan): peak %7.1f MB\n' "$(echo "$program_kb / 1024" | bc -l)"

limit_kb=$(echo "2 * $largest / 1024 + $graph_kb + $program_kb" | bc -l)
check "account graph peak RSS / (2x largest plan + graph + program)" \
  "$(echo "$joined_kb / $limit_kb" | bc -l)" 1
exit $status
