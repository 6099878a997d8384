#include "util/http/curl_http_client.h"

#include <cctype>
#include <memory>

#include <curl/curl.h>
#include <fmt/format.h>

namespace util::http {
namespace {

// Where one transfer's answer goes, with the limits that keep a hostile
// server from filling the memory.
struct Sink {
  HttpResponse* response;
  size_t max_body;
  size_t header_bytes = 0;
  bool too_large = false;
};

// libcurl calls this with decoded bytes (after gzip or deflate), so the cap
// holds for a compressed bomb too. Returning less than given aborts the
// transfer (CURLE_WRITE_ERROR).
size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * count;
  if (bytes > sink->max_body - sink->response->body.size()) {
    sink->too_large = true;
    return 0;
  }
  sink->response->body.append(data, bytes);
  return bytes;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * count;
  sink->header_bytes += bytes;
  if (sink->header_bytes > kMaxResponseHeaderBytes) {
    sink->too_large = true;
    return 0;
  }
  std::string line(data, bytes);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    size_t begin = value.find_first_not_of(" \t");
    size_t end = value.find_last_not_of(" \t\r\n");
    sink->response->headers[name] = begin == std::string::npos ? "" : value.substr(begin, end - begin + 1);
  }
  return bytes;
}

// One easy handle per thread, kept for the thread's life: libcurl keeps
// connections (and TLS sessions) open on a handle between transfers, so
// the workers' calls to the same host reuse them instead of connecting
// anew every time.
struct ThreadHandle {
  CURL* curl = curl_easy_init();
  ~ThreadHandle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

// This thread's handle with every option back at its default.
CURL* ThreadCurl() {
  thread_local ThreadHandle handle;
  if (handle.curl != nullptr) curl_easy_reset(handle.curl);
  return handle.curl;
}
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// Whether the request can have reached the server's application: only
// failures before the connection was made are known not to have.
bool MayHaveBeenSent(CURLcode code) {
  return !(code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_CONNECT ||
           code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_SSL_CONNECT_ERROR ||
           code == CURLE_PEER_FAILED_VERIFICATION);
}

// libcurl asks about once a second (and on every chunk): a non-zero answer
// aborts the transfer.
int AbortWhenCancelled(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const Cancellation*>(user);
  return cancel != nullptr && cancel->Cancelled() ? 1 : 0;
}

// URL without its query string: queries may carry tickets or tokens.
std::string UrlForLog(const std::string& url) { return url.substr(0, url.find('?')); }

}  // namespace

std::string HttpResponse::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

Millis ParseRetryAfter(const std::string& value, Millis fallback) {
  if (value.empty()) return fallback;
  long long seconds = 0;
  for (char c : value) {
    if (c == ' ') continue;
    if (c < '0' || c > '9') return fallback;
    seconds = seconds * 10 + (c - '0');
    if (seconds > 86400) return Millis(86400LL * 1000);
  }
  return Millis(seconds * 1000);
}

void GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  CURL* h = ThreadCurl();
  if (h == nullptr) return MakeError(ErrorCode::kNetwork, "curl_easy_init failed");
  HttpResponse response;
  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    header_list.reset(curl_slist_append(header_list.release(), line.c_str()));
  }
  // An empty Expect: stops curl from waiting a second for "100 Continue".
  header_list.reset(curl_slist_append(header_list.release(), "Expect:"));
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  Sink sink{&response, request.max_response_bytes};
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
  // Refused before reading when Content-Length already says too much; the
  // write callback holds the limit for the rest (chunked, compressed).
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_response_bytes));
  if (cancel_ != nullptr) {
    if (cancel_->Cancelled()) {
      Error error{ErrorCode::kNetwork, fmt::format("{} {}: cancelled (shutting down)", request.method, UrlForLog(request.url))};
      error.not_sent = true;
      return tl::make_unexpected(std::move(error));
    }
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, AbortWhenCancelled);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, cancel_);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  }
  if (request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  if (request.method != "GET" && request.method != "POST") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  CURLcode code = curl_easy_perform(h);
  if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    // Not a transport fault but a hostile or broken server (or proxy):
    // transient like a 5xx, and the request did reach it.
    return MakeError(ErrorCode::kServerError,
                     fmt::format("{} {}: the answer is too large (over {} bytes of body or {} of headers); "
                                 "not read",
                                 request.method, UrlForLog(request.url), request.max_response_bytes,
                                 kMaxResponseHeaderBytes));
  }
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    return MakeError(ErrorCode::kNetwork,
                     fmt::format("{} {}: cancelled (shutting down)", request.method, UrlForLog(request.url)));
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return MakeError(ErrorCode::kTimeout,
                     fmt::format("{} {}: timed out after {} ms", request.method,
                                 UrlForLog(request.url), request.timeout.count()));
  }
  if (code != CURLE_OK) {
    Error error{ErrorCode::kNetwork,
                fmt::format("{} {}: {}", request.method, UrlForLog(request.url), curl_easy_strerror(code))};
    error.not_sent = !MayHaveBeenSent(code);
    return tl::make_unexpected(std::move(error));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace util::http
