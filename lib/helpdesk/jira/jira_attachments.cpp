// JiraHelpdesk, the files half: temporary uploads to the service desk,
// attaching them to a request with a public comment, and finding that
// comment again after a crash (behind-the-firewall.md section 7,
// files-and-edits.md section 5.1; the same on Cloud and Data Center).
#include <fmt/format.h>

#include "helpdesk/jira/jira_helpdesk.h"
#include "helpdesk/jira/jira_json_support.h"
#include "helpdesk/jira/wiki.h"
#include "util/log.h"

namespace helpdesk::jira {
namespace {

using json_support::Writer;
using json_support::WriteString;

// A file of 1 GB at a slow 1 MB/s takes minutes; the usual 30 s would end
// every large upload.
constexpr util::Duration kUploadTimeout = std::chrono::minutes(30);

// {"temporaryAttachments":[{"temporaryAttachmentId":"…","fileName":"…"}]}
util::Result<std::string> ParseTemporaryId(std::string_view body) {
  return json_support::ReadObject(body, "a temporary attachment",
                                  [](const rapidjson::Document& doc) -> util::Result<std::string> {
                                    const rapidjson::Value* list = json::GetArray(doc, "temporaryAttachments");
                                    if (list == nullptr || list->Empty())
                                      return json_support::Lacks("no temporaryAttachments");
                                    std::string id = json_support::GetId((*list)[0], "temporaryAttachmentId");
                                    if (id.empty()) return json_support::Lacks("no temporaryAttachmentId");
                                    return id;
                                  });
}

}  // namespace

util::Result<long long> JiraHelpdesk::AttachmentLimit() {
  auto deployment = CurrentDeployment();
  if (!deployment) return tl::make_unexpected(deployment.error());
  return deployment->AttachmentLimit();
}

util::Result<std::string> JiraHelpdesk::DeskOfTicket(const std::string& key) {
  std::string project = key.substr(0, key.rfind('-'));
  for (const std::string& desk : options_.route_desk_ids) {
    auto project_key = ProjectKeyOf(desk);
    if (!project_key) return tl::make_unexpected(project_key.error());
    if (*project_key == project) return desk;
  }
  return options_.service_desk_id;
}

util::Result<std::string> JiraHelpdesk::UploadFile(const std::string& key, const Upload& file) {
  auto desk = DeskOfTicket(key);
  if (!desk) return tl::make_unexpected(desk.error());
  util::http::FilePart part;
  part.field = "file";
  part.filename = file.name;
  part.content_type = file.mime_type;
  part.fd = file.fd;
  part.size = file.size;
  JiraCall call;
  call.operation = fmt::format("jira upload {} for {}", file.name, key);
  call.method = "POST";
  call.path = fmt::format("/rest/servicedeskapi/servicedesk/{}/attachTemporaryFile", UrlEncode(*desk));
  call.experimental = true;
  call.upload = &part;
  call.timeout = kUploadTimeout;
  // Repeating it is harmless (an upload never attached is dropped), so
  // the transport may retry it like a read.
  call.retry = Retry::kSafe;
  auto response = transport_.Send(call);
  if (!response) return tl::make_unexpected(response.error());
  auto id = ParseTemporaryId(response->body);
  if (!id) return tl::make_unexpected(BadBody(call.operation, response->status, id.error()));
  return id;
}

util::Status JiraHelpdesk::AttachFiles(const std::string& key, const std::vector<std::string>& upload_ids,
                                       const bridge::RichText& note, const std::string& marker) {
  std::string wiki = RenderWiki(note);
  // FindAttachedByMarker reads the comment's body.
  if (!marker.empty() && !MentionsMarker(wiki, marker)) wiki += "\n*slackdesk reference:* " + marker;
  JiraCall call;
  call.operation = fmt::format("jira attach {} file(s) to {}", upload_ids.size(), key);
  call.method = "POST";
  call.path = fmt::format("/rest/servicedeskapi/request/{}/attachment", UrlEncode(key));
  call.retry = Retry::kUnsafe;
  call.body = json_support::WriteJson([&](Writer& w) {
    w.StartObject();
    w.Key("temporaryAttachmentIds");
    w.StartArray();
    for (const std::string& id : upload_ids) WriteString(w, id);
    w.EndArray();
    w.Key("public");
    w.Bool(true);
    w.Key("additionalComment");
    w.StartObject();
    w.Key("body");
    WriteString(w, wiki);
    w.EndObject();
    w.EndObject();
  });
  auto response = transport_.Send(call);
  if (!response) return tl::make_unexpected(response.error());
  return util::Ok();
}

util::Result<bool> JiraHelpdesk::FindAttachedByMarker(const std::string& key, const std::string& marker) {
  if (key.empty() || marker.empty()) return false;
  bool found = false;
  auto walked = WalkComments(key, fmt::format("jira comments {}", key), [&](const WireComment& comment) {
    found = comment.marker == marker || MentionsMarker(comment.body, marker);
    return found;
  });
  if (!walked) return tl::make_unexpected(walked.error());
  return found;
}

}  // namespace helpdesk::jira
