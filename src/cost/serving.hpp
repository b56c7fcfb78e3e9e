#pragma once

#include <string>

#include "llmplan/cost/plan.hpp"

namespace llmplan::detail {

/// Monthly cost of serving and how, for people.
struct Serving {
  Range monthly;
  std::string description;
};

double tokens_per_request(const Profile& p);
ServingGpus choose_serving_gpus(const ModelShape& model, const Profile& p, const Catalog& c);
Serving self_hosted_serving(const ModelShape& model, const ServingGpus& where, const Range& extra, double requests,
                            const Profile& p, const Catalog& c, bool describe);
Serving api_serving(const std::string& api_id, const Range& extra_prompt, double requests, const Profile& p, const Catalog& c,
                    bool describe);

}  // namespace llmplan::detail
