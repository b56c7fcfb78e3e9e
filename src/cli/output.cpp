#include "output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include <fmt/format.h>

#include "common.hpp"

namespace llmplan::cli {

bool Output::open(const std::string& path) {
  if (path.empty() || path == "-") {
    m_stdout = true;
    m_paged = stdout_is_terminal();  // long output on a terminal goes through the pager at commit()
    return true;
  }
  std::string error;
  if (!m_file.open(path, error)) {
    print_error(error, "write-failed");
    m_failed = true;
    return false;
  }
  return true;
}

bool Output::write(const std::string& text) {
  if (m_failed) return false;
  if (m_paged) {
    m_buffer += text;
    return true;
  }
  if (m_stdout) {
    if (!(std::cout << text)) {
      m_failed = true;
      flush_stdout();  // reports the failure, once
    }
    return !m_failed;
  }
  std::string error;
  if (!m_file.write(text, error)) {
    print_error(error, "write-failed");
    m_failed = true;
  }
  return !m_failed;
}

bool Output::commit() {
  if (m_failed) return false;
  if (m_paged) return write_stdout(m_buffer) && flush_stdout();
  if (m_stdout) return flush_stdout();
  std::string error;
  if (!m_file.commit(error)) {
    print_error(error, "write-failed");
    return false;
  }
  return true;
}

bool flush_stdout() {
  static bool failed = false;  // reported once: the final flush in main must not repeat it
  if (failed) return false;
  int error = errno;  // a write that already failed set it
  bool ok = !std::cout.fail();
  if (ok) {
    errno = 0;
    std::cout.flush();
    ok = !std::cout.fail();
    error = errno;
  }
  if (ok) {
    errno = 0;
    ok = std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
    error = errno;
  }
  if (!ok) {
    failed = true;
    print_error(fmt::format("cannot write standard output: {}", error != 0 ? std::strerror(error) : "write error"),
                "write-failed");
  }
  return ok;
}

}  // namespace llmplan::cli
