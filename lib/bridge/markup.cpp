#include "bridge/markup.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <iterator>
#include <optional>
#include <utility>

#include "bridge/text.h"

namespace bridge {
namespace {

using Names = std::map<std::string, std::string>;

constexpr size_t kNpos = std::string_view::npos;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool IsAsciiAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Bytes of multi-byte UTF-8 characters count as letters, so "é-x-é" is one
// word to the boundary rules just as "a-x-a" is.
bool IsWordChar(char c) { return IsAsciiAlnum(c) || static_cast<unsigned char>(c) >= 0x80; }

bool IsAsciiPunct(char c) { return c > ' ' && c < 0x7F && !IsAsciiAlnum(c); }

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool StartsWith(std::string_view text, size_t at, std::string_view prefix) {
  return at <= text.size() && text.compare(at, prefix.size(), prefix) == 0;
}

// Text beyond either end reads as a space: a line's start and end are word
// boundaries.
char At(std::string_view text, size_t i) { return i < text.size() ? text[i] : ' '; }
char Before(std::string_view text, size_t i) { return i == 0 ? ' ' : text[i - 1]; }

// The emphasis rule both markups share: *x* opens after a non-word character
// and before a non-space, and closes after a non-space and before a
// non-word character; a doubled marker is neither. This keeps "well-known",
// "5 - 3", "snake_case" and "2*3*4" as text.
bool CanOpen(std::string_view text, size_t i) {
  char marker = text[i];
  char prev = Before(text, i);
  char next = At(text, i + 1);
  return !IsWordChar(prev) && prev != marker && !IsSpace(next) && next != marker;
}

bool CanClose(std::string_view text, size_t i) {
  char marker = text[i];
  char prev = Before(text, i);
  char next = At(text, i + 1);
  return i > 0 && !IsSpace(prev) && prev != marker && !IsWordChar(next) && next != marker;
}

// The next position at or after `from` where `match` holds. The scanners
// never move backwards, so `from` never decreases and the previous answer
// can be reused: every byte is examined at most once per finder. This is what
// keeps 50 000 unclosed '{' or '*' linear instead of quadratic.
class NextMatch {
 public:
  NextMatch(size_t size, std::function<bool(size_t)> match) : size_(size), match_(std::move(match)) {}

  size_t From(size_t from) {
    if (searched_ && from >= from_ && (found_ == kNpos || found_ >= from)) return found_;
    searched_ = true;
    from_ = from;
    found_ = kNpos;
    for (size_t i = from; i < size_; ++i) {
      if (match_(i)) {
        found_ = i;
        break;
      }
    }
    return found_;
  }

 private:
  size_t size_;
  std::function<bool(size_t)> match_;
  bool searched_ = false;
  size_t from_ = 0;
  size_t found_ = kNpos;
};

NextMatch Needle(std::string_view text, std::string_view needle) {
  return NextMatch(text.size(), [text, needle](size_t i) { return StartsWith(text, i, needle); });
}

NextMatch Closer(std::string_view text, char marker) {
  return NextMatch(text.size(), [text, marker](size_t i) { return text[i] == marker && CanClose(text, i); });
}

std::string NormalizeNewlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      out += '\n';
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string_view TrimView(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size() && IsSpace(text[begin])) ++begin;
  size_t end = text.size();
  while (end > begin && IsSpace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "https://", "ftp://", "mailto:" … The scheme scan is bounded so that a
// failed guess costs a constant, whatever follows.
bool LooksLikeUrl(std::string_view text) {
  if (StartsWith(text, 0, "mailto:") || StartsWith(text, 0, "tel:")) return true;
  size_t i = 0;
  while (i < text.size() && i < 32 && (IsAsciiAlnum(text[i]) || text[i] == '+' || text[i] == '.' || text[i] == '-'))
    ++i;
  return i > 0 && (text[0] < '0' || text[0] > '9') && StartsWith(text, i, "://");
}

bool HasImageExtension(std::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == kNpos || name.size() - dot > 6) return false;
  static const char* const kExtensions[] = {"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "tif", "tiff", "heic"};
  std::string extension = Lower(name.substr(dot + 1));
  return std::any_of(std::begin(kExtensions), std::end(kExtensions), [&](const char* e) { return extension == e; });
}

// ---------------------------------------------------------------------------
// Jira wiki → Slack mrkdwn

// Backslash escapes of a piece of wiki text removed, for places where the
// text is shown as-is (link labels).
std::string UnescapeWiki(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && IsAsciiPunct(text[i + 1])) ++i;
    out += text[i];
  }
  return out;
}

// Percent-encodes each character of `url` that is in `reserved`; the rest
// stays as it is. URLs from either side keep working; only the characters
// that would end the link token are changed.
std::string PercentEncode(std::string_view url, std::string_view reserved) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : TrimView(url)) {
    if (reserved.find(c) == std::string_view::npos) {
      out += c;
      continue;
    }
    out += '%';
    out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
    out += kHex[static_cast<unsigned char>(c) & 0xF];
  }
  return out;
}

// Inside <url|label> Slack ends the URL at '|' and the token at '>'.
std::string SlackSafeUrl(std::string_view url) { return PercentEncode(url, "<>| "); }

void AppendMrkdwnChar(char c, std::string& out) {
  if (c == '&')
    out += "&amp;";
  else if (c == '<')
    out += "&lt;";
  else if (c == '>')
    out += "&gt;";
  else
    out += c;
}

std::string Mention(std::string_view target, std::string_view alias, const Names& account_names) {
  std::string_view id = TrimView(target.substr(1));  // without '~'
  bool is_account_id = StartsWith(id, 0, "accountid:");
  if (is_account_id) id.remove_prefix(10);
  auto it = account_names.find(std::string(id));
  if (it != account_names.end()) return "@" + EscapeMrkdwn(it->second);
  std::string_view name = TrimView(alias);
  if (!name.empty()) return "@" + EscapeMrkdwn(UnescapeWiki(name));
  // An old-style [~username] names the user; an account id means nothing to
  // a reader.
  if (!is_account_id && !id.empty()) return "@" + EscapeMrkdwn(id);
  return "@someone";
}

// Skips at most a few leading spaces: the check stays constant-time when a
// hostile "[[[[|      …" asks it again and again.
std::string_view SkipSomeSpaces(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && i < 8 && text[i] == ' ') ++i;
  return text.substr(i);
}

// One wiki line (or a part of one: a list item's text, a table cell) to
// mrkdwn. Block structure is decided by the caller.
class WikiInline {
 public:
  WikiInline(std::string_view text, const Names& account_names)
      : text_(text),
        account_names_(account_names),
        close_bracket_(Needle(text, "]")),
        bar_(Needle(text, "|")),
        close_mono_(Needle(text, "}}")),
        bang_(Needle(text, "!")),
        closers_{Closer(text, '*'), Closer(text, '_'), Closer(text, '-'),
                 Closer(text, '+'), Closer(text, '~'), Closer(text, '^')},
        braced_closers_{Needle(text, "{*}"), Needle(text, "{_}"), Needle(text, "{-}"),
                        Needle(text, "{+}"), Needle(text, "{~}"), Needle(text, "{^}")} {}

  std::string Convert() {
    std::string out;
    out.reserve(text_.size());
    Run(0, text_.size(), out);
    return out;
  }

 private:
  static constexpr char kMarkers[] = "*_-+~^";
  // * and _ mean the same in Slack; -deleted- is Slack's ~strike~; Slack
  // has no inserted (underline), subscript or superscript: plain text.
  static constexpr const char* kSlackMarkers[] = {"*", "_", "~", "", "", ""};

  // Converts [begin, end) into `out`. Nested emphasis recurses, but never
  // deeper than the six markers: a marker cannot nest inside itself because
  // its closer is the first valid one after the opener.
  void Run(size_t begin, size_t end, std::string& out) {
    size_t i = begin;
    while (i < end) {
      char c = text_[i];
      const char* marker = c == '\0' ? nullptr : std::strchr(kMarkers, c);
      if (c == '\\') {
        i = Backslash(i, end, out);
      } else if (c == '{') {
        i = Brace(i, end, out);
      } else if (c == '[') {
        i = Link(i, end, out);
      } else if (c == '!') {
        i = Image(i, end, out);
      } else if (marker != nullptr && CanOpen(text_, i)) {
        i = Emphasis(i, end, static_cast<size_t>(marker - kMarkers), out);
      } else {
        AppendMrkdwnChar(c, out);
        ++i;
      }
    }
  }

  size_t Backslash(size_t i, size_t end, std::string& out) {
    if (i + 1 < end && text_[i + 1] == '\\') {
      // The wiki's forced line break; at the end of a line the line's own
      // newline already breaks it.
      if (i + 2 < text_.size()) out += '\n';
      return i + 2;
    }
    if (i + 1 < end && IsAsciiPunct(text_[i + 1])) {
      AppendMrkdwnChar(text_[i + 1], out);
      return i + 2;
    }
    out += '\\';
    return i + 1;
  }

  size_t Brace(size_t i, size_t end, std::string& out) {
    const char* marker = At(text_, i + 1) == '\0' ? nullptr : std::strchr(kMarkers, At(text_, i + 1));
    if (marker != nullptr && At(text_, i + 2) == '}') {
      // Jira Cloud writes {*}bold{*} when the emphasis touches a word, where
      // the bare markers would not count.
      size_t m = static_cast<size_t>(marker - kMarkers);
      size_t close = braced_closers_[m].From(i + 3);
      if (close != kNpos && close + 3 <= end && close > i + 3) {
        out += kSlackMarkers[m];
        Run(i + 3, close, out);
        out += kSlackMarkers[m];
        return close + 3;
      }
    } else if (StartsWith(text_, i, "{{")) {
      size_t close = close_mono_.From(i + 2);
      if (close != kNpos && close + 2 <= end && close > i + 2) {
        out += '`';
        out += EscapeMrkdwn(text_.substr(i + 2, close - i - 2));
        out += '`';
        return close + 2;
      }
    } else if (StartsWith(text_, i, "{color")) {
      // Slack has no colours: the macro goes, its text stays.
      size_t j = i + 6;
      if (At(text_, j) == '}') return j + 1;
      if (At(text_, j) == ':') {
        for (size_t k = j + 1; k < end && k < j + 64; ++k) {
          if (text_[k] == '}') return k + 1;
          if (text_[k] == '{') break;
        }
      }
    }
    out += '{';
    return i + 1;
  }

  size_t Link(size_t i, size_t end, std::string& out) {
    size_t close = close_bracket_.From(i + 1);
    if (close != kNpos && close < end && close > i + 1) {
      size_t bar = bar_.From(i + 1);
      std::optional<std::string> rendered =
          bar < close ? RenderLink(text_.substr(i + 1, bar - i - 1), text_.substr(bar + 1, close - bar - 1))
                      : RenderLink({}, text_.substr(i + 1, close - i - 1));
      if (rendered) {
        out += *rendered;
        return close + 1;
      }
    }
    out += '[';
    return i + 1;
  }

  // [alias|target] or [target]; nullopt when the target is neither a URL,
  // a mention nor an attachment, so "[see above]" stays text. The checks on a
  // failure path look at a bounded prefix only (see SkipSomeSpaces).
  std::optional<std::string> RenderLink(std::string_view alias, std::string_view target) const {
    std::string_view head = SkipSomeSpaces(target);
    if (StartsWith(head, 0, "~")) return Mention(head, alias, account_names_);
    if (StartsWith(head, 0, "^") && alias.empty()) {
      return "[attachment: " + EscapeMrkdwn(TrimView(head.substr(1))) + "]";
    }
    if (!LooksLikeUrl(head)) return std::nullopt;
    // [alias|url|tooltip]: the tooltip has no place in Slack.
    std::string_view url = head.substr(0, head.find('|'));
    std::string label = EscapeMrkdwn(UnescapeWiki(TrimView(alias)));
    if (label.empty()) return "<" + SlackSafeUrl(url) + ">";
    return "<" + SlackSafeUrl(url) + "|" + label + ">";
  }

  // !name.png! and !name.png|thumbnail,width=300! name an attachment Slack
  // cannot show inline. A name must not start or end with a space, which
  // keeps "Hi! How are you!" as text.
  size_t Image(size_t i, size_t end, std::string& out) {
    size_t close = bang_.From(i + 1);
    if (close != kNpos && close < end && close > i + 1) {
      std::string_view content = text_.substr(i + 1, close - i - 1);
      std::string_view name = content.substr(0, content.find('|'));
      if (!name.empty() && !IsSpace(name.front()) && !IsSpace(name.back()) &&
          (LooksLikeUrl(name) || HasImageExtension(name))) {
        out += "[image: " + EscapeMrkdwn(name) + "]";
        return close + 1;
      }
    }
    out += '!';
    return i + 1;
  }

  size_t Emphasis(size_t i, size_t end, size_t marker, std::string& out) {
    size_t close = closers_[marker].From(i + 1);
    if (close == kNpos || close >= end) {
      AppendMrkdwnChar(text_[i], out);
      return i + 1;
    }
    out += kSlackMarkers[marker];
    Run(i + 1, close, out);
    out += kSlackMarkers[marker];
    return close + 1;
  }

  std::string_view text_;
  const Names& account_names_;
  NextMatch close_bracket_;
  NextMatch bar_;
  NextMatch close_mono_;
  NextMatch bang_;
  NextMatch closers_[6];
  NextMatch braced_closers_[6];
};

std::string WikiInlineToMrkdwn(std::string_view text, const Names& account_names) {
  return WikiInline(text, account_names).Convert();
}

// Headings and table headers are shown bold, unless they already are.
std::string Bold(std::string text) {
  if (text.empty() || (text.size() >= 2 && text.front() == '*' && text.back() == '*')) return text;
  return "*" + text + "*";
}

struct WikiBlockState {
  bool in_quote = false;
  // The running number of each level of the current "#" list.
  std::vector<int> numbers;
};

// A table row, split at | and || outside links, {{mono}} and escapes.
std::string TableRow(std::string_view row, const Names& account_names) {
  struct Cell {
    size_t begin;
    size_t end;
    bool header;
  };
  std::vector<Cell> cells;
  NextMatch close_bracket = Needle(row, "]");
  NextMatch close_mono = Needle(row, "}}");
  size_t cell_begin = kNpos;
  bool header = false;
  size_t i = 0;
  while (i < row.size()) {
    if (row[i] == '\\') {
      i += 2;
    } else if (row[i] == '[' && close_bracket.From(i + 1) != kNpos) {
      i = close_bracket.From(i + 1) + 1;
    } else if (StartsWith(row, i, "{{") && close_mono.From(i + 2) != kNpos) {
      i = close_mono.From(i + 2) + 2;
    } else if (row[i] == '|') {
      if (cell_begin != kNpos) cells.push_back({cell_begin, i, header});
      header = StartsWith(row, i, "||");
      i += header ? 2 : 1;
      cell_begin = i;
    } else {
      ++i;
    }
  }
  // The closing delimiter leaves an empty last cell, which is no cell.
  if (cell_begin != kNpos && cell_begin < row.size() && !TrimView(row.substr(cell_begin)).empty()) {
    cells.push_back({cell_begin, row.size(), header});
  }
  std::string out;
  for (size_t c = 0; c < cells.size(); ++c) {
    if (c > 0) out += " | ";
    std::string text =
        WikiInlineToMrkdwn(TrimView(row.substr(cells[c].begin, cells[c].end - cells[c].begin)), account_names);
    out += cells[c].header ? Bold(std::move(text)) : text;
  }
  return out;
}

// "*", "##", "#*" or "-" followed by a space: the depth and the last marker.
std::optional<std::pair<size_t, char>> ListMarker(std::string_view line) {
  if (StartsWith(line, 0, "- ")) return std::make_pair(size_t{1}, '-');
  size_t depth = 0;
  while (depth < line.size() && (line[depth] == '*' || line[depth] == '#')) ++depth;
  if (depth == 0 || depth >= line.size() || line[depth] != ' ') return std::nullopt;
  return std::make_pair(depth, line[depth - 1]);
}

bool IsHeading(std::string_view line) {
  return line.size() >= 3 && line[0] == 'h' && line[1] >= '1' && line[1] <= '6' && line[2] == '.' &&
         (line.size() == 3 || line[3] == ' ');
}

void AppendWikiLine(std::string_view line, bool line_start, const Names& account_names, WikiBlockState& state,
                    std::string& out) {
  if (!line_start) {
    // The rest of a line that an inline {code} block interrupted.
    out += WikiInlineToMrkdwn(line, account_names);
    return;
  }
  std::string converted;
  bool quoted = state.in_quote;
  auto list = ListMarker(line);
  if (list) {
    auto [depth, marker] = *list;
    std::string indent(4 * (depth - 1), ' ');
    state.numbers.resize(depth, 0);
    std::string bullet;
    if (marker == '#') {
      bullet = std::to_string(++state.numbers[depth - 1]) + ".";
    } else {
      state.numbers[depth - 1] = 0;
      bullet = depth == 1 ? "\xE2\x80\xA2" : "\xE2\x97\xA6";  // • and ◦
    }
    std::string_view item = line.substr(marker == '-' ? 2 : depth + 1);
    converted = indent + bullet + " " + WikiInlineToMrkdwn(TrimView(item), account_names);
  } else {
    // Anything but a list item ends the list: the next "#" counts from 1.
    state.numbers.clear();
    std::string_view trimmed = TrimView(line);
    if (IsHeading(line)) {
      converted = Bold(WikiInlineToMrkdwn(TrimView(line.substr(3)), account_names));
    } else if (StartsWith(line, 0, "bq.") && (line.size() == 3 || line[3] == ' ')) {
      quoted = true;
      converted = WikiInlineToMrkdwn(TrimView(line.substr(3)), account_names);
    } else if (!trimmed.empty() && trimmed.front() == '|') {
      converted = TableRow(trimmed, account_names);
    } else {
      converted = WikiInlineToMrkdwn(line, account_names);
    }
  }
  if (!quoted || converted.empty()) {
    out += converted;
    return;
  }
  // A \\ break inside a quote must stay inside it.
  out += "> ";
  for (char c : converted) {
    out += c;
    if (c == '\n') out += "> ";
  }
}

void AppendWikiMarkup(std::string_view segment, bool at_line_start, const Names& account_names, WikiBlockState& state,
                      std::string& out) {
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t newline = segment.find('\n', start);
    std::string_view line = segment.substr(start, newline == kNpos ? kNpos : newline - start);
    AppendWikiLine(line, first ? at_line_start : true, account_names, state, out);
    if (newline == kNpos) break;
    out += '\n';
    start = newline + 1;
    first = false;
  }
}

// {name} or {name:parameters}; `end` receives the position after the '}'.
// Parameters are bounded and stay on the line, so a hostile "{code:{code:…"
// costs a constant per brace.
bool MacroOpen(std::string_view text, size_t i, std::string_view name, size_t& end) {
  if (!StartsWith(text, i + 1, name)) return false;
  size_t j = i + 1 + name.size();
  if (At(text, j) == '}') {
    end = j + 1;
    return true;
  }
  if (At(text, j) != ':') return false;
  for (size_t k = j + 1; k < text.size() && k < j + 256; ++k) {
    if (text[k] == '}') {
      end = k + 1;
      return true;
    }
    if (text[k] == '\n' || text[k] == '{') return false;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Slack mrkdwn → Jira wiki

// Appends text[i], escaped when Jira would read it as markup. `line_start`
// says text[i] is the first character of a line, where "#" and "*" start
// lists.
void AppendWikiLiteral(std::string_view text, size_t i, bool line_start, std::string& out) {
  char c = text[i];
  bool escape = false;
  switch (c) {
    case '{':
    case '}':
    case '[':
    case ']':
    case '|':
      escape = true;
      break;
    case '!':
      // Only an opening '!' can start an image.
      escape = i + 1 < text.size() && !IsSpace(text[i + 1]);
      break;
    case '#':
      escape = line_start;
      break;
    case '*':
    case '_':
    case '-':
    case '+':
    case '^':
    case '~': {
      // Safe only inside a word ("well-known") or standing alone ("5 - 3");
      // anywhere else it could open or close Jira emphasis.
      char prev = Before(text, i);
      char next = At(text, i + 1);
      bool inside_word = IsWordChar(prev) && IsWordChar(next);
      bool alone = IsSpace(prev) && IsSpace(next);
      escape = (!inside_word && !alone) || (line_start && c == '*');
      break;
    }
    default:
      break;
  }
  if (escape) out += '\\';
  out += c;
}

// Plain text (a name, a link label, a code span's content) escaped for Jira.
std::string EscapeWikiText(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) AppendWikiLiteral(text, i, false, out);
  return out;
}

// Slack text shown as it reads, for code where nothing is converted: tokens
// rendered as the rest of the bridge renders them, entities decoded. Unlike
// calling HumanizeSlackText on the whole text, stays linear when a hostile
// text holds thousands of unclosed '<'.
std::string SlackPlainText(std::string_view text, const Names& user_names) {
  std::string out;
  out.reserve(text.size());
  NextMatch close_angle = Needle(text, ">");
  for (size_t i = 0; i < text.size();) {
    size_t close = text[i] == '<' ? close_angle.From(i + 1) : kNpos;
    if (close != kNpos) {
      out += HumanizeSlackText(text.substr(i, close - i + 1), user_names);
      i = close + 1;
    } else if (StartsWith(text, i, "&amp;")) {
      out += '&';
      i += 5;
    } else if (StartsWith(text, i, "&lt;")) {
      out += '<';
      i += 4;
    } else if (StartsWith(text, i, "&gt;")) {
      out += '>';
      i += 4;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// Inside [label|url] Jira ends the URL at ']' and the label at '|'.
std::string WikiSafeUrl(std::string_view url) { return PercentEncode(url, "[]| "); }

// One Slack line (or the text of a bullet or quote) to wiki.
class MrkdwnInline {
 public:
  MrkdwnInline(std::string_view text, const Names& user_names, bool line_start)
      : text_(text),
        user_names_(user_names),
        line_start_(line_start),
        close_angle_(Needle(text, ">")),
        close_tick_(Needle(text, "`")),
        closers_{Closer(text, '*'), Closer(text, '_'), Closer(text, '~')} {}

  std::string Convert() {
    std::string out;
    out.reserve(text_.size() + text_.size() / 8);
    size_t begin = 0;
    // "h1. " and "bq. " typed at the start of a line would become a heading
    // or a quote; a backslash before the dot keeps them text.
    if (line_start_ && (IsHeading(text_) || (StartsWith(text_, 0, "bq.") && (text_.size() == 3 || text_[3] == ' ')))) {
      out += text_.substr(0, 2);
      out += "\\.";
      begin = 3;
    }
    Run(begin, text_.size(), out);
    return out;
  }

 private:
  static constexpr char kMarkers[] = "*_~";

  void Run(size_t begin, size_t end, std::string& out) {
    size_t i = begin;
    while (i < end) {
      char c = text_[i];
      const char* marker = c == '\0' ? nullptr : std::strchr(kMarkers, c);
      if (c == '<') {
        i = Token(i, end, out);
      } else if (c == '&') {
        i = Entity(i, out);
      } else if (c == '`') {
        i = Code(i, end, out);
      } else if (marker != nullptr && CanOpen(text_, i)) {
        i = Emphasis(i, end, static_cast<size_t>(marker - kMarkers), out);
      } else {
        AppendWikiLiteral(text_, i, line_start_ && i == 0, out);
        ++i;
      }
    }
  }

  size_t Token(size_t i, size_t end, std::string& out) {
    size_t close = close_angle_.From(i + 1);
    if (close == kNpos || close >= end || close == i + 1) {
      out += '<';
      return i + 1;
    }
    std::string_view token = text_.substr(i + 1, close - i - 1);
    if (token[0] == '@' || token[0] == '#' || token[0] == '!') {
      // Users, channels, groups, <!here>, dates: rendered as text exactly as
      // the rest of the bridge renders them.
      out += EscapeWikiText(HumanizeSlackText("<" + std::string(token) + ">", user_names_));
    } else {
      size_t bar = token.find('|');
      std::string url = SlackPlainText(token.substr(0, bar), user_names_);
      std::string label = bar == kNpos ? std::string() : SlackPlainText(token.substr(bar + 1), user_names_);
      if (TrimView(label).empty()) {
        out += "[" + WikiSafeUrl(url) + "]";
      } else {
        out += "[" + EscapeWikiText(TrimView(label)) + "|" + WikiSafeUrl(url) + "]";
      }
    }
    return close + 1;
  }

  // Slack escapes exactly these three; none of them means anything to Jira.
  size_t Entity(size_t i, std::string& out) {
    if (StartsWith(text_, i, "&amp;")) {
      out += '&';
      return i + 5;
    }
    if (StartsWith(text_, i, "&lt;")) {
      out += '<';
      return i + 4;
    }
    if (StartsWith(text_, i, "&gt;")) {
      out += '>';
      return i + 4;
    }
    out += '&';
    return i + 1;
  }

  size_t Code(size_t i, size_t end, std::string& out) {
    size_t close = close_tick_.From(i + 1);
    if (close == kNpos || close >= end || close == i + 1) {
      out += '`';
      return i + 1;
    }
    // Jira still reads markup inside {{…}}, so the content is escaped, not
    // converted.
    out += "{{";
    out += EscapeWikiText(SlackPlainText(text_.substr(i + 1, close - i - 1), user_names_));
    out += "}}";
    return close + 1;
  }

  size_t Emphasis(size_t i, size_t end, size_t marker, std::string& out) {
    size_t close = closers_[marker].From(i + 1);
    if (close == kNpos || close >= end) {
      AppendWikiLiteral(text_, i, line_start_ && i == 0, out);
      return i + 1;
    }
    static constexpr char kWiki[] = "*_-";
    out += kWiki[marker];
    Run(i + 1, close, out);
    out += kWiki[marker];
    return close + 1;
  }

  std::string_view text_;
  const Names& user_names_;
  bool line_start_;
  NextMatch close_angle_;
  NextMatch close_tick_;
  NextMatch closers_[3];
};

// Slack's list bullets as its clients put them into a message's text.
constexpr std::string_view kBullets[] = {"\xE2\x80\xA2 ", "\xE2\x97\xA6 ", "\xE2\x96\xAA ", "- "};  // • ◦ ▪ -

void AppendMrkdwnLine(std::string_view line, bool line_start, const Names& user_names, std::string& out) {
  if (!line_start) {
    out += MrkdwnInline(line, user_names, false).Convert();
    return;
  }
  size_t indent = 0;
  size_t k = 0;
  while (k < line.size() && (line[k] == ' ' || line[k] == '\t')) {
    indent += line[k] == '\t' ? 4 : 1;
    ++k;
  }
  std::string_view rest = line.substr(k);
  // Slack delivers a typed "> " as "&gt; ".
  size_t quote = StartsWith(rest, 0, "&gt;") ? 4 : StartsWith(rest, 0, ">") ? 1 : 0;
  if (quote > 0) {
    std::string_view quoted = rest.substr(quote);
    if (StartsWith(quoted, 0, " ")) quoted.remove_prefix(1);
    std::string converted = MrkdwnInline(quoted, user_names, false).Convert();
    if (!converted.empty()) out += "bq. " + converted;
    return;
  }
  for (size_t b = 0; b < std::size(kBullets); ++b) {
    if (!StartsWith(rest, 0, kBullets[b])) continue;
    // Nested items are indented by four spaces per level; a ◦ or ▪ bullet
    // is at least the second or third level even without the indent.
    size_t depth = std::max(1 + indent / 4, b == 1 ? size_t{2} : b == 2 ? size_t{3} : size_t{1});
    out += std::string(depth, '*') + " ";
    out += MrkdwnInline(TrimView(rest.substr(kBullets[b].size())), user_names, false).Convert();
    return;
  }
  out += line.substr(0, k);
  out += MrkdwnInline(rest, user_names, true).Convert();
}

void AppendMrkdwnMarkup(std::string_view segment, bool at_line_start, const Names& user_names, std::string& out) {
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t newline = segment.find('\n', start);
    std::string_view line = segment.substr(start, newline == kNpos ? kNpos : newline - start);
    AppendMrkdwnLine(line, first ? at_line_start : true, user_names, out);
    if (newline == kNpos) break;
    out += '\n';
    start = newline + 1;
    first = false;
  }
}

// ---------------------------------------------------------------------------
// Splitting

constexpr size_t kMinFencedChunk = 16;
constexpr std::string_view kFence = "```";

// The byte position `chars` code points after `pos`, or the end.
size_t AdvanceChars(std::string_view text, size_t pos, size_t chars) {
  size_t i = pos;
  for (size_t n = 0; n < chars && i < text.size(); ++n) {
    ++i;
    while (i < text.size() && IsContinuation(text[i])) ++i;
  }
  return i;
}

std::vector<std::string> SplitByChars(std::string_view text, size_t max_chars) {
  std::vector<std::string> chunks;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = AdvanceChars(text, pos, max_chars);
    chunks.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return chunks;
}

// Inclusive ranges of positions, sorted and merged, so that the position just
// before a range is outside every range.
class Ranges {
 public:
  void Add(size_t first, size_t last) { ranges_.push_back({first, last}); }

  void Seal() {
    std::sort(ranges_.begin(), ranges_.end());
    std::vector<std::pair<size_t, size_t>> merged;
    for (const auto& range : ranges_) {
      if (!merged.empty() && range.first <= merged.back().second + 1) {
        merged.back().second = std::max(merged.back().second, range.second);
      } else {
        merged.push_back(range);
      }
    }
    ranges_ = std::move(merged);
  }

  // The first position of the range holding `pos`, or kNpos.
  size_t StartOf(size_t pos) const {
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), std::make_pair(pos, kNpos));
    if (it == ranges_.begin()) return kNpos;
    --it;
    return pos <= it->second ? it->first : kNpos;
  }

 private:
  std::vector<std::pair<size_t, size_t>> ranges_;
};

// Where a chunk may not end (or the next one begin). Inside a <…> token or an
// &…; entity a cut breaks Slack's parsing; it is allowed only when the token
// alone is longer than a chunk. Inside a ``` marker, or right after an
// opening one (an empty block), a cut is never allowed.
class Layout {
 public:
  explicit Layout(std::string_view text) {
    for (size_t open = text.find(kFence); open != kNpos; open = text.find(kFence, open)) {
      size_t close = text.find(kFence, open + kFence.size());
      if (close == kNpos) break;  // an unpaired ``` is text
      fences_.push_back({open, close});
      markers_.Add(open + 1, open + kFence.size());
      markers_.Add(close, close + kFence.size() - 1);
      open = close + kFence.size();
    }
    for (size_t i = 0; i < text.size();) {
      if (text[i] == '<') {
        // A token ends at the first '>' on its line; it holds no '<' and no
        // backtick, so it cannot overlap a fence marker.
        size_t j = text.find_first_of("<>\n`", i + 1);
        if (j != kNpos && text[j] == '>') {
          if (j > i + 1) tokens_.Add(i + 1, j);
          i = j + 1;
        } else {
          i = j == kNpos ? text.size() : j;
        }
      } else if (text[i] == '&') {
        for (std::string_view entity : {"&amp;", "&lt;", "&gt;"}) {
          if (StartsWith(text, i, entity)) tokens_.Add(i + 1, i + entity.size() - 1);
        }
        ++i;
      } else {
        ++i;
      }
    }
    markers_.Seal();
    tokens_.Seal();
  }

  bool Allowed(size_t pos) const { return markers_.StartOf(pos) == kNpos && tokens_.StartOf(pos) == kNpos; }

  // Where to cut when no whitespace break will do: at `limit`, moved back out
  // of a fence marker and then out of a token, unless the token starts at
  // `pos` (it is longer than a chunk and has to be cut).
  size_t HardCut(size_t pos, size_t limit) const {
    size_t cut = limit;
    if (size_t marker = markers_.StartOf(cut); marker != kNpos) cut = marker - 1;
    if (size_t token = tokens_.StartOf(cut);
        token != kNpos && token - 1 > pos && markers_.StartOf(token - 1) == kNpos) {
      cut = token - 1;
    }
    return cut > pos ? cut : limit;  // never stalls, even on a degenerate layout
  }

  // True when a chunk ending at `pos` leaves a ``` block open.
  bool InFence(size_t pos) const {
    auto it = std::upper_bound(fences_.begin(), fences_.end(), std::make_pair(pos, kNpos));
    if (it == fences_.begin()) return false;
    --it;
    return pos > it->first + kFence.size() - 1 && pos <= it->second;
  }

  // True when a ``` block opens in [begin, end).
  bool FenceOpensIn(size_t begin, size_t end) const {
    auto it = std::lower_bound(fences_.begin(), fences_.end(), std::make_pair(begin, size_t{0}));
    return it != fences_.end() && it->first < end;
  }

 private:
  std::vector<std::pair<size_t, size_t>> fences_;  // (opening, closing) marker positions
  Ranges markers_;
  Ranges tokens_;
};

struct Break {
  size_t cut;       // the chunk is [pos, cut)
  size_t resume;    // the next chunk starts here
  bool at_newline;  // the break consumed a line break
};

}  // namespace

std::string WikiToMrkdwn(std::string_view wiki, const std::map<std::string, std::string>& account_names) {
  std::string normalized = NormalizeNewlines(wiki);
  std::string_view text(normalized);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  WikiBlockState state;
  NextMatch code_close = Needle(text, "{code}");
  NextMatch noformat_close = Needle(text, "{noformat}");
  NextMatch brace = Needle(text, "{");
  size_t markup_start = 0;
  bool markup_at_line_start = true;
  // After a {quote} macro the next text begins a new line; the break is added
  // only once there is text, so a closing {quote} at the end adds nothing.
  bool pending_break = false;
  auto flush = [&](size_t upto) {
    if (upto <= markup_start) return;
    if (pending_break) out += '\n';
    pending_break = false;
    AppendWikiMarkup(text.substr(markup_start, upto - markup_start), markup_at_line_start, account_names, state, out);
  };
  size_t i = brace.From(0);
  while (i != kNpos) {
    // "\{code}" is escaped; in "{{code}}" the second brace is monospace.
    bool escaped = i > 0 && (text[i - 1] == '\\' || text[i - 1] == '{');
    size_t open_end = 0;
    size_t close = kNpos;
    size_t close_size = 0;
    if (!escaped && MacroOpen(text, i, "code", open_end)) {
      close = code_close.From(open_end);
      close_size = 6;
    } else if (!escaped && MacroOpen(text, i, "noformat", open_end)) {
      close = noformat_close.From(open_end);
      close_size = 10;
    }
    if (close != kNpos) {
      // Code is copied verbatim; only Slack's three reserved characters must
      // still be entities or "<b>" would vanish from the message.
      flush(i);
      if (pending_break) out += '\n';
      pending_break = false;
      out += "```";
      out += EscapeMrkdwn(text.substr(open_end, close - open_end));
      out += "```";
      state.numbers.clear();
      markup_start = close + close_size;
      markup_at_line_start = false;
      i = brace.From(markup_start);
      continue;
    }
    if (!escaped && StartsWith(text, i, "{quote}")) {
      // A macro on a line of its own takes that line, newline included.
      bool own_line = (i == 0 || text[i - 1] == '\n') && (i + 7 == text.size() || text[i + 7] == '\n');
      flush(own_line && i > 0 ? i - 1 : i);
      state.in_quote = !state.in_quote;
      state.numbers.clear();
      if (!out.empty() && (own_line || out.back() != '\n')) pending_break = true;
      markup_start = i + 7;
      if (At(text, markup_start) == '\n') ++markup_start;
      markup_at_line_start = true;
      i = brace.From(markup_start);
      continue;
    }
    i = brace.From(i + 1);
  }
  flush(text.size());
  return out;
}

std::string MrkdwnToWiki(std::string_view mrkdwn, const std::map<std::string, std::string>& user_names) {
  std::string normalized = NormalizeNewlines(mrkdwn);
  std::string_view text(normalized);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  NextMatch fence = Needle(text, kFence);
  size_t markup_start = 0;
  bool markup_at_line_start = true;
  for (size_t open = fence.From(0); open != kNpos;) {
    size_t close = fence.From(open + kFence.size());
    if (close == kNpos) break;  // an unpaired ``` is text
    AppendMrkdwnMarkup(text.substr(markup_start, open - markup_start), markup_at_line_start, user_names, out);
    // Nothing is converted inside a block; a block that itself holds
    // {noformat} would end early, so it becomes {code} instead.
    std::string content = SlackPlainText(text.substr(open + kFence.size(), close - open - kFence.size()), user_names);
    std::string_view macro =
        content.find("{noformat}") != std::string::npos && content.find("{code") == std::string::npos ? "{code}"
                                                                                                      : "{noformat}";
    out += macro;
    out += content;
    out += macro;
    markup_start = close + kFence.size();
    markup_at_line_start = false;
    open = fence.From(markup_start);
  }
  if (markup_start < text.size() || out.empty()) {
    AppendMrkdwnMarkup(text.substr(markup_start), markup_at_line_start, user_names, out);
  }
  return out;
}

std::vector<std::string> SplitForSlack(std::string_view mrkdwn, size_t max_chars) {
  std::vector<std::string> chunks;
  if (std::all_of(mrkdwn.begin(), mrkdwn.end(), IsSpace)) return chunks;
  max_chars = std::max<size_t>(max_chars, 1);
  if (CharCount(mrkdwn) <= max_chars) {
    chunks.emplace_back(mrkdwn);
    return chunks;
  }
  if (max_chars < kMinFencedChunk) return SplitByChars(mrkdwn, max_chars);

  std::string_view text = mrkdwn;
  Layout layout(text);
  std::string reopen;  // "```" or "```\n" when the previous chunk left a block open
  size_t pos = 0;
  while (pos < text.size()) {
    if (reopen.empty()) {
      // A chunk starts with text, and blank text makes no chunk.
      while (pos < text.size() && IsSpace(text[pos])) ++pos;
      if (pos == text.size()) break;
    }
    size_t budget = max_chars - CharCount(reopen);
    if (AdvanceChars(text, pos, budget) == text.size()) {
      chunks.push_back(reopen + std::string(text.substr(pos)));
      break;
    }
    // Room for a closing "\n```" if the chunk may end inside a block.
    size_t limit = AdvanceChars(text, pos, budget);
    if (!reopen.empty() || layout.FenceOpensIn(pos, limit)) limit = AdvanceChars(text, pos, budget - 4);
    size_t half = AdvanceChars(text, pos, (budget - 4) / 2);

    // A break at whitespace `k`. Outside a block the break drops the whole
    // run of whitespace around `k`, so every `k` of a run gives the same
    // break: `run_start` lets the scan skip the rest of the run, which keeps
    // 100 KB of spaces linear. Inside a block whitespace is content and only
    // a newline may be replaced by the fences' own line break.
    auto candidate = [&](size_t k, bool newline, size_t& run_start) -> std::optional<Break> {
      Break b{k, k + 1, newline};
      run_start = k;
      if (layout.InFence(k)) {
        if (!newline) b.cut = k + 1;
      } else {
        while (b.cut > pos && IsSpace(text[b.cut - 1])) --b.cut;
        while (b.resume < text.size() && IsSpace(text[b.resume])) ++b.resume;
        run_start = b.cut;
      }
      if (b.cut <= pos || b.cut > limit || !layout.Allowed(b.cut) || !layout.Allowed(b.resume)) return std::nullopt;
      return b;
    };
    std::optional<Break> chosen;
    // Paragraph, then line, then word breaks in the second half; then the
    // last break of any kind; then a hard cut.
    for (int kind = 0; kind < 3 && !chosen; ++kind) {
      for (size_t k = std::min(limit, text.size() - 1); k >= half && k > pos && !chosen; --k) {
        bool paragraph = text[k] == '\n' && At(text, k + 1) == '\n' && !layout.InFence(k);
        if ((kind == 0 && paragraph) || (kind == 1 && text[k] == '\n') || (kind == 2 && text[k] == ' ')) {
          size_t run_start = k;
          chosen = candidate(k, text[k] == '\n', run_start);
          k = std::max(run_start, pos + 1);  // the loop goes on below the run
        }
      }
    }
    for (size_t k = half; k > pos && !chosen; --k) {
      if (text[k - 1] == '\n' || text[k - 1] == ' ') {
        size_t run_start = k - 1;
        chosen = candidate(k - 1, text[k - 1] == '\n', run_start);
        k = std::min(k, run_start + 1);
      }
    }
    if (!chosen) {
      size_t cut = layout.HardCut(pos, limit);
      chosen = Break{cut, cut, false};
    }

    bool in_fence = layout.InFence(chosen->cut);
    std::string chunk = reopen;
    chunk += text.substr(pos, chosen->cut - pos);
    if (in_fence) chunk += chosen->at_newline ? "\n```" : "```";
    chunks.push_back(std::move(chunk));
    reopen = in_fence ? (chosen->at_newline ? "```\n" : "```") : "";
    pos = chosen->resume;
  }
  return chunks;
}

}  // namespace bridge
