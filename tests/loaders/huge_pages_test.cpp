#include "loaders/huge_pages.hpp"

#include <catch2/catch.hpp>

using tfkms::loaders::free_bytes_in_huge_blocks;
using tfkms::loaders::huge_pages_pay;

namespace {

constexpr std::size_t k_page = 4096;
constexpr std::size_t k_huge = std::size_t{2} << 20; // order 9 of 4 KB pages
constexpr std::size_t k_mb = std::size_t{1} << 20;

} // namespace

TEST_CASE("free huge blocks are counted from every zone, from the huge page's order up",
          "[loaders][huge_pages]") {
  // Orders 0 to 10; order 9 is 2 MB, order 10 4 MB.
  const std::string buddyinfo = "Node 0, zone      DMA      0      0      0      0      0      0   "
                                "   0      0      1      1      3 \n"
                                "Node 0, zone    DMA32      0      4      2      2      1      2   "
                                "   0      3      3      1    753 \n"
                                "Node 0, zone   Normal  22149  16435   4494     12     13     10   "
                                "  16     19     19     17    109 \n";
  const std::size_t expected = (1 + 1 + 17) * k_huge + (3 + 753 + 109) * 2 * k_huge;
  CHECK(free_bytes_in_huge_blocks(buddyinfo, k_page, k_huge) == expected);
  // Blocks below the huge page's size do not count, however many.
  CHECK(free_bytes_in_huge_blocks("Node 0, zone Normal 100000 50000\n", k_page, k_huge) == 0);
  // What cannot be read counts as nothing free.
  CHECK(free_bytes_in_huge_blocks("", k_page, k_huge) == 0);
  CHECK(free_bytes_in_huge_blocks("no zones here\n", k_page, k_huge) == 0);
}

TEST_CASE("huge pages pay for large inputs only while free blocks are plenty",
          "[loaders][huge_pages]") {
  const std::size_t plenty = std::size_t{4} << 30;
  CHECK(huge_pages_pay(63 * k_mb, plenty));
  CHECK(huge_pages_pay(8 * k_mb, plenty));
  CHECK_FALSE(huge_pages_pay(6 * k_mb, plenty)); // a small input: 2 MB pages cost it memory
  // Free blocks for only a few times the input: a fault may have to wait for compaction.
  CHECK_FALSE(huge_pages_pay(63 * k_mb, 3 * 63 * k_mb));
  CHECK(huge_pages_pay(63 * k_mb, 8 * 63 * k_mb));
  CHECK_FALSE(huge_pages_pay(63 * k_mb, 0));
}
