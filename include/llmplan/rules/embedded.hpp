#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llmplan {

/// One file of the default rule set, compiled into the binary from rules/*.yaml: its text
/// and its tree as parsed at build time (see serialize_yaml).
struct EmbeddedFile {
  std::string_view name;
  std::string_view text;
  std::string_view tree;
};

/// The embedded files, sorted by name.
const std::vector<EmbeddedFile>& embedded_rule_files();

/// The name the embedded file `name` has in locations and diagnostics: `<builtin>/apis.yaml`.
inline std::string builtin_file_name(std::string_view name) {
  return "<builtin>/" + std::string(name);
}

/// The rule set the build loaded from the embedded files, in the form of save_ruleset().
std::string_view embedded_ruleset_snapshot();

}  // namespace llmplan
