#include "squid_proxy.h"

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "http_util.h"

namespace fake {
namespace {

constexpr std::chrono::seconds kStartTimeout{30};

// basic_ncsa_auth reads htpasswd lines; openssl makes the MD5 (apr1) hash.
std::string HashPassword(const std::string& password) {
  std::string command = "openssl passwd -apr1 '" + password + "'";
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  char buffer[256] = {};
  std::string hash = std::fgets(buffer, sizeof buffer, pipe) != nullptr ? buffer : "";
  pclose(pipe);
  while (!hash.empty() && (hash.back() == '\n' || hash.back() == '\r')) hash.pop_back();
  return hash;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  // squid started as root works as the `proxy` user, which must read them.
  chmod(path.c_str(), 0644);
}

}  // namespace

SquidProxy::SquidProxy(Options options) : options_(std::move(options)) {
  if (access(kBinary, X_OK) != 0) {
    error_ = std::string(kBinary) + " is missing: `make test` installs Debian's squid";
    return;
  }
  char pattern[] = "/tmp/slackdesk-squid-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = pattern;
  chmod(dir_.c_str(), 0777);  // the `proxy` user writes its logs here
  port_ = FreeLoopbackPort();
  std::string hash = HashPassword(options_.password);
  if (hash.empty()) {
    error_ = "openssl passwd failed";
    return;
  }
  WriteFile(dir_ + "/passwd", options_.user + ":" + hash + "\n");
  std::string hosts = "127.0.0.1";
  std::string blocked;
  for (const std::string& name : options_.names) hosts += " " + name;
  for (const std::string& name : options_.blocked) {
    hosts += " " + name;
    blocked += " " + name;
  }
  WriteFile(dir_ + "/hosts", hosts + "\n");
  // No DNS server answers at 127.0.0.1:53 here: names outside the hosts
  // file fail, as they would for a proxy that cannot reach them.
  WriteFile(dir_ + "/squid.conf",
            fmt::format(R"(http_port 127.0.0.1:{port}
visible_hostname slackdesk-test-proxy
hosts_file {dir}/hosts
dns_nameservers 127.0.0.1
dns_timeout 2 seconds
auth_param basic program /usr/lib/squid/basic_ncsa_auth {dir}/passwd
auth_param basic children 2 startup=1
auth_param basic realm slackdesk-test
acl authenticated proxy_auth REQUIRED
{blocked_acl}http_access allow authenticated
http_access deny all
cache deny all
cache_mem 1 MB
pid_filename none
cache_log {dir}/cache.log
access_log stdio:{dir}/access.log
coredump_dir {dir}
shutdown_lifetime 0 seconds
)",
                        fmt::arg("port", port_), fmt::arg("dir", dir_),
                        fmt::arg("blocked_acl", blocked.empty() ? std::string()
                                                                : "acl blocked dstdomain" + blocked +
                                                                      "\nhttp_access deny blocked\n")));
  squid_ = std::make_unique<DaemonProcess>(
      kBinary, std::vector<std::string>{"-N", "-d", "1", "-f", dir_ + "/squid.conf"}, DaemonProcess::Env{});
  ready_ = squid_->WaitForLog("Accepting HTTP Socket connections", kStartTimeout) >= 0;
  if (!ready_) {
    std::string output;
    for (const std::string& line : squid_->Lines()) output += line + "\n";
    error_ = "squid did not start within 30 s:\n" + output;
  }
}

SquidProxy::~SquidProxy() {
  if (squid_) {
    squid_->Signal(SIGTERM);
    squid_->Wait(std::chrono::seconds(10));
    squid_.reset();  // SIGKILL if it is still there
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

std::string SquidProxy::UrlWith(const std::string& user, const std::string& password) const {
  return fmt::format("http://{}:{}@127.0.0.1:{}", user, password, port_);
}

std::string SquidProxy::AccessLog() const {
  std::ifstream file(dir_ + "/access.log");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace fake
