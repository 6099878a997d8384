// Downloading a file shared in Slack, as the bot (files-and-edits.md §2):
// GET its url_private(_download) with the bot token, into a temporary file
// (never into memory), within a size limit. The traps handled here:
//  - without the token (or the files:read scope, or too soon after the
//    share) Slack answers its HTML sign-in page, often with 200 after a
//    redirect: an HTML answer for a file that is not HTML is a refusal with
//    that reason, never the file;
//  - redirects are followed by hand (at most 5), the token sent only to
//    Slack's hosts (*.slack.com, slack-files.com, *.slack-edge.com) and to
//    slack_api_url's host, never elsewhere (a presigned hop needs none);
//  - a file whose address is not Slack's is not fetched with the token;
//  - fewer bytes than the event's `size` is a short read, retried.
// Blocking; thread-safe as the HttpClient is.
#pragma once

#include <string>

#include "bridge/files.h"
#include "util/error.h"
#include "util/http/http_client.h"
#include "slack/web_api/web_api_client.h"
#include "util/temp_file.h"

namespace slack {

struct FileDownloadOptions {
  std::string bot_token;  // xoxb-…
  std::string api_url;    // slack_api_url: its host is trusted with the token too
  int max_redirects = 5;
  // A large file over a slow link: minutes, not the Web API's seconds.
  util::Millis timeout{30 * 60 * 1000};
};

// What Slack's answer came to.
struct Download {
  enum class Kind { kDone, kTooLarge, kRefused };
  Kind kind = Kind::kDone;
  long long bytes = 0;  // kDone: the file's size, all in `into`
  std::string reason;   // kRefused: why, in words for the thread and the ticket
  bool sign_in_page = false;  // kRefused: Slack answered its sign-in page
};

// Fetches `file` into `into` (emptied first). More than `limit` bytes is
// kTooLarge (stopped as soon as it is known); an answer that is not the
// file (the sign-in page, a 4xx) is kRefused. Transient failures (network,
// 5xx, 429, a short read) are errors: try again later.
util::Result<Download> DownloadFile(util::http::HttpClient& http, const FileDownloadOptions& options,
                                    const bridge::SharedFile& file, long long limit, util::TempFile& into);

// The whole file object of `file_id` (files.info), for a stub an event
// carried instead (Slack Connect's file_access: check_file_info). Errors:
// kRemoteRejected for a file the bot may not read (access_denied,
// not_visible, file_not_found, file_deleted), kAuth without files:read,
// transient ones as the Web API client returns them.
util::Result<bridge::SharedFile> FileInfo(web_api::WebApiClient& api, const std::string& file_id);

// Whether the bot token may be sent to `host`: Slack's file hosts and
// `api_host` (slack_api_url's).
bool MayCarryToken(const std::string& host, const std::string& api_host);

// Whether an answer of `content_type` starting with `head` is a web page
// rather than the file (of `mimetype`): Slack's sign-in page.
bool LooksLikeSignInPage(const std::string& content_type, const std::string& head, const std::string& mimetype);

}  // namespace slack
