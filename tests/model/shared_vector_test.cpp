#include "model/shared_vector.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

namespace {

using tfkms::model::SharedVector;

TEST_CASE("copies of a shared vector read the same elements until one changes them",
          "[model][shared_vector]") {
  SharedVector<std::string> original{"a", "b"};
  const SharedVector<std::string> copy = original;
  CHECK(&copy.items() == &std::as_const(original).items());

  original.push_back("c");
  CHECK(original.size() == 3);
  CHECK(copy.items() == std::vector<std::string>{"a", "b"});

  SharedVector<std::string> second = copy;
  second[0] = "changed";
  CHECK(second.front() == "changed");
  CHECK(copy.front() == "a");
}

TEST_CASE("an empty or moved-from shared vector reads as empty and can grow",
          "[model][shared_vector]") {
  SharedVector<int> numbers;
  CHECK(numbers.empty());
  CHECK(std::as_const(numbers).begin() == std::as_const(numbers).end());
  numbers.emplace_back(1);
  const SharedVector<int> moved = std::move(numbers);
  CHECK(moved.size() == 1);
  CHECK(numbers.empty()); // a moved-from vector is empty, as a std::vector would be
  numbers.push_back(2);
  CHECK(numbers.back() == 2);
}

} // namespace
