#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "llmplan/input/io.hpp"

using namespace llmplan;
namespace fs = std::filesystem;

namespace {

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
