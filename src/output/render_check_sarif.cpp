// SARIF 2.1.0 for code-scanning uploads: one run, the rules llmplan can report, and one located
// result per rejected proposal or profile that could not be judged.
#include <fmt/format.h>

#include "llmplan/output/check_format.hpp"
#include "llmplan/output/json_writer.hpp"
#include "llmplan/version.hpp"

namespace llmplan {

namespace {

struct SarifRule {
  const char* id;
  const char* short_text;
  const char* full_text;
};

constexpr SarifRule k_rules[] = {
    {"proposal-rejected", "The proposed adaptation strategy should not go ahead",
     "The profile's proposal.strategy is infeasible, or ranks below the policy (--max-rank, --margin) among the strategies "
     "llmplan scored for this project."},
    {"profile-invalid", "The profile could not be judged",
     "The profile could not be read or validated, or it names no proposal to judge."},
};

bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '/';
}

}  // namespace

std::string sarif_artifact_uri(std::string_view path) {
  // RFC 3986: every byte outside the unreserved set (and the path separator) is percent-encoded,
  // so spaces, '#', '?' and UTF-8 file names survive; an absolute path becomes a file: URI.
  std::string uri = path.starts_with('/') ? "file://" : "";
  for (unsigned char c : path) {
    if (is_unreserved(c))
      uri += static_cast<char>(c);
    else
      uri += fmt::format("%{:02X}", c);
  }
  return uri;
}

namespace {

void write_text(JsonWriter& w, std::string_view key, std::string_view text) {
  w.key(key);
  w.begin_object();
  w.field("text", text);
  w.end_object();
}

void write_result(JsonWriter& w, const char* rule, int rule_index, const std::string& message, const SourceLoc& loc) {
  w.begin_object();
  w.field("ruleId", rule);
  w.field("ruleIndex", rule_index);
  w.field("level", "error");
  write_text(w, "message", message);
  w.key("locations");
  w.begin_array();
  w.begin_object();
  w.key("physicalLocation");
  w.begin_object();
  w.key("artifactLocation");
  w.begin_object();
  w.field("uri", sarif_artifact_uri(loc.file));
  w.end_object();
  w.key("region");
  w.begin_object();
  w.field("startLine", std::max(1, loc.line));
  w.field("startColumn", std::max(1, loc.column));
  w.end_object();
  w.end_object();
  w.end_object();
  w.end_array();
  w.end_object();
}

}  // namespace

std::string render_check_sarif(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions& options) {
  const RuleSet& rules = *options.rules;
  std::string out;
  JsonWriter w(out, true);
  w.begin_object();
  w.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  w.field("version", "2.1.0");
  w.key("runs");
  w.begin_array();
  w.begin_object();
  w.key("tool");
  w.begin_object();
  w.key("driver");
  w.begin_object();
  w.field("name", "llmplan");
  w.field("version", k_version);
  w.field("semanticVersion", k_version);
  w.key("rules");
  w.begin_array();
  for (const auto& rule : k_rules) {
    w.begin_object();
    w.field("id", rule.id);
    write_text(w, "shortDescription", rule.short_text);
    write_text(w, "fullDescription", rule.full_text);
    write_text(w, "help", fmt::format("{} See docs/ci.md. Rule set: {} {}.", rule.full_text, rules.name, rules.version));
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.end_object();
  w.key("automationDetails");
  w.begin_object();
  w.field("id", "llmplan-check/");
  w.end_object();
  w.key("results");
  w.begin_array();
  for (const auto& o : outcomes) {
    if (!o.judgement) {
      for (const auto& d : o.outcome.diagnostics.items()) {
        if (d.severity == Severity::error)
          write_result(w, "profile-invalid", 1, fmt::format("{} [{}]", d.message, d.code), d.loc);
      }
      continue;
    }
    const Judgement& j = *o.judgement;
    if (j.accepted) continue;
    std::string message = j.message;
    for (const auto& r : j.reasons) message += fmt::format("\n- {} [{}]", r.message, r.rule);
    write_result(w, "proposal-rejected", 0, message, j.loc);
  }
  w.end_array();
  w.end_object();
  w.end_array();
  w.end_object();
  return out + "\n";
}

}  // namespace llmplan
