#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "llmplan/diagnostic.hpp"

namespace llmplan {

/// A YAML node with its location, built from yaml-cpp's event stream rather than its
/// node graph, so that aliases can be refused, duplicate keys found and positions kept.
struct YamlNode {
  enum class Kind { null, scalar, sequence, map };

  Kind kind = Kind::null;
  SourceLoc loc;
  std::size_t offset = 0;  ///< byte offset of the node in the source text
  bool plain = true;       ///< a scalar written without quotes or block indicators
  std::string value;       ///< scalar text
  std::vector<YamlNode> items;                          ///< sequence elements
  std::vector<std::pair<YamlNode, YamlNode>> entries;   ///< map keys and values, in file order

  [[nodiscard]] bool is_null() const { return kind == Kind::null; }
  [[nodiscard]] bool is_scalar() const { return kind == Kind::scalar; }
  [[nodiscard]] bool is_sequence() const { return kind == Kind::sequence; }
  [[nodiscard]] bool is_map() const { return kind == Kind::map; }
  /// The value of a map entry with this scalar key, or nullptr.
  [[nodiscard]] const YamlNode* find(std::string_view key) const;
};

const char* kind_name(YamlNode::Kind kind);

struct YamlLimits {
  std::size_t max_bytes = 4 * 1024 * 1024;  ///< larger inputs are refused before parsing
  std::size_t max_nodes = 200000;           ///< bounds the work one file can cause
};

/// Parses every document of a YAML stream. Syntax errors, aliases, duplicate keys and
/// oversized input become diagnostics; the documents read before an error are kept.
std::vector<YamlNode> parse_yaml(std::string_view text, const std::string& file, Diagnostics& diags,
                                 const YamlLimits& limits = {});

/// Line and column (1-based) of a byte offset in `text`.
SourceLoc location_of(std::string_view text, std::size_t offset, const std::string& file);

}  // namespace llmplan

namespace llmplan {
/// Location of byte `offset` of a scalar's value, accounting for quotes and block scalars,
/// so that an error inside a condition points at its column in the file.
SourceLoc scalar_location(const YamlNode& node, std::size_t offset, std::string_view source);
}  // namespace llmplan
