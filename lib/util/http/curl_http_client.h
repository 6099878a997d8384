// HttpClient over libcurl (the only file that includes <curl/curl.h>).
// TLS verifies the peer certificate and host name against the system CA
// store. curl_global_init must have run once, in main, before any thread.
#pragma once

#include "util/http/http_client.h"

namespace util::http {

class CurlHttpClient : public HttpClient {
 public:
  CurlHttpClient() = default;
  Result<HttpResponse> Send(const HttpRequest& request) override;
};

// Call once at process start, before threads exist (libcurl's rule).
void GlobalInit();

}  // namespace util::http
