// Fuzz target: a policy document as Terraform holds it (JSON text) through the parser, the compiler
// and a few fixed decisions. The first byte picks the policy kind, so all three grammars are
// reached.
#include "policy/evaluate.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace {

using tfkms::policy::Request;

// Callers that exercise each principal form and the condition families (string, numeric, date,
// bool, ip, arn) so that the compiled conditions are all evaluated.
std::vector<tfkms::policy::PreparedRequest> fixed_requests() {
  const std::string key =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const std::vector<Request> requests = {
      {"arn:aws:iam::111122223333:root", std::nullopt, "kms:PutKeyPolicy", key, {}},
      {"arn:aws:sts::444455556666:assumed-role/App/session",
       std::nullopt,
       "kms:Decrypt",
       key,
       {{"kms:ViaService", {"s3.us-east-1.amazonaws.com"}},
        {"kms:EncryptionContext:aws:s3:arn", {"arn:aws:s3:::bucket/*"}},
        {"aws:SourceIp", {"10.1.2.3"}},
        {"aws:CurrentTime", {"2024-01-01T00:00:00Z"}},
        {"aws:MultiFactorAuthAge", {"300"}},
        {"aws:SecureTransport", {"true"}}}},
      {"logs.us-east-1.amazonaws.com",
       std::nullopt,
       "kms:GenerateDataKey",
       key,
       {{"aws:SourceArn", {"arn:aws:logs:us-east-1:111122223333:log-group:app"}},
        {"kms:EncryptionContextKeys", {"aws:logs:arn", "tenant"}}}},
      {"arn:aws:iam::111122223333:user/alice",
       std::nullopt,
       "kms:CreateGrant",
       key,
       {{"kms:GrantIsForAWSResource", {"true"}}, {"aws:SourceIp", {"2001:db8::1"}}}},
  };
  std::vector<tfkms::policy::PreparedRequest> prepared;
  for (const Request& request : requests) {
    auto ready = tfkms::policy::prepare(request);
    if (ready)
      prepared.push_back(std::move(ready.value()));
  }
  return prepared;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<tfkms::policy::PreparedRequest> requests = fixed_requests();
  if (size == 0)
    return 0;
  const auto kind = static_cast<tfkms::policy::PolicyKind>(data[0] % 3);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const tfkms::model::NoSymbols symbols;
  const auto policy =
      tfkms::policy::compile(tfkms::policy::parse_document_text(text, kind, symbols, {}));
  const auto* key_policy = kind == tfkms::policy::PolicyKind::identity_policy ? nullptr : &policy;
  std::vector<const tfkms::policy::CompiledPolicy*> identity;
  if (kind == tfkms::policy::PolicyKind::identity_policy)
    identity.push_back(&policy);
  tfkms::policy::Decision decision;
  for (const auto& request : requests) {
    tfkms::policy::decide(request, key_policy, identity, {}, decision);
    for (const auto& reason : decision.reasons)
      (void)tfkms::policy::describe(reason, key_policy, identity);
  }
  return 0;
}
