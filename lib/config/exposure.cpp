#include "config/exposure.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/config_keys.h"
#include "util/strings.h"

namespace config {

std::string UrlHost(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  size_t at = rest.rfind('@');
  if (at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') return std::string(rest.substr(1, rest.find(']') - 1));
  return std::string(rest.substr(0, rest.find(':')));
}

bool IsLoopbackHost(std::string_view host) {
  std::string lower = util::Lower(host);
  return lower == "localhost" || lower == "::1" || util::StartsWith(lower, "127.");
}

std::vector<std::string> PlainHttpWarnings(const Config& config) {
  struct Url {
    const char* key;
    const std::string* value;
    const char* carries;
  };
  const Url urls[] = {
      {"slack_api_url", &config.slack_api_url, "the Slack tokens"},
      {"jira_url", &config.jira_url, "the Jira credentials"},
      {"rt_url", &config.rt_url, "the RT token"},
  };
  std::vector<std::string> warnings;
  for (const Url& url : urls) {
    if (!util::StartsWith(util::Lower(*url.value), "http://")) continue;
    std::string host = UrlHost(*url.value);
    if (IsLoopbackHost(host)) continue;
    warnings.push_back(fmt::format("{} is plain http to {}: {} cross the network unencrypted; use https://",
                                   url.key, host, url.carries));
  }
  return warnings;
}

std::vector<std::string> SecretKeysIn(std::string_view text) {
  std::vector<std::string> keys;
  auto entries = ParseConfigText(text, "config");
  if (!entries) return keys;
  for (const Entry& entry : *entries) {
    if (entry.value.empty()) continue;
    for (const internal::KeySpec& spec : internal::Keys()) {
      if (spec.secret && spec.name == entry.key) keys.push_back(entry.key);
    }
  }
  return keys;
}

std::optional<std::string> ConfigFileModeWarning(const std::string& path, unsigned mode, std::string_view text) {
  bool others_read = (mode & S_IROTH) != 0;
  bool others_change = (mode & (S_IWOTH | S_IWGRP)) != 0;
  if (!others_read && !others_change) return std::nullopt;
  std::vector<std::string> secrets = SecretKeysIn(text);
  if (secrets.empty()) return std::nullopt;
  return fmt::format("{} holds secrets ({}) and is mode {:04o}: {}; chmod 0640 (or 0600) it, or move the secrets "
                     "to *_file", path, fmt::join(secrets, ", "), mode & 07777u,
                     others_read ? "every user of this machine can read them" : "others than its owner can change it");
}

std::optional<std::string> ConfigFileWarning(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return std::nullopt;
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream content;
  content << file.rdbuf();
  return ConfigFileModeWarning(path, static_cast<unsigned>(info.st_mode), content.str());
}

}  // namespace config
