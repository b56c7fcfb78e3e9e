#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "llmplan/cost/catalog.hpp"
#include "llmplan/input/diagnostic.hpp"
#include "llmplan/input/facts.hpp"
#include "llmplan/input/yaml_tree.hpp"

namespace llmplan {

/// A default the loader applied on the user's behalf; `advise` lists them all.
struct Assumption {
  std::string field;
  Value value;
  std::string why;
};

/// One project, as a profile describes it: every field as a typed fact, the defaults that
/// were assumed, and where each given field was written.
struct Profile {
  std::string file;
  std::string name;
  Facts facts;
  std::vector<Assumption> assumptions;
  std::map<std::string, SourceLoc> locations;
  /// Numeric fields written as a range `LO..HI` (profile.md): the fact holds the range's
  /// middle (geometric when HI > 10 x LO), `--uncertainty` samples across it.
  std::map<std::string, std::pair<double, double>> ranges;
};

/// The outcome of loading one YAML document: a profile and everything wrong with it.
struct LoadedProfile {
  Profile profile;
  Diagnostics diagnostics;
  [[nodiscard]] bool valid() const { return !diagnostics.has_errors(); }
};

/// Reads every document of a profile file (format version 1, see docs/profile.md), checks it
/// against the contract and the catalog, and applies defaults. Never throws on bad input.
std::vector<LoadedProfile> load_profiles(std::string_view text, const std::string& file, const Catalog& catalog);

/// The documents of one profile file loaded a few at a time, so that a batch of many thousands
/// need not be held at once: the same profiles as load_profiles() (which uses it), in the same
/// order with the same names and diagnostics, whatever the sizes of the steps. The text is split
/// at its `---` markers once (split_yaml_documents); each step loads the next parts, which a
/// caller may do in parallel across files (load() is const and thread-safe), and accept()
/// turns them into profiles. Until the file holds a second profile or ends, its first one is held
/// back: an unnamed document is named `FILE#N` only when the file holds more than one.
class ProfileStream {
 public:
  ProfileStream(std::string_view text, std::string file, const Catalog& catalog);

  /// Parts not yet loaded; the next one is next_part().
  [[nodiscard]] std::size_t parts_left() const { return m_parts.size() - m_next; }
  [[nodiscard]] std::size_t next_part() const { return m_next; }
  /// The profiles of part `index` (a document, or the whole text when it is not split).
  [[nodiscard]] std::vector<LoadedProfile> load(std::size_t index) const;
  /// Takes the loaded parts next_part() .. next_part() + loaded.size() - 1, in order, and
  /// appends to `out` the profiles that are ready (see the class comment).
  void accept(std::vector<std::vector<LoadedProfile>> loaded, std::vector<LoadedProfile>& out);
  /// Every part loaded and every profile handed out.
  [[nodiscard]] bool done() const { return parts_left() == 0 && m_held.empty() && m_finished; }
  /// The bytes before this offset will not be read again.
  [[nodiscard]] std::size_t consumed() const;

 private:
  void hand_out(std::vector<LoadedProfile>& out);

  std::string_view m_text;
  std::string m_file;
  const Catalog* m_catalog;
  std::vector<YamlPart> m_parts;
  std::size_t m_next = 0;
  std::vector<LoadedProfile> m_held;  ///< loaded, waiting until the naming is known
  std::size_t m_handed = 0;           ///< profiles handed out so far
  bool m_finished = false;
};

/// The profile's name when none is given: the file name without directory and extension.
std::string default_profile_name(const std::string& file);

/// JSON Schema (draft-07) of profile format version 1, generated from the same field table the
/// loader checks against, so that the two cannot drift apart. `proposal.strategy` takes the ids
/// of the loaded ladder.
std::string profile_json_schema(const std::vector<std::string>& strategy_ids);

/// The values a numeric profile fact can take (the loader's bounds; derived facts included).
std::optional<std::pair<double, double>> fact_range(std::string_view path);

/// Every field path of profile format version 1 (for suggestions and docs).
const std::vector<std::string>& profile_field_paths();

/// Overrides one field from text, with the same checks as the file (`--set path=value`).
/// Returns false and adds a diagnostic when the path or value is wrong.
bool set_profile_field(Profile& profile, std::string_view path, std::string_view value_text, const Catalog& catalog,
                       Diagnostics& diags);

/// Sets one numeric field (a quantity or the overlap) to a value, with the field table's checks
/// (whole numbers, bounds) and the derived facts updated: what-ifs (sweep, explain, sampling)
/// set values on the parsed profile, never format text and parse it back. A range the field
/// held is kept unless `clear_range`. Returns false (adding a diagnostic) when the value is
/// not valid for the field.
bool set_profile_number(Profile& profile, std::string_view path, double value, const Catalog& catalog, Diagnostics& diags,
                        bool clear_range = true);

/// The middle of a range as the advice ranks it: geometric when HI > 10 x LO (and LO > 0).
double range_middle(double lo, double hi);

}  // namespace llmplan
