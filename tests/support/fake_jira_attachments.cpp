// The fake Jira's attachments (behind-the-firewall.md section 7,
// files-and-edits.md section 5.1): temporary uploads to a service desk,
// multipart with the part `file` and the XSRF header, refused over the
// site's size limit; then attached to a request with a public comment.
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "fake_jira_impl.h"
#include "util/strings.h"

namespace fake {

using jira::JsonReply;
using jira::KBool;
using jira::KInt;
using jira::KStr;
using jira::Reply;
using jira::ServiceDeskError;

namespace {

constexpr size_t kKeptContent = 1 << 20;

// One part of a multipart/form-data body.
struct Part {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string_view bytes;
};

// The `key="value"` of a Content-Disposition line ("" when absent).
std::string DispositionParam(const std::string& headers, const std::string& key) {
  std::string lower = util::Lower(headers);
  size_t at = lower.find("; " + key + "=\"");
  if (at == std::string::npos) return "";
  size_t start = at + key.size() + 4;
  size_t end = headers.find('"', start);
  return end == std::string::npos ? "" : headers.substr(start, end - start);
}

// The parts of `body` under the boundary of `content_type`; false when it is
// not multipart/form-data.
bool ParseMultipart(const std::string& content_type, const std::string& body, std::vector<Part>* parts) {
  if (!util::StartsWith(util::Lower(content_type), "multipart/form-data")) return false;
  size_t at = content_type.find("boundary=");
  if (at == std::string::npos) return false;
  std::string boundary = "--" + content_type.substr(at + 9);
  if (boundary.size() > 2 && boundary[2] == '"') boundary = "--" + boundary.substr(3, boundary.size() - 4);
  size_t pos = body.find(boundary);
  while (pos != std::string::npos) {
    size_t headers_start = pos + boundary.size();
    if (body.compare(headers_start, 2, "--") == 0) return true;  // the closing boundary
    headers_start += 2;                                          // CRLF
    size_t headers_end = body.find("\r\n\r\n", headers_start);
    if (headers_end == std::string::npos) return false;
    std::string headers = body.substr(headers_start, headers_end - headers_start);
    size_t next = body.find("\r\n" + boundary, headers_end + 4);
    if (next == std::string::npos) return false;
    Part part;
    part.name = DispositionParam(headers, "name");
    part.filename = DispositionParam(headers, "filename");
    std::string lower = util::Lower(headers);
    if (size_t type = lower.find("content-type:"); type != std::string::npos) {
      size_t end = headers.find("\r\n", type);
      part.content_type = util::Trim(headers.substr(type + 13, end == std::string::npos ? end : end - type - 13));
    }
    part.bytes = std::string_view(body).substr(headers_end + 4, next - headers_end - 4);
    parts->push_back(part);
    pos = next + 2;
  }
  return false;
}

}  // namespace

unsigned long long FakeJira::Checksum(std::string_view bytes) {
  unsigned long long hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

void FakeJira::SetAttachmentLimit(long long bytes) {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  impl_->attachment_limit = bytes;
}

int FakeJira::TemporaryUploads() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->temporary_uploads;
}

Reply FakeJira::Impl::AttachTemporaryFile(const Call& call, const std::string& desk) {
  // Jira's XSRF protection refuses a form post without the header.
  if (util::Lower(call.atlassian_token) != "no-check") {
    Reply reply;
    reply.status = 403;
    reply.content_type = "text/plain;charset=UTF-8";
    reply.body = "XSRF check failed";
    return reply;
  }
  if (FindDesk(desk) == nullptr) return DeskNotFound(desk);
  std::vector<Part> parts;
  if (!ParseMultipart(call.content_type, call.body, &parts)) {
    return ServiceDeskError(415, "The request must be multipart/form-data.", "sd.attachment.multipart.required");
  }
  const Part* file = nullptr;
  for (const Part& part : parts) {
    if (part.name == "file" && !part.filename.empty()) file = &part;
  }
  if (file == nullptr) {
    return ServiceDeskError(400, "No file was sent in the part named 'file'.", "sd.attachment.file.required");
  }
  if (static_cast<long long>(file->bytes.size()) > attachment_limit) {
    return ServiceDeskError(413,
                            fmt::format("The file {} is too large to attach: it is {} bytes and the limit is {}.",
                                        file->filename, file->bytes.size(), attachment_limit),
                            "sd.attachment.too.large");
  }
  std::string id = fmt::format("temp{:08d}-{}", next_temporary++, file->filename.size());
  JiraAttachment stored;
  stored.filename = file->filename;
  stored.mime_type = file->content_type;
  stored.size = static_cast<long long>(file->bytes.size());
  stored.checksum = Checksum(file->bytes);
  if (file->bytes.size() <= kKeptContent) stored.content = std::string(file->bytes);
  temporary_files[id] = TemporaryFile{desk, stored};
  ++temporary_uploads;
  Bump();
  return JsonReply(201, [&](Writer& w) {
    w.StartObject();
    w.Key("temporaryAttachments");
    w.StartArray();
    w.StartObject();
    KStr(w, "temporaryAttachmentId", id);
    KStr(w, "fileName", stored.filename);
    w.EndObject();
    w.EndArray();
    w.EndObject();
  });
}

Reply FakeJira::Impl::AttachToRequest(const Call& call, const std::string& key) {
  Issue* issue = FindIssue(key);
  if (issue == nullptr) return RequestNotFound(key);
  rapidjson::Document doc;
  doc.Parse(call.body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("temporaryAttachmentIds") ||
      !doc["temporaryAttachmentIds"].IsArray() || doc["temporaryAttachmentIds"].Empty()) {
    return ServiceDeskError(400, "temporaryAttachmentIds must name at least one temporary attachment.",
                            "sd.attachment.ids.required");
  }
  bool is_public = !doc.HasMember("public") || !doc["public"].IsBool() || doc["public"].GetBool();
  std::vector<std::string> ids;
  for (const auto& id : doc["temporaryAttachmentIds"].GetArray()) {
    if (!id.IsString() || temporary_files.count(id.GetString()) == 0) {
      return ServiceDeskError(400, "The temporary attachment does not exist or has expired.",
                              "sd.attachment.temporary.invalid");
    }
    ids.push_back(id.GetString());
  }
  std::string body;
  if (const auto it = doc.FindMember("additionalComment"); it != doc.MemberEnd() && it->value.IsObject()) {
    if (it->value.HasMember("body") && it->value["body"].IsString()) body = it->value["body"].GetString();
  }
  // JSM lists the attachments in the comment it makes.
  std::string listed = body;
  for (const std::string& id : ids) listed += "\n[^" + temporary_files[id].file.filename + "]";
  Comment& comment = AddCommentLocked(*issue, BotId(), listed, is_public, {});
  std::vector<JiraAttachment> attached;
  for (const std::string& id : ids) {
    JiraAttachment attachment = temporary_files[id].file;
    temporary_files.erase(id);
    attachment.id = std::to_string(next_attachment++);
    attachment.is_public = is_public;
    attachment.comment_id = std::to_string(comment.id);
    attachment.author_account_id = BotId();
    attachment.created_ms = comment.created_ms;
    issue->attachments.push_back(attachment);
    attached.push_back(attachment);
  }
  Bump();
  return JsonReply(201, [&](Writer& w) {
    w.StartObject();
    w.Key("comment");
    WriteServiceDeskComment(w, *issue, comment);
    w.Key("attachments");
    w.StartObject();
    KInt(w, "size", static_cast<long long>(attached.size()));
    KBool(w, "isLastPage", true);
    w.Key("values");
    w.StartArray();
    for (const JiraAttachment& a : attached) WriteAttachment(w, a);
    w.EndArray();
    w.EndObject();
    w.EndObject();
  });
}

}  // namespace fake
