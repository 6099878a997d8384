// HTTP as values: an HttpRequest goes in, an HttpResponse comes out. The
// interface exists so the Web API and helpdesk clients can be driven by the
// real libcurl client against loopback fakes, or by anything else.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/clock.h"
#include "util/error.h"

namespace util::http {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Millis timeout{30000};  // whole request
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The header's value, or "" when absent. `name` must be lower case.
  std::string Header(const std::string& name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Performs the request. Any HTTP status is a success at this level; a
  // failure is a transport problem: kNetwork (connect, TLS, reset; the
  // message says whether the request may have reached the peer) or
  // kTimeout. Thread-safe: may be called from several threads at once.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// Parses a Retry-After value in seconds ("3"); `fallback` when absent or
// not a number (HTTP dates are not used by Slack or Jira).
Millis ParseRetryAfter(const std::string& value, Millis fallback);

}  // namespace util::http
