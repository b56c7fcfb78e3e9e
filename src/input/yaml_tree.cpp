#include "llmplan/input/yaml_tree.hpp"

#include <sstream>
#include <unordered_map>

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

bool same_tree(const YamlNode& a, const YamlNode& b) {
  if (a.kind != b.kind || a.loc.file != b.loc.file || a.loc.line != b.loc.line || a.loc.column != b.loc.column ||
      a.offset != b.offset || a.plain != b.plain || a.value != b.value || a.items.size() != b.items.size() ||
      a.entries.size() != b.entries.size())
    return false;
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    if (!same_tree(a.items[i], b.items[i])) return false;
  }
  for (std::size_t i = 0; i < a.entries.size(); ++i) {
    if (!same_tree(a.entries[i].first, b.entries[i].first) || !same_tree(a.entries[i].second, b.entries[i].second)) return false;
  }
  return true;
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
  TreeBuilder(const std::string& file, Diagnostics& diags, const YamlLimits& limits, int line_offset, std::size_t byte_offset)
      : m_file(file),
        m_diags(diags),
        m_max_nodes(limits.max_nodes),
        m_max_scalar(limits.max_scalar_bytes),
        m_max_entries(limits.max_entries),
        m_line_offset(line_offset),
        m_byte_offset(byte_offset) {}

  YamlNode take_document() { return std::move(m_document); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp can report document after empty document without reading further on some broken
    // inputs; a document that starts where the previous one did is such a loop.
    if (m_documents > 0 && mark.pos == m_last_start) {
      m_diags.error("yaml-syntax", "invalid YAML: the parser stopped making progress here", loc(mark));
      throw NodeBudgetExceeded{};
    }
    m_last_start = mark.pos;
    ++m_documents;
    m_document = YamlNode{};
    m_stack.clear();
    m_nodes = 0;
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
    check_tag(tag, mark);
    YamlNode node = make(YamlNode::Kind::scalar, mark);
    if (value.size() > m_max_scalar) {
      m_diags.error("yaml-too-large", fmt::format("a value of {} bytes; the limit is {} bytes", value.size(), m_max_scalar),
                    node.loc);
      attach(make(YamlNode::Kind::null, mark));
      return;
    }
    node.plain = (tag == "?");
    node.value = value;
    attach(std::move(node));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, YAML::EmitterStyle::value) override {
    check_tag(tag, mark);
    m_stack.push_back(Frame{make(YamlNode::Kind::sequence, mark), false, {}, {}});
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, YAML::EmitterStyle::value) override {
    check_tag(tag, mark);
    m_stack.push_back(Frame{make(YamlNode::Kind::map, mark), false, {}, {}});
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YamlNode node;
    bool has_key = false;
    YamlNode key;
    std::unordered_map<std::string, int> key_lines;  ///< scalar keys of a large mapping, and their lines
  };

  /// Explicit tags (`!!python/object`, `!!binary`) mean nothing in llmplan's files; a value that
  /// needs one is not what the field expects, so it is refused rather than silently read.
  void check_tag(const std::string& tag, const YAML::Mark& mark) {
    if (tag.empty() || tag == "?" || tag == "!") return;
    m_diags.error("yaml-tag", fmt::format("YAML tags such as `{}` are not accepted; write the plain value", tag), loc(mark));
  }

  SourceLoc loc(const YAML::Mark& mark) const {
    if (mark.is_null()) return SourceLoc{m_file, 0, 0};
    return SourceLoc{m_file, mark.line + 1 + m_line_offset, mark.column + 1};
  }

  YamlNode make(YamlNode::Kind kind, const YAML::Mark& mark) {
    if (++m_nodes > m_max_nodes) {
      m_diags.error("yaml-too-large", fmt::format("the document has more than {} nodes; refusing to read further", m_max_nodes),
                    loc(mark));
      throw NodeBudgetExceeded{};
    }
    YamlNode node;
    node.kind = kind;
    node.loc = loc(mark);
    node.offset = (mark.pos < 0 ? 0 : static_cast<std::size_t>(mark.pos)) + m_byte_offset;
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
      check_entries(parent.node.items.size(), "a list of more than {} items", node.loc);
      parent.node.items.push_back(std::move(node));
    } else if (!parent.has_key) {
      parent.key = std::move(node);
      parent.has_key = true;
    } else {
      check_entries(parent.node.entries.size(), "a mapping of more than {} keys", parent.key.loc);
      check_duplicate(parent, parent.key);
      parent.node.entries.emplace_back(std::move(parent.key), std::move(node));
      parent.has_key = false;
    }
  }

  /// No list or mapping in llmplan's files comes near the limit; one that passes it is refused
  /// at the first entry too many, and reading stops.
  void check_entries(std::size_t count, const char* what, const SourceLoc& where) {
    if (count < m_max_entries) return;
    m_diags.error("yaml-too-large", fmt::format(fmt::runtime(what), m_max_entries) + "; refusing to read further", where);
    throw NodeBudgetExceeded{};
  }

  /// Small mappings (every mapping of a usual profile) are scanned; from 16 keys on, a hash
  /// keeps a mapping of thousands of keys linear rather than quadratic.
  void check_duplicate(Frame& map, const YamlNode& key) {
    if (!key.is_scalar()) return;
    constexpr std::size_t k_scan_below = 16;
    const auto& entries = map.node.entries;
    int first_line = 0;
    if (entries.size() < k_scan_below) {
      for (const auto& entry : entries) {
        if (entry.first.is_scalar() && entry.first.value == key.value) {
          first_line = entry.first.loc.line;
          break;
        }
      }
    } else {
      if (map.key_lines.empty()) {
        for (const auto& entry : entries) {
          if (entry.first.is_scalar()) map.key_lines.try_emplace(entry.first.value, entry.first.loc.line);
        }
      }
      const auto [seen, inserted] = map.key_lines.try_emplace(key.value, key.loc.line);
      if (!inserted) first_line = seen->second;
    }
    if (first_line > 0) {
      m_diags.error("duplicate-key", fmt::format("duplicate key `{}` (first defined at line {})", key.value, first_line), key.loc,
                    key.value);
    }
  }

  const std::string& m_file;
  Diagnostics& m_diags;
  std::size_t m_max_nodes;
  std::size_t m_max_scalar;
  std::size_t m_max_entries;
  int m_line_offset;
  std::size_t m_byte_offset;
  std::size_t m_nodes = 0;
  std::size_t m_documents = 0;
  int m_last_start = -1;
  std::vector<Frame> m_stack;
  YamlNode m_document;
};

}  // namespace

std::size_t first_invalid_text_byte(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0) return i;
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Lead byte: the length of the sequence, and the range its first continuation byte may take
    // (which excludes overlong forms and surrogates).
    int length = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
      length = 2;
    else if (c == 0xE0)
      length = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC)
      length = 3;
    else if (c == 0xED)
      length = 3, hi = 0x9F;
    else if (c >= 0xEE && c <= 0xEF)
      length = 3;
    else if (c == 0xF0)
      length = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3)
      length = 4;
    else if (c == 0xF4)
      length = 4, hi = 0x8F;
    else
      return i;
    if (i + static_cast<std::size_t>(length) > text.size()) return i;
    for (int k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return i;
    }
    i += static_cast<std::size_t>(length);
  }
  return std::string_view::npos;
}

namespace {

bool is_document_marker(std::string_view line) {
  return line.substr(0, 3) == "---" && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

/// The `---` lines of a text, counted without allocating, stopping one past `limit`.
std::size_t count_document_markers(std::string_view text, std::size_t limit) {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < text.size() && count <= limit) {
    const std::size_t eol = text.find('\n', pos);
    const std::size_t end = eol == std::string_view::npos ? text.size() : eol;
    if (is_document_marker(text.substr(pos, end - pos))) ++count;
    pos = end + 1;
  }
  return count;
}

}  // namespace

std::size_t first_lone_carriage_return(std::string_view text) {
  for (std::size_t i = text.find('\r'); i != std::string_view::npos; i = text.find('\r', i + 1)) {
    if (i + 1 >= text.size() || text[i + 1] != '\n') return i;
  }
  return std::string_view::npos;
}

std::vector<YamlNode> parse_yaml(std::string_view text, const std::string& file, Diagnostics& diags, const YamlLimits& limits,
                                 int line_offset, std::size_t byte_offset) {
  std::vector<YamlNode> documents;
  if (text.size() > limits.max_bytes) {
    diags.error("file-too-large", fmt::format("the file has {} bytes; the limit is {} bytes", text.size(), limits.max_bytes),
                SourceLoc{file, 1, 1});
    return documents;
  }
  // YAML is Unicode text: a NUL byte or a byte sequence that is not UTF-8 is refused with its
  // place, before yaml-cpp sees it (and before it could reach JSON output).
  if (const std::size_t bad = first_invalid_text_byte(text); bad != std::string_view::npos) {
    SourceLoc where = location_of(text, bad, file);
    where.line += line_offset;
    diags.error("bad-text", text[bad] == '\0' ? "the file contains a NUL byte" : "the file is not valid UTF-8 text", where);
    return documents;
  }
  // YAML 1.2 ends a line at a lone CR, yaml-cpp does not: text after one would be read
  // differently by llmplan and by every other reader of the file, so it is refused.
  if (const std::size_t cr = first_lone_carriage_return(text); cr != std::string_view::npos) {
    SourceLoc where = location_of(text, cr, file);
    where.line += line_offset;
    diags.error("bad-text", "a lone carriage return (CR) ends a line here; use LF or CRLF line ends", where);
    return documents;
  }
  // Documents are counted before any is built: a stream of many empty documents costs a scan.
  if (count_document_markers(text, limits.max_documents) > limits.max_documents) {
    diags.error("yaml-too-large", fmt::format("more than {} documents in one file", limits.max_documents),
                SourceLoc{file, 1 + line_offset, 1});
    return documents;
  }
  if (auto document = read_yaml_subset(text, file, limits, line_offset, byte_offset)) {
    documents.push_back(std::move(*document));
    return documents;
  }
  std::istringstream stream{std::string(text)};
  TreeBuilder builder(file, diags, limits, line_offset, byte_offset);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
      if (documents.size() >= limits.max_documents) {  // documents without `---` (ended by `...`)
        diags.error("yaml-too-large", fmt::format("more than {} documents in one file", limits.max_documents),
                    SourceLoc{file, 1 + line_offset, 1});
        documents.clear();
        break;
      }
      documents.push_back(builder.take_document());
    }
  } catch (const YAML::Exception& e) {
    SourceLoc where{file, 1, 1};
    if (!e.mark.is_null()) where = SourceLoc{file, e.mark.line + 1 + line_offset, e.mark.column + 1};
    diags.error("yaml-syntax", fmt::format("invalid YAML: {}", e.msg), where);
  } catch (const NodeBudgetExceeded&) {
    // already reported
  }
  return documents;
}

}  // namespace llmplan

namespace llmplan {

std::vector<YamlPart> split_yaml_documents(std::string_view text, std::size_t max_documents) {
  // Too many documents: one part, which parse_yaml() refuses before building anything.
  if (count_document_markers(text, max_documents) > max_documents) return {YamlPart{text, 0, 0}};
  std::vector<YamlPart> parts;
  std::size_t start = 0;
  int start_line = 0;
  int line = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t eol = text.find('\n', pos);
    const std::size_t end = eol == std::string_view::npos ? text.size() : eol;
    const std::string_view content = text.substr(pos, end - pos);
    if (!content.empty() && content.front() == '%') return {YamlPart{text, 0, 0}};
    const bool marker = is_document_marker(content);
    if (marker && pos > start) {
      if (parts.size() + 1 >= max_documents) return {YamlPart{text, 0, 0}};  // one more follows
      parts.push_back({text.substr(start, pos - start), start_line, start});
      start = pos;
      start_line = line;
    }
    pos = end + 1;
    ++line;
  }
  parts.push_back({text.substr(start), start_line, start});
  return parts;
}

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

namespace llmplan {

namespace {

void serialize_node(const YamlNode& n, std::string& out) {
  const char kind = n.is_null() ? 'n' : n.is_scalar() ? (n.plain ? 's' : 'q') : n.is_sequence() ? 'l' : 'm';
  out += fmt::format("{}{},{},{}:", kind, n.loc.line, n.loc.column, n.offset);
  switch (n.kind) {
    case YamlNode::Kind::null: break;
    case YamlNode::Kind::scalar: out += fmt::format("{}:", n.value.size()) + n.value; break;
    case YamlNode::Kind::sequence:
      out += fmt::format("{}:", n.items.size());
      for (const auto& item : n.items) serialize_node(item, out);
      break;
    case YamlNode::Kind::map:
      out += fmt::format("{}:", n.entries.size());
      for (const auto& [k, v] : n.entries) {
        serialize_node(k, out);
        serialize_node(v, out);
      }
      break;
  }
}

class Reader {
 public:
  Reader(std::string_view data, const std::string& file) : m_data(data), m_file(file) {}

  std::size_t number(char end) {
    std::size_t value = 0;
    while (m_pos < m_data.size() && m_data[m_pos] != end) value = value * 10 + static_cast<std::size_t>(m_data[m_pos++] - '0');
    ++m_pos;  // the terminator
    return value;
  }

  YamlNode node() {
    YamlNode n;
    const char kind = m_data[m_pos++];
    n.loc = SourceLoc{m_file, static_cast<int>(number(',')), static_cast<int>(number(','))};
    n.offset = number(':');
    if (kind == 's' || kind == 'q') {
      n.kind = YamlNode::Kind::scalar;
      n.plain = kind == 's';
      const std::size_t size = number(':');
      n.value = std::string(m_data.substr(m_pos, size));
      m_pos += size;
    } else if (kind == 'l') {
      n.kind = YamlNode::Kind::sequence;
      const std::size_t count = number(':');
      n.items.reserve(count);
      for (std::size_t i = 0; i < count; ++i) n.items.push_back(node());
    } else if (kind == 'm') {
      n.kind = YamlNode::Kind::map;
      const std::size_t count = number(':');
      n.entries.reserve(count);
      for (std::size_t i = 0; i < count; ++i) {
        YamlNode key = node();
        n.entries.emplace_back(std::move(key), node());
      }
    }
    return n;
  }

 private:
  std::string_view m_data;
  const std::string& m_file;
  std::size_t m_pos = 0;
};

}  // namespace

std::string serialize_yaml(const std::vector<YamlNode>& documents) {
  std::string out = fmt::format("{}:", documents.size());
  for (const auto& doc : documents) serialize_node(doc, out);
  return out;
}

std::vector<YamlNode> deserialize_yaml(std::string_view data, const std::string& file) {
  Reader reader(data, file);
  std::vector<YamlNode> documents;
  const std::size_t count = reader.number(':');
  for (std::size_t i = 0; i < count; ++i) documents.push_back(reader.node());
  return documents;
}

}  // namespace llmplan
