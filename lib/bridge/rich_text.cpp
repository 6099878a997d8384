#include "bridge/rich_text.h"

#include <algorithm>

#include "bridge/markup_support.h"

namespace bridge {

Inline Text(std::string text, unsigned marks) { return Inline{Inline::Kind::kText, std::move(text), "", marks}; }

Inline Link(std::string url, std::string label) {
  return Inline{Inline::Kind::kLink, std::move(label), std::move(url), kNoMark};
}

Inline UserMention(std::string id, std::string name) {
  return Inline{Inline::Kind::kUserMention, std::move(name), std::move(id), kNoMark};
}

Inline LineBreak() { return Inline{Inline::Kind::kLineBreak, "", "", kNoMark}; }

Block Paragraph(std::vector<Inline> inlines) {
  Block block;
  block.inlines = std::move(inlines);
  return block;
}

Block Rule() {
  Block block;
  block.kind = Block::Kind::kRule;
  return block;
}

Block WithInlines(Block::Kind kind, std::vector<Inline> inlines, int level) {
  Block block;
  block.kind = kind;
  block.inlines = std::move(inlines);
  bool item = kind == Block::Kind::kBulletItem || kind == Block::Kind::kNumberedItem;
  block.level = item ? std::clamp(level, 1, kMaxListLevel) : level;
  return block;
}

void ForEachLine(std::string_view text, const std::function<void(std::string_view line)>& visit) {
  size_t start = 0;
  while (true) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? end : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    visit(line);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

RichText PlainText(std::string_view text) {
  RichText out;
  ForEachLine(text, [&out](std::string_view line) {
    if (line.find_first_not_of(" \t") != std::string_view::npos) out.blocks.push_back(Paragraph({Text(std::string(line))}));
  });
  return out;
}

void Append(RichText& to, const RichText& more) { to.blocks.insert(to.blocks.end(), more.blocks.begin(), more.blocks.end()); }

namespace {

// Every inline of `text`, in order; `Text` is RichText or const RichText.
template <class Text, class Visit>
void ForEachInline(Text& text, Visit visit) {
  for (auto& block : text.blocks) {
    for (auto& span : block.inlines) visit(span);
    for (auto& cell : block.cells) {
      for (auto& span : cell) visit(span);
    }
  }
}

std::string InlineToPlain(const Inline& span) {
  switch (span.kind) {
    case Inline::Kind::kText:
      return span.text;
    case Inline::Kind::kLink:
      return span.text.empty() || span.text == span.target ? span.target : span.text + " (" + span.target + ")";
    case Inline::Kind::kUserMention:
      return "@" + (span.text.empty() ? span.target : span.text);
    case Inline::Kind::kChannel:
      return "#" + (span.text.empty() ? span.target : span.text);
    case Inline::Kind::kBroadcast:
      return "@" + span.text;
    case Inline::Kind::kLineBreak:
      return "\n";
  }
  return {};
}

std::string InlinesToPlain(const std::vector<Inline>& inlines) {
  std::string out;
  for (const Inline& span : inlines) out += InlineToPlain(span);
  return out;
}

}  // namespace

std::vector<std::string> MentionedUserIds(const RichText& text) {
  std::vector<std::string> ids;
  ForEachInline(text, [&](const Inline& span) {
    if (span.kind == Inline::Kind::kUserMention && std::find(ids.begin(), ids.end(), span.target) == ids.end()) {
      ids.push_back(span.target);
    }
  });
  return ids;
}

void NameMentions(RichText& text, const std::map<std::string, std::string>& names) {
  ForEachInline(text, [&](Inline& span) {
    if (span.kind != Inline::Kind::kUserMention) return;
    auto name = names.find(span.target);
    if (name != names.end() && !name->second.empty()) span.text = name->second;
  });
}

std::string ToPlainString(const RichText& text) {
  return markup::JoinLines(text, [](const Block& block, int number) -> std::string {
    switch (block.kind) {
      case Block::Kind::kCode:
        return block.verbatim;
      case Block::Kind::kRule:
        return "----";
      case Block::Kind::kTableRow: {
        std::string row;
        for (size_t i = 0; i < block.cells.size(); ++i) row += (i ? " | " : "") + InlinesToPlain(block.cells[i]);
        return row;
      }
      case Block::Kind::kBulletItem:
      case Block::Kind::kNumberedItem:
        return markup::ListItemPrefix(block, number) + InlinesToPlain(block.inlines);
      case Block::Kind::kQuote:
        return block.inlines.empty() ? "" : "> " + InlinesToPlain(block.inlines);
      case Block::Kind::kParagraph:
      case Block::Kind::kHeading:
        return InlinesToPlain(block.inlines);
    }
    return {};
  });
}

}  // namespace bridge
