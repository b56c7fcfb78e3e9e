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
  if (m_stdout) {
    if (!(std::cout << text)) {
      print_error(fmt::format("cannot write standard output: {}", std::strerror(errno)), "write-failed");
      m_failed = true;
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
  if (m_stdout) return flush_stdout();
  std::string error;
  if (!m_file.commit(error)) {
    print_error(error, "write-failed");
    return false;
  }
  return true;
}

bool flush_stdout() {
  errno = 0;
  std::cout.flush();
  const bool ok = !std::cout.fail() && std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
  if (!ok) {
    print_error(fmt::format("cannot write standard output: {}", errno != 0 ? std::strerror(errno) : "write error"),
                "write-failed");
    std::cout.clear();
  }
  return ok;
}

}  // namespace llmplan::cli
