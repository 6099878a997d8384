// HttpClient over libcurl (the only file that includes <curl/curl.h>).
// TLS verifies the peer certificate and host name against the system CA
// store. curl_global_init must have run once, in main, before any thread.
#pragma once

#include "util/cancellation.h"
#include "util/http/http_client.h"

namespace util::http {

class CurlHttpClient : public HttpClient {
 public:
  // With `cancel`, transfers under way abort once it is cancelled (the
  // request then fails with kNetwork "cancelled"). `cancel` must outlive
  // this object.
  explicit CurlHttpClient(const Cancellation* cancel = nullptr) : cancel_(cancel) {}
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  const Cancellation* cancel_;
};

// Call once at process start, before threads exist (libcurl's rule).
void GlobalInit();

}  // namespace util::http
