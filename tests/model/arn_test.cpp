#include "model/arn.hpp"

#include <catch2/catch.hpp>

using tfkms::model::is_account_id;
using tfkms::model::split_arn;

TEST_CASE("split_arn gives the fields of an ARN", "[model][arn]") {
  const auto role = split_arn("arn:aws-us-gov:iam::111122223333:role/path/deploy");
  REQUIRE(role);
  CHECK(role->partition == "aws-us-gov");
  CHECK(role->service == "iam");
  CHECK(role->region.empty());
  CHECK(role->account == "111122223333");
  CHECK(role->resource == "role/path/deploy");
  // The resource keeps its colons; an empty one is still a field.
  const auto log = split_arn("arn:aws:logs:eu-west-1:111122223333:log-group:app:*");
  REQUIRE(log);
  CHECK(log->region == "eu-west-1");
  CHECK(log->resource == "log-group:app:*");
  const auto bare = split_arn("arn:aws:kms:eu-west-1:111122223333:");
  REQUIRE(bare);
  CHECK(bare->resource.empty());
}

TEST_CASE("split_arn refuses what is not an ARN", "[model][arn]") {
  CHECK_FALSE(split_arn(""));
  CHECK_FALSE(split_arn("arn:aws:kms:eu-west-1:111122223333")); // five fields
  CHECK_FALSE(split_arn("urn:aws:kms:eu-west-1:111122223333:key/1"));
  CHECK_FALSE(split_arn("ARN:aws:kms:eu-west-1:111122223333:key/1"));
  CHECK_FALSE(split_arn("111122223333"));
}

TEST_CASE("is_account_id accepts twelve digits only", "[model][arn]") {
  CHECK(is_account_id("111122223333"));
  CHECK(is_account_id("000000000000"));
  CHECK_FALSE(is_account_id("11112222333"));
  CHECK_FALSE(is_account_id("1111222233334"));
  CHECK_FALSE(is_account_id("11112222333a"));
  CHECK_FALSE(is_account_id(" 11112222333"));
  CHECK_FALSE(is_account_id(""));
}
