#include "output.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.hpp"

namespace llmplan::cli {

Output::~Output() {
  if (m_direct && m_file != nullptr) {
    std::fclose(m_file);
    return;
  }
  if (m_file != nullptr && m_file != stdout) {
    std::fclose(m_file);
    ::unlink(m_temp.c_str());  // never committed: leave no partial file behind
  }
}

bool Output::open(const std::string& path) {
  if (path.empty() || path == "-") {
    m_file = stdout;
    m_paged = stdout_is_terminal();  // long output on a terminal goes through the pager at commit()
    return true;
  }
  m_path = path;
  // A device or pipe (/dev/null, /dev/stdout, a FIFO) is written as it is: renaming a temporary
  // file over it would replace the device with a plain file.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    m_file = std::fopen(path.c_str(), "w");
    m_direct = true;
    if (m_file == nullptr) {
      print_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)), "write-failed");
      return false;
    }
    return true;
  }
  const std::filesystem::path target(path);
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  m_temp = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(m_temp.data());
  if (fd < 0) {
    print_error(fmt::format("cannot create a temporary file in {}: {}", dir.string(), std::strerror(errno)), "write-failed");
    return false;
  }
  m_file = ::fdopen(fd, "w");
  return m_file != nullptr;
}

bool Output::write(const std::string& text) {
  if (m_failed) return false;
  if (m_paged) {
    m_buffer += text;
    return true;
  }
  if (std::fwrite(text.data(), 1, text.size(), m_file) != text.size()) {
    print_error(fmt::format("cannot write {}: {}", m_path.empty() ? "standard output" : m_path, std::strerror(errno)),
                "write-failed");
    m_failed = true;
  }
  return !m_failed;
}

bool Output::commit() {
  if (m_paged) return write_stdout(m_buffer) && !m_failed;
  if (m_file == stdout) return std::fflush(stdout) == 0 && !m_failed;
  if (m_direct) {
    const bool closed = std::fclose(m_file) == 0;  // a short text fails only here, on the final flush
    m_file = nullptr;
    if (!closed && !m_failed) print_error(fmt::format("cannot write {}: {}", m_path, std::strerror(errno)), "write-failed");
    return closed && !m_failed;
  }
  const bool flushed = std::fflush(m_file) == 0 && ::fsync(::fileno(m_file)) == 0;
  const bool closed = std::fclose(m_file) == 0;
  m_file = nullptr;
  if (m_failed || !flushed || !closed || ::chmod(m_temp.c_str(), 0644) != 0 || std::rename(m_temp.c_str(), m_path.c_str()) != 0) {
    if (!m_failed) print_error(fmt::format("cannot write {}: {}", m_path, std::strerror(errno)), "write-failed");
    ::unlink(m_temp.c_str());
    return false;
  }
  return true;
}

}  // namespace llmplan::cli
