#include "report/reporter.hpp"

#include "report/formats.hpp"

#include <array>
#include <utility>

namespace tfkms::report {

namespace {
constexpr std::array<std::pair<std::string_view, Format>, 7> k_formats{{
    {"text", Format::text},
    {"json", Format::json},
    {"sarif", Format::sarif},
    {"github", Format::github},
    {"markdown", Format::markdown},
    {"junit", Format::junit},
    {"gitlab-sast", Format::gitlab_sast},
}};
} // namespace

std::optional<Format> parse_format(std::string_view name) {
  for (const auto& [format_name, format] : k_formats) {
    if (format_name == name)
      return format;
  }
  return std::nullopt;
}

std::unique_ptr<Reporter> make_reporter(Format format, const ReportOptions& options) {
  switch (format) {
  case Format::text:
    return make_text_reporter(options);
  case Format::json:
    return make_json_reporter(options);
  case Format::sarif:
    return make_sarif_reporter(options);
  case Format::github:
    return make_github_reporter(options);
  case Format::markdown:
    return make_markdown_reporter(options);
  case Format::junit:
    return make_junit_reporter(options);
  case Format::gitlab_sast:
    return make_gitlab_sast_reporter(options);
  }
  return make_text_reporter(options);
}

} // namespace tfkms::report
