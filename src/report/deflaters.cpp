#include "report/deflaters.hpp"

#include "report/fixed_deflate.hpp"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace tfkms::report::detail {

void Deflater::write(const char* bytes, std::size_t size) {
  while (size > 0) {
    const std::span<char> free = room();
    const std::size_t taken = std::min(size, free.size());
    std::memcpy(free.data(), bytes, taken);
    commit(taken, false);
    bytes += taken;
    size -= taken;
  }
}

void Deflater::count(const char* bytes, std::size_t size) {
  tally(size);
  if (m_within_limit)
    m_kept.append(bytes, size);
}

void Deflater::tally(std::size_t size) {
  m_compressed_size += size;
  if (m_within_limit && m_compressed_size > m_limit) {
    m_within_limit = false;
    std::string().swap(m_kept);
  }
}

namespace {

constexpr std::size_t k_zlib_chunk = 64 * 1024;
constexpr int k_raw_window = -15; // 32 KB window, no zlib or gzip wrapper

class ZlibDeflater final : public Deflater {
public:
  explicit ZlibDeflater(std::size_t limit) : Deflater(limit) {
    if (deflateInit2(&m_stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, k_raw_window, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("zlib: cannot initialise deflate");
  }
  ~ZlibDeflater() override { deflateEnd(&m_stream); }
  ZlibDeflater(const ZlibDeflater&) = delete;
  ZlibDeflater& operator=(const ZlibDeflater&) = delete;

  std::span<char> room() override { return m_input; }

  void commit(std::size_t size, bool last) override {
    const int flush = last ? Z_FINISH : Z_NO_FLUSH;
    m_stream.next_in = reinterpret_cast<Bytef*>(m_input.data());
    m_stream.avail_in = static_cast<uInt>(size);
    std::array<unsigned char, k_zlib_chunk> out{};
    int status = Z_OK;
    do {
      m_stream.next_out = out.data();
      m_stream.avail_out = static_cast<uInt>(out.size());
      status = deflate(&m_stream, flush);
      if (status == Z_STREAM_ERROR)
        throw std::runtime_error("zlib: deflate failed");
      count(reinterpret_cast<const char*>(out.data()), out.size() - m_stream.avail_out);
    } while (m_stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END));
  }

  void replay(std::ostream& out) const override {
    if (!within_limit())
      throw std::logic_error("zlib: replay of a stream over its limit");
    z_stream stream{};
    if (inflateInit2(&stream, k_raw_window) != Z_OK)
      throw std::runtime_error("zlib: cannot initialise inflate");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(kept().data()));
    stream.avail_in = static_cast<uInt>(kept().size());
    std::array<char, k_zlib_chunk> chunk{};
    for (int status = Z_OK; status != Z_STREAM_END;) {
      stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
      stream.avail_out = static_cast<uInt>(chunk.size());
      status = inflate(&stream, Z_NO_FLUSH);
      if (status != Z_OK && status != Z_STREAM_END) {
        inflateEnd(&stream);
        throw std::runtime_error("zlib: inflate failed");
      }
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size() - stream.avail_out));
    }
    inflateEnd(&stream);
  }

private:
  z_stream m_stream{};
  std::array<char, k_zlib_chunk> m_input{};
};

class PiecewiseDeflater final : public Deflater {
public:
  PiecewiseDeflater(std::size_t limit, Keep keep)
      : Deflater(limit), m_keep(keep), m_input(std::make_unique_for_overwrite<char[]>(k_piece)),
        m_output(keep == Keep::compressed
                     ? std::make_unique_for_overwrite<char[]>(FixedDeflate::bound(k_piece))
                     : nullptr) {}

  std::span<char> room() override { return {m_input.get() + m_filled, k_piece - m_filled}; }

  void commit(std::size_t size, bool last) override {
    m_filled += size;
    // A text that ends with a full piece needs no empty one after it; an empty text needs one.
    const bool nothing_left = last && m_filled == 0 && !m_pieces.empty();
    if ((m_filled < k_piece && !last) || nothing_left)
      return;
    compress({m_input.get(), m_filled});
    m_filled = 0;
  }

  void write(const char* bytes, std::size_t size) override {
    for (; m_filled == 0 && size >= k_piece; bytes += k_piece, size -= k_piece)
      compress({bytes, k_piece});
    Deflater::write(bytes, size);
  }

  void replay(std::ostream& out) const override {
    if (!within_limit() || m_keep == Keep::nothing)
      throw std::logic_error("deflate: replay of pieces over their limit or only counted");
    const std::unique_ptr<libdeflate_decompressor, FreeDecompressor> decompressor(
        libdeflate_alloc_decompressor());
    if (!decompressor)
      throw std::runtime_error("libdeflate: cannot allocate a decompressor");
    const auto text = std::make_unique_for_overwrite<char[]>(k_piece);
    std::size_t at = 0;
    for (const Piece& piece : m_pieces) {
      if (libdeflate_deflate_decompress(decompressor.get(), kept().data() + at, piece.compressed,
                                        text.get(), piece.text, nullptr) != LIBDEFLATE_SUCCESS)
        throw std::runtime_error("libdeflate: decompression failed");
      out.write(text.get(), static_cast<std::streamsize>(piece.text));
      at += piece.compressed;
    }
  }

private:
  void compress(std::string_view piece) {
    std::size_t written = 0;
    if (m_keep == Keep::compressed) {
      written = m_compressor.compress(piece, {m_output.get(), FixedDeflate::bound(k_piece)});
      count(m_output.get(), written);
    } else {
      written = m_compressor.compressed_size(piece);
      tally(written);
    }
    m_pieces.push_back({written, piece.size()});
  }

  struct FreeDecompressor {
    void operator()(libdeflate_decompressor* decompressor) const {
      libdeflate_free_decompressor(decompressor);
    }
  };
  struct Piece {
    std::size_t compressed = 0;
    std::size_t text = 0;
  };

  Keep m_keep;
  FixedDeflate m_compressor;
  std::unique_ptr<char[]> m_input;
  std::size_t m_filled = 0;
  /// Where a piece is compressed to. Not zeroed: a short text never needs it (zeroing it was 280
  /// page faults on every SARIF log written to a pipe), and the encoder only writes to it.
  std::unique_ptr<char[]> m_output;
  std::vector<Piece> m_pieces;
};

} // namespace

std::unique_ptr<Deflater> zlib_deflater(std::size_t limit) {
  return std::make_unique<ZlibDeflater>(limit);
}

std::unique_ptr<Deflater> piecewise_deflater(std::size_t limit, Keep keep) {
  return std::make_unique<PiecewiseDeflater>(limit, keep);
}

} // namespace tfkms::report::detail
