// Bounded reads and the one atomic writer (issue 11).
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "llmplan/input/io.hpp"
#include "llmplan/output/atomic_file.hpp"

using namespace llmplan;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "llmplan-io-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("a read stops one byte past the limit", "[io]") {
  TempDir dir;
  write_file(dir.path / "ten.yaml", "0123456789");
  std::string out;
  CHECK(read_bounded((dir.path / "ten.yaml").string(), out, 10).ok);
  CHECK(out == "0123456789");
  const ReadResult r = read_bounded((dir.path / "ten.yaml").string(), out, 9);
  CHECK_FALSE(r.ok);
  CHECK(r.code == "file-too-large");
  CHECK(out.empty());  // never a partial text
}

TEST_CASE("devices and directories are refused before any read", "[io]") {
  std::string out;
  const ReadResult zero = read_bounded("/dev/zero", out);
  CHECK_FALSE(zero.ok);
  CHECK(zero.code == "not-a-file");
  const ReadResult dir = read_bounded("/tmp", out);
  CHECK_FALSE(dir.ok);
  CHECK(dir.message == "is a directory");
  const ReadResult missing = read_bounded("/nonexistent/llmplan.yaml", out);
  CHECK_FALSE(missing.ok);
  CHECK(missing.code == "unreadable");
}

TEST_CASE("a sparse file larger than the limit is refused unread", "[io]") {
  TempDir dir;
  const fs::path big = dir.path / "sparse.yaml";
  write_file(big, "");
  fs::resize_file(big, std::uintmax_t{1} << 30);
  std::string out;
  const ReadResult r = read_bounded(big.string(), out);
  CHECK_FALSE(r.ok);
  CHECK(r.code == "file-too-large");
}

TEST_CASE("the atomic writer keeps the target mode", "[io]") {
  TempDir dir;
  const fs::path target = dir.path / "out.json";
  write_file(target, "old");
  ::chmod(target.c_str(), 0600);
  std::string error;
  REQUIRE(write_atomically(target.string(), "new", error));
  struct stat st {};
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(read_file(target) == "new");
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
}

TEST_CASE("the atomic writer writes through a symbolic link", "[io]") {
  TempDir dir;
  write_file(dir.path / "real.json", "old");
  fs::create_symlink("real.json", dir.path / "link.json");
  std::string error;
  REQUIRE(write_atomically((dir.path / "link.json").string(), "new", error));
  CHECK(fs::is_symlink(dir.path / "link.json"));
  CHECK(read_file(dir.path / "real.json") == "new");
  fs::create_symlink("missing.json", dir.path / "dangling.json");
  CHECK_FALSE(write_atomically((dir.path / "dangling.json").string(), "x", error));
  CHECK_FALSE(fs::exists(dir.path / "missing.json"));
}

TEST_CASE("an uncommitted atomic file leaves nothing behind", "[io]") {
  TempDir dir;
  {
    AtomicFile file;
    std::string error;
    REQUIRE(file.open((dir.path / "out.json").string(), error));
    REQUIRE(file.write("partial", error));
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);  // the temporary file
  }
  CHECK(fs::is_empty(dir.path));
}
