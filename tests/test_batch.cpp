// Streaming batches (issue 14): a file's documents loaded a few at a time give the same profiles
// as loading it whole.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "helpers.hpp"
#include "llmplan/input/io.hpp"
#include "llmplan/output/json_writer.hpp"

using namespace llmplan;
using namespace llmplan::test;
namespace fs = std::filesystem;

namespace {

/// What a loaded profile shows the rest of the program, as text to compare.
std::string summary_of(const LoadedProfile& p) {
  std::string out = p.profile.file + "|" + p.profile.name + "|" + p.profile.facts.text("name") + "|";
  for (const auto& d : p.diagnostics.items()) out += format_diagnostic(d) + ";";
  out += "|";
  for (const auto& a : p.profile.assumptions) out += a.field + ",";
  out += "|";
  for (const auto& [path, loc] : p.profile.locations) out += fmt::format("{}@{}:{},", path, loc.line, loc.column);
  return out;
}

std::vector<std::string> summaries(const std::vector<LoadedProfile>& profiles) {
  std::vector<std::string> out;
  for (const auto& p : profiles) out.push_back(summary_of(p));
  return out;
}

/// The profiles of `text` loaded through ProfileStream, `step(rng)` parts at a time.
std::vector<LoadedProfile> load_in_steps(std::string_view text, const std::string& file, std::mt19937& rng, int max_step) {
  ProfileStream stream(text, file, default_rules().catalog);
  std::vector<LoadedProfile> out;
  std::uniform_int_distribution<int> step(1, max_step);
  while (!stream.done()) {
    const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(step(rng)), stream.parts_left());
    std::vector<std::vector<LoadedProfile>> loaded;
    for (std::size_t k = 0; k < n; ++k) loaded.push_back(stream.load(stream.next_part() + k));
    stream.accept(std::move(loaded), out);
  }
  return out;
}

/// A random document of a batch: valid, invalid, broken YAML, empty or a comment; named or not.
std::string random_document(std::mt19937& rng, int i) {
  switch (rng() % 9) {
    case 0: return "";
    case 1: return "# a comment, no profile\n";
    case 2: return "name: broken-" + std::to_string(i) + "\ntask: {type: chat\n";
    case 3: return minimal_profile("task:\n  type: chatbot\n");  // unnamed and invalid
    case 4: return minimal_profile("hardware:\n  gpu: nope\n  count: 1\n");
    case 5: return minimal_profile();  // unnamed: FILE#N when the file holds several
    default: return "name: p-" + std::to_string(i) + "\n" + minimal_profile();
  }
}

}  // namespace

TEST_CASE("a stream of documents loaded in steps gives the profiles of loading it whole", "[batch][property]") {
  std::mt19937 rng(14);
  for (int trial = 0; trial < 150; ++trial) {
    const int documents = static_cast<int>(rng() % 12);
    std::string text;
    for (int i = 0; i < documents; ++i) text += (rng() % 4 == 0 && i == 0 ? "" : "---\n") + random_document(rng, i);
    if (rng() % 10 == 0) text += "...\n";
    const auto whole = summaries(load_profiles(text, "dir/stream.yaml", default_rules().catalog));
    for (int max_step : {1, 2, 5}) {
      INFO("trial " << trial << ", steps of up to " << max_step << ":\n" << text);
      CHECK(summaries(load_in_steps(text, "dir/stream.yaml", rng, max_step)) == whole);
    }
  }
}

TEST_CASE("a stream names a lone unnamed profile after its file only when it is the file's only one", "[batch]") {
  std::mt19937 rng(1);
  const std::string two = "---\n# nothing\n---\n" + minimal_profile() + "---\n\n---\n" + minimal_profile();
  const auto steps = load_in_steps(two, "x/pair.yaml", rng, 1);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].profile.name == "pair#1");
  CHECK(steps[1].profile.name == "pair#2");
  const auto one = load_in_steps("---\n" + minimal_profile() + "---\n# nothing more\n", "x/solo.yaml", rng, 1);
  REQUIRE(one.size() == 1);
  CHECK(one[0].profile.name == "solo");
  const auto none = load_in_steps("# nothing\n", "x/empty.yaml", rng, 1);
  REQUIRE(none.size() == 1);
  CHECK(has_code(none[0].diagnostics, "empty-profile"));
}

TEST_CASE("texts escaped once are the texts escaped every time", "[batch][json]") {
  EscapeCache cache;
  std::mt19937 rng(3);
  const std::vector<std::string> alphabet = {"a", "Z", " ", "\"", "\\", "\n", "\t", "\x01", "\x7f", "é", "\u2028", "\xff", "}"};
  for (int trial = 0; trial < 2000; ++trial) {
    const std::string id = "rule-" + std::to_string(rng() % 7);  // ids repeat with other texts
    std::string text;
    for (std::size_t n = rng() % 12; n > 0; --n) text += alphabet[rng() % alphabet.size()];
    for (int again = 0; again < 2; ++again) {
      std::string got = "x";
      std::string want = "x";
      cache.append(got, id, text);
      append_json_string(want, text);
      REQUIRE(got == want);
    }
  }
}

TEST_CASE("a literal key is written as an escaped key is", "[batch][json]") {
  for (const bool pretty : {false, true}) {
    std::string literal;
    std::string viewed;
    JsonWriter a(literal, pretty);
    JsonWriter b(viewed, pretty);
    a.begin_object();
    b.begin_object();
    a.field("low", 1);
    b.field(std::string_view("low"), 1);
    a.key("name");
    b.key(std::string_view("name"));
    a.value("x");
    b.value("x");
    a.end_object();
    b.end_object();
    CHECK(literal == viewed);
  }
}
