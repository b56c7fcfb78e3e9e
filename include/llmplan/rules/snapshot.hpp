#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "llmplan/input/diagnostic.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace llmplan {

/// A loaded rule set in a compact binary form: what the build writes for the built-in rule set
/// (src/tools/embed_rules.cpp loads rules/*.yaml with load_ruleset() and saves the result), so
/// that a run restores it without parsing, validating or compiling anything. The form holds
/// every field of the rule set, the catalogs and the compiled conditions; it is read only by the
/// build that wrote it, so it has no version.
std::string save_ruleset(const RuleSet& set, const Diagnostics& diags);

/// Reads save_ruleset()'s form; `diags` receives the diagnostics the build's load reported
/// (warnings: a rule set with errors is never saved). Throws std::runtime_error on data that
/// save_ruleset() did not write.
RuleSet restore_ruleset(std::string_view data, Diagnostics& diags);

/// Appends plain values to a byte string: sizes and integers as LEB128 varints, doubles as
/// their 8 bytes, strings with their length.
class SnapshotWriter {
 public:
  explicit SnapshotWriter(std::string& out) : m_out(out) {}

  void size(std::size_t value) {
    std::uint64_t v = value;
    do {
      auto byte = static_cast<unsigned char>(v & 0x7f);
      v >>= 7;
      if (v != 0) byte = static_cast<unsigned char>(byte | 0x80);
      m_out.push_back(static_cast<char>(byte));
    } while (v != 0);
  }
  void integer(long long value) {  // zigzag, so that small negative numbers stay short
    const auto u = static_cast<std::uint64_t>(value);
    size(static_cast<std::size_t>((u << 1) ^ (value < 0 ? ~std::uint64_t{0} : 0)));
  }
  void number(double value) {
    char bytes[sizeof(double)];
    std::memcpy(bytes, &value, sizeof(double));
    m_out.append(bytes, sizeof(double));
  }
  void text(std::string_view value) {
    size(value.size());
    m_out.append(value);
  }
  template <typename T>
  void bytes(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    m_out.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }

 private:
  std::string& m_out;
};

/// Reads what SnapshotWriter wrote.
class SnapshotReader {
 public:
  explicit SnapshotReader(std::string_view data) : m_data(data) {}

  std::size_t size() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      need(1);
      const auto byte = static_cast<unsigned char>(m_data[m_pos++]);
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
      if (shift > 56) throw std::runtime_error("corrupt rule-set snapshot: varint too long");
    }
    return static_cast<std::size_t>(v);
  }
  long long integer() {
    const auto u = static_cast<std::uint64_t>(size());
    return static_cast<long long>((u >> 1) ^ (~(u & 1) + 1));
  }
  double number() {
    need(sizeof(double));
    double value = 0;
    std::memcpy(&value, m_data.data() + m_pos, sizeof(double));
    m_pos += sizeof(double);
    return value;
  }
  std::string_view text() {
    const std::size_t n = size();
    need(n);
    const std::string_view out = m_data.substr(m_pos, n);
    m_pos += n;
    return out;
  }
  template <typename T>
  void bytes(T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof(T));
    std::memcpy(&value, m_data.data() + m_pos, sizeof(T));
    m_pos += sizeof(T);
  }
  [[nodiscard]] bool done() const { return m_pos == m_data.size(); }

 private:
  void need(std::size_t n) const {
    if (n > m_data.size() - m_pos) throw std::runtime_error("corrupt rule-set snapshot: data ends early");
  }

  std::string_view m_data;
  std::size_t m_pos = 0;
};

}  // namespace llmplan
