#include "llmplan/input/io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <new>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llmplan/output/atomic_file.hpp"

namespace llmplan {

namespace fs = std::filesystem;

namespace {

ReadResult failure(std::string code, std::string message) {
  return ReadResult{false, std::move(code), std::move(message)};
}

/// What a path's file type allows: regular files and FIFOs are read, the rest refused.
const char* refused_kind(mode_t mode) {
  if (S_ISREG(mode) || S_ISFIFO(mode)) return nullptr;
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device, not a regular file";
  if (S_ISSOCK(mode)) return "is a socket, not a regular file";
  return "is not a regular file";
}

std::string too_large(std::size_t max_bytes) {
  return "the input is larger than the limit of " + std::to_string(max_bytes) + " bytes";
}

/// Reads `fd` to its end, at most `max_bytes + 1` bytes.
ReadResult read_fd(int fd, std::size_t size_hint, std::string& out, std::size_t max_bytes) {
  try {
    std::string buffer;
    buffer.reserve(std::min(size_hint, max_bytes) + 1);
    char chunk[1 << 16];
    while (buffer.size() <= max_bytes) {
      const std::size_t want = std::min(sizeof chunk, max_bytes + 1 - buffer.size());
      const ssize_t n = ::read(fd, chunk, want);
      if (n < 0) {
        if (errno == EINTR) continue;
        return failure("unreadable", std::string("read error: ") + std::strerror(errno));
      }
      if (n == 0) {
        out = std::move(buffer);
        return ReadResult{true, {}, {}};
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    return failure("file-too-large", too_large(max_bytes));
  } catch (const std::bad_alloc&) {
    return failure("out-of-memory", "out of memory while reading");
  }
}

}  // namespace

namespace {

/// Opens `path` for reading after read_bounded()'s checks; on success `fd` is open and `st`
/// describes what was opened.
ReadResult open_checked(const std::string& path, std::size_t max_bytes, int& fd, struct stat& st) {
  fd = -1;
  if (::stat(path.c_str(), &st) != 0) return failure("unreadable", std::strerror(errno));
  if (const char* kind = refused_kind(st.st_mode)) return failure("not-a-file", kind);
  if (S_ISREG(st.st_mode) && static_cast<std::uintmax_t>(st.st_size) > max_bytes)
    return failure("file-too-large", too_large(max_bytes));
  fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return failure("unreadable", std::strerror(errno));
  // The path may have changed between stat() and open(): judge what was opened.
  if (::fstat(fd, &st) != 0 || refused_kind(st.st_mode) != nullptr) {
    const char* kind = refused_kind(st.st_mode);
    ::close(fd);
    fd = -1;
    return failure("not-a-file", kind != nullptr ? kind : "cannot be examined");
  }
  return ReadResult{true, {}, {}};
}

ReadResult read_stdin(std::string& out, std::size_t max_bytes) {
  // Standard input may be anything the caller redirected, /dev/zero included: bounded by size.
  struct stat st {};
  const std::size_t hint = ::fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : 0;
  if (hint > max_bytes) return failure("file-too-large", too_large(max_bytes));
  ReadResult r = read_fd(STDIN_FILENO, hint, out, max_bytes);
  if (!r.ok) out.clear();
  return r;
}

}  // namespace

ReadResult read_bounded(const std::string& path, std::string& out, std::size_t max_bytes) {
  out.clear();
  if (path == "-") return read_stdin(out, max_bytes);
  int fd = -1;
  struct stat st {};
  if (ReadResult r = open_checked(path, max_bytes, fd, st); !r.ok) return r;
  ReadResult r = read_fd(fd, S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : 0, out, max_bytes);
  ::close(fd);
  if (!r.ok) out.clear();
  return r;
}

bool read_text(const std::string& path, std::string& out, std::string& error) {
  const ReadResult r = read_bounded(path, out);
  if (!r.ok) error = r.message;
  return r.ok;
}

std::vector<std::string> expand_yaml_path(const std::string& path) {
  std::error_code ec;
  if (path == "-" || !fs::is_directory(path, ec)) return {path};
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    const auto ext = entry.path().extension().string();
    if ((ext == ".yaml" || ext == ".yml") && entry.is_regular_file(ec)) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool write_atomically(const std::string& path, const std::string& content, std::string& error) {
  AtomicFile file;
  return file.open(path, error) && file.write(content, error) && file.commit(error);
}

}  // namespace llmplan
