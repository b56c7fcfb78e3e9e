#include "llmplan/input/fields.hpp"

namespace llmplan {

const std::vector<ProfileField>& profile_fields() {
  using K = FieldKind;
  using D = Dimension;
  using U = FactUnit;
  using Search = std::pair<double, double>;
  // clang-format off
  static const std::vector<ProfileField> fields = {
      {.path = "version", .kind = K::quantity, .default_text = "1", .min = 1, .max = 1, .whole = true,
       .description = "profile format version"},
      {.path = "name", .kind = K::text, .description = "profile name (default: the file name without extension)"},
      {.path = "description", .kind = K::text, .description = "what the model should do, in one sentence"},
      {.path = "task.type", .kind = K::enumeration, .default_text = "generation",
       .allowed = {"classification", "extraction", "summarization", "generation", "chat", "qa", "code", "translation", "other"},
       .description = "kind of task",
       .question = "What kind of task?"},
      {.path = "task.needs", .kind = K::enum_list, .default_text = "[skill]",
       .allowed = {"format", "style", "knowledge", "skill", "language"},
       .description = "what the base model lacks",
       .question = "What does the base model lack? (several as [a, b])"},
      {.path = "data.labeled_examples", .kind = K::quantity, .dimension = D::examples, .unit = U::count, .required = true,
       .min = 0, .max = 1e12, .whole = true, .description = "labeled input->output pairs usable for supervised tuning",
       .search = Search{0, 1e9}, .question = "How many labeled input->output examples do you have? (e.g. 0, 500, 3k)",
       .example = "0"},
      {.path = "data.preference_pairs", .kind = K::quantity, .dimension = D::examples, .unit = U::count, .default_text = "0",
       .min = 0, .max = 1e12, .whole = true, .description = "chosen/rejected answer pairs for preference tuning",
       .search = Search{0, 1e8},
       .question = "How many chosen/rejected answer pairs (preference data) do you have? (e.g. 0, 5k, 120k)"},
      {.path = "data.unlabeled_inputs", .kind = K::quantity, .dimension = D::examples, .unit = U::count, .default_text = "0",
       .min = 0, .max = 1e12, .whole = true, .description = "real inputs without answers, e.g. logged requests",
       .search = Search{0, 1e9},
       .question = "How many real inputs without answers (e.g. logged requests) do you have? (e.g. 0, 20k, 2M)"},
      {.path = "data.example_tokens", .kind = K::quantity, .dimension = D::tokens, .unit = U::tokens, .default_text = "500",
       .min = 1, .max = 1e7, .description = "average tokens per labeled example", .search = Search{16, 1e5}},
      {.path = "data.domain_tokens", .kind = K::quantity, .dimension = D::tokens, .unit = U::tokens, .default_text = "0",
       .min = 0, .max = 1e15, .description = "unlabeled in-domain text: documents, books, logs, code",
       .search = Search{0, 1e13}, .question = "How much unlabeled domain text, in tokens or as a size? (e.g. 0, 2M, 5B, 2 GB)"},
      {.path = "data.freshness", .kind = K::enumeration, .default_text = "static",
       .allowed = {"static", "yearly", "monthly", "weekly", "daily"},
       .description = "how often the needed knowledge changes"},
      {.path = "domain.overlap", .kind = K::overlap, .dimension = D::fraction, .unit = U::fraction, .required = true,
       .min = 0, .max = 1, .description = "resemblance to public training text, 0..1 (high 0.8, medium 0.5, low 0.2, none 0)",
       .search = Search{0, 1},
       .question = "How much does your domain resemble public web text? (high, medium, low, none, or a fraction such as 40%)",
       .example = "medium"},
      {.path = "domain.language", .kind = K::text, .default_text = "en", .description = "main language (BCP-47)"},
      {.path = "domain.regulated", .kind = K::boolean, .default_text = "false",
       .description = "outputs land in a regulated, high-stakes field (health, finance, law)"},
      {.path = "budget.one_time_usd", .kind = K::quantity, .dimension = D::usd, .unit = U::usd, .required = true, .min = 0,
       .max = 1e12, .description = "money for data preparation and training", .search = Search{0.01, 1e10},
       .question = "One-time budget for data and training, in dollars? (e.g. $5k)", .example = "$5k"},
      {.path = "budget.monthly_usd", .kind = K::quantity, .dimension = D::usd, .unit = U::usd, .min = 0, .max = 1e12,
       .unset_why = "not given: no monthly limit", .description = "money per month for inference and hosting (null: no limit)",
       .search = Search{0.01, 1e9}, .example = "$500"},
      {.path = "budget.horizon_months", .kind = K::quantity, .dimension = D::months, .unit = U::months,
       .default_text = "12", .min = 0.1, .max = 240, .description = "period over which totals are compared"},
      {.path = "risk.tolerance", .kind = K::enumeration, .required = true, .allowed = {"low", "medium", "high"},
       .description = "how acceptable an off-target or made-up answer is",
       .question = "How acceptable is an off-target or made-up answer?", .example = "medium"},
      {.path = "usage.requests_per_month", .kind = K::quantity, .dimension = D::count, .unit = U::count,
       .default_text = "10k", .min = 0, .max = 1e13, .description = "requests per month", .search = Search{1, 1e11},
       .question = "Requests per month? (e.g. 10k, 2M)"},
      {.path = "usage.input_tokens", .kind = K::quantity, .dimension = D::tokens, .unit = U::tokens, .default_text = "500",
       .min = 0, .max = 1e7, .description = "input tokens per request, before added examples or retrieved text"},
      {.path = "usage.output_tokens", .kind = K::quantity, .dimension = D::tokens, .unit = U::tokens,
       .default_text = "250", .min = 0, .max = 1e7, .description = "output tokens per request"},
      {.path = "usage.peak_to_mean", .kind = K::quantity, .dimension = D::number, .unit = U::none, .min = 1, .max = 1000,
       .unset_why = "not given: the cost model's peak_to_mean", .description = "busiest hour's request rate over the month's mean"},
      {.path = "usage.interactive", .kind = K::boolean, .default_text = "true",
       .description = "false: answers may wait for a batch job (batch prices apply)"},
      {.path = "constraints.self_hosted", .kind = K::boolean, .default_text = "false",
       .description = "data may not leave your infrastructure"},
      {.path = "constraints.max_latency_ms", .kind = K::quantity, .dimension = D::milliseconds, .unit = U::ms, .min = 1,
       .max = 1e8, .unset_why = "not given: no latency limit", .description = "latency limit (null: none)",
       .example = "2000"},
      {.path = "constraints.deadline_weeks", .kind = K::quantity, .dimension = D::weeks, .unit = U::weeks, .min = 0.1,
       .max = 1000, .unset_why = "not given: no deadline", .description = "weeks until production (null: none)",
       .search = Search{0.5, 520}, .example = "8"},
      {.path = "team.ml_expertise", .kind = K::enumeration, .default_text = "basic",
       .allowed = {"none", "basic", "experienced", "expert"}, .description = "ML expertise"},
      {.path = "team.hourly_usd", .kind = K::quantity, .dimension = D::usd, .unit = U::usd, .min = 0, .max = 1e6,
       .unset_why = "not given: people's time is not priced", .description = "cost of one person-hour (null: not priced)",
       .example = "$90"},
      {.path = "hardware.gpu", .kind = K::gpu_id, .unset_why = "not given: GPUs are rented",
       .description = "owned GPU id, from `llmplan gpus` (null: none)", .example = "a100-80gb"},
      {.path = "hardware.count", .kind = K::quantity, .dimension = D::count, .unit = U::count, .min = 1, .max = 1e6,
       .whole = true, .description = "owned GPU count (0: none)", .example = "1"},
      {.path = "model.name", .kind = K::model_id, .unset_why = "not given: the advisor picks a model",
       .description = "base model id, from `llmplan models` (null: the advisor picks)", .example = "llama-3.1-8b"},
      {.path = "model.params", .kind = K::quantity, .dimension = D::params, .unit = U::params, .min = 1e6, .max = 1e14,
       .description = "base model parameters (null: the advisor picks)", .example = "8B"},
      {.path = "model.active_params", .kind = K::quantity, .dimension = D::params, .unit = U::params, .min = 1e6,
       .max = 1e14, .description = "parameters used per token (mixture-of-experts; default: model.params)",
       .example = "8B"},
      {.path = "model.api", .kind = K::api_id, .unset_why = "not given: the advisor picks a hosted model",
       .description = "hosted model id for prompting, from `llmplan models` (null: the advisor picks)", .example = "gpt-4o-mini"},
      {.path = "proposal.strategy", .kind = K::strategy_id,
       .description = "what the project intends to do, judged by `llmplan check` (null: none)"},
  };
  // clang-format on
  return fields;
}

const ProfileField* find_profile_field(std::string_view path) {
  for (const auto& field : profile_fields()) {
    if (field.path == path) return &field;
  }
  return nullptr;
}

Value::Type fact_type(FieldKind kind) {
  switch (kind) {
    case FieldKind::quantity:
    case FieldKind::overlap: return Value::Type::number;
    case FieldKind::enum_list: return Value::Type::list;
    case FieldKind::boolean: return Value::Type::boolean;
    case FieldKind::enumeration:
    case FieldKind::text:
    case FieldKind::gpu_id:
    case FieldKind::model_id:
    case FieldKind::api_id:
    case FieldKind::strategy_id: return Value::Type::string;
  }
  return Value::Type::null;  // unreachable: every kind is handled above
}

}  // namespace llmplan
