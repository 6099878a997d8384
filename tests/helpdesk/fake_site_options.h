// JiraOptions that sign in to the fake JSM as its Cloud site expects, with
// quick retries; tests change what they are about (attempts, the token).
#pragma once

#include <chrono>

#include "fake_jira.h"
#include "helpdesk/jira/jira_helpdesk.h"

namespace testing {

inline helpdesk::jira::JiraOptions FakeSiteOptions(const fake::FakeJira& jira) {
  helpdesk::jira::JiraOptions options;
  options.base_url = jira.base_url();
  options.email = fake::FakeJira::kEmail;
  options.api_token = fake::FakeJira::kApiToken;
  options.service_desk_id = fake::FakeJira::kServiceDeskId;
  options.request_type_id = fake::FakeJira::kRequestTypeId;
  options.max_attempts = 2;
  options.backoff = util::BackoffPolicy{std::chrono::milliseconds(10), std::chrono::milliseconds(50), 2.0};
  return options;
}

}  // namespace testing
