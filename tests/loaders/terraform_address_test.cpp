// Terraform resource addresses are split on dots outside brackets and quotes only: for_each keys
// are arbitrary strings.
#include "loaders/terraform_address.hpp"

#include <catch2/catch.hpp>

using tfkms::loaders::terraform::module_of;

TEST_CASE("a resource's module is its leading module steps, keys included",
          "[loaders][terraform]") {
  CHECK(module_of("aws_kms_key.k").empty());
  CHECK(module_of("data.aws_iam_policy_document.d").empty());
  CHECK(module_of("module.a.aws_kms_key.k") == "module.a");
  CHECK(module_of("module.a[\"x\"].module.b[0].aws_kms_key.k[\"app\"]") ==
        "module.a[\"x\"].module.b[0]");
  CHECK(module_of("module.a[\"x.module.y\"].aws_kms_key.k") == "module.a[\"x.module.y\"]");
  CHECK(module_of("module.a.data.aws_region.r") == "module.a");
  // A resource may be named "module"; a step only starting with it is no module.
  CHECK(module_of("aws_kms_key.module").empty());
  CHECK(module_of("modules.a.aws_kms_key.k").empty());
  CHECK(module_of("module.a.module") == "module.a");
  // Module steps with nothing after them name no resource: no module either.
  CHECK(module_of("module.a").empty());
  CHECK(module_of("module").empty());
  CHECK(module_of("module.").empty());
}
