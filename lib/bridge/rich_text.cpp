#include "bridge/rich_text.h"

#include <algorithm>

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

RichText PlainText(std::string_view text) {
  RichText out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) out.blocks.push_back(Paragraph({Text(std::string(line))}));
    start = end + 1;
  }
  return out;
}

void Append(RichText& to, const RichText& more) { to.blocks.insert(to.blocks.end(), more.blocks.begin(), more.blocks.end()); }

namespace {

template <class Visit>
void ForEachInline(RichText& text, Visit visit) {
  for (Block& block : text.blocks) {
    for (Inline& span : block.inlines) visit(span);
    for (auto& cell : block.cells) {
      for (Inline& span : cell) visit(span);
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
  ForEachInline(const_cast<RichText&>(text), [&](const Inline& span) {
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
  std::string out;
  for (const Block& block : text.blocks) {
    if (!out.empty()) out += '\n';
    if (block.kind == Block::Kind::kCode) {
      out += block.verbatim;
    } else if (block.kind == Block::Kind::kRule) {
      out += "----";
    } else if (block.kind == Block::Kind::kTableRow) {
      for (size_t i = 0; i < block.cells.size(); ++i) out += (i ? " | " : "") + InlinesToPlain(block.cells[i]);
    } else {
      out += InlinesToPlain(block.inlines);
    }
  }
  return out;
}

}  // namespace bridge
