// `llmplan estimate`: compute, memory, time and cost of one training job, without a profile.
#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/cost/estimate.hpp"
#include "llmplan/input/suggest.hpp"
#include "llmplan/input/units.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/output/render.hpp"

namespace llmplan::cli {

namespace {

using json = nlohmann::ordered_json;

namespace {
json value_to_json(const Value& v) {
  switch (v.type) {
    case Value::Type::null: return nullptr;
    case Value::Type::boolean: return v.boolean;
    case Value::Type::number: return v.number;
    case Value::Type::string: return v.text;
    case Value::Type::list: return v.list;
  }
  return nullptr;
}
}  // namespace

struct EstimateOptions {
  std::vector<std::string> rules;
  std::string strategy;
  std::string params;
  std::string model;
  std::string tokens;
  std::string examples;
  std::string example_tokens = "500";
  double epochs = 3;
  std::string method = "lora";
  std::string gpu = "a100-80gb";
  int gpus = 1;
  int seq_len = 0;
  int micro_batch = 1;
  int lora_rank = 0;
  std::string lora_targets = "all";
  int zero_stage = -1;
  double grid = -1;
  double pue = -1;
  double price = -1;
  double mfu = -1;
  bool no_checkpointing = false;
  std::string format = "table";
  std::string output;
};

bool read_quantity(const std::string& flag, const std::string& text, Dimension dim, double& out) {
  const QuantityResult q = parse_quantity(text, dim);
  if (!q.ok) {
    print_error(fmt::format("{} `{}`: {}", flag, text, q.error), "bad-quantity");
    return false;
  }
  out = q.value;
  return true;
}

double tidy(double x) {
  return round_significant(x, 4);
}
json range_json(const Range& r) {
  return json{{"low", tidy(r.low)}, {"expected", tidy(r.expected)}, {"high", tidy(r.high)}};
}

/// When the job does not fit: more GPUs with ZeRO-3, QLoRA, or a GPU with more memory.
std::vector<std::string> what_would_fit(const TrainingRequest& request, const Catalog& catalog) {
  std::vector<std::string> out;
  // More GPUs with everything sharded (ZeRO-3 / FSDP; for LoRA the frozen base is sharded too).
  for (int g = request.gpus * 2; g <= 1024; g *= 2) {
    TrainingRequest r = request;
    r.gpus = g;
    r.zero_stage = 3;
    if (estimate_memory(r, catalog).fits) {
      out.push_back(fmt::format("{}x {} with ZeRO-3 / FSDP sharding", g, request.gpu->id));
      break;
    }
  }
  if (request.method != "qlora") {
    TrainingRequest r = request;
    r.method = "qlora";
    const MemoryEstimate m = estimate_memory(r, catalog);
    if (m.fits) out.push_back(fmt::format("QLoRA (4-bit base): {} GiB per GPU", format_number(m.total, 1)));
  }
  for (const auto& gpu : catalog.gpus) {
    if (gpu.memory_gib <= request.gpu->memory_gib) continue;
    TrainingRequest r = request;
    r.gpu = &gpu;
    if (estimate_memory(r, catalog).fits) {
      out.push_back(fmt::format("a GPU with more memory: {} ({} GiB)", gpu.id, gpu.memory_gib));
      break;
    }
  }
  return out;
}

int run_estimate(const EstimateOptions& opt) {
  const auto rules = load_rules(opt.rules);
  if (!rules) return k_cannot_run;
  const Catalog& catalog = rules->catalog;
  TrainingRequest request;
  json assumptions = json::array();

  if (!opt.model.empty()) {
    const ModelInfo* model = catalog.find_model(opt.model);
    if (model == nullptr) {
      print_error(fmt::format("--model: unknown model `{}`{}", opt.model, did_you_mean(opt.model, catalog.model_names())),
                  "unknown-model");
      return k_cannot_run;
    }
    request.model = model->shape;
  } else if (!opt.params.empty()) {
    double params = 0;
    if (!read_quantity("--params", opt.params, Dimension::params, params)) return k_cannot_run;
    if (params < 1e6) {
      print_error("--params: a language model has at least a million parameters", "out-of-range");
      return k_cannot_run;
    }
    request.model = shape_for_params(params);
    assumptions.push_back({{"name", "architecture"},
                           {"value", fmt::format("{} layers, hidden {}", request.model.layers, request.model.hidden)},
                           {"why", "derived from the parameter count (N ~ 12 L h^2, h ~ 128 L)"}});
  } else {
    print_error("give --params N or --model ID", "missing-flag");
    return k_cannot_run;
  }

  const Gpu* gpu = catalog.find_gpu(opt.gpu);
  if (gpu == nullptr) {
    print_error(fmt::format("--gpu: unknown GPU `{}`{}", opt.gpu, did_you_mean(opt.gpu, catalog.gpu_names())), "unknown-gpu");
    return k_cannot_run;
  }
  request.gpu = gpu;
  request.gpus = opt.gpus;
  request.seq_len = opt.seq_len;
  request.micro_batch = opt.micro_batch;
  request.checkpointing = !opt.no_checkpointing;
  request.lora_rank = opt.lora_rank;
  request.lora_targets = opt.lora_targets;
  request.zero_stage = opt.zero_stage;
  if (opt.grid >= 0) request.grid_kgco2e_per_kwh = opt.grid;
  if (opt.pue > 0) request.pue = opt.pue;
  if (opt.mfu > 0) request.utilization = opt.mfu;
  if (opt.price >= 0) request.price_per_gpu_hour = opt.price;

  const bool trains = opt.strategy != "few-shot" && opt.strategy != "rag";
  if (trains) {
    if (!opt.tokens.empty()) {
      if (!read_quantity("--tokens", opt.tokens, Dimension::tokens, request.tokens)) return k_cannot_run;
    } else if (!opt.examples.empty()) {
      double examples = 0;
      double per_example = 0;
      if (!read_quantity("--examples", opt.examples, Dimension::examples, examples)) return k_cannot_run;
      if (!read_quantity("--example-tokens", opt.example_tokens, Dimension::tokens, per_example)) return k_cannot_run;
      request.tokens = examples * per_example * opt.epochs;
    } else {
      print_error("give --tokens D, or --examples N with --example-tokens T and --epochs E", "missing-flag");
      return k_cannot_run;
    }
    request.method = opt.strategy == "peft" ? opt.method : "full";
    request.finetune = opt.strategy == "peft" || opt.strategy == "full-finetune";
  }

  json doc;
  doc["schema_version"] = 1;
  doc["strategy"] = opt.strategy;
  doc["method"] = trains ? request.method : "none";
  doc["model"] = json{{"id", request.model.id.empty() ? json(nullptr) : json(request.model.id)},
                      {"params", request.model.params},
                      {"active_params", request.model.active_params}};
  doc["training_tokens"] = trains ? request.tokens : 0.0;
  doc["gpu"] = json{{"id", gpu->id}, {"count", opt.gpus}};
  if (trains) {
    const TrainingEstimate e = estimate_training(request, catalog);
    doc["training_flops"] = tidy(e.flops);
    doc["trainable_params"] = tidy(e.trainable_params);
    doc["gpu_hours"] = range_json(e.gpu_hours);
    doc["wall_clock_days"] = range_json(e.wall_clock_days);
    doc["cost_usd"] = range_json(e.cost_usd);
    doc["energy_kwh"] = range_json(e.energy_kwh);
    doc["emissions_kgco2e"] = range_json(e.emissions_kgco2e);
    doc["memory"] = json{{"per_gpu_gib", tidy(e.memory.total)},
                         {"gpu_gib", gpu->memory_gib},
                         {"fits", e.memory.fits},
                         {"breakdown", json{{"weights", tidy(e.memory.weights)},
                                            {"gradients", tidy(e.memory.gradients)},
                                            {"optimizer", tidy(e.memory.optimizer)},
                                            {"activations", tidy(e.memory.activations)},
                                            {"overhead", tidy(e.memory.overhead)}}}};
    if (!e.memory.fits) doc["memory"]["would_fit"] = what_would_fit(request, catalog);
    for (const auto& n : e.notes) assumptions.push_back({{"name", n.name}, {"value", value_to_json(n.value)}, {"why", n.why}});
  } else {
    const double weights = 2.0 * request.model.params * catalog.value("inference_memory_factor") / (1024.0 * 1024.0 * 1024.0);
    doc["training_flops"] = 0;
    doc["trainable_params"] = 0;
    doc["gpu_hours"] = range_json({});
    doc["wall_clock_days"] = range_json({});
    doc["cost_usd"] = range_json({});
    doc["energy_kwh"] = range_json({});
    doc["emissions_kgco2e"] = range_json({});
    doc["memory"] = json{{"per_gpu_gib", tidy(weights / std::max(1, opt.gpus))},
                         {"gpu_gib", gpu->memory_gib},
                         {"fits", weights / std::max(1, opt.gpus) <= gpu->memory_gib},
                         {"breakdown", json{{"weights", tidy(weights / std::max(1, opt.gpus))},
                                            {"gradients", 0},
                                            {"optimizer", 0},
                                            {"activations", 0},
                                            {"overhead", 0}}}};
    assumptions.push_back({{"name", "training"},
                           {"value", "none"},
                           {"why", "few-shot and rag change no weights: memory is serving memory (16-bit weights x 1.2)"}});
  }
  doc["assumptions"] = assumptions;

  std::string content;
  if (opt.format == "json") {
    content = dump_json(doc) + "\n";
  } else {
    content += fmt::format("{} of a {}-parameter model on {}x {}\n", opt.strategy, format_count(request.model.params), opt.gpus,
                           gpu->id);
    content += fmt::format("  training tokens   {}\n", format_count(doc["training_tokens"].get<double>()));
    content += fmt::format("  training FLOPs    {}\n", format_scientific(doc["training_flops"].get<double>()));
    const auto range_line = [&](const char* label, const json& r, bool usd) {
      const auto f = [&](double x) { return usd ? format_usd(x) : format_count(round_significant(x, 3)); };
      content += fmt::format("  {:<17} {} (low {}, high {})\n", label, f(r["expected"].get<double>()), f(r["low"].get<double>()),
                             f(r["high"].get<double>()));
    };
    range_line("GPU-hours", doc["gpu_hours"], false);
    range_line("wall-clock days", doc["wall_clock_days"], false);
    range_line("cost", doc["cost_usd"], true);
    range_line("energy kWh", doc["energy_kwh"], false);
    range_line("kg CO2e", doc["emissions_kgco2e"], false);
    const json& m = doc["memory"];
    content += fmt::format("  memory per GPU    {} GiB of {} GiB: {}\n", format_number(m["per_gpu_gib"].get<double>(), 1),
                           format_number(m["gpu_gib"].get<double>(), 0), m["fits"].get<bool>() ? "fits" : "does NOT fit");
    for (const auto& [part, gib] : m["breakdown"].items()) {
      content += fmt::format("    {:<15} {} GiB\n", part, format_number(gib.get<double>(), 2));
    }
    if (m.contains("would_fit")) {
      for (const auto& s : m["would_fit"]) content += fmt::format("  would fit: {}\n", s.get<std::string>());
    }
    for (const auto& a : assumptions) {
      content +=
          fmt::format("  assumed {} = {} ({})\n", a["name"].get<std::string>(), a["value"].dump(), a["why"].get<std::string>());
    }
  }
  return emit(content, opt.output) ? k_ok : k_cannot_run;
}

}  // namespace

void setup_estimate(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<EstimateOptions>();
  CLI::App* cmd = app.add_subcommand("estimate", "Cost, compute, memory and time of one strategy, without a profile");
  cmd->footer(
      "Examples:\n"
      "  llmplan estimate --strategy pretrain --params 7B --tokens 2T --gpu a100-80gb --gpus 2048\n"
      "  llmplan estimate --strategy peft --method qlora --params 65B --examples 10k --example-tokens 512 \\\n"
      "                   --epochs 3 --gpu rtx-a6000 --seq-len 512 --micro-batch 1 --format json");
  cmd->add_option("--strategy", opt->strategy, "Strategy id")
      ->required()
      ->check(CLI::IsMember({"few-shot", "rag", "peft", "full-finetune", "continued-pretrain", "pretrain"}));
  cmd->add_option("--params", opt->params, "Parameters (active parameters for mixture-of-experts), e.g. 7B")->type_name("N");
  cmd->add_option("--model", opt->model, "A model id from `llmplan models`")->type_name("ID");
  cmd->add_option("--tokens", opt->tokens, "Training tokens, e.g. 2T")->type_name("D");
  cmd->add_option("--examples", opt->examples, "Labeled examples (instead of --tokens)")->type_name("N");
  cmd->add_option("--example-tokens", opt->example_tokens, "Tokens per example (default 500)")->type_name("T");
  cmd->add_option("--epochs", opt->epochs, "Passes over the examples (default 3)")->check(CLI::Range(0.01, 1000.0));
  cmd->add_option("--method", opt->method, "lora (default) or qlora, for peft")->check(CLI::IsMember({"lora", "qlora"}));
  cmd->add_option("--gpu", opt->gpu, "A GPU id from `llmplan gpus` (default a100-80gb)")->type_name("ID");
  cmd->add_option("--gpus", opt->gpus, "GPU count (default 1)")->check(CLI::Range(1, 1000000));
  cmd->add_option("--seq-len", opt->seq_len, "Training sequence length (default 2048)")->check(CLI::Range(1, 10000000));
  cmd->add_option("--micro-batch", opt->micro_batch, "Sequences per GPU per step (default 1)")->check(CLI::Range(1, 100000));
  cmd->add_option("--lora-rank", opt->lora_rank, "LoRA rank (default 16)")->check(CLI::Range(1, 4096));
  cmd->add_option("--lora-targets", opt->lora_targets, "LoRA target modules: all (default), attention, qv")
      ->check(CLI::IsMember({"all", "attention", "qv"}));
  cmd->add_option("--zero", opt->zero_stage, "ZeRO stage 0-3 (default: 3 on several GPUs for full-weight training)")
      ->check(CLI::Range(0, 3));
  cmd->add_option("--grid-intensity", opt->grid, "Grid emissions in kg CO2e per kWh (default 0.385, US average)")
      ->check(CLI::Range(0.0, 5.0));
  cmd->add_option("--pue", opt->pue, "Data-centre power usage effectiveness (default 1.58)")->check(CLI::Range(1.0, 5.0));
  cmd->add_option("--price-per-gpu-hour", opt->price, "Override the catalog price (USD)")->check(CLI::Range(0.0, 1000.0));
  cmd->add_option("--mfu", opt->mfu, "Override the utilization of the dense 16-bit peak (0..1)")->check(CLI::Range(0.01, 1.0));
  cmd->add_flag("--no-checkpointing", opt->no_checkpointing, "Keep all activations (no gradient checkpointing)");
  cmd->add_option("-f,--format", opt->format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("-o,--output", opt->output, "Write to FILE (atomically)")->type_name("FILE");
  cmd->add_option("--rules", opt->rules, "Rule-set file or directory with catalog overrides")->type_name("FILE|DIR");
  cmd->callback([opt, &exit_code] { exit_code = run_estimate(*opt); });
}

}  // namespace llmplan::cli
