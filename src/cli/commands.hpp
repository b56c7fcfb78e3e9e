#pragma once

#include <CLI/CLI.hpp>

namespace llmplan::cli {

/// Each subcommand registers its flags and a callback that stores the exit code.
void setup_advise(CLI::App& app, int& exit_code);
void setup_check(CLI::App& app, int& exit_code);
void setup_rules(CLI::App& app, int& exit_code);
void setup_schema(CLI::App& app, int& exit_code);
void setup_init(CLI::App& app, int& exit_code);
void setup_validate(CLI::App& app, int& exit_code);
void setup_estimate(CLI::App& app, int& exit_code);
void setup_catalogs(CLI::App& app, int& exit_code);
void setup_sweep(CLI::App& app, int& exit_code);
void setup_diff(CLI::App& app, int& exit_code);
void setup_calibrate(CLI::App& app, int& exit_code);
void setup_completion(CLI::App& app, int& exit_code);

}  // namespace llmplan::cli
