#include "util/http/curl_http_client.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "util/strings.h"
#include "util/tls_errors.h"

namespace util::http {
namespace {

// Where one transfer's answer goes, with the limits that keep a hostile
// server from filling the memory.
struct Sink {
  HttpResponse* response;
  size_t max_body;
  int fd = -1;  // >= 0: the body goes to this file
  size_t body_bytes = 0;
  size_t header_bytes = 0;
  bool too_large = false;
  bool write_failed = false;
};

// All of `bytes` to `fd`; false on a write error (a full disk).
bool WriteAll(int fd, const char* data, size_t bytes) {
  while (bytes > 0) {
    ssize_t n = ::write(fd, data, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    bytes -= static_cast<size_t>(n);
  }
  return true;
}

// The upload's file, read where libcurl asks (it seeks back to the start
// when it must send the body again, after a redirect or an auth rewind).
struct PartSource {
  int fd;
  long long size;
  long long offset = 0;
};

size_t ReadPart(char* buffer, size_t size, size_t count, void* user) {
  auto* source = static_cast<PartSource*>(user);
  long long left = source->size - source->offset;
  if (left <= 0) return 0;
  size_t want = std::min(size * count, static_cast<size_t>(left));
  ssize_t n;
  do {
    n = ::pread(source->fd, buffer, want, source->offset);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return CURL_READFUNC_ABORT;  // the file is shorter than said, or unreadable
  source->offset += n;
  return static_cast<size_t>(n);
}

int SeekPart(void* user, curl_off_t offset, int origin) {
  auto* source = static_cast<PartSource*>(user);
  if (origin != SEEK_SET || offset < 0 || offset > source->size) return CURL_SEEKFUNC_CANTSEEK;
  source->offset = offset;
  return CURL_SEEKFUNC_OK;
}

struct MimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};

// libcurl calls this with decoded bytes (after gzip or deflate), so the cap
// holds for a compressed bomb too. Returning less than given aborts the
// transfer (CURLE_WRITE_ERROR).
size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * count;
  if (bytes > sink->max_body - sink->body_bytes) {
    sink->too_large = true;
    return 0;
  }
  sink->body_bytes += bytes;
  if (sink->fd >= 0) {
    if (!WriteAll(sink->fd, data, bytes)) {
      sink->write_failed = true;
      return 0;
    }
    return bytes;
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

// libcurl has loaded the system store into the context by now; ca_file is
// added to it, so an internal CA extends the trust rather than replacing
// it (CURLOPT_CAINFO would replace it).
CURLcode AddCaFile(CURL*, void* ssl_ctx, void* user) {
  const auto* ca_file = static_cast<const std::string*>(user);
  X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
  return X509_STORE_load_file(store, ca_file->c_str()) == 1 ? CURLE_OK : CURLE_SSL_CACERT_BADFILE;
}

void RouteThroughEgress(CURL* h, const Egress& egress, const std::string& url) {
  const ProxyEndpoint* proxy = egress.ProxyFor(HostOfUrl(url));
  // "" turns off the environment's proxy variables: the egress decided.
  curl_easy_setopt(h, CURLOPT_PROXY, proxy != nullptr ? proxy->Url().c_str() : "");
  curl_easy_setopt(h, CURLOPT_NOPROXY, "");
  if (proxy != nullptr) {
    curl_easy_setopt(h, CURLOPT_PROXYTYPE, static_cast<long>(CURLPROXY_HTTP));
    if (!proxy->user.empty()) {
      curl_easy_setopt(h, CURLOPT_PROXYUSERNAME, proxy->user.c_str());
      curl_easy_setopt(h, CURLOPT_PROXYPASSWORD, proxy->password.c_str());
      curl_easy_setopt(h, CURLOPT_PROXYAUTH, static_cast<long>(CURLAUTH_BASIC));
    }
  }
  if (!egress.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, AddCaFile);
    curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, &egress.ca_file);
  }
}

// A CONNECT the proxy answered with anything but 200: the request itself
// never left.
bool TunnelRefused(CURL* h) {
  long connect_code = 0;
  curl_easy_getinfo(h, CURLINFO_HTTP_CONNECTCODE, &connect_code);
  return connect_code != 0 && connect_code != 200;
}

// What went wrong on the way, in words an admin can act on; "" when the
// failure was not the proxy's or the certificate's.
std::string ExplainEgressFailure(CURL* h, CURLcode code, const Egress& egress, const std::string& url) {
  const ProxyEndpoint* proxy = egress.ProxyFor(HostOfUrl(url));
  long connect_code = 0;
  curl_easy_getinfo(h, CURLINFO_HTTP_CONNECTCODE, &connect_code);
  if (proxy != nullptr && connect_code == 407) {
    return fmt::format("the proxy {} refused the credentials (407 Proxy Authentication Required); check the user "
                       "and password in {}",
                       proxy->Url(), egress.proxy_origin);
  }
  if (proxy != nullptr && connect_code != 0 && connect_code != 200) {
    return fmt::format("the proxy {} refused to connect to {} (CONNECT answered {}); ask for {} to be allowed",
                       proxy->Url(), HostOfUrl(url), connect_code, HostOfUrl(url));
  }
  if (proxy != nullptr && (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_PROXY)) {
    return fmt::format("the proxy {} (from {}) cannot be reached: {}", proxy->Url(), egress.proxy_origin,
                       curl_easy_strerror(code));
  }
  if (code == CURLE_SSL_CACERT_BADFILE) return fmt::format("ca_file {} cannot be loaded", egress.ca_file);
  if (code == CURLE_PEER_FAILED_VERIFICATION) {
    long verify = X509_V_OK;
    curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &verify);
    return ExplainCertificateRefusal(verify, HostOfUrl(url));
  }
  return "";
}

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

Status ProbeProxy(const Egress& egress, const std::string& url) {
  if (egress.ProxyFor(HostOfUrl(url)) == nullptr) return Ok();
  CURL* h = ThreadCurl();
  if (h == nullptr) return MakeError(ErrorCode::kNetwork, "curl_easy_init failed");
  // http:// to the same host and port: CONNECT_ONLY then stops after the
  // tunnel, where an https:// URL would also try TLS, which is not the
  // proxy's business (the calls after this one report certificates).
  std::string host = HostOfUrl(url);
  size_t authority = url.find("://") + 3;
  std::string host_port = url.substr(authority, url.find_first_of("/?#", authority) - authority);
  if (size_t at = host_port.rfind('@'); at != std::string::npos) host_port.erase(0, at + 1);
  if (host_port.size() == host.size() || host_port.back() == ']') {
    host_port += StartsWith(url, "https://") || StartsWith(url, "wss://") ? ":443" : ":80";
  }
  std::string tunnel_url = "http://" + host_port + "/";
  curl_easy_setopt(h, CURLOPT_URL, tunnel_url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 15000L);
  curl_easy_setopt(h, CURLOPT_HTTPPROXYTUNNEL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
  RouteThroughEgress(h, egress, url);
  CURLcode code = curl_easy_perform(h);
  if (code == CURLE_OK) return Ok();
  std::string why = ExplainEgressFailure(h, code, egress, url);
  return MakeError(ErrorCode::kNetwork, why.empty() ? curl_easy_strerror(code) : why);
}

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
  Sink sink{&response, request.max_response_bytes, request.response_fd};
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
  // Refused before reading when Content-Length already says too much; the
  // write callback holds the limit for the rest (chunked, compressed).
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_response_bytes));
  RouteThroughEgress(h, egress_, request.url);
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
  std::unique_ptr<curl_mime, MimeDeleter> mime;
  std::optional<PartSource> part_source;
  // A single file part (`upload` with a field) is a form of one file.
  std::optional<Form> single_file;
  if (!request.form && request.upload && !request.upload->field.empty()) single_file = Form{{}, {*request.upload}};
  const Form* form = request.form ? &*request.form : single_file ? &*single_file : nullptr;
  std::vector<PartSource> form_sources;  // one per file of the form; not resized once parts point into it
  if (form != nullptr) {
    mime.reset(curl_mime_init(h));
    for (const auto& [name, value] : form->fields) {
      curl_mimepart* part = curl_mime_addpart(mime.get());
      curl_mime_name(part, name.c_str());
      curl_mime_data(part, value.data(), value.size());
    }
    form_sources.reserve(form->files.size());
    for (const FilePart& file : form->files) {
      curl_mimepart* part = curl_mime_addpart(mime.get());
      curl_mime_name(part, file.field.c_str());
      curl_mime_filename(part, file.filename.c_str());
      curl_mime_type(part, file.content_type.empty() ? "application/octet-stream" : file.content_type.c_str());
      PartSource& source = form_sources.emplace_back(PartSource{file.fd, file.size});
      curl_mime_data_cb(part, static_cast<curl_off_t>(file.size), ReadPart, SeekPart, nullptr, &source);
    }
    curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
  } else if (request.upload) {
    // The raw body, read from the file as it is sent (never whole in memory).
    const FilePart& upload = *request.upload;
    part_source.emplace(PartSource{upload.fd, upload.size});
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, ReadPart);
    curl_easy_setopt(h, CURLOPT_READDATA, &*part_source);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, SeekPart);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, &*part_source);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(upload.size));
  } else if (request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  if (request.method != "GET" && request.method != "POST") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  CURLcode code = curl_easy_perform(h);
  if (sink.write_failed) {
    return MakeError(ErrorCode::kServerError, fmt::format("{} {}: the answer could not be written to its file "
                                                          "(disk full?)",
                                                          request.method, UrlForLog(request.url)));
  }
  if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    // Not a transport fault but a hostile or broken server (or proxy):
    // transient like a 5xx, and the request did reach it.
    Error error{ErrorCode::kServerError,
                fmt::format("{} {}: the answer is too large (over {} bytes of body or {} of headers); not read",
                            request.method, UrlForLog(request.url), request.max_response_bytes,
                            kMaxResponseHeaderBytes)};
    error.too_large = true;
    return tl::make_unexpected(std::move(error));
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
    std::string why = ExplainEgressFailure(h, code, egress_, request.url);
    Error error{ErrorCode::kNetwork, fmt::format("{} {}: {}", request.method, UrlForLog(request.url),
                                                 why.empty() ? curl_easy_strerror(code) : why)};
    error.not_sent = !MayHaveBeenSent(code) || TunnelRefused(h);
    return tl::make_unexpected(std::move(error));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  // A plain-http target through the proxy gets the proxy's own 407 as the
  // answer: it is not the server's, and the request never reached it.
  if (status == 407 && egress_.ProxyFor(HostOfUrl(request.url)) != nullptr) {
    Error error{ErrorCode::kNetwork,
                fmt::format("{} {}: the proxy {} refused the credentials (407 Proxy Authentication Required); "
                            "check the user and password in {}",
                            request.method, UrlForLog(request.url), egress_.ProxyFor(HostOfUrl(request.url))->Url(),
                            egress_.proxy_origin)};
    error.not_sent = true;
    return tl::make_unexpected(std::move(error));
  }
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace util::http
