// Uploading a file into a thread as the bot, against the fake Slack over
// real HTTP (files-and-edits.md §3): the three steps with their shapes,
// the raw bytes read from a file, Slack's refusals, and files.info telling
// after an interruption whether the file reached the channel.
#include "slack/web_api/file_upload.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "curl_global.h"
#include "fake_slack.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"
#include "util/temp_file.h"

namespace {

constexpr const char* kChannel = "C0SUPPORT1";

struct Setup {
  testing::CurlGlobal curl;
  fake::FakeSlack slack;
  util::http::CurlHttpClient http;
  slack::web_api::WebApiClient api{http, Options(slack.api_url())};

  static slack::web_api::WebApiOptions Options(const std::string& url) {
    auto options = slack::web_api::DefaultWebApiOptions(url, fake::FakeSlack::kBotToken);
    options.retry_backoff = util::BackoffPolicy{util::Millis(1), util::Millis(5), 2.0};
    return options;
  }
};

util::TempFile FileWith(const std::string& content) {
  auto file = util::TempFile::Create();
  REQUIRE(file);
  REQUIRE(::write(file->fd(), content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  return std::move(*file);
}

unsigned long long Fnv(const std::string& bytes) {
  unsigned long long hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

TEST_CASE("a file goes into a thread in three steps, its bytes raw from a file", "[slack][upload]") {
  Setup s;
  std::string content(300000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 13);
  util::TempFile file = FileWith(content);
  auto ticket = slack::GetUploadUrl(s.api, "report.pdf", static_cast<long long>(content.size()));
  REQUIRE(ticket);
  CHECK(ticket->upload_url.find("/upload/v1/" + ticket->file_id) != std::string::npos);
  REQUIRE(slack::SendBytes(s.http, ticket->upload_url, file.fd(), static_cast<long long>(content.size()),
                           util::Millis(10000)));
  // Not completed yet: Slack would discard it.
  auto before = slack::SharedIn(s.api, ticket->file_id, kChannel);
  REQUIRE(before);
  CHECK(*before == slack::FileShare::kGone);
  slack::UploadTarget target{kChannel, "1700000000.000100", "report.pdf", "from *SUP-1*"};
  REQUIRE(slack::CompleteUpload(s.api, ticket->file_id, target));
  auto uploads = s.slack.Uploads();
  REQUIRE(uploads.size() == 1);
  CHECK(uploads[0].filename == "report.pdf");
  CHECK(uploads[0].length == static_cast<long long>(content.size()));
  CHECK(uploads[0].received == static_cast<long long>(content.size()));
  CHECK(uploads[0].checksum == Fnv(content));
  CHECK(uploads[0].channel == kChannel);
  CHECK(uploads[0].thread_ts == "1700000000.000100");
  CHECK(uploads[0].initial_comment == "from *SUP-1*");
  auto after = slack::SharedIn(s.api, ticket->file_id, kChannel);
  REQUIRE(after);
  CHECK(*after == slack::FileShare::kShared);
  CHECK(*slack::SharedIn(s.api, ticket->file_id, "C0OTHER001") == slack::FileShare::kNotShared);
  // The upload URL never saw the token; the Web API calls did.
  for (const auto& call : s.slack.Calls("files.completeUploadExternal")) {
    rapidjson::Document body;
    body.Parse(call.body.c_str());
    REQUIRE(body.IsObject());
    CHECK(json::GetString(body, "channel_id") == kChannel);
    const rapidjson::Value* files = json::GetArray(body, "files");
    REQUIRE(files != nullptr);
    CHECK(json::GetString((*files)[0], "id") == ticket->file_id);
    CHECK(json::GetString((*files)[0], "title") == "report.pdf");
  }
}

TEST_CASE("completeUploadExternal can be called once, a second call is refused", "[slack][upload]") {
  Setup s;
  util::TempFile file = FileWith("hello");
  auto ticket = slack::GetUploadUrl(s.api, "a.txt", 5);
  REQUIRE(ticket);
  REQUIRE(slack::SendBytes(s.http, ticket->upload_url, file.fd(), 5, util::Millis(10000)));
  slack::UploadTarget target{kChannel, "1700000000.000100", "a.txt", ""};
  REQUIRE(slack::CompleteUpload(s.api, ticket->file_id, target));
  auto again = slack::CompleteUpload(s.api, ticket->file_id, target);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == util::ErrorCode::kRemoteRejected);
  CHECK(s.slack.Uploads().size() == 1);
}

TEST_CASE("Slack's refusals of an upload are errors that name them", "[slack][upload]") {
  Setup s;
  s.slack.SetUploadLimit(1000);
  auto big = slack::GetUploadUrl(s.api, "big.iso", 1001);
  REQUIRE_FALSE(big);
  CHECK(big.error().code == util::ErrorCode::kRemoteRejected);
  CHECK(big.error().message.find("file_upload_size_restricted") != std::string::npos);
  auto empty = slack::GetUploadUrl(s.api, "empty.txt", 0);
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message.find("missing_argument") != std::string::npos);
  // An upload_url that answers 404 (expired, or unknown) is refused, not retried.
  util::TempFile file = FileWith("abc");
  auto sent = slack::SendBytes(s.http, s.slack.api_url() + "/../upload/v1/F404", file.fd(), 3, util::Millis(10000));
  REQUIRE_FALSE(sent);
  CHECK(sent.error().code == util::ErrorCode::kRemoteRejected);
  // Completing a file whose bytes never arrived: file_not_found.
  auto ticket = slack::GetUploadUrl(s.api, "late.txt", 3);
  REQUIRE(ticket);
  auto early = slack::CompleteUpload(s.api, ticket->file_id, {kChannel, "1700000000.000100", "late.txt", ""});
  REQUIRE_FALSE(early);
  CHECK(early.error().message.find("file_not_found") != std::string::npos);
}
