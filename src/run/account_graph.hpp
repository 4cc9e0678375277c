#pragma once
// One account's inputs as one graph. A key policy that delegates to the account opens the key to
// every principal of the account whose identity policy allows it, wherever that principal is
// defined: in another Terraform workspace, another stack of the CDK app. Joining the inputs of one
// account lets the rules, `access` and `diff` see all of them.
//
// What joins: every node of every input (keys, aliases, grants, principals, identity policies, data
// stores, suppressions), each keeping the file and place it came from. References are resolved in
// their own input first (a Terraform address means something only in its workspace); what stays
// unknown there stays unknown. Then:
// - Fn::ImportValue of a name another input of the same region exports takes the exported value
//   [CFN-UG "Fn::ImportValue": exports are per account and region]; CDK cross-stack references
//   compile to such exports.
// - A key reference that named no key of its input (a literal ARN, an import) is looked up again
//   among the keys and aliases of every input.
// - A resource two inputs define alike (a plan and the state of one workspace, a stack synthesized
//   twice) is one node, as the first input defines it, with a note; defined differently, both are
//   kept and a warning says what differs. Identity is the resource's ARN (alias: its name and
//   region) when it is known before deployment; an ARN a loader made up from the resource's address
//   or logical id (a key not created yet, a template's resources) identifies it in its input only.
#include "model/diagnostic.hpp"
#include "model/graph.hpp"

#include <string>
#include <vector>

namespace tfkms::run {

/// One input's graph, moved in, and the input's path as the report names it.
struct GraphPart {
  std::string input;
  model::Graph graph;
  std::string stack; ///< CloudFormation: the stack's name when known (a cloud assembly's stack)
};

struct AccountGraph {
  model::Graph graph;
  std::vector<model::Diagnostic> notes; ///< duplicates (notes) and conflicts (warnings)
};

/// Joins `parts`, which all deploy to `account`, into one graph (see above). The parts' graphs are
/// consumed; their diagnostics are left out (each input reports its own).
[[nodiscard]] AccountGraph join_account(std::vector<GraphPart> parts, const std::string& account);

} // namespace tfkms::run
