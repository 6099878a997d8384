#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "block_kit.h"
#include "fake_jira_impl.h"
#include "fake_jira_time.h"
#include "http_util.h"
#include "util/json_util.h"

namespace fake {

using jira::AdfText;
using jira::IsAdfDoc;
using jira::JsonReply;
using jira::KBool;
using jira::KInt;
using jira::kInternalProperty;
using jira::KStr;
using jira::ParseInt;
using jira::PlatformError;
using jira::Reply;
using jira::SplitComma;
using jira::Str;
using jira::WriteAdf;

Reply FakeJira::Impl::Myself() {
  const User& bot = users.front();
  return JsonReply(200, [&](Writer& w) {
    w.StartObject();
    KStr(w, "self", UserSelf(bot));
    WriteUserIds(w, bot);  // Data Center's UserBean: key and name, no accountId
    if (!dc) KStr(w, "accountType", bot.account_type);
    KStr(w, "emailAddress", bot.email);
    WriteAvatars(w, bot);
    KStr(w, "displayName", bot.display_name);
    KBool(w, "active", true);
    if (dc) KBool(w, "deleted", false);
    KStr(w, "timeZone", time_zone);
    KStr(w, "locale", "en_US");
    w.Key("groups");
    w.StartObject();
    KInt(w, "size", 2);
    w.Key("items");
    w.StartArray();
    w.EndArray();
    w.EndObject();
    w.Key("applicationRoles");
    w.StartObject();
    KInt(w, "size", 1);
    w.Key("items");
    w.StartArray();
    w.EndArray();
    w.EndObject();
    KStr(w, "expand", "groups,applicationRoles");
    w.EndObject();
  });
}

Reply FakeJira::Impl::GetUser(const Call& call) {
  const User* user = FindUser(QueryParam(call.resource, dc ? "username" : "accountId"));
  if (user == nullptr) return PlatformError(404, {"Specified user does not exist or you do not have access to it."});
  return JsonReply(200, [&](Writer& w) { WritePlatformUser(w, *user); });
}

Reply FakeJira::Impl::IssueNotFound() {
  return PlatformError(404, {"Issue does not exist or you do not have permission to see it."});
}

Reply FakeJira::Impl::GetIssue(const std::string& key, bool v3) {
  Issue* issue = FindIssue(key);
  if (issue == nullptr) return IssueNotFound();
  return JsonReply(200, [&](Writer& w) {
    w.StartObject();
    KStr(w, "expand", "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations");
    KStr(w, "id", issue->id);
    KStr(w, "self", fmt::format("{}/rest/api/{}/issue/{}", base(), v3 ? 3 : 2, issue->id));
    KStr(w, "key", issue->key);
    w.Key("fields");
    w.StartObject();
    KStr(w, "summary", issue->summary);
    w.Key("description");
    if (issue->description.empty()) {
      w.Null();
    } else if (v3) {
      WriteAdf(w, issue->description);
    } else {
      Str(w, issue->description);
    }
    w.Key("status");
    WritePlatformStatus(w, issue->status, issue->category);
    w.Key("reporter");
    WritePlatformUser(w, UserOrBot(issue->reporter));
    KStr(w, "created", FormatJiraTime(issue->created_ms, PlatformZone()));
    KStr(w, "updated", FormatJiraTime(issue->updated_ms, PlatformZone()));
    w.EndObject();
    w.EndObject();
  });
}

Reply FakeJira::Impl::PlatformComments(const Call& call, const std::string& key, bool v3) {
  Issue* issue = FindIssue(key);
  if (issue == nullptr) return IssueNotFound();
  long long start_at = 0;
  long long max_results = 5000;
  std::string start_text = QueryParam(call.resource, "startAt");
  std::string max_text = QueryParam(call.resource, "maxResults");
  if (!start_text.empty() && !ParseInt(start_text, &start_at)) {
    return PlatformError(400, {fmt::format("The value '{}' is not valid for startAt.", start_text)});
  }
  if (!max_text.empty() && !ParseInt(max_text, &max_results)) {
    return PlatformError(400, {fmt::format("The value '{}' is not valid for maxResults.", max_text)});
  }
  // Requests above the endpoint's limit are silently reduced (Atlassian KB).
  max_results = std::min<long long>(max_results, 100);
  std::string order = QueryParam(call.resource, "orderBy");
  if (!order.empty() && order != "created" && order != "+created" && order != "-created") {
    return PlatformError(400,
                         {fmt::format("Sorting by '{}' is not supported; use created, +created or -created.", order)});
  }
  std::set<std::string> expand;
  for (const std::string& item : SplitComma(QueryParam(call.resource, "expand"))) expand.insert(item);
  std::vector<const Comment*> ordered;
  for (const Comment& comment : issue->comments) ordered.push_back(&comment);
  if (order == "-created") std::reverse(ordered.begin(), ordered.end());
  return JsonReply(200, [&](Writer& w) {
    w.StartObject();
    KInt(w, "startAt", start_at);
    KInt(w, "maxResults", max_results);
    KInt(w, "total", static_cast<long long>(ordered.size()));
    w.Key("comments");
    w.StartArray();
    for (long long i = start_at; i < static_cast<long long>(ordered.size()) && i < start_at + max_results; ++i) {
      WritePlatformComment(w, *issue, *ordered[static_cast<size_t>(i)], v3, expand.count("properties") > 0,
                           expand.count("renderedBody") > 0);
    }
    w.EndArray();
    w.EndObject();
  });
}

Reply FakeJira::Impl::PlatformAddComment(const Call& call, const std::string& key, bool v3) {
  Issue* issue = FindIssue(key);
  if (issue == nullptr) return IssueNotFound();
  rapidjson::Document doc;
  doc.Parse(call.body.c_str());
  if (doc.HasParseError() || !doc.IsObject()) {
    return PlatformError(400, {"Invalid request payload. Refer to the REST API documentation and try again."});
  }
  std::string body;
  if (!doc.HasMember("body")) return PlatformError(400, {}, {{"comment", "Comment body can not be empty!"}});
  if (v3) {
    // v3 takes an ADF document; a plain string is refused.
    if (!IsAdfDoc(doc["body"])) return PlatformError(400, {}, {{"comment", "Comment body is not valid!"}});
    body = AdfText(doc["body"]);
  } else {
    if (!doc["body"].IsString()) return PlatformError(400, {}, {{"comment", "Comment body is not valid!"}});
    body = doc["body"].GetString();
  }
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return PlatformError(400, {}, {{"comment", "Comment body can not be empty!"}});
  }
  // Jira's text fields hold at most 32,767 characters.
  if (Utf8Length(body) > 32767) {
    return PlatformError(
        400, {}, {{"comment", "The entered text is too long. It exceeds the allowed limit of 32,767 characters."}});
  }
  std::vector<JiraCommentProperty> properties;
  bool is_public = true;  // platform comments are public unless marked internal
  if (doc.HasMember("properties")) {
    if (!doc["properties"].IsArray()) return PlatformError(400, {"properties must be an array."});
    for (const rapidjson::Value& property : doc["properties"].GetArray()) {
      if (!property.IsObject() || !property.HasMember("key") || !property["key"].IsString() ||
          property["key"].GetStringLength() == 0 || !property.HasMember("value")) {
        return PlatformError(400, {"Each property needs a non-empty key and a value."});
      }
      JiraCommentProperty stored{property["key"].GetString(), json::Serialize(property["value"])};
      if (stored.key == kInternalProperty && property["value"].IsObject() && property["value"].HasMember("internal") &&
          property["value"]["internal"].IsBool()) {
        is_public = !property["value"]["internal"].GetBool();
      }
      properties.push_back(std::move(stored));
    }
  }
  // `visibility` (role/group restrictions) is accepted but does not hide
  // the comment from the portal: it stays jsdPublic, as in JSM.
  Comment& comment = AddCommentLocked(*issue, BotId(), body, is_public, std::move(properties));
  std::set<std::string> expand;
  for (const std::string& item : SplitComma(QueryParam(call.resource, "expand"))) expand.insert(item);
  return JsonReply(201, [&](Writer& w) {
    WritePlatformComment(w, *issue, comment, v3, expand.count("properties") > 0, expand.count("renderedBody") > 0);
  });
}

}  // namespace fake
