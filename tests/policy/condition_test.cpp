// Condition operators, missing keys, IfExists, set qualifiers and policy variables (kms-reference
// §3.8-3.9).
#include "support.hpp"

using namespace tfkms::policy;
using namespace tfkms::policy::testing;
using nlohmann::json;

namespace {

const std::string k_user = "arn:aws:iam::111111111111:user/alice";

/// Outcome for the user `alice` of a key policy allowing everyone Decrypt under `condition`.
Outcome with_condition(const json& condition, std::vector<ContextEntry> context,
                       const char* version = "2012-10-17") {
  json document = policy(json::array({key_statement("Allow", "*", "kms:Decrypt", condition)}));
  document["Version"] = version;
  const auto key = key_policy(document);
  return outcome({k_user, "kms:Decrypt", std::move(context)}, &key);
}

bool holds(const json& condition, std::vector<ContextEntry> context,
           const char* version = "2012-10-17") {
  return with_condition(condition, std::move(context), version) == Outcome::allowed;
}

json op(const char* name, const char* key, json values) {
  return {{name, {{key, std::move(values)}}}};
}

} // namespace

TEST_CASE("string operators and case", "[policy][condition]") {
  const std::vector<ContextEntry> red = {{"aws:PrincipalTag/team", {"Red"}}};
  CHECK_FALSE(holds(op("StringEquals", "aws:PrincipalTag/team", "red"), red));
  CHECK(holds(op("StringEqualsIgnoreCase", "aws:PrincipalTag/team", "red"), red));
  CHECK(holds(op("StringNotEquals", "aws:PrincipalTag/team", {"red", "blue"}), red));
  CHECK_FALSE(
      holds(op("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", {"red", "blue"}), red));
  CHECK(holds(op("StringLike", "aws:PrincipalTag/team", "R?d"), red));
  CHECK(holds(op("StringLike", "aws:PrincipalTag/team", {"x*", "*e*"}), red));
  CHECK_FALSE(holds(op("StringNotLike", "aws:PrincipalTag/team", {"x*", "R*"}), red));
  // Keys are case-insensitive, tag key suffix included.
  CHECK(holds(op("StringEquals", "AWS:PRINCIPALTAG/TEAM", "Red"), red));
  // No wildcards in StringEquals.
  CHECK_FALSE(holds(op("StringEquals", "aws:PrincipalTag/team", "*"), red));
}

TEST_CASE("missing keys: positive false, negated true, IfExists true, Null",
          "[policy][condition]") {
  CHECK_FALSE(holds(op("StringEquals", "aws:PrincipalOrgID", "o-1"), {}));
  CHECK(holds(op("StringNotEquals", "aws:PrincipalOrgID", "o-1"), {}));
  CHECK(holds(op("StringNotLike", "aws:PrincipalOrgID", "o-*"), {}));
  CHECK(holds(op("StringEqualsIfExists", "aws:PrincipalOrgID", "o-1"), {}));
  CHECK_FALSE(holds(op("StringEqualsIfExists", "aws:PrincipalOrgID", "o-1"),
                    {{"aws:PrincipalOrgID", {"o-2"}}}));
  CHECK(holds(op("Null", "aws:PrincipalOrgID", "true"), {}));
  CHECK_FALSE(holds(op("Null", "aws:PrincipalOrgID", "false"), {}));
  CHECK(holds(op("Null", "aws:PrincipalOrgID", "false"), {{"aws:PrincipalOrgID", {"o-2"}}}));
  CHECK_FALSE(holds(op("NumericLessThan", "aws:MultiFactorAuthAge", "3600"), {}));
  CHECK(holds(op("NotIpAddress", "aws:SourceIp", "10.0.0.0/8"), {}));
}

TEST_CASE("numeric, date, bool, binary", "[policy][condition]") {
  const std::vector<ContextEntry> age = {{"aws:MultiFactorAuthAge", {"1800"}}};
  CHECK(holds(op("NumericLessThan", "aws:MultiFactorAuthAge", "3600"), age));
  CHECK(holds(op("NumericLessThanEquals", "aws:MultiFactorAuthAge", 1800), age));
  CHECK_FALSE(holds(op("NumericGreaterThan", "aws:MultiFactorAuthAge", "1800.5"), age));
  CHECK(holds(op("NumericNotEquals", "aws:MultiFactorAuthAge", {"1", "2"}), age));
  CHECK_FALSE(holds(op("NumericEquals", "aws:MultiFactorAuthAge", "not-a-number"), age));

  const std::vector<ContextEntry> now = {{"aws:CurrentTime", {"2026-06-30T12:00:00Z"}}};
  CHECK(holds(op("DateGreaterThan", "aws:CurrentTime", "2026-01-01"), now));
  CHECK(holds(op("DateLessThan", "aws:CurrentTime", "2026-06-30T14:00:01+02:00"), now));
  CHECK(holds(op("DateEquals", "aws:CurrentTime", "1782820800"), now)); // epoch seconds
  CHECK_FALSE(
      holds(op("DateGreaterThanEquals", "aws:CurrentTime", "2026-06-30T12:00:00.001Z"), now));

  const std::vector<ContextEntry> secure = {{"aws:SecureTransport", {"true"}}};
  CHECK(holds(op("Bool", "aws:SecureTransport", true), secure));
  CHECK(holds(op("Bool", "aws:SecureTransport", "True"), secure)); // [OPEN] §9.7: case ignored
  CHECK_FALSE(holds(op("Bool", "aws:SecureTransport", "false"), secure));
  CHECK_FALSE(holds(op("Bool", "aws:SecureTransport", "yes"), secure));

  CHECK(holds(op("BinaryEquals", "aws:userid", "QUlEQQ=="), {{"aws:userid", {"QUlEQQ=="}}}));
}

TEST_CASE("IP address networks, IPv4 and IPv6", "[policy][condition]") {
  CHECK(holds(op("IpAddress", "aws:SourceIp", "203.0.113.0/24"),
              {{"aws:SourceIp", {"203.0.113.77"}}}));
  CHECK_FALSE(holds(op("IpAddress", "aws:SourceIp", "203.0.113.0/24"),
                    {{"aws:SourceIp", {"203.0.114.1"}}}));
  CHECK(holds(op("IpAddress", "aws:SourceIp", "0.0.0.0/0"), {{"aws:SourceIp", {"198.51.100.1"}}}));
  CHECK(holds(op("IpAddress", "aws:SourceIp", "2001:db8::/32"),
              {{"aws:SourceIp", {"2001:db8:1:2::3"}}}));
  CHECK(holds(op("IpAddress", "aws:SourceIp", "2001:db8:0:0:0:0:0:1"),
              {{"aws:SourceIp", {"2001:db8::1"}}}));
  CHECK(holds(op("NotIpAddress", "aws:SourceIp", {"10.0.0.0/8", "2001:db8::/32"}),
              {{"aws:SourceIp", {"192.0.2.1"}}}));
  CHECK_FALSE(holds(op("NotIpAddress", "aws:SourceIp", {"10.0.0.0/8", "192.0.2.0/24"}),
                    {{"aws:SourceIp", {"192.0.2.1"}}}));
}

TEST_CASE("ARN operators match per component", "[policy][condition]") {
  const std::vector<ContextEntry> source = {{"aws:SourceArn", {"arn:aws:s3:::bucket/a:b"}}};
  CHECK(holds(op("ArnLike", "aws:SourceArn", "arn:aws:s3:::bucket/*"), source));
  CHECK(holds(op("ArnEquals", "aws:SourceArn", "arn:aws:s3:::bucket/*"), source));
  CHECK(holds(op("ArnNotLike", "aws:SourceArn", "arn:aws:sqs:*:*:*"), source));
  // `*` does not cross a colon between components (the IAM guide's example).
  const std::vector<ContextEntry> odd = {
      {"aws:SourceArn", {"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:x"}}};
  CHECK_FALSE(
      holds(op("ArnLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:finance/*"), odd));
  CHECK(holds(op("StringLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:*"), odd));
}

TEST_CASE("set qualifiers and multi-valued keys", "[policy][condition]") {
  const json any_app = op("ForAnyValue:StringEquals", "kms:EncryptionContextKeys", {"app", "team"});
  const json all_app =
      op("ForAllValues:StringEquals", "kms:EncryptionContextKeys", {"app", "team"});
  const auto keys = [](std::vector<std::string> values) {
    return std::vector<ContextEntry>{{"kms:EncryptionContextKeys", std::move(values)}};
  };
  CHECK(holds(any_app, keys({"app", "other"})));
  CHECK_FALSE(holds(any_app, keys({"other"})));
  CHECK_FALSE(holds(any_app, {}));       // no key: false
  CHECK_FALSE(holds(any_app, keys({}))); // empty set: false
  CHECK(holds(all_app, keys({"app"})));
  CHECK_FALSE(holds(all_app, keys({"app", "other"})));
  CHECK(holds(all_app, {})); // empty-set bypass
  CHECK(holds(all_app, keys({})));
  CHECK(holds(op("ForAllValues:StringNotEquals", "kms:EncryptionContextKeys", {"secret"}),
              keys({"app", "team"})));
  CHECK(holds(op("ForAnyValue:StringNotEquals", "kms:EncryptionContextKeys", {"app"}),
              keys({"app", "team"})));
  CHECK(holds(op("ForAnyValue:StringEqualsIfExists", "kms:EncryptionContextKeys", "app"), {}));
  // [OPEN] §9.6: a multi-valued key without a qualifier never matches.
  CHECK_FALSE(holds(op("StringEquals", "kms:EncryptionContextKeys", "app"), keys({"app"})));
  // A single-valued key under a set qualifier is a one-element set; ForAllValues on it is bypassed
  // when absent.
  CHECK_FALSE(holds(op("ForAllValues:StringEquals", "kms:CallerAccount", "999999999999"),
                    {})); // derived: 111111111111
  CHECK(holds(op("ForAnyValue:StringEquals", "aws:PrincipalOrgID", "o-1"),
              {{"aws:PrincipalOrgID", {"o-1"}}}));
  CHECK(holds(op("ForAllValues:StringEquals", "aws:PrincipalOrgID", "o-1"), {}));
}

TEST_CASE("several values OR, several keys and operators AND", "[policy][condition]") {
  const json condition = {
      {"StringEquals",
       {{"aws:PrincipalOrgID", {"o-1", "o-2"}}, {"aws:RequestedRegion", "us-east-1"}}},
      {"Bool", {{"aws:SecureTransport", "true"}}}};
  const std::vector<ContextEntry> all = {{"aws:PrincipalOrgID", {"o-2"}},
                                         {"aws:RequestedRegion", {"us-east-1"}},
                                         {"aws:SecureTransport", {"true"}}};
  CHECK(holds(condition, all));
  auto wrong_region = all;
  wrong_region[1].values = {"eu-west-1"};
  CHECK_FALSE(holds(condition, wrong_region));
  auto insecure = all;
  insecure[2].values = {"false"};
  CHECK_FALSE(holds(condition, insecure));
}

TEST_CASE("policy variables", "[policy][condition]") {
  // aws:username and aws:PrincipalAccount are derived from the caller (evaluate.hpp).
  CHECK(holds(op("StringEquals", "aws:PrincipalTag/owner", "${aws:username}"),
              {{"aws:PrincipalTag/owner", {"alice"}}}));
  CHECK_FALSE(holds(op("StringEquals", "aws:PrincipalTag/owner", "${aws:username}"),
                    {{"aws:PrincipalTag/owner", {"bob"}}}));
  CHECK(holds(op("StringLike", "aws:PrincipalArn", "arn:aws:iam::${aws:PrincipalAccount}:user/*"),
              {}));
  // Missing variable: the comparison fails, also for negated operators; a default fills in.
  CHECK_FALSE(holds(op("StringEquals", "aws:PrincipalTag/owner", "${aws:PrincipalTag/missing}"),
                    {{"aws:PrincipalTag/owner", {"x"}}}));
  CHECK_FALSE(holds(op("StringNotEquals", "aws:PrincipalTag/owner", "${aws:PrincipalTag/missing}"),
                    {{"aws:PrincipalTag/owner", {"x"}}}));
  CHECK(holds(op("StringEquals", "aws:PrincipalTag/owner", "${aws:PrincipalTag/missing, 'x'}"),
              {{"aws:PrincipalTag/owner", {"x"}}}));
  // ${*} ${?} ${$} are literal characters, not wildcards.
  CHECK(holds(op("StringLike", "aws:PrincipalTag/owner", "a${*}b${?}${$}"),
              {{"aws:PrincipalTag/owner", {"a*b?$"}}}));
  CHECK_FALSE(holds(op("StringLike", "aws:PrincipalTag/owner", "a${*}b"),
                    {{"aws:PrincipalTag/owner", {"axxb"}}}));
  // Only Version 2012-10-17 substitutes variables.
  CHECK_FALSE(holds(op("StringEquals", "aws:PrincipalTag/owner", "${aws:username}"),
                    {{"aws:PrincipalTag/owner", {"alice"}}}, "2008-10-17"));
  CHECK(holds(op("StringEquals", "aws:PrincipalTag/owner", "${aws:username}"),
              {{"aws:PrincipalTag/owner", {"${aws:username}"}}}, "2008-10-17"));
}
