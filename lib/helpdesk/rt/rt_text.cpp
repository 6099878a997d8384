#include "helpdesk/rt/rt_text.h"

#include <vector>

#include "bridge/text.h"
#include "util/strings.h"

namespace helpdesk::rt {
namespace {

constexpr std::string_view kCutNote = "\n(shortened: the full message is in the Slack thread)";

// `text` cut to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view CutUtf8(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string RenderPlain(const bridge::RichText& text) {
  std::string plain = bridge::CleanText(bridge::ToPlainString(text));
  if (plain.size() <= kMaxTextBytes) return plain;
  return std::string(CutUtf8(plain, kMaxTextBytes - kCutNote.size())) + std::string(kCutNote);
}

std::string RenderWithMarker(const bridge::RichText& text, const std::string& marker) {
  return RenderPlain(text) + "\n\n" + std::string(kMarkerLinePrefix) + marker;
}

ParsedMessage ParseMessage(std::string_view content) {
  std::vector<std::string_view> lines;
  bridge::ForEachLine(CutUtf8(content, kMaxTextBytes), [&lines](std::string_view line) { lines.push_back(line); });
  while (!lines.empty() && util::TrimView(lines.back()).empty()) lines.pop_back();
  ParsedMessage parsed;
  if (!lines.empty()) {
    std::string_view last = util::TrimView(lines.back());
    if (util::StartsWith(last, kMarkerLinePrefix)) {
      parsed.marker = std::string(util::TrimView(last.substr(kMarkerLinePrefix.size())));
      lines.pop_back();
      while (!lines.empty() && util::TrimView(lines.back()).empty()) lines.pop_back();
    }
  }
  std::string text;
  for (std::string_view line : lines) {
    if (!text.empty()) text += '\n';
    text += line;
  }
  parsed.body = bridge::PlainText(bridge::CleanText(text));
  return parsed;
}

}  // namespace helpdesk::rt
