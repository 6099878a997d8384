// The fake Slack's files: contents served to the bot token at
// url_private_download, Slack's sign-in page to anyone else
// (files-and-edits.md §2: a 302 to the workspace's login, then 200
// text/html), and file_share messages that carry them.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "fake_slack_impl.h"
#include "slack_payloads.h"
#include "util/json_util.h"
#include "util/strings.h"

namespace fake {
namespace {

constexpr const char* kSignInPage =
    "<!DOCTYPE html><html lang=\"en-US\"><head><title>Slack</title></head><body><h1>Sign in to Slack</h1>"
    "<form action=\"/\" method=\"post\"><input type=\"email\" name=\"email\"></form></body></html>";

// `text` for a query value: every byte but letters and digits escaped.
std::string Escaped(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

HttpResponse SignInPage() {
  HttpResponse response;
  response.status = 200;
  response.content_type = "text/html; charset=utf-8";
  response.body = kSignInPage;
  return response;
}

}  // namespace

std::optional<HttpResponse> FakeSlack::Impl::ServeFile(const HttpRequest& request) {
  std::string path = request.Path();
  if (path == "/" && request.resource.find("redir=") != std::string::npos) return SignInPage();
  if (!util::StartsWith(path, "/files-pri/")) return std::nullopt;
  // /files-pri/T0001-F…/download/<name>
  std::string rest = path.substr(11);
  std::string id = rest.substr(0, rest.find('/'));
  if (util::StartsWith(id, "T0001-")) id = id.substr(6);
  std::lock_guard<std::mutex> lock(signal.mutex());
  Bump();
  auto file = files.find(id);
  bool bot = request.Header("Authorization") == std::string("Bearer ") + kBotToken;
  if (!bot) ++downloads_without_token;
  if (file != files.end()) ++file->second.downloads;
  if (!bot) {
    // A 302 to the workspace's login, the page Slack shows to strangers.
    HttpResponse response;
    response.status = 302;
    response.content_type = "text/html";
    std::string login = http.base_url() + "/?redir=" + Escaped(path);
    response.headers.emplace_back("Location", login);
    response.body = fmt::format("<a href=\"{}\">Found</a>", login);
    return response;
  }
  if (file == files.end()) {
    HttpResponse response;
    response.status = 404;
    response.content_type = "text/html";
    response.body = "<html><body>File not found</body></html>";
    return response;
  }
  // A token without files:read gets the sign-in page too.
  bool scoped = !api.granted_scopes || std::find(api.granted_scopes->begin(), api.granted_scopes->end(),
                                                 "files:read") != api.granted_scopes->end();
  int& pages = file->second.sign_in_pages;
  if (pages != 0 || !scoped) {
    if (pages > 0) --pages;
    return SignInPage();
  }
  HttpResponse response;
  response.status = 200;
  response.content_type = file->second.mimetype.empty() ? "application/octet-stream" : file->second.mimetype;
  response.body = file->second.content;
  return response;
}

std::string FakeSlack::AddFile(const std::string& user, const std::string& name, const std::string& mimetype,
                               std::string content) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  std::string id = fmt::format("F{:08d}", impl_->next_file++);
  long long size = static_cast<long long>(content.size());
  Impl::File& stored = impl_->files[id];
  stored = Impl::File{name, mimetype, std::move(content), 0, 0, "", ""};
  std::string base = impl_->http.base_url();
  std::string private_url = fmt::format("{}/files-pri/T0001-{}/{}", base, id, name);
  std::string download_url = fmt::format("{}/files-pri/T0001-{}/download/{}", base, id, name);
  std::string ext = name.find('.') == std::string::npos ? "binary" : name.substr(name.rfind('.') + 1);
  stored.json = fmt::format(
      R"({{"id":"{}","created":1700000000,"timestamp":1700000000,"name":{},"title":{},"mimetype":{},"filetype":{},)"
      R"("pretty_type":{},"user":"{}","editable":false,"size":{},"mode":"hosted","is_external":false,)"
      R"("external_type":"","is_public":true,"public_url_shared":false,"display_as_bot":false,"username":"",)"
      R"("url_private":{},"url_private_download":{},"media_display_type":"unknown",)"
      R"("permalink":"https://fake.slack.test/files/{}/{}/{}","permalink_public":"https://slack-files.com/T0001-{}-x",)"
      R"("has_rich_preview":false}})",
      id, json::Quote(name), json::Quote(name), json::Quote(mimetype), json::Quote(ext), json::Quote(util::Lower(ext)),
      user, size, json::Quote(private_url), json::Quote(download_url), user, id, name, id);
  return stored.json;
}

std::string FakeSlack::FileStub(const std::string& file_id) {
  return fmt::format(R"({{"id":"{}","mode":"file_access","file_access":"check_file_info","created":0,"timestamp":0,)"
                     R"("user":""}})",
                     file_id);
}

void FakeSlack::SetFileInfoError(const std::string& file_id, const std::string& error) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  auto file = impl_->files.find(file_id);
  if (file != impl_->files.end()) file->second.refusal = error;
}

detail::Reply FakeSlack::Impl::FilesInfo(const rapidjson::Value& args) {
  std::string id = json::GetString(args, "file");
  if (auto uploaded = UploadInfo(id)) return *uploaded;
  auto file = files.find(id);
  if (file == files.end()) return detail::SlackError("file_not_found");
  if (!file->second.refusal.empty()) return detail::SlackError(file->second.refusal);
  bool scoped = !api.granted_scopes || std::find(api.granted_scopes->begin(), api.granted_scopes->end(),
                                                 "files:read") != api.granted_scopes->end();
  if (!scoped) {
    return detail::Reply{200, R"({"ok":false,"error":"missing_scope","needed":"files:read","provided":"chat:write"})"};
  }
  return detail::Reply{200, R"({"ok":true,"file":)" + file->second.json + R"(,"comments":[],"response_metadata":{"next_cursor":""}})"};
}

void FakeSlack::ServeSignInPage(const std::string& file_id, int times) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  auto file = impl_->files.find(file_id);
  if (file != impl_->files.end()) file->second.sign_in_pages = times;
}

int FakeSlack::FileDownloads(const std::string& file_id) const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  auto file = impl_->files.find(file_id);
  return file == impl_->files.end() ? 0 : file->second.downloads;
}

int FakeSlack::FileDownloadsWithoutToken() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->downloads_without_token;
}

std::string FakeSlack::ShareFilesAsUser(const std::string& channel, const std::string& user, const std::string& text,
                                        const std::string& files_json, const std::string& thread_ts) {
  MessageSpec spec;
  spec.channel = channel;
  spec.user = user;
  spec.text = text;
  spec.thread_ts = thread_ts;
  spec.files_json = files_json;
  return SendEnvelope("events_api", MessagePayload(spec));
}

}  // namespace fake
