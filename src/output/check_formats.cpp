// The formats of `check`, one row each (see check_format.hpp).
#include <algorithm>

#include "llmplan/output/check_format.hpp"

namespace llmplan {

const std::vector<CheckFormat>& check_formats() {
  static const std::vector<CheckFormat> formats = {
      {"text", "one line per profile for people, with the rules behind a rejection", render_check_text},
      {"json", "one JSON document with each judgement", render_check_json},
      {"github", "GitHub Actions workflow annotations", render_check_github},
      {"junit", "JUnit XML, one test case per profile", render_check_junit},
      {"sarif", "SARIF 2.1.0 for code scanning", render_check_sarif},
      {"markdown", "a Markdown summary for a pull request or job summary", render_check_markdown},
  };
  return formats;
}

const CheckFormat* find_check_format(std::string_view name) {
  const auto& all = check_formats();
  const auto it = std::find_if(all.begin(), all.end(), [&](const CheckFormat& f) { return f.name == name; });
  return it == all.end() ? nullptr : &*it;
}

std::vector<std::string> check_format_names() {
  std::vector<std::string> names;
  for (const auto& f : check_formats()) names.emplace_back(f.name);
  return names;
}

}  // namespace llmplan
