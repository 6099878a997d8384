#include "slack/web_api/file_upload.h"

#include <fmt/format.h>

#include "util/json_util.h"
#include "util/log.h"

namespace slack {
namespace {

// Whether `shares` (files.info's file.shares) has `channel` under public
// or private.
bool HasShare(const rapidjson::Value& shares, const std::string& channel) {
  for (const char* kind : {"public", "private"}) {
    const rapidjson::Value* by_channel = json::GetObject(shares, kind);
    if (by_channel == nullptr) continue;
    const rapidjson::Value* list = json::GetArray(*by_channel, channel.c_str());
    if (list != nullptr && !list->Empty()) return true;
  }
  return false;
}

}  // namespace

util::Result<UploadTicket> GetUploadUrl(web_api::WebApiClient& api, const std::string& filename, long long length) {
  // Safe to repeat: an upload URL never used costs nothing.
  auto answer = api.Call("files.getUploadURLExternal",
                         fmt::format(R"({{"filename":{},"length":{}}})", json::Quote(filename), length));
  if (!answer) return tl::make_unexpected(answer.error());
  UploadTicket ticket{json::GetString(*answer, "file_id"), json::GetString(*answer, "upload_url")};
  if (ticket.file_id.empty() || ticket.upload_url.empty()) {
    return util::MakeError(util::ErrorCode::kServerError, "files.getUploadURLExternal: no file_id or upload_url");
  }
  return ticket;
}

util::Status SendBytes(util::http::HttpClient& http, const std::string& upload_url, int fd, long long size,
                       util::Millis timeout) {
  util::http::HttpRequest request;
  request.method = "POST";
  request.url = upload_url;
  // Pre-signed: no token goes there.
  request.headers.emplace_back("Content-Type", "application/octet-stream");
  util::http::FilePart body;
  body.field = "";  // raw
  body.fd = fd;
  body.size = size;
  request.upload = body;
  request.timeout = timeout;
  request.max_response_bytes = 64 * 1024;  // "OK - <length>"
  auto response = http.Send(request);
  if (!response) return tl::make_unexpected(response.error());
  int status = response->status;
  if (status == 200) return util::Ok();
  std::string what = fmt::format("upload of {} bytes: HTTP {}", size, status);
  if (status == 429) {
    util::Millis wait = util::http::ParseRetryAfter(response->Header("retry-after"), util::Millis(5000));
    return util::MakeError(util::ErrorCode::kRateLimited, what, wait.count());
  }
  if (status >= 500) return util::MakeError(util::ErrorCode::kServerError, what);
  return util::MakeError(util::ErrorCode::kRemoteRejected, what);
}

util::Status CompleteUpload(web_api::WebApiClient& api, const std::string& file_id, const UploadTarget& target) {
  std::string files = fmt::format(R"([{{"id":{},"title":{}}}])", json::Quote(file_id), json::Quote(target.title));
  std::string body = fmt::format(R"({{"files":{},"channel_id":{},"thread_ts":{})", files, json::Quote(target.channel),
                                 json::Quote(target.thread_ts));
  if (!target.initial_comment.empty()) body += ",\"initial_comment\":" + json::Quote(target.initial_comment);
  body += "}";
  auto answer = api.Call("files.completeUploadExternal", body, web_api::Retry::kUnsafe);
  if (!answer) return tl::make_unexpected(answer.error());
  return util::Ok();
}

util::Result<FileShare> SharedIn(web_api::WebApiClient& api, const std::string& file_id, const std::string& channel) {
  auto answer = api.Call("files.info", "{\"file\":" + json::Quote(file_id) + "}");
  if (!answer) {
    const std::string& message = answer.error().message;
    if (answer.error().code == util::ErrorCode::kRemoteRejected &&
        (message.find("file_not_found") != std::string::npos || message.find("file_deleted") != std::string::npos)) {
      return FileShare::kGone;
    }
    return tl::make_unexpected(answer.error());
  }
  const rapidjson::Value* file = json::GetObject(*answer, "file");
  if (file == nullptr) {
    return util::MakeError(util::ErrorCode::kServerError, "files.info " + file_id + ": no file in the answer");
  }
  const rapidjson::Value* shares = json::GetObject(*file, "shares");
  return shares != nullptr && HasShare(*shares, channel) ? FileShare::kShared : FileShare::kNotShared;
}

}  // namespace slack
