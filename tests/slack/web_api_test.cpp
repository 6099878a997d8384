// The Web API client against the fake Slack over real HTTP on 127.0.0.1.
#include <thread>

#include <catch2/catch.hpp>

#include "fake_slack.h"
#include "slack/web_api/web_api_client.h"
#include "test_support.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"

using slack::web_api::Retry;
using slack::web_api::WebApiClient;
using std::chrono::milliseconds;

namespace {

struct Fixture {
  Fixture() : client(http, Options()) {}
  slack::web_api::WebApiOptions Options() {
    auto options = slack::web_api::DefaultWebApiOptions(slack.api_url() + "/", fake::FakeSlack::kBotToken);
    options.retry_backoff = util::BackoffPolicy{milliseconds(20), milliseconds(100), 2.0};
    options.post_interval = milliseconds(200);  // 1 s in production; the mechanism is the same
    return options;
  }
  fake::FakeSlack slack;
  testing::LogCapture log;
  util::http::CurlHttpClient http;
  WebApiClient client;
};

long long GapMs(const fake::ApiCall& a, const fake::ApiCall& b) {
  return std::chrono::duration_cast<milliseconds>(b.at - a.at).count();
}

}  // namespace

TEST_CASE_METHOD(Fixture, "calls send JSON with the bearer token and charset", "[web_api]") {
  auto result = client.Call("auth.test", "{}");
  REQUIRE(result);
  CHECK(json::GetString(*result, "user_id") == fake::FakeSlack::kBotUserId);
  auto calls = slack.Calls("auth.test");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].authorization == std::string("Bearer ") + fake::FakeSlack::kBotToken);
  CHECK(calls[0].content_type == "application/json; charset=utf-8");
}

TEST_CASE_METHOD(Fixture, "ok:false becomes a typed error naming the method and channel", "[web_api]") {
  slack.FailNext("chat.postMessage", fake::Failure{200, "channel_not_found"});
  auto result = client.Call("chat.postMessage", R"({"channel":"C0123","text":"hi"})", Retry::kUnsafe);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == util::ErrorCode::kRemoteRejected);
  CHECK(result.error().message == "chat.postMessage: channel_not_found (channel C0123)");
  CHECK(slack.Calls("chat.postMessage").size() == 1);  // a rejection is not retried
}

TEST_CASE_METHOD(Fixture, "a refused token is an auth error, never retried", "[web_api]") {
  auto options = Options();
  options.token = "xoxb-wrong-token";
  WebApiClient wrong(http, options);
  auto result = wrong.Call("auth.test", "{}");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == util::ErrorCode::kAuth);
  CHECK(result.error().message == "auth.test: invalid_auth");
  CHECK(slack.Calls("auth.test").size() == 1);
}

TEST_CASE_METHOD(Fixture, "invalid blocks are refused with Slack's pointer to the problem", "[web_api]") {
  std::string long_text(3001, 'x');
  auto result = client.Call("chat.postMessage",
                            R"({"channel":"C1","text":"t","blocks":[{"type":"section","text":{"type":"mrkdwn","text":")" +
                                long_text + R"("}}]})",
                            Retry::kUnsafe);
  REQUIRE_FALSE(result);
  CHECK(result.error().message.find("invalid_blocks") != std::string::npos);
  CHECK(result.error().message.find("blocks[0].text") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "HTTP 429 waits for Retry-After before the same method is called again", "[web_api]") {
  slack.FailNext("chat.postMessage", fake::Failure{429, "ratelimited", 1});
  auto result = client.Call("chat.postMessage", R"({"channel":"C1","text":"hello"})", Retry::kUnsafe);
  REQUIRE(result);
  auto calls = slack.Calls("chat.postMessage");
  REQUIRE(calls.size() == 2);
  CHECK(GapMs(calls[0], calls[1]) >= 1000);
  CHECK(slack.Messages().size() == 1);
  CHECK(log.Has(util::log::Level::kWarn, "chat.postMessage: rate limited, Retry-After 1 s"));
}

TEST_CASE_METHOD(Fixture, "a 429 on one method does not hold back another", "[web_api]") {
  slack.FailNext("chat.postMessage", fake::Failure{429, "ratelimited", 2});
  std::thread poster([&] { (void)client.Call("chat.postMessage", R"({"channel":"C1","text":"x"})", Retry::kUnsafe); });
  REQUIRE(slack.WaitForCalls("chat.postMessage", 1));
  auto start = std::chrono::steady_clock::now();
  auto auth = client.Call("auth.test", "{}");
  auto took = std::chrono::steady_clock::now() - start;
  poster.join();
  REQUIRE(auth);
  CHECK(took < milliseconds(1500));
  auto posts = slack.Calls("chat.postMessage");
  REQUIRE(posts.size() == 2);
  CHECK(GapMs(posts[0], posts[1]) >= 2000);
}

TEST_CASE_METHOD(Fixture, "a look-up with a fallback never waits out a 429 and is not retried", "[web_api]") {
  slack.AddUser("U1", "Ada Lovelace", "ada", "");
  slack.FailNext("users.info", fake::Failure{429, "ratelimited", 30}, 5);
  auto start = std::chrono::steady_clock::now();
  auto first = client.Call("users.info", R"({"user":"U1"})", Retry::kNoWait);
  REQUIRE_FALSE(first);
  CHECK(first.error().code == util::ErrorCode::kRateLimited);
  // While the Retry-After holds the method back, no call is made at all.
  auto second = client.Call("users.info", R"({"user":"U1"})", Retry::kNoWait);
  REQUIRE_FALSE(second);
  CHECK(second.error().code == util::ErrorCode::kRateLimited);
  CHECK(std::chrono::steady_clock::now() - start < milliseconds(1500));
  CHECK(slack.Calls("users.info").size() == 1);
  // A 5xx is not retried either: the caller has its fallback.
  slack.FailNext("team.info", fake::Failure{503, "", -1}, 1);
  CHECK_FALSE(client.Call("team.info", R"({"team":"T0001"})", Retry::kNoWait));
  CHECK(slack.Calls("team.info").size() == 1);
}

TEST_CASE_METHOD(Fixture, "5xx replies are retried with backoff, also with a non-JSON body", "[web_api]") {
  slack.FailNext("auth.test", fake::Failure{500, "internal_error"});
  slack.FailNext("auth.test", fake::Failure{503, "", -1, true});
  auto result = client.Call("auth.test", "{}");
  REQUIRE(result);
  CHECK(slack.Calls("auth.test").size() == 3);
  CHECK(log.Has(util::log::Level::kWarn, "auth.test: HTTP 503"));
}

TEST_CASE_METHOD(Fixture, "retries are bounded and end in a transient error", "[web_api]") {
  slack.FailNext("auth.test", fake::Failure{500, "internal_error"}, 10);
  auto result = client.Call("auth.test", "{}");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == util::ErrorCode::kServerError);
  CHECK(result.error().IsTransient());
  CHECK(slack.Calls("auth.test").size() == 5);
}

TEST_CASE_METHOD(Fixture, "a post whose outcome is unknown is not repeated blindly", "[web_api]") {
  // A 500 may mean the message was posted: the caller reconciles first.
  slack.FailNext("chat.postMessage", fake::Failure{500, "internal_error"});
  auto result = client.Call("chat.postMessage", R"({"channel":"C1","text":"x"})", Retry::kUnsafe);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == util::ErrorCode::kServerError);
  CHECK(slack.Calls("chat.postMessage").size() == 1);
}

TEST_CASE_METHOD(Fixture, "a network failure before sending is retried even for posts", "[web_api]") {
  auto options = Options();
  options.base_url = "http://127.0.0.1:1/api";  // nothing listens on port 1
  options.max_attempts = 2;
  WebApiClient unreachable(http, options);
  auto result = unreachable.Call("chat.postMessage", R"({"channel":"C1","text":"x"})", Retry::kUnsafe);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == util::ErrorCode::kNetwork);
  CHECK(result.error().not_sent);
  CHECK(log.Has(util::log::Level::kWarn, "retry 1 of 1"));
}

TEST_CASE_METHOD(Fixture, "posts to one channel are paced and queue in order while other channels are not held",
                 "[web_api]") {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      (void)client.Call("chat.postMessage", fmt::format(R"({{"channel":"C1","text":"burst {}"}})", i), Retry::kUnsafe);
    });
  }
  for (auto& thread : threads) thread.join();
  auto other_start = std::chrono::steady_clock::now();
  REQUIRE(client.Call("chat.postMessage", R"({"channel":"C2","text":"elsewhere"})", Retry::kUnsafe));
  CHECK(std::chrono::steady_clock::now() - other_start < milliseconds(150));
  auto calls = slack.Calls("chat.postMessage");
  REQUIRE(calls.size() == 5);
  // The client spaces its sends 200 ms apart; the fake stamps each call
  // when it has read it, so a gap there is shorter by however much longer
  // the earlier call took to arrive (up to ~15 ms seen under ASan and
  // TSan). Unpaced, the four calls arrive within a few ms of each other.
  for (size_t i = 1; i < 4; ++i) CHECK(GapMs(calls[i - 1], calls[i]) >= 150);
  CHECK(slack.Messages().size() == 5);  // nothing dropped
}

TEST_CASE("a body that is not a JSON object is refused before any call", "[web_api]") {
  fake::FakeSlack slack;
  util::http::CurlHttpClient http;
  WebApiClient client(http, slack::web_api::DefaultWebApiOptions(slack.api_url(), fake::FakeSlack::kBotToken));
  auto result = client.Call("chat.postMessage", "[1]");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == util::ErrorCode::kInvalidInput);
  CHECK(slack.Calls().empty());
}
