// The command line: `slackdesk run|check [--config PATH]`, `--version`,
// `--help`. Exit codes as contract.md: 0 success or clean stop, 1 runtime
// failure or failed check, 2 bad config or usage.
#pragma once

namespace app {

int Main(int argc, char** argv);

}  // namespace app
