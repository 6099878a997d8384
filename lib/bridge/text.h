// Plain-text helpers of the core, pure: UTF-8-safe truncation, first lines,
// collapsed spaces.
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

}  // namespace bridge
