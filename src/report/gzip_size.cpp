#include "report/gzip_size.hpp"

#include <algorithm>
#include <stdexcept>

namespace tfkms::report {

namespace {

// The text is deflated raw (a negative window size: no header, no trailer) and the gzip
// wrapper's fixed size added: gzip's deflate stream is the same raw stream, and its 10-byte header
// (no file name, no extra field) and 8-byte trailer (CRC-32, length) are all it adds (RFC 1952
// section 2.3). The CRC-32 of the whole text, which nothing here reads, is then never computed.
constexpr int k_raw_window = -15; // 32 KB window
constexpr std::size_t k_gzip_wrapper = 10 + 8;
constexpr std::size_t k_chunk = 64 * 1024;

} // namespace

GzipBuffer::GzipBuffer(std::size_t limit, int level) : m_limit(limit) {
  if (deflateInit2(&m_stream, level, Z_DEFLATED, k_raw_window, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib: cannot initialise deflate");
  }
  // zlib guarantees deflateBound(n) for any n bytes at these settings; it grows with n, so the
  // longest text it keeps within the limit is found by bisection.
  const auto bound = [this](std::size_t size) {
    return static_cast<std::size_t>(deflateBound(&m_stream, static_cast<uLong>(size))) +
           k_gzip_wrapper;
  };
  m_compressing = bound(0) > limit;
  for (std::size_t low = 0, high = limit; !m_compressing && low < high;) {
    const std::size_t middle = low + (high - low + 1) / 2;
    if (bound(middle) <= limit)
      low = m_plain_limit = middle;
    else
      high = middle - 1;
  }
  if (m_compressing)
    setp(m_input.data(), m_input.data() + m_input.size());
  else
    hold_new_block();
}

GzipBuffer::~GzipBuffer() { deflateEnd(&m_stream); }

std::size_t GzipBuffer::uncompressed_size() const {
  return m_uncompressed_size + static_cast<std::size_t>(pptr() - pbase());
}

bool GzipBuffer::finish() {
  if (!m_finished) {
    take_pending(true);
    m_finished = true;
  }
  return m_within_limit;
}

std::optional<std::size_t> GzipBuffer::compressed_size() const {
  if (!m_finished || !m_compressing)
    return std::nullopt;
  return m_compressed_size + k_gzip_wrapper;
}

GzipBuffer::int_type GzipBuffer::overflow(int_type byte) {
  if (m_finished)
    return traits_type::eof();
  take_pending(false);
  if (!traits_type::eq_int_type(byte, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(byte);
    pbump(1);
  }
  return traits_type::not_eof(byte);
}

int GzipBuffer::sync() { return 0; } // taken on overflow and finish(); nothing to hand on

GzipBuffer::pos_type GzipBuffer::seekoff(off_type offset, std::ios_base::seekdir direction,
                                         std::ios_base::openmode which) {
  if (offset != 0 || direction != std::ios_base::cur || (which & std::ios_base::out) == 0)
    return pos_type(off_type(-1));
  return pos_type(static_cast<off_type>(uncompressed_size()));
}

void GzipBuffer::take_pending(bool last) {
  const auto pending = static_cast<std::size_t>(pptr() - pbase());
  if (!m_compressing && m_uncompressed_size + pending <= m_plain_limit) {
    m_uncompressed_size += pending;
    if (!last)
      hold_new_block();
    return;
  }
  if (!m_compressing) { // the text outgrew what surely fits: compress it from its start
    m_compressing = true;
    for (std::size_t i = 0; i + 1 < m_held.size(); ++i)
      deflate_bytes(m_held[i].get(), k_chunk, Z_NO_FLUSH);
  }
  deflate_bytes(pbase(), pending, last ? Z_FINISH : Z_NO_FLUSH);
  m_uncompressed_size += pending;
  m_held.clear();
  setp(m_input.data(), m_input.data() + m_input.size());
}

void GzipBuffer::hold_new_block() {
  m_held.push_back(std::make_unique_for_overwrite<char[]>(k_chunk));
  setp(m_held.back().get(), m_held.back().get() + k_chunk);
}

void GzipBuffer::deflate_bytes(const char* bytes, std::size_t size, int flush) {
  m_stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes));
  m_stream.avail_in = static_cast<uInt>(size);
  std::array<unsigned char, k_chunk> chunk{};
  int status = Z_OK;
  do {
    m_stream.next_out = chunk.data();
    m_stream.avail_out = static_cast<uInt>(chunk.size());
    status = deflate(&m_stream, flush);
    if (status == Z_STREAM_ERROR)
      throw std::runtime_error("zlib: deflate failed");
    const std::size_t produced = chunk.size() - m_stream.avail_out;
    m_compressed_size += produced;
    if (m_within_limit && m_compressed_size + k_gzip_wrapper > m_limit) {
      m_within_limit = false;
      std::string().swap(m_compressed);
    }
    if (m_within_limit)
      m_compressed.append(reinterpret_cast<const char*>(chunk.data()), produced);
  } while (m_stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END));
}

void GzipBuffer::replay(std::ostream& out) const {
  if (!within_limit())
    throw std::logic_error("gzip: replay of an unfinished stream or one over its limit");
  if (!m_compressing) {
    std::size_t left = m_uncompressed_size;
    for (const std::unique_ptr<char[]>& block : m_held) {
      const std::size_t size = std::min(left, k_chunk);
      out.write(block.get(), static_cast<std::streamsize>(size));
      left -= size;
    }
    return;
  }
  z_stream stream{};
  if (inflateInit2(&stream, k_raw_window) != Z_OK)
    throw std::runtime_error("zlib: cannot initialise inflate");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(m_compressed.data()));
  stream.avail_in = static_cast<uInt>(m_compressed.size());
  std::array<char, k_chunk> chunk{};
  int status = Z_OK;
  while (status != Z_STREAM_END) {
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

std::size_t gzip_size(std::string_view text, int level) {
  GzipBuffer buffer(0, level); // nothing is within 0 bytes: the text is compressed and counted
  buffer.sputn(text.data(), static_cast<std::streamsize>(text.size()));
  buffer.finish();
  return buffer.compressed_size().value();
}

} // namespace tfkms::report
