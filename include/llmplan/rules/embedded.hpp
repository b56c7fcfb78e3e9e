#pragma once

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

}  // namespace llmplan
