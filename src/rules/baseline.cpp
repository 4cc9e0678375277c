#include "rules/baseline.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

namespace tfkms::rules {

namespace {

using Json = nlohmann::ordered_json;

model::Diagnostic error_in(const std::string& path, std::string message) {
  model::Diagnostic diagnostic;
  diagnostic.file = path;
  diagnostic.message = std::move(message);
  return diagnostic;
}

std::string text_field(const Json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string{};
}

} // namespace

model::Result<Baseline> parse_baseline(const std::string& text, const std::string& path) {
  Json document;
  try {
    document = Json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    return error_in(path, std::string("not a tfkms baseline (not valid JSON): ") + error.what());
  }
  if (!document.is_object() || !document.contains("version") || !document.contains("findings")) {
    return error_in(path,
                    "not a tfkms baseline: expected an object with \"version\" and \"findings\" "
                    "(write one with tfkms check --write-baseline)");
  }
  const Json& version = document["version"];
  if (!version.is_number_integer() || version.get<int>() != k_baseline_version) {
    return error_in(path, "baseline version " + version.dump() +
                              " is not supported; this tfkms reads version " +
                              std::to_string(k_baseline_version) +
                              " (rewrite it with --write-baseline)");
  }
  if (!document["findings"].is_array())
    return error_in(path, "baseline \"findings\" must be a list");
  Baseline baseline;
  baseline.path = path;
  std::size_t index = 0;
  for (const Json& item : document["findings"]) {
    BaselineEntry entry;
    if (item.is_object()) {
      entry.fingerprint = text_field(item, "fingerprint");
      entry.rule_id = text_field(item, "rule_id");
      entry.resource = text_field(item, "resource");
      entry.file = text_field(item, "file");
      entry.message = text_field(item, "message");
    }
    if (entry.fingerprint.empty()) {
      model::Diagnostic diagnostic = error_in(path, "baseline entry has no \"fingerprint\" string");
      diagnostic.pointer = "/findings/" + std::to_string(index);
      return diagnostic;
    }
    baseline.entries.push_back(std::move(entry));
    ++index;
  }
  return baseline;
}

model::Result<Baseline> load_baseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return error_in(path, "cannot read the baseline file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_baseline(text.str(), path);
}

std::string baseline_text(const std::vector<Finding>& findings) {
  std::vector<const Finding*> recorded;
  for (const Finding& finding : findings) {
    if (!finding.suppressed)
      recorded.push_back(&finding);
  }
  // By rule and resource, not by line: moving a block must not reorder the file.
  std::sort(recorded.begin(), recorded.end(), [](const Finding* a, const Finding* b) {
    return std::tie(a->rule_id, a->resource, a->fingerprint, a->file) <
           std::tie(b->rule_id, b->resource, b->fingerprint, b->file);
  });
  Json entries = Json::array();
  for (const Finding* finding : recorded) {
    entries.push_back(Json{{"fingerprint", finding->fingerprint},
                           {"rule_id", finding->rule_id},
                           {"resource", finding->resource},
                           {"file", finding->file},
                           {"message", finding->message}});
  }
  const Json document{
      {"version", k_baseline_version}, {"tool", "tfkms"}, {"findings", std::move(entries)}};
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + '\n';
}

BaselineComparison compare_with_baseline(const Baseline& baseline, std::vector<Finding>& findings) {
  // Remaining uses of each fingerprint; each entry absorbs one finding.
  std::map<std::string, std::vector<const BaselineEntry*>, std::less<>> unmatched;
  for (const BaselineEntry& entry : baseline.entries)
    unmatched[entry.fingerprint].push_back(&entry);

  BaselineComparison comparison;
  std::vector<Finding> reported;
  for (Finding& finding : findings) {
    const auto entries = unmatched.find(finding.fingerprint);
    if (finding.suppressed || entries == unmatched.end() || entries->second.empty()) {
      finding.baseline_state = BaselineState::added;
      reported.push_back(std::move(finding));
      continue;
    }
    entries->second.pop_back();
    finding.baseline_state = BaselineState::unchanged;
    comparison.matched.push_back(std::move(finding));
  }
  findings = std::move(reported);
  for (const BaselineEntry& entry : baseline.entries) {
    auto& left = unmatched[entry.fingerprint];
    const auto it = std::find(left.begin(), left.end(), &entry);
    if (it != left.end())
      comparison.stale.push_back(entry);
  }
  return comparison;
}

std::vector<model::Diagnostic> describe_comparison(const Baseline& baseline,
                                                   const BaselineComparison& comparison) {
  std::vector<model::Diagnostic> notes;
  model::Diagnostic summary;
  summary.level = model::DiagnosticLevel::note;
  summary.file = baseline.path;
  const std::size_t matched = comparison.matched.size();
  const std::size_t stale = comparison.stale.size();
  summary.message =
      (matched == 1 ? std::string("1 finding matches the baseline and is")
                    : std::to_string(matched) + " findings match the baseline and are") +
      " not reported; " +
      (stale == 1 ? std::string("1 entry matches") : std::to_string(stale) + " entries match") +
      " nothing any more";
  notes.push_back(std::move(summary));
  for (const BaselineEntry& entry : comparison.stale) {
    model::Diagnostic note;
    note.level = model::DiagnosticLevel::note;
    note.file = baseline.path;
    note.message =
        "stale baseline entry " + entry.fingerprint + " (" + entry.rule_id + " on " +
        entry.resource +
        "): no finding matches it any more; drop it, or rewrite the file with --write-baseline";
    notes.push_back(std::move(note));
  }
  return notes;
}

} // namespace tfkms::rules
