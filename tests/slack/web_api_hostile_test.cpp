// Fault injection for the Slack Web API client and what reads its answers
// (the users.info directory): a fake Slack answering wrong shapes, cut
// bodies, HTML with 200, deep nesting and bodies above the response cap
// (plain and gzip-compressed). Each ends in a transient error naming the
// method, or in the reader's default, never in a crash; the next call works.
#include <catch2/catch.hpp>

#include "app/slack_directory.h"
#include "fake_slack.h"
#include "hostile_bodies.h"
#include "slack/web_api/web_api_client.h"
#include "test_support.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"

namespace {

using slack::web_api::Retry;
using slack::web_api::WebApiClient;
using std::chrono::milliseconds;

struct Fixture {
  Fixture() : client(http, Options()) { slack.AddUser("U1", "Ada Lovelace", "ada", "ada@example.com"); }
  slack::web_api::WebApiOptions Options() {
    auto options = slack::web_api::DefaultWebApiOptions(slack.api_url(), fake::FakeSlack::kBotToken);
    options.max_attempts = 1;  // one hostile answer per call
    options.post_interval = milliseconds(0);
    return options;
  }
  util::Result<rapidjson::Document> Post(const std::string& text) {
    return client.Call("chat.postMessage", R"({"channel":"C1","text":)" + json::Quote(text) + "}", Retry::kUnsafe);
  }
  fake::FakeSlack slack;
  testing::LogCapture log;
  util::http::CurlHttpClient http;
  WebApiClient client;
};

// Whether `answer` says ok:true: the client then hands it on, and its
// readers must cope with the rest of the shape.
bool SaysOk(const fake::RawAnswer& answer) {
  rapidjson::Document doc;
  return json::Parse(answer.body, doc).empty() && json::GetBool(doc, "ok", false);
}

}  // namespace

TEST_CASE_METHOD(Fixture, "hostile answers to a call are transient errors naming the method", "[web_api][hostile]") {
  for (const auto& [name, answer] : testing::HostileAnswers()) {
    INFO(name);
    slack.AnswerNext("chat.postMessage", answer);
    auto result = Post("x");
    if (SaysOk(answer)) {
      CHECK(result);
      continue;
    }
    REQUIRE_FALSE(result);
    CHECK(result.error().code == util::ErrorCode::kServerError);
    CHECK(result.error().message.rfind("chat.postMessage: HTTP 200 with ", 0) == 0);
  }
  CHECK(Post("after"));
  CHECK(slack.Messages().size() == 1);
}

TEST_CASE_METHOD(Fixture, "a hostile users.info answer names the user by id, uncached", "[web_api][hostile]") {
  for (const auto& [name, answer] : testing::HostileAnswers()) {
    INFO(name);
    app::SlackDirectory directory(client);
    slack.AnswerNext("users.info", answer);
    CHECK(directory.LookUp("U1").name == "U1");
    CHECK(directory.LookUp("U1").name == "Ada Lovelace");  // asked again, answered right
  }
}

TEST_CASE_METHOD(Fixture, "answers above the cap are abandoned as they arrive, also gzip bombs", "[web_api][hostile]") {
  for (const auto& [name, answer] : testing::OversizedAnswers()) {
    INFO(name);
    slack.AnswerNext("chat.postMessage", answer);
    auto result = Post("x");
    REQUIRE_FALSE(result);
    CHECK(result.error().code == util::ErrorCode::kServerError);
    CHECK_THAT(result.error().message, Catch::Contains("the answer is too large"));
  }
  CHECK(Post("after"));
}

TEST_CASE_METHOD(Fixture, "a proxy's HTML 502 is a transient error saying HTTP 502", "[web_api][hostile]") {
  slack.AnswerNext("chat.postMessage", fake::RawAnswer{502, "text/html", "<html><h1>Bad Gateway</h1></html>", false});
  auto result = Post("x");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == util::ErrorCode::kServerError);
  CHECK(result.error().message == "chat.postMessage: HTTP 502 (channel C1)");
}
