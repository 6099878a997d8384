#include "slack/web_api/file_download.h"

#include <cctype>

#include <fmt/format.h>

#include "slack/interactions.h"
#include "util/egress.h"
#include "util/json_util.h"
#include "util/log.h"
#include "util/strings.h"

namespace slack {
namespace {

constexpr const char* kSignInReason =
    "Slack sent its sign-in page instead of the file (the app may lack the files:read scope; share the file "
    "again to retry)";

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "https://files.slack.com" of "https://files.slack.com/files-pri/T-F/x".
std::string OriginOf(const std::string& url) {
  size_t authority = url.find("://");
  if (authority == std::string::npos) return "";
  size_t path = url.find('/', authority + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

// Where a redirect points: absolute, or a path on the same origin; "" for
// anything else (scheme-relative or relative paths are not used by Slack).
std::string Resolve(const std::string& from, const std::string& location) {
  if (util::StartsWith(location, "https://") || util::StartsWith(location, "http://")) return location;
  if (util::StartsWith(location, "/") && !util::StartsWith(location, "//")) return OriginOf(from) + location;
  return "";
}

}  // namespace

util::Result<bridge::SharedFile> FileInfo(web_api::WebApiClient& api, const std::string& file_id) {
  auto answer = api.Call("files.info", "{\"file\":" + json::Quote(file_id) + "}");
  if (!answer) return tl::make_unexpected(answer.error());
  const rapidjson::Value* file = json::GetObject(*answer, "file");
  if (file == nullptr) {
    return util::MakeError(util::ErrorCode::kServerError, "files.info " + file_id + ": no file in the answer");
  }
  return ReadSharedFile(*file);
}

bool MayCarryToken(const std::string& host, const std::string& api_host) {
  std::string h = Lower(host);
  if (h.empty()) return false;
  if (h == Lower(api_host)) return true;
  return h == "slack.com" || util::EndsWith(h, ".slack.com") || h == "slack-files.com" ||
         util::EndsWith(h, ".slack-edge.com");
}

bool LooksLikeSignInPage(const std::string& content_type, const std::string& head, const std::string& mimetype) {
  if (util::StartsWith(Lower(mimetype), "text/html")) return false;  // an HTML file is HTML
  if (util::StartsWith(Lower(content_type), "text/html")) return true;
  size_t first = head.find_first_not_of(" \t\r\n");
  std::string start = first == std::string::npos ? "" : Lower(head.substr(first, 20));
  return util::StartsWith(start, "<!doctype html") || util::StartsWith(start, "<html");
}

util::Result<Download> DownloadFile(util::http::HttpClient& http, const FileDownloadOptions& options,
                                    const bridge::SharedFile& file, long long limit, util::TempFile& into) {
  std::string api_host = util::HostOfUrl(options.api_url);
  std::string url = file.url;
  if (!MayCarryToken(util::HostOfUrl(url), api_host)) {
    return Download{Download::Kind::kRefused, 0, "its address is not Slack's, so the bot did not fetch it"};
  }
  for (int hop = 0; hop <= options.max_redirects; ++hop) {
    if (auto cleared = into.Clear(); !cleared) return tl::make_unexpected(cleared.error());
    util::http::HttpRequest request;
    request.url = url;
    if (MayCarryToken(util::HostOfUrl(url), api_host)) {
      request.headers.emplace_back("Authorization", "Bearer " + options.bot_token);
    }
    request.timeout = options.timeout;
    request.max_response_bytes = static_cast<size_t>(limit);
    request.response_fd = into.fd();
    auto response = http.Send(request);
    if (!response) {
      if (response.error().too_large) return Download{Download::Kind::kTooLarge, 0, ""};
      return tl::make_unexpected(response.error());
    }
    int status = response->status;
    if (status >= 300 && status < 400) {
      std::string next = Resolve(url, response->Header("location"));
      if (next.empty()) return Download{Download::Kind::kRefused, 0, "Slack redirected it nowhere"};
      util::log::Debug("file {}: HTTP {} to {}", file.id, status, util::HostOfUrl(next));
      url = next;
      continue;
    }
    if (status == 429) {
      util::Millis wait = util::http::ParseRetryAfter(response->Header("retry-after"), util::Millis(5000));
      return util::MakeError(util::ErrorCode::kRateLimited, fmt::format("file {}: HTTP 429", file.id), wait.count());
    }
    if (status >= 500)
      return util::MakeError(util::ErrorCode::kServerError, fmt::format("file {}: HTTP {}", file.id, status));
    if (status != 200) {
      return Download{Download::Kind::kRefused, 0, fmt::format("Slack refused the download (HTTP {})", status)};
    }
    long long bytes = into.Size();
    bool html_file = util::StartsWith(Lower(file.mimetype), "text/html");
    if (LooksLikeSignInPage(response->Header("content-type"), into.Head(256), file.mimetype) ||
        (html_file && file.size > 0 && bytes != file.size)) {
      return Download{Download::Kind::kRefused, 0, kSignInReason, true};
    }
    if (file.size > 0 && bytes < file.size) {
      return util::MakeError(util::ErrorCode::kNetwork,
                             fmt::format("file {}: {} of {} bytes arrived (a short read)", file.id, bytes, file.size));
    }
    return Download{Download::Kind::kDone, bytes, ""};
  }
  return Download{Download::Kind::kRefused, 0,
                  fmt::format("Slack redirected it more than {} times", options.max_redirects)};
}

}  // namespace slack
