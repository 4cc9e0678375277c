#include "policy/policy_source.hpp"

namespace tfkms::policy {

Document parse_policy(const model::PolicySource& source, PolicyKind kind,
                      const model::SymbolResolver& symbols) {
  ParseOptions options;
  options.file = source.where.file;
  options.base_pointer = source.where.pointer;
  options.statement_locations = source.statement_locations;
  options.where = source.where;
  return parse_document(source.document, kind, symbols, options);
}

} // namespace tfkms::policy
