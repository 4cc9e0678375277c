#include "analysis/cell_space.hpp"

#include <catch2/catch.hpp>

using namespace tfkms::analysis;

namespace {

Dimension via_service() {
  Dimension dim;
  dim.key = "kms:ViaService";
  dim.values = {"ec2.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"};
  dim.probes = dim.values;
  dim.other = "tfkms-other-value";
  return dim;
}

Dimension grant_for_resource() {
  Dimension dim;
  dim.key = "kms:GrantIsForAWSResource";
  dim.values = {"true", "false"};
  dim.probes = dim.values;
  return dim;
}

template <typename Predicate>
std::vector<bool> members(const CellSpace& space, Predicate predicate) {
  std::vector<bool> out(space.size());
  CellIndex index;
  for (std::size_t cell = 0; cell < space.size(); ++cell) {
    space.decode(cell, index);
    out[cell] = predicate(index);
  }
  return out;
}

} // namespace

TEST_CASE("cells are the product of each key's named values, other value and absence",
          "[analysis]") {
  const CellSpace space({via_service(), grant_for_resource()});
  CHECK(space.size() == 4 * 3);
  CellIndex index;
  space.decode(7, index);
  CHECK(space.encode(index) == 7);
  CHECK(space.dimensions()[0].is_other(2));
  CHECK(space.dimensions()[0].is_absent(3));
  CHECK_FALSE(space.dimensions()[1].is_other(2));
  CHECK(space.dimensions()[1].is_absent(2));
}

TEST_CASE("a set that spans every cell is unconditional", "[analysis]") {
  const CellSpace space({via_service(), grant_for_resource()});
  const auto all = space.describe(std::vector<bool>(space.size(), true));
  REQUIRE(all.size() == 1);
  CHECK(all.front().unconditional());
  CHECK(space.describe(std::vector<bool>(space.size(), false)).empty());
}

TEST_CASE("keys a set does not depend on are left out of its description", "[analysis]") {
  const CellSpace space({via_service(), grant_for_resource()});
  const auto only_ec2 =
      space.describe(members(space, [](const CellIndex& i) { return i[0] == 0; }));
  REQUIRE(only_ec2.size() == 1);
  REQUIRE(only_ec2.front().all.size() == 1);
  CHECK(only_ec2.front().all.front().text() == "kms:ViaService is ec2.us-east-1.amazonaws.com");
}

TEST_CASE("conjunctions and alternatives are found", "[analysis]") {
  const CellSpace space({via_service(), grant_for_resource()});
  // (ec2 and GrantIsForAWSResource true) or absent ViaService
  const auto set =
      members(space, [](const CellIndex& i) { return (i[0] == 0 && i[1] == 0) || i[0] == 3; });
  const auto alternatives = space.describe(set);
  REQUIRE(alternatives.size() == 2);
  CHECK(text(alternatives) ==
        "kms:ViaService is ec2.us-east-1.amazonaws.com and kms:GrantIsForAWSResource is "
        "true; or kms:ViaService is absent");
}

TEST_CASE("present-with-exceptions reads naturally", "[analysis]") {
  const CellSpace space({via_service()});
  const auto any_but_s3 =
      space.describe(members(space, [](const CellIndex& i) { return i[0] == 0 || i[0] == 2; }));
  REQUIRE(any_but_s3.size() == 1);
  CHECK(any_but_s3.front().all.front().text() ==
        "kms:ViaService is any value except s3.us-east-1.amazonaws.com");
  const auto present = space.describe(members(space, [](const CellIndex& i) { return i[0] != 3; }));
  CHECK(present.front().all.front().text() == "kms:ViaService is present");
}
