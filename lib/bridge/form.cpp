#include "bridge/form.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "bridge/text.h"

namespace bridge {
namespace {

// Where a mention is taken out of "<@bot> the printer", the space around
// it goes too, so the text reads as if it had never been there.
void TidySpaces(std::vector<Inline>& inlines) {
  auto is_text = [](const Inline& span) { return span.kind == Inline::Kind::kText; };
  for (size_t i = 0; i + 1 < inlines.size(); ++i) {
    Inline& left = inlines[i];
    Inline& right = inlines[i + 1];
    if (is_text(left) && is_text(right) && !left.text.empty() && left.text.back() == ' ' && !right.text.empty() &&
        right.text.front() == ' ') {
      right.text.erase(0, 1);
    }
  }
  if (!inlines.empty() && is_text(inlines.front())) {
    std::string& text = inlines.front().text;
    text.erase(0, std::min(text.size(), text.find_first_not_of(' ')));
  }
  if (!inlines.empty() && is_text(inlines.back())) {
    std::string& text = inlines.back().text;
    text.erase(text.find_last_not_of(' ') + 1);
  }
  inlines.erase(std::remove_if(inlines.begin(), inlines.end(),
                               [&](const Inline& span) { return is_text(span) && span.text.empty(); }),
                inlines.end());
}

}  // namespace

RichText WithoutMentionOf(const RichText& text, std::string_view user_id) {
  RichText out = text;
  auto is_mention = [&](const Inline& span) {
    return span.kind == Inline::Kind::kUserMention && span.target == user_id;
  };
  for (Block& block : out.blocks) {
    auto removed = std::remove_if(block.inlines.begin(), block.inlines.end(), is_mention);
    if (removed != block.inlines.end()) {
      block.inlines.erase(removed, block.inlines.end());
      TidySpaces(block.inlines);
    }
    for (auto& cell : block.cells) cell.erase(std::remove_if(cell.begin(), cell.end(), is_mention), cell.end());
  }
  // A block that held nothing but the mention goes too.
  out.blocks.erase(std::remove_if(out.blocks.begin(), out.blocks.end(),
                                  [](const Block& block) {
                                    return (block.kind == Block::Kind::kParagraph) && block.inlines.empty();
                                  }),
                   out.blocks.end());
  return out;
}

bool Mentions(const RichText& text, std::string_view user_id) {
  for (const std::string& id : MentionedUserIds(text)) {
    if (id == user_id) return true;
  }
  return false;
}

FormPrefill PrefillFromMention(const RichText& mention, std::string_view bot_user_id) {
  std::string readable = CollapseSpaces(ToPlainString(WithoutMentionOf(mention, bot_user_id)));
  return FormPrefill{TruncateChars(FirstLine(readable), kSummaryMaxChars),
                     TruncateChars(readable, kDescriptionMaxChars)};
}

std::string ValidateSummary(std::string_view summary) {
  bool blank = true;
  for (char c : summary) {
    if (!std::isspace(static_cast<unsigned char>(c))) blank = false;
  }
  if (blank) return "Please describe the problem in a few words.";
  size_t length = CharCount(summary);
  if (length > kSummaryMaxChars) {
    return fmt::format("The summary can be at most {} characters (it has {}).", kSummaryMaxChars, length);
  }
  return {};
}

std::string EncodeThread(const ThreadRef& thread) { return thread.channel + "|" + thread.thread_ts; }

std::optional<ThreadRef> DecodeThread(std::string_view text) {
  size_t bar = text.find('|');
  if (bar == std::string_view::npos || bar == 0 || bar + 1 >= text.size()) return std::nullopt;
  std::string_view thread_ts = text.substr(bar + 1);
  if (thread_ts.find('|') != std::string_view::npos) return std::nullopt;
  return ThreadRef{std::string(text.substr(0, bar)), std::string(thread_ts)};
}

std::string EncodeFormMetadata(const FormMetadata& metadata) {
  return fmt::format("{}|{}|{}|{}", EncodeThread(metadata.thread), metadata.target.desk_id, metadata.target.type_id,
                     metadata.mention_ts);
}

std::optional<FormMetadata> DecodeFormMetadata(std::string_view text) {
  // The channel, the ts and the ids have no '|' of their own.
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t bar = text.find('|', start);
    parts.push_back(text.substr(start, bar == std::string_view::npos ? bar : bar - start));
    if (bar == std::string_view::npos || parts.size() > 5) break;
    start = bar + 1;
  }
  if (parts.size() < 2 || parts.size() == 3 || parts.size() > 5 || parts[0].empty() || parts[1].empty()) {
    return std::nullopt;
  }
  FormMetadata metadata{ThreadRef{std::string(parts[0]), std::string(parts[1])}, {}, ""};
  if (parts.size() >= 4) metadata.target = RequestTarget{std::string(parts[2]), std::string(parts[3])};
  if (parts.size() == 5) metadata.mention_ts = std::string(parts[4]);
  return metadata;
}

std::string Marker(std::string_view prefix, std::string_view id) {
  std::string marker(prefix);
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c))) marker += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return marker;
}

std::string TicketMarker(std::string_view view_id) { return Marker("slackdeskref", view_id); }

std::string ReplyMarker(std::string_view channel, std::string_view ts) {
  return Marker("slackdeskmsg", std::string(channel) + ":" + std::string(ts));
}

}  // namespace bridge
