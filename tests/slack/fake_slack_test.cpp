// The fake Slack itself, over real HTTP and WebSockets on 127.0.0.1: the Web
// API methods beyond chat.postMessage (views.open, chat.update,
// chat.getPermalink, users.info, conversations.replies), the interactive
// helpers that mint real trigger ids, and the post rate limit. The fake must
// answer like Slack (slack-facts.md §2–§4), or the daemon's tests prove
// nothing.
#include <thread>

#include "fake_slack_fixture.h"
#include "util/strings.h"

using slack::socket_mode::FrameKind;
using namespace fake_slack_testing;  // the fixture and its helpers

// --- views.open ---------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "views.open opens a modal and echoes it with id, hash and empty state", "[fake_slack]") {
  std::string trigger = slack.IssueTriggerId("U0CUSTOMER");
  auto reply = Ok("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, kModal));
  const auto& view = Member(reply, "view");
  std::string id = Str(view, "id");
  CHECK(util::StartsWith(id, "V"));
  CHECK(Str(view, "type") == "modal");
  CHECK(Str(view, "callback_id") == "ticket_form");
  CHECK(Str(view, "private_metadata") == R"({"thread":"1700000000.000100"})");
  CHECK_FALSE(Str(view, "hash").empty());
  CHECK(Str(view, "root_view_id") == id);
  CHECK(Str(Member(view, "title"), "text") == "New ticket");
  REQUIRE(Member(view, "blocks").IsArray());
  CHECK(Count(Member(view, "blocks")) == 1);
  REQUIRE(Member(Member(view, "state"), "values").IsObject());
  CHECK(Member(Member(view, "state"), "values").ObjectEmpty());

  REQUIRE(slack.WaitForViews(1));
  auto views = slack.Views();
  REQUIRE(views.size() == 1);
  CHECK(views[0].id == id);
  CHECK(views[0].user == "U0CUSTOMER");
  CHECK(views[0].trigger_id == trigger);
  CHECK(views[0].callback_id == "ticket_form");
  CHECK(views[0].hash == Str(view, "hash"));
  CHECK(Str(Parse(views[0].view_json), "id") == id);

  // The view may also arrive as a string holding JSON (form encoding).
  std::string second = slack.IssueTriggerId("U0OTHER");
  auto form = Raw("views.open", "trigger_id=" + second + "&view=" + kModal, "application/x-www-form-urlencoded");
  // ParseForm decodes '+' as a space: the modal above has none.
  CHECK(json::GetBool(Parse(form.body), "ok", false));
  auto as_string = slack.IssueTriggerId("U0OTHER");
  auto quoted = Ok("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", as_string, json::Quote(kModal)));
  CHECK(Str(Member(quoted, "view"), "callback_id") == "ticket_form");
  REQUIRE(slack.Views().size() == 3);
  CHECK(slack.Views()[2].user == "U0OTHER");
}

TEST_CASE_METHOD(Fixture, "views.open refuses a trigger id that was used, is unknown or is older than 3 s",
                 "[fake_slack]") {
  std::string trigger = slack.IssueTriggerId("U0CUSTOMER");
  std::string body = fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, kModal);
  Ok("views.open", body);
  CHECK(Fails("views.open", body) == "views.open: exchanged_trigger_id");

  CHECK(Fails("views.open", fmt::format(R"({{"trigger_id":"123.456.abc","view":{}}})", kModal)) ==
        "views.open: invalid_trigger_id");

  std::string old = slack.IssueTriggerId("U0CUSTOMER");
  std::this_thread::sleep_for(milliseconds(3100));  // expiry is time-based: nothing to wait on
  CHECK(Fails("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", old, kModal)) ==
        "views.open: expired_trigger_id");
  CHECK(slack.Views().size() == 1);
}

TEST_CASE_METHOD(Fixture, "views.open refuses an invalid modal with Slack's pointer and a view over 250 kB",
                 "[fake_slack]") {
  std::string trigger = slack.IssueTriggerId("U0CUSTOMER");
  std::string long_title =
      R"({"type":"modal","title":{"type":"plain_text","text":"A title far over the limit"},"blocks":[]})";
  auto raw = Raw("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, long_title));
  CHECK(raw.status == 200);
  auto reply = Parse(raw.body);
  CHECK(Str(reply, "error") == "invalid_arguments");
  const auto& messages = Member(Member(reply, "response_metadata"), "messages");
  REQUIRE(messages.IsArray());
  REQUIRE(Count(messages) == 1);
  std::string message = messages[0].GetString();
  CHECK(util::StartsWith(message, "[ERROR] view.title.text"));
  CHECK(message.find("26 characters") != std::string::npos);
  CHECK(
      Fails("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, long_title)).find("view.title") !=
      std::string::npos);

  std::string blocks;
  for (int i = 0; i < 100; ++i) {
    blocks += fmt::format(R"({}{{"type":"section","text":{{"type":"mrkdwn","text":"{}"}}}})", i == 0 ? "" : ",",
                          std::string(2990, 'x'));
  }
  std::string huge = R"({"type":"modal","title":{"type":"plain_text","text":"Big"},"blocks":[)" + blocks + "]}";
  REQUIRE(huge.size() > 250 * 1024);
  CHECK(Fails("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, huge)) ==
        "views.open: view_too_large");

  // A refused view does not use up the trigger.
  Ok("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, kModal));
  CHECK(slack.Views().size() == 1);
}

// --- chat.update, chat.getPermalink -----------------------------------------------

TEST_CASE_METHOD(Fixture, "chat.update edits the message in place and keeps its history", "[fake_slack]") {
  std::string ts = Post("C0SUPPORT", "Ticket HELP-1 created",
                        R"(,"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"HELP-1"}}])");
  auto reply = Ok(
      "chat.update",
      fmt::format(
          R"({{"channel":"C0SUPPORT","ts":"{}","text":"HELP-1 resolved","blocks":[{{"type":"section","text":{{"type":"mrkdwn","text":"*Resolved*"}}}}],"metadata":{{"event_type":"ticket","event_payload":{{"key":"HELP-1"}}}}}})",
          ts));
  CHECK(Str(reply, "channel") == "C0SUPPORT");
  CHECK(Str(reply, "ts") == ts);
  CHECK(Str(reply, "text") == "HELP-1 resolved");

  auto messages = slack.Messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].ts == ts);
  CHECK(messages[0].text == "HELP-1 resolved");
  CHECK(messages[0].blocks_json.find("*Resolved*") != std::string::npos);
  CHECK(messages[0].metadata_json.find("HELP-1") != std::string::npos);
  CHECK(messages[0].edit_count == 1);
  REQUIRE(messages[0].history.size() == 1);
  CHECK(messages[0].history[0].text == "Ticket HELP-1 created");
  CHECK(messages[0].history[0].blocks_json.find("HELP-1") != std::string::npos);

  // Absent fields are kept, blocks:[] removes the blocks.
  Ok("chat.update", fmt::format(R"({{"channel":"C0SUPPORT","ts":"{}","blocks":[]}})", ts));
  messages = slack.Messages();
  CHECK(messages[0].text == "HELP-1 resolved");
  CHECK(messages[0].blocks_json.empty());
  CHECK(messages[0].edit_count == 2);
}

TEST_CASE_METHOD(Fixture, "chat.update refuses unknown messages, text over 4000 characters and bad blocks",
                 "[fake_slack]") {
  std::string ts = Post("C0SUPPORT", "original");
  CHECK(Fails("chat.update", R"({"channel":"C0SUPPORT","ts":"1600000000.000001","text":"x"})") ==
        "chat.update: message_not_found (channel C0SUPPORT)");
  CHECK(Fails("chat.update", fmt::format(R"({{"channel":"C0OTHER","ts":"{}","text":"x"}})", ts)) ==
        "chat.update: message_not_found (channel C0OTHER)");
  CHECK(Fails("chat.update", fmt::format(R"({{"channel":"C0SUPPORT","ts":"{}","text":"{}"}})", ts,
                                         std::string(4001, 'x'))) == "chat.update: msg_too_long (channel C0SUPPORT)");
  CHECK(
      Fails(
          "chat.update",
          fmt::format(
              R"({{"channel":"C0SUPPORT","ts":"{}","blocks":[{{"type":"header","text":{{"type":"plain_text","text":"{}"}}}}]}})",
              ts, std::string(151, 'h')))
          .find("invalid_blocks") != std::string::npos);
  CHECK(slack.Messages()[0].text == "original");
  CHECK(slack.Messages()[0].edit_count == 0);
  // 4000 characters (not bytes) are fine.
  std::string umlauts;
  for (int i = 0; i < 4000; ++i) umlauts += "\xc3\xa4";
  Ok("chat.update", fmt::format(R"({{"channel":"C0SUPPORT","ts":"{}","text":"{}"}})", ts, umlauts));
  CHECK(slack.Messages()[0].edit_count == 1);
}

TEST_CASE_METHOD(Fixture, "chat.getPermalink builds Slack's archive link", "[fake_slack]") {
  auto reply = Ok("chat.getPermalink", R"({"channel":"C0SUPPORT","message_ts":"1700000000.000200"})");
  CHECK(Str(reply, "channel") == "C0SUPPORT");
  CHECK(Str(reply, "permalink") == "https://fake.slack.test/archives/C0SUPPORT/p1700000000000200");
  // Slack's own SDKs send this read as a form.
  auto form =
      Raw("chat.getPermalink", "channel=C0OTHER&message_ts=1700000001.000300", "application/x-www-form-urlencoded");
  CHECK(Str(Parse(form.body), "permalink") == "https://fake.slack.test/archives/C0OTHER/p1700000001000300");
  CHECK(Fails("chat.getPermalink", R"({"channel":"","message_ts":"1700000000.000200"})") ==
        "chat.getPermalink: channel_not_found");
}

// --- users.info -----------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "users.info returns the profile and the email only when Slack would", "[fake_slack]") {
  slack.AddUser("U0CUSTOMER", "Ada Lovelace", "ada", "ada@example.com");
  slack.AddUser("U0NOEMAIL", "Charles Babbage", "", "");

  auto ada = Ok("users.info", R"({"user":"U0CUSTOMER"})");
  const auto& user = Member(ada, "user");
  CHECK(Str(user, "id") == "U0CUSTOMER");
  CHECK(Str(user, "team_id") == "T0001");
  CHECK(Str(user, "name") == "ada");
  CHECK(Str(user, "real_name") == "Ada Lovelace");
  CHECK(Member(user, "is_bot").IsFalse());
  CHECK(Str(Member(user, "profile"), "real_name") == "Ada Lovelace");
  CHECK(Str(Member(user, "profile"), "display_name") == "ada");
  CHECK(Str(Member(user, "profile"), "email") == "ada@example.com");

  auto charles = Ok("users.info", R"({"user":"U0NOEMAIL"})");
  const auto& profile = Member(Member(charles, "user"), "profile");
  CHECK(Str(profile, "display_name").empty());
  CHECK_FALSE(profile.HasMember("email"));

  auto bot = Ok("users.info", fmt::format(R"({{"user":"{}"}})", fake::FakeSlack::kBotUserId));
  CHECK(Member(Member(bot, "user"), "is_bot").IsTrue());

  CHECK(Fails("users.info", R"({"user":"U0NOBODY"})") == "users.info: user_not_found");
}

// --- conversations.replies ---------------------------------------------------------

TEST_CASE_METHOD(Fixture, "conversations.replies returns the thread in ts order with metadata only on request",
                 "[fake_slack]") {
  std::string metadata = R"(,"metadata":{"event_type":"slackdesk_ticket","event_payload":{"key":"HELP-7"}})";
  std::string parent = Post("C0SUPPORT", "HELP-7 created", metadata);
  std::string bot_reply = Post("C0SUPPORT", "Working on it", fmt::format(R"(,"thread_ts":"{}"{})", parent, metadata));
  slack.PostAsUser("C0SUPPORT", "U0CUSTOMER", "Thanks!", parent);  // no socket: stored only
  std::string human_reply = slack.UserMessages().back().ts;
  Post("C0SUPPORT", "elsewhere");  // not in the thread

  auto plain = Ok("conversations.replies", fmt::format(R"({{"channel":"C0SUPPORT","ts":"{}"}})", parent));
  const auto& messages = Member(plain, "messages");
  REQUIRE(Count(messages) == 3);
  CHECK(Str(messages[0], "ts") == parent);
  CHECK(Str(messages[0], "user") == fake::FakeSlack::kBotUserId);
  CHECK(Str(messages[0], "bot_id") == fake::FakeSlack::kBotId);
  CHECK(Str(messages[0], "thread_ts") == parent);
  CHECK(Str(messages[1], "ts") == bot_reply);
  CHECK(Str(messages[1], "text") == "Working on it");
  CHECK(Str(messages[2], "ts") == human_reply);
  CHECK(Str(messages[2], "user") == "U0CUSTOMER");
  CHECK_FALSE(messages[2].HasMember("bot_id"));
  CHECK(Str(messages[2], "thread_ts") == parent);
  CHECK(Str(messages[2], "parent_user_id") == fake::FakeSlack::kBotUserId);
  for (const auto& message : messages.GetArray()) {
    CHECK(Str(message, "type") == "message");
    CHECK_FALSE(message.HasMember("metadata"));
  }
  CHECK(json::GetBool(plain, "has_more", true) == false);

  // include_all_metadata as JSON true and as the form string "true".
  auto with = Ok("conversations.replies",
                 fmt::format(R"({{"channel":"C0SUPPORT","ts":"{}","include_all_metadata":true}})", parent));
  auto form =
      Parse(Raw("conversations.replies", fmt::format("channel=C0SUPPORT&ts={}&include_all_metadata=true", parent),
                "application/x-www-form-urlencoded")
                .body);
  for (const rapidjson::Document* reply : {&with, &form}) {
    const auto& all = Member(*reply, "messages");
    REQUIRE(Count(all) == 3);
    for (rapidjson::SizeType i : {0u, 1u}) {
      const auto& meta = Member(all[i], "metadata");
      CHECK(Str(meta, "event_type") == "slackdesk_ticket");
      CHECK(Str(Member(meta, "event_payload"), "key") == "HELP-7");
    }
    CHECK_FALSE(all[2].HasMember("metadata"));
  }

  // A thread under a customer's message injected by the test.
  slack.AddThreadParent("C0SUPPORT", "1690000000.000100", "U0CUSTOMER", "My printer is on fire");
  Post("C0SUPPORT", "Ticket HELP-8", R"(,"thread_ts":"1690000000.000100")");
  auto customer = Ok("conversations.replies", R"({"channel":"C0SUPPORT","ts":"1690000000.000100"})");
  REQUIRE(Count(Member(customer, "messages")) == 2);
  CHECK(Str(Member(customer, "messages")[0], "user") == "U0CUSTOMER");
  CHECK(Str(Member(customer, "messages")[1], "parent_user_id") == "U0CUSTOMER");

  CHECK(Fails("conversations.replies", R"({"channel":"C0SUPPORT","ts":"1600000000.000001"})") ==
        "conversations.replies: thread_not_found (channel C0SUPPORT)");
}

TEST_CASE_METHOD(Fixture, "conversations.replies pages with limit and cursor and caps a page at 200", "[fake_slack]") {
  std::string parent = Post("C0SUPPORT", "parent");
  for (int i = 0; i < 5; ++i) slack.PostAsUser("C0SUPPORT", "U0CUSTOMER", fmt::format("reply {}", i), parent);

  std::vector<std::string> texts;
  std::string cursor;
  int pages = 0;
  do {
    std::string args = fmt::format(R"({{"channel":"C0SUPPORT","ts":"{}","limit":2{}}})", parent,
                                   cursor.empty() ? "" : fmt::format(R"(,"cursor":"{}")", cursor));
    auto page = Ok("conversations.replies", args);
    REQUIRE(Count(Member(page, "messages")) <= 2);
    for (const auto& message : Member(page, "messages").GetArray()) texts.push_back(Str(message, "text"));
    cursor = Str(Member(page, "response_metadata"), "next_cursor");
    CHECK(json::GetBool(page, "has_more", false) == !cursor.empty());
    ++pages;
  } while (!cursor.empty() && pages < 10);
  CHECK(pages == 3);
  CHECK(texts == std::vector<std::string>{"parent", "reply 0", "reply 1", "reply 2", "reply 3", "reply 4"});

  for (int i = 5; i < 205; ++i) slack.PostAsUser("C0SUPPORT", "U0CUSTOMER", fmt::format("reply {}", i), parent);
  auto first = Ok("conversations.replies", fmt::format(R"({{"channel":"C0SUPPORT","ts":"{}"}})", parent));
  CHECK(Count(Member(first, "messages")) == 200);  // default limit 1000, but at most 200 a page
  std::string next = Str(Member(first, "response_metadata"), "next_cursor");
  REQUIRE_FALSE(next.empty());
  auto rest = Ok("conversations.replies",
                 fmt::format(R"({{"channel":"C0SUPPORT","ts":"{}","limit":500,"cursor":"{}"}})", parent, next));
  REQUIRE(Count(Member(rest, "messages")) == 6);
  CHECK(Str(Member(rest, "messages")[5], "text") == "reply 204");
  CHECK_FALSE(json::GetBool(rest, "has_more", true));

  CHECK(Fails("conversations.replies",
              fmt::format(R"({{"channel":"C0SUPPORT","ts":"{}","cursor":"bm90IGEgY3Vyc29y"}})", parent)) ==
        "conversations.replies: invalid_cursor (channel C0SUPPORT)");
}

// --- Interactive helpers over Socket Mode -----------------------------------------------

TEST_CASE_METHOD(Fixture, "ClickButton sends a block_actions envelope whose trigger opens a modal", "[fake_slack]") {
  SocketReader reader(slack);
  std::string parent = Post("C0SUPPORT", "Need help");
  std::string ts = Post(
      "C0SUPPORT", "Create a ticket?",
      fmt::format(
          R"(,"thread_ts":"{}","blocks":[{{"type":"section","text":{{"type":"mrkdwn","text":"Create a ticket?"}}}},)"
          R"({{"type":"actions","block_id":"ticket_actions","elements":[{{"type":"button","action_id":"open_form","text":{{"type":"plain_text","text":"Create ticket"}},"value":"create:1"}}]}}])",
          parent));
  std::string envelope = slack.ClickButton("", "C0SUPPORT", parent, "U0CUSTOMER", "open_form", "");
  REQUIRE_FALSE(envelope.empty());
  std::string text = reader.WaitForEnvelope(envelope);
  REQUIRE_FALSE(text.empty());

  auto frame = ParseFrame(text);
  CHECK(frame.kind == FrameKind::kEnvelope);
  CHECK(frame.type == "interactive");
  auto payload = Parse(frame.payload_json);
  CHECK(Str(payload, "type") == "block_actions");
  const auto& container = Member(payload, "container");
  CHECK(Str(container, "type") == "message");
  CHECK(Str(container, "channel_id") == "C0SUPPORT");
  CHECK(Str(container, "message_ts") == ts);
  CHECK(Str(container, "thread_ts") == parent);
  CHECK(Str(Member(payload, "channel"), "id") == "C0SUPPORT");
  CHECK(Str(Member(payload, "user"), "id") == "U0CUSTOMER");
  CHECK(Str(Member(payload, "team"), "id") == "T0001");
  const auto& message = Member(payload, "message");
  CHECK(Str(message, "ts") == ts);
  CHECK(Str(message, "thread_ts") == parent);
  CHECK(Str(message, "bot_id") == fake::FakeSlack::kBotId);
  CHECK(Count(Member(message, "blocks")) == 2);
  REQUIRE(Count(Member(payload, "actions")) == 1);
  const auto& action = Member(payload, "actions")[0];
  CHECK(Str(action, "type") == "button");
  CHECK(Str(action, "action_id") == "open_form");
  CHECK(Str(action, "block_id") == "ticket_actions");
  CHECK(Str(action, "value") == "create:1");  // the button's own value when none is given
  CHECK(Str(Member(action, "text"), "text") == "Create ticket");
  std::string action_ts = Str(action, "action_ts");
  CHECK_FALSE(action_ts.empty());
  CHECK(frame.dedupe_keys == std::vector<std::string>{fmt::format("action:U0CUSTOMER:{}", action_ts)});

  // The trigger is real: it opens a modal once.
  std::string trigger = Str(payload, "trigger_id");
  REQUIRE_FALSE(trigger.empty());
  Ok("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, kModal));
  REQUIRE(slack.Views().size() == 1);
  CHECK(slack.Views()[0].user == "U0CUSTOMER");

  // A second click is a new action with a new trigger.
  std::string again = slack.ClickButton(ts, "C0SUPPORT", parent, "U0CUSTOMER", "open_form", "other");
  auto second = ParseFrame(reader.WaitForEnvelope(again));
  auto second_payload = Parse(second.payload_json);
  REQUIRE(Count(Member(second_payload, "actions")) == 1);
  CHECK(Str(Member(second_payload, "actions")[0], "value") == "other");
  CHECK(Str(second_payload, "trigger_id") != trigger);
  REQUIRE(second.dedupe_keys.size() == 1);
  CHECK(second.dedupe_keys[0] != frame.dedupe_keys[0]);
}

TEST_CASE_METHOD(Fixture, "SubmitView sends a view_submission envelope with the stored view and the given state",
                 "[fake_slack]") {
  SocketReader reader(slack);
  std::string view_id = OpenModal("U0CUSTOMER");
  auto opened = slack.Views().at(0);
  std::string envelope = slack.SubmitView(
      view_id, "U0CUSTOMER", R"({"summary":{"summary_input":{"type":"plain_text_input","value":"Printer on fire"}}})");
  REQUIRE_FALSE(envelope.empty());
  auto frame = ParseFrame(reader.WaitForEnvelope(envelope));
  CHECK(frame.kind == FrameKind::kEnvelope);
  CHECK(frame.type == "interactive");
  CHECK(frame.dedupe_keys == std::vector<std::string>{"view:" + view_id});

  auto payload = Parse(frame.payload_json);
  CHECK(Str(payload, "type") == "view_submission");
  CHECK(Str(Member(payload, "user"), "id") == "U0CUSTOMER");
  CHECK_FALSE(Str(payload, "trigger_id").empty());
  const auto& view = Member(payload, "view");
  CHECK(Str(view, "id") == view_id);
  CHECK(Str(view, "hash") == opened.hash);
  CHECK(Str(view, "callback_id") == "ticket_form");
  CHECK(Str(view, "private_metadata") == R"({"thread":"1700000000.000100"})");
  CHECK(Count(Member(view, "blocks")) == 1);
  const auto& value = Member(Member(Member(Member(view, "state"), "values"), "summary"), "summary_input");
  CHECK(Str(value, "type") == "plain_text_input");
  CHECK(Str(value, "value") == "Printer on fire");

  CHECK(slack.SubmitView("VUNKNOWN", "U0CUSTOMER", "{}").empty());
  CHECK(slack.SubmitView(view_id, "U0CUSTOMER", "[]").empty());
}

TEST_CASE_METHOD(Fixture, "PostAsUser stores the reply and sends its message event", "[fake_slack]") {
  SocketReader reader(slack);
  std::string parent = Post("C0SUPPORT", "HELP-9 created");
  std::string envelope = slack.PostAsUser("C0SUPPORT", "U0CUSTOMER", "Any news?", parent);
  REQUIRE_FALSE(envelope.empty());
  std::string ts = slack.UserMessages().back().ts;
  CHECK(ts != parent);
  auto frame = ParseFrame(reader.WaitForEnvelope(envelope));
  CHECK(frame.type == "events_api");
  CHECK(frame.dedupe_keys == std::vector<std::string>{"msg:C0SUPPORT:" + ts});
  auto payload = Parse(frame.payload_json);
  CHECK(util::StartsWith(Str(payload, "event_id"), "Ev"));
  const auto& event = Member(payload, "event");
  CHECK(Str(event, "type") == "message");
  CHECK(Str(event, "user") == "U0CUSTOMER");
  CHECK(Str(event, "text") == "Any news?");
  CHECK(Str(event, "thread_ts") == parent);
  CHECK(Str(event, "parent_user_id") == fake::FakeSlack::kBotUserId);

  auto thread = Ok("conversations.replies", fmt::format(R"({{"channel":"C0SUPPORT","ts":"{}"}})", parent));
  REQUIRE(Count(Member(thread, "messages")) == 2);
  CHECK(Str(Member(thread, "messages")[1], "ts") == ts);
  CHECK(slack.Messages().size() == 1);  // bot messages only
}

// --- Post rate limit ----------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "the post rate limit allows bursts of 3 per channel a second, then answers 429",
                 "[fake_slack]") {
  for (int i = 0; i < 5; ++i) Post("C0SUPPORT", fmt::format("unlimited {}", i));  // off by default
  slack.SetPostRateLimit(true);
  for (int i = 0; i < 3; ++i) {
    auto ok = Raw("chat.postMessage", fmt::format(R"({{"channel":"C0LIMITED","text":"burst {}"}})", i));
    CHECK(ok.status == 200);
  }
  auto limited = Raw("chat.postMessage", R"({"channel":"C0LIMITED","text":"one too many"})");
  CHECK(limited.status == 429);
  CHECK(limited.Header("retry-after") == "1");
  CHECK(Str(Parse(limited.body), "error") == "ratelimited");
  CHECK_FALSE(json::GetBool(Parse(limited.body), "ok", true));
  CHECK(Raw("chat.postMessage", R"({"channel":"C0OTHER","text":"another channel"})").status == 200);

  // A client that honours Retry-After gets through once the window moved on.
  auto options = Options();
  options.max_attempts = 2;
  WebApiClient patient(http, options);
  auto start = std::chrono::steady_clock::now();
  REQUIRE(patient.Call("chat.postMessage", R"({"channel":"C0LIMITED","text":"after waiting"})", Retry::kUnsafe));
  CHECK(std::chrono::steady_clock::now() - start >= milliseconds(900));
  size_t limited_posts = 0;
  for (const auto& message : slack.Messages()) limited_posts += message.channel == "C0LIMITED" ? 1 : 0;
  CHECK(limited_posts == 4);  // the refused one was not posted

  slack.SetPostRateLimit(false);
  for (int i = 0; i < 4; ++i) CHECK(Raw("chat.postMessage", R"({"channel":"C0LIMITED","text":"free"})").status == 200);
}
