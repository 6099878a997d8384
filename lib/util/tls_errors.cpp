#include "util/tls_errors.h"

#include <openssl/x509_vfy.h>

namespace util {

std::string ExplainCertificateRefusal(long x509_error, const std::string& host) {
  std::string what = X509_verify_cert_error_string(x509_error);
  switch (x509_error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return "the TLS certificate of " + host + " is signed by an unknown CA (" + what +
             "); if a TLS-inspecting proxy or an internal CA signed it, set ca_file to that CA's PEM";
    case X509_V_OK:
    case X509_V_ERR_HOSTNAME_MISMATCH:
      return "the TLS certificate does not name " + host + " (host name mismatch); check the URL";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "the TLS certificate of " + host + " has expired";
    default:
      return "the TLS certificate of " + host + " was refused (" + what + ")";
  }
}

}  // namespace util
