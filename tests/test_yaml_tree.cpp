#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "helpers.hpp"
#include "llmplan/input/yaml_tree.hpp"

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

TEST_CASE("yaml tree bounds lists and mappings and finds duplicates among many keys", "[yaml]") {
  Diagnostics list_diags;
  std::string list = "x: [";
  for (int i = 0; i < 10; ++i) list += "1, ";
  list += "1]";
  YamlLimits limits;
  limits.max_entries = 10;
  parse_yaml(list, "f.yaml", list_diags, limits);
  REQUIRE(list_diags.error_count() == 1);
  CHECK(list_diags.items().front().message == "a list of more than 10 items; refusing to read further");
  CHECK(list_diags.items().front().loc.column == 35);

  // 40,000 keys and a duplicate at the end: found, and fast (the check was quadratic once).
  Diagnostics map_diags;
  std::string map = "{";
  for (int i = 0; i < 40000; ++i) map += fmt::format("k{}: 1, ", i);
  map += "k7: 2}";
  limits.max_entries = 100000;
  parse_yaml(map, "f.yaml", map_diags, limits);
  REQUIRE(map_diags.error_count() == 1);
  CHECK(map_diags.items().front().code == "duplicate-key");
  CHECK(map_diags.items().front().message == "duplicate key `k7` (first defined at line 1)");

  Diagnostics default_diags;
  parse_yaml(map, "f.yaml", default_diags);
  CHECK(default_diags.items().front().message == "a mapping of more than 10000 keys; refusing to read further");
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

namespace {
void check_same(const YamlNode& a, const YamlNode& b) {
  CHECK(a.kind == b.kind);
  CHECK(a.loc.line == b.loc.line);
  CHECK(a.loc.column == b.loc.column);
  CHECK(a.offset == b.offset);
  CHECK(a.plain == b.plain);
  CHECK(a.value == b.value);
  REQUIRE(a.items.size() == b.items.size());
  for (std::size_t i = 0; i < a.items.size(); ++i) check_same(a.items[i], b.items[i]);
  REQUIRE(a.entries.size() == b.entries.size());
  for (std::size_t i = 0; i < a.entries.size(); ++i) {
    check_same(a.entries[i].first, b.entries[i].first);
    check_same(a.entries[i].second, b.entries[i].second);
  }
}
}  // namespace

TEST_CASE("embedded rule trees equal a fresh parse of their text", "[yaml]") {
  for (const auto& source : default_rule_sources()) {
    INFO(source.name);
    REQUIRE_FALSE(source.tree.empty());
    Diagnostics diags;
    const auto parsed = parse_yaml(source.text, source.name, diags);
    const auto stored = deserialize_yaml(source.tree, source.name);
    CHECK_FALSE(diags.has_errors());
    REQUIRE(parsed.size() == stored.size());
    for (std::size_t i = 0; i < parsed.size(); ++i) check_same(parsed[i], stored[i]);
  }
}

TEST_CASE("serialized trees keep scalars with any bytes", "[yaml]") {
  Diagnostics diags;
  const auto docs = parse_yaml("a: \"x:y,3:4\\n\"\nb: [~, 'q', {c: 1}]\n", "f.yaml", diags);
  const auto back = deserialize_yaml(serialize_yaml(docs), "f.yaml");
  REQUIRE(back.size() == 1);
  check_same(docs[0], back[0]);
}

TEST_CASE("streams split at document markers with their line numbers", "[yaml]") {
  const std::string text = "# head\n---\na: 1\n---\nb: |\n  --- not a marker when indented\n--- # third\nc: 3\n";
  const auto parts = split_yaml_documents(text);
  REQUIRE(parts.size() == 4);
  CHECK(parts[1].line_offset == 1);
  CHECK(parts[3].line_offset == 6);
  Diagnostics diags;
  const auto docs = parse_yaml(parts[3].text, "f.yaml", diags, {}, parts[3].line_offset, parts[3].byte_offset);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].find("c")->loc.line == 8);
  CHECK(split_yaml_documents("%YAML 1.2\n---\na: 1\n---\nb: 2\n").size() == 1);
}

TEST_CASE("a lone CR line end is refused with its line", "[yaml]") {
  Diagnostics diags;
  const auto docs = parse_yaml("a: 1\nb: 2\rc: 3\n", "cr.yaml", diags);
  CHECK(docs.empty());
  REQUIRE(diags.error_count() == 1);
  CHECK(diags.items().front().code == "bad-text");
  CHECK(diags.items().front().loc.line == 2);
  Diagnostics crlf;
  CHECK(parse_yaml("a: 1\r\nb: 2\r\n", "crlf.yaml", crlf).size() == 1);
  CHECK(crlf.empty());
}

TEST_CASE("documents beyond the limit are refused before they are built", "[yaml]") {
  std::string stream;
  for (int i = 0; i < 100001; ++i) stream += "---\n";
  Diagnostics diags;
  CHECK(parse_yaml(stream, "many.yaml", diags).empty());
  CHECK(diags.error_count() == 1);
  CHECK(diags.items().front().code == "yaml-too-large");
  CHECK(split_yaml_documents(stream).size() == 1);  // whole, for parse_yaml to refuse
  std::string at_limit;
  for (int i = 0; i < 100000; ++i) at_limit += "---\n";
  CHECK(split_yaml_documents(at_limit).size() == 100000);
  std::string unmarked = "a: 1\n";
  for (int i = 0; i < 100000; ++i) unmarked += "---\n";
  CHECK(split_yaml_documents(unmarked).size() == 1);  // 100,001 documents
}

namespace {

struct ParseResult {
  std::vector<YamlNode> documents;
  std::vector<std::string> messages;
};

ParseResult parse_with(bool subset, std::string_view text, int line_offset = 0, std::size_t byte_offset = 0) {
  set_yaml_subset_reader(subset);
  ParseResult r;
  Diagnostics diags;
  r.documents = parse_yaml(text, "t.yaml", diags, {}, line_offset, byte_offset);
  set_yaml_subset_reader(true);
  for (const auto& d : diags.items()) r.messages.push_back(format_diagnostic(d));
  return r;
}

/// Parses `text` with and without the subset reader; counts the texts the subset reader took.
void check_same_parse(std::string_view text, int& taken, int line_offset = 0, std::size_t byte_offset = 0) {
  const ParseResult fast = parse_with(true, text, line_offset, byte_offset);
  const ParseResult slow = parse_with(false, text, line_offset, byte_offset);
  if (read_yaml_subset(text, "t.yaml", {}, line_offset, byte_offset)) ++taken;
  bool same = fast.messages == slow.messages && fast.documents.size() == slow.documents.size();
  for (std::size_t i = 0; same && i < fast.documents.size(); ++i) same = same_tree(fast.documents[i], slow.documents[i]);
  if (!same) {
    INFO(text);
    CHECK(same);
  }
}

/// Every YAML file of the repository's examples and tests, and its path.
std::vector<std::pair<std::filesystem::path, std::string>> shipped_yaml_files() {
  std::vector<std::pair<std::filesystem::path, std::string>> texts;
  for (const char* dir : {"examples", "tests/data", "tests/hostile", "rules", "tests/golden"}) {
    const std::filesystem::path root = std::filesystem::path(LLMPLAN_SOURCE_DIR) / dir;
    if (!std::filesystem::exists(root)) continue;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      texts.emplace_back(file, std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
    }
  }
  return texts;
}

}  // namespace

TEST_CASE("the subset reader builds the tree yaml-cpp builds for every shipped file", "[yaml]") {
  const auto files = shipped_yaml_files();
  REQUIRE(files.size() > 50);
  int taken = 0;
  for (const auto& [path, text] : files) {
    check_same_parse(text, taken);
    for (const auto& part : split_yaml_documents(text)) check_same_parse(part.text, taken, part.line_offset, part.byte_offset);
    // The shipped example profiles are written as most profiles are: the subset reader takes
    // each (a reader that refused everything would pass the comparisons above).
    if (path.parent_path().filename() == "examples") {
      INFO(path.string());
      CHECK(read_yaml_subset(text, "t.yaml"));
    }
  }
}

TEST_CASE("the subset reader builds the tree yaml-cpp builds for mutated files", "[yaml]") {
  // Random edits of the shipped files: every text the subset reader takes must read as
  // yaml-cpp reads it, and every one it refuses goes to yaml-cpp.
  const auto files = shipped_yaml_files();
  const std::string inserts = " \n#:-[],\"'\t~&*!|>?%@`{}a0._$";
  std::mt19937 random(2026);
  int taken = 0;
  int tried = 0;
  for (const auto& [path, original] : files) {
    for (const auto& part : split_yaml_documents(original)) {
      if (part.text.size() > 4000) continue;
      // The example profiles are what the subset reader is for: more edits of them.
      const int rounds = path.parent_path().filename() == "examples" ? 400 : 40;
      for (int round = 0; round < rounds; ++round) {
        std::string text(part.text);
        for (int edits = 1 + static_cast<int>(random() % 3); edits > 0 && !text.empty(); --edits) {
          const std::size_t at = random() % text.size();
          switch (random() % 4) {
            case 0: text.erase(at, 1); break;
            case 1: text.insert(at, 1, inserts[random() % inserts.size()]); break;
            case 2: text.insert(at, "  "); break;
            default: {
              const std::size_t start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
              const std::size_t end = text.find('\n', at);
              text.insert(start, text.substr(start, end == std::string::npos ? std::string::npos : end - start + 1));
            }
          }
        }
        check_same_parse(text, taken);
        ++tried;
      }
    }
  }
  INFO(taken << " of " << tried << " mutated texts taken");
  CHECK(taken > tried / 10);
}

TEST_CASE("the subset reader leaves deep and wide mappings and long keys to yaml-cpp", "[yaml]") {
  std::string deep;
  for (int level = 0; level < 20; ++level) deep += std::string(static_cast<std::size_t>(2 * level), ' ') + "k:\n";
  deep += std::string(40, ' ') + "v: 1\n";
  std::string wide;
  for (int key = 0; key < 100; ++key) wide += fmt::format("key{}: {}\n", key, key);
  const std::string long_key = std::string(200, 'k') + ": 1\n";
  int taken = 0;
  for (const std::string& text : {deep, wide, long_key}) {
    CHECK_FALSE(read_yaml_subset(text, "t.yaml"));
    check_same_parse(text, taken);
  }
  // Within the limits, the same shapes are taken.
  CHECK(read_yaml_subset("a:\n  b:\n    c: 1\n", "t.yaml"));
  CHECK(read_yaml_subset("key1: 1\nkey2: 2\n", "t.yaml"));
  CHECK(taken == 0);
}

TEST_CASE("the subset reader agrees with yaml-cpp on constructs at its edges", "[yaml]") {
  // Texts a hand-written reader gets wrong most easily: indicators inside and at the start of
  // values, comments without a space, continuations, flow lists with odd items, markers.
  const std::vector<std::string> texts = {
      "a: x:y\n",
      "a: x :y\n",
      "a: x:\n",
      "a: x: y\n",
      "a: http://h/p\n",
      "a: x#y\n",
      "a: x #y #z\n",
      "a: x   # c\n",
      "a: x #\n",
      "a: 1#c\n",
      "a: x, y\n",
      "a: x'y\n",
      "a: x\"y\n",
      "a: x!y&z*w\n",
      "a: x |\n",
      "a: x{y}[z]\n",
      "a: ~x\n",
      "a: ~\n",
      "a: null # c\n",
      "a: nUll\n",
      "a: -1\n",
      "a: -.5\n",
      "a: -\n",
      "a: - 1\n",
      "a: ---\n",
      "a: ...\n",
      "a: .inf\n",
      "a: 0x1F\n",
      "a: 1_000\n",
      "a: +1\n",
      "a: =x\n",
      "a: %x\n",
      "a: @x\n",
      "a: `x\n",
      "a: ?x\n",
      "a: x\n  y\n",
      "a: x\n y: 1\n",
      "a:\nb: 1\n",
      "a:\n  b: 1\n c: 2\n",
      "a:\n  # c\n  b: 1\n",
      "a:   # c\n  b: 1\n",
      "a:\n\n  b: 1\n",
      "a:1\n",
      "a : 1\n",
      "1: x\n",
      "true: 1\n",
      "null: 1\n",
      "a.b-c_d: 1\n",
      "-a: 1\n",
      "a: [1, [2]]\n",
      "a: []\n",
      "a: [ ]\n",
      "a: [1, 2,]\n",
      "a: [, 1]\n",
      "a: [1 , 2 ]\n",
      "a: [~, null]\n",
      "a: [1] x\n",
      "a: [1]#c\n",
      "a: [1] # c\n",
      "a: [1,\n  2]\n",
      "a: [x: 1]\n",
      "a: [-x, -1]\n",
      "a: [a b, c]\n",
      "a: [x#y]\n",
      "a: [1, 2], b\n",
      "--- \na: 1\n",
      "---a: 1\n",
      "--- # c\na: 1\n",
      "...\na: 1\n",
      "a: 1\n---\nb: 2\n",
      "a: 1\n...\n",
      "# only\n",
      "",
      "hello\n",
      "a: 1",
      "a: 1\n  \n",
      "a: 1\n  # c\nb: 2\n",
      "a: x \\\n",
      "a: ()\n",
      "a: $ref\n",
      "a: .\n",
      "a:\n  b:\n    c:\n",
      "a: 1\na: 2\n",
      "? a\n: 1\n",
      "a: &x 1\nb: *x\n",
  };
  int taken = 0;
  for (const auto& text : texts) check_same_parse(text, taken);
  // Most of these go to yaml-cpp; the plain ones are read by the subset reader.
  CHECK(taken > 20);
}
