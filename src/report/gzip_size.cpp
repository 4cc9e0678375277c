#include "report/gzip_size.hpp"

#include <stdexcept>

namespace tfkms::report {

namespace {

constexpr int k_gzip_window = 15 + 16; // 32 KB window, gzip header and trailer
constexpr std::size_t k_chunk = 64 * 1024;

} // namespace

GzipBuffer::GzipBuffer(std::size_t keep_limit) : m_keep_limit(keep_limit) {
  if (deflateInit2(&m_stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, k_gzip_window, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib: cannot initialise deflate");
  }
  setp(m_input.data(), m_input.data() + m_input.size());
}

GzipBuffer::~GzipBuffer() { deflateEnd(&m_stream); }

std::size_t GzipBuffer::uncompressed_size() const {
  return m_uncompressed_size + static_cast<std::size_t>(pptr() - pbase());
}

std::size_t GzipBuffer::finish() {
  if (!m_finished) {
    deflate_pending(Z_FINISH);
    m_finished = true;
  }
  return m_compressed_size;
}

GzipBuffer::int_type GzipBuffer::overflow(int_type byte) {
  if (m_finished)
    return traits_type::eof();
  deflate_pending(Z_NO_FLUSH);
  if (!traits_type::eq_int_type(byte, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(byte);
    pbump(1);
  }
  return traits_type::not_eof(byte);
}

int GzipBuffer::sync() { return 0; } // compressed on overflow and finish(); nothing to hand on

GzipBuffer::pos_type GzipBuffer::seekoff(off_type offset, std::ios_base::seekdir direction,
                                         std::ios_base::openmode which) {
  if (offset != 0 || direction != std::ios_base::cur || (which & std::ios_base::out) == 0)
    return pos_type(off_type(-1));
  return pos_type(static_cast<off_type>(uncompressed_size()));
}

void GzipBuffer::deflate_pending(int flush) {
  const auto pending = static_cast<std::size_t>(pptr() - pbase());
  m_stream.next_in = reinterpret_cast<Bytef*>(pbase());
  m_stream.avail_in = static_cast<uInt>(pending);
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
    if (m_kept && m_compressed_size > m_keep_limit) {
      m_kept = false;
      std::string().swap(m_compressed);
    }
    if (m_kept)
      m_compressed.append(reinterpret_cast<const char*>(chunk.data()), produced);
  } while (m_stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END));
  m_uncompressed_size += pending;
  setp(m_input.data(), m_input.data() + m_input.size());
}

void GzipBuffer::replay(std::ostream& out) const {
  if (!m_finished || !m_kept)
    throw std::logic_error("gzip: replay of an unfinished or discarded stream");
  z_stream stream{};
  if (inflateInit2(&stream, k_gzip_window) != Z_OK)
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

std::size_t gzip_size(std::string_view text) {
  GzipBuffer buffer(0);
  buffer.sputn(text.data(), static_cast<std::streamsize>(text.size()));
  return buffer.finish();
}

} // namespace tfkms::report
