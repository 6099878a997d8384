#include "http_util.h"

#include <cstdlib>

namespace fake {

std::string UrlDecode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::strtol(text.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseForm(const std::string& form) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start < form.size()) {
    size_t end = form.find('&', start);
    if (end == std::string::npos) end = form.size();
    std::string item = form.substr(start, end - start);
    size_t eq = item.find('=');
    if (!item.empty()) {
      pairs.emplace_back(UrlDecode(item.substr(0, eq)),
                         eq == std::string::npos ? "" : UrlDecode(item.substr(eq + 1)));
    }
    start = end + 1;
  }
  return pairs;
}

std::string QueryParam(const std::string& resource, const std::string& name) {
  size_t query = resource.find('?');
  if (query == std::string::npos) return {};
  for (const auto& [key, value] : ParseForm(resource.substr(query + 1))) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace fake
