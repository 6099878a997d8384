#include "util/error.h"

#include <exception>

namespace util {

std::string CurrentExceptionText() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNetwork: return "network";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kServerError: return "server_error";
    case ErrorCode::kRemoteRejected: return "rejected";
    case ErrorCode::kAuth: return "auth";
    case ErrorCode::kStorage: return "storage";
    case ErrorCode::kInvalidInput: return "invalid_input";
    case ErrorCode::kConfig: return "config";
  }
  return "unknown";
}

}  // namespace util
