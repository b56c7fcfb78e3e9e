#include "json_tree.hpp"

namespace llmplan {

void write_json_tree(JsonWriter& w, const nlohmann::ordered_json& value) {
  using Type = nlohmann::ordered_json::value_t;
  switch (value.type()) {
    case Type::object:
      w.begin_object();
      for (const auto& [key, item] : value.items()) {
        w.key(key);
        write_json_tree(w, item);
      }
      w.end_object();
      return;
    case Type::array:
      w.begin_array();
      for (const auto& item : value) write_json_tree(w, item);
      w.end_array();
      return;
    case Type::string: w.value(value.get_ref<const std::string&>()); return;
    case Type::boolean: w.value(value.get<bool>()); return;
    case Type::number_integer:
    case Type::number_unsigned: {
      const double number = value.get<double>();
      // Counts print whole; beyond int they print as the writer prints every other number.
      if (number >= -2147483648.0 && number <= 2147483647.0)
        w.value(static_cast<int>(value.get<long long>()));
      else
        w.value(number);
      return;
    }
    case Type::number_float: w.value(value.get<double>()); return;
    case Type::null:
    case Type::discarded:
    case Type::binary: w.null(); return;
  }
}

std::string json_document(const nlohmann::ordered_json& doc) {
  std::string out;
  JsonWriter w(out, true);
  write_json_tree(w, doc);
  return out + "\n";
}

}  // namespace llmplan
