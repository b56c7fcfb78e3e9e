#include "llmplan/output/atomic_file.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace llmplan {

namespace {

/// Temporary files to remove on a signal: fixed storage, so that the handler only reads memory
/// and calls unlink(), both async-signal-safe.
struct CleanupSlot {
  std::atomic<bool> used{false};   ///< reserved
  std::atomic<bool> ready{false};  ///< `path` holds a whole name
  char path[PATH_MAX + 1] = {};
};
std::array<CleanupSlot, 32> g_slots;

int register_temp(const std::string& path) {
  if (path.size() > PATH_MAX) return -1;
  for (std::size_t i = 0; i < g_slots.size(); ++i) {
    bool expected = false;
    if (g_slots[i].used.load() || !g_slots[i].used.compare_exchange_strong(expected, true)) continue;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    g_slots[i].ready.store(true);
    return static_cast<int>(i);
  }
  return -1;  // more than 32 files at once: the destructor still removes them on a normal exit
}

void unregister_temp(int slot) {
  if (slot < 0) return;
  g_slots[static_cast<std::size_t>(slot)].ready.store(false);
  g_slots[static_cast<std::size_t>(slot)].used.store(false);
}

extern "C" void remove_temps_and_die(int sig) {
  for (auto& slot : g_slots) {
    if (slot.ready.load()) ::unlink(slot.path);
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

std::string errno_text() {
  return std::strerror(errno);
}

}  // namespace

void install_signal_cleanup() {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction action {};
    action.sa_handler = remove_temps_and_die;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    struct sigaction old {};
    // A signal the caller chose to ignore (nohup) stays ignored.
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(sig, &action, nullptr);
  }
}

AtomicFile::~AtomicFile() {
  discard();
}

void AtomicFile::discard() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
  if (!m_direct && !m_temp.empty()) ::unlink(m_temp.c_str());  // never committed: leave nothing behind
  unregister_temp(m_slot);
  m_slot = -1;
  m_temp.clear();
}

bool AtomicFile::open(const std::string& path, std::string& error) {
  namespace fs = std::filesystem;
  m_path = path;
  m_target = path;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char resolved[PATH_MAX + 1] = {};
    if (::realpath(path.c_str(), resolved) == nullptr) {
      error = "cannot write " + path + ": it is a symbolic link to a missing or unreachable file (" + errno_text() +
              "); llmplan writes through a link only to an existing file";
      return false;
    }
    m_target = resolved;
  }
  const bool exists = ::stat(m_target.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    error = "cannot write " + path + ": it is a directory";
    return false;
  }
  if (exists && !S_ISREG(st.st_mode)) {
    // A device or pipe is written as it is: renaming over it would replace the device.
    m_direct = true;
    m_fd = ::open(m_target.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (m_fd < 0) {
      error = "cannot write " + path + ": " + errno_text();
      return false;
    }
    return true;
  }
  if (exists) {
    m_mode = st.st_mode & 07777;  // the replaced file keeps its permissions
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    m_mode = 0666 & ~mask;
  }
  const fs::path target(m_target);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  m_temp = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  m_fd = ::mkostemp(m_temp.data(), O_CLOEXEC);
  if (m_fd < 0) {
    error = "cannot create a temporary file in " + dir.string() + ": " + errno_text();
    m_temp.clear();
    return false;
  }
  m_slot = register_temp(m_temp);
  return true;
}

bool AtomicFile::flush(std::string& error) {
  std::size_t written = 0;
  while (written < m_buffer.size()) {
    const ssize_t n = ::write(m_fd, m_buffer.data() + written, m_buffer.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = "cannot write " + m_path + ": " + errno_text();
      m_failed = true;
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  m_buffer.clear();
  return true;
}

bool AtomicFile::write(std::string_view data, std::string& error) {
  if (m_fd < 0 || m_failed) {
    if (error.empty()) error = "cannot write " + m_path;
    return false;
  }
  m_buffer.append(data);
  return m_buffer.size() < (std::size_t{1} << 16) || flush(error);
}

bool AtomicFile::commit(std::string& error) {
  if (m_fd < 0 || m_failed || !flush(error)) {
    if (error.empty()) error = "cannot write " + m_path;
    discard();
    return false;
  }
  if (m_direct) {
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) {
      error = "cannot write " + m_path + ": " + errno_text();
      return false;
    }
    return true;
  }
  if (::fsync(m_fd) != 0 || ::fchmod(m_fd, m_mode) != 0) {
    error = "cannot flush " + m_path + ": " + errno_text();
    discard();
    return false;
  }
  const int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0) {
    error = "cannot write " + m_path + ": " + errno_text();
    discard();
    return false;
  }
  if (::rename(m_temp.c_str(), m_target.c_str()) != 0) {
    error = "cannot replace " + m_path + ": " + errno_text();
    discard();
    return false;
  }
  unregister_temp(m_slot);
  m_slot = -1;
  m_temp.clear();
  return true;
}

}  // namespace llmplan
