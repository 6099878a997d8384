// Plain-text helpers of the core, pure: UTF-8-safe truncation, first lines,
// collapsed spaces, and the cleaning every renderer applies to outside text.
#pragma once

#include <string>
#include <string_view>

namespace bridge {

// The first non-empty line, trimmed.
std::string FirstLine(std::string_view text);

// At most `max_chars` characters (code points), never splitting one; when
// cut, the last character is replaced by "…".
std::string TruncateChars(std::string_view text, size_t max_chars);
size_t CharCount(std::string_view text);

// Runs of spaces collapsed to one, then trimmed: what is left where a
// mention was taken out of a sentence.
std::string CollapseSpaces(std::string_view text);

// Text that came from outside, cleaned before a renderer escapes it for its
// markup (contract behaviour 9). Bytes that are not UTF-8 become U+FFFD.
// Removed: C0 controls but \t and \n ("\r\n" and a lone "\r" become
// "\n"), DEL and the C1 controls (U+0080-U+009F); the bidi embedding,
// override and isolate controls (U+202A-U+202E, U+2066-U+2069), which make
// text read in another order than it is stored (a name or a URL that looks
// like another); the invisible zero-width space, word joiner and byte-order
// mark (U+200B, U+2060, U+FEFF), which hide what a word really is and which
// the Jira renderer uses as its own neutral separator. Kept: the zero-width
// (non-)joiners (U+200C, U+200D: emoji sequences, Persian and Indic
// scripts) and the direction marks (U+200E, U+200F). Linear.
std::string CleanText(std::string_view text);

// CleanText for text that stands on one line (a name, a summary, a label):
// each \n and \t becomes a space, so it cannot start a line of its own.
std::string CleanLine(std::string_view text);

}  // namespace bridge
