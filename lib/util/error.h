// Errors as values: every function that can fail for a reason outside the
// program (network, remote API, disk, input) returns Result<T>. Bugs are
// asserts. No exception crosses a function we wrote.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace util {

enum class ErrorCode {
  kNetwork,         // could not reach the peer, or the connection broke
  kTimeout,         // the peer did not answer in time
  kRateLimited,     // the peer said 429 / ratelimited; retry_after_ms is set
  kServerError,     // the peer answered 5xx: transient, worth a retry
  kRemoteRejected,  // the peer answered and said no (4xx, ok:false)
  kAuth,            // credentials refused: retrying will not help
  kStorage,         // the local database failed
  kInvalidInput,    // malformed input we were given
  kConfig,          // the configuration is invalid
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;   // names the operation and the identifiers involved
  long retry_after_ms = 0;  // with kRateLimited (and some 503s): wait this long
  // True when the request certainly never reached the peer (DNS or connect
  // failed), so even a non-idempotent call can be repeated safely.
  bool not_sent = false;
  // True when an answer was abandoned for being larger than the request's
  // max_response_bytes (util::http): a download over its limit.
  bool too_large = false;

  // True when repeating the same operation later may succeed.
  bool IsTransient() const {
    return code == ErrorCode::kNetwork || code == ErrorCode::kTimeout ||
           code == ErrorCode::kRateLimited || code == ErrorCode::kServerError;
  }
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

inline tl::unexpected<Error> MakeError(ErrorCode code, std::string message,
                                       long retry_after_ms = 0) {
  return tl::make_unexpected(Error{code, std::move(message), retry_after_ms});
}

inline Status Ok() { return {}; }

// What the exception being handled says: its what() for a std::exception,
// else "an exception of unknown type". Worker tasks catch everything at
// their top (a library may throw, e.g. std::bad_alloc or boost's system
// errors) and log this with what they were doing.
// REQUIRES: called inside a catch block.
std::string CurrentExceptionText();

// Runs `call`; an exception from it becomes a kServerError naming `what`,
// so it is logged and retried like any other transient failure.
template <class Call>
auto Catching(const std::string& what, Call call) -> decltype(call()) {
  try {
    return call();
  } catch (...) {
    return MakeError(ErrorCode::kServerError, what + ": threw " + CurrentExceptionText());
  }
}

}  // namespace util
