// Files from the helpdesk to Slack end to end (issue 14, item 2): the real
// daemon against the fake JSM (an agent's attachments, listed without ids
// or visibility, their bytes behind a 303 to a signed URL) and the fake
// Slack (the three-step upload into the thread).
#include "e2e_files.h"
#include "flow_fixture.h"

using namespace e2e;

namespace {

using fake::AttachmentVisibility;

// A flow whose sync polls every half second.
struct AttachmentFlow : Flow {
  AttachmentFlow() { env["SLACKDESK_POLL_INTERVAL"] = "0.5"; }
};

std::vector<fake::SlackUpload> Completed(const AttachmentFlow& flow) {
  std::vector<fake::SlackUpload> out;
  for (const auto& upload : flow.slack.Uploads()) {
    if (upload.completed) out.push_back(upload);
  }
  return out;
}

// An agent's public comment comes back to the thread: everything queued
// before it for the channel (posts and uploads share its lane) is done.
void SyncPoint(AttachmentFlow& flow, const std::string& ts, const std::string& text) {
  flow.jira.AddAgentComment("SUP-1", "Grace Hopper", text, true);
  REQUIRE(flow.slack.WaitFor(
      [&] {
        for (const auto& relay : flow.Relays(ts)) {
          if (relay.text.find(text) != std::string::npos) return true;
        }
        return false;
      },
      milliseconds(20000)));
}

}  // namespace

TEST_CASE("an agent's public attachments reach the thread, internal ones and our own never", "[e2e][attachments]") {
  AttachmentFlow flow;
  flow.Start();
  std::string ts = flow.RaiseTicket("Printer jams");
  // The customer's own file goes to the ticket (item 1), as the bot's
  // attachment: it must not come back.
  std::string mine = flow.slack.AddFile(kCustomer, "jam.jpg", "image/jpeg", Bytes(3000));
  flow.slack.ShareFilesAsUser(kChannel, kCustomer, "photo of the jam", "[" + mine + "]", ts);
  REQUIRE(flow.jira.WaitFor([&] { return flow.jira.Issue("SUP-1")->attachments.size() == 1; }, kWait));
  std::string manual = Bytes(150000);
  std::string photo = Bytes(4000);
  flow.jira.AddAgentAttachment("SUP-1", "Grace Hopper", "manual.pdf", "application/pdf", manual,
                               AttachmentVisibility::kPublicComment);
  flow.jira.AddAgentAttachment("SUP-1", "Grace Hopper", "legacy-notes.txt", "text/plain", "customer is difficult",
                               AttachmentVisibility::kInternalComment);
  flow.jira.AddAgentAttachment("SUP-1", "Alan Turing", "fixed.jpg", "image/jpeg", photo, AttachmentVisibility::kAlone);
  REQUIRE(flow.slack.WaitFor([&] { return Completed(flow).size() >= 2; }, milliseconds(20000)));
  SyncPoint(flow, ts, "anything else?");
  auto uploads = Completed(flow);
  REQUIRE(uploads.size() == 2);
  CHECK(flow.slack.Uploads().size() == 2);  // nothing uploaded and left
  std::map<std::string, fake::SlackUpload> by_name;
  for (const auto& upload : uploads) by_name[upload.filename] = upload;
  REQUIRE(by_name.count("manual.pdf") == 1);
  REQUIRE(by_name.count("fixed.jpg") == 1);
  CHECK(by_name["manual.pdf"].checksum == fake::FakeJira::Checksum(manual));
  CHECK(by_name["manual.pdf"].received == static_cast<long long>(manual.size()));
  CHECK(by_name["manual.pdf"].channel == kChannel);
  CHECK(by_name["manual.pdf"].thread_ts == ts);
  CHECK(by_name["manual.pdf"].initial_comment.find("Grace Hopper") != std::string::npos);
  CHECK(by_name["manual.pdf"].initial_comment.find("SUP-1") != std::string::npos);
  CHECK(by_name["fixed.jpg"].checksum == fake::FakeJira::Checksum(photo));
  CHECK(by_name["fixed.jpg"].initial_comment.find("Alan Turing") != std::string::npos);
  // The bot's own file_share echo never comes back to the ticket.
  size_t comments = flow.jira.Issue("SUP-1")->comments.size();
  for (const auto& upload : uploads) flow.slack.EchoUpload(upload);
  flow.slack.PostAsUser(kChannel, kCustomer, "thanks, got them", ts);
  REQUIRE(flow.jira.WaitFor([&] { return flow.jira.Issue("SUP-1")->comments.size() > comments; }, kWait));
  CHECK(flow.jira.Issue("SUP-1")->comments.size() == comments + 1);
  CHECK(flow.jira.Issue("SUP-1")->comments.back().body.find("thanks, got them") != std::string::npos);
  CHECK(flow.jira.Issue("SUP-1")->attachments.size() == 4);
  // The signed URL never saw Jira's credentials.
  CHECK(flow.jira.MediaRequestsWithCredentials() == 0);
  CHECK(flow.Posts(ts, "not copied").empty());
  flow.Stop();
}

TEST_CASE("an attachment Slack refuses as too large is told in one line", "[e2e][attachments]") {
  AttachmentFlow flow;
  flow.slack.SetUploadLimit(10000);  // the workspace's own limit
  flow.Start();
  std::string ts = flow.RaiseTicket("Disk image");
  flow.jira.AddAgentAttachment("SUP-1", "Grace Hopper", "disk.img", "application/octet-stream", Bytes(50000),
                               AttachmentVisibility::kPublicComment);
  REQUIRE(flow.WaitForPost(ts, "not copied"));
  auto notes = flow.Posts(ts, "not copied");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].text.find("disk.img not copied: Slack refused it") != std::string::npos);
  CHECK(notes[0].text.find("file_upload_size_restricted") != std::string::npos);
  CHECK(Completed(flow).empty());
  flow.Stop();
}

TEST_CASE("SIGKILL around completeUploadExternal: exactly one file in the thread", "[e2e][attachments][kill]") {
  AttachmentFlow flow;
  flow.Start();
  std::string ts = flow.RaiseTicket("Scanner broken");
  std::string content = Bytes(80000);
  SECTION("killed before Slack took the complete") {
    // The complete waits out a 429: the daemon is killed while it waits.
    flow.slack.FailNext("files.completeUploadExternal", fake::Failure{429, "ratelimited", 30});
    flow.jira.AddAgentAttachment("SUP-1", "Grace Hopper", "scan.pdf", "application/pdf", content,
                                 AttachmentVisibility::kPublicComment);
    REQUIRE(flow.slack.WaitForCalls("files.completeUploadExternal", 1, milliseconds(20000)));
    flow.Restart();
    SyncPoint(flow, ts, "after the restart");
    // The first upload was never completed (Slack discards it): uploaded afresh.
    CHECK(flow.slack.Uploads().size() == 2);
  }
  SECTION("killed once Slack took the complete") {
    flow.jira.AddAgentAttachment("SUP-1", "Grace Hopper", "scan.pdf", "application/pdf", content,
                                 AttachmentVisibility::kPublicComment);
    REQUIRE(flow.slack.WaitFor([&] { return Completed(flow).size() == 1; }, milliseconds(20000)));
    flow.Restart();
    SyncPoint(flow, ts, "after the restart");
    // Found shared through files.info: never uploaded or completed again.
    CHECK(flow.slack.Uploads().size() == 1);
    CHECK(flow.slack.Calls("files.completeUploadExternal").size() == 1);
  }
  auto uploads = Completed(flow);
  REQUIRE(uploads.size() == 1);
  CHECK(uploads[0].checksum == fake::FakeJira::Checksum(content));
  CHECK(uploads[0].thread_ts == ts);
  flow.Stop();
}

TEST_CASE("a 100 MB attachment reaches the thread with the daemon's memory bounded", "[e2e][attachments][rss]") {
  AttachmentFlow flow;
  flow.Start();
  std::string ts = flow.RaiseTicket("Database dump");
  long long before_kb = PeakRssKb(flow.daemon->pid());
#if defined(__SANITIZE_THREAD__)
  constexpr size_t kSize = 16 * 1024 * 1024;  // as files_e2e_test: TSan makes every byte slow
#else
  constexpr size_t kSize = 100 * 1024 * 1024;
#endif
  std::string content = Bytes(kSize);
  flow.jira.AddAgentAttachment("SUP-1", "Grace Hopper", "dump.sql", "application/sql", content,
                               AttachmentVisibility::kPublicComment);
  REQUIRE(flow.slack.WaitFor([&] { return Completed(flow).size() == 1; }, milliseconds(60000)));
  auto uploads = Completed(flow);
  CHECK(uploads[0].received == static_cast<long long>(kSize));
  CHECK(uploads[0].checksum == fake::FakeJira::Checksum(content));
  long long peak_kb = PeakRssKb(flow.daemon->pid());
  WARN("daemon peak RSS (VmHWM): " << peak_kb << " kB after uploading " << kSize / (1024 * 1024) << " MB (" << before_kb
                                   << " kB before)");
  CHECK(before_kb > 0);
  CHECK(peak_kb - before_kb < 32 * 1024);
  flow.Stop();
}
