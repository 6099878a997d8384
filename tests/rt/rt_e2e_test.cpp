// Request Tracker end to end (issue 13): the real daemon configured with
// `helpdesk = rt`, the fake Slack and a real RT 5 (rt_server.h). The whole
// flow (mention, form, ticket with the customer as requestor, relay of
// correspondence but never of comments, a Slack reply as correspondence
// without echo, status in Slack), the three SIGKILL cases with
// exactly-once results, and what `check` prints.
#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "curl_global.h"
#include "e2e_files.h"
#include "fake_jira.h"
#include "rt_server.h"
#include "slack_flow.h"

using namespace e2e;
using testing::RtServer;
using testing::RtTransaction;

namespace {

constexpr double kPollSeconds = 0.5;
// The contract's bound on a comment's trip: 2 x poll_interval + 2 s.
constexpr milliseconds kSyncBound{static_cast<long long>(2 * kPollSeconds * 1000) + 2000};

// RT has no way to tell when its state changes, so its side is watched by
// asking it again every 50 ms, within `timeout`.
bool WaitUntil(const std::function<bool()>& done, milliseconds timeout = kWait) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return true;
}

// What a finished `slackdesk check` printed, for failure messages.
// The "id" of a file object as the fake Slack hands it out.
std::string IdOf(const std::string& file_json) {
  rapidjson::Document doc;
  doc.Parse(file_json.c_str());
  return json::GetString(doc, "id");
}

std::string Output(const fake::DaemonProcess& check) {
  std::string out;
  for (const auto& line : check.Lines()) out += line + "\n";
  return out;
}

class RtFlow : public SlackFlow {
 public:
  RtFlow() {
    REQUIRE(rt.Ready());
    INFO(rt.StartReport());
    env = {
        {"SLACKDESK_SLACK_APP_TOKEN", fake::FakeSlack::kAppToken},
        {"SLACKDESK_SLACK_BOT_TOKEN", fake::FakeSlack::kBotToken},
        {"SLACKDESK_SLACK_API_URL", slack.api_url()},
        {"SLACKDESK_HELPDESK", "rt"},
        {"SLACKDESK_RT_URL", rt.BaseUrl()},
        {"SLACKDESK_RT_TOKEN", rt.BotToken()},
        {"SLACKDESK_RT_QUEUE", rt.Queue()},
        {"SLACKDESK_STATE_DB", dir.File("state.db")},
        {"SLACKDESK_POLL_INTERVAL", "0.5"},
        {"SLACKDESK_LOG_LEVEL", "debug"},
    };
  }

  // The queue's tickets.
  std::vector<long long> Tickets() {
    auto tickets = rt.Tickets();
    REQUIRE(tickets);
    return *tickets;
  }

  // The only ticket in the queue (the test fails if there is not exactly one).
  long long OnlyTicket() {
    auto tickets = Tickets();
    REQUIRE(tickets.size() == 1);
    return tickets[0];
  }

  std::vector<RtTransaction> History(long long ticket) {
    auto history = rt.Transactions(ticket);
    REQUIRE(history);
    return *history;
  }

  // The ticket's transactions of `type` whose text contains `needle`.
  std::vector<RtTransaction> Messages(long long ticket, const std::string& type, const std::string& needle) {
    std::vector<RtTransaction> found;
    for (const auto& t : History(ticket)) {
      if (t.type == type && t.content.find(needle) != std::string::npos) found.push_back(t);
    }
    return found;
  }

  bool WaitForMessage(long long ticket, const std::string& type, const std::string& needle) {
    return WaitUntil([&] { return !Messages(ticket, type, needle).empty(); });
  }

  bool WaitForRelay(const std::string& thread_ts, const std::string& needle) {
    return slack.WaitFor(
        [&] {
          auto relays = Relays(thread_ts);
          return std::any_of(relays.begin(), relays.end(),
                             [&](const fake::PostedMessage& m) { return m.text.find(needle) != std::string::npos; });
        },
        kWait);
  }

  // Sync point after a restart: a fresh agent reply reaches the thread and
  // a fresh customer reply reaches the ticket, so anything the restart
  // might still repeat would be there by now.
  void ExchangeFreshReplies(long long ticket, const std::string& thread_ts) {
    REQUIRE(rt.AddCorrespondence(ticket, "final word from the agent"));
    slack.PostAsUser(kChannel, kCustomer, "thanks, that settles it", thread_ts);
    REQUIRE(WaitForRelay(thread_ts, "final word from the agent"));
    REQUIRE(WaitForMessage(ticket, "Correspond", "thanks, that settles it"));
  }

  // The ticket's transactions that carry files, with their files.
  std::vector<std::pair<RtTransaction, std::vector<testing::RtFile>>> WithFiles(long long ticket) {
    std::vector<std::pair<RtTransaction, std::vector<testing::RtFile>>> out;
    for (const auto& t : History(ticket)) {
      if (t.type != "Correspond" && t.type != "Create") continue;
      auto files = rt.Files(t.id);
      REQUIRE(files);
      if (!files->empty()) out.emplace_back(t, *files);
    }
    return out;
  }

  // The uploads into Slack that were completed (shared in a thread).
  std::vector<fake::SlackUpload> CompletedUploads() const {
    std::vector<fake::SlackUpload> out;
    for (const auto& upload : slack.Uploads()) {
      if (upload.completed) out.push_back(upload);
    }
    return out;
  }

  RtServer rt;
};

}  // namespace

TEST_CASE("a mention becomes an RT ticket for the customer, confirmed in the thread with its key and link",
          "[e2e][rt]") {
  RtFlow flow;
  flow.Start();
  std::string ts = flow.MentionForForm("<@UBOT0001> The VPN drops every hour");
  std::string view_id = flow.OpenForm(ts);
  // RT has no request types: the form asks for the subject and description.
  auto view = flow.slack.Views().back();
  CHECK(view.view_json.find("Subject") != std::string::npos);
  CHECK(view.view_json.find("Description") != std::string::npos);
  flow.Submit(view_id, "VPN drops every hour");
  REQUIRE(flow.WaitForPost(ts, "Created"));

  long long id = flow.OnlyTicket();
  auto ticket = flow.rt.GetTicket(id);
  REQUIRE(ticket);
  INFO(ticket->json);
  CHECK(ticket->subject == "VPN drops every hour");
  CHECK(ticket->requestors == std::vector<std::string>{"ada@example.com"});
  CHECK(!ticket->custom_fields["slackdesk"].empty());
  auto created = flow.Messages(id, "Create", "It fails with error 500 since this morning.");
  REQUIRE(created.size() == 1);
  CHECK(created[0].creator == "slackdesk-bot");
  CHECK(created[0].content.find("Ada Lovelace") != std::string::npos);

  auto confirmation = flow.Posts(ts, "Created");
  REQUIRE(confirmation.size() == 1);
  std::string key = "#" + std::to_string(id);
  std::string link = flow.rt.BaseUrl() + "/Ticket/Display.html?id=" + std::to_string(id);
  CHECK(confirmation[0].text.find(key) != std::string::npos);
  CHECK(confirmation[0].blocks_json.find(link) != std::string::npos);
  flow.Stop();
}

TEST_CASE(
    "RT correspondence reaches the thread and comments never, a Slack reply becomes correspondence that never "
    "echoes, and status changes show in Slack",
    "[e2e][rt]") {
  RtFlow flow;
  flow.Start();
  std::string ts = flow.RaiseTicket("Printer jams");
  long long id = flow.OnlyTicket();

  // Agent to customer: the comment stays in RT, the correspondence is relayed.
  REQUIRE(flow.rt.AddComment(id, "Internal: this customer is on the legacy plan"));
  auto added = std::chrono::steady_clock::now();
  REQUIRE(flow.rt.AddCorrespondence(id, "Could you try reconnecting?"));
  REQUIRE(flow.slack.WaitFor([&] { return !flow.Relays(ts).empty(); }, kSyncBound + milliseconds(1000)));
  auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - added);
  INFO("relayed after " << took.count() << " ms");
  CHECK(took <= kSyncBound);
  auto relays = flow.Relays(ts);
  REQUIRE(relays.size() == 1);
  CHECK(relays[0].text.find("Could you try reconnecting?") != std::string::npos);

  // Customer to agent: correspondence by the bot, naming the customer.
  flow.slack.PostAsUser(kChannel, kCustomer, "It still jams on every page", ts);
  REQUIRE(flow.WaitForMessage(id, "Correspond", "It still jams on every page"));
  auto reply = flow.Messages(id, "Correspond", "It still jams on every page");
  REQUIRE(reply.size() == 1);
  CHECK(reply[0].creator == "slackdesk-bot");
  CHECK(reply[0].content.find("Ada Lovelace") != std::string::npos);

  // No echo: a later agent reply is relayed (so the bot's correspondence,
  // older than it, has been read by then) and the bot's own is not.
  REQUIRE(flow.rt.AddCorrespondence(id, "Thanks, looking into it"));
  REQUIRE(flow.WaitForRelay(ts, "Thanks, looking into it"));
  relays = flow.Relays(ts);
  CHECK(relays.size() == 2);
  for (const auto& message : flow.slack.Messages()) {
    CHECK(message.text.find("legacy plan") == std::string::npos);
    CHECK(message.blocks_json.find("legacy plan") == std::string::npos);
    if (message.method == "chat.postMessage") CHECK(message.text.find("It still jams") == std::string::npos);
  }

  // Status: the confirmation follows RT's status, resolving posts one note.
  auto confirmation = [&] { return flow.Posts(ts, "Created").at(0); };
  REQUIRE(flow.rt.SetStatus(id, "stalled"));
  REQUIRE(flow.slack.WaitFor([&] { return confirmation().text.find("stalled") != std::string::npos; }, kWait));
  REQUIRE(flow.rt.SetStatus(id, "resolved"));
  REQUIRE(flow.WaitForPost(ts, "is now resolved"));
  REQUIRE(flow.slack.WaitFor([&] { return confirmation().text.find("resolved") != std::string::npos; }, kWait));
  CHECK(flow.Posts(ts, "is now resolved").size() == 1);
  flow.Stop();
  // RT mailed the requestor (its scrips), so the requestor is a real one.
  CHECK(flow.rt.Mail().find("ada@example.com") != std::string::npos);
}

// No ';' in a test's name: catch_discover_tests would split it in two.
TEST_CASE("files shared in a reply become attachments of one RT correspondence, too large or empty ones are named",
          "[e2e][rt]") {
  RtFlow flow;
  flow.Start();
  std::string ts = flow.RaiseTicket("Scanner output is garbled");
  long long id = flow.OnlyTicket();
  std::string content = Bytes(70000);  // every byte value: a binary file
  std::string scan = flow.slack.AddFile(kCustomer, "scan.png", "image/png", content);
  std::string big = flow.slack.AddFile(kCustomer, "raw-scan.tiff", "image/tiff", std::string(11 * 1024 * 1024, 'x'));
  std::string empty = flow.slack.AddFile(kCustomer, "empty.txt", "text/plain", "");
  flow.slack.ShareFilesAsUser(kChannel, kCustomer, "the scans", "[" + scan + "," + big + "," + empty + "]", ts);
  REQUIRE(WaitUntil([&] { return !flow.WithFiles(id).empty(); }));
  auto carrying = flow.WithFiles(id);
  REQUIRE(carrying.size() == 1);
  const auto& [transaction, files] = carrying[0];
  INFO(transaction.content);
  // Public (correspondence), by the bot, naming who shared them and what
  // was not copied, with why.
  CHECK(transaction.type == "Correspond");
  CHECK(transaction.creator == "slackdesk-bot");
  CHECK(transaction.content.find("Ada Lovelace") != std::string::npos);
  CHECK(transaction.content.find("raw-scan.tiff not copied: 11 MB, limit 10 MB") != std::string::npos);
  CHECK(transaction.content.find("empty.txt not copied") != std::string::npos);
  REQUIRE(files.size() == 1);
  CHECK(files[0].filename == "scan.png");
  CHECK(files[0].content_type == "image/png");
  CHECK(files[0].content == content);
  // The thread says what was not copied, once.
  REQUIRE(flow.WaitForPost(ts, "not copied"));
  auto notes = flow.Posts(ts, "not copied");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].text.find("raw-scan.tiff not copied: 11 MB, limit 10 MB") != std::string::npos);
  CHECK(flow.slack.FileDownloads(IdOf(big)) == 0);  // known too large from the event
  // The bot's correspondence never comes back: a later agent reply is
  // relayed alone.
  flow.ExchangeFreshReplies(id, ts);
  auto relays = flow.Relays(ts);
  REQUIRE(relays.size() == 1);
  CHECK(relays[0].text.find("final word from the agent") != std::string::npos);
  flow.Stop();
}

TEST_CASE("an agent's files in RT reach the thread, those of comments and the bot's own never", "[e2e][rt]") {
  RtFlow flow;
  flow.Start();
  std::string ts = flow.RaiseTicket("Printer driver missing");
  long long id = flow.OnlyTicket();
  // The customer's file goes to RT as the bot's: it must not come back.
  std::string mine = flow.slack.AddFile(kCustomer, "jam.jpg", "image/jpeg", Bytes(3000));
  flow.slack.ShareFilesAsUser(kChannel, kCustomer, "photo of the jam", "[" + mine + "]", ts);
  REQUIRE(WaitUntil([&] { return !flow.WithFiles(id).empty(); }));
  std::string manual = Bytes(150000);
  REQUIRE(flow.rt.AddMessageWithFile(id, "comment", "Internal: the old driver",
                                     testing::RtFile{0, "old-driver.txt", "text/plain", "legacy"}));
  REQUIRE(flow.rt.AddMessageWithFile(id, "correspond", "Here is the manual",
                                     testing::RtFile{0, "manual.pdf", "application/pdf", manual}));
  REQUIRE(flow.slack.WaitFor([&] { return !flow.CompletedUploads().empty(); }, milliseconds(20000)));
  // Sync point: whatever else would come over has come by then.
  flow.ExchangeFreshReplies(id, ts);
  auto uploads = flow.CompletedUploads();
  REQUIRE(uploads.size() == 1);
  CHECK(flow.slack.Uploads().size() == 1);  // nothing uploaded and left
  CHECK(uploads[0].filename == "manual.pdf");
  CHECK(uploads[0].received == static_cast<long long>(manual.size()));
  CHECK(uploads[0].checksum == fake::FakeJira::Checksum(manual));
  CHECK(uploads[0].thread_ts == ts);
  CHECK(uploads[0].initial_comment.find("Alice Agent") != std::string::npos);
  CHECK(uploads[0].initial_comment.find("#" + std::to_string(id)) != std::string::npos);
  REQUIRE(flow.WaitForRelay(ts, "Here is the manual"));
  for (const auto& message : flow.slack.Messages()) CHECK(message.text.find("old driver") == std::string::npos);
  flow.Stop();
}

TEST_CASE("an agent's 24 MB file in RT reaches the thread with the daemon's memory bounded", "[e2e][rt]") {
  RtFlow flow;
  flow.Start();
  std::string ts = flow.RaiseTicket("Database dump");
  long long id = flow.OnlyTicket();
  long long before_kb = PeakRssKb(flow.daemon->pid());
#if defined(__SANITIZE_THREAD__)
  constexpr size_t kSize = 4 * 1024 * 1024;  // ThreadSanitizer makes every byte slow
#else
  // RT takes files in base64 JSON and holds them whole several times over
  // (about 20 times the file in its worker): 24 MB keeps it within a test's
  // time and memory, and is still larger than anything the daemon holds.
  constexpr size_t kSize = 24 * 1024 * 1024;
#endif
  std::string content = Bytes(kSize);
  REQUIRE(flow.rt.AddMessageWithFile(id, "correspond", "the dump you asked for",
                                     testing::RtFile{0, "dump.sql", "application/sql", content}));
  bool uploaded = flow.slack.WaitFor([&] { return !flow.CompletedUploads().empty(); }, milliseconds(90000));
  INFO(flow.Log());
  REQUIRE(uploaded);
  auto upload = flow.CompletedUploads().front();
  CHECK(upload.received == static_cast<long long>(kSize));
  CHECK(upload.checksum == fake::FakeJira::Checksum(content));
  long long peak_kb = PeakRssKb(flow.daemon->pid());
  WARN("daemon peak RSS (VmHWM): " << peak_kb << " kB after an RT file of " << kSize / (1024 * 1024) << " MB ("
                                   << before_kb << " kB before)");
  // Decoded in its file a chunk at a time: the copy adds far less than the
  // file (or its base64, a third larger) would.
  CHECK(before_kb > 0);
  CHECK(peak_kb - before_kb < 12 * 1024);
  flow.Stop();
}

TEST_CASE("a daemon killed after RT recorded a reply's files records them once", "[e2e][rt]") {
  RtFlow flow;
  flow.Start();
  std::string ts = flow.RaiseTicket("Crash during a file copy");
  long long id = flow.OnlyTicket();
  std::string log = flow.slack.AddFile(kCustomer, "crash.log", "text/plain", "segfault at 0x0\n");
  flow.slack.ShareFilesAsUser(kChannel, kCustomer, "the log", "[" + log + "]", ts);
  REQUIRE(WaitUntil([&] { return !flow.WithFiles(id).empty(); }));
  flow.Restart();
  flow.ExchangeFreshReplies(id, ts);
  auto carrying = flow.WithFiles(id);
  REQUIRE(carrying.size() == 1);
  REQUIRE(carrying[0].second.size() == 1);
  CHECK(carrying[0].second[0].content == "segfault at 0x0\n");
  flow.Stop();
}

TEST_CASE("a daemon killed right after RT created the ticket yields one ticket and one confirmation", "[e2e][rt]") {
  RtFlow flow;
  std::string ts = flow.StartWithMention("<@UBOT0001> lost answer");
  flow.Submit(flow.OpenForm(ts), "Lost answer");
  REQUIRE(WaitUntil([&] { return !flow.Tickets().empty(); }));
  flow.Restart();
  REQUIRE(flow.WaitForPost(ts, "Created"));
  long long id = flow.OnlyTicket();
  REQUIRE(flow.slack.WaitFor([&] { return !flow.Posts(ts, "#" + std::to_string(id)).empty(); }, kWait));
  CHECK(flow.Posts(ts, "Created").size() == 1);
  // The sync still works on the one ticket.
  flow.ExchangeFreshReplies(id, ts);
  CHECK(flow.Tickets().size() == 1);
  flow.Stop();
}

TEST_CASE("a daemon killed after RT recorded a reply records it once", "[e2e][rt]") {
  RtFlow flow;
  flow.Start();
  std::string ts = flow.RaiseTicket("Crash during a reply");
  long long id = flow.OnlyTicket();
  flow.slack.PostAsUser(kChannel, kCustomer, "customer reply during the crash", ts);
  REQUIRE(flow.WaitForMessage(id, "Correspond", "customer reply during the crash"));
  flow.Restart();
  flow.ExchangeFreshReplies(id, ts);
  CHECK(flow.Messages(id, "Correspond", "customer reply during the crash").size() == 1);
  CHECK(flow.Relays(ts).size() == 1);  // the agent's, never the customer's own
  flow.Stop();
}

TEST_CASE("a daemon killed after a relay delivers each correspondence once and in order", "[e2e][rt]") {
  RtFlow flow;
  flow.Start();
  std::string ts = flow.RaiseTicket("Crash during a relay");
  long long id = flow.OnlyTicket();
  REQUIRE(flow.rt.AddCorrespondence(id, "step 1 of the fix"));
  REQUIRE(flow.rt.AddCorrespondence(id, "step 2 of the fix"));
  REQUIRE(flow.WaitForRelay(ts, "step 1 of the fix"));
  flow.Restart();
  flow.ExchangeFreshReplies(id, ts);
  auto relays = flow.Relays(ts);
  REQUIRE(relays.size() == 3);
  CHECK(relays[0].text.find("step 1 of the fix") != std::string::npos);
  CHECK(relays[1].text.find("step 2 of the fix") != std::string::npos);
  CHECK(relays[2].text.find("final word from the agent") != std::string::npos);
  flow.Stop();
}

TEST_CASE("check names the RT user, the queue and the marker field, and says how to fix each", "[e2e][rt][check]") {
  RtFlow flow;
  {
    fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, flow.env);
    CHECK(check.Wait(kWait) == 0);
    INFO(Output(check));
    CHECK(check.WaitForLog("ok   rt user (rt_url, rt_token): ", milliseconds(1000)) >= 0);
    CHECK(check.WaitForLog("(RT user slackdesk-bot)", milliseconds(1000)) >= 0);
    CHECK(check.WaitForLog("ok   rt queue (rt_queue): queue 'Support'", milliseconds(1000)) >= 0);
    CHECK(check.WaitForLog("ok   rt marker field (rt_marker_field): ticket custom field 'slackdesk' applies to "
                           "queue 'Support'",
                           milliseconds(1000)) >= 0);
  }
  {
    auto env = flow.env;
    env["SLACKDESK_RT_MARKER_FIELD"] = "SlackThread";
    fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, env);
    CHECK(check.Wait(kWait) == 1);
    CHECK(check.WaitForLog("FAIL rt marker field (rt_marker_field): no ticket custom field 'SlackThread' applies to "
                           "queue 'Support'",
                           milliseconds(1000)) >= 0);
    CHECK(check.WaitForLog("Admin > Custom Fields > Create", milliseconds(1000)) >= 0);
  }
  {
    auto env = flow.env;
    env["SLACKDESK_RT_QUEUE"] = "Nowhere";
    fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, env);
    CHECK(check.Wait(kWait) == 1);
    CHECK(check.WaitForLog("FAIL rt queue (rt_queue): queue 'Nowhere' not found", milliseconds(1000)) >= 0);
  }
  auto env = flow.env;
  env["SLACKDESK_RT_TOKEN"] = "1-99-0123456789abcdef";
  fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, env);
  CHECK(check.Wait(kWait) == 1);
  CHECK(check.WaitForLog("FAIL rt user (rt_url, rt_token): ", milliseconds(1000)) >= 0);
  for (const auto& line : check.Lines()) CHECK(line.find("0123456789abcdef") == std::string::npos);
}
