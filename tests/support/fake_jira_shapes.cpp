#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "fake_jira_impl.h"
#include "fake_jira_time.h"

namespace fake {

using jira::HtmlEscape;
using jira::KBool;
using jira::KInt;
using jira::KStr;
using jira::Str;
using jira::WriteAdf;

void FakeJira::Impl::WriteDate(Writer& w, long long epoch_ms) const {
  w.StartObject();
  KStr(w, "iso8601", FormatIso8601(epoch_ms, time_zone));
  KStr(w, "jira", FormatJiraTime(epoch_ms, time_zone));
  KStr(w, "friendly", FormatFriendly(epoch_ms, time_zone));
  KInt(w, "epochMillis", epoch_ms);
  w.EndObject();
}

void FakeJira::Impl::WriteAvatars(Writer& w, const User& user) const {
  w.Key("avatarUrls");
  w.StartObject();
  for (const char* size : {"48x48", "24x24", "16x16", "32x32"}) {
    KStr(w, size, fmt::format("https://avatar.example.invalid/{}?s={}", user.account_id, size));
  }
  w.EndObject();
}

std::string FakeJira::Impl::UserSelf(const User& user) const {
  return fmt::format("{}/rest/api/2/user?{}={}", base(), dc ? "username" : "accountId", user.account_id);
}

void FakeJira::Impl::WriteUserIds(Writer& w, const User& user) const {
  if (dc) {
    KStr(w, "key", user.key);
    KStr(w, "name", user.account_id);
  } else {
    KStr(w, "accountId", user.account_id);
  }
}

void FakeJira::Impl::WriteServiceDeskUser(Writer& w, const User& user) const {
  w.StartObject();
  WriteUserIds(w, user);
  KStr(w, "emailAddress", user.email);
  KStr(w, "displayName", user.display_name);
  KBool(w, "active", true);
  KStr(w, "timeZone", ZoneOf(user));
  w.Key("_links");
  w.StartObject();
  KStr(w, "jiraRest", UserSelf(user));
  WriteAvatars(w, user);
  KStr(w, "self", UserSelf(user));
  w.EndObject();
  w.EndObject();
}

void FakeJira::Impl::WritePlatformUser(Writer& w, const User& user) const {
  w.StartObject();
  KStr(w, "self", UserSelf(user));
  WriteUserIds(w, user);
  KStr(w, "emailAddress", user.email);
  WriteAvatars(w, user);
  KStr(w, "displayName", user.display_name);
  KBool(w, "active", true);
  KStr(w, "timeZone", ZoneOf(user));
  if (!dc) KStr(w, "accountType", user.account_type);
  w.EndObject();
}

std::string FakeJira::Impl::CategoryName(const std::string& category) {
  return category == "done" ? "Done" : category == "indeterminate" ? "In Progress" : "To Do";
}

void FakeJira::Impl::WritePlatformStatus(Writer& w, const std::string& name, const std::string& category) {
  int id = StatusIdLocked(name);
  int category_id = category == "done" ? 3 : category == "indeterminate" ? 4 : 2;
  w.StartObject();
  KStr(w, "self", fmt::format("{}/rest/api/2/status/{}", base(), id));
  KStr(w, "description", "");
  KStr(w, "iconUrl", fmt::format("{}/images/icons/statuses/generic.png", base()));
  KStr(w, "name", name);
  KStr(w, "id", std::to_string(id));
  w.Key("statusCategory");
  w.StartObject();
  KStr(w, "self", fmt::format("{}/rest/api/2/statuscategory/{}", base(), category_id));
  KInt(w, "id", category_id);
  KStr(w, "key", category);
  KStr(w, "colorName", category == "done" ? "green" : category == "indeterminate" ? "yellow" : "blue-gray");
  KStr(w, "name", CategoryName(category));
  w.EndObject();
  w.EndObject();
}

void FakeJira::Impl::WriteRequest(Writer& w, const Issue& issue) const {
  w.StartObject();
  w.Key("_expands");
  w.StartArray();
  for (const char* expand :
       {"participant", "status", "sla", "requestType", "serviceDesk", "attachment", "action", "comment"}) {
    w.String(expand);
  }
  w.EndArray();
  KStr(w, "issueId", issue.id);
  KStr(w, "issueKey", issue.key);
  KStr(w, "requestTypeId", issue.request_type_id);
  KStr(w, "serviceDeskId", issue.desk_id);
  w.Key("createdDate");
  WriteDate(w, issue.created_ms);
  w.Key("reporter");
  WriteServiceDeskUser(w, UserOrBot(issue.reporter));
  // An array in responses although create takes a map.
  w.Key("requestFieldValues");
  w.StartArray();
  w.StartObject();
  KStr(w, "fieldId", "summary");
  KStr(w, "label", "Summary");
  KStr(w, "value", issue.summary);
  w.EndObject();
  if (!issue.description.empty()) {
    w.StartObject();
    KStr(w, "fieldId", "description");
    KStr(w, "label", "Description");
    KStr(w, "value", issue.description);
    w.Key("renderedValue");
    w.StartObject();
    KStr(w, "html", "<p>" + HtmlEscape(issue.description) + "</p>");
    w.EndObject();
    w.EndObject();
  }
  for (const auto& [field, value_json] : issue.fields) {
    w.StartObject();
    KStr(w, "fieldId", field);
    KStr(w, "label", FieldLabel(issue, field));
    w.Key("value");
    w.RawValue(value_json.c_str(), value_json.size(), rapidjson::kObjectType);
    w.EndObject();
  }
  w.EndArray();
  w.Key("currentStatus");
  w.StartObject();
  KStr(w, "status", issue.status);
  std::string category = issue.category;
  for (char& c : category) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  KStr(w, "statusCategory", category);
  w.Key("statusDate");
  WriteDate(w, issue.status_ms);
  w.EndObject();
  w.Key("_links");
  w.StartObject();
  KStr(w, "jiraRest", fmt::format("{}/rest/api/2/issue/{}", base(), issue.id));
  const Desk* desk = FindDesk(issue.desk_id);
  std::string portal = desk != nullptr ? desk->portal_id : kPortalId;
  KStr(w, "web", fmt::format("{}/servicedesk/customer/portal/{}/{}", base(), portal, issue.key));
  KStr(w, "agent", fmt::format("{}/browse/{}", base(), issue.key));
  KStr(w, "self", fmt::format("{}/rest/servicedeskapi/request/{}", base(), issue.id));
  w.EndObject();
  w.EndObject();
}

void FakeJira::Impl::WriteServiceDeskComment(Writer& w, const Issue& issue, const Comment& comment,
                                             bool attachments) const {
  w.StartObject();
  KStr(w, "id", std::to_string(comment.id));
  KStr(w, "body", comment.body);
  KBool(w, "public", comment.is_public);
  if (attachments) {
    std::vector<const JiraAttachment*> carried;
    for (const JiraAttachment& a : issue.attachments) {
      if (a.comment_id == std::to_string(comment.id)) carried.push_back(&a);
    }
    w.Key("attachments");
    w.StartObject();
    KInt(w, "size", static_cast<long long>(carried.size()));
    KInt(w, "start", 0);
    KInt(w, "limit", 50);
    KBool(w, "isLastPage", true);
    w.Key("values");
    w.StartArray();
    for (const JiraAttachment* a : carried) WriteAttachment(w, *a);
    w.EndArray();
    w.EndObject();
  }
  w.Key("author");
  WriteServiceDeskUser(w, UserOrBot(comment.author));
  w.Key("created");
  WriteDate(w, comment.created_ms);
  w.Key("_links");
  w.StartObject();
  KStr(w, "self", fmt::format("{}/rest/servicedeskapi/request/{}/comment/{}", base(), issue.id, comment.id));
  w.EndObject();
  w.EndObject();
}

void FakeJira::Impl::WritePlatformComment(Writer& w, const Issue& issue, const Comment& comment, bool v3,
                                          bool properties, bool rendered) const {
  const User& author = UserOrBot(comment.author);
  w.StartObject();
  KStr(w, "self", fmt::format("{}/rest/api/{}/issue/{}/comment/{}", base(), v3 ? 3 : 2, issue.id, comment.id));
  KStr(w, "id", std::to_string(comment.id));
  w.Key("author");
  WritePlatformUser(w, author);
  w.Key("body");
  if (v3) {
    WriteAdf(w, comment.body);
  } else {
    Str(w, comment.body);
  }
  if (rendered) KStr(w, "renderedBody", "<p>" + HtmlEscape(comment.body) + "</p>");
  w.Key("updateAuthor");
  WritePlatformUser(w, comment.update_author.empty() ? author : UserOrBot(comment.update_author));
  // Platform dates are rendered in UTC (Data Center: the server's zone);
  // clients must parse the offset.
  KStr(w, "created", FormatJiraTime(comment.created_ms, PlatformZone()));
  KStr(w, "updated", FormatJiraTime(comment.updated_ms, PlatformZone()));
  // Data Center has no jsdPublic: only the sd.public.comment property
  // (expand=properties) tells an internal note.
  if (!dc) {
    KBool(w, "jsdPublic", comment.is_public);
    KBool(w, "jsdAuthorCanSeeRequest", true);
  }
  if (properties) {
    w.Key("properties");
    w.StartArray();
    for (const JiraCommentProperty& property : comment.properties) {
      w.StartObject();
      KStr(w, "key", property.key);
      w.Key("value");
      w.RawValue(property.value_json.c_str(), property.value_json.size(), rapidjson::kObjectType);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void FakeJira::Impl::WritePageLinks(Writer& w, const std::string& path, long long start, long long limit, bool is_last,
                                    const std::string& extra_query) const {
  w.Key("_links");
  w.StartObject();
  KStr(w, "base", base());
  KStr(w, "context", "");
  if (!is_last)
    KStr(w, "next", fmt::format("{}{}?{}start={}&limit={}", base(), path, extra_query, start + limit, limit));
  if (start > 0) {
    KStr(w, "prev",
         fmt::format("{}{}?{}start={}&limit={}", base(), path, extra_query, std::max(0LL, start - limit), limit));
  }
  KStr(w, "self", fmt::format("{}{}?{}start={}&limit={}", base(), path, extra_query, start, limit));
  w.EndObject();
}

}  // namespace fake
