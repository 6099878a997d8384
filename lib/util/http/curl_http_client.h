// HttpClient over libcurl (the only file that includes <curl/curl.h>).
// TLS verifies the peer certificate and host name against the system CA
// store plus the egress' ca_file. Every transfer goes the egress' way: its
// proxy (CONNECT for https; the proxy resolves the target's name) or
// direct; the environment's proxy variables are never read here, so the
// config alone decides. curl_global_init must have run once, in main,
// before any thread.
#pragma once

#include <utility>

#include "util/cancellation.h"
#include "util/egress.h"
#include "util/http/http_client.h"

namespace util::http {

class CurlHttpClient : public HttpClient {
 public:
  // With `cancel`, transfers under way abort once it is cancelled (the
  // request then fails with kNetwork "cancelled"). `cancel` must outlive
  // this object.
  explicit CurlHttpClient(const Cancellation* cancel = nullptr, Egress egress = {})
      : cancel_(cancel), egress_(std::move(egress)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  const Cancellation* cancel_;
  const Egress egress_;
};

// Opens a tunnel to the host and port of `url` through the egress' proxy
// (HTTP CONNECT, no request inside), to tell whether the proxy is reachable
// and takes the credentials. Fails with the reason in an admin's words;
// succeeds at once when `url`'s host goes direct.
Status ProbeProxy(const Egress& egress, const std::string& url);

// Call once at process start, before threads exist (libcurl's rule).
void GlobalInit();

}  // namespace util::http
