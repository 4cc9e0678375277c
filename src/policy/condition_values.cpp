// Parsing of the typed condition values: numbers, dates and IP networks [IAM-CONDOPS].
#include "policy/condition.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace tfkms::policy::detail {

std::optional<double> parse_number(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  double value = 0;
  const char* first = text.data();
  if (*first == '+')
    ++first;
  const auto [end, error] = std::from_chars(first, text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

namespace {

// Reads exactly `digits` decimal digits at `pos`.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t digits) {
  if (pos + digits > text.size())
    return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c)
    return false;
  ++pos;
  return true;
}

} // namespace

std::optional<double> parse_date(std::string_view text) {
  // Epoch seconds: "Date ... ISO 8601 or epoch" [IAM-CONDOPS].
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos)
    return parse_number(text);
  std::size_t pos = 0;
  const auto year = read_digits(text, pos, 4);
  if (!year || !expect(text, pos, '-'))
    return std::nullopt;
  const auto month = read_digits(text, pos, 2);
  if (!month || !expect(text, pos, '-'))
    return std::nullopt;
  const auto day = read_digits(text, pos, 2);
  if (!day || *month < 1 || *month > 12 || *day < 1 || *day > 31)
    return std::nullopt;
  double seconds = static_cast<double>(days_from_civil(*year, static_cast<unsigned>(*month),
                                                       static_cast<unsigned>(*day))) *
                   86400.0;
  if (pos == text.size())
    return seconds;
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')
    return std::nullopt;
  ++pos;
  const auto hour = read_digits(text, pos, 2);
  if (!hour || !expect(text, pos, ':'))
    return std::nullopt;
  const auto minute = read_digits(text, pos, 2);
  if (!minute || *hour > 23 || *minute > 59)
    return std::nullopt;
  int second = 0;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    const auto s = read_digits(text, pos, 2);
    if (!s || *s > 60)
      return std::nullopt;
    second = *s;
  }
  seconds += *hour * 3600.0 + *minute * 60.0 + second;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    double scale = 0.1;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      seconds += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start)
      return std::nullopt;
  }
  if (pos == text.size())
    return seconds; // no offset: read as UTC
  if (text[pos] == 'Z' || text[pos] == 'z')
    return pos + 1 == text.size() ? std::optional<double>(seconds) : std::nullopt;
  if (text[pos] != '+' && text[pos] != '-')
    return std::nullopt;
  const int sign = text[pos] == '+' ? 1 : -1;
  ++pos;
  const auto offset_hours = read_digits(text, pos, 2);
  if (!offset_hours)
    return std::nullopt;
  if (pos < text.size() && text[pos] == ':')
    ++pos;
  const auto offset_minutes = read_digits(text, pos, 2);
  if (!offset_minutes || pos != text.size())
    return std::nullopt;
  return seconds - sign * (*offset_hours * 3600.0 + *offset_minutes * 60.0);
}

namespace {

bool parse_ipv4(std::string_view text, std::uint8_t* out) {
  std::size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0 && !expect(text, pos, '.'))
      return false;
    const std::size_t start = pos;
    unsigned value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3)
      value = value * 10 + static_cast<unsigned>(text[pos++] - '0');
    if (pos == start || value > 255)
      return false;
    out[part] = static_cast<std::uint8_t>(value);
  }
  return pos == text.size();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// RFC 4291 text form, with "::" compression and an optional trailing dotted IPv4.
bool parse_ipv6(std::string_view text, std::array<std::uint8_t, 16>& out) {
  std::array<std::uint16_t, 8> groups{};
  int count = 0;
  int gap = -1;
  std::size_t pos = 0;
  if (text.starts_with("::")) {
    gap = 0;
    pos = 2;
  }
  while (pos < text.size()) {
    if (count >= 8)
      return false;
    const std::size_t next_dot = text.find('.', pos);
    const std::size_t next_colon = text.find(':', pos);
    if (next_dot != std::string_view::npos &&
        (next_colon == std::string_view::npos || next_dot < next_colon)) {
      std::uint8_t v4[4];
      if (count > 6 || !parse_ipv4(text.substr(pos), v4))
        return false;
      groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      pos = text.size();
      break;
    }
    unsigned value = 0;
    const std::size_t start = pos;
    while (pos < text.size() && hex_value(text[pos]) >= 0 && pos - start < 4)
      value = value * 16 + static_cast<unsigned>(hex_value(text[pos++]));
    if (pos == start)
      return false;
    groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(value);
    if (pos == text.size())
      break;
    if (text[pos] != ':')
      return false;
    ++pos;
    if (pos < text.size() && text[pos] == ':') {
      if (gap >= 0)
        return false;
      gap = count;
      ++pos;
    } else if (pos == text.size()) {
      return false;
    }
  }
  if (gap < 0 && count != 8)
    return false;
  if (gap >= 0 && count >= 8)
    return false;
  std::array<std::uint16_t, 8> full{};
  if (gap < 0) {
    full = groups;
  } else {
    const int tail = count - gap;
    for (int i = 0; i < gap; ++i)
      full[static_cast<std::size_t>(i)] = groups[static_cast<std::size_t>(i)];
    for (int i = 0; i < tail; ++i)
      full[static_cast<std::size_t>(8 - tail + i)] = groups[static_cast<std::size_t>(gap + i)];
  }
  for (std::size_t i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(full[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(full[i] & 0xff);
  }
  return true;
}

} // namespace

std::optional<Cidr> parse_cidr(std::string_view text) {
  Cidr cidr;
  std::string_view address = text;
  std::optional<unsigned> prefix;
  if (const std::size_t slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    const std::string_view digits = text.substr(slash + 1);
    unsigned value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size())
      return std::nullopt;
    prefix = value;
  }
  if (address.find(':') != std::string_view::npos) {
    cidr.v6 = true;
    if (!parse_ipv6(address, cidr.address))
      return std::nullopt;
  } else if (!parse_ipv4(address, cidr.address.data())) {
    return std::nullopt;
  }
  const unsigned bits = cidr.v6 ? 128 : 32;
  cidr.prefix = prefix.value_or(bits);
  if (cidr.prefix > bits)
    return std::nullopt;
  return cidr;
}

} // namespace tfkms::policy::detail
