#pragma once
// Private to the build (not installed): documents that are easier to build as a tree (schemas,
// catalogs, one estimate) are still written by the one JSON writer, so that every JSON output
// shares its escaping (invalid UTF-8 replaced, controls escaped) and its number format.

#include <string>

#include <nlohmann/json.hpp>

#include "llmplan/output/json_writer.hpp"

namespace llmplan {

/// Writes a tree through `w`.
void write_json_tree(JsonWriter& w, const nlohmann::ordered_json& value);

/// A whole document, pretty-printed, with a final newline.
std::string json_document(const nlohmann::ordered_json& doc);

}  // namespace llmplan
