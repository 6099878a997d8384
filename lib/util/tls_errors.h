// A refused TLS certificate in an admin's words, for both clients that
// verify one (libcurl and the WebSocket): what went wrong and the fix.
#pragma once

#include <string>

namespace util {

// `x509_error` is OpenSSL's verify result (X509_V_ERR_…); `host` the name
// connected to. X509_V_OK is read as a refused host name: the chain was
// fine, so the name check refused it.
std::string ExplainCertificateRefusal(long x509_error, const std::string& host);

}  // namespace util
