// Where a configuration may expose its secrets: plain http to another
// host, and a config file with secrets that other users can read.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "config/exposure.h"

using config::Config;

TEST_CASE("credentials over plain http to another host are warned about, loopback is not", "[config][exposure]") {
  Config config;
  config.slack_api_url = "https://slack.com/api";
  config.jira_url = "https://example.atlassian.net";
  CHECK(config::PlainHttpWarnings(config).empty());

  config.slack_api_url = "http://slack-proxy.example.com:8080/api";
  config.jira_url = "HTTP://jira.internal";
  auto warnings = config::PlainHttpWarnings(config);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] ==
        "slack_api_url is plain http to slack-proxy.example.com: the Slack tokens cross the network unencrypted; use "
        "https://");
  CHECK(warnings[1].rfind("jira_url is plain http to jira.internal: the Jira credentials", 0) == 0);

  for (const char* loopback : {"http://127.0.0.1:8080/api", "http://localhost/api", "http://[::1]:9/api",
                               "http://127.5.6.7/api", "http://user:pw@LOCALHOST:1/api"}) {
    INFO(loopback);
    config.slack_api_url = loopback;
    config.jira_url = "https://jira.example";
    CHECK(config::PlainHttpWarnings(config).empty());
  }
  // A host that only starts like loopback is not.
  config.slack_api_url = "http://localhost.example.com/api";
  CHECK(config::PlainHttpWarnings(config).size() == 1);
  CHECK(config::UrlHost("http://user@[::1]:80/x") == "::1");
  CHECK(config::UrlHost("https://a.example:443/x?y") == "a.example");
}

TEST_CASE("a config file with secrets that other users can read or change is warned about", "[config][exposure]") {
  const std::string secrets = "jira_url = https://x.example\nslack_bot_token = xoxb-1\njira_api_token = \"t\"\n";
  const std::string no_secrets = "jira_url = https://x.example\nslack_bot_token_file = /run/credentials/bot\n";
  CHECK(config::SecretKeysIn(secrets) == std::vector<std::string>{"slack_bot_token", "jira_api_token"});
  CHECK(config::SecretKeysIn(no_secrets).empty());

  // Decided: group-readable is fine (the packaged 0640 root:slackdesk is
  // read by the service through its group); world-readable is not, nor is
  // anyone but the owner being able to change it.
  CHECK_FALSE(config::ConfigFileModeWarning("/etc/s.conf", 0100600, secrets));
  CHECK_FALSE(config::ConfigFileModeWarning("/etc/s.conf", 0100640, secrets));
  auto world = config::ConfigFileModeWarning("/etc/s.conf", 0100644, secrets);
  REQUIRE(world);
  CHECK(*world ==
        "/etc/s.conf holds secrets (slack_bot_token, jira_api_token) and is mode 0644: every user of this machine "
        "can read them; chmod 0640 (or 0600) it, or move the secrets to *_file");
  auto group_writes = config::ConfigFileModeWarning("/etc/s.conf", 0100660, secrets);
  REQUIRE(group_writes);
  CHECK(group_writes->find("others than its owner can change it") != std::string::npos);
  // Without secrets in it, a readable file exposes nothing.
  CHECK_FALSE(config::ConfigFileModeWarning("/etc/s.conf", 0100644, no_secrets));
}

TEST_CASE("the config file's mode is read from disk", "[config][exposure]") {
  char name[] = "/tmp/slackdesk-exposure-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(name) << "slack_app_token = xapp-1\n";
  REQUIRE(chmod(name, 0644) == 0);
  CHECK(config::ConfigFileWarning(name));
  REQUIRE(chmod(name, 0600) == 0);
  CHECK_FALSE(config::ConfigFileWarning(name));
  std::remove(name);
  CHECK_FALSE(config::ConfigFileWarning(name));  // gone: nothing to say
}
