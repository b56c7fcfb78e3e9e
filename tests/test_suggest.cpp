#include <catch2/catch.hpp>

#include "llmplan/input/suggest.hpp"

using namespace llmplan;

TEST_CASE("edit distance counts insertions deletions and substitutions", "[suggest]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "abc") == 0);
  CHECK(edit_distance("budget", "budjet") == 1);
  CHECK(edit_distance("rag", "ragg") == 1);
  CHECK(edit_distance("peft", "eft") == 1);
  CHECK(edit_distance("", "four") == 4);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("the closest candidate is suggested only when a typo is likely", "[suggest]") {
  const std::vector<std::string> keys = {"budget", "data", "domain", "risk", "usage"};
  CHECK(closest_match("budjet", keys) == "budget");
  CHECK(closest_match("dta", keys) == "data");
  CHECK(closest_match("completely-different", keys).empty());
  CHECK(closest_match("x", keys).empty());
  CHECK(closest_match("budget", {}).empty());
  CHECK(did_you_mean("risc", keys) == " (did you mean `risk`?)");
  CHECK(did_you_mean("zzzzzz", keys).empty());
}
