// Throughput of policy::decide(): the analysis asks it once per (principal, action, key, context)
// cell. Usage: policy_decide_bench [iterations]   (prints ns per decision; exits 1 if a decision
// allocated)
#include "policy/evaluate.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <new>
#include <string>
#include <vector>

using namespace tfkms::policy;
using nlohmann::json;

namespace {
std::size_t g_allocations = 0;
} // namespace

// Counts heap allocations, to check that decide() makes none once its Decision is warm.
void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size))
    return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

// A console-default key policy plus a DenyEveryoneElse statement and a conditioned statement.
const char* const k_key_policy = R"({"Version":"2012-10-17","Statement":[
 {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"},
 {"Sid":"Admins","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/Admin"},
  "Action":["kms:Create*","kms:Describe*","kms:Enable*","kms:List*","kms:Put*","kms:Update*","kms:Revoke*","kms:Disable*",
            "kms:Get*","kms:Delete*","kms:TagResource","kms:UntagResource","kms:ScheduleKeyDeletion","kms:CancelKeyDeletion"],"Resource":"*"},
 {"Sid":"Users","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:role/App","arn:aws:iam::222222222222:root"]},
  "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"},
 {"Sid":"Grants","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/App"},
  "Action":["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"],"Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}},
 {"Sid":"DenyEveryoneElse","Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*",
  "Condition":{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::111111111111:role/*","arn:aws:iam::222222222222:*"]},
               "StringNotEqualsIfExists":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]})";

const char* const k_identity = R"({"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"arn:aws:kms:*:111111111111:key/*",
  "Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:PrincipalTag/team}"}}},
 {"Effect":"Deny","NotAction":"kms:*","NotResource":"arn:aws:kms:us-east-1:111111111111:key/${aws:PrincipalTag/keyid}"}]})";

// The rest of a full chain: two SCP levels, one RCP level, a boundary and a session policy.
const char* const k_scp_root =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
const char* const k_scp_account = R"({"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["kms:*","s3:*"],"Resource":"*"},
 {"Effect":"Deny","Action":"kms:ScheduleKeyDeletion","Resource":"*",
  "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin"}}}]})";
const char* const k_rcp =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:*",
  "Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"},
  "BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]})";
const char* const k_boundary = R"({"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["kms:Decrypt","kms:Encrypt","kms:CreateGrant","s3:*"],"Resource":"*"}]})";

Chain full_chain(const tfkms::model::NoSymbols& symbols) {
  const auto read = [&](const char* text, PolicyKind kind) {
    return compile(parse_document(json::parse(text), kind, symbols));
  };
  Chain chain;
  chain.scps = {{read(k_scp_root, PolicyKind::service_control_policy)},
                {read(k_scp_account, PolicyKind::service_control_policy)}};
  chain.rcps = {{read(k_rcp, PolicyKind::resource_control_policy)}};
  chain.permission_boundary = read(k_boundary, PolicyKind::identity_policy);
  chain.session_policy = read(k_boundary, PolicyKind::identity_policy);
  return chain;
}

// Decides every request in turn `iterations` times; prints CPU ns per decision.
bool measure(const char* name, long iterations, const std::vector<PreparedRequest>& requests,
             const CompiledPolicy& key, const std::vector<const CompiledPolicy*>& identities,
             const std::vector<CompiledGrant>& grants, const Chain* chain) {
  Decision decision;
  // Warm the reusable buffers with every request once: a warm decide() must not allocate.
  for (const PreparedRequest& request : requests)
    decide(request, &key, identities, grants, decision, chain);
  std::size_t allowed = 0;
  const std::size_t allocations_before = g_allocations;
  // CPU time, not wall time: the machine may be shared.
  const std::clock_t start = std::clock();
  for (long i = 0; i < iterations; ++i) {
    decide(requests[static_cast<std::size_t>(i) % requests.size()], &key, identities, grants,
           decision, chain);
    allowed += decision.outcome == Outcome::allowed;
  }
  const double elapsed = 1e9 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  const std::size_t allocations = g_allocations - allocations_before;
  const double each = elapsed / static_cast<double>(iterations);
  std::cout << "policy::decide (" << name << "): " << iterations << " decisions, " << each
            << " ns CPU each, " << 1e3 / each << " M decisions/s (" << allowed << " allowed), "
            << allocations << " heap allocations\n";
  return allocations == 0;
}

} // namespace

int main(int argc, char** argv) {
  const long iterations = argc > 1 ? std::atol(argv[1]) : 2'000'000;
  const tfkms::model::NoSymbols symbols;
  const CompiledPolicy key =
      compile(parse_document(json::parse(k_key_policy), PolicyKind::key_policy, symbols));
  const CompiledPolicy identity =
      compile(parse_document(json::parse(k_identity), PolicyKind::identity_policy, symbols));
  const std::vector<const CompiledPolicy*> identities = {&identity, &identity};
  GrantSpec spec;
  spec.grantee = {"arn:aws:iam::111111111111:role/Worker", tfkms::model::ValueKind::literal, {}};
  spec.operations = {"Decrypt", "Encrypt"};
  spec.encryption_context_subset = std::map<std::string, std::string>{{"dept", "it"}};
  const std::vector<CompiledGrant> grants = {compile(spec)};

  const std::string key_arn =
      "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  std::vector<PreparedRequest> requests;
  for (const char* principal :
       {"arn:aws:sts::111111111111:assumed-role/App/s",
        "arn:aws:sts::111111111111:assumed-role/Worker/s", "arn:aws:iam::222222222222:user/bob",
        "arn:aws:iam::111111111111:user/alice"}) {
    for (const char* action :
         {"kms:Decrypt", "kms:PutKeyPolicy", "kms:CreateGrant", "kms:ScheduleKeyDeletion"}) {
      auto prepared = prepare({.principal = principal,
                               .principal_type = {},
                               .action = action,
                               .resource = key_arn,
                               .context = {{"aws:PrincipalTag/team", {"red"}},
                                           {"kms:EncryptionContext:dept", {"it"}},
                                           {"kms:ViaService", {"s3.us-east-1.amazonaws.com"}},
                                           {"aws:PrincipalOrgID", {"o-abc123"}}}});
      if (!prepared)
        return 2;
      requests.push_back(std::move(prepared.value()));
    }
  }

  const Chain chain = full_chain(symbols);
  const bool plain = measure("key policy, identity policies, grants", iterations, requests, key,
                             identities, grants, nullptr);
  const bool full = measure("full chain: + 2 SCP levels, RCP, boundary, session policy", iterations,
                            requests, key, identities, grants, &chain);
  return plain && full ? 0 : 1;
}
