#include "llmplan/input/yaml_tree.hpp"

#include <algorithm>
#include <atomic>
#include <optional>

namespace llmplan {

// ---------------------------------------------------------------------------------------------
// A reader for the block-style YAML that most profiles are written in (nested mappings of plain
// scalars, one-line flow lists, comments), which builds the very tree, positions included, that
// yaml-cpp's events give (yaml_tree.cpp). Anything else, or anything it is not sure of, it leaves
// to yaml-cpp: quotes, block lists, multi-line values, tabs, non-ASCII text, anchors, tags,
// duplicate keys, empty values. It exists for speed: yaml-cpp's scanner matches each character
// against regular expressions and was the largest part of reading a batch. Tests compare the two
// on every shipped file and on random mutations of them (test_yaml_tree.cpp, fuzz_profile.cpp).

namespace {

std::atomic<bool> g_subset_reader{true};

// Profiles nest three levels, hold a few dozen keys a mapping and name them in a few words. A
// text beyond these goes to yaml-cpp, whose own limits then apply as before: its nesting depth
// (500), its 1,024-character limit on a key, the hashed search for duplicates among many keys.
constexpr std::size_t k_max_depth = 16;
constexpr std::size_t k_max_keys = 64;
constexpr std::size_t k_max_key_bytes = 128;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_key_char(char c) {
  return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

/// Characters a value may hold: no YAML indicator that could mean anything but itself.
bool is_value_char(char c) {
  return is_alnum(c) || c == '_' || c == '.' || c == '-' || c == '+' || c == '/' || c == '$' || c == '%' || c == '(' ||
         c == ')' || c == '=' || c == '~' || c == ' ' || c == ';';
}

/// Characters a value in block context may also hold after its first: there only `: ` and ` #`
/// end a plain value (YAML 1.2, 7.3.3); in a flow list these would end or nest it.
bool is_block_value_char(char c) {
  return is_value_char(c) || c == ',' || c == '\'' || c == '"' || c == '!' || c == '&' || c == '*' || c == '@' || c == '`' ||
         c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '?' || c == '|' || c == '^' || c == '\\';
}

/// The first character of a plain value: not an indicator (`-` only before a digit or a dot).
bool can_start_value(std::string_view s) {
  const char c = s[0];
  if (is_alnum(c) || c == '_' || c == '.' || c == '$' || c == '/' || c == '(' || c == '+' || c == '~') return true;
  return c == '-' && s.size() > 1 && ((s[1] >= '0' && s[1] <= '9') || s[1] == '.');
}

/// yaml-cpp reads these plain scalars as null.
bool is_null_text(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

class SubsetReader {
 public:
  SubsetReader(std::string_view text, const std::string& file, const YamlLimits& limits, int line_offset, std::size_t byte_offset)
      : m_text(text), m_file(file), m_limits(limits), m_line_offset(line_offset), m_byte_offset(byte_offset) {}

  std::optional<YamlNode> read() {
    bool first_line = true;
    std::size_t pos = 0;
    for (int line = 0; pos < m_text.size(); ++line) {
      const std::size_t eol = m_text.find('\n', pos);
      const std::size_t end = eol == std::string_view::npos ? m_text.size() : eol;
      if (!read_line(pos, end, line, first_line)) return std::nullopt;
      first_line = false;
      pos = end + 1;
    }
    if (m_pending || m_stack.empty()) return std::nullopt;  // an empty value last, or no mapping at all
    while (m_stack.size() > 1) pop();
    return std::move(m_stack.back().node);
  }

 private:
  struct Frame {
    std::size_t indent = 0;
    YamlNode node;
  };

  YamlNode make(YamlNode::Kind kind, int line, std::size_t at, std::size_t line_start) {
    YamlNode node;
    node.kind = kind;
    node.loc = SourceLoc{m_file, line + 1 + m_line_offset, static_cast<int>(at - line_start) + 1};
    node.offset = at + m_byte_offset;
    return node;
  }

  bool count_node() { return ++m_nodes <= m_limits.max_nodes; }

  /// Attaches the finished innermost mapping to the entry that waits for it.
  void pop() {
    YamlNode done = std::move(m_stack.back().node);
    m_stack.pop_back();
    m_stack.back().node.entries.back().second = std::move(done);
  }

  bool read_line(std::size_t start, std::size_t end, int line, bool first_line) {
    std::size_t i = start;
    while (i < end && m_text[i] == ' ') ++i;
    for (std::size_t k = i; k < end; ++k) {
      const auto c = static_cast<unsigned char>(m_text[k]);
      if (c < 0x20 || c >= 0x7F) return false;  // tabs, CR, control and non-ASCII bytes: yaml-cpp's
    }
    if (i == end || m_text[i] == '#') return true;  // blank or a comment
    const std::string_view content = m_text.substr(i, end - i);
    if (i == start && (content.substr(0, 3) == "---" || content.substr(0, 3) == "...")) {
      // The document's own marker, alone on the first line; any other is yaml-cpp's.
      const std::string_view rest = content.substr(3);
      return first_line && content[0] == '-' && (rest.empty() || rest.find_first_not_of(' ') == std::string_view::npos);
    }
    const std::size_t indent = i - start;
    if (m_pending) {
      // The line after `key:` opens the mapping that is its value.
      if (m_stack.empty() || indent <= m_stack.back().indent || m_stack.size() >= k_max_depth) return false;
      m_pending = false;
      m_stack.push_back(Frame{indent, make(YamlNode::Kind::map, line, i, start)});
      if (!count_node()) return false;
    } else if (m_stack.empty()) {
      m_stack.push_back(Frame{indent, make(YamlNode::Kind::map, line, i, start)});
      if (!count_node()) return false;
    } else {
      while (indent < m_stack.back().indent && m_stack.size() > 1) pop();
      if (indent != m_stack.back().indent) return false;  // a continuation, or no mapping at this indent
    }
    return read_entry(i, end, line, start);
  }

  bool read_entry(std::size_t i, std::size_t end, int line, std::size_t line_start) {
    const std::size_t key_start = i;
    if (!(is_alnum(m_text[i]) || m_text[i] == '_')) return false;
    while (i < end && is_key_char(m_text[i])) ++i;
    if (i >= end || m_text[i] != ':') return false;
    const std::string_view key_text = m_text.substr(key_start, i - key_start);
    if (key_text.size() > k_max_key_bytes) return false;
    if (is_null_text(key_text)) return false;
    ++i;  // the colon
    if (i < end && m_text[i] != ' ') return false;
    YamlNode& map = m_stack.back().node;
    if (map.entries.size() >= std::min(m_limits.max_entries, k_max_keys)) return false;
    for (const auto& entry : map.entries) {
      if (entry.first.value == key_text) return false;  // a duplicate: yaml-cpp's path reports it
    }
    YamlNode key = make(YamlNode::Kind::scalar, line, key_start, line_start);
    key.value = key_text;
    if (!count_node()) return false;
    while (i < end && m_text[i] == ' ') ++i;
    if (i == end || m_text[i] == '#') {
      // An empty value: only the start of a nested mapping on the next line is read here.
      map.entries.emplace_back(std::move(key), YamlNode{});
      m_pending = true;
      return true;
    }
    std::optional<YamlNode> value =
        m_text[i] == '[' ? read_flow_list(i, end, line, line_start) : read_plain(i, end, line, line_start);
    if (!value) return false;
    map.entries.emplace_back(std::move(key), std::move(*value));
    return true;
  }

  /// A plain value to the end of the line or a ` #` comment, without its trailing spaces.
  std::optional<YamlNode> read_plain(std::size_t i, std::size_t end, int line, std::size_t line_start) {
    std::size_t stop = i;
    for (; stop < end; ++stop) {
      const char c = m_text[stop];
      if (c == '#' && m_text[stop - 1] == ' ') break;                                     // a comment; `a#b` is one value
      if (c == ':' && (stop + 1 == end || m_text[stop + 1] == ' ')) return std::nullopt;  // a mapping
      if (!(is_block_value_char(c) || c == '#' || c == ':')) return std::nullopt;
    }
    std::size_t last = stop;
    while (last > i && m_text[last - 1] == ' ') --last;
    return scalar_at(i, last, line, line_start);
  }

  std::optional<YamlNode> scalar_at(std::size_t from, std::size_t to, int line, std::size_t line_start) {
    const std::string_view text = m_text.substr(from, to - from);
    if (text.empty() || !can_start_value(text) || text.size() > m_limits.max_scalar_bytes || !count_node()) return std::nullopt;
    if (is_null_text(text)) return make(YamlNode::Kind::null, line, from, line_start);
    YamlNode node = make(YamlNode::Kind::scalar, line, from, line_start);
    node.value = text;
    return node;
  }

  /// `[a, b c, 10]` on one line, of plain values, then nothing but spaces or a comment.
  std::optional<YamlNode> read_flow_list(std::size_t i, std::size_t end, int line, std::size_t line_start) {
    YamlNode list = make(YamlNode::Kind::sequence, line, i, line_start);
    if (!count_node()) return std::nullopt;
    ++i;  // the bracket
    const auto skip_spaces = [&] {
      while (i < end && m_text[i] == ' ') ++i;
    };
    skip_spaces();
    if (i < end && m_text[i] == ']') {
      ++i;
    } else {
      while (true) {
        const std::size_t from = i;
        while (i < end && m_text[i] != ',' && m_text[i] != ']') {
          if (!is_value_char(m_text[i])) return std::nullopt;
          ++i;
        }
        if (i >= end) return std::nullopt;
        std::size_t last = i;
        while (last > from && m_text[last - 1] == ' ') --last;
        if (list.items.size() >= m_limits.max_entries) return std::nullopt;
        std::optional<YamlNode> item = scalar_at(from, last, line, line_start);
        if (!item) return std::nullopt;
        list.items.push_back(std::move(*item));
        if (m_text[i++] == ']') break;
        skip_spaces();
      }
    }
    skip_spaces();
    if (i < end && !(m_text[i] == '#' && m_text[i - 1] == ' ')) return std::nullopt;
    return list;
  }

  std::string_view m_text;
  const std::string& m_file;
  const YamlLimits& m_limits;
  int m_line_offset;
  std::size_t m_byte_offset;
  std::vector<Frame> m_stack;
  bool m_pending = false;  ///< the last entry's value is empty: a nested mapping must follow
  std::size_t m_nodes = 0;
};

}  // namespace

void set_yaml_subset_reader(bool on) {
  g_subset_reader = on;
}

std::optional<YamlNode> read_yaml_subset(std::string_view text, const std::string& file, const YamlLimits& limits,
                                         int line_offset, std::size_t byte_offset) {
  if (!g_subset_reader) return std::nullopt;
  return SubsetReader(text, file, limits, line_offset, byte_offset).read();
}

}  // namespace llmplan
