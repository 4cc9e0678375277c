#!/usr/bin/env bash
# Step 2 of the tfkms action: one `tfkms check` that prints annotations (--format github), writes
# the SARIF file and the Markdown job summary, then sets the outputs findings, sarif-file and
# exit-code and fails the step as tfkms says (1: findings at or above fail-on, 2: unreadable input
# or bad usage). Every input arrives in a TFKMS_* environment variable and is passed as one argument,
# `--name=value`, so no value is ever parsed by the shell or read as another option.
set -uo pipefail
source "$GITHUB_ACTION_PATH/action/lib.sh"

tfkms=${TFKMS_BIN:-tfkms}
sarif_file=${TFKMS_SARIF_FILE:-tfkms.sarif}

# Paths: split on spaces, tabs and newlines; `read` does no globbing or expansion.
read -r -d '' -a paths <<<"${TFKMS_PATHS:-}" || true
[[ ${#paths[@]} -eq 0 ]] && paths=(.)

args=(check --format github "--output=sarif=$sarif_file" "--fail-on=${TFKMS_FAIL_ON:-low}")
[[ -n "${GITHUB_STEP_SUMMARY:-}" ]] && args+=("--output=markdown=$GITHUB_STEP_SUMMARY")
[[ -n "${TFKMS_TF_DIR:-}" ]] && args+=("--tf-dir=$TFKMS_TF_DIR")
[[ -n "${TFKMS_CONFIG:-}" ]] && args+=("--config=$TFKMS_CONFIG")
[[ -n "${TFKMS_ACCOUNT_ID:-}" ]] && args+=("--account-id=$TFKMS_ACCOUNT_ID")
[[ -n "${TFKMS_CATEGORY:-}" ]] && args+=("--sarif-category=$TFKMS_CATEGORY")
[[ -n "${TFKMS_BASELINE:-}" ]] && args+=("--baseline=$TFKMS_BASELINE")
# diff: only the literal "true" adds the flag, anything else leaves it off.
[[ "${TFKMS_DIFF:-false}" == "true" ]] && args+=(--diff)
args+=(-- "${paths[@]}") # after --, a path starting with '-' is still a path

sarif_dir=$(dirname -- "$sarif_file")
mkdir -p -- "$sarif_dir"

log="${RUNNER_TEMP:-/tmp}/tfkms-annotations.$$"
"$tfkms" "${args[@]}" | tee "$log"
status=${PIPESTATUS[0]}

# The github format ends with "tfkms: N findings ..." or "tfkms: no findings ..." (src/report/github.cpp).
summary=$(grep -E '^tfkms: ([0-9]+ findings?|no findings)' "$log" | tail -n 1 || true)
rm -f -- "$log"
findings=0
if [[ "$summary" =~ ^tfkms:\ ([0-9]+)\ finding ]]; then
  findings=${BASH_REMATCH[1]}
fi

set_output findings "$findings"
set_output sarif-file "$sarif_file"
set_output exit-code "$status"

case "$status" in
0) ;;
1) annotate_error "findings at or above fail-on (${TFKMS_FAIL_ON:-low}); $findings findings in all" ;;
2) annotate_error "tfkms could not read an input or was given a bad option (exit 2); see the log above" ;;
*) annotate_error "tfkms failed with exit code $status" ;;
esac
exit "$status"
