#pragma once
// Builds the dimensions of the request space from what the policies and grants test
// (kms-reference §2, §3.9), and says which condition keys a request for an action can carry.
#include "analysis/cell_space.hpp"
#include "policy/document.hpp"
#include "policy/evaluate.hpp"

#include <string_view>
#include <vector>

namespace tfkms::analysis {

/// True for keys fixed by who calls (aws:PrincipalArn, kms:CallerAccount, ...): the analysis varies
/// the caller, not these keys.
[[nodiscard]] bool is_caller_key(std::string_view key_lower);

/// One dimension per condition key tested by `documents` (caller keys excepted), with the values
/// they name; the encryption context becomes one dimension per context key named by a condition or
/// a grant constraint, plus one for "some other context key".
[[nodiscard]] std::vector<Dimension>
build_dimensions(const std::vector<const policy::Document*>& documents,
                 const std::vector<policy::CompiledGrant>& grants);

/// True when a request for `action` ("kms:Decrypt") can carry condition key `key` (as a Dimension
/// names it): encryption context only on operations that take one, grant keys only on grant
/// operations, ... (kms-reference §1.1, §2.1).
[[nodiscard]] bool key_applies(std::string_view key, std::string_view action);

/// Sets the condition keys of one cell after another into a prepared request's context, in place
/// (moving entries in and out of a pool, so the loop over cells does not allocate). The encryption
/// context keys of a cell also give kms:EncryptionContextKeys. The context must not already carry
/// the dimensions' keys; it is given back without them, so one prepared request serves many rows.
class CellContext {
public:
  CellContext(std::vector<policy::ContextEntry>& context, const std::vector<Dimension>& dimensions);
  ~CellContext() { take_out(); }
  CellContext(const CellContext&) = delete;
  CellContext& operator=(const CellContext&) = delete;
  /// Replaces the previous cell's entries with those of cell `index`.
  void apply(const CellIndex& index);

private:
  void take_out();
  void put_in(std::size_t slot);

  std::vector<policy::ContextEntry>& m_context;
  const std::vector<Dimension>& m_dimensions;
  std::vector<std::string> m_keys;          ///< by pool slot: the entry's lower-case key
  std::vector<policy::ContextEntry> m_pool; ///< by dimension, then kms:EncryptionContextKeys
  std::vector<bool> m_in;                   ///< by pool slot: currently in the context
  std::vector<bool> m_context_key;          ///< by dimension: an encryption context key
  std::vector<std::string> m_context_names; ///< by dimension: the context key's name
};

/// The dimensions (indexes into `dimensions`) that condition `clause` tests.
[[nodiscard]] std::vector<std::size_t> dimensions_of(const policy::ConditionClause& clause,
                                                     const std::vector<Dimension>& dimensions);

/// The dimensions that grant `grant`'s constraints test.
[[nodiscard]] std::vector<std::size_t> dimensions_of(const policy::CompiledGrant& grant,
                                                     const std::vector<Dimension>& dimensions);

} // namespace tfkms::analysis
