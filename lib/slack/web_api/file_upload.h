// Uploading a file into a Slack thread as the bot (files-and-edits.md §3):
// the three steps that replaced files.upload. files.getUploadURLExternal
// (filename, length) gives a file id and a pre-signed upload_url; the bytes
// are POSTed there raw, read from an open file as they are sent (never
// whole in memory), without the token (the URL is signed); then
// files.completeUploadExternal shares the file into a channel's thread.
// The last step "can only be called once" and answers no message ts, and an
// upload never completed is discarded by Slack: after a crash, SharedIn
// (files.info) tells whether a completed file reached the channel.
// Blocking; thread-safe as the clients are.
#pragma once

#include <string>

#include "slack/web_api/web_api_client.h"
#include "util/error.h"
#include "util/http/http_client.h"

namespace slack {

// The most slackdesk sends Slack in one file: 1 GiB. Slack's own limit
// for a file is documented as 1 GB in its help pages, not in the API
// reference: [UNCONFIRMED] for the upload methods; a larger file gets
// file_upload_size_restricted or a non-200 from upload_url, which is
// reported as refused.
inline constexpr long long kSlackUploadLimit = 1LL << 30;

struct UploadTicket {
  std::string file_id;
  std::string upload_url;
};

// Where the file goes: a channel's thread (the parent's ts, never a reply's).
struct UploadTarget {
  std::string channel;
  std::string thread_ts;
  std::string title;            // shown above the file
  std::string initial_comment;  // mrkdwn, "" for none; escaped by the caller
};

// Step 1. Errors: kRemoteRejected for a file Slack will not take
// (file_upload_size_restricted, file_uploads_disabled, …), kAuth without
// files:write, transient ones as the Web API client returns them.
util::Result<UploadTicket> GetUploadUrl(web_api::WebApiClient& api, const std::string& filename, long long length);

// Step 2: the first `size` bytes of `fd` as the raw body of a POST to
// `upload_url` (only 200 is success). A 4xx is kRemoteRejected, a 5xx or
// network failure transient.
util::Status SendBytes(util::http::HttpClient& http, const std::string& upload_url, int fd, long long size,
                       util::Millis timeout);

// Step 3: shares file `file_id` into the target's thread. Never repeated
// by the client (kUnsafe): after an unknown outcome, ask SharedIn.
util::Status CompleteUpload(web_api::WebApiClient& api, const std::string& file_id, const UploadTarget& target);

// What files.info says of an uploaded file after an interruption.
enum class FileShare {
  kShared,     // it reached `channel` (shares.public or shares.private)
  kNotShared,  // the file exists but is not (yet) in the channel
  kGone,       // file_not_found, file_deleted: never completed, or deleted
};
util::Result<FileShare> SharedIn(web_api::WebApiClient& api, const std::string& file_id, const std::string& channel);

}  // namespace slack
