#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace llmplan {

/// Writes JSON text directly, without building a document tree first: the advice of a batch
/// of thousands of profiles is written at the speed of string appends. Pretty output uses
/// two-space indentation; compact output has no whitespace. Keys are written in call order.
class JsonWriter {
 public:
  /// `depth` is the nesting level the output starts at, for text spliced into a larger document.
  JsonWriter(std::string& out, bool pretty, int depth = 0) : m_out(out), m_pretty(pretty), m_depth(depth) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view name);
  /// A key written in the code as a literal: copied as it is, without escaping (every literal
  /// key of this program is a plain ASCII name, which needs none).
  template <std::size_t N>
  void key(const char (&name)[N]) {
    before_value();
    m_out.push_back('"');
    m_out.append(name, N - 1);
    m_out.append(m_pretty ? "\": " : "\":", m_pretty ? 3 : 2);
    m_after_key = true;
  }

  void value(std::string_view text);
  void value(const char* text) { value(std::string_view(text)); }
  void value(const std::string& text) { value(std::string_view(text)); }
  void value(double number);
  void value(int number);
  void value(std::size_t number) { value(static_cast<double>(number)); }
  void value(bool flag);
  void null();

  /// `"name": value` in one call.
  template <typename T>
  void field(std::string_view name, const T& v) {
    key(name);
    value(v);
  }
  template <std::size_t N, typename T>
  void field(const char (&name)[N], const T& v) {
    key(name);
    value(v);
  }

  /// A text that repeats across a batch, written through `cache` (see EscapeCache).
  void value(class EscapeCache& cache, std::string_view id, std::string_view text);

 private:
  void open(char bracket);
  void close(char bracket);
  /// The comma (and, pretty, the line break) before a value; inline, as it precedes every one.
  void before_value() {
    if (m_after_key) {
      m_after_key = false;
      return;
    }
    if (m_empty.empty()) return;
    if (m_empty.back() == 0) m_out.push_back(',');
    m_empty.back() = 0;
    newline();
  }
  void newline() {
    if (m_pretty) indent();
  }
  void indent();  ///< a line break and the indentation of the current depth

  std::string& m_out;
  bool m_pretty;
  int m_depth;
  std::vector<char> m_empty;  ///< per open container: 1 while nothing is written in it (chars: read at every value)
  bool m_after_key = false;
};

/// Texts that repeat across a batch (a rule's source and message, a strategy's title, a cost
/// note's reason) escaped once and copied after: each is found by a short id (the rule's, the
/// strategy's) and compared byte for byte with the text it was made from, so a text that differs
/// (a message with figures in it, a rule of the same id from another rule set) is escaped as
/// usual. Not shared between threads: each rendering thread keeps its own.
class EscapeCache {
 public:
  /// Appends `text` as a JSON string literal, as append_json_string() does.
  void append(std::string& out, std::string_view id, std::string_view text);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Entry {
    std::string text;
    std::string escaped;
  };
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> m_entries;
};

struct Diagnostic;

/// A diagnostic as a JSON object: {severity, code, message, file, line, column, path}.
void write_diagnostic(JsonWriter& w, const Diagnostic& d);

/// Appends `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace llmplan
