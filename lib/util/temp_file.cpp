#include "util/temp_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <utility>

namespace util {

Result<TempFile> TempFile::Create(const std::string& dir) {
  std::string where = dir;
  if (where.empty()) {
    const char* tmpdir = ::getenv("TMPDIR");
    where = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  }
  // O_TMPFILE never has a name; where the file system lacks it, a name
  // made by mkstemp lives only until the unlink right after.
  int fd = ::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string path = where + "/slackdesk-XXXXXX";
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(path.c_str());
  }
  if (fd < 0) {
    return MakeError(ErrorCode::kStorage, "cannot create a temporary file in " + where + ": " + std::strerror(errno));
  }
  return TempFile(fd);
}

TempFile::TempFile(TempFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
}

long long TempFile::Size() const {
  struct stat st {};
  return ::fstat(fd_, &st) == 0 ? static_cast<long long>(st.st_size) : 0;
}

std::string TempFile::Head(size_t count) const {
  std::string out(count, '\0');
  ssize_t n = ::pread(fd_, out.data(), count, 0);
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

Status TempFile::Clear() {
  if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) {
    return MakeError(ErrorCode::kStorage, std::string("cannot empty a temporary file: ") + std::strerror(errno));
  }
  return Ok();
}

}  // namespace util
