// A certificate authority made by the test, and a server certificate it
// signed for the names the fakes are reached by: real TLS, with the peer
// and host name verified, against a CA that is in no system store. Made
// with the openssl command-line tool in a temporary directory, removed
// when the object is destroyed.
#pragma once

#include <string>
#include <vector>

namespace fake {

class TestCa {
 public:
  // `names`: the server certificate's subjectAltName DNS entries.
  explicit TestCa(const std::vector<std::string>& names);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  // False (and Error() says why) when openssl failed.
  bool Ready() const { return error_.empty(); }
  const std::string& Error() const { return error_; }
  // PEM files.
  std::string ca_file() const { return dir_ + "/ca.pem"; }
  std::string server_cert_file() const { return dir_ + "/server.pem"; }
  std::string server_key_file() const { return dir_ + "/server.key"; }

 private:
  std::string dir_;
  std::string error_;
};

}  // namespace fake
