#pragma once

#include <string>
#include <string_view>
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

 private:
  void open(char bracket);
  void close(char bracket);
  void before_value();
  void newline();

  std::string& m_out;
  bool m_pretty;
  int m_depth;
  std::vector<bool> m_empty;  ///< per open container: nothing written in it yet
  bool m_after_key = false;
};

struct Diagnostic;

/// A diagnostic as a JSON object: {severity, code, message, file, line, column, path}.
void write_diagnostic(JsonWriter& w, const Diagnostic& d);

/// Appends `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace llmplan
