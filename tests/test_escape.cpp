// One escaper per sink (issue 11): what input text can do on each output channel.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "helpers.hpp"
#include "llmplan/output/check_format.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/output/json_writer.hpp"
#include "llmplan/output/render.hpp"
#include "llmplan/rules/check.hpp"

using namespace llmplan;
using namespace llmplan::test;

namespace {

bool has_raw_control(const std::string& text, bool newlines_allowed) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '\n' && newlines_allowed) continue;
    if (u < 0x20 || u == 0x7F) return true;
  }
  return text.find("\xE2\x80\xAE") != std::string::npos;  // U+202E RIGHT-TO-LEFT OVERRIDE
}

}  // namespace

TEST_CASE("terminal escaping shows controls and bidi overrides", "[escape]") {
  CHECK(escape_terminal("plain text") == "plain text");
  CHECK(escape_terminal("a\x1b]0;title\x07") == "a\\x1b]0;title\\x07");
  CHECK(escape_terminal("line\n::error::x") == "line\\n::error::x");
  CHECK(escape_terminal("\xE2\x80\xAE"
                        "evil") == "\\u202eevil");
  CHECK(escape_terminal("\xC2\x9B") == "\\x9b");  // C1 CSI
  CHECK(escape_terminal("bad\xFF"
                        "name") == "bad\\xffname");
  CHECK(escape_terminal("caf\xC3\xA9") == "caf\xC3\xA9");  // UTF-8 letters pass
}

TEST_CASE("workflow command escaping leaves no line break", "[escape]") {
  CHECK(escape_workflow_data("50% done\r\n::error::x") == "50%25 done%0D%0A::error::x");
  CHECK(escape_workflow_property("a:b,c\n") == "a%3Ab%2Cc%0A");
  CHECK(escape_workflow_data("\x1b[2J") == "\\x1b[2J");
}

TEST_CASE("markdown escaping hides no html and no code span", "[escape]") {
  const std::string out = escape_markdown("<!-- hidden -->\r<script>`x`|y");
  CHECK(out.find("<!--") == 1);  // after its backslash
  CHECK(out.find('\r') == std::string::npos);
  CHECK(out.find("\\`x\\`") != std::string::npos);
  CHECK(out.find("\\|y") != std::string::npos);
  CHECK(escape_markdown("self_hosted a & b") == "self_hosted a &amp; b");
  CHECK(markdown_code("a`b") == "``a`b``");
  CHECK(markdown_code("`x") == "`` `x ``");
  CHECK(markdown_code("a|b\nc") == "`a\\|b c`");
}

TEST_CASE("xml escaping keeps only characters XML 1.0 can hold", "[escape]") {
  CHECK(escape_xml("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
  CHECK(escape_xml("a\x01"
                   "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(escape_xml("\xEF\xBF\xBE\xEF\xBF\xBF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFE U+FFFF
  CHECK(escape_xml("bad\xFF") == "bad\xEF\xBF\xBD");
  CHECK(escape_xml("tab\tnew\nline") == "tab&#9;new&#10;line");
}

TEST_CASE("json strings are valid UTF-8 whatever the input", "[escape]") {
  std::string out;
  append_json_string(out,
                     "file\xFF\xC0\x80"
                     "name\n");
  CHECK(is_valid_utf8(out));
  CHECK(out ==
        "\"file\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
        "name\\n\"");
  bool replaced = false;
  CHECK(valid_utf8("ok", &replaced) == "ok");
  CHECK_FALSE(replaced);
  valid_utf8("\xED\xA0\x80", &replaced);  // a surrogate
  CHECK(replaced);
}

TEST_CASE("diagnostics print on one line whatever the input", "[escape]") {
  Diagnostic d{Severity::error, "bad-value", "unknown value `x\n::error file=y::forged\x1b[31m`", {"evil\nname.yaml", 3, 4}, ""};
  const std::string line = format_diagnostic(d);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\x1b') == std::string::npos);
  CHECK(line.rfind("evil\\nname.yaml:3:4: error: ", 0) == 0);
}

TEST_CASE("hostile names pass through every advice and check format escaped", "[escape]") {
  const std::string name = "n\x1b]0;t\x07\n::error file=a::b\r<!--x-->`y`|\xE2\x80\xAE";
  LoadedProfile p = load_one(minimal_profile("name: \"n\\e]0;t\\a\\n::error file=a::b\\r<!--x-->`y`|\\u202e\"\n"
                                             "proposal: {strategy: few-shot}\n"),
                             "evil\n::error file=f::g.yaml");
  REQUIRE(p.valid());
  REQUIRE(p.profile.name == name);
  ProfileOutcome o{"evil\n::error file=f::g.yaml",     p.profile.name, RunStatus::ok, p.profile,
                   advise(p.profile, default_rules()), p.diagnostics,  std::nullopt};
  CHECK_FALSE(has_raw_control(render_table({o}, RenderOptions{}), true));
  CHECK_FALSE(has_raw_control(render_markdown({o}), true));
  const std::string markdown = render_markdown({o});
  CHECK(markdown.find("\\<!--x--\\>") != std::string::npos);
  const auto json = nlohmann::json::parse(render_json({o}, default_rules()));
  CHECK(json["results"][0]["name"] == name);
  CheckOutcome c;
  c.outcome = o;
  Diagnostics ignored;
  c.judgement = judge_proposal(*o.profile, *o.advice, CheckPolicy{}, ignored);
  const CheckRenderOptions opts{&default_rules(), false};
  for (const std::string& out : {render_check_text({c}, opts), render_check_github({c}, opts), render_check_markdown({c}, opts),
                                 render_check_junit({c}, opts)}) {
    CHECK_FALSE(has_raw_control(out, true));
    for (std::size_t pos = out.find('\n'); pos != std::string::npos; pos = out.find('\n', pos + 1)) {
      CHECK(out.compare(pos + 1, 13, "::error file=f") != 0);
      CHECK(out.compare(pos + 1, 13, "::error file=a") != 0);
    }
  }
  CHECK(nlohmann::json::parse(render_check_json({c}, opts)).is_object());
  CHECK(nlohmann::json::parse(render_check_sarif({c}, opts)).is_object());
}
