#include "helpdesk/jira/wiki_inline.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>

#include "bridge/markup_support.h"
#include "util/strings.h"

namespace helpdesk::jira::wiki_internal {
namespace {

using bridge::Inline;
using bridge::markup::NextMatch;

constexpr size_t kNpos = std::string_view::npos;

bool IsAsciiAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsAsciiPunct(char c) { return c > ' ' && c < 0x7F && !IsAsciiAlnum(c); }

bool At(std::string_view text, size_t i, std::string_view prefix) {
  return i <= text.size() && text.compare(i, prefix.size(), prefix) == 0;
}

char CharAt(std::string_view text, size_t i) { return i < text.size() ? text[i] : ' '; }

// "https://", "ftp://", "mailto:" … The scheme scan is bounded so that a
// failed guess costs a constant, whatever follows.
bool LooksLikeUrl(std::string_view text) {
  if (At(text, 0, "mailto:") || At(text, 0, "tel:")) return true;
  size_t i = 0;
  while (i < text.size() && i < 32 &&
         (IsAsciiAlnum(text[i]) || text[i] == '+' || text[i] == '.' || text[i] == '-')) {
    ++i;
  }
  return i > 0 && (text[0] < '0' || text[0] > '9') && At(text, i, "://");
}

bool HasImageExtension(std::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == kNpos || name.size() - dot > 6) return false;
  static const char* const kExtensions[] = {"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "tif", "tiff", "heic"};
  std::string extension = util::Lower(name.substr(dot + 1));
  return std::any_of(std::begin(kExtensions), std::end(kExtensions), [&](const char* e) { return extension == e; });
}

// Backslash escapes of a piece of wiki text removed, for places where the
// text is shown as-is (link labels, names).
std::string UnescapeWiki(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && IsAsciiPunct(text[i + 1])) ++i;
    out += text[i];
  }
  return out;
}

// [~accountid:X], [~username] or [alias|~…]: the id, and the name the link
// carries (an old-style username names the user; an account id means
// nothing to a reader).
Inline Mention(std::string_view target, std::string_view alias) {
  std::string_view id = util::TrimView(target.substr(1));  // without '~'
  bool is_account_id = util::StartsWith(id, "accountid:");
  if (is_account_id) id.remove_prefix(10);
  std::string name = UnescapeWiki(util::TrimView(alias));
  if (name.empty() && !is_account_id) name = std::string(id);
  return bridge::UserMention(std::string(id), std::move(name));
}

// Skips at most a few leading spaces: the check stays constant-time when a
// hostile "[[[[|      …" asks it again and again.
std::string_view SkipSomeSpaces(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && i < 8 && text[i] == ' ') ++i;
  return text.substr(i);
}

// [alias|target] or [target]; nullopt when the target is neither a URL, a
// mention nor an attachment, so "[see above]" stays text. The checks on a
// failure path look at a bounded prefix only (see SkipSomeSpaces).
std::optional<Inline> LinkTarget(std::string_view alias, std::string_view target) {
  std::string_view head = SkipSomeSpaces(target);
  if (At(head, 0, "~")) return Mention(head, alias);
  if (At(head, 0, "^") && alias.empty()) return bridge::Text("[attachment: " + util::Trim(head.substr(1)) + "]");
  if (!LooksLikeUrl(head)) return std::nullopt;
  // [alias|url|tooltip]: the tooltip has no place outside Jira.
  return bridge::Link(util::Trim(head.substr(0, head.find('|'))), UnescapeWiki(util::TrimView(alias)));
}

// A LinkTarget that is text: the one such target is an attachment ([^name]).
bool IsAttachment(const Inline& target) { return target.kind == Inline::Kind::kText; }

class InlineParser {
 public:
  InlineParser(std::string_view text, WikiEmbeds* embeds)
      : text_(text),
        embeds_(embeds),
        close_bracket_(bridge::markup::Needle(text, "]")),
        bar_(bridge::markup::Needle(text, "|")),
        close_mono_(bridge::markup::Needle(text, "}}")),
        bang_(bridge::markup::Needle(text, "!")),
        closers_{Closer(0), Closer(1), Closer(2), Closer(3), Closer(4), Closer(5)},
        braced_closers_{Braced(0), Braced(1), Braced(2), Braced(3), Braced(4), Braced(5)} {}

  std::vector<Inline> Parse() {
    Run(0, text_.size(), bridge::kNoMark);
    return out_.Take();
  }

 private:
  static constexpr char kMarkers[] = "*_-+~^";
  static constexpr const char* kBraced[] = {"{*}", "{_}", "{-}", "{+}", "{~}", "{^}"};
  // -deleted- is strike; inserted (underline), subscript and superscript
  // have no counterpart: their text stays, plain.
  static constexpr unsigned kMarks[] = {bridge::kBold, bridge::kItalic, bridge::kStrike, 0, 0, 0};

  NextMatch Closer(size_t m) const { return bridge::markup::Closer(text_, std::string_view(kMarkers + m, 1)); }
  NextMatch Braced(size_t m) const { return bridge::markup::Needle(text_, kBraced[m]); }

  static size_t MarkerIndex(char c) { return c == '\0' ? kNpos : std::string_view(kMarkers).find(c); }

  // Parses [begin, end). Nested emphasis recurses, but never deeper than the
  // six markers: a marker cannot nest inside itself because its closer is
  // the first valid one after the opener.
  void Run(size_t begin, size_t end, unsigned marks) {
    size_t i = begin;
    while (i < end) {
      char c = text_[i];
      size_t marker = MarkerIndex(c);
      if (c == '\\') {
        i = Backslash(i, end, marks);
      } else if (c == '{') {
        i = Brace(i, end, marks);
      } else if (c == '[') {
        i = Link(i, end, marks);
      } else if (c == '!') {
        i = Image(i, end, marks);
      } else if (marker != kNpos && bridge::markup::CanOpen(text_, i)) {
        i = Emphasis(i, end, marker, marks);
      } else {
        out_.Char(c, marks);
        ++i;
      }
    }
  }

  size_t Backslash(size_t i, size_t end, unsigned marks) {
    if (i + 1 < end && text_[i + 1] == '\\') {
      // The forced line break; at the end of a line the line's own end
      // already breaks it.
      if (i + 2 < text_.size()) out_.Add(bridge::LineBreak(), marks);
      return i + 2;
    }
    if (i + 1 < end && IsAsciiPunct(text_[i + 1])) {
      out_.Char(text_[i + 1], marks);
      return i + 2;
    }
    out_.Char('\\', marks);
    return i + 1;
  }

  size_t Brace(size_t i, size_t end, unsigned marks) {
    size_t m = MarkerIndex(CharAt(text_, i + 1));
    if (m != kNpos && CharAt(text_, i + 2) == '}') {
      // Jira Cloud writes {*}bold{*} when the emphasis touches a word, where
      // the bare markers would not count.
      size_t close = braced_closers_[m].From(i + 3);
      if (close != kNpos && close + 3 <= end && close > i + 3) {
        Run(i + 3, close, marks | kMarks[m]);
        return close + 3;
      }
    } else if (At(text_, i, "{{")) {
      size_t close = close_mono_.From(i + 2);
      if (close != kNpos && close + 2 <= end && close > i + 2) {
        out_.Add(bridge::Text(std::string(text_.substr(i + 2, close - i - 2)), bridge::kCode), marks);
        return close + 2;
      }
    } else if (At(text_, i, "{color")) {
      // The colour goes, its text stays.
      size_t j = i + 6;
      if (CharAt(text_, j) == '}') return j + 1;
      if (CharAt(text_, j) == ':') {
        for (size_t k = j + 1; k < end && k < j + 64; ++k) {
          if (text_[k] == '}') return k + 1;
          if (text_[k] == '{') break;
        }
      }
    }
    out_.Char('{', marks);
    return i + 1;
  }

  size_t Link(size_t i, size_t end, unsigned marks) {
    size_t close = close_bracket_.From(i + 1);
    if (close != kNpos && close < end && close > i + 1) {
      size_t bar = bar_.From(i + 1);
      std::optional<Inline> link = bar < close
                                       ? LinkTarget(text_.substr(i + 1, bar - i - 1), text_.substr(bar + 1, close - bar - 1))
                                       : LinkTarget({}, text_.substr(i + 1, close - i - 1));
      if (link) {
        if (embeds_ && IsAttachment(*link)) ++embeds_->attachments;
        out_.Add(std::move(*link), marks);
        return close + 1;
      }
    }
    out_.Char('[', marks);
    return i + 1;
  }

  // !name.png! and !name.png|thumbnail,width=300! name an attachment, shown
  // as a note with its name. A name must not start or end with a space,
  // which keeps "Hi! How are you!" as text.
  size_t Image(size_t i, size_t end, unsigned marks) {
    size_t close = bang_.From(i + 1);
    if (close != kNpos && close < end && close > i + 1) {
      std::string_view content = text_.substr(i + 1, close - i - 1);
      std::string_view name = content.substr(0, content.find('|'));
      if (!name.empty() && !bridge::markup::IsSpace(name.front()) && !bridge::markup::IsSpace(name.back()) &&
          (LooksLikeUrl(name) || HasImageExtension(name))) {
        if (embeds_) ++embeds_->images;
        out_.Add(bridge::Text("[image: " + std::string(name) + "]"), marks);
        return close + 1;
      }
    }
    out_.Char('!', marks);
    return i + 1;
  }

  size_t Emphasis(size_t i, size_t end, size_t marker, unsigned marks) {
    size_t close = closers_[marker].From(i + 1);
    if (close == kNpos || close >= end) {
      out_.Char(text_[i], marks);
      return i + 1;
    }
    Run(i + 1, close, marks | kMarks[marker]);
    return close + 1;
  }

  std::string_view text_;
  WikiEmbeds* embeds_;
  NextMatch close_bracket_;
  NextMatch bar_;
  NextMatch close_mono_;
  NextMatch bang_;
  NextMatch closers_[6];
  NextMatch braced_closers_[6];
  bridge::markup::InlineCollector out_;
};

}  // namespace

std::vector<bridge::Inline> ParseWikiInline(std::string_view text, WikiEmbeds* embeds) {
  return InlineParser(text, embeds).Parse();
}

}  // namespace helpdesk::jira::wiki_internal
