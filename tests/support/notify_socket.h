// The receiving end of $NOTIFY_SOCKET (the systemd notify protocol), for
// tests of READY=1, STATUS=, WATCHDOG=1 and STOPPING=1.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace testing {

// The receiving end of $NOTIFY_SOCKET, as systemd holds it.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof(address.sun_path) - 1);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  }
  ~NotifySocket() { close(fd_); }

  // Collects datagrams until one contains `text`; false after `timeout`.
  bool WaitFor(const std::string& text, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      for (const auto& message : messages) {
        if (message.find(text) != std::string::npos) return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd wait{fd_, POLLIN, 0};
      if (poll(&wait, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) messages.emplace_back(buffer, static_cast<size_t>(n));
    }
  }
  // Reads what has arrived so far, without waiting.
  void Drain() {
    char buffer[4096];
    ssize_t n;
    while ((n = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT)) > 0) messages.emplace_back(buffer, static_cast<size_t>(n));
  }
  int Count(const std::string& text) const {
    int count = 0;
    for (const auto& message : messages) count += message.find(text) != std::string::npos ? 1 : 0;
    return count;
  }

  std::vector<std::string> messages;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace testing
