#pragma once
// Transparent huge pages for the memory a large input makes tfkms touch, when the kernel has them
// free.
//
// A plan of tens of MB makes the index, the value trees and the analysis touch a hundred MB of
// fresh memory, a page fault each 4 KB: a tenth of `check`'s CPU on the 63 MB synthetic plan. 2 MB
// pages take 1/512 of the faults. With the kernel's usual `defrag=madvise`, though, a fault in
// memory advised for huge pages compacts memory when no free 2 MB block is left, which stalled runs
// for up to a second: huge pages are asked for only while free blocks cover many times the input.
#include <cstddef>
#include <string_view>

namespace tfkms::loaders {

/// Bytes free in blocks of at least `huge_page_bytes`, from the text of /proc/buddyinfo: a line per
/// zone ("Node 0, zone   Normal" then the free blocks of 2^order pages for each order from 0).
/// `page_bytes`: an order-0 page.
[[nodiscard]] std::size_t free_bytes_in_huge_blocks(std::string_view buddyinfo,
                                                    std::size_t page_bytes,
                                                    std::size_t huge_page_bytes);

/// Whether huge pages pay for reading `input_bytes`, with `free_huge_bytes` free in huge blocks:
/// the input is large enough for the faults to matter, and the free blocks are many times what the
/// run will touch, so that no fault waits for compaction.
[[nodiscard]] bool huge_pages_pay(std::size_t input_bytes, std::size_t free_huge_bytes);

/// Asks mimalloc, when it is the allocator, for huge pages from now on, and advises the mapping it
/// has been taking small objects from likewise, when huge_pages_pay says so for this kernel's free
/// memory; otherwise, and where /proc or /sys cannot tell, does nothing.
void prefer_huge_pages(std::size_t input_bytes);

} // namespace tfkms::loaders
