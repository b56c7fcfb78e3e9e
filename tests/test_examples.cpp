// Each shipped example says, in a comment, what a careful adviser would pick; the advice must agree.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "helpers.hpp"
#include "llmplan/rules/engine.hpp"

using namespace llmplan;
using namespace llmplan::test;

TEST_CASE("every example gets the advice its comment defends", "[examples]") {
  const std::filesystem::path dir = std::filesystem::path(LLMPLAN_SOURCE_DIR) / "examples";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 10);
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    const auto marker = text.find("# llmplan-expect: ");
    INFO(file.string());
    REQUIRE(marker != std::string::npos);
    const std::string expected = text.substr(marker + 18, text.find('\n', marker) - marker - 18);
    LoadedProfile p = load_one(text, file.string());
    REQUIRE(p.valid());
    const Advice a = advise(p.profile, default_rules());
    REQUIRE(a.recommendation);
    CHECK(*a.recommendation == expected);
  }
}

TEST_CASE("the finance example keeps pretraining viable", "[examples]") {
  std::ifstream in(std::filesystem::path(LLMPLAN_SOURCE_DIR) / "examples" / "finance-foundation.yaml");
  std::stringstream buffer;
  buffer << in.rdbuf();
  LoadedProfile p = load_one(buffer.str());
  const Advice a = advise(p.profile, default_rules());
  for (const auto& r : a.ranking) {
    if (r.strategy->id == "pretrain") CHECK(r.verdict == Verdict::viable);
  }
}
