#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "helpers.hpp"
#include "llmplan/cost/plan.hpp"
#include "llmplan/output/format.hpp"

using namespace llmplan;
using namespace llmplan::test;

namespace {

const Catalog& catalog() {
  return default_rules().catalog;
}

TrainingRequest request(const char* model, const char* method, const char* gpu, int gpus = 1, int seq = 512) {
  TrainingRequest r;
  r.model = catalog().find_model(model)->shape;
  r.method = method;
  r.gpu = catalog().find_gpu(gpu);
  r.gpus = gpus;
  r.seq_len = seq;
  r.micro_batch = 1;
  return r;
}

void check_ordered(const Range& r) {
  CHECK(r.low <= r.expected);
  CHECK(r.expected <= r.high);
}

}  // namespace

TEST_CASE("training compute is about 6ND full-weight and 4ND with a frozen base", "[estimate]") {
  TrainingRequest full = request("llama-2-7b", "full", "a100-80gb", 8, 2048);
  full.tokens = 2e12;
  const TrainingEstimate e = estimate_training(full, catalog());
  const double six_nd = 6 * 6.738e9 * 2e12;
  CHECK(e.flops / six_nd == Approx(1.0).margin(0.05));
  CHECK(e.flops > six_nd);  // attention adds a little
  TrainingRequest lora = full;
  lora.method = "lora";
  CHECK(estimate_training(lora, catalog()).flops / (4 * 6.738e9 * 2e12) == Approx(1.0).margin(0.06));
}

TEST_CASE("derived shapes follow transformer proportions", "[estimate]") {
  const ModelShape m = shape_for_params(7e9);
  CHECK(m.layers >= 30);
  CHECK(m.layers <= 34);
  CHECK(m.hidden % 128 == 0);
  CHECK(12.0 * m.layers * m.hidden * m.hidden / 7e9 == Approx(1.0).margin(0.1));
}

TEST_CASE("GPU-hours cost and days are ordered ranges", "[estimate]") {
  TrainingRequest r = request("llama-2-7b", "full", "a100-80gb", 1024, 2048);
  r.tokens = 2e12;
  const TrainingEstimate e = estimate_training(r, catalog());
  check_ordered(e.gpu_hours);
  check_ordered(e.cost_usd);
  check_ordered(e.wall_clock_days);
  CHECK(e.wall_clock_days.expected == Approx(e.gpu_hours.expected / 1024 / 24));
}

TEST_CASE("pretraining GPU-hours land near published runs", "[estimate][calibration]") {
  // Llama 2 7B: 184,320 A100-80GB hours for 2T tokens (model card). LLaMA-7B: 82,432 for 1T.
  struct Run {
    const char* model;
    double tokens;
    double published_hours;
  };
  for (const Run run : {Run{"llama-2-7b", 2e12, 184320}, Run{"llama-2-70b", 2e12, 1720320}, Run{"llama-7b", 1e12, 82432}}) {
    INFO(run.model);
    TrainingRequest r = request(run.model, "full", "a100-80gb", 2048, 2048);
    r.tokens = run.tokens;
    const TrainingEstimate e = estimate_training(r, catalog());
    CHECK(e.gpu_hours.low <= run.published_hours);
    CHECK(e.gpu_hours.high >= run.published_hours);
    CHECK(std::fabs(std::log(e.gpu_hours.expected / run.published_hours)) < 0.35);
  }
}

TEST_CASE("a 7B full fine-tune does not fit one 80 GB GPU but shards across eight", "[estimate][memory]") {
  TrainingRequest r = request("llama-2-7b", "full", "a100-80gb", 1);
  const MemoryEstimate one = estimate_memory(r, catalog());
  CHECK_FALSE(one.fits);
  CHECK(one.total > 110);  // 16-18 bytes per parameter before activations
  r.gpus = 8;
  const MemoryEstimate eight = estimate_memory(r, catalog());
  CHECK(eight.fits);
  CHECK(eight.total < one.total / 4);
}

TEST_CASE("LoRA and QLoRA memory match published figures", "[estimate][memory]") {
  // LLaMA-Factory: LoRA 7B 16 GB; QLoRA 4-bit 7B 6 GB, 14B 12 GB, 70B 48 GB.
  // Unsloth minimums: QLoRA 7B 5 GB, LoRA 7B 19 GB. QLoRA paper: 65B fits one 48 GB GPU.
  const MemoryEstimate lora7 = estimate_memory(request("llama-2-7b", "lora", "a100-80gb"), catalog());
  CHECK(lora7.total > 13);
  CHECK(lora7.total < 20);
  const MemoryEstimate qlora7 = estimate_memory(request("llama-2-7b", "qlora", "a100-80gb"), catalog());
  CHECK(qlora7.total > 4);
  CHECK(qlora7.total < 8);
  const MemoryEstimate qlora13 = estimate_memory(request("llama-2-13b", "qlora", "a100-80gb"), catalog());
  CHECK(qlora13.total > 7);
  CHECK(qlora13.total < 13);
  const MemoryEstimate qlora65 = estimate_memory(request("llama-65b", "qlora", "rtx-a6000"), catalog());
  CHECK(qlora65.fits);
  CHECK(qlora65.total > 33);
  const MemoryEstimate lora70 = estimate_memory(request("llama-2-70b", "lora", "h200"), catalog());
  CHECK(lora70.total > 130);
  CHECK(lora70.total < 170);
  CHECK(lora70.fits == (lora70.total <= 141));
}

TEST_CASE("QLoRA keeps one 16-bit embedding matrix for a model that ties its output to its input", "[estimate][memory]") {
  // Llama 3.2 3B ties them (3.21B parameters = 28 layers of 100.7M + one 128,256 x 3,072
  // matrix); Llama 3.1 8B does not (8.03B = 32 layers of 218.1M + two 128,256 x 4,096).
  REQUIRE(catalog().find_model("llama-3.2-3b")->shape.tied_embeddings);
  REQUIRE_FALSE(catalog().find_model("llama-3.1-8b")->shape.tied_embeddings);
  const auto frozen_gib = [](const char* model) {
    TrainingRequest r = request(model, "qlora", "a100-80gb");
    r.precision = "bf16";  // the adapters' weights then take the bytes of their gradients
    const MemoryEstimate m = estimate_memory(r, catalog());
    return m.weights - m.gradients;
  };
  const double gib = 1024.0 * 1024 * 1024;
  const double embed3 = 128256.0 * 3072, embed8 = 2 * 128256.0 * 4096;
  CHECK(frozen_gib("llama-3.2-3b") == Approx(((3.21e9 - embed3) * 0.52 + embed3 * 2) / gib).epsilon(1e-6));
  CHECK(frozen_gib("llama-3.1-8b") == Approx(((8.03e9 - embed8) * 0.52 + embed8 * 2) / gib).epsilon(1e-6));
}

TEST_CASE("memory is a sum of parts", "[estimate][memory]") {
  const MemoryEstimate m = estimate_memory(request("llama-2-13b", "full", "h100-sxm", 4), catalog());
  CHECK(m.total == Approx(m.weights + m.gradients + m.optimizer + m.activations + m.logits + m.overhead));
  CHECK(m.overhead == Approx(m.qlora_buffers + m.cuda_context + m.allocator_slack));
  TrainingRequest no_ckpt = request("llama-2-13b", "full", "h100-sxm", 4);
  no_ckpt.checkpointing = false;
  CHECK(estimate_memory(no_ckpt, catalog()).activations > m.activations * 3);
}

TEST_CASE("owned GPUs cost their energy not rent", "[estimate]") {
  TrainingRequest rented = request("llama-2-7b", "lora", "a100-80gb");
  rented.tokens = 1e8;
  TrainingRequest owned = rented;
  owned.owned = true;
  const double rent = estimate_training(rented, catalog()).cost_usd.expected;
  const double energy = estimate_training(owned, catalog()).cost_usd.expected;
  CHECK(energy > 0);
  CHECK(energy < rent / 5);
}

TEST_CASE("price and utilization can be overridden", "[estimate]") {
  TrainingRequest r = request("llama-2-7b", "lora", "a100-80gb");
  r.tokens = 1e8;
  r.utilization = 0.5;
  r.price_per_gpu_hour = 2.0;
  const TrainingEstimate e = estimate_training(r, catalog());
  CHECK(e.gpu_hours.low == Approx(e.gpu_hours.high));
  CHECK(e.cost_usd.expected == Approx(e.gpu_hours.expected * 2.0));
}

TEST_CASE("few-shot pays for its examples on every request", "[estimate]") {
  LoadedProfile p = load_one(
      minimal_profile("usage: {requests_per_month: 1M, input_tokens: 100, output_tokens: 0}\nmodel: {api: gpt-4o-mini}\n"));
  REQUIRE(p.valid());
  const StrategyCost few = estimate_strategy(Costing::prompt, p.profile, catalog());
  const ApiPrice* api = catalog().find_api("gpt-4o-mini");
  const double shots = catalog().range("few_shot_examples_in_prompt").expected;
  // The examples are the same in every prompt: the cached-input price applies to them.
  CHECK(few.monthly_usd.expected == Approx(1e6 * (100 * api->usd_per_m_input + shots * 500 * api->usd_per_m_cached_input) / 1e6));
  CHECK(few.one_time_usd.expected == 0);
  check_ordered(few.monthly_usd);
}

TEST_CASE("tuning strategies choose a GPU that fits", "[estimate]") {
  LoadedProfile p = load_one(minimal_profile());
  for (const Costing kind : {Costing::adapter, Costing::full, Costing::continued, Costing::scratch}) {
    INFO(costing_name(kind));
    const StrategyCost c = estimate_strategy(kind, p.profile, catalog());
    CHECK_FALSE(c.gpu.empty());
    CHECK(c.memory.fits);
    check_ordered(c.one_time_usd);
    check_ordered(c.monthly_usd);
    check_ordered(c.horizon_usd);
    CHECK(c.horizon_usd.expected == Approx(c.one_time_usd.expected + 12 * c.monthly_usd.expected));
  }
}

TEST_CASE("owned hardware that cannot hold the model is replaced by rented GPUs", "[estimate]") {
  LoadedProfile p = load_one(minimal_profile("hardware: {gpu: t4}\nmodel: {name: llama-3.1-8b}\n"));
  REQUIRE(p.valid());
  const StrategyCost full = estimate_strategy(Costing::full, p.profile, catalog());
  CHECK(full.memory.fits);
  CHECK_FALSE(full.owned);
  CHECK(full.gpu != "t4");
  const StrategyCost peft = estimate_strategy(Costing::adapter, p.profile, catalog());
  CHECK(peft.memory.fits);
  CHECK(peft.method == "qlora");
  CHECK(peft.owned);
}

TEST_CASE("ZeRO stages shard optimizer gradients and weights in turn", "[estimate][memory]") {
  TrainingRequest r = request("llama-2-7b", "full", "a100-80gb", 8);
  r.optimizer = "adamw-fused";  // the states alone: no step temporary
  double previous = 1e9;
  for (int stage = 0; stage <= 3; ++stage) {
    r.zero_stage = stage;
    const MemoryEstimate m = estimate_memory(r, catalog());
    CHECK(m.total < previous);
    previous = m.total;
    CHECK((m.optimizer < 7) == (stage >= 1));
    CHECK((m.gradients < 4) == (stage >= 2));
    CHECK((m.weights < 6) == (stage >= 3));
  }
}

TEST_CASE("ZeRO stages shard LoRA adapters like any trained weight", "[estimate][memory]") {
  TrainingRequest one = request("llama-3.1-70b", "lora", "a100-80gb", 1, 2048);
  const MemoryEstimate alone = estimate_memory(one, catalog());
  TrainingRequest r = one;
  r.gpus = 8;
  r.zero_stage = 0;
  const MemoryEstimate replicated = estimate_memory(r, catalog());
  CHECK(replicated.optimizer == Approx(alone.optimizer));
  r.zero_stage = 1;
  CHECK(estimate_memory(r, catalog()).optimizer == Approx(alone.optimizer / 8));
  r.zero_stage = 2;
  CHECK(estimate_memory(r, catalog()).gradients == Approx(alone.gradients / 8));
  r.zero_stage = 3;
  const MemoryEstimate sharded = estimate_memory(r, catalog());
  CHECK(sharded.weights == Approx(alone.weights / 8));  // the frozen base and the adapters
  CHECK(sharded.optimizer == Approx(alone.optimizer / 8));
}

TEST_CASE("LoRA target modules change the adapter size", "[estimate]") {
  TrainingRequest r = request("llama-2-7b", "lora", "a100-80gb");
  r.lora_targets = "all";
  const double all = lora_trainable_params(r, catalog());
  r.lora_targets = "qv";
  const double qv = lora_trainable_params(r, catalog());
  CHECK(all / 6.738e9 > 0.002);
  CHECK(all / 6.738e9 < 0.02);
  CHECK(qv == Approx(16.0 * 32 * (2 * 4096 + 2 * 4096)));
  CHECK(valid_lora_targets("attention"));
  CHECK_FALSE(valid_lora_targets("everything"));
}

TEST_CASE("FP8 matrix products speed up training only where the GPU has FP8 units", "[estimate][calibration]") {
  TrainingRequest hopper = request("llama-3.1-70b", "full", "h100-sxm", 512, 4096);
  hopper.tokens = 1e12;
  const double bf16_hours = estimate_training(hopper, catalog()).gpu_hours.expected;
  hopper.precision = "fp8";
  const double speedup = catalog().model.fp8_training_speedup.expected;
  REQUIRE(speedup > 1);
  CHECK(training_utilization(hopper, catalog()).fp8 == Approx(speedup));
  CHECK(estimate_training(hopper, catalog()).gpu_hours.expected == Approx(bf16_hours / speedup).epsilon(0.01));
  TrainingRequest ampere = hopper;  // no FP8 peak: the products run in 16 bits
  ampere.gpu = catalog().find_gpu("a100-80gb");
  REQUIRE(ampere.gpu->fp8_tflops == 0);
  CHECK(training_utilization(ampere, catalog()).fp8 == 1);
  // Memory is that of mixed precision.
  TrainingRequest mixed = hopper;
  mixed.precision = "mixed";
  CHECK(estimate_memory(hopper, catalog()).total == Approx(estimate_memory(mixed, catalog()).total));
}

TEST_CASE("utilization follows the GPU generation and model size", "[estimate][calibration]") {
  const auto& curves = catalog().utilization_curves;
  REQUIRE(curves.count("ampere") == 1);
  REQUIRE(curves.count("hopper") == 1);
  // The points are fitted (scripts/fit_cost_model.py); the structure is what is tested.
  const auto& hopper = curves.at("hopper").points;
  CHECK(curves.at("hopper").at(hopper.front().first / 10) == Approx(hopper.front().second));  // flat beyond the ends
  CHECK(curves.at("hopper").at(hopper.back().first * 10) == Approx(hopper.back().second));
  const auto& ampere = curves.at("ampere").points;
  const double mid = curves.at("ampere").at(std::sqrt(ampere[1].first * ampere[2].first));
  CHECK(mid == Approx((ampere[1].second + ampere[2].second) / 2));  // linear in log10(parameters)
}

TEST_CASE("the default AdamW step holds one moment more than a fused step", "[estimate][memory]") {
  // One micro-batch per step and activations freed by checkpointing: the step is the peak.
  TrainingRequest fused = request("llama-3.1-8b", "full", "h100-sxm", 1, 2048);
  fused.precision = "bf16";
  fused.accumulate_gradients = false;
  fused.optimizer = "adamw-fused";
  TrainingRequest foreach_step = fused;
  foreach_step.optimizer = "adamw";
  const MemoryEstimate a = estimate_memory(fused, catalog());
  const MemoryEstimate b = estimate_memory(foreach_step, catalog());
  const double moment_gib = 8.03e9 * 2 / (1024.0 * 1024 * 1024);  // one 16-bit moment per weight
  const auto held = [](const MemoryEstimate& m) { return m.weights + m.gradients + m.optimizer + m.activations + m.logits; };
  CHECK(held(b) - held(a) == Approx(moment_gib).epsilon(0.01));
  CHECK(b.total > a.total);
  TrainingRequest eight = foreach_step;
  eight.optimizer = "adamw-8bit";  // updated in place: no temporary
  CHECK(estimate_memory(eight, catalog()).optimizer == Approx(8.03e9 * 2 / (1024.0 * 1024 * 1024)).epsilon(0.01));
  TrainingRequest host = foreach_step;
  host.offload = "optimizer";  // the step runs on the host
  CHECK(estimate_memory(host, catalog()).optimizer == 0);
}

TEST_CASE("memory modes shrink their own parts", "[estimate][memory]") {
  TrainingRequest base = request("llama-3.1-8b", "full", "a100-80gb", 1, 2048);
  base.optimizer = "adamw-fused";  // the states alone: no step temporary
  const MemoryEstimate mixed = estimate_memory(base, catalog());
  TrainingRequest bf16 = base;
  bf16.precision = "bf16";
  const MemoryEstimate pure = estimate_memory(bf16, catalog());
  CHECK(pure.weights == Approx(mixed.weights / 3));  // 2 bytes against 6
  CHECK(pure.optimizer == Approx(mixed.optimizer / 2));
  TrainingRequest eight = base;
  eight.optimizer = "adamw-8bit";
  CHECK(estimate_memory(eight, catalog()).optimizer == Approx(mixed.optimizer / 4));
  TrainingRequest sgd = base;
  sgd.optimizer = "sgd";
  CHECK(estimate_memory(sgd, catalog()).optimizer == 0);
  TrainingRequest offload = base;
  offload.offload = "optimizer";
  const MemoryEstimate off = estimate_memory(offload, catalog());
  CHECK(off.optimizer == 0);
  CHECK(off.offloaded > mixed.optimizer);  // the master weights go too
  CHECK(off.total < mixed.total);
  TrainingRequest chunked = base;
  chunked.chunked_loss = true;
  const MemoryEstimate chunks = estimate_memory(chunked, catalog());
  const CostModel& k = catalog().model;
  CHECK(chunks.logits == Approx(mixed.logits * k.chunked_loss_bytes.expected / k.logits_bytes.expected));
  CHECK(chunks.logits < mixed.logits / 2);
  // Whole logits also leave their 16-bit block reserved: counted with the slack, on top of the
  // fraction of what the tensors hold (2048 tokens of a 128,256-entry vocabulary).
  const auto fraction_of_held = [](const MemoryEstimate& m) {
    return (m.weights + m.gradients + m.optimizer + m.activations + m.logits + m.qlora_buffers) *
           catalog().model.allocator_slack_fraction.expected;
  };
  CHECK(mixed.allocator_slack - fraction_of_held(mixed) ==
        Approx(2048.0 * 128256 * k.logits_cached_block_bytes.expected / (1024.0 * 1024 * 1024)));
  CHECK(k.logits_cached_block_bytes.expected > 0);
  CHECK(chunks.allocator_slack == Approx(fraction_of_held(chunks)));
  TrainingRequest fused = base;
  fused.fused_loss = true;
  fused.chunked_loss = true;  // a fused loss keeps no logits, chunked or not
  CHECK(estimate_memory(fused, catalog()).logits == Approx(0).margin(1e-9));
  CHECK(estimate_memory(fused, catalog()).total < estimate_memory(chunked, catalog()).total);
  TrainingRequest eager = base;
  eager.flash_attention = false;
  CHECK(estimate_memory(eager, catalog()).activations > mixed.activations);
  TrainingRequest act = base;
  act.offload = "activations";
  CHECK(estimate_memory(act, catalog()).activations < mixed.activations);
  const MemoryEstimate q = estimate_memory(request("llama-3.1-8b", "qlora", "a100-80gb"), catalog());
  CHECK(q.qlora_buffers > 0);
  CHECK(q.cuda_context > 0);
  CHECK(q.allocator_slack > 0);
}

TEST_CASE("each layer keeps what its operations save for the backward pass", "[estimate][memory]") {
  // Without checkpointing every layer keeps its activations; 1,000 tokens of Llama 3.1 8B
  // (h 4096, KV 1024, FFN 14336, 32 layers) in one micro-batch, FlashAttention, fused loss.
  const auto activations = [](const char* method, const char* targets, const char* precision, bool fused) {
    TrainingRequest r = request("llama-3.1-8b", method, "h200", 1, 1000);
    r.checkpointing = false;
    r.fused_loss = true;
    r.lora_targets = targets;
    r.precision = precision;
    r.fused_kernels = fused;
    return estimate_memory(r, catalog()).activations * 1024.0 * 1024 * 1024 / (1000.0 * 32);
  };
  const double h = 4096, kv = 1024, f = 14336;
  // Bytes per token per layer, term by term as docs/cost-model.md counts them.
  CHECK(activations("lora", "all", "mixed", false) == Approx(16 * h + 4 * kv + 8 * f));
  CHECK(activations("lora", "qv", "mixed", false) == Approx(14 * h + 4 * kv + 6 * f));
  CHECK(activations("lora", "attention", "bf16", false) == Approx(14 * h + 4 * kv + 6 * f));
  CHECK(activations("qlora", "all", "mixed", false) == Approx(16 * h + 4 * kv + 8 * f));
  CHECK(activations("full", "all", "bf16", false) == Approx(20 * h + 4 * kv + 8 * f));
  CHECK(activations("full", "all", "mixed", false) == Approx(30 * h + 4 * kv + 8 * f));
  CHECK(activations("lora", "all", "mixed", true) == Approx(12 * h + 4 * kv + 6 * f));
  // Sharded (ZeRO-3 / FSDP) mixed precision computes with a 16-bit copy of the weights.
  {
    TrainingRequest r = request("llama-3.1-8b", "full", "h200", 8, 1000);
    r.checkpointing = false;
    r.fused_loss = true;
    REQUIRE(r.zero_stage < 0);  // the default: stage 3 on several GPUs
    const double sharded = estimate_memory(r, catalog()).activations * 1024.0 * 1024 * 1024 / (1000.0 * 32);
    CHECK(sharded == Approx(20 * h + 4 * kv + 8 * f));
    r.zero_stage = 0;  // plain data parallel: autocast over 32-bit weights
    CHECK(estimate_memory(r, catalog()).activations * 1024.0 * 1024 * 1024 / (1000.0 * 32) == Approx(30 * h + 4 * kv + 8 * f));
  }
  CHECK(activations("full", "all", "bf16", true) == Approx(12 * h + 4 * kv + 6 * f));
  // A two-matrix GeLU MLP keeps the activation's input and, when it trains, the output.
  TrainingRequest phi = request("phi-1.5", "full", "h200", 1, 1000);
  REQUIRE_FALSE(phi.model.gated_mlp);
  phi.checkpointing = false;
  phi.fused_loss = true;
  phi.precision = "bf16";
  CHECK(estimate_memory(phi, catalog()).activations * 1024.0 * 1024 * 1024 / (1000.0 * 24) ==
        Approx(20 * 2048.0 + 4 * 2048 + 4 * 8192));
  // With checkpointing one layer is recomputed: its count plus every layer's 16-bit input.
  TrainingRequest ckpt = request("llama-3.1-8b", "lora", "h200", 1, 1000);
  ckpt.fused_loss = true;
  CHECK(estimate_memory(ckpt, catalog()).activations * 1024.0 * 1024 * 1024 / 1000.0 ==
        Approx(2 * h * 32 + 16 * h + 4 * kv + 8 * f));
  // Under autocast over 32-bit weights the residual stream, and so each checkpoint, is 32-bit.
  TrainingRequest mixed = request("llama-3.1-8b", "full", "h200", 1, 1000);
  mixed.fused_loss = true;
  mixed.precision = "mixed";
  CHECK(estimate_memory(mixed, catalog()).activations * 1024.0 * 1024 * 1024 / 1000.0 ==
        Approx(4 * h * 32 + 30 * h + 4 * kv + 8 * f));
  mixed.precision = "bf16";
  CHECK(estimate_memory(mixed, catalog()).activations * 1024.0 * 1024 * 1024 / 1000.0 ==
        Approx(2 * h * 32 + 20 * h + 4 * kv + 8 * f));
}

TEST_CASE("32-bit adapters without autocast keep a 32-bit copy of each adapted input", "[estimate][memory]") {
  // 1,000 tokens of Llama 3.1 8B without checkpointing, as in the count above; PEFT's 32-bit
  // adapters on a 16-bit base without autocast add 2 bytes per unit of each adapted input.
  const auto activations = [](const char* method, const char* targets, bool fp32_inputs) {
    TrainingRequest r = request("llama-3.1-8b", method, "h200", 1, 1000);
    r.checkpointing = false;
    r.fused_loss = true;
    r.lora_targets = targets;
    r.precision = "bf16";
    r.fp32_adapter_inputs = fp32_inputs;
    return estimate_memory(r, catalog()).activations * 1024.0 * 1024 * 1024 / (1000.0 * 32);
  };
  const double h = 4096, f = 14336;
  CHECK(activations("lora", "qv", true) - activations("lora", "qv", false) == Approx(2 * 2 * h));
  CHECK(activations("lora", "attention", true) - activations("lora", "attention", false) == Approx(2 * 4 * h));
  CHECK(activations("lora", "all", true) - activations("lora", "all", false) == Approx(2 * (6 * h + f)));
  CHECK(activations("qlora", "all", true) - activations("qlora", "all", false) == Approx(2 * (6 * h + f)));
  // Full-weight training has no adapters: the setting changes nothing.
  CHECK(activations("full", "all", true) == Approx(activations("full", "all", false)));
  // The estimate says what it assumed.
  TrainingRequest r = request("llama-3.1-8b", "lora", "h200", 1, 1000);
  r.fp32_adapter_inputs = true;
  const auto notes = estimate_training_notes(r, catalog());
  CHECK(std::any_of(notes.begin(), notes.end(), [](const Note& n) { return n.name == "adapter_inputs"; }));
}

TEST_CASE("a mixture of experts keeps the activations of the experts a token is routed to", "[estimate][moe]") {
  // Mixtral 8x7B: 12.9B active of 46.7B, two experts of FFN 14336 per token.
  TrainingRequest moe = request("mixtral-8x7b", "lora", "h200", 1, 1000);
  moe.checkpointing = false;
  moe.fused_loss = true;
  TrainingRequest dense = moe;
  dense.model.active_params = dense.model.params;
  const double per_token_moe = estimate_memory(moe, catalog()).activations * 1024.0 * 1024 * 1024 / (1000.0 * 32);
  const double per_token_dense = estimate_memory(dense, catalog()).activations * 1024.0 * 1024 * 1024 / (1000.0 * 32);
  CHECK(per_token_dense == Approx(16 * 4096.0 + 4 * 1024 + 8 * 14336));
  CHECK((per_token_moe - 16 * 4096.0 - 4 * 1024) / (8 * 14336) == Approx(2).epsilon(0.05));
}

TEST_CASE("a mixture of experts holds all its parameters and computes with the active ones", "[estimate][moe]") {
  const ModelShape dense = shape_for_params(47e9, 0, catalog());
  const ModelShape moe = shape_for_params(47e9, 13e9, catalog());
  CHECK(moe.params == 47e9);
  CHECK(moe.active_params == 13e9);
  CHECK(moe.hidden < dense.hidden);  // the shape follows the active parameters
  CHECK(moe.vocab == static_cast<int>(catalog().model.derived_vocab.expected));
  TrainingRequest r = request("llama-2-7b", "full", "h100-sxm", 8, 2048);
  r.model = moe;
  r.tokens = 1e9;
  TrainingRequest d = r;
  d.model = dense;
  const TrainingEstimate em = estimate_training(r, catalog());
  const TrainingEstimate ed = estimate_training(d, catalog());
  CHECK(em.flops < ed.flops / 3);
  CHECK(em.memory.weights == Approx(ed.memory.weights));
  CHECK(training_utilization(r, catalog()).moe <= 1.0);
}

TEST_CASE("what would fit is computed in the core", "[estimate][memory]") {
  TrainingRequest r = request("llama-2-70b", "full", "a100-80gb", 1, 2048);
  r.tokens = 1e8;
  const JobEstimate job = estimate_job(r, true, catalog());
  CHECK_FALSE(job.training.memory.fits);
  REQUIRE_FALSE(job.would_fit.empty());
  CHECK(job.would_fit.front().find("ZeRO-3") != std::string::npos);
  const JobEstimate serve = estimate_job(r, false, catalog());
  CHECK(serve.training.memory.total == Approx(serving_memory_gib(r.model, catalog())));
  // Long sequences: the whole logits and eager layers are what does not fit a 24 GB card, and
  // fused kernels with a fused loss are proposed with the memory they leave.
  TrainingRequest lora = request("llama-3.1-8b", "lora", "rtx-4090", 1, 8192);
  lora.tokens = 1e6;
  const JobEstimate eager = estimate_job(lora, true, catalog());
  REQUIRE_FALSE(eager.training.memory.fits);
  const auto fused = std::find_if(eager.would_fit.begin(), eager.would_fit.end(),
                                  [](const std::string& s) { return s.rfind("fused kernels and a fused loss", 0) == 0; });
  REQUIRE(fused != eager.would_fit.end());
  lora.fused_kernels = true;
  lora.fused_loss = true;
  const MemoryEstimate with_fused = estimate_memory(lora, catalog());
  CHECK(with_fused.fits);
  CHECK(fused->find(format_number(with_fused.total, 1) + " GiB") != std::string::npos);
  // Once both are on, they are not proposed again.
  for (const auto& s : estimate_job(lora, true, catalog()).would_fit) CHECK(s.find("fused kernels") == std::string::npos);
  // 32-bit adapter inputs that break the fit: autocast is proposed, and only for them.
  TrainingRequest copies = request("llama-3.1-8b", "lora", "a100-80gb", 1, 1024);
  copies.micro_batch = 7;
  copies.tokens = 1e6;
  copies.checkpointing = false;
  REQUIRE(estimate_memory(copies, catalog()).fits);
  copies.fp32_adapter_inputs = true;
  const JobEstimate uncast = estimate_job(copies, true, catalog());
  REQUIRE_FALSE(uncast.training.memory.fits);
  const auto autocast = [](const JobEstimate& j) {
    return std::count_if(j.would_fit.begin(), j.would_fit.end(),
                         [](const std::string& s) { return s.rfind("bf16 autocast", 0) == 0; });
  };
  CHECK(autocast(uncast) == 1);
  CHECK(autocast(eager) == 0);
}

TEST_CASE("an unknown GPU id is answered with what the suggested card is", "[catalog]") {
  const std::string hint = catalog().gpu_suggestion("h300");
  CHECK(hint.find("`h100`") != std::string::npos);
  CHECK(hint.find("989 dense 16-bit TFLOPS") != std::string::npos);
  CHECK(catalog().find_gpu("h20") != nullptr);
  CHECK(catalog().find_gpu("h20")->peak_tflops < 200);
}

TEST_CASE("QLoRA slowdown is a cost per step that long steps amortize", "[estimate][calibration]") {
  TrainingRequest q = request("llama-2-7b", "qlora", "a100-80gb", 1, 2048);
  q.packing = "packed";
  q.tokens = 1e8;
  q.finetune = true;
  const double k = catalog().model.qlora_overhead_tokens.expected;
  REQUIRE(k > 0);
  CHECK(step_tokens(q, catalog()) == Approx(2048));
  CHECK(qlora_slowdown(q, catalog()) == Approx(1 + k / 2048));
  TrainingRequest shorter = q;
  shorter.packing = "padded";
  shorter.example_tokens = 150;  // unpacked: a step computes the examples' tokens, not the padded length
  CHECK(step_tokens(shorter, catalog()) == Approx(150));
  CHECK(qlora_slowdown(shorter, catalog()) > qlora_slowdown(q, catalog()));
  TrainingRequest lora = q;
  lora.method = "lora";
  CHECK(qlora_slowdown(lora, catalog()) == 1);
  // Same FLOPs per token, so the GPU-hours differ by the slowdown and nothing else.
  const double ratio = estimate_training(q, catalog()).gpu_hours.expected / estimate_training(lora, catalog()).gpu_hours.expected;
  CHECK(ratio == Approx(qlora_slowdown(q, catalog())));
}

TEST_CASE("fine-tunes read their generation's one-node curve", "[estimate][calibration]") {
  const auto& curves = catalog().utilization_curves;
  REQUIRE(curves.count("ampere-finetune") == 1);
  REQUIRE(curves.count("hopper-finetune") == 1);
  TrainingRequest ft = request("llama-2-7b", "full", "a100-80gb", 8, 2048);
  ft.finetune = true;
  ft.packing = "packed";
  ft.micro_batch = 4;
  const Utilization u = training_utilization(ft, catalog());
  CHECK(utilization_curve_id(ft) == "ampere-finetune");
  CHECK(u.curve == Approx(curves.at("ampere-finetune").at(ft.model.active_params)));
  const double t = step_tokens(ft, catalog());
  CHECK(u.finetune ==
        Approx(catalog().model.finetune_utilization_factor.expected * t / (t + catalog().model.finetune_tokens_half.expected)));
  TrainingRequest pre = ft;
  pre.finetune = false;
  CHECK(utilization_curve_id(pre) == "ampere");
  // The curves resolved into the GPU read as the catalog's curve does, at every size.
  for (const double n : {5e7, 1e8, 3e8, 7e9, 7e10, 4e11, 2e12}) {
    pre.model.params = pre.model.active_params = n;
    CHECK(training_utilization(pre, catalog()).curve == Approx(curves.at("ampere").at(n)));
  }
  // Longer steps reach more of the level; without a -finetune curve the pretraining curve is read.
  TrainingRequest shorter = ft;
  shorter.micro_batch = 1;
  CHECK(training_utilization(shorter, catalog()).value.expected < u.value.expected);
  Catalog without = catalog();
  without.utilization_curves.erase("ampere-finetune");
  resolve_utilization_curves(without);
  ft.gpu = without.find_gpu("a100-80gb");
  const Utilization fallback = training_utilization(ft, without);
  CHECK(utilization_curve_id(ft) == "ampere");
  CHECK(fallback.curve == Approx(curves.at("ampere").at(ft.model.active_params)));
}

TEST_CASE("activation checkpointing adds a recomputed forward pass to the time, not to the model's FLOPs",
          "[estimate][calibration]") {
  TrainingRequest on = request("llama-2-7b", "full", "a100-80gb", 8, 2048);
  on.tokens = 1e9;
  TrainingRequest off = on;
  off.checkpointing = false;
  const TrainingEstimate a = estimate_training(on, catalog());
  const TrainingEstimate b = estimate_training(off, catalog());
  CHECK(a.flops == Approx(b.flops));
  CHECK(b.compute_flops == Approx(b.flops));
  const ModelShape& m = on.model;
  CHECK(a.compute_flops - a.flops == Approx(on.tokens * (2.0 * m.active_params + 2.0 * m.layers * 2048.0 * m.hidden)));
  CHECK(a.gpu_hours.expected / b.gpu_hours.expected == Approx(a.compute_flops / b.compute_flops));
  // Full weights: about 4/3; a frozen base: about 3/2.
  CHECK(a.compute_flops / a.flops == Approx(4.0 / 3.0).epsilon(0.01));
  TrainingRequest lora = on;
  lora.method = "lora";
  CHECK(estimate_training(lora, catalog()).compute_flops / estimate_training(lora, catalog()).flops == Approx(1.5).epsilon(0.02));
  // --mfu is a share of the model's FLOPs: nothing is added to it.
  on.utilization = 0.4;
  CHECK(estimate_training(on, catalog()).compute_flops == Approx(a.flops));
}

TEST_CASE("without gradient accumulation the peak holds the larger of the activations and the gradients", "[estimate][memory]") {
  TrainingRequest r = request("llama-3.2-3b", "full", "a100-80gb", 1, 4096);
  r.micro_batch = 2;
  r.precision = "bf16";
  r.chunked_loss = true;
  r.optimizer = "adamw-fused";  // no step temporary: the gradients alone meet the activations
  const MemoryEstimate summed = estimate_memory(r, catalog());
  r.accumulate_gradients = false;
  const MemoryEstimate peak = estimate_memory(r, catalog());
  CHECK(peak.activations == Approx(summed.activations));
  CHECK(peak.gradients == Approx(std::max(0.0, summed.gradients - summed.activations - summed.logits)));
  CHECK(peak.total < summed.total);
  CHECK(peak.total == Approx(peak.weights + peak.gradients + peak.optimizer + peak.activations + peak.logits + peak.overhead));
  // Without checkpointing the activations outgrow the gradients: no gradient is left at the peak.
  r.checkpointing = false;
  CHECK(estimate_memory(r, catalog()).gradients == 0);
}
