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

std::string DecodeEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
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
    } else {
      out += text[i];
    }
  }
  return out;
}

// Renders the inside of one <…> token.
std::string RenderToken(std::string_view token, const std::map<std::string, std::string>& user_names) {
  std::string_view target = token.substr(0, token.find('|'));
  std::string_view label = token.find('|') == std::string_view::npos ? std::string_view() : token.substr(token.find('|') + 1);
  if (!target.empty() && target[0] == '@') {
    std::string id(target.substr(1));
    auto it = user_names.find(id);
    if (it != user_names.end()) return "@" + it->second;
    return label.empty() ? "@" + id : "@" + std::string(label);
  }
  if (!target.empty() && target[0] == '#') {
    return label.empty() ? std::string(target) : "#" + std::string(label);
  }
  if (!target.empty() && target[0] == '!') {
    if (target.rfind("!subteam^", 0) == 0) return label.empty() ? "@team" : std::string(label);
    if (target.rfind("!date^", 0) == 0) return label.empty() ? std::string() : std::string(label);
    return "@" + std::string(target.substr(1));
  }
  if (label.empty()) return std::string(target);
  return std::string(label) + " (" + std::string(target) + ")";
}

}  // namespace

std::string StripBotMention(std::string_view text, std::string_view bot_user_id) {
  std::string out;
  std::string plain = "<@" + std::string(bot_user_id) + ">";
  std::string named = "<@" + std::string(bot_user_id) + "|";
  size_t i = 0;
  while (i < text.size()) {
    if (!bot_user_id.empty() && text.compare(i, plain.size(), plain) == 0) {
      i += plain.size();
      continue;
    }
    if (!bot_user_id.empty() && text.compare(i, named.size(), named) == 0) {
      size_t close = text.find('>', i);
      i = close == std::string_view::npos ? text.size() : close + 1;
      continue;
    }
    out += text[i++];
  }
  // A mention at the start leaves a double space or a leading one.
  std::string collapsed;
  for (char c : out) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += c;
  }
  return Trim(collapsed);
}

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

std::string HumanizeSlackText(std::string_view text, const std::map<std::string, std::string>& user_names) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '<') {
      size_t close = text.find('>', i);
      if (close != std::string_view::npos) {
        out += RenderToken(text.substr(i + 1, close - i - 1), user_names);
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return DecodeEntities(out);
}

std::vector<std::string> MentionedUsers(std::string_view text) {
  std::vector<std::string> users;
  size_t at = 0;
  while ((at = text.find("<@", at)) != std::string_view::npos) {
    size_t end = text.find_first_of("|>", at);
    if (end == std::string_view::npos) break;
    std::string id(text.substr(at + 2, end - at - 2));
    if (!id.empty() && std::find(users.begin(), users.end(), id) == users.end()) users.push_back(id);
    at = end;
  }
  return users;
}

std::string EscapeMrkdwn(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

std::string CollapseSpaces(std::string_view text) {
  std::string collapsed;
  for (char c : text) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += c;
  }
  return Trim(collapsed);
}

}  // namespace bridge
