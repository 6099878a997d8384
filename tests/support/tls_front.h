// TLS in front of a plain fake: listens on 127.0.0.1 (ephemeral port),
// completes a real TLS handshake with the given certificate and passes the
// bytes both ways to a plain TCP port on 127.0.0.1. The fake Slack and the
// fake Jira speak plain HTTP and WebSocket; through a front they are
// reached over https:// and wss://, as the real services are.
#pragma once

#include <memory>
#include <string>

namespace fake {

class TlsFront {
 public:
  // Starts at once; `cert_file` and `key_file` are PEM files.
  TlsFront(int backend_port, const std::string& cert_file, const std::string& key_file);
  // Stops listening and drops every connection.
  ~TlsFront();
  TlsFront(const TlsFront&) = delete;
  TlsFront& operator=(const TlsFront&) = delete;

  int port() const;
  // Handshakes that failed (a client that refused the certificate ends
  // its handshake with an alert).
  int FailedHandshakes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fake
