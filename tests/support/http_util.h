// Helpers the fake servers share for reading HTTP requests and encoding.
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

// Standard base64 with padding (Basic auth, Slack's cursors).
std::string Base64Encode(const std::string& text);
// "" when `text` is not base64; stops at the first '='.
std::string Base64Decode(const std::string& text);

// A port nothing listens on now on 127.0.0.1, for a server that needs a
// number in its config (squid, RT); 0 if none could be had.
int FreeLoopbackPort();

}  // namespace fake
