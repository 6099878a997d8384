// Small string helpers with no project knowledge, used across the adapters,
// the fakes and the tests (the pure core keeps its own in bridge/text.h, as
// it includes nothing outside the standard library and fmt).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace util {

// ASCII lower case; other bytes (UTF-8 included) are kept.
std::string Lower(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);
// Without leading and trailing ASCII white space.
std::string_view TrimView(std::string_view text);
std::string Trim(std::string_view text);
// `text` cut at every `separator`; empty pieces are kept.
std::vector<std::string> Split(std::string_view text, char separator);

}  // namespace util
