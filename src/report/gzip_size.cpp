#include "report/gzip_size.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace tfkms::report {

std::size_t gzip_size(std::string_view text) {
  z_stream stream{};
  constexpr int k_gzip_window = 15 + 16; // 32 KB window, gzip header and trailer
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, k_gzip_window, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib: cannot initialise deflate");
  }
  std::array<unsigned char, 64 * 1024> chunk{};
  std::size_t total = 0;
  std::size_t offset = 0;
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    // zlib counts in uInt: feed at most 1 GiB at a time.
    const std::size_t feed = std::min<std::size_t>(text.size() - offset, std::size_t{1} << 30);
    if (stream.avail_in == 0 && feed > 0) {
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data() + offset));
      stream.avail_in = static_cast<uInt>(feed);
      offset += feed;
    }
    stream.next_out = chunk.data();
    stream.avail_out = static_cast<uInt>(chunk.size());
    status = deflate(&stream, offset == text.size() ? Z_FINISH : Z_NO_FLUSH);
    if (status == Z_STREAM_ERROR) {
      deflateEnd(&stream);
      throw std::runtime_error("zlib: deflate failed");
    }
    total += chunk.size() - stream.avail_out;
  }
  deflateEnd(&stream);
  return total;
}

} // namespace tfkms::report
