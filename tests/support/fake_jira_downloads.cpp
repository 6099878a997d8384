// The fake Jira's attachments on their way out (files-and-edits.md §5.1):
// servicedeskapi's list (an AttachmentDTO has no id and no visibility; the
// id is in _links.jiraRest), comments expanded with the attachments they
// carry, and the bytes: /rest/api/3/attachment/content/{id} answers 303 to
// a short-lived signed URL on another host, which refuses a request that
// also carries credentials; /secure/attachment/{id}/{name} answers them.
#include <fmt/format.h>

#include "fake_jira_impl.h"
#include "http_util.h"
#include "util/strings.h"

namespace fake {

using jira::JsonReply;
using jira::KBool;
using jira::KInt;
using jira::KStr;
using jira::PlatformError;
using jira::Reply;

namespace {

constexpr const char* kMediaToken = "signed-7f3a";

Reply Bytes(const JiraAttachment& attachment) {
  Reply reply;
  reply.status = 200;
  reply.content_type = attachment.mime_type.empty() ? "application/octet-stream" : attachment.mime_type;
  reply.body = attachment.content;
  return reply;
}

}  // namespace

const JiraAttachment* FakeJira::Impl::FindAttachment(const std::string& id) const {
  for (const auto& [key, issue] : issues) {
    for (const JiraAttachment& a : issue.attachments) {
      if (a.id == id) return &a;
    }
  }
  return nullptr;
}

void FakeJira::Impl::WriteAttachment(Writer& w, const JiraAttachment& a) const {
  w.StartObject();
  KStr(w, "filename", a.filename);
  w.Key("author");
  WriteServiceDeskUser(w, UserOrBot(a.author_account_id.empty() ? BotId() : a.author_account_id));
  w.Key("created");
  WriteDate(w, a.created_ms);
  KInt(w, "size", a.size);
  KStr(w, "mimeType", a.mime_type);
  w.Key("_links");
  w.StartObject();
  KStr(w, "jiraRest", fmt::format("{}/rest/api/2/attachment/{}", base(), a.id));
  KStr(w, "content", fmt::format("{}/servicedesk/customershim/secure/attachment/{}/{}", base(), a.id, a.filename));
  KStr(w, "thumbnail", fmt::format("{}/servicedesk/customershim/secure/thumbnail/{}/{}", base(), a.id, a.filename));
  w.EndObject();
  w.EndObject();
}

Reply FakeJira::Impl::ListAttachments(const Call& call, const std::string& key) {
  Issue* issue = FindIssue(key);
  if (issue == nullptr) return RequestNotFound(key);
  long long start = 0;
  long long limit = 0;
  Reply error;
  if (!PageParams(call, 50, &start, &limit, &error)) return error;
  long long total = static_cast<long long>(issue->attachments.size());
  long long end = std::min(total, start + limit);
  bool is_last = end >= total;
  return JsonReply(200, [&](Writer& w) {
    w.StartObject();
    KInt(w, "size", std::max(0LL, end - start));
    KInt(w, "start", start);
    KInt(w, "limit", limit);
    KBool(w, "isLastPage", is_last);
    WritePageLinks(w, fmt::format("/rest/servicedeskapi/request/{}/attachment", issue->id), start, limit, is_last, "");
    w.Key("values");
    w.StartArray();
    for (long long i = start; i < end; ++i) WriteAttachment(w, issue->attachments[static_cast<size_t>(i)]);
    w.EndArray();
    w.EndObject();
  });
}

Reply FakeJira::Impl::AttachmentContent(const Call& call, const std::string& id) {
  const JiraAttachment* attachment = FindAttachment(id);
  if (attachment == nullptr) return PlatformError(404, {"The attachment with id '" + id + "' does not exist"});
  if (QueryParam(call.resource, "redirect") == "false") {
    ++attachment_downloads[id];
    return Bytes(*attachment);
  }
  // The signed, short-lived media URL lives on another host.
  std::string media = base();
  size_t at = media.find("127.0.0.1");
  if (at != std::string::npos) media.replace(at, 9, "localhost");
  Reply reply;
  reply.status = 303;
  reply.content_type.clear();
  reply.headers.emplace_back("Location", fmt::format("{}/media/{}?token={}", media, id, kMediaToken));
  return reply;
}

Reply FakeJira::Impl::AttachmentBytes(const std::string& id) {
  const JiraAttachment* attachment = FindAttachment(id);
  if (attachment == nullptr) return PlatformError(404, {"The attachment with id '" + id + "' does not exist"});
  ++attachment_downloads[id];
  return Bytes(*attachment);
}

Reply FakeJira::Impl::ServeMedia(const Call& call) {
  if (!call.authorization.empty()) {
    // A signed URL takes no second credential (as S3-style stores refuse it).
    ++media_with_credentials;
    return JsonReply(400, [](Writer& w) {
      w.StartObject();
      KStr(w, "error", "Only one auth mechanism allowed");
      w.EndObject();
    });
  }
  if (call.segments.size() != 2 || QueryParam(call.resource, "token") != kMediaToken) {
    return JsonReply(401, [](Writer& w) {
      w.StartObject();
      KStr(w, "error", "invalid or expired token");
      w.EndObject();
    });
  }
  return AttachmentBytes(call.segments[1]);
}

std::string FakeJira::AddAgentAttachment(const std::string& key, const std::string& agent_display_name,
                                         const std::string& filename, const std::string& mime_type, std::string content,
                                         AttachmentVisibility visibility) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  Impl::Issue* issue = impl_->FindIssue(key);
  if (issue == nullptr) return {};
  std::string author = impl_->AgentLocked(agent_display_name);
  JiraAttachment attachment;
  attachment.id = std::to_string(impl_->next_attachment++);
  attachment.filename = filename;
  attachment.mime_type = mime_type;
  attachment.size = static_cast<long long>(content.size());
  attachment.checksum = Checksum(content);
  attachment.content = std::move(content);
  attachment.is_public = visibility != AttachmentVisibility::kInternalComment;
  attachment.author_account_id = author;
  attachment.created_ms = impl_->NowMsLocked();
  if (visibility != AttachmentVisibility::kAlone) {
    // JSM lists the file in the comment it came with.
    Impl::Comment& comment = impl_->AddCommentLocked(*issue, author, "[^" + filename + "]", attachment.is_public, {});
    attachment.comment_id = std::to_string(comment.id);
    attachment.created_ms = comment.created_ms;
  }
  issue->attachments.push_back(std::move(attachment));
  // Adding a file bumps the issue's `updated`.
  issue->updated_ms = std::max(issue->updated_ms, issue->attachments.back().created_ms);
  impl_->IndexLocked(*issue);
  impl_->Bump();
  return issue->attachments.back().id;
}

int FakeJira::AttachmentDownloads(const std::string& id) const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  auto it = impl_->attachment_downloads.find(id);
  return it == impl_->attachment_downloads.end() ? 0 : it->second;
}

int FakeJira::MediaRequestsWithCredentials() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->media_with_credentials;
}

}  // namespace fake
