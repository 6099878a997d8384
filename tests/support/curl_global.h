// libcurl must be initialised once, before any thread exists (the fakes
// start some): a test file that makes HTTP calls includes this header, and
// its static initialisation does it before main.
#pragma once

#include "util/http/curl_http_client.h"

namespace testing {

struct CurlGlobal {
  CurlGlobal() { util::http::GlobalInit(); }
};
inline const CurlGlobal curl_global;

}  // namespace testing
