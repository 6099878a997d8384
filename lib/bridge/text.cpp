#include "bridge/text.h"

#include <algorithm>

namespace bridge {
namespace {

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::string FirstLine(std::string_view text) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line = Trim(text.substr(start, end - start));
    if (!line.empty()) return line;
    start = end + 1;
  }
  return {};
}

size_t CharCount(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuation(static_cast<unsigned char>(c)); }));
}

std::string TruncateChars(std::string_view text, size_t max_chars) {
  if (CharCount(text) <= max_chars) return std::string(text);
  if (max_chars == 0) return {};
  size_t kept = 0;
  size_t i = 0;
  while (i < text.size() && kept < max_chars - 1) {
    ++i;
    while (i < text.size() && IsContinuation(static_cast<unsigned char>(text[i]))) ++i;
    ++kept;
  }
  return std::string(text.substr(0, i)) + "\xE2\x80\xA6";  // U+2026 …
}

std::string CollapseSpaces(std::string_view text) {
  std::string collapsed;
  for (char c : text) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += c;
  }
  return Trim(collapsed);
}

namespace {

// The code point at text[i] and its length in bytes; length 1 and
// kInvalid for a byte that does not start a well-formed sequence (overlong
// forms, surrogates and values above U+10FFFF included).
constexpr char32_t kInvalid = 0xFFFFFFFF;
char32_t DecodeAt(std::string_view text, size_t i, size_t& length) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  length = 1;
  if (lead < 0x80) return lead;
  size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (n == 0 || lead > 0xF4 || i + n > text.size()) return kInvalid;
  char32_t cp = lead & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if (!IsContinuation(byte(i + k))) return kInvalid;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
  length = n;
  return cp;
}

bool Dropped(char32_t cp) {
  if (cp < 0x20) return cp != '\t' && cp != '\n';
  if (cp >= 0x7F && cp <= 0x9F) return true;
  if (cp >= 0x202A && cp <= 0x202E) return true;
  if (cp >= 0x2066 && cp <= 0x2069) return true;
  return cp == 0x200B || cp == 0x2060 || cp == 0xFEFF;
}

std::string Clean(std::string_view text, bool one_line) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t length = 1;
    char32_t cp = DecodeAt(text, i, length);
    if (cp == '\r') {
      // "\r\n" is one line end, a lone "\r" another.
      cp = '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') length = 2;
    }
    if (cp == kInvalid) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else if (cp == '\n' || cp == '\t') {
      out += one_line ? ' ' : static_cast<char>(cp);
    } else if (!Dropped(cp)) {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

}  // namespace

std::string CleanText(std::string_view text) { return Clean(text, false); }

std::string CleanLine(std::string_view text) { return Clean(text, true); }

}  // namespace bridge
