#include "test_ca.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace fake {

TestCa::TestCa(const std::vector<std::string>& names) {
  char pattern[] = "/tmp/slackdesk-ca-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = pattern;
  std::string alt_names;
  for (const std::string& name : names) alt_names += (alt_names.empty() ? "DNS:" : ",DNS:") + name;
  std::ofstream(dir_ + "/server.ext") << "subjectAltName=" << alt_names << "\n"
                                      << "extendedKeyUsage=serverAuth\n";
  // P-256 keys: quick to make, accepted everywhere.
  std::string script = fmt::format(
      "cd '{dir}' && "
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
      "-subj '/CN=slackdesk test CA' -keyout ca.key -out ca.pem && "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-subj '/CN={cn}' -keyout server.key -out server.csr && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
      "-extfile server.ext -out server.pem",
      fmt::arg("dir", dir_), fmt::arg("cn", names.empty() ? "localhost" : names.front()));
  std::string quiet = "(" + script + ") >'" + dir_ + "/openssl.log' 2>&1";
  if (std::system(quiet.c_str()) != 0) {
    std::ifstream log(dir_ + "/openssl.log");
    error_ = "openssl failed: " + std::string(std::istreambuf_iterator<char>(log), {});
  }
}

TestCa::~TestCa() {
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

}  // namespace fake
