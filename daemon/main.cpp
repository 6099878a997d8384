// slackdesk: a Slack-to-helpdesk bridge. Everything lives in lib/app; main
// only makes sure no exception escapes without a log line.
#include <exception>

#include "app/cli.h"
#include "util/log.h"

int main(int argc, char** argv) {
  try {
    return app::Main(argc, argv);
  } catch (const std::exception& e) {
    util::log::Error("fatal: {}", e.what());
  } catch (...) {
    util::log::Error("fatal: unknown exception");
  }
  return 1;
}
