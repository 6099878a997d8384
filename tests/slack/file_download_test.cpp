// Downloading shared files as the bot, against the fake Slack over real
// HTTP (files-and-edits.md §1.1, §2): the file object as events carry it,
// the bot token only for Slack's hosts, Slack's sign-in page refused as a
// file, the size limit, and the contents written to a nameless temporary
// file rather than memory.
#include "slack/web_api/file_download.h"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "curl_global.h"
#include "fake_slack.h"
#include "slack/interactions.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"

namespace {

bridge::SharedFile Read(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  return slack::ReadSharedFile(doc);
}

struct Setup {
  testing::CurlGlobal curl;
  fake::FakeSlack slack;
  util::http::CurlHttpClient http;
  slack::FileDownloadOptions options{fake::FakeSlack::kBotToken, slack.api_url()};
};

}  // namespace

TEST_CASE("a file object is read as events carry it; stubs offer no URL", "[slack][files]") {
  bridge::SharedFile file =
      Read(R"({"id":"F1","name":"file.png","title":"file.png","mimetype":"image/png","size":92582,"mode":"hosted",)"
           R"("url_private":"https://files.slack.com/files-pri/T1-F1/file.png",)"
           R"("url_private_download":"https://files.slack.com/files-pri/T1-F1/download/file.png",)"
           R"("permalink":"https://x.slack.com/files/U1/F1/file.png"})");
  CHECK(file == bridge::SharedFile{"file.png", "https://x.slack.com/files/U1/F1/file.png", "F1",
                                   "https://files.slack.com/files-pri/T1-F1/download/file.png", "image/png", 92582});
  // Only url_private: that one. A null name: the title, else the id.
  CHECK(Read(R"({"id":"F2","name":null,"title":"Notes","url_private":"https://files.slack.com/a"})").url ==
        "https://files.slack.com/a");
  CHECK(Read(R"({"id":"F2","name":null,"title":"Notes"})").name == "Notes");
  CHECK(Read(R"({"id":"F3"})").name == "F3");
  // Slack Connect's stub, a tombstone, a file hidden by the plan: nothing to GET.
  CHECK(Read(R"({"id":"F4","mode":"file_access","file_access":"check_file_info","created":0,"user":""})").url.empty());
  CHECK(Read(R"({"id":"F5","mode":"tombstone","url_private":"https://files.slack.com/x"})").url.empty());
  CHECK(Read(R"({"id":"F6","mode":"hidden_by_limit","url_private":"https://files.slack.com/x"})").url.empty());
}

TEST_CASE("the bot token goes only to Slack's hosts and the configured API's", "[slack][files]") {
  CHECK(slack::MayCarryToken("files.slack.com", "slack.com"));
  CHECK(slack::MayCarryToken("files-origin.slack.com", "slack.com"));
  CHECK(slack::MayCarryToken("slack-files.com", "slack.com"));
  CHECK(slack::MayCarryToken("a.slack-edge.com", "slack.com"));
  CHECK(slack::MayCarryToken("127.0.0.1", "127.0.0.1"));
  CHECK_FALSE(slack::MayCarryToken("evil.example", "slack.com"));
  CHECK_FALSE(slack::MayCarryToken("files.slack.com.evil.example", "slack.com"));
  CHECK_FALSE(slack::MayCarryToken("notslack.com", "slack.com"));
  CHECK_FALSE(slack::MayCarryToken("", "slack.com"));
}

TEST_CASE("an HTML answer for a file that is not HTML is Slack's sign-in page", "[slack][files]") {
  CHECK(slack::LooksLikeSignInPage("text/html; charset=utf-8", "<!DOCTYPE html>", "image/png"));
  CHECK(slack::LooksLikeSignInPage("application/octet-stream", "\n  <!doctype HTML><html>", "application/pdf"));
  CHECK(slack::LooksLikeSignInPage("", "<html><body>", ""));
  CHECK_FALSE(slack::LooksLikeSignInPage("image/png", "\x89PNG", "image/png"));
  // An HTML file is HTML (DownloadFile compares its size instead).
  CHECK_FALSE(slack::LooksLikeSignInPage("text/html", "<!DOCTYPE html>", "text/html"));
}

TEST_CASE_METHOD(Setup, "a shared file is fetched with the bot token into a temporary file", "[slack][files]") {
  std::string content(300000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i % 253);
  bridge::SharedFile file = Read(slack.AddFile("U1", "scan.pdf", "application/pdf", content));
  auto temp = util::TempFile::Create();
  REQUIRE(temp);
  auto download = slack::DownloadFile(http, options, file, 1 << 20, *temp);
  REQUIRE(download);
  CHECK(download->kind == slack::Download::Kind::kDone);
  CHECK(download->bytes == static_cast<long long>(content.size()));
  CHECK(temp->Size() == static_cast<long long>(content.size()));
  CHECK(temp->Head(1000) == content.substr(0, 1000));
  CHECK(slack.FileDownloadsWithoutToken() == 0);

  SECTION("more than the limit is too large, stopped as it arrives") {
    auto big = slack::DownloadFile(http, options, file, 100000, *temp);
    REQUIRE(big);
    CHECK(big->kind == slack::Download::Kind::kTooLarge);
    CHECK(temp->Size() <= 100000);
  }
  SECTION("Slack's sign-in page is refused with its reason, never taken for the file") {
    slack.ServeSignInPage(file.id);
    auto page = slack::DownloadFile(http, options, file, 1 << 20, *temp);
    REQUIRE(page);
    CHECK(page->kind == slack::Download::Kind::kRefused);
    CHECK(page->sign_in_page);
    CHECK(page->reason.find("sign-in page") != std::string::npos);
  }
  SECTION("a token without files:read gets the sign-in page too") {
    slack.SetGrantedScopes(std::vector<std::string>{"chat:write"});
    auto page = slack::DownloadFile(http, options, file, 1 << 20, *temp);
    REQUIRE(page);
    CHECK(page->kind == slack::Download::Kind::kRefused);
  }
  SECTION("a wrong token is redirected to the login page, followed, and refused") {
    slack::FileDownloadOptions wrong = options;
    wrong.bot_token = "xoxb-someone-else";
    auto page = slack::DownloadFile(http, wrong, file, 1 << 20, *temp);
    REQUIRE(page);
    CHECK(page->kind == slack::Download::Kind::kRefused);
    CHECK(page->reason.find("sign-in page") != std::string::npos);
  }
  SECTION("an address that is not Slack's is not fetched with the token") {
    bridge::SharedFile elsewhere = file;
    elsewhere.url = "http://evil.example/files-pri/T0001-" + file.id + "/download/scan.pdf";
    auto refused = slack::DownloadFile(http, options, elsewhere, 1 << 20, *temp);
    REQUIRE(refused);
    CHECK(refused->kind == slack::Download::Kind::kRefused);
    CHECK(slack.FileDownloads(file.id) == 1);
  }
}
