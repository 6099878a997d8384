// HTTP as values: an HttpRequest goes in, an HttpResponse comes out. The
// interface exists so the Web API and helpdesk clients can be driven by the
// real libcurl client against loopback fakes, or by anything else.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/clock.h"
#include "util/error.h"

namespace util::http {

// The most a response body may hold once decoded (gzip, deflate): the
// largest answers read (a page of 200 Slack messages, 100 Jira comments of
// 32,000 characters) stay well below it, and a decompression bomb stops at it.
inline constexpr size_t kDefaultMaxResponseBytes = 16 * 1024 * 1024;
// The most the response's header lines may hold together.
inline constexpr size_t kMaxResponseHeaderBytes = 256 * 1024;

// A file sent as a request's body without holding it in memory: a
// multipart/form-data body of one part named `field`, with `filename`,
// whose bytes are the first `size` of the open file `fd`, read as they are
// sent. `field` empty: the bytes are the whole body (raw; any Content-Type
// goes in the request's headers), as Slack's upload_url takes them.
struct FilePart {
  std::string field = "file";
  std::string filename;
  std::string content_type;  // "" : application/octet-stream
  int fd = -1;
  long long size = 0;
};

// A multipart/form-data body of text fields, then files (each read from
// its file as it is sent), as RT's correspond takes a message with its
// attachments: {"JSON", "{...}"} and files named "Attachments".
struct Form {
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<FilePart> files;  // each with its own `field`
};

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Millis timeout{30000};  // whole request
  size_t max_response_bytes = kDefaultMaxResponseBytes;  // decoded body
  // Set: the body is this file part (POST), `body` is not sent.
  std::optional<FilePart> upload{};
  // Set: the body is this form (POST); neither `body` nor `upload` is sent.
  std::optional<Form> form{};
  // >= 0: the answer's body is written to this open file (at its offset)
  // instead of HttpResponse::body, so a large download never sits in
  // memory; max_response_bytes still caps it.
  int response_fd = -1;
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
  // message says whether the request may have reached the peer), kTimeout,
  // or kServerError for an answer too large (body past
  // max_response_bytes, or headers past kMaxResponseHeaderBytes), which is
  // abandoned as it arrives. Thread-safe: may be called from several
  // threads at once.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// Parses a Retry-After value in seconds ("3"); `fallback` when absent or
// not a number (HTTP dates are not used by Slack or Jira).
Millis ParseRetryAfter(const std::string& value, Millis fallback);

}  // namespace util::http
