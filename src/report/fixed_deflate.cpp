#include "report/fixed_deflate.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace tfkms::report::detail {

namespace {

constexpr unsigned k_hash_bits = 15; // 128 KB of positions: stays in the L2 cache
constexpr std::size_t k_window = 32 * 1024;
constexpr std::size_t k_longest_match = 258;
constexpr std::size_t k_longest_stored_block = 65'535;
constexpr std::size_t k_stored_block_header = 5; // a byte of block type, LEN and NLEN

/// A Huffman code (or a code with its extra bits) as written: bit-reversed, since DEFLATE packs
/// codes from their most significant bit into bytes filled from the least significant one.
struct Code {
  std::uint32_t bits = 0;
  std::uint32_t length = 0;
};

constexpr unsigned reversed(unsigned code, unsigned length) {
  unsigned out = 0;
  for (unsigned i = 0; i < length; ++i, code >>= 1)
    out = (out << 1) | (code & 1U);
  return out;
}

/// The fixed code of a literal/length symbol (RFC 1951 section 3.2.6).
constexpr Code fixed_code(unsigned symbol) {
  if (symbol < 144)
    return {reversed(0x30 + symbol, 8), 8};
  if (symbol < 256)
    return {reversed(0x190 + symbol - 144, 9), 9};
  if (symbol < 280)
    return {reversed(symbol - 256, 7), 7};
  return {reversed(0xC0 + symbol - 280, 8), 8};
}

// Lengths 3..258 as symbols 257..285 with extra bits, distances 1..32768 as codes 0..29.
constexpr std::array<unsigned, 29> k_length_base{3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                                 15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                                 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<unsigned, 29> k_length_extra{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<unsigned, 30> k_distance_base{
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<unsigned, 30> k_distance_extra{0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
                                                    4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
                                                    9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

struct Tables {
  std::array<Code, 256> literal{};
  std::array<Code, k_longest_match + 1> length{}; ///< symbol and extra bits, by match length
  /// Distance code by distance - 1 below 256, and by 256 + (distance - 1) / 128 above: every
  /// code past 256 starts one after a multiple of 128 (zlib's table has the same shape).
  std::array<std::uint8_t, 512> distance_code{};

  Tables() {
    for (unsigned symbol = 0; symbol < 256; ++symbol)
      literal[symbol] = fixed_code(symbol);
    for (unsigned code = 0; code < k_length_base.size(); ++code) {
      const unsigned end = code + 1 < k_length_base.size() ? k_length_base[code + 1] : 259;
      const Code symbol = fixed_code(257 + code);
      for (unsigned match = k_length_base[code]; match < end; ++match) {
        length[match] = {symbol.bits | ((match - k_length_base[code]) << symbol.length),
                         symbol.length + k_length_extra[code]};
      }
    }
    for (unsigned code = 0; code < k_distance_base.size(); ++code) {
      const unsigned end = code + 1 < k_distance_base.size() ? k_distance_base[code + 1] : 32769;
      for (unsigned distance = k_distance_base[code]; distance < end; ++distance)
        distance_code[distance_index(distance)] = static_cast<std::uint8_t>(code);
    }
  }

  static std::size_t distance_index(std::size_t distance) {
    return distance <= 256 ? distance - 1 : 256 + ((distance - 1) >> 7);
  }

  /// A match's length and distance as written: 31 bits at most.
  [[nodiscard]] Code match(std::size_t match_length, std::size_t distance) const {
    const Code length_code = length[match_length];
    const unsigned code = distance_code[distance_index(distance)];
    const auto distance_bits =
        static_cast<std::uint32_t>(reversed(code, 5) | ((distance - k_distance_base[code]) << 5));
    return {length_code.bits | (distance_bits << length_code.length),
            length_code.length + 5 + k_distance_extra[code]};
  }
};

const Tables& tables() {
  static const Tables built;
  return built;
}

/// Writes bits from the least significant end, a whole word at a time: at most 7 bits wait, and
/// each put() stores 8 bytes, so the output needs 8 bytes of room past its end.
class BitWriter {
public:
  explicit BitWriter(char* out) : m_start(out), m_out(out) {}

  void put(std::uint64_t bits, unsigned length) {
    m_waiting |= bits << m_waiting_length;
    m_waiting_length += length;
    std::memcpy(m_out, &m_waiting, sizeof m_waiting);
    m_out += m_waiting_length / 8;
    m_waiting >>= m_waiting_length & ~7U;
    m_waiting_length &= 7U;
  }

  /// Pads the last byte with zero bits; returns the bytes written.
  std::size_t finish() {
    if (m_waiting_length > 0)
      *m_out++ = static_cast<char>(m_waiting);
    return static_cast<std::size_t>(m_out - m_start);
  }

private:
  char* m_start;
  char* m_out;
  std::uint64_t m_waiting = 0;
  unsigned m_waiting_length = 0;
};

std::uint32_t load32(const char* at) {
  std::uint32_t value = 0;
  std::memcpy(&value, at, sizeof value);
  return value;
}

std::uint64_t load64(const char* at) {
  std::uint64_t value = 0;
  std::memcpy(&value, at, sizeof value);
  return value;
}

std::uint32_t hash(std::uint32_t four_bytes) {
  return (four_bytes * 2654435761U) >> (32 - k_hash_bits); // Knuth's multiplicative hash
}

/// Sixteen bytes as two little-endian words; GCC's vector extensions compile to SSE2 on x86-64 and
/// to NEON on AArch64.
using Words = std::uint64_t __attribute__((vector_size(16)));

Words load128(const char* at) {
  Words value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

/// Of two words that differ somewhere, how many bytes are equal before they do.
std::size_t equal_bytes(const Words& differ) {
  return differ[0] != 0 ? static_cast<std::size_t>(__builtin_ctzll(differ[0]) / 8)
                        : 8 + static_cast<std::size_t>(__builtin_ctzll(differ[1]) / 8);
}

/// How many bytes from `a` and `b` on are equal, up to `most`. A log's matches run long: 32 bytes
/// are compared a step, and where they differ is found in the step's first or second half. Inlined:
/// a log has a match every 70 bytes, and a call per match showed.
[[gnu::always_inline]] inline std::size_t common_length(const char* a, const char* b,
                                                        std::size_t most) {
  std::size_t length = 0;
  for (; length + 32 <= most; length += 32) {
    const Words first = load128(a + length) ^ load128(b + length);
    const Words second = load128(a + length + 16) ^ load128(b + length + 16);
    const Words either = first | second;
    if ((either[0] | either[1]) == 0)
      continue;
    if ((first[0] | first[1]) != 0)
      return length + equal_bytes(first);
    return length + 16 + equal_bytes(second);
  }
  while (length + 8 <= most) {
    const std::uint64_t differ = load64(a + length) ^ load64(b + length);
    if (differ != 0)
      return length + static_cast<std::size_t>(__builtin_ctzll(differ) / 8); // little-endian
    length += 8;
  }
  while (length < most && a[length] == b[length])
    ++length;
  return length;
}

std::size_t stored_size(std::size_t size) {
  const std::size_t blocks =
      std::max<std::size_t>(1, (size + k_longest_stored_block - 1) / k_longest_stored_block);
  return size + blocks * k_stored_block_header;
}

std::size_t write_stored(std::string_view text, char* out) {
  char* at = out;
  std::size_t done = 0;
  do {
    const std::size_t length = std::min(text.size() - done, k_longest_stored_block);
    const bool last = done + length == text.size();
    *at++ = static_cast<char>(last ? 1 : 0); // BFINAL, then BTYPE 00; the rest of the byte is 0
    const auto bytes = static_cast<std::uint16_t>(length);
    const auto complement = static_cast<std::uint16_t>(~bytes);
    const std::array<char, 4> lengths{
        static_cast<char>(bytes & 0xFF), static_cast<char>(bytes >> 8),
        static_cast<char>(complement & 0xFF), static_cast<char>(complement >> 8)};
    at = std::copy(lengths.begin(), lengths.end(), at);
    at = std::copy_n(text.data() + done, length, at);
    done += length;
  } while (done < text.size());
  return static_cast<std::size_t>(at - out);
}

} // namespace

FixedDeflate::FixedDeflate()
    : m_last_seen(std::make_unique<std::uint32_t[]>(std::size_t{1} << k_hash_bits)) {}

std::size_t FixedDeflate::bound(std::size_t size) {
  // Fixed codes: 9 bits for a literal at most, 10 bits of block header and end; or stored
  // blocks, 5 bytes for each 65,535; and the 8 bytes BitWriter stores past its end.
  return size + size / 8 + 64;
}

namespace {

/// Counts the bits a BitWriter would write, writing none.
class BitCounter {
public:
  void put(std::uint64_t /*bits*/, unsigned length) { m_bits += length; }
  [[nodiscard]] std::size_t finish() const { return (m_bits + 7) / 8; }

private:
  std::size_t m_bits = 0;
};

/// Encodes `text` as one block of fixed codes into `bits` (a BitWriter or a BitCounter).
/// `last_seen`: the hash table, 2^k_hash_bits entries.
template <class Bits>
void encode_fixed(std::string_view text, std::uint32_t* last_seen, Bits& bits) {
  if (text.size() >= std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("deflate: a text of 4 GB or more");
  const Tables& codes = tables();
  std::fill_n(last_seen, std::size_t{1} << k_hash_bits, 0U);
  const char* const begin = text.data();

  bits.put(0b011, 3); // BFINAL 1, BTYPE 01: the last block, fixed codes
  std::size_t at = 0;
  // Four bytes are hashed at `at`, and the end of a match is hashed: 4 bytes before the end stay.
  const std::size_t last_search = text.size() >= 4 ? text.size() - 4 : 0;
  while (at < last_search) {
    const std::uint32_t four = load32(begin + at);
    std::uint32_t& seen = last_seen[hash(four)];
    const std::size_t candidate = seen; // position + 1
    seen = static_cast<std::uint32_t>(at + 1);
    const std::size_t distance = at + 1 - candidate;
    if (candidate == 0 || distance > k_window || load32(begin + candidate - 1) != four) {
      const Code literal = codes.literal[static_cast<unsigned char>(begin[at])];
      bits.put(literal.bits, literal.length);
      ++at;
      continue;
    }
    const std::size_t most = std::min(k_longest_match, text.size() - at);
    const std::size_t length =
        4 + common_length(begin + candidate - 1 + 4, begin + at + 4, most - 4);
    const Code match = codes.match(length, distance);
    bits.put(match.bits, match.length);
    at += length;
    if (at < last_search)
      last_seen[hash(load32(begin + at - 2))] = static_cast<std::uint32_t>(at - 2 + 1);
  }
  for (; at < text.size(); ++at) {
    const Code literal = codes.literal[static_cast<unsigned char>(begin[at])];
    bits.put(literal.bits, literal.length);
  }
  bits.put(0, 7); // end of block: symbol 256 is seven zero bits
}

} // namespace

std::size_t FixedDeflate::compress(std::string_view text, std::span<char> out) {
  if (out.size() < bound(text.size()))
    throw std::length_error("deflate: output shorter than the bound");
  BitWriter bits(out.data());
  encode_fixed(text, m_last_seen.get(), bits);
  const std::size_t written = bits.finish();
  if (written <= stored_size(text.size()))
    return written;
  return write_stored(text, out.data());
}

std::size_t FixedDeflate::compressed_size(std::string_view text) {
  BitCounter bits;
  encode_fixed(text, m_last_seen.get(), bits);
  return std::min(bits.finish(), stored_size(text.size()));
}

} // namespace tfkms::report::detail
