// The fake Slack's side of the bot's uploads (files-and-edits.md §3): the
// three steps with Slack's shapes and errors, and files.info's shares.
#include <regex>

#include <fmt/format.h>

#include "fake_slack_impl.h"
#include "slack_payloads.h"
#include "util/json_util.h"
#include "util/strings.h"

namespace fake {
namespace {

unsigned long long Fnv(std::string_view bytes) {
  unsigned long long hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

// A number Slack takes as a JSON number or, form-encoded, as a string.
long long NumberArg(const rapidjson::Value& args, const char* key) {
  auto it = args.FindMember(key);
  if (it == args.MemberEnd()) return -1;
  if (it->value.IsInt64()) return it->value.GetInt64();
  if (it->value.IsString()) {
    std::string text = it->value.GetString();
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoll(text);
  }
  return -1;
}

// The full file object completeUploadExternal and files.info answer.
std::string FileObject(const SlackUpload& upload, const std::string& base, bool with_share) {
  std::string shares = "{}";
  std::string channels = "[]";
  if (with_share && upload.completed) {
    shares = fmt::format(
        R"({{"public":{{"{}":[{{"reply_users":[],"reply_users_count":0,"reply_count":0,"ts":"{}",)"
        R"("thread_ts":"{}","channel_name":"support","team_id":"T0001","share_user_id":"{}","source":"UNKNOWN"}}]}}}})",
        upload.channel, upload.share_ts, upload.thread_ts, FakeSlack::kBotUserId);
    channels = fmt::format(R"(["{}"])", upload.channel);
  }
  return fmt::format(
      R"({{"id":"{}","created":1700000000,"timestamp":1700000000,"name":{},"title":{},"mimetype":"",)"
      R"("filetype":"","user":"{}","user_team":"T0001","editable":false,"size":{},"mode":"hosted",)"
      R"("is_external":false,"is_public":true,"file_access":"visible",)"
      R"("url_private":"{}/files-pri/T0001-{}/{}","url_private_download":"{}/files-pri/T0001-{}/download/{}",)"
      R"("permalink":"https://fake.slack.test/files/{}/{}/x","shares":{},"channels":{},"groups":[],"ims":[],)"
      R"("has_more_shares":false}})",
      upload.file_id, json::Quote(upload.filename), json::Quote(upload.title), FakeSlack::kBotUserId, upload.length,
      base, upload.file_id, upload.filename, base, upload.file_id, upload.filename, FakeSlack::kBotUserId,
      upload.file_id, shares, channels);
}

}  // namespace

std::optional<HttpResponse> FakeSlack::Impl::ServeUpload(const HttpRequest& request) {
  std::string path = request.Path();
  if (!util::StartsWith(path, "/upload/v1/")) return std::nullopt;
  std::lock_guard<std::mutex> lock(signal.mutex());
  Bump();
  HttpResponse response;
  response.content_type = "text/plain; charset=utf-8";
  auto upload = uploads.find(path.substr(11));
  if (request.method != "POST" || upload == uploads.end() || upload->second.completed) {
    response.status = 404;
    response.body = "Not Found";
    return response;
  }
  // Raw bytes (python-slack-sdk) or one multipart part (slack-go): this
  // fake takes the raw body, what slackdesk sends.
  upload->second.received = static_cast<long long>(request.body.size());
  upload->second.checksum = Fnv(request.body);
  response.status = 200;
  response.body = fmt::format("OK - {}", request.body.size());
  return response;
}

detail::Reply FakeSlack::Impl::GetUploadUrl(const rapidjson::Value& args) {
  std::string filename = json::GetString(args, "filename");
  long long length = NumberArg(args, "length");
  if (filename.empty() || length < 1) return detail::SlackError("missing_argument");
  if (length > upload_limit) return detail::SlackError("file_upload_size_restricted");
  std::string id = fmt::format("F{:08d}", next_file++);
  SlackUpload& upload = uploads[id];
  upload.file_id = id;
  upload.filename = filename;
  upload.length = length;
  Bump();
  return detail::Reply{
      200, fmt::format(R"({{"ok":true,"upload_url":"{}/upload/v1/{}","file_id":"{}"}})", http.base_url(), id, id)};
}

detail::Reply FakeSlack::Impl::CompleteUpload(const rapidjson::Value& args) {
  rapidjson::Document listed;
  auto member = args.FindMember("files");
  if (member == args.MemberEnd()) return detail::SlackError("invalid_arguments");
  if (member->value.IsString()) {
    listed.Parse(member->value.GetString());  // form-encoded: a JSON string
  } else {
    listed.CopyFrom(member->value, listed.GetAllocator());
  }
  if (listed.HasParseError() || !listed.IsArray() || listed.Empty()) return detail::SlackError("invalid_arguments");
  std::string channel = json::GetString(args, "channel_id");
  if (!channel.empty() && !std::regex_match(channel, std::regex("^[CGDZ][A-Z0-9]{8,}$"))) {
    return detail::SlackError("invalid_arguments");
  }
  if (!channel.empty() && api.channels.count(channel) == 0 && !api.channels.empty()) {
    return detail::SlackError("channel_not_found");
  }
  std::string out = "[";
  for (const auto& entry : listed.GetArray()) {
    if (!entry.IsObject()) return detail::SlackError("invalid_arguments");
    auto upload = uploads.find(json::GetString(entry, "id"));
    // Unknown, never sent, or completed already ("can only be called once").
    if (upload == uploads.end() || upload->second.received < 0 || upload->second.completed) {
      return detail::SlackError("file_not_found");
    }
  }
  for (const auto& entry : listed.GetArray()) {
    SlackUpload& upload = uploads[json::GetString(entry, "id")];
    upload.completed = true;
    upload.title = json::GetString(entry, "title");
    if (upload.title.empty()) upload.title = upload.filename;
    upload.channel = channel;
    upload.thread_ts = json::GetString(args, "thread_ts");
    upload.initial_comment = json::GetString(args, "initial_comment");
    if (!channel.empty()) upload.share_ts = api.NewTs();
    // Since Oct 2023 the answer has full file objects whose shares are
    // often still empty: the share happens asynchronously.
    out += (out.size() > 1 ? "," : "") + FileObject(upload, http.base_url(), false);
  }
  Bump();
  return detail::Reply{200, R"({"ok":true,"files":)" + out + "]}"};
}

std::optional<detail::Reply> FakeSlack::Impl::UploadInfo(const std::string& id) const {
  auto upload = uploads.find(id);
  if (upload == uploads.end()) return std::nullopt;
  if (!upload->second.completed) return detail::SlackError("file_not_found");  // discarded
  return detail::Reply{200, R"({"ok":true,"file":)" + FileObject(upload->second, http.base_url(), true) +
                                R"(,"comments":[],"response_metadata":{"next_cursor":""}})"};
}

void FakeSlack::SetUploadLimit(long long bytes) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->upload_limit = bytes;
}

void FakeSlack::EchoUpload(const SlackUpload& upload) {
  MessageSpec spec;
  spec.channel = upload.channel;
  spec.user = kBotUserId;
  spec.bot_id = kBotId;
  spec.text = upload.initial_comment;
  spec.ts = upload.share_ts;
  spec.thread_ts = upload.thread_ts;
  std::string base;
  {
    std::lock_guard<std::mutex> lock(impl_->signal.mutex());
    base = impl_->http.base_url();
  }
  spec.files_json = "[" + FileObject(upload, base, false) + "]";
  SendEnvelope("events_api", MessagePayload(spec));
}

std::vector<SlackUpload> FakeSlack::Uploads() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  std::vector<SlackUpload> out;
  for (const auto& [id, upload] : impl_->uploads) out.push_back(upload);
  return out;
}

}  // namespace fake
