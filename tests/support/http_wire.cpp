#include "http_wire.h"

#include <fmt/format.h>
#include <websocketpp/http/constants.hpp>

#include "util/strings.h"

namespace fake {

std::string HttpRequest::Header(std::string_view name) const {
  std::string wanted = util::Lower(name);
  for (const auto& [key, value] : headers) {
    if (util::Lower(key) == wanted) return value;
  }
  return {};
}

namespace wire {
namespace {

constexpr size_t kMaxHead = 64 * 1024;
// A chunk-size line longer than this is not one (hex digits and extensions).
constexpr size_t kMaxChunkLine = 1024;

bool HasToken(std::string_view list, std::string_view token) {
  return util::Lower(list).find(util::Lower(token)) != std::string::npos;
}

Taken Bad(int status) {
  Taken taken;
  taken.kind = Taken::Kind::kBad;
  taken.status = status;
  return taken;
}

std::optional<size_t> ParseLength(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  return value;
}

std::optional<size_t> ParseChunkSize(std::string_view line) {
  line = util::TrimView(line.substr(0, line.find(';')));
  if (line.empty() || line.size() > 15) return std::nullopt;
  size_t value = 0;
  for (char c : line) {
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<size_t>(digit);
  }
  return value;
}

// A chunked body from `pos`: its end (after the trailers) and, when `body`
// is given, its bytes. Walks the chunk lines only, so looking again after
// each read costs little even for a large body.
Taken Dechunk(std::string_view in, size_t pos, size_t max_body, std::string* body, size_t* end) {
  size_t total = 0;
  for (;;) {
    size_t eol = in.find("\r\n", pos);
    if (eol == std::string_view::npos) return in.size() - pos > kMaxChunkLine ? Bad(400) : Taken{};
    std::optional<size_t> size = ParseChunkSize(in.substr(pos, eol - pos));
    if (!size) return Bad(400);
    pos = eol + 2;
    if (*size == 0) break;
    if (*size > max_body - total) return Bad(413);
    if (in.size() < pos + *size + 2) return Taken{};
    if (in.substr(pos + *size, 2) != "\r\n") return Bad(400);
    if (body) body->append(in.substr(pos, *size));
    total += *size;
    pos += *size + 2;
  }
  for (;;) {  // trailer fields, then the blank line
    size_t eol = in.find("\r\n", pos);
    if (eol == std::string_view::npos) return in.size() - pos > kMaxHead ? Bad(431) : Taken{};
    bool blank = eol == pos;
    pos = eol + 2;
    if (blank) break;
  }
  *end = pos;
  Taken done;
  done.kind = Taken::Kind::kRequest;
  return done;
}

}  // namespace

std::optional<HttpRequest> ParseHead(std::string_view head, bool* http10) {
  size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  size_t first = line.find(' ');
  size_t last = line.rfind(' ');
  if (first == std::string_view::npos || last == first) return std::nullopt;
  std::string_view version = line.substr(last + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return std::nullopt;
  if (http10) *http10 = version == "HTTP/1.0";
  HttpRequest request;
  request.method = std::string(line.substr(0, first));
  request.resource = std::string(line.substr(first + 1, last - first - 1));
  if (request.method.empty() || request.resource.empty()) return std::nullopt;
  while (eol != std::string_view::npos) {
    size_t start = eol + 2;
    eol = head.find("\r\n", start);
    std::string_view field = head.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
    if (field.empty()) continue;
    size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    std::string name(field.substr(0, colon));
    std::string value(util::TrimView(field.substr(colon + 1)));
    bool joined = false;
    for (auto& [key, existing] : request.headers) {
      if (util::Lower(key) == util::Lower(name)) {
        existing += ", " + value;
        joined = true;
        break;
      }
    }
    if (!joined) request.headers.emplace_back(std::move(name), std::move(value));
  }
  return request;
}

Taken TakeRequest(std::string_view in, size_t max_body) {
  size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return in.size() > kMaxHead ? Bad(431) : Taken{};
  if (head_end > kMaxHead) return Bad(431);
  bool http10 = false;
  std::optional<HttpRequest> request = ParseHead(in.substr(0, head_end), &http10);
  if (!request) return Bad(400);
  size_t body_start = head_end + 4;
  bool keep_alive = http10 ? HasToken(request->Header("Connection"), "keep-alive")
                           : !HasToken(request->Header("Connection"), "close");

  Taken taken;
  std::string encoding = request->Header("Transfer-Encoding");
  std::string length_text = request->Header("Content-Length");
  size_t end = body_start;
  if (!encoding.empty()) {
    if (util::Lower(util::TrimView(encoding)) != "chunked") return Bad(501);
    taken = Dechunk(in, body_start, max_body, nullptr, &end);
    if (taken.kind == Taken::Kind::kRequest) Dechunk(in, body_start, max_body, &request->body, &end);
  } else if (!length_text.empty()) {
    std::optional<size_t> length = ParseLength(util::TrimView(length_text));
    if (!length) return Bad(400);
    if (*length > max_body) return Bad(413);
    if (in.size() - body_start < *length) {
      taken.kind = Taken::Kind::kNeedMore;
    } else {
      request->body = std::string(in.substr(body_start, *length));
      end = body_start + *length;
      taken.kind = Taken::Kind::kRequest;
    }
  } else {
    taken.kind = Taken::Kind::kRequest;
  }
  if (taken.kind == Taken::Kind::kNeedMore) {
    taken.expects_continue = HasToken(request->Header("Expect"), "100-continue");
    return taken;
  }
  if (taken.kind == Taken::Kind::kBad) return taken;
  taken.request = std::move(*request);
  taken.consumed = end;
  taken.keep_alive = keep_alive;
  return taken;
}

bool IsWebSocketHandshake(const HttpRequest& request) {
  return HasToken(request.Header("Upgrade"), "websocket");
}

std::string Serialize(const HttpResponse& response, std::string_view method, bool close) {
  auto status = static_cast<websocketpp::http::status_code::value>(response.status);
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", response.status, websocketpp::http::status_code::get_string(status));
  if (!response.content_type.empty()) out += fmt::format("Content-Type: {}\r\n", response.content_type);
  for (const auto& [name, value] : response.headers) out += fmt::format("{}: {}\r\n", name, value);
  bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  if (!bodiless) out += fmt::format("Content-Length: {}\r\n", response.body.size());
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  if (!bodiless && method != "HEAD") out += response.body;
  return out;
}

}  // namespace wire
}  // namespace fake
