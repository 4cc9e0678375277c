#include "policy/match.hpp"

#include "model/value.hpp"

#include <algorithm>

namespace tfkms::policy {

std::string encode_wildcards(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '*')
      c = k_any;
    else if (c == '?')
      c = k_one;
  }
  return out;
}

namespace {

char fold(char c, Case letter_case) {
  return letter_case == Case::insensitive ? lower_ascii(c) : c;
}

// `segment` holds no k_any; k_one matches any one character.
bool segment_equals(std::string_view segment, std::string_view text, Case letter_case) {
  if (segment.size() != text.size())
    return false;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != k_one && fold(segment[i], letter_case) != fold(text[i], letter_case))
      return false;
  }
  return true;
}

// Leftmost position >= `from` where `segment` matches inside text[..limit), or npos.
std::size_t find_segment(std::string_view segment, std::string_view text, std::size_t from,
                         std::size_t limit, Case letter_case) {
  if (segment.size() > limit)
    return std::string_view::npos;
  for (std::size_t pos = from; pos + segment.size() <= limit; ++pos) {
    if (segment_equals(segment, text.substr(pos, segment.size()), letter_case))
      return pos;
  }
  return std::string_view::npos;
}

} // namespace

bool wildcard_match(std::string_view pattern, std::string_view text, Case letter_case) {
  const std::size_t first_star = pattern.find(k_any);
  if (first_star == std::string_view::npos)
    return segment_equals(pattern, text, letter_case);

  const std::string_view head = pattern.substr(0, first_star);
  const std::size_t last_star = pattern.rfind(k_any);
  const std::string_view tail = pattern.substr(last_star + 1);
  if (head.size() + tail.size() > text.size())
    return false;
  if (!segment_equals(head, text.substr(0, head.size()), letter_case))
    return false;
  const std::size_t tail_start = text.size() - tail.size();
  if (!segment_equals(tail, text.substr(tail_start), letter_case))
    return false;

  // Middle runs: greedy leftmost placement is optimal for globs (a later placement never helps).
  std::size_t pos = head.size();
  std::size_t star = first_star;
  while (star < last_star) {
    const std::size_t next = pattern.find(k_any, star + 1);
    const std::string_view run = pattern.substr(star + 1, next - star - 1);
    star = next;
    if (run.empty())
      continue;
    const std::size_t found = find_segment(run, text, pos, tail_start, letter_case);
    if (found == std::string_view::npos)
      return false;
    pos = found + run.size();
  }
  return true;
}

bool arn_match(std::string_view encoded_pattern, std::string_view arn) {
  // A pattern that is only `*` matches any ARN (it has a single component).
  if (encoded_pattern.size() == 1 && encoded_pattern[0] == k_any)
    return true;
  const auto pattern = split_arn(encoded_pattern);
  const auto value = split_arn(arn);
  if (!pattern || !value)
    return false;
  return wildcard_match(pattern->partition, value->partition, Case::sensitive) &&
         wildcard_match(pattern->service, value->service, Case::sensitive) &&
         wildcard_match(pattern->region, value->region, Case::sensitive) &&
         wildcard_match(pattern->account, value->account, Case::sensitive) &&
         wildcard_match(pattern->resource, value->resource, Case::sensitive);
}

bool resource_match(std::string_view encoded_pattern, std::string_view resource) {
  if (encoded_pattern.size() == 1 && encoded_pattern[0] == k_any)
    return true;
  const auto pattern = split_arn(encoded_pattern);
  const auto value = split_arn(resource);
  if (!pattern || !value)
    return encoded_pattern == resource;
  return wildcard_match(pattern->partition, value->partition, Case::insensitive) &&
         wildcard_match(pattern->service, value->service, Case::insensitive) &&
         wildcard_match(pattern->region, value->region, Case::insensitive) &&
         wildcard_match(pattern->account, value->account, Case::insensitive) &&
         wildcard_match(pattern->resource, value->resource, Case::sensitive);
}

bool is_account_id(std::string_view text) {
  // The deployment account when no input names it (model/value.hpp) is an account like any other.
  return text == model::k_this_account || model::is_account_id(text);
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = lower_ascii(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower_ascii(x) == lower_ascii(y);
         });
}

} // namespace tfkms::policy
