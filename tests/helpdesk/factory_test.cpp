// MakeHelpdesk: the configured backend, built with the caller's tuning.
// (libcurl is initialised once for the binary in jira_helpdesk_test.cpp.)
#include "helpdesk/factory.h"

#include <vector>

#include <catch2/catch.hpp>

#include "fake_jira.h"
#include "util/http/curl_http_client.h"

namespace {

config::Config JiraConfig(const fake::FakeJira& jira) {
  config::Config config;
  config.helpdesk = "jira";
  config.jira_url = jira.base_url();
  config.jira_email = fake::FakeJira::kEmail;
  config.jira_api_token = fake::FakeJira::kApiToken;
  config.jira_service_desk_id = fake::FakeJira::kServiceDeskId;
  config.jira_request_type_ids = {fake::FakeJira::kRequestTypeId};
  return config;
}

}  // namespace

TEST_CASE("MakeHelpdesk builds the Jira backend from the config", "[factory]") {
  fake::FakeJira jira;
  util::http::CurlHttpClient http;
  auto helpdesk = helpdesk::MakeHelpdesk(JiraConfig(jira), http);
  REQUIRE(helpdesk);
  CHECK((*helpdesk)->Name() == "jira");
  auto lines = (*helpdesk)->Check();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].ok);
  CHECK(lines[1].ok);
}

TEST_CASE("MakeHelpdesk passes the tuning: attempts and the wait", "[factory]") {
  fake::FakeJira jira;
  util::http::CurlHttpClient http;
  std::vector<util::Duration> waits;
  helpdesk::HelpdeskTuning tuning;
  tuning.max_attempts = 2;
  tuning.sleep = [&waits](util::Duration wait) { waits.push_back(wait); };
  auto helpdesk = helpdesk::MakeHelpdesk(JiraConfig(jira), http, tuning);
  REQUIRE(helpdesk);
  jira.SetOutage(true, 502);
  auto me = (*helpdesk)->WhoAmI();
  REQUIRE_FALSE(me);
  CHECK(me.error().code == util::ErrorCode::kServerError);
  CHECK(jira.CountRequests("", "") == 2);  // max_attempts
  CHECK(waits.size() == 1);                // the backoff went through the caller's wait
}

TEST_CASE("MakeHelpdesk refuses an unknown helpdesk", "[factory]") {
  util::http::CurlHttpClient http;
  config::Config config;
  config.helpdesk = "zendesk";
  auto helpdesk = helpdesk::MakeHelpdesk(config, http);
  REQUIRE_FALSE(helpdesk);
  CHECK(helpdesk.error().code == util::ErrorCode::kConfig);
  CHECK(helpdesk.error().message == "helpdesk: must be jira or rt (got 'zendesk')");
}

TEST_CASE("MakeHelpdesk builds the RT backend from the rt keys, with the caller's tuning", "[factory][rt]") {
  fake::FakeJira unrelated;  // a server that answers 404 to every REST2 path
  util::http::CurlHttpClient http;
  config::Config config;
  config.helpdesk = "rt";
  config.rt_url = unrelated.base_url();
  config.rt_token = "1-14-abc";
  config.rt_queue = "General";
  std::vector<util::Duration> waits;
  helpdesk::HelpdeskTuning tuning;
  tuning.sleep = [&waits](util::Duration wait) { waits.push_back(wait); };
  auto helpdesk = helpdesk::MakeHelpdesk(config, http, tuning);
  REQUIRE(helpdesk);
  CHECK((*helpdesk)->Name() == "rt");
  // RT has no request types: the route's target gets the one form.
  auto form = (*helpdesk)->RequestTypeForm(bridge::RequestTarget{config.DefaultRoute().desk_id, "ticket"});
  REQUIRE(form);
  CHECK(form->fields.size() == 2);
  auto me = (*helpdesk)->WhoAmI();
  REQUIRE_FALSE(me);
  CHECK_THAT(me.error().message, Catch::Matchers::StartsWith("rt who am I"));
  CHECK(waits.empty());  // a 4xx is not retried
}
