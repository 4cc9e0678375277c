#pragma once
// `tfkms simulate`: decides KMS requests given as JSON lines, one per line, for scripts and oracle
// tests.
//
// Input line: {"principal": ARN, "action": "kms:Decrypt", "resource": key ARN,
//              "context": {key: string | [strings]}, "key_policy": {...}, "identity_policies":
//              [{...}], "grants": [{"grantee", "operations", "constraints", "retiring_principal"}],
//              "scps": [[{...}], ...], "rcps": [[{...}], ...] (levels, organisation root first),
//              "permission_boundary": {...}, "session_policy": {...}}
// Any other field is an error. Policies are held to the limits of `tfkms check` and to AWS's
// grammar: one AWS would refuse makes the line an error naming the statement. Output line:
// {"decision": "allowed"|"explicitly_denied"|"implicitly_denied", "reasons": [...]}, or
// {"error": "..."} for a line that cannot be decided. Blank lines are skipped.
#include <iosfwd>

namespace tfkms::cli {

/// Decides every request line of `in`, writing one result line each to `out`. Returns 0, or 2
/// (k_exit_usage) when some line was malformed or undecidable; `err` gets a one-line summary then.
[[nodiscard]] int run_simulate(std::istream& in, std::ostream& out, std::ostream& err);

} // namespace tfkms::cli
