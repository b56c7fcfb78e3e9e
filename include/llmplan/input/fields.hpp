#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "llmplan/input/facts.hpp"
#include "llmplan/input/units.hpp"

namespace llmplan {

/// How a profile field's value is read.
enum class FieldKind {
  quantity,     ///< a number in any quantity form of its dimension (`5k`, `$1.5M`, `40%`)
  enumeration,  ///< one of `allowed`
  enum_list,    ///< a word or list of words of `allowed`
  boolean,
  text,
  overlap,      ///< a word of the overlap scale or a fraction
  gpu_id,       ///< an id or alias of the GPU catalog
  model_id,     ///< an id or alias of the model catalog
  api_id,       ///< an id of the hosted-API catalog
  strategy_id,  ///< an id of the loaded ladder
};

/// One field of profile format version 1, described once: the loader, the facts rules read,
/// the JSON Schema, the counterfactual search of explanations and `llmplan init` all read it
/// from here (docs/architecture.md: "how to add a field").
struct ProfileField {
  std::string_view path;
  FieldKind kind;
  Dimension dimension = Dimension::number;  ///< how a quantity is read
  FactUnit unit = FactUnit::none;           ///< how its value is shown to people
  bool required = false;
  /// Read through the same checks as a value in a file; empty: the field stays unset (null).
  std::string_view default_text{};
  double min = 0;
  double max = 0;  ///< 0: no upper bound
  bool whole = false;
  std::string_view unset_why{};  ///< the assumption recorded when an optional field is absent
  std::vector<std::string> allowed{};
  std::string_view description{};
  /// The range a counterfactual search explores for this field (explain), when it searches it.
  std::optional<std::pair<double, double>> search{};
  std::string_view question{};  ///< what `llmplan init` asks for it ("" when it does not ask)
  std::string_view example{};   ///< the value `init` writes when nobody answers (else the default)
};

/// Every field of profile format version 1, in the order of the profile reference.
const std::vector<ProfileField>& profile_fields();

/// The field at `path`, or nullptr.
const ProfileField* find_profile_field(std::string_view path);

/// The fact type a field's values have.
Value::Type fact_type(FieldKind kind);

}  // namespace llmplan
