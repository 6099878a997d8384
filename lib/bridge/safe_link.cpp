#include "bridge/safe_link.h"

#include <string>

#include "bridge/markup_support.h"

namespace bridge {
namespace {

bool IsAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
using markup::AsciiLower;

bool StartsWithNoCase(std::string_view text, std::string_view prefix) { return markup::AtNoCase(text, 0, prefix); }

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The host an address leads to, lower case, without "www." and a final
// dot: "https://WWW.Good.test:8/x" and "good.test/x" give "good.test",
// "mailto:a@b.test" and "a@b.test" give "b.test".
std::string HostOf(std::string_view address) {
  size_t scheme = address.find("://");
  if (scheme != std::string_view::npos) address.remove_prefix(scheme + 3);
  if (StartsWithNoCase(address, "mailto:")) address.remove_prefix(7);
  size_t end = address.find_first_of("/?#");
  address = address.substr(0, end);
  size_t at = address.rfind('@');
  if (at != std::string_view::npos) address.remove_prefix(at + 1);
  address = address.substr(0, address.find(':'));
  std::string host;
  for (char c : address) host += AsciiLower(c);
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.compare(0, 4, "www.") == 0) host.erase(0, 4);
  return host;
}

// Endings that make "report.pdf" a file name rather than a host.
bool IsFileExtension(std::string_view ending) {
  static constexpr std::string_view kExtensions[] = {
      "txt",  "log", "pdf",  "png",  "jpg",  "jpeg", "gif",  "webp", "svg",  "csv", "json", "xml", "yaml", "yml",
      "zip",  "gz",  "tar",  "doc",  "docx", "xls",  "xlsx", "ppt",  "pptx", "md",  "html", "htm", "mp4",  "mov",
      "heic", "bmp", "tiff", "conf", "cfg",  "ini",  "sh",   "py",   "cpp",  "h",   "java", "js",  "ts",   "har"};
  std::string lower;
  for (char c : ending) lower += AsciiLower(c);
  for (std::string_view extension : kExtensions) {
    if (lower == extension) return true;
  }
  return false;
}

// "good.test", "a.b.example": dot-separated labels of letters, digits and
// hyphens, ending in letters that are not a file extension.
bool LooksLikeHost(std::string_view word) {
  size_t last_dot = word.rfind('.');
  if (last_dot == std::string_view::npos || last_dot == 0) return false;
  std::string_view ending = word.substr(last_dot + 1);
  if (ending.size() < 2 || ending.size() > 63 || IsFileExtension(ending)) return false;
  for (char c : ending) {
    if (!IsLetter(c)) return false;
  }
  char prev = '.';
  for (char c : word.substr(0, last_dot)) {
    if (c == '.' && prev == '.') return false;
    if (c != '.' && c != '-' && !IsAlnum(c)) return false;
    prev = c;
  }
  return prev != '.';
}

// A word of a label that names a place: a URL, "www.…", an e-mail address
// or a host name (a final punctuation mark aside).
bool LooksLikeAddress(std::string_view word) {
  while (!word.empty() && (word.back() == '.' || word.back() == ',' || word.back() == ')' || word.back() == ':')) {
    word.remove_suffix(1);
  }
  while (!word.empty() && (word.front() == '(' || word.front() == '"' || word.front() == '\'')) word.remove_prefix(1);
  if (word.find("://") != std::string_view::npos || StartsWithNoCase(word, "www.") ||
      StartsWithNoCase(word, "mailto:")) {
    return true;
  }
  std::string_view host = word.substr(0, word.find_first_of("/?#"));
  size_t at = host.rfind('@');
  if (at != std::string_view::npos) host.remove_prefix(at + 1);
  return LooksLikeHost(host.substr(0, host.find(':')));
}

// True when some word of `label` reads as an address on another host than
// `url`'s.
bool LabelMisleads(std::string_view label, std::string_view url) {
  std::string target_host = HostOf(url);
  size_t i = 0;
  while (i < label.size()) {
    while (i < label.size() && (label[i] == ' ' || label[i] == '\t' || label[i] == '\n')) ++i;
    size_t end = i;
    while (end < label.size() && label[end] != ' ' && label[end] != '\t' && label[end] != '\n') ++end;
    std::string_view word = label.substr(i, end - i);
    if (!word.empty() && LooksLikeAddress(word)) {
      // Trailing punctuation is no part of the host either.
      std::string host = HostOf(word);
      while (!host.empty() && !IsAlnum(host.back())) host.pop_back();
      while (!host.empty() && !IsAlnum(host.front())) host.erase(0, 1);
      if (host != target_host) return true;
    }
    i = end;
  }
  return false;
}

}  // namespace

bool HasSafeScheme(std::string_view url) {
  url = Trimmed(url);
  return StartsWithNoCase(url, "http://") || StartsWithNoCase(url, "https://") || StartsWithNoCase(url, "ftp://") ||
         StartsWithNoCase(url, "mailto:");
}

LinkShape ShapeOfLink(std::string_view url, std::string_view label) {
  if (!HasSafeScheme(url)) return LinkShape::kText;
  label = Trimmed(label);
  if (label.empty() || label == Trimmed(url)) return LinkShape::kLink;
  return LabelMisleads(label, Trimmed(url)) ? LinkShape::kLabelAndUrl : LinkShape::kLink;
}

}  // namespace bridge
