#pragma once

#include <cstdint>
#include <string>
#include <string_view>

/// One escaper per output sink. Input text (profile names, enum values, file names, messages
/// that quote them) is untrusted: every renderer and every diagnostic passes it through the
/// escaper of the sink it lands in, so that no input can drive a terminal, forge a GitHub
/// workflow command, hide Markdown, or break an XML or JSON document. docs/security.md lists them.
namespace llmplan {

/// A terminal or a plain-text log, one line: C0 and C1 control characters, DEL, line and paragraph
/// separators, and the bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E,
/// U+2066-U+2069) are shown as `\n`, `\t`, `\x1b` or `\u202e`; a byte that is not UTF-8 as `\xff`.
/// No output line can begin inside the text, so no workflow command (`::error`) can be forged.
std::string escape_terminal(std::string_view text);

/// escape_terminal() for text that begins an output line (a profile's name heads its result):
/// a leading `::`, which would make the line a GitHub workflow command, is shown as `\::`.
std::string escape_terminal_line_start(std::string_view text);

/// A GitHub Actions workflow command's message: `%`, CR and LF percent-encoded (the toolkit's
/// rules), every other control shown as by escape_terminal().
std::string escape_workflow_data(std::string_view text);

/// A workflow command property (`file=`, `title=`): as escape_workflow_data(), plus `:` and `,`.
std::string escape_workflow_property(std::string_view text);

/// Markdown text (a paragraph or a table cell): what could start HTML, a comment, a code span,
/// emphasis, a link or a table cell backslash-escaped (`\ < > ` * _ [ ] | ~`, `#` at the start;
/// `_` inside a word stays), `&` as `&amp;`, CR and LF folded to a space, controls shown as by
/// escape_terminal().
std::string escape_markdown(std::string_view text);

/// A Markdown code span (`` `text` ``) with its delimiters: a fence longer than any run of
/// backticks inside, `|` escaped for tables, CR and LF folded, controls shown.
std::string markdown_code(std::string_view text);

/// XML 1.0 character data or an attribute value: `&<>"'` as entities, CR, LF and tab as
/// character references (so no input starts a line of the document); characters XML 1.0 cannot
/// hold (controls other than tab, LF and CR; U+FFFE, U+FFFF; bytes that are not UTF-8) as U+FFFD;
/// DEL, C1 and bidirectional controls shown as by escape_terminal(); CR as `&#13;`.
std::string escape_xml(std::string_view text);

/// Text as valid UTF-8: each byte of an invalid sequence replaced by U+FFFD. `replaced` (when
/// given) is set to whether anything was replaced, so that a caller can report it.
std::string valid_utf8(std::string_view text, bool* replaced = nullptr);

/// Whether a code point is one escape_terminal() shows as an escape (controls, separators, bidi).
bool is_invisible(std::uint32_t code_point);

/// The code point of the UTF-8 sequence at byte `i` and its `length`; U+FFFD and length 1 for a
/// byte that starts no valid sequence.
std::uint32_t decode_utf8(std::string_view text, std::size_t i, std::size_t& length);

/// A JSON text (from a JSON library) with DEL, C1, separator and bidirectional controls written
/// as `\u` escapes; valid JSON stays valid, since those characters only occur inside strings.
std::string json_visible(std::string_view json);

/// Whether `text` is valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace llmplan
