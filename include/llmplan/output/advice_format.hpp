#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "llmplan/output/render.hpp"

namespace llmplan {

/// One output format of `advise`: a document head, a body rendered a chunk of profiles at a
/// time (so that a large batch is written as it is advised; the output does not depend on how
/// the profiles are cut into chunks), and a tail with the run's summary.
/// The CLI's `--format` choices, its help and the shell completions read this table: a new
/// format is one renderer file and one row of advice_formats().
struct AdviceFormat {
  std::string_view name;
  std::string_view description;
  std::string (*head)(const RenderOptions& options);
  /// A chunk's text in pieces, in order (one per profile where they are rendered in parallel):
  /// written one after another, so that a chunk's text is never held twice.
  std::vector<std::string> (*body)(const std::vector<ProfileOutcome>& chunk, const RenderOptions& options, bool first_chunk);
  std::string (*tail)(const RenderOptions& options, const RunSummary& summary);
  /// For a format whose body is one piece per profile, each rendered on its own (JSON, JSONL):
  /// that piece, `first` for the document's first profile; the body is the pieces in order. A
  /// batch renders each profile's piece right after advising it, on the same thread. nullptr
  /// for the others.
  std::string (*piece)(const ProfileOutcome& outcome, const RenderOptions& options, bool first) = nullptr;
};

/// Every format of `advise`, the default first.
const std::vector<AdviceFormat>& advice_formats();

/// The format named `name`, or nullptr.
const AdviceFormat* find_advice_format(std::string_view name);

/// The names of advice_formats(), in order.
std::vector<std::string> advice_format_names();

/// A whole document: head, every outcome, tail.
std::string render_advice(const AdviceFormat& format, const std::vector<ProfileOutcome>& outcomes, const RenderOptions& options);

}  // namespace llmplan
