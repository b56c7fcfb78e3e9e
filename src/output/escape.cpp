#include "llmplan/output/escape.hpp"

#include <algorithm>
#include <cstdint>

namespace llmplan {

namespace {

constexpr std::uint32_t k_invalid = 0xFFFFFFFF;

/// Decodes the UTF-8 sequence at `i`: its code point and length, or k_invalid and length 1.
std::uint32_t decode(std::string_view text, std::size_t i, std::size_t& length) {
  const auto c = static_cast<unsigned char>(text[i]);
  length = 1;
  if (c < 0x80) return c;
  int n = 0;
  std::uint32_t cp = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return k_invalid;
  }
  if (i + static_cast<std::size_t>(n) > text.size()) return k_invalid;
  for (int k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return k_invalid;
    cp = (cp << 6) | (b & 0x3F);
  }
  length = static_cast<std::size_t>(n);
  return cp;
}

/// Characters that change how a terminal or a reader sees the text around them.
bool is_invisible_control(std::uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

const char k_hex[] = "0123456789abcdef";

void append_visible(std::string& out, std::uint32_t cp) {
  switch (cp) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
  }
  if (cp < 0x100) {
    out += "\\x";
    out += k_hex[(cp >> 4) & 0xF];
    out += k_hex[cp & 0xF];
    return;
  }
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += k_hex[(cp >> shift) & 0xF];
}

void append_byte(std::string& out, unsigned char byte) {
  out += "\\x";
  out += k_hex[byte >> 4];
  out += k_hex[byte & 0xF];
}

/// Calls `plain(piece)` for runs of ordinary text and `special(cp, bytes)` for each control
/// character or invalid byte (cp = k_invalid).
template <typename Plain, typename Special>
void scan(std::string_view text, Plain&& plain, Special&& special) {
  std::size_t run = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t length = 1;
    const std::uint32_t cp = decode(text, i, length);
    if (cp == k_invalid || is_invisible_control(cp)) {
      plain(text.substr(run, i - run));
      special(cp, text.substr(i, length));
      i += length;
      run = i;
      continue;
    }
    i += length;
  }
  plain(text.substr(run));
}

}  // namespace

bool is_invisible(std::uint32_t code_point) {
  return is_invisible_control(code_point);
}

std::uint32_t decode_utf8(std::string_view text, std::size_t i, std::size_t& length) {
  const std::uint32_t cp = decode(text, i, length);
  return cp == k_invalid ? 0xFFFD : cp;
}

std::string json_visible(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  std::size_t run = 0;
  for (std::size_t i = 0; i < json.size();) {
    std::size_t length = 1;
    const std::uint32_t cp = decode(json, i, length);
    if (cp != k_invalid && cp >= 0x7F && is_invisible_control(cp)) {
      out.append(json.substr(run, i - run));
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += k_hex[(cp >> shift) & 0xF];
      run = i + length;
    }
    i += length;
  }
  out.append(json.substr(run));
  return out;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {  // ASCII, most of every text: always valid
      ++i;
      continue;
    }
    std::size_t length = 1;
    if (decode(text, i, length) == k_invalid) return false;
    i += length;
  }
  return true;
}

std::string valid_utf8(std::string_view text, bool* replaced) {
  if (replaced != nullptr) *replaced = false;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 1;
    if (decode(text, i, length) == k_invalid) {
      out += "\xEF\xBF\xBD";
      if (replaced != nullptr) *replaced = true;
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string escape_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  scan(
      text, [&](std::string_view piece) { out.append(piece); },
      [&](std::uint32_t cp, std::string_view bytes) {
        if (cp == k_invalid)
          append_byte(out, static_cast<unsigned char>(bytes[0]));
        else
          append_visible(out, cp);
      });
  return out;
}

std::string escape_terminal_line_start(std::string_view text) {
  std::string out = escape_terminal(text);
  if (out.starts_with("::")) out.insert(0, 1, '\\');
  return out;
}

std::string escape_workflow_data(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto plain = [&](std::string_view piece) {
    for (const char c : piece) {
      if (c == '%')
        out += "%25";
      else
        out += c;
    }
  };
  scan(text, plain, [&](std::uint32_t cp, std::string_view bytes) {
    if (cp == '\r')
      out += "%0D";
    else if (cp == '\n')
      out += "%0A";
    else if (cp == k_invalid)
      append_byte(out, static_cast<unsigned char>(bytes[0]));
    else
      append_visible(out, cp);
  });
  return out;
}

std::string escape_workflow_property(std::string_view text) {
  std::string out;
  for (const char c : escape_workflow_data(text)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

std::string escape_markdown(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto word = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  const auto plain = [&](std::string_view piece) {
    for (std::size_t i = 0; i < piece.size(); ++i) {
      const char c = piece[i];
      switch (c) {
        case '&': out += "&amp;"; break;
        case '_':
          // Inside a word (`self_hosted`) an underscore never emphasizes: left as written.
          if (!out.empty() && word(out.back()) && i + 1 < piece.size() && word(piece[i + 1])) {
            out += c;
            break;
          }
          out += "\\_";
          break;
        case '#':
          if (!out.empty()) {
            out += c;
            break;
          }
          out += "\\#";  // a heading only at the start
          break;
        case '\\':
        case '`':
        case '*':
        case '[':
        case ']':
        case '<':
        case '>':
        case '|':
        case '~':
          out += '\\';
          out += c;
          break;
        default: out += c;
      }
    }
  };
  scan(text, plain, [&](std::uint32_t cp, std::string_view bytes) {
    if (cp == '\r' || cp == '\n') {
      out += ' ';
      return;
    }
    out += '\\';  // the backslash of the visible escape, itself escaped
    if (cp == k_invalid)
      append_byte(out, static_cast<unsigned char>(bytes[0]));
    else
      append_visible(out, cp);
  });
  return out;
}

std::string markdown_code(std::string_view text) {
  std::string body;
  scan(
      text,
      [&](std::string_view piece) {
        for (const char c : piece) {
          if (c == '|')
            body += "\\|";  // GitHub splits table cells at `|` even inside code spans
          else
            body += c;
        }
      },
      [&](std::uint32_t cp, std::string_view bytes) {
        if (cp == '\r' || cp == '\n')
          body += ' ';
        else if (cp == k_invalid)
          append_byte(body, static_cast<unsigned char>(bytes[0]));
        else
          append_visible(body, cp);
      });
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`' || body.front() == ' ');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 1;
    const std::uint32_t cp = decode(text, i, length);
    const bool allowed =
        cp != k_invalid && (cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r') && cp != 0xFFFE && cp != 0xFFFF;
    if (!allowed) {
      out += "\xEF\xBF\xBD";
    } else if (cp >= 0x7F && is_invisible_control(cp)) {
      append_visible(out, cp);  // C1 and bidirectional controls: legal XML, but shown, not obeyed
    } else {
      switch (cp) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\r':
          out += "&#13;";
          break;  // a raw CR would be read back as LF
        // References, not raw line breaks: no input line can start a line of the document (where
        // a CI runner reading the output would take `::error` for a workflow command).
        case '\n': out += "&#10;"; break;
        case '\t': out += "&#9;"; break;
        default: out.append(text.substr(i, length));
      }
    }
    i += length;
  }
  return out;
}

}  // namespace llmplan
