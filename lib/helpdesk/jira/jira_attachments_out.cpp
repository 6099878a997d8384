// JiraHelpdesk, files to Slack (issue 14, item 2; files-and-edits.md
// section 5.1): a request's attachments from servicedeskapi, whose DTO has
// neither an id nor a visibility (the id is the last segment of
// _links.jiraRest; an attachment is internal when an internal comment
// carries it, public otherwise, added alone included), and their bytes
// from the content endpoint into a file, following a redirect by hand: a
// signed URL on another host gets no Jira credentials.
#include <set>

#include <fmt/format.h>

#include "helpdesk/jira/jira_helpdesk.h"
#include "helpdesk/jira/jira_json_support.h"
#include "util/egress.h"
#include "util/log.h"

namespace helpdesk::jira {
namespace {

constexpr int kPageSize = 50;
// A large file over a slow link takes minutes.
constexpr util::Duration kDownloadTimeout = std::chrono::minutes(30);
constexpr int kMaxRedirects = 3;

// "10000" of "https://x.atlassian.net/rest/api/2/attachment/10000".
std::string IdOfLink(const rapidjson::Value& attachment) {
  const rapidjson::Value* links = json::GetObject(attachment, "_links");
  if (links == nullptr) return "";
  std::string rest = json::GetString(*links, "jiraRest");
  size_t slash = rest.find_last_of('/');
  std::string id = slash == std::string::npos ? "" : rest.substr(slash + 1);
  return id.find_first_not_of("0123456789") == std::string::npos ? id : "";
}

struct Page {
  std::vector<Attachment> attachments;
  std::set<std::string> internal;  // ids carried by internal comments
  bool last = true;
};

// One page of request/{key}/attachment.
util::Result<Page> ParseAttachmentPage(std::string_view body, const char* user_id_member) {
  return json_support::ReadObject(body, "a page of attachments",
                                  [&](const rapidjson::Document& doc) -> util::Result<Page> {
                                    const rapidjson::Value* values = json::GetArray(doc, "values");
                                    if (values == nullptr)
                                      return json_support::Lacks("no values in the attachment page");
                                    Page page;
                                    page.last = json::GetBool(doc, "isLastPage", true);
                                    for (const auto& value : values->GetArray()) {
                                      Attachment a;
                                      a.id = IdOfLink(value);
                                      if (a.id.empty())
                                        return json_support::Lacks("an attachment without _links.jiraRest");
                                      a.name = json::GetString(value, "filename");
                                      a.mime_type = json::GetString(value, "mimeType");
                                      a.size = json::GetInt(value, "size", 0);
                                      if (const rapidjson::Value* author = json::GetObject(value, "author")) {
                                        a.author_id = json::GetString(*author, user_id_member);
                                        a.author_name = json::GetString(*author, "displayName");
                                      }
                                      if (const rapidjson::Value* created = json::GetObject(value, "created")) {
                                        a.created_ms = json::GetInt(*created, "epochMillis", 0);
                                      }
                                      a.is_public = true;
                                      page.attachments.push_back(std::move(a));
                                    }
                                    return page;
                                  });
}

// One page of request/{key}/comment?expand=attachment: the ids the
// comments carry.
util::Result<Page> ParseCommentAttachments(std::string_view body) {
  return json_support::ReadObject(
      body, "a page of comments", [&](const rapidjson::Document& doc) -> util::Result<Page> {
        const rapidjson::Value* values = json::GetArray(doc, "values");
        if (values == nullptr) return json_support::Lacks("no values in the comment page");
        Page page;
        page.last = json::GetBool(doc, "isLastPage", true);
        for (const auto& comment : values->GetArray()) {
          const rapidjson::Value* attachments = json::GetObject(comment, "attachments");
          const rapidjson::Value* list = attachments == nullptr ? nullptr : json::GetArray(*attachments, "values");
          if (list == nullptr) continue;
          for (const auto& attachment : list->GetArray()) page.internal.insert(IdOfLink(attachment));
        }
        return page;
      });
}

}  // namespace

util::Result<std::vector<Attachment>> JiraHelpdesk::AttachmentsSince(const std::string& key, long long since_ms) {
  auto deployment = CurrentDeployment();
  if (!deployment) return tl::make_unexpected(deployment.error());
  std::vector<Attachment> recent;
  for (long long start = 0;; start += kPageSize) {
    JiraCall call;
    call.operation = fmt::format("jira attachments of {}", key);
    call.path =
        fmt::format("/rest/servicedeskapi/request/{}/attachment?start={}&limit={}", UrlEncode(key), start, kPageSize);
    auto response = transport_.Send(call);
    if (!response) return tl::make_unexpected(response.error());
    auto page = ParseAttachmentPage(response->body, deployment->UserIdMember());
    if (!page) return tl::make_unexpected(BadBody(call.operation, response->status, page.error()));
    for (Attachment& a : page->attachments) {
      if (a.created_ms >= since_ms) recent.push_back(std::move(a));
    }
    if (page->last || page->attachments.empty()) break;
  }
  if (recent.empty()) return recent;
  // Which of them internal comments carry: asked only when something is new.
  std::set<std::string> internal;
  for (long long start = 0;; start += kPageSize) {
    JiraCall call;
    call.operation = fmt::format("jira internal comments of {}", key);
    call.path = fmt::format(
        "/rest/servicedeskapi/request/{}/comment?public=false&internal=true&expand=attachment&start={}&limit={}",
        UrlEncode(key), start, kPageSize);
    auto response = transport_.Send(call);
    if (!response) return tl::make_unexpected(response.error());
    auto page = ParseCommentAttachments(response->body);
    if (!page) return tl::make_unexpected(BadBody(call.operation, response->status, page.error()));
    internal.insert(page->internal.begin(), page->internal.end());
    if (page->last) break;
  }
  for (Attachment& a : recent) a.is_public = internal.count(a.id) == 0;
  std::stable_sort(recent.begin(), recent.end(),
                   [](const Attachment& x, const Attachment& y) { return x.created_ms < y.created_ms; });
  return recent;
}

util::Result<Fetched> JiraHelpdesk::FetchAttachment(const std::string& key, const std::string& id, long long limit,
                                                    util::TempFile& into) {
  auto deployment = CurrentDeployment();
  if (!deployment) return tl::make_unexpected(deployment.error());
  std::string site_host = util::HostOfUrl(options_.base_url);
  JiraCall call;
  call.operation = fmt::format("jira attachment {} of {}", id, key);
  call.path = deployment->AttachmentContentPath(id);
  call.timeout = kDownloadTimeout;
  call.max_response_bytes = static_cast<size_t>(limit);
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    if (auto cleared = into.Clear(); !cleared) return tl::make_unexpected(cleared.error());
    call.response_fd = into.fd();
    util::http::HttpResponse failed;
    auto response = transport_.Send(call, &failed);
    if (!response && response.error().too_large) return Fetched{Fetched::Kind::kTooLarge, 0, ""};
    if (response) return Fetched{Fetched::Kind::kDone, into.Size(), ""};
    if (failed.status >= 300 && failed.status < 400) {
      std::string next = failed.Header("location");
      if (next.rfind("https://", 0) != 0 && next.rfind("http://", 0) != 0) {
        if (next.rfind("/", 0) != 0) return Fetched{Fetched::Kind::kRefused, 0, "Jira redirected it nowhere"};
        next = options_.base_url + next;
      }
      // A signed media URL: the signature is the credential, Jira's must
      // not travel to another host.
      call.url = next;
      call.anonymous = util::HostOfUrl(next) != site_host;
      continue;
    }
    if (response.error().IsTransient()) return tl::make_unexpected(response.error());
    return Fetched{Fetched::Kind::kRefused, 0, "the helpdesk refused the download (" + response.error().message + ")"};
  }
  return Fetched{Fetched::Kind::kRefused, 0, fmt::format("Jira redirected it more than {} times", kMaxRedirects)};
}

}  // namespace helpdesk::jira
