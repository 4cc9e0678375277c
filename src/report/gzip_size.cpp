#include "report/gzip_size.hpp"

#include "report/deflaters.hpp"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace tfkms::report {

namespace {

// The text is deflated raw (no header, no trailer) and the gzip wrapper's fixed size added: gzip's
// deflate stream is the same raw stream, and its 10-byte header (no file name, no extra field) and
// 8-byte trailer (CRC-32, length) are all it adds (RFC 1952 section 2.3). The CRC-32 of the whole
// text, which nothing here reads, is then never computed.
constexpr std::size_t k_gzip_wrapper = 10 + 8;
/// A held block is a piece of the piecewise deflater: once the text outgrows what surely fits, the
/// blocks are compressed where they lie instead of copied into the deflater first.
constexpr std::size_t k_block = detail::k_piece;

/// The longest text that zlib's deflateBound keeps within `limit` with gzip's wrapper: zlib
/// guarantees the bound for any text at gzip's settings, and it grows with the length, so the
/// length is found by bisection.
std::size_t longest_surely_within(std::size_t limit) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib: cannot initialise deflate");
  const auto bound = [&](std::size_t size) {
    return static_cast<std::size_t>(deflateBound(&stream, static_cast<uLong>(size))) +
           k_gzip_wrapper;
  };
  std::size_t longest = 0;
  for (std::size_t low = 0, high = bound(0) > limit ? 0 : limit; low < high;) {
    const std::size_t middle = low + (high - low + 1) / 2;
    if (bound(middle) <= limit)
      low = longest = middle;
    else
      high = middle - 1;
  }
  deflateEnd(&stream);
  return longest;
}

} // namespace

GzipBuffer::GzipBuffer(std::size_t limit, GzipCount count, std::streambuf* copy)
    : m_deflater(count == GzipCount::exact
                     ? detail::zlib_deflater(limit - std::min(limit, k_gzip_wrapper))
                     : detail::piecewise_deflater(limit - std::min(limit, k_gzip_wrapper),
                                                  copy == nullptr ? detail::Keep::compressed
                                                                  : detail::Keep::nothing)),
      m_copy(copy), m_plain_limit(longest_surely_within(limit)) {
  m_compressing = m_plain_limit == 0; // not even one byte surely fits
  if (m_compressing)
    put_into_deflater();
  else
    hold_new_block();
}

GzipBuffer::~GzipBuffer() = default;

std::size_t GzipBuffer::uncompressed_size() const {
  return m_uncompressed_size + static_cast<std::size_t>(pptr() - pbase());
}

bool GzipBuffer::finish() {
  if (!m_finished) {
    take_pending(true);
    m_finished = true;
  }
  return within_limit();
}

bool GzipBuffer::within_limit() const {
  return m_finished && (!m_compressing || m_deflater->within_limit());
}

std::optional<std::size_t> GzipBuffer::compressed_size() const {
  if (!m_finished || !m_compressing)
    return std::nullopt;
  return m_deflater->compressed_size() + k_gzip_wrapper;
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
  if (m_copy != nullptr)
    m_copy->sputn(pbase(), static_cast<std::streamsize>(pending));
  if (!m_compressing && m_uncompressed_size + pending <= m_plain_limit) {
    m_uncompressed_size += pending;
    if (!last)
      hold_new_block();
    return;
  }
  if (!m_compressing) { // the text outgrew what surely fits: compress it from its start
    m_compressing = true;
    for (const std::unique_ptr<char[]>& block : m_held)
      m_deflater->write(block.get(), block.get() == pbase() ? pending : k_block);
    m_held.clear();
    m_deflater->commit(0, last);
  } else {
    m_deflater->commit(pending, last);
  }
  m_uncompressed_size += pending;
  if (!last)
    put_into_deflater();
}

void GzipBuffer::hold_new_block() {
  m_held.push_back(std::make_unique_for_overwrite<char[]>(k_block));
  setp(m_held.back().get(), m_held.back().get() + k_block);
}

void GzipBuffer::put_into_deflater() {
  const std::span<char> room = m_deflater->room();
  setp(room.data(), room.data() + room.size());
}

void GzipBuffer::replay(std::ostream& out) const {
  if (!within_limit() || m_copy != nullptr)
    throw std::logic_error("gzip: replay of an unfinished stream, one over its limit or a copy");
  if (m_compressing) {
    m_deflater->replay(out);
    return;
  }
  std::size_t left = m_uncompressed_size;
  for (const std::unique_ptr<char[]>& block : m_held) {
    const std::size_t size = std::min(left, k_block);
    out.write(block.get(), static_cast<std::streamsize>(size));
    left -= size;
  }
}

std::size_t gzip_size(std::string_view text, GzipCount count) {
  GzipBuffer buffer(0, count); // nothing is within 0 bytes: the text is compressed and counted
  buffer.sputn(text.data(), static_cast<std::streamsize>(text.size()));
  buffer.finish();
  return buffer.compressed_size().value();
}

} // namespace tfkms::report
