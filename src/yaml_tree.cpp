#include "llmplan/yaml_tree.hpp"

#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace llmplan {

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.is_scalar() && k.value == key) return &v;
  }
  return nullptr;
}

const char* kind_name(YamlNode::Kind kind) {
  switch (kind) {
    case YamlNode::Kind::null: return "null";
    case YamlNode::Kind::scalar: return "a scalar";
    case YamlNode::Kind::sequence: return "a list";
    case YamlNode::Kind::map: return "a mapping";
  }
  return "?";
}

SourceLoc location_of(std::string_view text, std::size_t offset, const std::string& file) {
  SourceLoc loc{file, 1, 1};
  const std::size_t end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++loc.line;
      loc.column = 1;
    } else {
      ++loc.column;
    }
  }
  return loc;
}

namespace {

struct NodeBudgetExceeded {};

/// Builds YamlNode trees from yaml-cpp events.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const std::string& file, Diagnostics& diags, std::size_t max_nodes)
      : m_file(file), m_diags(diags), m_max_nodes(max_nodes) {}

  YamlNode take_document() { return std::move(m_document); }

  void OnDocumentStart(const YAML::Mark&) override {
    m_document = YamlNode{};
    m_stack.clear();
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    YamlNode node = make(YamlNode::Kind::null, mark);
    attach(std::move(node));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    // yaml-cpp shares aliased nodes and even builds cycles from `&a [*a]`; a profile never
    // needs them, so they are refused rather than expanded.
    m_diags.error("yaml-alias", "YAML aliases (*name) are not accepted; write the value out", loc(mark));
    attach(make(YamlNode::Kind::null, mark));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, const std::string& value) override {
    YamlNode node = make(YamlNode::Kind::scalar, mark);
    node.plain = (tag == "?");
    node.value = value;
    attach(std::move(node));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    m_stack.push_back(Frame{make(YamlNode::Kind::sequence, mark), false, {}});
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    m_stack.push_back(Frame{make(YamlNode::Kind::map, mark), false, {}});
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YamlNode node;
    bool has_key = false;
    YamlNode key;
  };

  SourceLoc loc(const YAML::Mark& mark) const {
    if (mark.is_null()) return SourceLoc{m_file, 0, 0};
    return SourceLoc{m_file, mark.line + 1, mark.column + 1};
  }

  YamlNode make(YamlNode::Kind kind, const YAML::Mark& mark) {
    if (++m_nodes > m_max_nodes) {
      m_diags.error("yaml-too-large",
                    fmt::format("the document has more than {} nodes; refusing to read further", m_max_nodes),
                    loc(mark));
      throw NodeBudgetExceeded{};
    }
    YamlNode node;
    node.kind = kind;
    node.loc = loc(mark);
    node.offset = mark.pos < 0 ? 0 : static_cast<std::size_t>(mark.pos);
    return node;
  }

  void close() {
    YamlNode node = std::move(m_stack.back().node);
    m_stack.pop_back();
    attach(std::move(node));
  }

  void attach(YamlNode node) {
    if (m_stack.empty()) {
      m_document = std::move(node);
      return;
    }
    Frame& parent = m_stack.back();
    if (parent.node.is_sequence()) {
      parent.node.items.push_back(std::move(node));
    } else if (!parent.has_key) {
      parent.key = std::move(node);
      parent.has_key = true;
    } else {
      check_duplicate(parent.node, parent.key);
      parent.node.entries.emplace_back(std::move(parent.key), std::move(node));
      parent.has_key = false;
    }
  }

  void check_duplicate(const YamlNode& map, const YamlNode& key) {
    if (!key.is_scalar()) return;
    for (const auto& entry : map.entries) {
      const YamlNode& seen = entry.first;
      if (seen.is_scalar() && seen.value == key.value) {
        m_diags.error("duplicate-key",
                      fmt::format("duplicate key `{}` (first defined at line {})", key.value, seen.loc.line),
                      key.loc, key.value);
        return;
      }
    }
  }

  const std::string& m_file;
  Diagnostics& m_diags;
  std::size_t m_max_nodes;
  std::size_t m_nodes = 0;
  std::vector<Frame> m_stack;
  YamlNode m_document;
};

}  // namespace

std::vector<YamlNode> parse_yaml(std::string_view text, const std::string& file, Diagnostics& diags,
                                 const YamlLimits& limits) {
  std::vector<YamlNode> documents;
  if (text.size() > limits.max_bytes) {
    diags.error("file-too-large",
                fmt::format("the file has {} bytes; the limit is {} bytes", text.size(), limits.max_bytes),
                SourceLoc{file, 1, 1});
    return documents;
  }
  std::istringstream stream{std::string(text)};
  TreeBuilder builder(file, diags, limits.max_nodes);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
      documents.push_back(builder.take_document());
    }
  } catch (const YAML::Exception& e) {
    SourceLoc where{file, 1, 1};
    if (!e.mark.is_null()) where = SourceLoc{file, e.mark.line + 1, e.mark.column + 1};
    diags.error("yaml-syntax", fmt::format("invalid YAML: {}", e.msg), where);
  } catch (const NodeBudgetExceeded&) {
    // already reported
  }
  return documents;
}

}  // namespace llmplan

namespace llmplan {

SourceLoc scalar_location(const YamlNode& node, std::size_t offset, std::string_view source) {
  SourceLoc loc = node.loc;
  const std::string& value = node.value;
  offset = std::min(offset, value.size());
  if (value.find('\n') == std::string::npos && node.offset < source.size()) {
    const char first = source[node.offset];
    if (first != '|' && first != '>') {
      loc.column += static_cast<int>(offset) + (node.plain ? 0 : 1);
      return loc;
    }
  }
  // A block or multi-line scalar: find the text of the offset's line in the source.
  const std::size_t line_start = value.rfind('\n', offset == 0 ? 0 : offset - 1);
  const std::size_t begin = (line_start == std::string::npos || offset == 0) ? 0 : line_start + 1;
  std::size_t end = value.find('\n', begin);
  if (end == std::string::npos) end = value.size();
  const std::string line_text = value.substr(begin, end - begin);
  if (line_text.empty() || node.offset >= source.size()) return loc;
  const std::size_t found = source.find(line_text, node.offset);
  if (found == std::string_view::npos) return loc;
  return location_of(source, found + (offset - begin), loc.file);
}

}  // namespace llmplan
