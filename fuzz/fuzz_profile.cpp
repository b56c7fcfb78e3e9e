// libFuzzer target: the profile loader (YAML reading, validation, defaults, derived facts) and,
// for inputs that load, the whole engine and the JSON renderer. An input that the subset reader
// takes (read_yaml_subset) must give the tree that yaml-cpp gives, or the target aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "llmplan/input/yaml_tree.hpp"
#include "llmplan/output/render.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/ruleset.hpp"

#include "fuzz_common.hpp"

using llmplan::fuzz::rules;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (const auto subset = llmplan::read_yaml_subset(text, "fuzz.yaml")) {
    llmplan::set_yaml_subset_reader(false);
    llmplan::Diagnostics diags;
    const auto documents = llmplan::parse_yaml(text, "fuzz.yaml", diags);
    llmplan::set_yaml_subset_reader(true);
    if (diags.has_errors() || documents.size() != 1 || !llmplan::same_tree(*subset, documents[0])) std::abort();
  }
  for (auto& loaded : llmplan::load_profiles(text, "fuzz.yaml", rules().catalog)) {
    llmplan::ProfileOutcome o{
        "fuzz.yaml",    loaded.profile.name, loaded.valid() ? llmplan::RunStatus::ok : llmplan::RunStatus::invalid,
        loaded.profile, std::nullopt,        loaded.diagnostics,
        std::nullopt};
    if (loaded.valid()) o.advice = llmplan::advise(loaded.profile, rules());
    (void)llmplan::render_jsonl({o});
  }
  return 0;
}
