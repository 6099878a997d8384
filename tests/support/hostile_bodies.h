// The hostile answers every client is tried with (fault injection): valid
// JSON of the wrong shape, cut bodies, a proxy's HTML page with status 200,
// deep nesting, bodies above the response cap (plain and gzip-compressed).
// The tests of each client (Slack Web API, Socket Mode, helpdesk) run their
// calls through this one table.
#pragma once

#include <string>
#include <vector>

#include "raw_answer.h"

namespace testing {

struct HostileAnswer {
  std::string name;  // says what is wrong; shown when a case fails
  fake::RawAnswer answer;
};

// `depth` '[' and no closers (what a truncated deep document looks like).
std::string DeepNesting(size_t depth);

// Wrong shapes, wrong types, cut, empty, HTML and deeply nested bodies,
// each answered with HTTP 200. Small: a whole table runs in well under a
// second against a loopback fake.
std::vector<HostileAnswer> HostileAnswers();

// Bodies just above util::http::kDefaultMaxResponseBytes once decoded:
// plain, and gzip-compressed (a decompression bomb: a few KB on the wire).
std::vector<HostileAnswer> OversizedAnswers();

}  // namespace testing
