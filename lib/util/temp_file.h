// A temporary file with no name: created in a directory and unlinked at
// once, so it is gone when closed, and also when the process is killed
// (SIGKILL leaves nothing behind to clean up). Holds large downloads on
// their way to an upload instead of memory. Not thread-safe; movable.
#pragma once

#include <string>

#include "util/error.h"

namespace util {

class TempFile {
 public:
  // In `dir` ("" : $TMPDIR, else /tmp).
  static Result<TempFile> Create(const std::string& dir = {});

  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();

  int fd() const { return fd_; }
  // Its size now (fstat).
  long long Size() const;
  // Up to `count` bytes from its start (for sniffing what arrived).
  std::string Head(size_t count) const;
  // Empties it and goes back to its start, for another try.
  Status Clear();

 private:
  explicit TempFile(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace util
