// `llmplan schema profile|advice`: JSON Schema (draft-07) for editors and for consumers of the JSON.
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/input/profile.hpp"
#include "llmplan/output/render.hpp"

namespace llmplan::cli {

void setup_schema(CLI::App& app, int& exit_code) {
  auto which = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("schema", "Print a JSON Schema (draft-07): profile or advice");
  cmd->footer(
      "Editors validate and complete profiles with the schema: save it and add to a profile\n"
      "  # yaml-language-server: $schema=./llmplan-profile.schema.json");
  cmd->add_option("kind", *which, "profile or advice")->required()->check(CLI::IsMember({"profile", "advice"}));
  cmd->callback([which, &exit_code] {
    exit_code = emit(*which == "profile" ? profile_json_schema() : advice_json_schema(), "") ? k_ok : k_cannot_run;
  });
}

}  // namespace llmplan::cli
