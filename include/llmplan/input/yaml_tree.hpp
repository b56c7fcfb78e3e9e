#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "llmplan/input/diagnostic.hpp"

namespace llmplan {

struct YamlEntry;

/// A YAML node with its location, built from yaml-cpp's event stream rather than its
/// node graph, so that aliases can be refused, duplicate keys found and positions kept.
struct YamlNode {
  enum class Kind { null, scalar, sequence, map };

  Kind kind = Kind::null;
  SourceLoc loc;
  std::size_t offset = 0;          ///< byte offset of the node in the source text
  bool plain = true;               ///< a scalar written without quotes or block indicators
  std::string value;               ///< scalar text
  std::vector<YamlNode> items;     ///< sequence elements
  std::vector<YamlEntry> entries;  ///< map keys and values, in file order

  [[nodiscard]] bool is_null() const { return kind == Kind::null; }
  [[nodiscard]] bool is_scalar() const { return kind == Kind::scalar; }
  [[nodiscard]] bool is_sequence() const { return kind == Kind::sequence; }
  [[nodiscard]] bool is_map() const { return kind == Kind::map; }
  /// The value of a map entry with this scalar key, or nullptr.
  [[nodiscard]] const YamlNode* find(std::string_view key) const;
};

/// A key and its value in a mapping (a pair would need YamlNode complete where it is used).
struct YamlEntry {
  YamlEntry(YamlNode key, YamlNode value) : first(std::move(key)), second(std::move(value)) {}
  YamlNode first;
  YamlNode second;
};

const char* kind_name(YamlNode::Kind kind);

struct YamlLimits {
  std::size_t max_bytes = 64 * 1024 * 1024;  ///< larger inputs are refused before parsing
  std::size_t max_nodes = 100000;            ///< per document; with aliases refused, work stays linear in size
  std::size_t max_scalar_bytes = 64 * 1024;  ///< one value; profiles and rules hold short texts
  std::size_t max_documents = 100000;        ///< documents in one stream
  std::size_t max_entries = 10000;           ///< items of one list, keys of one mapping
};

/// Parses every document of a YAML stream. Syntax errors, aliases, duplicate keys and
/// oversized input become diagnostics; the documents read before an error are kept.
/// `line_offset` and `byte_offset` place a part of a larger text (see split_yaml_documents).
std::vector<YamlNode> parse_yaml(std::string_view text, const std::string& file, Diagnostics& diags,
                                 const YamlLimits& limits = {}, int line_offset = 0, std::size_t byte_offset = 0);

/// The one document of `text` when it is written in the block style that most profiles use
/// (nested mappings of plain values, one-line `[a, b]` lists, comments, a leading `---`), read
/// without yaml-cpp into the tree parse_yaml() builds, positions included; nullopt for anything
/// else, which parse_yaml() leaves to yaml-cpp. parse_yaml() tries it first.
std::optional<YamlNode> read_yaml_subset(std::string_view text, const std::string& file, const YamlLimits& limits = {},
                                         int line_offset = 0, std::size_t byte_offset = 0);

/// Whether two trees are the same node for node: kinds, texts, styles and positions.
bool same_tree(const YamlNode& a, const YamlNode& b);

/// Turns read_yaml_subset() on or off for the whole process (on by default): tests compare the
/// trees that parse_yaml() builds either way.
void set_yaml_subset_reader(bool on);

/// One document's text within a YAML stream, and where it starts.
struct YamlPart {
  std::string_view text;
  int line_offset = 0;
  std::size_t byte_offset = 0;
};

/// Splits a stream at its `---` document markers, so that documents can be parsed
/// independently (in parallel). YAML forbids a line starting with `---` inside any scalar, so
/// the split cannot cut a value in two; a stream with directives (`%YAML`) is not split. A
/// stream of more than `max_documents` documents is returned whole, for parse_yaml() to refuse.
std::vector<YamlPart> split_yaml_documents(std::string_view text, std::size_t max_documents = YamlLimits{}.max_documents);

/// The offset of the first carriage return not followed by a line feed, or npos.
std::size_t first_lone_carriage_return(std::string_view text);

/// The offset of the first NUL byte or invalid UTF-8 sequence in `text`, or npos.
std::size_t first_invalid_text_byte(std::string_view text);

/// Line and column (1-based) of a byte offset in `text`.
SourceLoc location_of(std::string_view text, std::size_t offset, const std::string& file);

}  // namespace llmplan

namespace llmplan {
/// Location of byte `offset` of a scalar's value, accounting for quotes and block scalars,
/// so that an error inside a condition points at its column in the file.
SourceLoc scalar_location(const YamlNode& node, std::size_t offset, std::string_view source);
}  // namespace llmplan

namespace llmplan {
/// A compact text form of parsed documents, locations included, so that files parsed at build
/// time (the built-in rule set) are read back at run time without parsing YAML again.
std::string serialize_yaml(const std::vector<YamlNode>& documents);

/// Reads serialize_yaml()'s form back; `file` becomes the file of every location.
std::vector<YamlNode> deserialize_yaml(std::string_view data, const std::string& file);
}  // namespace llmplan
