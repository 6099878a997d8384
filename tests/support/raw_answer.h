// An HTTP answer the fakes give verbatim instead of their own, for fault
// injection: a body of the wrong shape, a cut or huge body, a proxy's page,
// a gzip bomb.
#pragma once

#include <string>
#include <string_view>

namespace fake {

struct HttpResponse;

struct RawAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Sent gzip-compressed with Content-Encoding: gzip (what `body` holds is
  // what the client reads once it decoded it).
  bool gzip = false;
};

// The HTTP response that carries `answer`.
HttpResponse ToHttpResponse(const RawAnswer& answer);
// `data` as a gzip member (RFC 1952), best compression.
std::string Gzip(std::string_view data);

}  // namespace fake
