// Helpers the fake servers share for reading HTTP requests.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace fake {

// Percent-decodes a URL component ('+' is a space in forms).
std::string UrlDecode(const std::string& text);
// Splits "a=1&b=2" into decoded pairs.
std::vector<std::pair<std::string, std::string>> ParseForm(const std::string& form);
// The decoded value of `name` in the query of `resource` ("/x?a=1"), or "".
std::string QueryParam(const std::string& resource, const std::string& name);

}  // namespace fake
