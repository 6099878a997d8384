// JiraHelpdesk's files against the fake JSM over real HTTP: the temporary
// upload (multipart part `file`, the XSRF header, streamed from an open
// file), attaching with a public comment that carries the marker, finding
// it again after a crash, the size limit per deployment, and a refusal.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "bridge/text.h"
#include "fake_jira.h"
#include "jira_site.h"
#include "helpdesk/jira/jira_helpdesk.h"
#include "util/temp_file.h"

namespace {

using fake::FakeJira;
using helpdesk::jira::JiraHelpdesk;

using Site = testing::JiraSite;

}  // namespace

TEST_CASE("a file is uploaded, attached with a public comment, and found again by its marker", "[jira][files]") {
  Site site;
  std::string key = site.jira.CreateRequest("VPN", "drops");
  std::string content = "line 1\nline 2\n";
  util::TempFile file = site.File(content);
  auto id = site.helpdesk.UploadFile(key, helpdesk::Upload{"vpn.log", "text/plain", file.fd(), 14});
  REQUIRE(id);
  CHECK(site.jira.TemporaryUploads() == 1);
  CHECK_FALSE(*site.helpdesk.FindAttachedByMarker(key, "slackdeskfilesx1"));
  REQUIRE(site.helpdesk.AttachFiles(key, {*id}, bridge::PlainText("Ada shared in Slack: vpn.log"), "slackdeskfilesx1"));
  auto issue = site.jira.Issue(key);
  REQUIRE(issue);
  REQUIRE(issue->attachments.size() == 1);
  CHECK(issue->attachments[0].filename == "vpn.log");
  CHECK(issue->attachments[0].mime_type == "text/plain");
  CHECK(issue->attachments[0].content == content);
  CHECK(issue->attachments[0].is_public);
  REQUIRE(issue->comments.size() == 1);
  CHECK(issue->comments[0].body.find("slackdeskfilesx1") != std::string::npos);
  CHECK(*site.helpdesk.FindAttachedByMarker(key, "slackdeskfilesx1"));
  CHECK_FALSE(*site.helpdesk.FindAttachedByMarker(key, "slackdeskfilesx"));
  // The upload went multipart with the XSRF header; the attach as JSON.
  for (const auto& request : site.jira.Requests()) {
    if (request.path.find("attachTemporaryFile") != std::string::npos) {
      CHECK(request.body.find("name=\"file\"; filename=\"vpn.log\"") != std::string::npos);
    }
  }
}

TEST_CASE("the limit is the deployment's default, and a larger file is refused for good", "[jira][files]") {
  Site cloud;
  CHECK(*cloud.helpdesk.AttachmentLimit() == 1024LL * 1024 * 1024);
  Site dc(fake::JiraDeployment::kDataCenter);
  CHECK(*dc.helpdesk.AttachmentLimit() == 10LL * 1024 * 1024);
  // A site whose admin lowered it answers 413: refused, not retried.
  cloud.jira.SetAttachmentLimit(10);
  std::string key = cloud.jira.CreateRequest("VPN", "drops");
  util::TempFile file = cloud.File(std::string(11, 'x'));
  auto refused = cloud.helpdesk.UploadFile(key, helpdesk::Upload{"big.bin", "", file.fd(), 11});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == util::ErrorCode::kRemoteRejected);
  CHECK(cloud.jira.CountRequests("POST", "/rest/servicedeskapi/servicedesk/") == 1);
}

TEST_CASE("Data Center takes the same two steps", "[jira][files]") {
  Site dc(fake::JiraDeployment::kDataCenter);
  std::string key = dc.jira.CreateRequest("VPN", "drops");
  util::TempFile file = dc.File("abc");
  auto id = dc.helpdesk.UploadFile(key, helpdesk::Upload{"a.txt", "text/plain", file.fd(), 3});
  REQUIRE(id);
  REQUIRE(dc.helpdesk.AttachFiles(key, {*id}, bridge::PlainText("a.txt"), "slackdeskfilesdc"));
  CHECK(dc.jira.Issue(key)->attachments.size() == 1);
  CHECK(*dc.helpdesk.FindAttachedByMarker(key, "slackdeskfilesdc"));
}
