// JiraHelpdesk::ReopenTicket against the fake Jira over real HTTP: the
// workflow's step back to an open status is chosen by where it leads
// (a step from done to done is passed over), a ticket open already is left
// as it is, a workflow with no way back is kNotAllowed, and a step Jira
// refuses (400) is too. Cloud and Data Center take the same path.
#include <catch2/catch.hpp>

#include "jira_site.h"

namespace {

using bridge::ReopenResult;
using Site = testing::JiraSite;

}  // namespace

TEST_CASE("a resolved request is reopened through the step that leads to an open status", "[jira][reopen]") {
  auto deployment = GENERATE(fake::JiraDeployment::kCloud, fake::JiraDeployment::kDataCenter);
  Site site(deployment);
  std::string key = site.jira.CreateRequest("VPN", "drops");
  REQUIRE(site.jira.SetStatus(key, "Resolved", "done"));
  auto reopened = site.helpdesk.ReopenTicket(key);
  REQUIRE(reopened);
  CHECK(reopened->result == ReopenResult::kReopened);
  CHECK(reopened->status.label == "Waiting for support");
  CHECK(reopened->status.category == bridge::StatusCategory::kInProgress);
  // "Close" (done to done) comes first in the workflow and was passed over.
  CHECK(site.jira.Issue(key)->status == "Waiting for support");
  CHECK(site.jira.CountRequests("POST", "/rest/api/2/issue/" + key + "/transitions") == 1);

  SECTION("asked again, it finds the request open and changes nothing") {
    auto again = site.helpdesk.ReopenTicket(key);
    REQUIRE(again);
    CHECK(again->result == ReopenResult::kAlreadyOpen);
    CHECK(again->status.label == "Waiting for support");
    CHECK(site.jira.CountRequests("POST", "/rest/api/2/issue/" + key + "/transitions") == 1);
  }
}

TEST_CASE("a workflow without a way back leaves the request closed: kNotAllowed", "[jira][reopen]") {
  Site site;
  site.jira.SetTransitions({{"41", "Close", "done", "Closed", "done"}});
  std::string key = site.jira.CreateRequest("VPN", "drops");
  REQUIRE(site.jira.SetStatus(key, "Resolved", "done"));
  auto reopened = site.helpdesk.ReopenTicket(key);
  REQUIRE(reopened);
  CHECK(reopened->result == ReopenResult::kNotAllowed);
  CHECK(reopened->status.label == "Resolved");
  CHECK(site.jira.CountRequests("POST", "/rest/api/2/issue/" + key + "/transitions") == 0);
  CHECK(site.jira.Issue(key)->status == "Resolved");
}

TEST_CASE("a step Jira refuses (400) is kNotAllowed; a 503 is an error to retry", "[jira][reopen]") {
  Site site;
  std::string key = site.jira.CreateRequest("VPN", "drops");
  REQUIRE(site.jira.SetStatus(key, "Resolved", "done"));
  site.jira.FailNext("POST", "/rest/api/2/issue/" + key + "/transitions", 400);
  auto refused = site.helpdesk.ReopenTicket(key);
  REQUIRE(refused);
  CHECK(refused->result == ReopenResult::kNotAllowed);
  CHECK(site.jira.Issue(key)->status == "Resolved");

  site.jira.FailNext("POST", "/rest/api/2/issue/" + key + "/transitions", 503, -1, 5);
  auto failed = site.helpdesk.ReopenTicket(key);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == util::ErrorCode::kServerError);
  site.jira.ClearFaults();
  auto later = site.helpdesk.ReopenTicket(key);
  REQUIRE(later);
  CHECK(later->result == ReopenResult::kReopened);
}

TEST_CASE("a request that is open is left as it is", "[jira][reopen]") {
  Site site;
  std::string key = site.jira.CreateRequest("VPN", "drops");
  auto reopened = site.helpdesk.ReopenTicket(key);
  REQUIRE(reopened);
  CHECK(reopened->result == ReopenResult::kAlreadyOpen);
  CHECK(site.jira.CountRequests("GET", "/rest/api/2/issue/" + key + "/transitions") == 0);
}
