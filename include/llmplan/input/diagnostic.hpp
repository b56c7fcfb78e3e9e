#pragma once

#include <string>
#include <vector>

namespace llmplan {

/// A place in an input file. Lines and columns are 1-based; 0 means unknown.
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;
};

enum class Severity { error, warning, note };

/// One finding about an input: a stable code, a message for people, where it is,
/// and the field path it concerns (e.g. `budget.one_time_usd`), if any.
struct Diagnostic {
  Severity severity = Severity::error;
  std::string code;
  std::string message;
  SourceLoc loc;
  std::string path;
};

/// Collects every finding of a step, so that all errors of a file are reported together.
/// Core code never prints: it returns diagnostics and the caller decides.
class Diagnostics {
 public:
  void add(Diagnostic diagnostic);
  void error(std::string code, std::string message, SourceLoc loc, std::string path = {});
  void warning(std::string code, std::string message, SourceLoc loc, std::string path = {});
  void append(const Diagnostics& other);

  [[nodiscard]] bool has_errors() const;
  [[nodiscard]] std::size_t error_count() const;
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return m_items; }
  [[nodiscard]] bool empty() const { return m_items.empty(); }

  /// Orders by file, line, column, then code, so that output is stable.
  void sort();

 private:
  std::vector<Diagnostic> m_items;
};

const char* severity_name(Severity severity);

/// `file:line:col: error: message [code]`, the form compilers and CI annotators understand.
std::string format_diagnostic(const Diagnostic& diagnostic);

}  // namespace llmplan
