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
#include "llmplan/output/escape.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/output/render.hpp"
#include "output/json_tree.hpp"

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
  std::string active_params;
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
  std::string precision = "mixed";
  std::string optimizer = "adamw";
  std::string offload = "none";
  std::string packing;
  bool chunked_loss = false;
  bool fused_loss = false;
  bool fused_kernels = false;
  bool fp32_adapter_inputs = false;
  bool no_flash_attention = false;
  std::string format = "table";
  std::string output;
};

bool read_quantity(const std::string& flag, const std::string& text, Dimension dim, double& out) {
  const QuantityResult q = parse_quantity(text, dim);
  if (!q.ok) {
    print_error(fmt::format("{} `{}`: {}", flag, text, q.error), "bad-quantity");
    return false;
  }
  // The same bounds as the profile's fields (profile.md): beyond them no figure is meaningful.
  const double max = dim == Dimension::params ? 1e14 : dim == Dimension::examples ? 1e12 : 1e15;
  if (!std::isfinite(q.value) || q.value > max) {
    print_error(fmt::format("{} `{}`: at most {}", flag, text, format_count(max)), "out-of-range");
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

/// Whether a strategy trains, and how: the strategies that change no weights only need the
/// memory to serve the model.
struct JobKind {
  bool trains = true;
  bool finetune = false;
  bool adapter = false;
};

JobKind job_kind(Costing costing) {
  switch (costing) {
    case Costing::prompt:
    case Costing::retrieval:
    case Costing::long_context:
    case Costing::hosted_tuning: return {false, false, false};  // no GPU job of the team's own
    case Costing::adapter:
    case Costing::distillation:
    case Costing::preference: return {true, true, true};  // the student and DPO tune adapters by default
    case Costing::full: return {true, true, false};
    case Costing::continued:
    case Costing::scratch: return {true, false, false};
  }
  return {true, false, false};
}

json memory_json(const MemoryEstimate& m) {
  json out{{"per_gpu_gib", tidy(m.total)},
           {"gpu_gib", m.gpu_gib},
           {"fits", m.fits},
           {"breakdown", json{{"weights", tidy(m.weights)},
                              {"gradients", tidy(m.gradients)},
                              {"optimizer", tidy(m.optimizer)},
                              {"activations", tidy(m.activations + m.logits)},
                              {"overhead", tidy(m.overhead)}}},
           {"parts", json{{"weights", tidy(m.weights)},
                          {"gradients", tidy(m.gradients)},
                          {"optimizer", tidy(m.optimizer)},
                          {"activations", tidy(m.activations)},
                          {"logits", tidy(m.logits)},
                          {"qlora_buffers", tidy(m.qlora_buffers)},
                          {"cuda_context", tidy(m.cuda_context)},
                          {"allocator_slack", tidy(m.allocator_slack)}}},
           {"offloaded_gib", tidy(m.offloaded)}};
  return out;
}

std::string render_table(const std::string& strategy, const TrainingRequest& r, const JobEstimate& job,
                         const std::vector<Note>& notes) {
  const TrainingEstimate& e = job.training;
  std::string content;
  const std::string size =
      r.model.active_params < r.model.params
          ? fmt::format("{}-parameter ({} active)", format_count(r.model.params), format_count(r.model.active_params))
          : fmt::format("{}-parameter", format_count(r.model.params));
  // GPU ids, would-fit plans and the constants' reasons come from rule-set files, which may come
  // from anyone: each is shown as escape_terminal() shows text, one line whatever it holds.
  content += fmt::format("{} of a {} model on {} x {}\n", strategy, size, std::max(1, r.gpus), escape_terminal(r.gpu->id));
  content += fmt::format("  training tokens   {}\n", format_count(job.trains ? r.tokens : 0.0));
  content += fmt::format("  training FLOPs    {}\n", format_scientific(tidy(e.flops)));
  const auto range_line = [&](const char* label, const Range& x, bool usd) {
    const auto f = [&](double v) { return usd ? format_usd(tidy(v)) : format_count(round_significant(v, 3)); };
    content += fmt::format("  {:<17} {} (low {}, high {})\n", label, f(x.expected), f(x.low), f(x.high));
  };
  range_line("GPU-hours", e.gpu_hours, false);
  range_line("wall-clock days", e.wall_clock_days, false);
  range_line("cost", e.cost_usd, true);
  range_line("energy kWh", e.energy_kwh, false);
  range_line("kg CO2e", e.emissions_kgco2e, false);
  const MemoryEstimate& m = e.memory;
  content += fmt::format("  memory per GPU    {} GiB of {} GiB: {}\n", format_number(tidy(m.total), 1),
                         format_number(m.gpu_gib, 0), m.fits ? "fits" : "does NOT fit");
  const std::pair<const char*, double> parts[] = {{"weights", m.weights},
                                                  {"gradients", m.gradients},
                                                  {"optimizer", m.optimizer},
                                                  {"activations", m.activations},
                                                  {"logits", m.logits},
                                                  {"qlora buffers", m.qlora_buffers},
                                                  {"cuda context", m.cuda_context},
                                                  {"allocator slack", m.allocator_slack}};
  for (const auto& [part, gib] : parts) {
    if (job.trains || gib > 0) content += fmt::format("    {:<15} {} GiB\n", part, format_number(tidy(gib), 2));
  }
  if (m.offloaded > 0) content += fmt::format("    {:<15} {} GiB\n", "on the host", format_number(tidy(m.offloaded), 2));
  for (const auto& s : job.would_fit) content += fmt::format("  would fit: {}\n", escape_terminal(s));
  for (const auto& n : notes) {
    content += fmt::format("  assumed {} = {} ({})\n", escape_terminal(n.name), escape_terminal(value_to_json(n.value).dump()),
                           escape_terminal(n.why));
  }
  return content;
}

int run_estimate(const EstimateOptions& opt) {
  const auto rules = load_rules(opt.rules);
  if (!rules) return k_cannot_run;
  const Catalog& catalog = rules->catalog;
  TrainingRequest request;
  std::vector<Note> notes;
  // The strategies are those of the loaded rule set (built-in plus --rules).
  const Strategy* strategy = nullptr;
  std::vector<std::string> strategy_ids;
  for (const auto& s : rules->strategies) {
    strategy_ids.push_back(s.id);
    if (s.id == opt.strategy) strategy = &s;
  }
  if (strategy == nullptr) {
    std::string ids;
    for (const auto& id : strategy_ids) ids += (ids.empty() ? "" : ", ") + id;
    print_error(fmt::format("--strategy: unknown strategy `{}`{}; the rule set has {}", opt.strategy,
                            did_you_mean(opt.strategy, strategy_ids), ids),
                "unknown-strategy");
    return k_cannot_run;
  }

  double active = 0;
  if (!opt.active_params.empty()) {
    if (!read_quantity("--active-params", opt.active_params, Dimension::params, active)) return k_cannot_run;
  }
  if (!opt.model.empty()) {
    const ModelInfo* model = catalog.find_model(opt.model);
    if (model == nullptr) {
      print_error(fmt::format("--model: unknown model `{}`{}", opt.model, did_you_mean(opt.model, catalog.model_names())),
                  "unknown-model");
      return k_cannot_run;
    }
    request.model = model->shape;
    if (active > 0) request.model.active_params = std::min(active, request.model.params);
  } else if (!opt.params.empty()) {
    double params = 0;
    if (!read_quantity("--params", opt.params, Dimension::params, params)) return k_cannot_run;
    if (params < 1e6) {
      print_error("--params: a language model has at least a million parameters", "out-of-range");
      return k_cannot_run;
    }
    if (active > params) {
      print_error("--active-params: at most --params (which counts every parameter, all experts included)", "out-of-range");
      return k_cannot_run;
    }
    request.model = shape_for_params(params, active, catalog);
    notes.push_back({"architecture",
                     Value::of_string(fmt::format("{} layers, hidden {}, vocabulary {}", request.model.layers,
                                                  request.model.hidden, request.model.vocab)),
                     "derived from the active parameter count (N ~ 12 L h^2, h ~ 128 L); vocabulary: " +
                         catalog.constant("derived_vocab").why});
  } else {
    print_error("give --params N or --model ID", "missing-flag");
    return k_cannot_run;
  }

  const Gpu* gpu = catalog.find_gpu(opt.gpu);
  if (gpu == nullptr) {
    print_error(fmt::format("--gpu: unknown GPU `{}`{}", opt.gpu, catalog.gpu_suggestion(opt.gpu)), "unknown-gpu");
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
  request.precision = opt.precision;
  request.optimizer = opt.optimizer;
  request.offload = opt.offload;
  request.packing = opt.packing;
  request.chunked_loss = opt.chunked_loss;
  request.fused_loss = opt.fused_loss;
  request.fused_kernels = opt.fused_kernels;
  request.fp32_adapter_inputs = opt.fp32_adapter_inputs;
  request.flash_attention = !opt.no_flash_attention;
  if (opt.grid >= 0) request.grid_kgco2e_per_kwh = opt.grid;
  if (opt.pue > 0) request.pue = opt.pue;
  if (opt.mfu > 0) request.utilization = opt.mfu;
  if (opt.price >= 0) request.price_per_gpu_hour = opt.price;

  const JobKind kind = job_kind(strategy->costing);
  if (kind.trains) {
    if (!opt.tokens.empty()) {
      if (!read_quantity("--tokens", opt.tokens, Dimension::tokens, request.tokens)) return k_cannot_run;
    } else if (!opt.examples.empty()) {
      double examples = 0;
      double per_example = 0;
      if (!read_quantity("--examples", opt.examples, Dimension::examples, examples)) return k_cannot_run;
      if (!read_quantity("--example-tokens", opt.example_tokens, Dimension::tokens, per_example)) return k_cannot_run;
      request.tokens = examples * per_example * opt.epochs;
      request.example_tokens = per_example;
      if (!(request.tokens <= 1e15)) {
        print_error("--examples x --example-tokens x --epochs: at most 1000T training tokens", "out-of-range");
        return k_cannot_run;
      }
    } else {
      print_error("give --tokens D, or --examples N with --example-tokens T and --epochs E", "missing-flag");
      return k_cannot_run;
    }
    request.method = kind.adapter ? opt.method : "full";
    request.finetune = kind.finetune;
    // DPO holds a frozen reference copy of full weights (an adapter's is its base, adapter off).
    request.reference_model = strategy->costing == Costing::preference;
  }

  const JobEstimate job = estimate_job(request, kind.trains, catalog);
  for (const auto& n : job.notes) notes.push_back(n);
  std::string content;
  if (opt.format == "json") {
    const TrainingEstimate& e = job.training;
    json doc;
    doc["schema_version"] = 1;
    doc["strategy"] = opt.strategy;
    doc["method"] = kind.trains ? request.method : "none";
    doc["model"] = json{{"id", request.model.id.empty() ? json(nullptr) : json(request.model.id)},
                        {"params", request.model.params},
                        {"active_params", request.model.active_params}};
    doc["training_tokens"] = kind.trains ? request.tokens : 0.0;
    doc["gpu"] = json{{"id", gpu->id}, {"count", opt.gpus}};
    doc["training_flops"] = tidy(e.flops);
    doc["trainable_params"] = tidy(e.trainable_params);
    doc["gpu_hours"] = range_json(e.gpu_hours);
    doc["wall_clock_days"] = range_json(e.wall_clock_days);
    doc["cost_usd"] = range_json(e.cost_usd);
    doc["energy_kwh"] = range_json(e.energy_kwh);
    doc["emissions_kgco2e"] = range_json(e.emissions_kgco2e);
    doc["memory"] = memory_json(e.memory);
    if (!job.would_fit.empty()) doc["memory"]["would_fit"] = job.would_fit;
    json assumptions = json::array();
    for (const auto& n : notes) assumptions.push_back({{"name", n.name}, {"value", value_to_json(n.value)}, {"why", n.why}});
    doc["assumptions"] = assumptions;
    content = json_document(doc);
  } else {
    content = render_table(opt.strategy, request, job, notes);
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
  cmd->add_option("--strategy", opt->strategy, "Strategy id of the rule set (`llmplan rules list`)")->required()->type_name("ID");
  cmd->add_option("--params", opt->params, "Parameters, all experts counted for mixture-of-experts, e.g. 7B")->type_name("N");
  cmd->add_option("--active-params", opt->active_params, "Parameters used per token (mixture-of-experts; default --params)")
      ->type_name("N");
  cmd->add_option("--model", opt->model, "A model id from `llmplan models`")->type_name("ID");
  cmd->add_option("--tokens", opt->tokens, "Training tokens, e.g. 2T")->type_name("D");
  cmd->add_option("--examples", opt->examples, "Labeled examples (instead of --tokens)")->type_name("N");
  cmd->add_option("--example-tokens", opt->example_tokens, "Tokens per example (default 500)")->type_name("T");
  cmd->add_option("--epochs", opt->epochs, "Passes over the examples (default 3)")->check(finite_range(0.01, 1000.0));
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
      ->check(finite_range(0.0, 5.0));
  cmd->add_option("--pue", opt->pue, "Data-centre power usage effectiveness (default 1.58)")->check(finite_range(1.0, 5.0));
  cmd->add_option("--price-per-gpu-hour", opt->price, "Override the catalog price (USD)")->check(finite_range(0.0, 1000.0));
  cmd->add_option("--mfu", opt->mfu, "Override the utilization of the dense 16-bit peak (0..1)")->check(finite_range(0.01, 1.0));
  cmd->add_flag("--no-checkpointing", opt->no_checkpointing, "Keep all activations (no gradient checkpointing)");
  cmd->add_option("--precision", opt->precision,
                  "mixed (default: 32-bit master weights), bf16 (pure 16-bit) or fp8 (FP8 matrix products)")
      ->check(CLI::IsMember({"mixed", "bf16", "fp8"}));
  cmd->add_option("--optimizer", opt->optimizer, "adamw (default), adamw-fused, adamw-8bit, paged-adamw-8bit or sgd")
      ->check(CLI::IsMember({"adamw", "adamw-fused", "adamw-8bit", "paged-adamw-8bit", "sgd"}));
  cmd->add_option("--offload", opt->offload, "none (default), optimizer, optimizer-and-params or activations (to host memory)")
      ->check(CLI::IsMember({"none", "optimizer", "optimizer-and-params", "activations"}));
  cmd->add_option("--packing", opt->packing, "Fine-tunes: packed or padded sequences (default: not known)")
      ->check(CLI::IsMember({"packed", "padded"}));
  cmd->add_flag("--chunked-loss", opt->chunked_loss, "The loss is computed over chunks of the logits (torchtune)");
  cmd->add_flag("--fused-loss", opt->fused_loss,
                "The output projection is fused with the loss and keeps no logits (Cut Cross Entropy, Liger, Unsloth)");
  cmd->add_flag("--fused-kernels", opt->fused_kernels,
                "Fused RMSNorm, SwiGLU and RoPE kernels keep less of each layer (Liger Kernel, Unsloth)");
  cmd->add_flag("--fp32-adapter-inputs", opt->fp32_adapter_inputs,
                "LoRA: 32-bit adapters without autocast keep a 32-bit copy of each adapted input (PEFT's default)");
  cmd->add_flag("--no-flash-attention", opt->no_flash_attention, "Attention keeps its s x s scores (eager attention)");
  cmd->add_option("-f,--format", opt->format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("-o,--output", opt->output, "Write to FILE (atomically)")->type_name("FILE");
  cmd->add_option("--rules", opt->rules, "Rule-set file or directory with catalog overrides")->type_name("FILE|DIR");
  cmd->callback([opt, &exit_code] { exit_code = run_estimate(*opt); });
}

}  // namespace llmplan::cli
