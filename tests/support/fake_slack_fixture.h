// The fixture of the fake Slack's own tests (tests/slack/fake_slack_test.cpp,
// tests/fake_slack/): a WebApiClient over real HTTP to a FakeSlack,
// and a Socket Mode reader that keeps every frame the fake sends.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "curl_global.h"
#include "fake_slack.h"
#include "slack/socket_mode/frame.h"
#include "slack/socket_mode/websocket_client.h"
#include "slack/web_api/web_api_client.h"
#include "test_support.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"

namespace fake_slack_testing {

using slack::socket_mode::ParseFrame;
using slack::web_api::Retry;
using slack::web_api::WebApiClient;
using std::chrono::milliseconds;


inline rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  return doc;
}

inline const rapidjson::Value& Member(const rapidjson::Value& object, const char* key) {
  static const rapidjson::Value kNull;
  if (!object.IsObject() || !object.HasMember(key)) return kNull;
  return object[key];
}

inline std::string Str(const rapidjson::Value& object, const char* key) { return json::GetString(object, key); }

// Array sizes without rapidjson's assertion on a value of another type.
inline rapidjson::SizeType Count(const rapidjson::Value& value) { return value.IsArray() ? value.Size() : 0; }

inline const char* const kModal =
    R"({"type":"modal","callback_id":"ticket_form","private_metadata":"{\"thread\":\"1700000000.000100\"}",)"
    R"("title":{"type":"plain_text","text":"New ticket"},"submit":{"type":"plain_text","text":"Create"},)"
    R"("blocks":[{"type":"input","block_id":"summary","label":{"type":"plain_text","text":"Summary"},)"
    R"("element":{"type":"plain_text_input","action_id":"summary_input"}}]})";

struct Fixture {
  Fixture() : client(http, Options()) {}
  slack::web_api::WebApiOptions Options() {
    auto options = slack::web_api::DefaultWebApiOptions(slack.api_url(), fake::FakeSlack::kBotToken);
    options.max_attempts = 1;
    options.post_interval = milliseconds(0);
    return options;
  }
  // The parsed reply of a call that must succeed.
  rapidjson::Document Ok(const std::string& method, const std::string& body) {
    auto result = client.Call(method, body, Retry::kUnsafe);
    INFO(method << " " << (result ? std::string("ok") : result.error().message));
    REQUIRE(result);
    return std::move(*result);
  }
  // The error message of a call that must fail ("<method>: <error>…").
  std::string Fails(const std::string& method, const std::string& body) {
    auto result = client.Call(method, body, Retry::kUnsafe);
    REQUIRE_FALSE(result);
    return result.error().message;
  }
  // A request as sent, the reply as received (status, headers, body).
  util::http::HttpResponse Raw(const std::string& method, const std::string& body,
                               const std::string& content_type = "application/json; charset=utf-8") {
    util::http::HttpRequest request;
    request.method = "POST";
    request.url = slack.api_url() + "/" + method;
    request.headers = {{"Authorization", std::string("Bearer ") + fake::FakeSlack::kBotToken},
                       {"Content-Type", content_type}};
    request.body = body;
    auto response = http.Send(request);
    REQUIRE(response);
    return *response;
  }
  std::string Post(const std::string& channel, const std::string& text, const std::string& extra = "") {
    auto reply =
        Ok("chat.postMessage", fmt::format(R"({{"channel":"{}","text":{}{}}})", channel, json::Quote(text), extra));
    return Str(reply, "ts");
  }
  std::string OpenModal(const std::string& user = "U0CUSTOMER") {
    std::string trigger = slack.IssueTriggerId(user);
    auto reply = Ok("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, kModal));
    return Str(Member(reply, "view"), "id");
  }

  fake::FakeSlack slack;
  testing::LogCapture log;
  util::http::CurlHttpClient http;
  WebApiClient client;
};

// A Socket Mode connection to the fake that keeps every text frame.
class SocketReader {
 public:
  explicit SocketReader(fake::FakeSlack& slack) {
    util::http::CurlHttpClient http;
    WebApiClient app(http, slack::web_api::DefaultWebApiOptions(slack.api_url(), fake::FakeSlack::kAppToken));
    auto opened = app.Call("apps.connections.open", "{}");
    REQUIRE(opened);
    std::string url = json::GetString(*opened, "url");
    slack::socket_mode::WebSocketClient::Handlers handlers;
    handlers.on_message = [this](slack::socket_mode::ConnectionId, std::string text) {
      std::lock_guard<std::mutex> lock(mutex_);
      frames_.push_back(std::move(text));
      changed_.notify_all();
    };
    ws_ = std::make_unique<slack::socket_mode::WebSocketClient>(io_, handlers);
    auto id = ws_->Connect(url);  // the loop does not run yet: no other thread
    REQUIRE(id);
    id_ = *id;
    loop_ = std::thread([this] {
      auto guard = boost::asio::make_work_guard(io_);
      io_.run();
    });
    CHECK(slack.WaitForHellos(1));
  }
  ~SocketReader() {
    testing::OnLoop(io_, [this] {
      ws_->Close(id_, "done");
      return 0;
    });
    testing::PollOnLoop(
        io_, [this] { return ws_->LiveCount() == 0; }, milliseconds(3000));
    io_.stop();
    loop_.join();
  }
  // The frame carrying `envelope_id`, or "" after 10 s.
  std::string WaitForEnvelope(const std::string& envelope_id) {
    std::unique_lock<std::mutex> lock(mutex_);
    std::string found;
    changed_.wait_for(lock, milliseconds(10000), [&] {
      for (const std::string& frame : frames_) {
        if (ParseFrame(frame).envelope_id == envelope_id) found = frame;
      }
      return !found.empty();
    });
    return found;
  }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<slack::socket_mode::WebSocketClient> ws_;
  slack::socket_mode::ConnectionId id_ = 0;
  std::thread loop_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> frames_;
};

}  // namespace fake_slack_testing
