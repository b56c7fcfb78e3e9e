#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace llmplan {

/// The most bytes one input file (profile, rule file, rule test, standard input) may hold.
constexpr std::size_t k_max_input_bytes = std::size_t{64} * 1024 * 1024;

/// The outcome of a bounded read: on failure, a stable diagnostic code and why.
struct ReadResult {
  bool ok = false;
  std::string code;     ///< `unreadable`, `file-too-large`, `not-a-file` or `out-of-memory`
  std::string message;  ///< for people, without the path
};

/// Reads a whole file, at most `max_bytes` (it reads `max_bytes + 1` at most, and refuses the
/// file when that last byte exists); `-` reads standard input the same way. Regular files,
/// FIFOs and standard input are read; directories, devices and sockets are refused before any
/// read. A read that fails for any reason fails as a whole: `out` is then empty.
ReadResult read_bounded(const std::string& path, std::string& out, std::size_t max_bytes = k_max_input_bytes);

/// read_bounded() with the reason as text. On failure returns false and says why.
bool read_text(const std::string& path, std::string& out, std::string& error);

/// Expands a path: a directory becomes its `*.yaml` and `*.yml` files, sorted; anything else
/// is returned as is (so that a missing file is reported by whoever reads it).
std::vector<std::string> expand_yaml_path(const std::string& path);

/// Writes `content` to `path` atomically through AtomicFile (see atomic_file.hpp). Returns false
/// and says why on failure, leaving any previous file untouched.
bool write_atomically(const std::string& path, const std::string& content, std::string& error);

}  // namespace llmplan
