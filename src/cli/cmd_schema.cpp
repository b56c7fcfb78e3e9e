// `llmplan schema profile|advice`: JSON Schema (draft-07) for editors and for consumers of the JSON.
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/input/profile.hpp"
#include "llmplan/output/schema.hpp"

namespace llmplan::cli {

void setup_schema(CLI::App& app, int& exit_code) {
  auto which = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("schema", "Print a JSON Schema (draft-07): profile or advice");
  cmd->footer(
      "Editors validate and complete profiles with the schema: save it and add to a profile\n"
      "  # yaml-language-server: $schema=./llmplan-profile.schema.json");
  cmd->add_option("kind", *which, "profile or advice")
      ->type_name("profile|advice")
      ->required()
      ->check(CLI::IsMember({"profile", "advice"}));
  auto common = std::make_shared<CommonOptions>();
  add_rules_flag(*cmd, *common);
  cmd->callback([which, common, &exit_code] {
    const auto rules = load_rules(common->rules);
    if (!rules) {
      exit_code = k_cannot_run;
      return;
    }
    const auto ids = rules->strategy_ids();
    exit_code = emit(*which == "profile" ? profile_json_schema(ids) : advice_json_schema(ids), "") ? k_ok : k_cannot_run;
  });
}

}  // namespace llmplan::cli
