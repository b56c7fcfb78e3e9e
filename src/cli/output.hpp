#pragma once

#include <cstdio>
#include <string>

namespace llmplan::cli {

/// Where a command's result goes: standard output, or a file written atomically (a temporary
/// file beside it, renamed into place by commit()). Until commit(), an existing file is untouched.
class Output {
 public:
  Output() = default;
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output();

  /// Opens `path` ("" or "-" for standard output); false (after printing why) on failure.
  bool open(const std::string& path);
  bool write(const std::string& text);
  /// Flushes, and for a file renames it into place; false (after printing why) on failure.
  bool commit();

 private:
  std::string m_path;
  std::string m_temp;
  std::FILE* m_file = nullptr;
  bool m_failed = false;
  bool m_direct = false;  ///< a device or pipe, written without a temporary file
  bool m_paged = false;   ///< standard output on a terminal: kept until commit() for the pager
  std::string m_buffer;
};

}  // namespace llmplan::cli
