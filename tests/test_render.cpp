#include <algorithm>

#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <cstring>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "llmplan/output/advice_format.hpp"
#include "llmplan/output/check_format.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/output/json_writer.hpp"
#include "llmplan/output/render.hpp"
#include "llmplan/rules/check.hpp"
#include "llmplan/rules/explain.hpp"

using namespace llmplan;
using namespace llmplan::test;
using json = nlohmann::json;

namespace {

std::vector<ProfileOutcome> outcomes() {
  std::vector<ProfileOutcome> out;
  LoadedProfile good = load_one(
      "task: {needs: [knowledge, style]}\ndata: {labeled_examples: 500, domain_tokens: 2M}\ndomain: {overlap: medium}\n"
      "budget: {one_time_usd: $10k}\nrisk: {tolerance: low}\n",
      "good.yaml");
  REQUIRE(good.valid());
  ProfileOutcome ok{"good.yaml",      good.profile.name, RunStatus::ok, good.profile, advise(good.profile, default_rules()),
                    good.diagnostics, std::nullopt};
  out.push_back(ok);
  LoadedProfile bad = load_one("data: {labeled_examples: 5}\nbudjet: 1\n", "bad.yaml");
  out.push_back(
      ProfileOutcome{"bad.yaml", bad.profile.name, RunStatus::invalid, bad.profile, std::nullopt, bad.diagnostics, std::nullopt});
  return out;
}

}  // namespace

TEST_CASE("json output holds the contract keys", "[render]") {
  const json doc = json::parse(render_json(outcomes(), default_rules()));
  CHECK(doc["schema_version"] == 1);
  CHECK(doc["tool"]["name"] == "llmplan");
  CHECK(doc["ruleset"]["name"] == "default");
  REQUIRE(doc["results"].size() == 2);
  const json& r = doc["results"][0];
  CHECK(r["status"] == "ok");
  CHECK(r["recommendation"] == r["ranking"][0]["strategy"]);
  REQUIRE(r["ranking"].size() == default_rules().strategies.size());
  for (const auto& item : r["ranking"]) {
    for (const char* key : {"rank", "strategy", "title", "verdict", "score", "reasons", "blockers", "cost"})
      CHECK(item.contains(key));
    for (const char* key : {"one_time_usd", "monthly_usd", "horizon_usd", "gpu_hours", "wall_clock_days"}) {
      INFO(key);
      CHECK(item["cost"][key]["low"] <= item["cost"][key]["expected"]);
      CHECK(item["cost"][key]["expected"] <= item["cost"][key]["high"]);
    }
    CHECK(item["cost"].contains("training_flops"));
    CHECK(item["cost"].contains("peak_memory_gib"));
    CHECK(item["cost"].contains("gpus"));
  }
  CHECK(r["combinations"].size() == 1);
  CHECK_FALSE(r["assumptions"].empty());
  const json& bad = doc["results"][1];
  CHECK(bad["status"] == "invalid");
  CHECK(bad["recommendation"].is_null());
  CHECK(bad["ranking"].empty());
  const json& d = bad["diagnostics"][0];
  for (const char* key : {"severity", "code", "message", "file", "line", "column", "path"}) CHECK(d.contains(key));
  CHECK(doc["summary"]["profiles"] == 2);
  CHECK(doc["summary"]["ok"] == 1);
  CHECK(doc["summary"]["invalid"] == 1);
}

TEST_CASE("jsonl prints one object per profile", "[render]") {
  const std::string text = render_jsonl(outcomes());
  std::size_t lines = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    CHECK(json::parse(text.substr(start, end - start)).contains("ranking"));
    ++lines;
    start = end + 1;
  }
  CHECK(lines == 2);
}

TEST_CASE("the table shows the ranking costs and reasons without colour codes", "[render]") {
  const std::string table = render_table(outcomes(), RenderOptions{false, 3});
  CHECK(table.find("Recommendation: rag") != std::string::npos);
  CHECK(table.find("recommended") != std::string::npos);
  CHECK(table.find("Why rag:") != std::string::npos);
  // The combination that holds the pick is the headline, not a line at the bottom.
  CHECK(table.find("Recommendation: rag + peft (combined), starting with rag") != std::string::npos);
  CHECK(table.find("Combine: rag + peft") == std::string::npos);
  CHECK(table.find("invalid profile") != std::string::npos);
  CHECK(table.find('\033') == std::string::npos);
  const std::string coloured = render_table(outcomes(), RenderOptions{true, 3});
  CHECK(coloured.find("\033[") != std::string::npos);
}

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

/// The text without its colour codes.
std::string plain(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\033') {
      i = text.find('m', i);
      if (i == std::string::npos) break;
      continue;
    }
    out += text[i];
  }
  return out;
}

/// The outcomes of outcomes() with everything a table can show: --explain and a long name.
std::vector<ProfileOutcome> explained() {
  auto all = outcomes();
  ProfileOutcome& o = all.front();
  o.name = "a-profile-name-with-many-words " + std::string(150, 'x');
  o.explanation = explain(*o.profile, default_rules(), *o.advice);
  return all;
}

}  // namespace

TEST_CASE("the table fits the width it is given", "[render]") {
  for (const bool verbose : {false, true}) {
    for (const bool color : {false, true}) {
      for (const int width : {20, 40, 60, 80, 120, 200}) {
        RenderOptions options{color, 3};
        options.width = width;
        options.verbose = verbose;
        const std::string table = plain(render_table(explained(), options));
        for (const auto& line : lines_of(table)) {
          INFO("width " << width << (verbose ? " verbose" : "") << (color ? " colour" : "") << ": " << line);
          CHECK(text_columns(line) <= static_cast<std::size_t>(width));
          CHECK((line.empty() || line.back() != ' '));
        }
      }
    }
  }
}

TEST_CASE("colour changes no line of the table", "[render]") {
  RenderOptions options{false, 3};
  options.width = 80;
  options.verbose = true;
  const std::string uncoloured = render_table(explained(), options);
  options.color = true;
  const std::string coloured = render_table(explained(), options);
  CHECK(coloured != uncoloured);
  CHECK(plain(coloured) == uncoloured);
}

TEST_CASE("the pick its plan its cost and its reasons come first at 80 columns", "[render]") {
  RenderOptions options{false, 3};
  options.width = 80;
  const auto all = outcomes();
  const auto lines = lines_of(render_table({all.front()}, options));
  REQUIRE(lines.size() > 24);
  const std::vector<std::string> screen(lines.begin(), lines.begin() + 24);
  const auto has = [&](const std::string& start) {
    return std::any_of(screen.begin(), screen.end(), [&](const std::string& l) { return l.rfind(start, 0) == 0; });
  };
  CHECK(has("Recommendation: rag"));
  CHECK(has("  Plan (rag): "));
  CHECK(has("  Cost (rag): one-time "));
  CHECK(has("Why rag:"));
  const auto reasons = std::count_if(screen.begin(), screen.end(), [](const std::string& l) {
    return l.size() > 8 && l.rfind("     ", 0) == 0 && (l[5] == '+' || l[5] == '-' || l[6] == '+' || l[6] == '-');
  });
  const auto& pick = all.front().advice->ranking.front();
  REQUIRE_FALSE(pick.reasons.empty());
  CHECK(static_cast<std::size_t>(reasons) == std::min<std::size_t>(3, pick.reasons.size()));
}

/// The text with each line break and the indentation after it read as one space.
static std::string joined_lines(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out += text[i];
      continue;
    }
    out += ' ';
    while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
  }
  return out;
}

TEST_CASE("the table shows every rung with its plan and the details behind verbose", "[render]") {
  const auto all = outcomes();
  const Advice& advice = *all.front().advice;
  for (const int width : {80, 200}) {
    RenderOptions options{false, 3};
    options.width = width;
    const std::string brief = render_table({all.front()}, options);
    options.verbose = true;
    const std::string full = render_table({all.front()}, options);
    for (const auto& r : advice.ranking) {
      INFO(r.strategy->id << " at " << width);
      // Every rung has its row and its plan at every width.
      CHECK(brief.find(" " + r.strategy->id + " ") != std::string::npos);
      // The plan, or the closest one with what it fails, is there once wrapped lines are joined.
      CHECK(joined_lines(brief).find(plan_summary(r.cost)) != std::string::npos);
      if (!r.blockers.empty()) {
        // An infeasible rung is one line without -v, its blockers in full with it.
        const auto lines = lines_of(brief);
        CHECK(std::count_if(lines.begin(), lines.end(),
                            [&](const std::string& l) { return l.rfind("Blocked " + r.strategy->id + ":", 0) == 0; }) == 1);
        CHECK(full.find("Blocked " + r.strategy->id + ":\n") != std::string::npos);
      } else if (r.rank != 1 && !r.reasons.empty()) {
        CHECK(brief.find("Why " + r.strategy->id + ":") == std::string::npos);
        CHECK(full.find("Why " + r.strategy->id + ":") != std::string::npos);
      }
    }
  }
}

TEST_CASE("text wraps at word boundaries", "[render]") {
  CHECK(wrap_text("short enough", 0, 2, 80) == "short enough");
  CHECK(wrap_text("one two three four", 0, 2, 9) == "one two\n  three\n  four");
  CHECK(wrap_text("one two three", 6, 6, 14) == "one two\n      three");
  // A word longer than a line is broken between code points, never inside one.
  CHECK(wrap_text("abcdefghij", 0, 0, 4) == "abcd\nefgh\nij");
  CHECK(wrap_text("\xC3\xA9\xC3\xA9\xC3\xA9", 0, 0, 2) == "\xC3\xA9\xC3\xA9\n\xC3\xA9");
  // Indents never take more than half the width.
  CHECK(wrap_text("aa bb cc", 0, 30, 4) == "aa\n  bb\n  cc");
  CHECK(text_columns("\xC3\xA9t\xC3\xA9") == 3);
  CHECK(text_columns("\x02bold\x04") == 4);
  CHECK(cut_text("a long line of text", 10) == "a long...");
  CHECK(cut_text("fits", 10) == "fits");
  CHECK(cut_text("one-time cost exceeds the budget", 20) == "one-time cost...");
  CHECK(cut_text("abcdefghijklmnop", 10) == "abcdefg...");
}

TEST_CASE("markdown renders a table and escapes pipes", "[render]") {
  const std::string md = render_markdown(outcomes());
  CHECK(md.find("| # | strategy |") != std::string::npos);
  CHECK(md.find("**Recommendation: `rag`**") != std::string::npos);
  CHECK(md.find("<details>") != std::string::npos);
  CHECK(md.find("Invalid profile") != std::string::npos);
}

TEST_CASE("usd ranges are written compactly", "[render]") {
  CHECK(format_usd_range(Range{40, 120, 400}) == "$120 ($40-$400)");
  CHECK(format_usd_range(Range{}) == "$0");
  CHECK(format_usd_range(Range{1.5e6, 2e6, 3.25e6}) == "$2M ($1.5M-$3.25M)");
}

TEST_CASE("money is rounded one way and GPUs are written one way", "[render]") {
  CHECK(format_usd(435.2) == "$435");
  CHECK(format_usd(2523) == "$2,520");
  CHECK(format_usd(9.333) == "$9.33");
  CHECK(format_usd(20625) == "$20,600");
  CHECK(format_gpus(1, "mi300x") == "1x mi300x");
  CHECK(format_gpus(8, "h100-sxm") == "8x h100-sxm");
}

TEST_CASE("json numbers carry at most 12 significant digits", "[render]") {
  std::string out;
  JsonWriter w(out, false);
  w.begin_array();
  w.value(8029999999.999999);
  w.value(0.1 + 0.2);
  w.value(1.5);
  w.value(3.6e17);
  w.end_array();
  CHECK(out == "[8030000000,0.3,1.5,3.6e+17]");
}

TEST_CASE("the json writer escapes and nests", "[render]") {
  std::string out;
  JsonWriter w(out, false);
  w.begin_object();
  w.field("text", "quote \" backslash \\ newline \n tab \t bell \x07 utf8 \xc3\xa9");
  w.key("list");
  w.begin_array();
  w.value(1.5);
  w.value(0.0);
  w.null();
  w.value(true);
  w.end_array();
  w.key("empty");
  w.begin_object();
  w.end_object();
  w.end_object();
  const json parsed = json::parse(out);
  CHECK(parsed["text"] == "quote \" backslash \\ newline \n tab \t bell \x07 utf8 \xc3\xa9");
  CHECK(parsed["list"] == json::parse("[1.5, 0, null, true]"));
  CHECK(parsed["empty"].empty());
  CHECK(out.find('\n') == std::string::npos);
}

TEST_CASE("the json document pieces make the whole document", "[render]") {
  const auto all = outcomes();
  std::string pieces = render_json_head(default_rules());
  RunSummary summary;
  for (const auto& o : all) {
    pieces += render_json_result(o, summary.profiles == 0);
    summary.add(o.status);
  }
  pieces += render_json_tail(summary);
  CHECK(pieces == render_json(all, default_rules()));
  // The format table's document is the same document.
  CHECK(render_advice(*find_advice_format("json"), all, RenderOptions{false, 3, &default_rules()}) == pieces);
  CHECK(json::parse(render_json({}, default_rules()))["results"].empty());
}

TEST_CASE("sarif artifact uris are percent encoded", "[render]") {
  CHECK(sarif_artifact_uri("proposals/rag.yaml") == "proposals/rag.yaml");
  CHECK(sarif_artifact_uri("my proposal#1.yaml") == "my%20proposal%231.yaml");
  CHECK(sarif_artifact_uri("dir \xC3\xA9/a?b.yaml") == "dir%20%C3%A9/a%3Fb.yaml");
  CHECK(sarif_artifact_uri("/srv/repo/p.yaml") == "file:///srv/repo/p.yaml");
  CHECK(sarif_artifact_uri("100%.yaml") == "100%25.yaml");
}

TEST_CASE("a subnormal figure formats without overflow", "[render]") {
  CHECK(round_significant(1.2e-321, 3) == 1.2e-321);
  CHECK(format_count(1.2e-321) == "<0.01");
  CHECK(format_usd(1.2e-321) == "<$0.01");
  CHECK(format_count(round_significant(5e-310, 2)) == "<0.01");
}

namespace {

/// A figure as JSON by the general path: at most 12 significant digits, then the shortest text
/// of that value.
std::string general_json_figure(double number) {
  const std::string rounded = fmt::format("{:.12g}", number);
  double value = number;
  std::from_chars(rounded.data(), rounded.data() + rounded.size(), value);
  return fmt::format("{}", value == 0 ? 0.0 : value);
}

/// A figure as the JSON writer writes it.
std::string written_json_figure(double number) {
  std::string out;
  JsonWriter(out, false).value(number);
  return out;
}

}  // namespace

TEST_CASE("json figures: whole numbers written directly read as the general format does", "[render]") {
  const auto general = general_json_figure;
  const auto written = written_json_figure;
  std::mt19937_64 random(14);
  std::vector<double> numbers = {0.0, -0.0, 1.0, -1.0, 999999999999.0, -999999999999.0, 1e12, 1e15, 0.5, 1.5e-7, 123456.789};
  for (long long k = -3000; k <= 3000; ++k) numbers.push_back(static_cast<double>(k));
  for (int i = 0; i < 200000; ++i) {
    const auto k = static_cast<double>(random() % 1000000000000ULL);
    numbers.push_back(k);
    numbers.push_back(-k);
    numbers.push_back(k / 1000);
  }
  for (const double number : numbers) {
    if (written(number) != general(number)) {
      INFO(number);
      CHECK(written(number) == general(number));
    }
  }
}

TEST_CASE("json figures: the shortest text when it has 12 digits or fewer reads as the general format does", "[render]") {
  // Whole numbers below 10^12 are written as their digits (the test above).
  const auto general = [](double number) {
    if (std::fabs(number) < 1e12 && number == std::trunc(number)) return fmt::format("{}", static_cast<long long>(number));
    return general_json_figure(number);
  };
  const auto written = written_json_figure;
  std::mt19937_64 random(26);
  std::vector<double> numbers = {0.1 + 0.2,   8029999999.999999,  1.5e15,  123456789012345.0,      3.6e17,
                                 1e-320,      4.9e-324,           -2.5e-9, 1.7976931348623157e308, 0.000123,
                                 1234567.125, 0.30000000000000004};
  std::uniform_real_distribution<double> exponent(-30, 30);
  for (int i = 0; i < 300000; ++i) {
    // Any bit pattern, figures rounded to a few digits as the advice writes them, and figures
    // with up to 17 digits at every magnitude.
    const std::uint64_t bits = random();
    double any = 0;
    std::memcpy(&any, &bits, sizeof any);
    if (std::isfinite(any)) numbers.push_back(any);
    const double figure = std::pow(10.0, exponent(random)) * (random() % 2 == 0 ? 1 : -1);
    numbers.push_back(figure);
    numbers.push_back(round_significant(figure, static_cast<int>(1 + random() % 12)));
    // Figures of one to six decimals, the writer's shortcut (and their neighbours, which are not).
    const double decimals = static_cast<double>(random() % 1000000000000ULL) / std::pow(10.0, 1 + random() % 6);
    numbers.push_back(random() % 2 == 0 ? decimals : -decimals);
    numbers.push_back(std::nextafter(decimals, 0.0));
  }
  for (const double number : numbers) {
    if (written(number) != general(number)) {
      INFO(number);
      CHECK(written(number) == general(number));
    }
  }
}

TEST_CASE("round_significant gives what the formula with std::pow gives", "[render]") {
  const auto reference = [](double value, int digits) {
    if (value == 0 || !std::isfinite(value)) return value;
    const double magnitude = std::ceil(std::log10(std::fabs(value)));
    const double scale = std::pow(10.0, digits - magnitude);
    const double rounded = std::round(value * scale) / scale;
    if (!std::isfinite(rounded)) return value;
    return rounded == 0 ? 0.0 : rounded;
  };
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> exponent(-320, 308);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t bits = random();
    double any = 0;
    std::memcpy(&any, &bits, sizeof any);
    const double figure = std::pow(10.0, exponent(random)) * (random() % 2 == 0 ? 1 : -1);
    for (const double value : {any, figure}) {
      const int digits = static_cast<int>(1 + random() % 12);
      const double got = round_significant(value, digits);
      const double want = reference(value, digits);
      if (std::memcmp(&got, &want, sizeof got) != 0 && !(std::isnan(got) && std::isnan(want))) {
        INFO(value << " " << digits);
        CHECK(got == want);
      }
    }
  }
}

TEST_CASE("a plan that meets nothing says what it fails") {
  StrategyCost c;
  c.label = "qwen2.5-3b, 486x mi300x serverless";
  CHECK(plan_summary(c) == c.label);
  c.feasible = false;
  CHECK(plan_summary(c) == c.label + " (no plan meets the profile)");
  c.problem = "gpt-5-nano answers in about 1100 ms, over the 300 ms limit";
  c.limit = "latency";
  CHECK(plan_summary(c) == c.label + ": " + c.problem);
  // A corpus no window holds: the replicas priced for it mean nothing, so only the model is named.
  c.problem = "300M tokens per request exceed the largest context window in the catalog (1.02M)";
  c.limit = "context";
  c.plan_model = "qwen2.5-3b";
  CHECK(plan_summary(c) == "qwen2.5-3b: " + c.problem);
}
