#include "util/egress.h"

#include <algorithm>
#include <charconv>

#include "util/strings.h"

namespace util {
namespace {

Error ProxyError(std::string_view problem) {
  return Error{ErrorCode::kConfig, std::string(problem) +
                                       " (expected http://[user:password@]host:port, e.g. "
                                       "http://proxy.example.com:3128; the value is not shown)"};
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoding, as curl applies to a proxy URL's user and password (so a
// password with '@' or ':' can be written %40, %3A).
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = HexValue(text[i + 1]);
    int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

}  // namespace

std::string ProxyEndpoint::Url() const { return "http://" + host + ":" + std::to_string(port); }

Result<ProxyEndpoint> ParseProxyUrl(std::string_view text, bool scheme_optional) {
  std::string_view rest = text;
  if (StartsWith(Lower(text.substr(0, 8)), "https://")) {
    return tl::make_unexpected(ProxyError("an https:// proxy is not supported: use its http:// port"));
  }
  if (StartsWith(Lower(text.substr(0, 7)), "http://")) {
    rest.remove_prefix(7);
  } else if (!scheme_optional || rest.find("://") != std::string_view::npos) {
    return tl::make_unexpected(ProxyError("must start with http://"));
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#") != std::string_view::npos) {
    return tl::make_unexpected(ProxyError("must not have a path"));
  }
  ProxyEndpoint proxy;
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    size_t colon = userinfo.find(':');
    auto user = PercentDecode(userinfo.substr(0, colon));
    auto password = PercentDecode(colon == std::string_view::npos ? std::string_view() : userinfo.substr(colon + 1));
    if (!user || !password || user->empty()) {
      return tl::make_unexpected(ProxyError("has credentials that are not user:password (write % as %25)"));
    }
    // They go into a Proxy-Authorization header line.
    auto breaks_header = [](const std::string& s) {
      return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    };
    if (breaks_header(*user) || breaks_header(*password)) {
      return tl::make_unexpected(ProxyError("has control characters in its credentials"));
    }
    proxy.user = std::move(*user);
    proxy.password = std::move(*password);
  }
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || (rest.front() == '[' && rest.rfind(']') > colon)) {
    return tl::make_unexpected(ProxyError("needs a port"));
  }
  std::string_view host = rest.substr(0, colon);
  std::string_view port_text = rest.substr(colon + 1);
  bool bracketed = host.size() > 2 && host.front() == '[' && host.back() == ']';
  std::string_view bare = bracketed ? host.substr(1, host.size() - 2) : host;
  bool host_ok = !bare.empty() && std::all_of(bare.begin(), bare.end(),
                                              [bracketed](char c) { return IsHostChar(c) || (bracketed && c == ':'); });
  if (!host_ok) return tl::make_unexpected(ProxyError("has no valid host"));
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
      port > 65535) {
    return tl::make_unexpected(ProxyError("needs a port from 1 to 65535"));
  }
  proxy.host = Lower(host);
  proxy.port = static_cast<unsigned short>(port);
  return proxy;
}

std::string HostOfUrl(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') return Lower(rest.substr(0, rest.find(']') + 1));
  return Lower(rest.substr(0, rest.find(':')));
}

std::vector<std::string> ParseNoProxy(std::string_view text) {
  std::vector<std::string> entries;
  std::string item;
  auto flush = [&] {
    std::string_view entry = item;
    while (!entry.empty() && entry.front() == '.') entry.remove_prefix(1);
    if (!entry.empty()) entries.push_back(Lower(entry));
    item.clear();
  };
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t') {
      flush();
    } else {
      item += c;
    }
  }
  flush();
  return entries;
}

const ProxyEndpoint* Egress::ProxyFor(std::string_view host) const {
  if (!proxy) return nullptr;
  std::string name = Lower(host);
  for (const std::string& entry : no_proxy) {
    if (entry == "*" || name == entry) return nullptr;
    if (name.size() > entry.size() && EndsWith(name, entry) && name[name.size() - entry.size() - 1] == '.') {
      return nullptr;
    }
  }
  return &*proxy;
}

}  // namespace util
