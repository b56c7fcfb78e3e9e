#pragma once

#include <string>
#include <vector>

namespace llmplan {

/// Reads a whole file; `-` reads standard input. On failure returns false and says why.
bool read_text(const std::string& path, std::string& out, std::string& error);

/// Expands a path: a directory becomes its `*.yaml` and `*.yml` files, sorted; anything else
/// is returned as is (so that a missing file is reported by whoever reads it).
std::vector<std::string> expand_yaml_path(const std::string& path);

/// Writes `content` to `path` atomically: a temporary file in the same directory, flushed and
/// renamed into place, so that readers never see a half-written file. Returns false and
/// says why on failure, leaving any previous file untouched.
bool write_atomically(const std::string& path, const std::string& content, std::string& error);

}  // namespace llmplan
