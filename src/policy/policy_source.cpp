#include "policy/policy_source.hpp"

namespace tfkms::policy {

Document parse_policy(const model::PolicySource& source, PolicyKind kind,
                      const model::SymbolResolver& symbols, bool resource_implied) {
  ParseOptions options;
  options.resource_implied = resource_implied;
  options.file = source.where.file;
  options.base_pointer = source.where.pointer;
  options.statement_locations = source.statement_locations;
  options.where = source.where;
  return parse_document(source.document, kind, symbols, options);
}

} // namespace tfkms::policy
