#include "llmplan/input/diagnostic.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "llmplan/output/escape.hpp"

namespace llmplan {

void Diagnostics::add(Diagnostic diagnostic) {
  m_items.push_back(std::move(diagnostic));
}

void Diagnostics::error(std::string code, std::string message, SourceLoc loc, std::string path) {
  add({Severity::error, std::move(code), std::move(message), std::move(loc), std::move(path)});
}

void Diagnostics::warning(std::string code, std::string message, SourceLoc loc, std::string path) {
  add({Severity::warning, std::move(code), std::move(message), std::move(loc), std::move(path)});
}

void Diagnostics::append(const Diagnostics& other) {
  m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

bool Diagnostics::has_errors() const {
  return error_count() > 0;
}

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(m_items.begin(), m_items.end(), [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

void Diagnostics::sort() {
  std::stable_sort(m_items.begin(), m_items.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.loc.file, a.loc.line, a.loc.column, a.code) < std::tie(b.loc.file, b.loc.line, b.loc.column, b.code);
  });
}

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

std::string format_diagnostic(const Diagnostic& d) {
  // One line whatever the input: a file name or message from input cannot start a new line
  // (a forged `::error` workflow command on standard error) nor drive the terminal.
  std::string where = d.loc.file.empty() ? std::string("llmplan") : escape_terminal(d.loc.file);
  if (d.loc.line > 0) {
    where += fmt::format(":{}:{}", d.loc.line, std::max(d.loc.column, 1));
  }
  return fmt::format("{}: {}: {} [{}]", where, severity_name(d.severity), escape_terminal(d.message), escape_terminal(d.code));
}

}  // namespace llmplan
