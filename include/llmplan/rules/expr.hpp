#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "llmplan/input/facts.hpp"

namespace llmplan {

/// A problem in a condition, at a byte offset of its text.
struct ExprError {
  std::size_t offset = 0;
  std::string code;
  std::string message;
};

struct ExprNode;
class SnapshotWriter;
class SnapshotReader;

/// A compiled, type-checked condition such as
/// `data.labeled_examples < 100 and 'knowledge' in task.needs`.
///
/// Evaluation uses three-valued logic: a fact that is not set (null) makes a comparison
/// unknown, `false and unknown` is false, `true or unknown` is true, and a condition that
/// ends unknown does not fire. There are no loops and no I/O; work is bounded by the size
/// of the text, which is itself bounded at compile time.
class Expr {
 public:
  Expr();
  ~Expr();
  Expr(Expr&&) noexcept;
  Expr& operator=(Expr&&) noexcept;
  Expr(const Expr&);
  Expr& operator=(const Expr&);

  /// Parses and type-checks `text`; on failure returns an empty Expr and fills `errors`. A string
  /// compared with a fact whose values are strategy ids must be one of `strategy_ids` (the
  /// loaded ladder); without them such strings are not checked.
  static Expr compile(std::string_view text, std::vector<ExprError>& errors,
                      const std::vector<std::string>* strategy_ids = nullptr);

  [[nodiscard]] bool valid() const { return m_root != nullptr; }
  [[nodiscard]] Value::Type type() const;
  [[nodiscard]] Value evaluate(const Facts& facts) const;
  /// True when the condition holds; unknown counts as not holding.
  [[nodiscard]] bool holds(const Facts& facts) const;
  [[nodiscard]] const std::string& text() const { return m_text; }
  /// Paths of every fact the condition reads, sorted.
  [[nodiscard]] std::vector<std::string> fact_paths() const;
  /// fact_catalog() indices of every fact the condition reads, sorted, each once.
  [[nodiscard]] std::vector<std::size_t> fact_slots() const;
  /// True when the condition reads the fact at `path`.
  [[nodiscard]] bool reads(std::string_view path) const;
  /// True when the condition reads a fact whose fact_catalog() index is marked in `facts` (one
  /// entry per fact of the catalog); no strings are built.
  [[nodiscard]] bool reads_any(const std::vector<char>& facts) const;

  /// The range a numeric fact can take, or nullopt when unknown.
  using RangeOf = std::optional<std::pair<double, double>> (*)(std::string_view path);

  /// False only when the condition can never hold, whatever the facts within their ranges: a
  /// comparison of a ranged fact with a number that no value in the range satisfies, combined by
  /// and / or / not. Anything the analysis cannot judge counts as possible.
  [[nodiscard]] bool may_hold(RangeOf range_of) const;

  /// Writes the compiled condition, text and tree, for the built-in rule set's binary form
  /// (rules/snapshot.hpp); restore() reads it back without parsing or type-checking again.
  void save(SnapshotWriter& out) const;
  static Expr restore(SnapshotReader& in);

 private:
  std::shared_ptr<const ExprNode> m_root;
  std::string m_text;
};

/// Longest condition text accepted, and deepest nesting.
inline constexpr std::size_t k_max_expr_length = 4000;
inline constexpr int k_max_expr_depth = 48;

}  // namespace llmplan
