#pragma once

#include <string>

#include "llmplan/output/atomic_file.hpp"

namespace llmplan::cli {

/// Where a command's result goes: standard output, or a file written atomically by AtomicFile
/// (a temporary file beside it, renamed into place by commit()). Until commit(), an existing
/// file is untouched. On a terminal, standard output is kept until commit() so that long output
/// can go through the pager.
class Output {
 public:
  /// Opens `path` ("" or "-" for standard output); false (after printing why) on failure.
  bool open(const std::string& path);
  bool write(const std::string& text);
  /// Flushes, and for a file renames it into place; false (after printing why) on failure.
  bool commit();

 private:
  AtomicFile m_file;
  bool m_stdout = false;
  bool m_paged = false;  ///< standard output on a terminal: kept until commit() for the pager
  std::string m_buffer;
  bool m_failed = false;
};

/// Writes everything still buffered for standard output; false (after printing why) when the
/// write failed (a full disk, a closed descriptor). Every command's result ends here.
bool flush_stdout();

}  // namespace llmplan::cli
