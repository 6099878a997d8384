#include "app/cli.h"

#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "app/check.h"
#include "app/daemon.h"
#include "config/config.h"
#include "util/http/curl_http_client.h"
#include "util/log.h"

namespace app {
namespace {

constexpr const char* kDefaultConfigPath = "/etc/slackdesk/slackdesk.conf";

constexpr const char* kUsage =
    "Usage: slackdesk run [--config PATH]     run the daemon in the foreground\n"
    "       slackdesk check [--config PATH]   check the config and the connections to Slack\n"
    "       slackdesk --version | --help\n"
    "\n"
    "Without --config, " "/etc/slackdesk/slackdesk.conf is read when it exists; every key can\n"
    "also be set as SLACKDESK_<KEY> in the environment. See slackdesk(8) and docs/config.md.\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "slackdesk: %s\n%s", message.c_str(), kUsage);
  return 2;
}

}  // namespace

int Main(int argc, char** argv) {
  std::string command;
  std::optional<std::string> config_path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--version") {
      std::printf("slackdesk %s\n", SLACKDESK_VERSION);
      return 0;
    }
    if (arg == "--config" || arg == "-c") {
      if (i + 1 >= argc) return UsageError("--config needs a path");
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(9);
    } else if (command.empty() && (arg == "run" || arg == "check")) {
      command = arg;
    } else {
      return UsageError(fmt::format("unexpected argument '{}'", arg));
    }
  }
  if (command.empty()) return UsageError("no command given");
  if (!config_path && access(kDefaultConfigPath, F_OK) == 0) config_path = kDefaultConfigPath;

  util::log::DetectJournal();
  auto config = config::LoadConfig(config::SystemLoadOptions(config_path));
  if (!config) {
    std::string message = util::log::Redact(config.error().message);
    if (command == "check") std::printf("FAIL config: %s\n", message.c_str());
    util::log::Error("invalid configuration: {}", message);
    return 2;
  }
  for (const std::string& secret : config->Secrets()) util::log::AddSecret(secret);
  util::log::SetLevel(config->log_level);
  util::http::GlobalInit();
  std::string origin = config_path ? *config_path : std::string("environment only (no config file)");
  if (command == "check") return RunCheck(*config, origin, stdout, config_path);
  return RunDaemon(*config, config_path);
}

}  // namespace app
