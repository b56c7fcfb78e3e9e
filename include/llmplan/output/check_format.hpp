#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "llmplan/rules/check.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace llmplan {

/// What the check renderers need besides the outcomes.
struct CheckRenderOptions {
  const RuleSet* rules = nullptr;  ///< the rule set's name and version
  bool color = false;
};

/// One output format of `check`. The CLI's `--format` choices, its help and the shell
/// completions read this table: a new format is one renderer file and one row of check_formats().
struct CheckFormat {
  std::string_view name;
  std::string_view description;
  std::string (*render)(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions& options);
};

/// Every format of `check`, the default first.
const std::vector<CheckFormat>& check_formats();

/// The format named `name`, or nullptr.
const CheckFormat* find_check_format(std::string_view name);

/// The names of check_formats(), in order.
std::vector<std::string> check_format_names();

/// Renderers of `check`, one per format (each in its own file).
std::string render_check_text(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions& options);
std::string render_check_json(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions& options);
std::string render_check_github(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions& options);
std::string render_check_junit(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions& options);
std::string render_check_sarif(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions& options);
std::string render_check_markdown(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions& options);

/// A file path as a SARIF artifact URI: percent-encoded (RFC 3986), `file://` when absolute.
std::string sarif_artifact_uri(std::string_view path);

}  // namespace llmplan
