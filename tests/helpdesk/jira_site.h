// The fake JSM and a JiraHelpdesk signed in to it as its deployment
// expects, over real HTTP: the fixture of the backend tests that need both
// deployments (files both ways, the workflow).
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>

#include "curl_global.h"
#include "fake_jira.h"
#include "fake_site_options.h"
#include "helpdesk/jira/jira_helpdesk.h"
#include "util/http/curl_http_client.h"
#include "util/temp_file.h"

namespace testing {

struct JiraSite {
  explicit JiraSite(fake::JiraDeployment deployment = fake::JiraDeployment::kCloud)
      : jira(deployment), helpdesk(http, Options(jira)) {}
  static helpdesk::jira::JiraOptions Options(const fake::FakeJira& jira) {
    auto options = FakeSiteOptions(jira);
    if (jira.deployment() == fake::JiraDeployment::kDataCenter) {
      options.email.clear();
      options.api_token.clear();
      options.personal_access_token = fake::FakeJira::kPersonalAccessToken;
    }
    return options;
  }
  // A temporary file holding `content`.
  util::TempFile File(const std::string& content) {
    auto temp = util::TempFile::Create();
    REQUIRE(temp);
    REQUIRE(::write(temp->fd(), content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    return std::move(*temp);
  }
  CurlGlobal curl;
  fake::FakeJira jira;
  util::http::CurlHttpClient http;
  helpdesk::jira::JiraHelpdesk helpdesk;
};

}  // namespace testing
