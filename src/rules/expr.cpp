#include "llmplan/rules/expr.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <set>

#include <fmt/format.h>

#include "llmplan/input/suggest.hpp"
#include "llmplan/input/units.hpp"
#include "llmplan/rules/snapshot.hpp"

namespace llmplan {

namespace {

enum class Tok { number, string, name, op, lparen, rparen, lbracket, rbracket, comma, end };

struct Token {
  Tok kind;
  std::string text;
  std::size_t offset;
  double number = 0;
};

struct CompileFailure {
  ExprError error;
};

[[noreturn]] void fail(std::size_t offset, std::string code, std::string message) {
  throw CompileFailure{ExprError{offset, std::move(code), std::move(message)}};
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '$' ||
        (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      if (c == '$') ++i;
      while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '.')) ++i;
      if (i < s.size() && (s[i] == 'e' || s[i] == 'E') && i + 1 < s.size() &&
          (std::isdigit(static_cast<unsigned char>(s[i + 1])) ||
           ((s[i + 1] == '-' || s[i + 1] == '+') && i + 2 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 2]))))) {
        i += 2;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      }
      if (i < s.size() && std::string_view("kKMBTm%").find(s[i]) != std::string_view::npos &&
          (i + 1 >= s.size() || !name_char(s[i + 1]) || s[i + 1] == '.')) {
        ++i;
      }
      const std::string text(s.substr(start, i - start));
      const Dimension dim = text.front() == '$' ? Dimension::usd : text.back() == '%' ? Dimension::fraction : Dimension::number;
      const QuantityResult q = parse_quantity(text, dim);
      if (!q.ok) fail(start + q.error_offset, "expr-syntax", q.error);
      out.push_back({Tok::number, text, start, q.value});
      continue;
    }
    if (c == '\'' || c == '"') {
      ++i;
      std::string text;
      while (i < s.size() && s[i] != c) text.push_back(s[i++]);
      if (i >= s.size()) fail(start, "expr-syntax", "unterminated string");
      ++i;
      out.push_back({Tok::string, text, start});
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (i < s.size() && name_char(s[i])) ++i;
      // A trailing '.' is punctuation, not part of the name.
      while (i > start + 1 && s[i - 1] == '.') --i;
      out.push_back({Tok::name, std::string(s.substr(start, i - start)), start});
      continue;
    }
    static const char* two_char[] = {"<=", ">=", "==", "!="};
    bool matched = false;
    for (const char* op : two_char) {
      if (s.substr(i, 2) == op) {
        out.push_back({Tok::op, op, start});
        i += 2;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    switch (c) {
      case '<':
      case '>':
      case '+':
      case '-':
      case '*':
      case '/': out.push_back({Tok::op, std::string(1, c), start}); break;
      case '(': out.push_back({Tok::lparen, "(", start}); break;
      case ')': out.push_back({Tok::rparen, ")", start}); break;
      case '[': out.push_back({Tok::lbracket, "[", start}); break;
      case ']': out.push_back({Tok::rbracket, "]", start}); break;
      case ',': out.push_back({Tok::comma, ",", start}); break;
      case '=': fail(start, "expr-syntax", "use `==` to compare");
      case '&': fail(start, "expr-syntax", "use `and`");
      case '|': fail(start, "expr-syntax", "use `or`");
      case '!': fail(start, "expr-syntax", "use `not` (or `!=` to compare)");
      default: fail(start, "expr-syntax", fmt::format("unexpected character `{}`", c));
    }
    ++i;
  }
  out.push_back({Tok::end, "", s.size()});
  return out;
}

}  // namespace

enum class Op { literal, fact, neg, add, sub, mul, div, lt, le, gt, ge, eq, ne, in, not_in, and_, or_, not_, list, call };

struct ExprNode {
  Op op = Op::literal;
  Value::Type type = Value::Type::null;
  Value literal;
  std::size_t fact = 0;
  std::string name;  // fact path or function name
  std::size_t offset = 0;
  std::vector<std::shared_ptr<ExprNode>> args;
};

namespace {

using NodePtr = std::shared_ptr<ExprNode>;
using VT = Value::Type;

const std::vector<std::string> k_functions = {"abs", "len", "log10", "max", "min"};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

  NodePtr parse() {
    NodePtr node = parse_or();
    if (peek().kind != Tok::end) fail(peek().offset, "expr-syntax", fmt::format("unexpected `{}`", peek().text));
    return node;
  }

 private:
  const Token& peek() const { return m_tokens[m_pos]; }
  const Token& next() { return m_tokens[m_pos++]; }
  bool is_word(const char* w) const { return peek().kind == Tok::name && peek().text == w; }
  bool is_op(const char* o) const { return peek().kind == Tok::op && peek().text == o; }

  struct DepthGuard {
    explicit DepthGuard(int& depth, std::size_t offset) : m_depth(depth) {
      if (++m_depth > k_max_expr_depth) fail(offset, "expr-too-deep", "the condition nests too deeply");
    }
    ~DepthGuard() { --m_depth; }
    int& m_depth;
  };

  static NodePtr make(Op op, std::size_t offset, std::vector<NodePtr> args) {
    auto n = std::make_shared<ExprNode>();
    n->op = op;
    n->offset = offset;
    n->args = std::move(args);
    return n;
  }

  NodePtr parse_or() {
    NodePtr left = parse_and();
    while (is_word("or")) {
      const std::size_t at = next().offset;
      left = make(Op::or_, at, {left, parse_and()});
    }
    return left;
  }

  NodePtr parse_and() {
    NodePtr left = parse_not();
    while (is_word("and")) {
      const std::size_t at = next().offset;
      left = make(Op::and_, at, {left, parse_not()});
    }
    return left;
  }

  NodePtr parse_not() {
    if (is_word("not")) {
      DepthGuard guard(m_depth, peek().offset);
      const std::size_t at = next().offset;
      return make(Op::not_, at, {parse_not()});
    }
    return parse_comparison();
  }

  NodePtr parse_comparison() {
    NodePtr left = parse_sum();
    static const std::pair<const char*, Op> ops[] = {{"<=", Op::le}, {">=", Op::ge}, {"<", Op::lt},
                                                     {">", Op::gt},  {"==", Op::eq}, {"!=", Op::ne}};
    for (const auto& [text, op] : ops) {
      if (is_op(text)) {
        const std::size_t at = next().offset;
        return make(op, at, {left, parse_sum()});
      }
    }
    if (is_word("in")) {
      const std::size_t at = next().offset;
      return make(Op::in, at, {left, parse_sum()});
    }
    if (is_word("not") && m_tokens[m_pos + 1].kind == Tok::name && m_tokens[m_pos + 1].text == "in") {
      const std::size_t at = next().offset;
      next();
      return make(Op::not_in, at, {left, parse_sum()});
    }
    return left;
  }

  NodePtr parse_sum() {
    NodePtr left = parse_product();
    while (is_op("+") || is_op("-")) {
      const Token& t = next();
      left = make(t.text == "+" ? Op::add : Op::sub, t.offset, {left, parse_product()});
    }
    return left;
  }

  NodePtr parse_product() {
    NodePtr left = parse_unary();
    while (is_op("*") || is_op("/")) {
      const Token& t = next();
      left = make(t.text == "*" ? Op::mul : Op::div, t.offset, {left, parse_unary()});
    }
    return left;
  }

  NodePtr parse_unary() {
    if (is_op("-")) {
      DepthGuard guard(m_depth, peek().offset);
      const std::size_t at = next().offset;
      return make(Op::neg, at, {parse_unary()});
    }
    return parse_primary();
  }

  NodePtr parse_primary() {
    DepthGuard guard(m_depth, peek().offset);
    const Token t = next();
    switch (t.kind) {
      case Tok::number: {
        auto n = make(Op::literal, t.offset, {});
        n->literal = Value::of_number(t.number);
        return n;
      }
      case Tok::string: {
        auto n = make(Op::literal, t.offset, {});
        n->literal = Value::of_string(t.text);
        return n;
      }
      case Tok::lparen: {
        NodePtr inner = parse_or();
        expect(Tok::rparen, "`)`");
        return inner;
      }
      case Tok::lbracket: {
        auto n = make(Op::list, t.offset, {});
        if (peek().kind != Tok::rbracket) {
          n->args.push_back(parse_or());
          while (peek().kind == Tok::comma) {
            next();
            n->args.push_back(parse_or());
          }
        }
        expect(Tok::rbracket, "`]`");
        return n;
      }
      case Tok::name: return parse_name(t);
      case Tok::end: fail(t.offset, "expr-syntax", "the condition ends too early");
      default: fail(t.offset, "expr-syntax", fmt::format("unexpected `{}`", t.text));
    }
  }

  NodePtr parse_name(const Token& t) {
    if (t.text == "true" || t.text == "false") {
      auto n = make(Op::literal, t.offset, {});
      n->literal = Value::of_bool(t.text == "true");
      return n;
    }
    if (t.text == "and" || t.text == "or" || t.text == "in" || t.text == "not") {
      fail(t.offset, "expr-syntax", fmt::format("`{}` needs a value before it", t.text));
    }
    if (peek().kind == Tok::lparen) {
      next();
      auto n = make(Op::call, t.offset, {});
      n->name = t.text;
      if (peek().kind != Tok::rparen) {
        n->args.push_back(parse_or());
        while (peek().kind == Tok::comma) {
          next();
          n->args.push_back(parse_or());
        }
      }
      expect(Tok::rparen, "`)`");
      return n;
    }
    auto n = make(Op::fact, t.offset, {});
    n->name = t.text;
    return n;
  }

  void expect(Tok kind, const char* what) {
    if (peek().kind != kind) {
      fail(peek().offset, "expr-syntax",
           fmt::format("expected {}, found {}", what, peek().kind == Tok::end ? "the end" : "`" + peek().text + "`"));
    }
    next();
  }

  std::vector<Token> m_tokens;
  std::size_t m_pos = 0;
  int m_depth = 0;
};

// ---- type checking ----

/// The ids of the loaded ladder, for facts whose values are strategy ids (null: not checked).
using StrategyIds = const std::vector<std::string>*;

/// The values an enumerated fact allows, or null when it is not an enumeration.
const std::vector<std::string>* allowed_values(const FactInfo& info, StrategyIds strategies) {
  if (info.strategy_valued) return strategies;
  return info.allowed.empty() ? nullptr : &info.allowed;
}

const FactInfo* enum_fact(const ExprNode& n, StrategyIds strategies) {
  if (n.op != Op::fact) return nullptr;
  const FactInfo& info = fact_catalog()[n.fact];
  return allowed_values(info, strategies) ? &info : nullptr;
}

/// A string literal compared with an enumerated fact must be one of its values: a typo in a
/// rule would otherwise make it silently never fire.
void check_enum_literal(const FactInfo& info, const ExprNode& literal, StrategyIds strategies) {
  if (literal.op != Op::literal || literal.literal.type != VT::string) return;
  const auto& allowed = *allowed_values(info, strategies);
  if (std::find(allowed.begin(), allowed.end(), literal.literal.text) == allowed.end()) {
    fail(literal.offset, "unknown-value",
         fmt::format("`{}` is not a value of `{}`{}", literal.literal.text, info.path,
                     did_you_mean(literal.literal.text, allowed)));
  }
}

void check_enum_list(const FactInfo& info, const ExprNode& list, StrategyIds strategies) {
  if (list.op != Op::list) return;
  for (const auto& item : list.args) check_enum_literal(info, *item, strategies);
}

void typecheck(ExprNode& n, StrategyIds strategies) {
  for (auto& a : n.args) typecheck(*a, strategies);
  auto arg = [&](std::size_t i) -> VT { return n.args[i]->type; };
  auto need = [&](std::size_t i, VT want, const char* role) {
    if (arg(i) != want) {
      fail(n.args[i]->offset, "type-error", fmt::format("{} must be a {}, found a {}", role, type_name(want), type_name(arg(i))));
    }
  };
  switch (n.op) {
    case Op::literal: n.type = n.literal.type; return;
    case Op::fact: {
      const auto index = fact_index(n.name);
      if (!index) {
        fail(n.offset, "unknown-fact", fmt::format("unknown fact `{}`{}", n.name, did_you_mean(n.name, llmplan::fact_paths())));
      }
      n.fact = *index;
      n.type = fact_catalog()[*index].type;
      return;
    }
    case Op::neg:
      need(0, VT::number, "the operand of `-`");
      n.type = VT::number;
      return;
    case Op::add:
    case Op::sub:
    case Op::mul:
    case Op::div:
      need(0, VT::number, "the left operand");
      need(1, VT::number, "the right operand");
      n.type = VT::number;
      return;
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge:
      need(0, VT::number, "the left side of a comparison");
      need(1, VT::number, "the right side of a comparison");
      n.type = VT::boolean;
      return;
    case Op::eq:
    case Op::ne:
      if (arg(0) != arg(1)) {
        fail(n.offset, "type-error", fmt::format("cannot compare a {} with a {}", type_name(arg(0)), type_name(arg(1))));
      }
      if (const FactInfo* info = enum_fact(*n.args[0], strategies)) check_enum_literal(*info, *n.args[1], strategies);
      if (const FactInfo* info = enum_fact(*n.args[1], strategies)) check_enum_literal(*info, *n.args[0], strategies);
      n.type = VT::boolean;
      return;
    case Op::in:
    case Op::not_in:
      need(0, VT::string, "the left side of `in`");
      need(1, VT::list, "the right side of `in`");
      if (const FactInfo* info = enum_fact(*n.args[1], strategies)) check_enum_literal(*info, *n.args[0], strategies);
      if (const FactInfo* info = enum_fact(*n.args[0], strategies)) check_enum_list(*info, *n.args[1], strategies);
      n.type = VT::boolean;
      return;
    case Op::and_:
    case Op::or_:
      need(0, VT::boolean, "the left side of `and`/`or`");
      need(1, VT::boolean, "the right side of `and`/`or`");
      n.type = VT::boolean;
      return;
    case Op::not_:
      need(0, VT::boolean, "the operand of `not`");
      n.type = VT::boolean;
      return;
    case Op::list:
      for (std::size_t i = 0; i < n.args.size(); ++i) {
        if (n.args[i]->op != Op::literal || n.args[i]->type != VT::string) {
          fail(n.args[i]->offset, "type-error", "list items must be quoted strings");
        }
      }
      n.type = VT::list;
      return;
    case Op::call: {
      if (std::find(k_functions.begin(), k_functions.end(), n.name) == k_functions.end()) {
        fail(n.offset, "unknown-function",
             fmt::format("unknown function `{}`{}; known: min, max, log10, abs, len", n.name, did_you_mean(n.name, k_functions)));
      }
      if (n.name == "len") {
        if (n.args.size() != 1) fail(n.offset, "type-error", "`len` takes one list");
        need(0, VT::list, "the argument of `len`");
      } else if (n.name == "min" || n.name == "max") {
        if (n.args.size() < 2) fail(n.offset, "type-error", fmt::format("`{}` takes two or more numbers", n.name));
        for (std::size_t i = 0; i < n.args.size(); ++i) need(i, VT::number, "each argument");
      } else {
        if (n.args.size() != 1) fail(n.offset, "type-error", fmt::format("`{}` takes one number", n.name));
        need(0, VT::number, "the argument");
      }
      n.type = VT::number;
      return;
    }
  }
}

// ---- evaluation ----

Value eval(const ExprNode& n, const Facts& facts);

Value number_or_null(double x) {
  return std::isfinite(x) ? Value::of_number(x) : Value::of_null();
}

Value eval_call(const ExprNode& n, const Facts& facts) {
  std::vector<Value> args;
  for (const auto& a : n.args) {
    args.push_back(eval(*a, facts));
    if (args.back().is_null()) return Value::of_null();
  }
  if (n.name == "len") return Value::of_number(static_cast<double>(args[0].list.size()));
  if (n.name == "abs") return Value::of_number(std::fabs(args[0].number));
  if (n.name == "log10") return args[0].number > 0 ? Value::of_number(std::log10(args[0].number)) : Value::of_null();
  double result = args[0].number;
  for (const auto& a : args) result = n.name == "min" ? std::min(result, a.number) : std::max(result, a.number);
  return Value::of_number(result);
}

/// An operand's value: a fact or a literal by reference (conditions read facts thousands of
/// times an evaluation, and a fact may hold a string or a list), anything else computed into
/// `own`.
const Value& operand(const ExprNode& n, const Facts& facts, Value& own) {
  if (n.op == Op::literal) return n.literal;
  if (n.op == Op::fact) return facts.get(n.fact);
  own = eval(n, facts);
  return own;
}

/// `a in [...]` against the list's literals, without building the list.
bool in_literal_list(const Value& a, const ExprNode& list) {
  return std::any_of(list.args.begin(), list.args.end(), [&](const auto& item) { return item->literal.text == a.text; });
}

Value eval(const ExprNode& n, const Facts& facts) {
  Value a_own;
  Value b_own;
  switch (n.op) {
    case Op::literal: return n.literal;
    case Op::fact: return facts.get(n.fact);
    case Op::and_: {
      const Value& a = operand(*n.args[0], facts, a_own);
      if (!a.is_null() && !a.boolean) return Value::of_bool(false);
      const Value& b = operand(*n.args[1], facts, b_own);
      if (!b.is_null() && !b.boolean) return Value::of_bool(false);
      if (a.is_null() || b.is_null()) return Value::of_null();
      return Value::of_bool(true);
    }
    case Op::or_: {
      const Value& a = operand(*n.args[0], facts, a_own);
      if (!a.is_null() && a.boolean) return Value::of_bool(true);
      const Value& b = operand(*n.args[1], facts, b_own);
      if (!b.is_null() && b.boolean) return Value::of_bool(true);
      if (a.is_null() || b.is_null()) return Value::of_null();
      return Value::of_bool(false);
    }
    case Op::not_: {
      const Value& a = operand(*n.args[0], facts, a_own);
      return a.is_null() ? a : Value::of_bool(!a.boolean);
    }
    case Op::call: return eval_call(n, facts);
    case Op::list: {
      std::vector<std::string> items;
      for (const auto& a : n.args) items.push_back(a->literal.text);
      return Value::of_list(std::move(items));
    }
    default: break;
  }
  const Value& a = operand(*n.args[0], facts, a_own);
  if (a.is_null()) return a;
  if (n.op == Op::neg) return Value::of_number(-a.number);
  if ((n.op == Op::in || n.op == Op::not_in) && n.args[1]->op == Op::list) {
    const bool found = in_literal_list(a, *n.args[1]);
    return Value::of_bool(n.op == Op::in ? found : !found);
  }
  const Value& b = operand(*n.args[1], facts, b_own);
  if (b.is_null()) return b;
  switch (n.op) {
    case Op::add: return number_or_null(a.number + b.number);
    case Op::sub: return number_or_null(a.number - b.number);
    case Op::mul: return number_or_null(a.number * b.number);
    case Op::div: return b.number == 0 ? Value::of_null() : number_or_null(a.number / b.number);
    case Op::lt: return Value::of_bool(a.number < b.number);
    case Op::le: return Value::of_bool(a.number <= b.number);
    case Op::gt: return Value::of_bool(a.number > b.number);
    case Op::ge: return Value::of_bool(a.number >= b.number);
    case Op::eq: return Value::of_bool(a == b);
    case Op::ne: return Value::of_bool(!(a == b));
    case Op::in:
    case Op::not_in: {
      const bool found = std::find(b.list.begin(), b.list.end(), a.text) != b.list.end();
      return Value::of_bool(n.op == Op::in ? found : !found);
    }
    default: return Value::of_null();
  }
}

// ---- conditions: a three-valued fast path ----
//
// Rules test conditions thousands of times an evaluation (every what-if probe scores every
// strategy); holds() walks the tree without building a Value at each node. Same results as
// eval(): null (a missing fact, a non-finite or undefined number) propagates as eval() does.

enum class Tri : std::uint8_t { no, yes, null };

Tri tri_of(const Value& v) {
  if (v.is_null()) return Tri::null;
  return v.boolean ? Tri::yes : Tri::no;
}

/// A literal or a fact by reference; nullptr for a node that must be computed.
const Value* direct(const ExprNode& n, const Facts& facts) {
  if (n.op == Op::literal) return &n.literal;
  if (n.op == Op::fact) return &facts.get(n.fact);
  return nullptr;
}

/// A number node's value; false when it is null (as eval() would return).
bool number_of(const ExprNode& n, const Facts& facts, double& out) {
  if (const Value* v = direct(n, facts)) {
    out = v->number;
    return !v->is_null();
  }
  double a = 0;
  double b = 0;
  switch (n.op) {
    case Op::neg:
      if (!number_of(*n.args[0], facts, a)) return false;
      out = -a;
      return true;
    case Op::add:
    case Op::sub:
    case Op::mul:
    case Op::div:
      if (!number_of(*n.args[0], facts, a) || !number_of(*n.args[1], facts, b)) return false;
      if (n.op == Op::div && b == 0) return false;
      out = n.op == Op::add ? a + b : n.op == Op::sub ? a - b : n.op == Op::mul ? a * b : a / b;
      return std::isfinite(out);
    default: {
      const Value v = eval(n, facts);
      out = v.number;
      return !v.is_null();
    }
  }
}

Tri test(const ExprNode& n, const Facts& facts) {
  switch (n.op) {
    case Op::literal:
    case Op::fact: return tri_of(*direct(n, facts));
    case Op::and_: {
      const Tri a = test(*n.args[0], facts);
      if (a == Tri::no) return Tri::no;
      const Tri b = test(*n.args[1], facts);
      if (b == Tri::no) return Tri::no;
      return a == Tri::null || b == Tri::null ? Tri::null : Tri::yes;
    }
    case Op::or_: {
      const Tri a = test(*n.args[0], facts);
      if (a == Tri::yes) return Tri::yes;
      const Tri b = test(*n.args[1], facts);
      if (b == Tri::yes) return Tri::yes;
      return a == Tri::null || b == Tri::null ? Tri::null : Tri::no;
    }
    case Op::not_: {
      const Tri a = test(*n.args[0], facts);
      return a == Tri::null ? Tri::null : a == Tri::yes ? Tri::no : Tri::yes;
    }
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge: {
      double a = 0;
      double b = 0;
      if (!number_of(*n.args[0], facts, a) || !number_of(*n.args[1], facts, b)) return Tri::null;
      const bool r = n.op == Op::lt ? a < b : n.op == Op::le ? a <= b : n.op == Op::gt ? a > b : a >= b;
      return r ? Tri::yes : Tri::no;
    }
    case Op::eq:
    case Op::ne: {
      const Value* a = direct(*n.args[0], facts);
      const Value* b = direct(*n.args[1], facts);
      if (a == nullptr || b == nullptr) break;
      if (a->is_null() || b->is_null()) return Tri::null;
      return (*a == *b) == (n.op == Op::eq) ? Tri::yes : Tri::no;
    }
    case Op::in:
    case Op::not_in: {
      const Value* a = direct(*n.args[0], facts);
      if (a == nullptr || n.args[1]->op != Op::list) break;
      if (a->is_null()) return Tri::null;
      return in_literal_list(*a, *n.args[1]) == (n.op == Op::in) ? Tri::yes : Tri::no;
    }
    default: break;
  }
  return tri_of(eval(n, facts));
}

/// Whether a boolean node can be true and can be false, judged from fact ranges.
struct Possible {
  bool yes = true;
  bool no = true;
};

Possible possible(const ExprNode& n, Expr::RangeOf range_of) {
  switch (n.op) {
    case Op::and_: {
      const Possible a = possible(*n.args[0], range_of);
      const Possible b = possible(*n.args[1], range_of);
      return {a.yes && b.yes, a.no || b.no};
    }
    case Op::or_: {
      const Possible a = possible(*n.args[0], range_of);
      const Possible b = possible(*n.args[1], range_of);
      return {a.yes || b.yes, a.no && b.no};
    }
    case Op::not_: {
      const Possible a = possible(*n.args[0], range_of);
      return {a.no, a.yes};
    }
    case Op::literal:
      if (n.literal.type == VT::boolean) return {n.literal.boolean, !n.literal.boolean};
      return {};
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge:
    case Op::eq: {
      // fact OP number, or number OP fact (flipped).
      const ExprNode* fact = n.args[0]->op == Op::fact ? n.args[0].get() : n.args[1].get();
      const ExprNode* number = fact == n.args[0].get() ? n.args[1].get() : n.args[0].get();
      if (fact->op != Op::fact || number->op != Op::literal || number->literal.type != VT::number) return {};
      const auto range = range_of(fact->name);
      if (!range) return {};
      const auto [lo, hi] = *range;
      const double v = number->literal.number;
      Op op = n.op;
      if (fact != n.args[0].get())
        op = op == Op::lt ? Op::gt : op == Op::gt ? Op::lt : op == Op::le ? Op::ge : op == Op::ge ? Op::le : op;
      switch (op) {
        case Op::lt: return {lo < v, hi >= v};
        case Op::le: return {lo <= v, hi > v};
        case Op::gt: return {hi > v, lo <= v};
        case Op::ge: return {hi >= v, lo < v};
        default: return {lo <= v && v <= hi, !(lo == v && hi == v)};
      }
    }
    default: return {};
  }
}

void collect_facts(const ExprNode& n, std::set<std::string>& out) {
  if (n.op == Op::fact) out.insert(n.name);
  for (const auto& a : n.args) collect_facts(*a, out);
}

void collect_slots(const ExprNode& n, std::vector<std::size_t>& out) {
  if (n.op == Op::fact) out.push_back(n.fact);
  for (const auto& a : n.args) collect_slots(*a, out);
}

bool reads_any_fact(const ExprNode& n, const std::vector<char>& facts) {
  if (n.op == Op::fact && (n.fact >= facts.size() || facts[n.fact] != 0)) return true;  // unknown: counted as read
  return std::any_of(n.args.begin(), n.args.end(), [&](const auto& a) { return reads_any_fact(*a, facts); });
}

}  // namespace

Expr::Expr() = default;
Expr::~Expr() = default;
Expr::Expr(Expr&&) noexcept = default;
Expr& Expr::operator=(Expr&&) noexcept = default;
Expr::Expr(const Expr&) = default;
Expr& Expr::operator=(const Expr&) = default;

Expr Expr::compile(std::string_view text, std::vector<ExprError>& errors, const std::vector<std::string>* strategy_ids) {
  Expr out;
  if (text.size() > k_max_expr_length) {
    errors.push_back({0, "expr-too-long", fmt::format("the condition is longer than {} characters", k_max_expr_length)});
    return out;
  }
  try {
    Parser parser(lex(text));
    std::shared_ptr<ExprNode> root = parser.parse();
    typecheck(*root, strategy_ids);
    out.m_root = root;
    out.m_text = std::string(text);
  } catch (const CompileFailure& failure) {
    errors.push_back(failure.error);
  }
  return out;
}

Value::Type Expr::type() const {
  return m_root ? m_root->type : Value::Type::null;
}

Value Expr::evaluate(const Facts& facts) const {
  return m_root ? eval(*m_root, facts) : Value::of_null();
}

bool Expr::holds(const Facts& facts) const {
  return m_root && m_root->type == Value::Type::boolean && test(*m_root, facts) == Tri::yes;
}

bool Expr::may_hold(RangeOf range_of) const {
  return !m_root || possible(*m_root, range_of).yes;
}

std::vector<std::string> Expr::fact_paths() const {
  std::set<std::string> paths;
  if (m_root) collect_facts(*m_root, paths);
  return {paths.begin(), paths.end()};
}

std::vector<std::size_t> Expr::fact_slots() const {
  std::vector<std::size_t> slots;
  if (m_root) collect_slots(*m_root, slots);
  std::sort(slots.begin(), slots.end());
  slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
  return slots;
}

bool Expr::reads_any(const std::vector<char>& facts) const {
  return m_root != nullptr && reads_any_fact(*m_root, facts);
}

bool Expr::reads(std::string_view path) const {
  const auto paths = fact_paths();
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

namespace {

void save_value(const Value& v, SnapshotWriter& out) {
  out.size(static_cast<std::size_t>(v.type));
  out.size(v.boolean ? 1 : 0);
  out.number(v.number);
  out.text(v.text);
  out.size(v.list.size());
  for (const auto& item : v.list) out.text(item);
}

Value restore_value(SnapshotReader& in) {
  Value v;
  v.type = static_cast<Value::Type>(in.size());
  v.boolean = in.size() != 0;
  v.number = in.number();
  v.text.assign(in.text());
  v.list.resize(in.size());
  for (auto& item : v.list) item.assign(in.text());
  return v;
}

void save_node(const ExprNode& n, SnapshotWriter& out) {
  out.size(static_cast<std::size_t>(n.op));
  out.size(static_cast<std::size_t>(n.type));
  save_value(n.literal, out);
  out.size(n.fact);
  out.text(n.name);
  out.size(n.offset);
  out.size(n.args.size());
  for (const auto& arg : n.args) save_node(*arg, out);
}

std::shared_ptr<ExprNode> restore_node(SnapshotReader& in, int depth) {
  // The form comes from the build; the bound only keeps corrupt data from recursing far.
  if (depth > 4 * k_max_expr_depth) throw std::runtime_error("corrupt rule-set snapshot: condition nests too deeply");
  auto n = std::make_shared<ExprNode>();
  n->op = static_cast<Op>(in.size());
  n->type = static_cast<Value::Type>(in.size());
  n->literal = restore_value(in);
  n->fact = in.size();
  n->name.assign(in.text());
  n->offset = in.size();
  n->args.resize(in.size());
  for (auto& arg : n->args) arg = restore_node(in, depth + 1);
  return n;
}

}  // namespace

void Expr::save(SnapshotWriter& out) const {
  out.size(m_root ? 1 : 0);
  if (!m_root) return;
  out.text(m_text);
  save_node(*m_root, out);
}

Expr Expr::restore(SnapshotReader& in) {
  Expr out;
  if (in.size() == 0) return out;
  out.m_text.assign(in.text());
  out.m_root = restore_node(in, 0);
  return out;
}

}  // namespace llmplan
