#pragma once

#include <string>
#include <string_view>

#include <sys/types.h>

namespace llmplan {

/// The one writer of result files (`-o`, `init`, `estimate -o`): a temporary file in the target's
/// directory, renamed into place by commit() when everything was written, so that readers never
/// see a half-written file and a failed run leaves the previous file untouched.
///
/// - A symbolic link is written through: the file it points to is replaced, the link stays. A
///   link to a missing file is refused (`-o` never creates files where a link points).
/// - The replaced file keeps its permission bits; a new file gets 0666 less the umask.
/// - A device or FIFO (`/dev/null`, `/dev/stdout`) is written in place, never replaced.
/// - Until commit(), the temporary file is registered for removal on SIGINT, SIGTERM and SIGHUP
///   (see install_signal_cleanup()), and the destructor removes it.
class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  /// Prepares to write `path`; false, with why in `error`, on failure.
  bool open(const std::string& path, std::string& error);
  /// Appends `data`; false, with why in `error`, on the first failed write (later calls fail too).
  bool write(std::string_view data, std::string& error);
  /// Flushes, syncs and renames into place; false, with why in `error`, on failure.
  bool commit(std::string& error);

 private:
  bool flush(std::string& error);
  void discard();

  std::string m_path;    ///< as given, for messages
  std::string m_target;  ///< where the content lands (a symbolic link resolved)
  std::string m_temp;
  std::string m_buffer;
  int m_fd = -1;
  int m_slot = -1;  ///< the signal-cleanup slot of m_temp
  mode_t m_mode = 0644;
  bool m_direct = false;
  bool m_failed = false;
};

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove every uncommitted temporary file
/// of AtomicFile, then end the process by the same signal. `main` calls it once.
void install_signal_cleanup();

}  // namespace llmplan
