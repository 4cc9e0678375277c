# Helpers shared by the action's scripts (sourced, not run).

# Writes step output NAME=VALUE to $GITHUB_OUTPUT in the delimited form, so a value holding a line
# break cannot add outputs of its own (GitHub docs, "Multiline strings").
set_output() {
  local name=$1 value=$2 delimiter
  delimiter="tfkms_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s<<%s\n%s\n%s\n' "$name" "$delimiter" "$value" "$delimiter" >>"$GITHUB_OUTPUT"
}

# Prints an error annotation of the arguments, joined by spaces; % CR LF in the message are escaped
# as workflow commands require.
annotate_error() {
  local message="$*"
  message=${message//%/%25}
  message=${message//$'\r'/%0D}
  message=${message//$'\n'/%0A}
  printf '::error title=tfkms::%s\n' "$message"
}
