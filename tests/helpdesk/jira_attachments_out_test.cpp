// JiraHelpdesk's attachments on their way to Slack, against the fake JSM
// over real HTTP (files-and-edits.md §5.1): the list without ids or
// visibility (ids from _links.jiraRest, internal when an internal comment
// carries them), only those since a time, and the bytes through the
// content endpoint's 303 to a signed URL on another host, which must get
// no Jira credentials; Data Center's /secure/attachment; the size limit.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "fake_jira.h"
#include "jira_site.h"
#include "helpdesk/jira/jira_helpdesk.h"
#include "util/temp_file.h"

namespace {

using fake::AttachmentVisibility;
using fake::FakeJira;
using helpdesk::jira::JiraHelpdesk;

using Site = testing::JiraSite;

std::string Read(const util::TempFile& file) { return file.Head(static_cast<size_t>(file.Size())); }

}  // namespace

TEST_CASE("attachments are listed with their ids, authors and visibility", "[jira][files][out]") {
  Site site;
  std::string key = site.jira.CreateRequest("Printer", "jams");
  std::string shared = site.jira.AddAgentAttachment(key, "Grace Hopper", "manual.pdf", "application/pdf", "pdf bytes",
                                                    AttachmentVisibility::kPublicComment);
  std::string internal = site.jira.AddAgentAttachment(key, "Grace Hopper", "notes.txt", "text/plain", "secret",
                                                      AttachmentVisibility::kInternalComment);
  std::string alone =
      site.jira.AddAgentAttachment(key, "Alan Turing", "photo.jpg", "image/jpeg", "jpg", AttachmentVisibility::kAlone);
  auto listed = site.helpdesk.AttachmentsSince(key, 0);
  REQUIRE(listed);
  REQUIRE(listed->size() == 3);
  CHECK((*listed)[0].id == shared);
  CHECK((*listed)[0].name == "manual.pdf");
  CHECK((*listed)[0].mime_type == "application/pdf");
  CHECK((*listed)[0].size == 9);
  CHECK((*listed)[0].author_name == "Grace Hopper");
  CHECK_FALSE((*listed)[0].author_id.empty());
  CHECK((*listed)[0].created_ms > 0);
  CHECK((*listed)[0].is_public);
  CHECK((*listed)[1].id == internal);
  CHECK_FALSE((*listed)[1].is_public);
  CHECK((*listed)[2].id == alone);
  CHECK((*listed)[2].is_public);
  CHECK((*listed)[2].author_name == "Alan Turing");
  // Only those since a time; nothing new: the comments are not read.
  int comment_reads = site.jira.CountRequests("GET", "/rest/servicedeskapi/request/" + key + "/comment");
  auto later = site.helpdesk.AttachmentsSince(key, (*listed)[2].created_ms + 1);
  REQUIRE(later);
  CHECK(later->empty());
  CHECK(site.jira.CountRequests("GET", "/rest/servicedeskapi/request/" + key + "/comment") == comment_reads);
}

TEST_CASE("an attachment is fetched through the signed URL without Jira's credentials", "[jira][files][out]") {
  Site site;
  std::string key = site.jira.CreateRequest("Printer", "jams");
  std::string content(200000, 'p');
  std::string id = site.jira.AddAgentAttachment(key, "Grace Hopper", "manual.pdf", "application/pdf", content,
                                                AttachmentVisibility::kPublicComment);
  auto file = util::TempFile::Create();
  REQUIRE(file);
  auto fetched = site.helpdesk.FetchAttachment(key, id, 1 << 20, *file);
  REQUIRE(fetched);
  CHECK(fetched->kind == helpdesk::Fetched::Kind::kDone);
  CHECK(fetched->bytes == static_cast<long long>(content.size()));
  CHECK(Read(*file) == content);
  CHECK(site.jira.AttachmentDownloads(id) == 1);
  CHECK(site.jira.MediaRequestsWithCredentials() == 0);
  // Over the limit: stopped, not retried.
  auto small = util::TempFile::Create();
  REQUIRE(small);
  auto too_large = site.helpdesk.FetchAttachment(key, id, 1000, *small);
  REQUIRE(too_large);
  CHECK(too_large->kind == helpdesk::Fetched::Kind::kTooLarge);
  CHECK(site.jira.AttachmentDownloads(id) == 2);
  // One that is gone: refused with a reason.
  auto missing = site.helpdesk.FetchAttachment(key, "99999", 1000, *small);
  REQUIRE(missing);
  CHECK(missing->kind == helpdesk::Fetched::Kind::kRefused);
  CHECK_FALSE(missing->reason.empty());
}

TEST_CASE("Data Center's attachments come from /secure/attachment", "[jira][files][out]") {
  Site site(fake::JiraDeployment::kDataCenter);
  std::string key = site.jira.CreateRequest("Printer", "jams");
  std::string id =
      site.jira.AddAgentAttachment(key, "Grace Hopper", "a.txt", "text/plain", "hello", AttachmentVisibility::kAlone);
  auto listed = site.helpdesk.AttachmentsSince(key, 0);
  REQUIRE(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().is_public);
  auto file = util::TempFile::Create();
  REQUIRE(file);
  auto fetched = site.helpdesk.FetchAttachment(key, id, 1 << 20, *file);
  REQUIRE(fetched);
  CHECK(fetched->kind == helpdesk::Fetched::Kind::kDone);
  CHECK(Read(*file) == "hello");
  CHECK(site.jira.CountRequests("GET", "/secure/attachment/" + id) == 1);
}
