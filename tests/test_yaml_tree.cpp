#include <catch2/catch.hpp>

#include "helpers.hpp"
#include "llmplan/yaml_tree.hpp"

using namespace llmplan;
using llmplan::test::has_code;

TEST_CASE("yaml tree keeps 1-based locations", "[yaml]") {
  Diagnostics diags;
  auto docs = parse_yaml("a:\n  b: 5\n  c: [x, y]\n", "f.yaml", diags);
  REQUIRE(docs.size() == 1);
  REQUIRE_FALSE(diags.has_errors());
  const YamlNode* a = docs[0].find("a");
  REQUIRE(a);
  const YamlNode* b = a->find("b");
  REQUIRE(b);
  CHECK(b->value == "5");
  CHECK(b->loc.line == 2);
  CHECK(b->loc.column == 6);
  const YamlNode* c = a->find("c");
  REQUIRE(c);
  REQUIRE(c->items.size() == 2);
  CHECK(c->items[1].loc.column == 10);
}

TEST_CASE("yaml tree refuses aliases and cycles", "[yaml]") {
  Diagnostics diags;
  auto docs = parse_yaml("a: &x [1, 2]\nb: *x\nc: &y [*y]\n", "f.yaml", diags);
  CHECK(has_code(diags, "yaml-alias"));
  CHECK(diags.error_count() == 2);
}

TEST_CASE("yaml tree reports duplicate keys at the second key", "[yaml]") {
  Diagnostics diags;
  parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml", diags);
  REQUIRE(diags.error_count() == 1);
  const auto& d = diags.items().front();
  CHECK(d.code == "duplicate-key");
  CHECK(d.loc.line == 3);
  CHECK(d.message.find("line 1") != std::string::npos);
}

TEST_CASE("yaml tree reads several documents", "[yaml]") {
  Diagnostics diags;
  auto docs = parse_yaml("---\na: 1\n---\nb: 2\n", "f.yaml", diags);
  CHECK(docs.size() == 2);
}

TEST_CASE("yaml tree reports syntax errors with a location", "[yaml]") {
  Diagnostics diags;
  parse_yaml("a: [1, 2\nb: 3\n", "f.yaml", diags);
  REQUIRE(has_code(diags, "yaml-syntax"));
  CHECK(diags.items().front().loc.line >= 1);
}

TEST_CASE("yaml tree bounds the work of one file", "[yaml]") {
  Diagnostics diags;
  std::string big = "[";
  for (int i = 0; i < 5000; ++i) big += "1,";
  big += "1]";
  parse_yaml(big, "f.yaml", diags, YamlLimits{1 << 20, 1000});
  CHECK(has_code(diags, "yaml-too-large"));
  Diagnostics size_diags;
  parse_yaml(std::string(2000, ' '), "f.yaml", size_diags, YamlLimits{1000, 1000});
  CHECK(has_code(size_diags, "file-too-large"));
}

TEST_CASE("yaml tree survives deep nesting", "[yaml]") {
  Diagnostics diags;
  std::string deep(100000, '[');
  parse_yaml(deep, "f.yaml", diags);
  CHECK(diags.has_errors());
}

TEST_CASE("scalar locations point inside quoted and block scalars", "[yaml]") {
  const std::string text = "a: \"x < 5\"\nb: |\n  first\n  second line\n";
  Diagnostics diags;
  auto docs = parse_yaml(text, "f.yaml", diags);
  REQUIRE(docs.size() == 1);
  const YamlNode* a = docs[0].find("a");
  CHECK(scalar_location(*a, 2, text).column == 7);
  const YamlNode* b = docs[0].find("b");
  const SourceLoc loc = scalar_location(*b, b->value.find("line"), text);
  CHECK(loc.line == 4);
  CHECK(loc.column == 10);
}
