// HTTP/1.1 as the fakes' server reads and writes it on a connection kept
// alive (RFC 9112): a request's head, then its body by Content-Length or in
// chunks; an answer with its length. Pure: bytes in, a request (or "more
// bytes needed", or why not) out. The I/O is in loopback_http_server.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fake {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A plain HTTP request as the handler sees it.
struct HttpRequest {
  std::string method;    // "GET"
  std::string resource;  // path with query, as sent: "/api/chat.postMessage?x=1"
  std::string body;
  Headers headers;  // in order; a repeated header's values joined with ", "

  // The value of the header `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
  // The path without its query.
  std::string Path() const { return resource.substr(0, resource.find('?')); }
};

// The answer: `content_type` (left out when empty) goes first, then
// `headers` in order.
struct HttpResponse {
  int status = 200;
  std::string content_type;
  Headers headers;
  std::string body;
};

namespace wire {

// What the bytes at the front of a connection's input hold.
struct Taken {
  enum class Kind { kRequest, kNeedMore, kBad };
  Kind kind = Kind::kNeedMore;
  HttpRequest request;  // kRequest
  size_t consumed = 0;  // kRequest: how many bytes of the input it used
  bool keep_alive = true;  // kRequest: whether the client keeps the connection
  // kNeedMore: the head is in and asks for "100 Continue" before its body.
  bool expects_continue = false;
  int status = 0;  // kBad: the status to answer with before closing
};

// The request line and headers of `head` (without the blank line), or
// nothing when they are not HTTP/1.x.
std::optional<HttpRequest> ParseHead(std::string_view head, bool* http10 = nullptr);
// Takes the first whole request from `in`. A head over 64 KiB is a 431, a
// body over `max_body` a 413, a malformed length or chunk a 400.
Taken TakeRequest(std::string_view in, size_t max_body);
// Whether `request` asks to become a WebSocket (Upgrade: websocket).
bool IsWebSocketHandshake(const HttpRequest& request);
// The bytes of `response`, with its Content-Length; `close` adds
// "Connection: close". No body for HEAD, 1xx, 204 and 304.
std::string Serialize(const HttpResponse& response, std::string_view method, bool close);

}  // namespace wire
}  // namespace fake
