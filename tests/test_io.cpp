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

namespace {

// Plain reads, directory expansion and atomic replacement (the ordinary paths).

/// A fresh scratch folder, removed at the end of the test.
struct Scratch {
  fs::path dir;
  Scratch() : dir(fs::temp_directory_path() / fs::path("llmplan-io-" + std::to_string(::getpid()))) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path p = dir / name;
    std::ofstream(p) << text;
    return p.string();
  }
};

}  // namespace

TEST_CASE("read_text reads a file whole and names a missing one", "[io]") {
  Scratch s;
  const std::string path = s.write("a.yaml", "data: {labeled_examples: 1}\n");
  std::string text;
  std::string error;
  REQUIRE(read_text(path, text, error));
  CHECK(text == "data: {labeled_examples: 1}\n");
  CHECK_FALSE(read_text((s.dir / "missing.yaml").string(), text, error));
  CHECK_FALSE(error.empty());
}

TEST_CASE("a directory expands to its yaml files sorted", "[io]") {
  Scratch s;
  s.write("b.yaml", "");
  s.write("a.yml", "");
  s.write("c.txt", "");
  fs::create_directories(s.dir / "sub");
  s.write("sub/d.yaml", "");
  const auto files = expand_yaml_path(s.dir.string());
  REQUIRE(files.size() == 2);
  CHECK(fs::path(files[0]).filename() == "a.yml");
  CHECK(fs::path(files[1]).filename() == "b.yaml");
  CHECK(expand_yaml_path("no/such/file.yaml") == std::vector<std::string>{"no/such/file.yaml"});
}

TEST_CASE("write_atomically replaces a file whole and leaves nothing behind", "[io]") {
  Scratch s;
  const std::string path = s.write("out.json", "old");
  std::string error;
  REQUIRE(write_atomically(path, "new content", error));
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "new content");
  CHECK(std::distance(fs::directory_iterator(s.dir), fs::directory_iterator()) == 1);
  CHECK_FALSE(write_atomically((s.dir / "missing" / "x.json").string(), "x", error));
  CHECK_FALSE(error.empty());
}
