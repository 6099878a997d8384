#include "inert_markup.h"

#include <algorithm>
#include <cctype>

#include <rapidjson/document.h>

#include "helpdesk/jira/wiki.h"
#include "slack/mrkdwn.h"

namespace testing {
namespace {

bool StartsWithNoCase(std::string_view text, size_t i, std::string_view prefix) {
  if (i + prefix.size() > text.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(text[i + k])) != std::tolower(static_cast<unsigned char>(prefix[k]))) {
      return false;
    }
  }
  return true;
}

bool SafeScheme(std::string_view url) {
  return StartsWithNoCase(url, 0, "http://") || StartsWithNoCase(url, 0, "https://") ||
         StartsWithNoCase(url, 0, "ftp://") || StartsWithNoCase(url, 0, "mailto:");
}

// The host of "https://a.test/x", "www.a.test", "a@b.test", lower case.
std::string Host(std::string_view address) {
  size_t scheme = address.find("://");
  if (scheme != std::string_view::npos) address.remove_prefix(scheme + 3);
  if (StartsWithNoCase(address, 0, "mailto:")) address.remove_prefix(7);
  address = address.substr(0, address.find_first_of("/?#: "));
  size_t at = address.rfind('@');
  if (at != std::string_view::npos) address.remove_prefix(at + 1);
  std::string host;
  for (char c : address) host += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host.rfind("www.", 0) == 0) host.erase(0, 4);
  return host;
}

// A label that names a URL or a "www." host somewhere else than `target`.
std::string MisleadingLabel(std::string_view label, std::string_view target) {
  for (std::string_view marker : {"://", "www.", "@"}) {
    size_t at = label.find(marker);
    if (at == std::string_view::npos) continue;
    size_t begin = label.rfind(' ', at);
    begin = begin == std::string_view::npos ? 0 : begin + 1;
    std::string host = Host(label.substr(begin));
    if (!host.empty() && host != Host(target))
      return "a link to " + std::string(target) + " labelled " + std::string(label);
  }
  return "";
}

std::string DecodeEntities(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 5, "&amp;") == 0) {
      out += '&';
      i += 4;
    } else if (text.compare(i, 4, "&lt;") == 0) {
      out += '<';
      i += 3;
    } else if (text.compare(i, 4, "&gt;") == 0) {
      out += '>';
      i += 3;
    } else
      out += text[i];
  }
  return out;
}

std::string CheckMrkdwnTexts(const rapidjson::Value& value) {
  if (value.IsObject()) {
    auto type = value.FindMember("type");
    auto text = value.FindMember("text");
    if (type != value.MemberEnd() && type->value.IsString() && std::string(type->value.GetString()) == "mrkdwn" &&
        text != value.MemberEnd() && text->value.IsString()) {
      std::string live = LiveSlackMarkup(std::string_view(text->value.GetString(), text->value.GetStringLength()));
      if (!live.empty()) return live;
    }
    for (const auto& member : value.GetObject()) {
      std::string live = CheckMrkdwnTexts(member.value);
      if (!live.empty()) return live;
    }
  } else if (value.IsArray()) {
    for (const auto& item : value.GetArray()) {
      std::string live = CheckMrkdwnTexts(item);
      if (!live.empty()) return live;
    }
  }
  return "";
}

bool IsAsciiAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

constexpr std::string_view kEmoticons[] = {":)",   ":-)",  ":(",   ":-(",  ":P",     ":-P",      ":p",    ":-p",
                                           ":D",   ":-D",  ";)",   ";-)",  "(y)",    "(n)",      "(i)",   "(/)",
                                           "(x)",  "(!)",  "(+)",  "(-)",  "(?)",    "(on)",     "(off)", "(*)",
                                           "(*r)", "(*g)", "(*b)", "(*y)", "(flag)", "(flagoff)"};

// The block markup Cloud finds at the start of a line (after white space).
std::string LeadingMarkup(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  std::string_view rest = line.substr(i);
  if (StartsWithNoCase(rest, 0, "bq.")) return "a quote line: " + std::string(line);
  if (rest.size() >= 3 && (rest[0] == 'h' || rest[0] == 'H') && rest[1] >= '1' && rest[1] <= '6' && rest[2] == '.') {
    return "a heading: " + std::string(line);
  }
  if (!rest.empty() && (rest[0] == '|')) return "a table row: " + std::string(line);
  size_t markers = 0;
  while (markers < rest.size() && (rest[markers] == '*' || rest[markers] == '#' || rest[markers] == '-')) ++markers;
  if (markers > 0 && (markers == rest.size() || rest[markers] == ' ' || rest[markers] == '\t' || markers >= 2)) {
    return "a list, rule or dash: " + std::string(line);
  }
  return "";
}

// A phrase marker `c` at `i` that opens (Cloud: not after an ASCII letter
// or digit, not before a space) and a closer for it later on the line
// (not after a space, not before a letter or digit).
bool OpensPhrase(std::string_view line, size_t i, std::string_view marker) {
  if (i > 0 && IsAsciiAlnum(line[i - 1])) return false;
  size_t after = i + marker.size();
  if (after >= line.size() || line[after] == ' ') return false;
  for (size_t k = after + 1; k + marker.size() <= line.size(); ++k) {
    if (line.compare(k, marker.size(), marker) != 0 || line[k - 1] == ' ') continue;
    size_t end = k + marker.size();
    if (end < line.size() && IsAsciiAlnum(line[end])) continue;
    return true;
  }
  return false;
}

}  // namespace

std::string LiveSlackMarkup(std::string_view mrkdwn) {
  for (size_t i = mrkdwn.find('<'); i != std::string_view::npos; i = mrkdwn.find('<', i + 1)) {
    size_t close = mrkdwn.find('>', i);
    if (close == std::string_view::npos) break;
    std::string_view token = mrkdwn.substr(i + 1, close - i - 1);
    if (!token.empty() && (token[0] == '!' || token[0] == '@' || token[0] == '#')) {
      return "a live token <" + std::string(token) + ">";
    }
    std::string_view target = token.substr(0, token.find('|'));
    if (!SafeScheme(target)) return "a link to a non-URL <" + std::string(token) + ">";
    if (token.find('|') != std::string_view::npos) {
      std::string misleading = MisleadingLabel(DecodeEntities(token.substr(token.find('|') + 1)), target);
      if (!misleading.empty()) return misleading;
    }
  }
  for (const auto& block : slack::ParseMrkdwn(mrkdwn).blocks) {
    for (const auto& span : block.inlines) {
      if (span.kind == bridge::Inline::Kind::kBroadcast || span.kind == bridge::Inline::Kind::kUserMention ||
          span.kind == bridge::Inline::Kind::kChannel) {
        return "a broadcast, mention or channel: " + span.target;
      }
    }
  }
  return "";
}

std::string LiveSlackMarkupInBody(std::string_view body_json) {
  rapidjson::Document body;
  body.Parse(body_json.data(), body_json.size());
  if (!body.IsObject()) return "not a JSON object";
  auto text = body.FindMember("text");
  if (text != body.MemberEnd() && text->value.IsString()) {
    std::string live = LiveSlackMarkup(std::string_view(text->value.GetString(), text->value.GetStringLength()));
    if (!live.empty()) return "text: " + live;
  }
  auto blocks = body.FindMember("blocks");
  if (blocks != body.MemberEnd()) {
    std::string live = CheckMrkdwnTexts(blocks->value);
    if (!live.empty()) return "blocks: " + live;
  }
  return "";
}

std::string LiveWikiMarkup(std::string_view wiki, bool verbatim_allowed) {
  auto end_of_line = [&](size_t from) {
    size_t end = wiki.find('\n', from);
    return end == std::string_view::npos ? wiki.size() : end;
  };
  size_t line_start = 0;
  size_t line_end = end_of_line(0);
  bool at_line_start = true;
  for (size_t i = 0; i < wiki.size();) {
    if (i >= line_end) {
      i = line_end + 1;
      line_start = i;
      line_end = end_of_line(i);
      at_line_start = true;
      continue;
    }
    std::string_view line = wiki.substr(line_start, line_end - line_start);
    size_t in_line = i - line_start;
    if (at_line_start) {
      std::string live = LeadingMarkup(line);
      if (!live.empty()) return live;
      at_line_start = false;
    }
    char c = wiki[i];
    if (c == '\\') {
      if (i + 1 < line_end && wiki[i + 1] == '\\') return "a forced line break at " + std::string(line);
      i += i + 1 < line_end ? 2 : 1;  // Cloud takes the next character as it is
      continue;
    }
    if (c == '{') {
      bool code = StartsWithNoCase(wiki, i, "{code");
      bool noformat = StartsWithNoCase(wiki, i, "{noformat");
      if (!verbatim_allowed || (!code && !noformat)) return "a macro or brace at " + std::string(line);
      size_t open_end = wiki.find('}', i);
      if (open_end == std::string_view::npos) return "an unclosed macro";
      std::string name(wiki.substr(i + 1, code ? 4 : 8));
      std::string closer = "{" + name + "}";
      size_t close = wiki.find(closer, open_end + 1);
      if (close == std::string_view::npos) return "a verbatim block that never ends";
      std::string_view inside = wiki.substr(open_end + 1, close - open_end - 1);
      if (!inside.empty() && inside.back() == '\\') return "a verbatim block whose closer a reader may take as escaped";
      for (size_t k = inside.find('{'); k != std::string_view::npos; k = inside.find('{', k + 1)) {
        if (StartsWithNoCase(inside, k, "{" + name)) return "a verbatim block with its own opener inside";
      }
      i = close + closer.size();
      line_start = wiki.rfind('\n', i - 1) == std::string_view::npos ? 0 : wiki.rfind('\n', i - 1) + 1;
      line_end = end_of_line(i);
      continue;
    }
    if (c == '[') return "a link or mention at " + std::string(line);
    if (c == '|') return "a table or link bar at " + std::string(line);
    if (c == '!' && in_line + 1 < line.size() && line[in_line + 1] != ' ') return "an image at " + std::string(line);
    if (c == ':' || c == ';' || c == '(') {
      for (std::string_view emoticon : kEmoticons) {
        bool match = emoticon[0] == '(' ? StartsWithNoCase(line, in_line, emoticon)
                                        : line.compare(in_line, emoticon.size(), emoticon) == 0;
        if (match) return "an emoticon " + std::string(emoticon);
      }
    }
    if (std::string_view("*_-+^~").find(c) != std::string_view::npos &&
        OpensPhrase(line, in_line, std::string_view(&c, 1))) {
      return std::string("a phrase with ") + c + " at " + std::string(line);
    }
    if (c == '?' && line.compare(in_line, 2, "??") == 0 && OpensPhrase(line, in_line, "??")) {
      return "a citation at " + std::string(line);
    }
    ++i;
  }
  return "";
}

std::string LiveWikiStructure(std::string_view wiki) {
  // Macros the project's reader drops or keeps as text, and mentions, found
  // unescaped in the markup itself.
  for (size_t i = 0; i < wiki.size(); ++i) {
    if (i > 0 && wiki[i - 1] == '\\') continue;
    bool code = StartsWithNoCase(wiki, i, "{code");
    if (code || StartsWithNoCase(wiki, i, "{noformat")) {
      // Verbatim: nothing inside is read (LiveWikiMarkup checks its ends).
      std::string closer = "{" + std::string(wiki.substr(i + 1, code ? 4 : 8)) + "}";
      size_t close = wiki.find(closer, wiki.find('}', i) + 1);
      if (close != std::string_view::npos) i = close + closer.size() - 1;
      continue;
    }
    if (wiki.compare(i, 2, "[~") == 0) return "a mention in " + std::string(wiki.substr(i, 40));
    for (std::string_view macro : {"{color", "{panel", "{quote", "{anchor", "{adf", "{loremipsum"}) {
      if (StartsWithNoCase(wiki, i, macro)) return "a macro in " + std::string(wiki.substr(i, 40));
    }
  }
  bridge::RichText parsed = helpdesk::jira::ParseWiki(wiki);
  auto check = [](const std::vector<bridge::Inline>& inlines) -> std::string {
    for (const auto& span : inlines) {
      if (span.kind == bridge::Inline::Kind::kUserMention) return "a mention of " + span.target;
      if (span.kind == bridge::Inline::Kind::kLink) {
        if (!SafeScheme(span.target)) return "a link to " + span.target;
        std::string misleading = MisleadingLabel(span.text, span.target);
        if (!misleading.empty()) return misleading;
      }
      if (span.kind == bridge::Inline::Kind::kText &&
          (span.text.find("[image: ") != std::string::npos || span.text.find("[attachment: ") != std::string::npos)) {
        return "an image or attachment: " + span.text;
      }
    }
    return "";
  };
  for (const auto& block : parsed.blocks) {
    std::string live = check(block.inlines);
    for (const auto& cell : block.cells) {
      if (live.empty()) live = check(cell);
    }
    if (!live.empty()) return live;
  }
  return "";
}

std::string WithoutZeroWidthSpaces(std::string text) {
  const std::string zwsp = "\xE2\x80\x8B";
  for (size_t at = text.find(zwsp); at != std::string::npos; at = text.find(zwsp, at)) text.erase(at, zwsp.size());
  return text;
}

}  // namespace testing
