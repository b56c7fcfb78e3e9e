// libFuzzer target: every renderer of advise and check, and diagnostics, with the input as the
// profile name, the file name and a diagnostic message (three fields split at byte 0xFE). The
// oracles: each JSON document parses as strict UTF-8 JSON; no output holds a raw control byte
// other than LF, nor a bidirectional control; and every output has exactly as many lines as it
// has for plain names, so input text can never start a line (a forged `::error` workflow
// command, a Markdown heading, a hidden CR). The table wraps long text at the width it is given,
// so it is compared at a width nothing reaches; at 80 columns it is checked for control bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmplan/output/check_format.hpp"
#include "llmplan/output/render.hpp"
#include "llmplan/rules/check.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/ruleset.hpp"

#include "fuzz_common.hpp"

namespace {

using llmplan::fuzz::rules;

const llmplan::LoadedProfile& profile() {
  static const llmplan::LoadedProfile loaded = llmplan::load_profiles(
      "data: {labeled_examples: 2000}\ndomain: {overlap: low}\nbudget: {one_time_usd: 50k}\nrisk: {tolerance: medium}\n"
      "task: {needs: [style]}\nproposal: {strategy: full-finetune}\n",
      "p.yaml", rules().catalog)[0];
  return loaded;
}

/// The advice does not depend on the names being fuzzed: computed once.
const llmplan::Advice& advice() {
  static const llmplan::Advice a = llmplan::advise(profile().profile, rules());
  return a;
}

std::vector<std::string> render_all(const std::string& name, const std::string& file, const std::string& message) {
  using namespace llmplan;
  ProfileOutcome ok{file, name, RunStatus::ok, profile().profile, advice(), {}, std::nullopt};
  ProfileOutcome bad{file, name, RunStatus::invalid, std::nullopt, std::nullopt, {}, std::nullopt};
  bad.diagnostics.error("bad-value", message, SourceLoc{file, 3, 7});
  std::vector<ProfileOutcome> both = {ok, bad};
  CheckOutcome judged;
  judged.outcome = ok;
  Diagnostics ignored;
  judged.judgement = judge_proposal(*ok.profile, *ok.advice, CheckPolicy{}, ignored);
  CheckOutcome failed;
  failed.outcome = bad;
  const std::vector<CheckOutcome> checks = {judged, failed};
  const CheckRenderOptions options{&rules(), false};
  RenderOptions wide;
  wide.width = 1 << 24;  // no wrapping: the line count must not depend on the names
  return {render_table(both, wide),
          render_markdown(both),
          render_json(both, rules()),
          render_jsonl(both),
          render_check_text(checks, options),
          render_check_json(checks, options),
          render_check_github(checks, options),
          render_check_junit(checks, options),
          render_check_sarif(checks, options),
          render_check_markdown(checks, options),
          format_diagnostic(bad.diagnostics.items().front()) + "\n",
          render_table(both, RenderOptions{})};  // wrapped at 80: last, its line count varies
}

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> fields(3);
  std::size_t field = 0;
  for (const char c : input) {
    if (static_cast<unsigned char>(c) == 0xFE && field < 2)
      ++field;
    else
      fields[field] += c;
  }
  const std::vector<std::string> outputs = render_all(fields[0], fields[1], fields[2]);
  static const std::vector<std::string> plain = render_all("name", "file.yaml", "message");
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string& out = outputs[i];
    if (i + 1 < outputs.size())
      require(std::count(out.begin(), out.end(), '\n') == std::count(plain[i].begin(), plain[i].end(), '\n'));
    for (const char c : out) {
      const auto u = static_cast<unsigned char>(c);
      require(u == '\n' || (u >= 0x20 && u != 0x7F));
    }
    require(out.find("\xE2\x80\xAE") == std::string::npos);  // U+202E
  }
  for (const std::size_t i : {std::size_t{2}, std::size_t{5}, std::size_t{8}}) {
    (void)nlohmann::json::parse(outputs[i]);  // throws, and so crashes, on invalid JSON or UTF-8
  }
  for (const auto& line : {outputs[3]}) (void)nlohmann::json::parse(line.substr(0, line.find('\n')));
  return 0;
}
