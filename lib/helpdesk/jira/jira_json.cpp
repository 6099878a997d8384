#include "helpdesk/jira/jira_json.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "helpdesk/jira/jira_encoding.h"
#include "helpdesk/jira/jira_json_support.h"
#include "util/json_util.h"
#include "util/strings.h"

namespace helpdesk::jira {
namespace {

using json_support::GetId;
using json_support::Lacks;
using json_support::ReadObject;
using json_support::WriteJson;
using json_support::Writer;
using json_support::WriteString;

// Whether `id` can be a Jira comment id: 1 to 18 decimal digits (ids are
// compared as numbers; a longer one would pass every later comment).
bool IsCommentId(const std::string& id) {
  return !id.empty() && id.size() <= 18 && id.find_first_not_of("0123456789") == std::string::npos;
}

// REQUIRES: value.IsObject().
WireComment CommentFromValue(const rapidjson::Value& value, const char* user_id_member) {
  WireComment comment;
  comment.id = GetId(value, "id");
  if (const auto* author = json::GetObject(value, "author")) {
    comment.author_account_id = json::GetString(*author, user_id_member);
    comment.author_name = json::GetString(*author, "displayName");
  }
  comment.body = json::GetString(value, "body");
  comment.created_ms = ParseJiraTime(json::GetString(value, "created")).value_or(0);
  // Moved on by each edit (an edit by another user also sets updateAuthor).
  comment.updated_ms = ParseJiraTime(json::GetString(value, "updated")).value_or(comment.created_ms);
  std::optional<bool> internal;
  if (const auto* properties = json::GetArray(value, "properties")) {
    for (const auto& property : properties->GetArray()) {
      std::string key = json::GetString(property, "key");
      const rapidjson::Value* property_value = json::GetObject(property, "value");
      if (property_value == nullptr) continue;
      if (key == kMarkerProperty) {
        comment.marker = json::GetString(*property_value, "marker");
      } else if (key == kInternalProperty) {
        auto it = property_value->FindMember("internal");
        if (it != property_value->MemberEnd() && it->value.IsBool()) internal = it->value.GetBool();
      }
    }
  }
  auto it = value.FindMember("jsdPublic");
  if (it != value.MemberEnd() && it->value.IsBool()) {
    comment.is_public = it->value.GetBool();
  } else {
    comment.is_public = !internal.value_or(false);
  }
  return comment;
}

// Whether a requestFieldValues value (a string, or any JSON for custom
// fields) carries `marker`.
bool ValueMentions(const rapidjson::Value& value, const std::string& marker) {
  if (value.IsString()) return MentionsMarker(std::string_view(value.GetString(), value.GetStringLength()), marker);
  if (value.IsNull()) return false;
  return MentionsMarker(json::Serialize(value), marker);
}

}  // namespace

std::string CreateRequestBody(const std::string& service_desk_id, const std::string& request_type_id,
                              const std::string& summary, const std::string& description,
                              const std::string& on_behalf_of, const std::vector<bridge::FieldValue>& fields,
                              const std::map<std::string, ValueShape>& shapes) {
  return WriteJson([&](Writer& w) {
    w.StartObject();
    w.Key("serviceDeskId");
    WriteString(w, service_desk_id);
    w.Key("requestTypeId");
    WriteString(w, request_type_id);
    w.Key("requestFieldValues");
    w.StartObject();
    w.Key("summary");
    WriteString(w, summary);
    w.Key("description");
    WriteString(w, description);
    WriteFieldValues(w, fields, shapes);
    w.EndObject();
    if (!on_behalf_of.empty()) {
      w.Key("raiseOnBehalfOf");
      WriteString(w, on_behalf_of);
    }
    w.EndObject();
  });
}

std::string AddCommentBody(const std::string& body, const std::string& marker) {
  return WriteJson([&](Writer& w) {
    w.StartObject();
    w.Key("body");
    WriteString(w, body);
    w.Key("properties");
    w.StartArray();
    w.StartObject();
    w.Key("key");
    w.String(kInternalProperty);
    w.Key("value");
    w.StartObject();
    w.Key("internal");
    w.Bool(false);
    w.EndObject();
    w.EndObject();
    w.StartObject();
    w.Key("key");
    w.String(kMarkerProperty);
    w.Key("value");
    w.StartObject();
    w.Key("marker");
    WriteString(w, marker);
    w.EndObject();
    w.EndObject();
    w.EndArray();
    w.EndObject();
  });
}

std::string SearchBody(const std::string& jql, const std::vector<std::string>& fields, int max_results,
                       const std::string& next_page_token) {
  return WriteJson([&](Writer& w) {
    w.StartObject();
    w.Key("jql");
    WriteString(w, jql);
    w.Key("fields");
    w.StartArray();
    for (const std::string& field : fields) WriteString(w, field);
    w.EndArray();
    w.Key("maxResults");
    w.Int(max_results);
    if (!next_page_token.empty()) {
      w.Key("nextPageToken");
      WriteString(w, next_page_token);
    }
    w.EndObject();
  });
}

std::string DataCenterSearchBody(const std::string& jql, const std::vector<std::string>& fields, int max_results,
                                 long long start_at) {
  return WriteJson([&](Writer& w) {
    w.StartObject();
    w.Key("jql");
    WriteString(w, jql);
    w.Key("startAt");
    w.Int64(start_at);
    w.Key("maxResults");
    w.Int(max_results);
    w.Key("fields");
    w.StartArray();
    for (const std::string& field : fields) WriteString(w, field);
    w.EndArray();
    w.EndObject();
  });
}

StatusCategory CategoryFromKey(std::string_view key) {
  std::string lower = util::Lower(key);
  if (lower == "new") return StatusCategory::kNew;
  if (lower == "indeterminate") return StatusCategory::kInProgress;
  if (lower == "done") return StatusCategory::kDone;
  return StatusCategory::kUnknown;  // "undefined", absent, or a key Jira adds later
}

TicketStatus StatusFromJira(std::string name, std::string_view category_key) {
  return TicketStatus{CategoryFromKey(category_key), std::move(name)};
}

namespace {

// `project = "SUP"`, or `project in ("SUP", "BILL")`.
std::string ProjectClause(const std::vector<std::string>& project_keys) {
  if (project_keys.size() == 1) return "project = " + JqlQuote(project_keys.front());
  std::string list;
  for (const std::string& key : project_keys) list += (list.empty() ? "" : ", ") + JqlQuote(key);
  return "project in (" + list + ")";
}

}  // namespace

std::string MarkerJql(const std::vector<std::string>& project_keys, const std::string& marker) {
  return fmt::format("{} AND text ~ {}", ProjectClause(project_keys), JqlQuote(marker));
}

std::string ProjectChangedSinceJql(const std::vector<std::string>& project_keys, long long since_ms) {
  return fmt::format("{} AND updated >= {} ORDER BY updated ASC, key ASC", ProjectClause(project_keys), since_ms);
}

std::string ChangedSinceJql(long long since_ms, const std::vector<std::string>& keys) {
  std::string list;
  for (const std::string& key : keys) {
    if (!list.empty()) list += ", ";
    list += key;
  }
  // Unquoted epoch milliseconds are absolute; a quoted date would be read
  // in the account's profile time zone with minute granularity
  // (helpdesk-facts.md A3, "JQL time semantics").
  return fmt::format("key in ({}) AND updated >= {} ORDER BY updated ASC, key ASC", list, since_ms);
}

util::Result<Identity> ParseIdentity(std::string_view body, const char* id_member) {
  return ReadObject(body, "a user", [id_member](const rapidjson::Value& doc) -> util::Result<Identity> {
    Identity identity{json::GetString(doc, id_member), json::GetString(doc, "displayName"),
                      json::GetString(doc, "emailAddress"), json::GetString(doc, "timeZone")};
    if (identity.id.empty()) {
      return util::MakeError(util::ErrorCode::kServerError, fmt::format("the user has no {}", id_member));
    }
    return identity;
  });
}

util::Result<ServiceDesk> ParseServiceDesk(std::string_view body) {
  return ReadObject(body, "a service desk", [](const rapidjson::Value& doc) -> util::Result<ServiceDesk> {
    ServiceDesk desk{GetId(doc, "id"), json::GetString(doc, "projectKey"), json::GetString(doc, "projectName")};
    if (desk.project_key.empty()) return Lacks("the service desk has no projectKey");
    return desk;
  });
}

util::Result<std::string> ParseRequestTypeName(std::string_view body) {
  return ReadObject(body, "a request type", [](const rapidjson::Value& doc) -> util::Result<std::string> {
    std::string name = json::GetString(doc, "name");
    if (name.empty()) return Lacks("the request type has no name");
    return name;
  });
}

util::Result<CustomerPage> ParseCustomerPage(std::string_view body) {
  return ReadObject(body, "a page of customers", [](const rapidjson::Value& doc) -> util::Result<CustomerPage> {
    CustomerPage page;
    page.is_last_page = json::GetBool(doc, "isLastPage", true);
    page.start = json::GetInt(doc, "start", 0);
    const auto* values = json::GetArray(doc, "values");
    if (values == nullptr) return Lacks("the page of customers has no values array");
    for (const auto& value : values->GetArray()) {
      if (!value.IsObject()) return Lacks("the page of customers has a customer that is not an object");
      page.customers.push_back({json::GetString(value, "accountId"), json::GetString(value, "emailAddress")});
      if (page.customers.back().account_id.empty()) return Lacks("the page of customers has one without an accountId");
    }
    page.size = json::GetInt(doc, "size", static_cast<long long>(page.customers.size()));
    return page;
  });
}

util::Result<CustomerPage> ParseUserSearch(std::string_view body, long long start, long long max_results) {
  rapidjson::Document doc;
  std::string invalid = json::Parse(body, doc);
  if (invalid.empty() && !doc.IsArray()) invalid = "not a JSON array";
  if (!invalid.empty()) {
    return util::MakeError(util::ErrorCode::kServerError,
                           fmt::format("the response is not a list of users ({})", invalid));
  }
  CustomerPage page;
  page.start = start;
  for (const auto& value : doc.GetArray()) {
    if (!value.IsObject()) return Lacks("the list of users has one that is not an object");
    page.customers.push_back({json::GetString(value, "name"), json::GetString(value, "emailAddress")});
    if (page.customers.back().account_id.empty()) return Lacks("the list of users has one without a name");
  }
  page.size = static_cast<long long>(page.customers.size());
  page.is_last_page = page.size < max_results;
  return page;
}

util::Result<Ticket> ParseRequest(std::string_view body) {
  return ReadObject(body, "a customer request", [](const rapidjson::Value& doc) -> util::Result<Ticket> {
    Ticket ticket;
    ticket.id = GetId(doc, "issueId");
    ticket.key = json::GetString(doc, "issueKey");
    if (ticket.key.empty()) return Lacks("the request has no issueKey");
    if (const auto* values = json::GetArray(doc, "requestFieldValues")) {
      for (const auto& value : values->GetArray()) {
        if (json::GetString(value, "fieldId") == "summary") ticket.summary = json::GetString(value, "value");
      }
    }
    if (ticket.summary.empty()) ticket.summary = json::GetString(doc, "summary");
    if (const auto* status = json::GetObject(doc, "currentStatus")) {
      ticket.status = StatusFromJira(json::GetString(*status, "status"), json::GetString(*status, "statusCategory"));
    }
    if (const auto* links = json::GetObject(doc, "_links")) {
      ticket.web_url = json::GetString(*links, "web");
      ticket.agent_url = json::GetString(*links, "agent");
    }
    return ticket;
  });
}

bool RequestMentions(std::string_view body, const std::string& marker) {
  if (marker.empty()) return false;
  rapidjson::Document doc;
  if (!json::Parse(body, doc).empty() || !doc.IsObject()) return false;
  if (MentionsMarker(json::GetString(doc, "summary"), marker)) return true;
  if (const auto* values = json::GetArray(doc, "requestFieldValues")) {
    for (const auto& value : values->GetArray()) {
      if (!value.IsObject()) continue;
      auto it = value.FindMember("value");
      if (it != value.MemberEnd() && ValueMentions(it->value, marker)) return true;
    }
  }
  return false;
}

namespace {

// The issues of a search result, Cloud's or Data Center's.
util::Status ReadIssues(const rapidjson::Value& doc, SearchPage* page) {
  const auto* issues = json::GetArray(doc, "issues");
  if (issues == nullptr) return Lacks("the search result has no issues");
  for (const auto& value : issues->GetArray()) {
    SearchPage::Issue issue;
    issue.id = GetId(value, "id");
    issue.key = json::GetString(value, "key");
    // Skipping it could read as "not found" and raise a ticket twice.
    if (issue.key.empty()) return Lacks("the search result has an issue without a key");
    if (const auto* fields = json::GetObject(value, "fields")) {
      issue.updated_ms = ParseJiraTime(json::GetString(*fields, "updated"));
      if (const auto* status = json::GetObject(*fields, "status")) {
        const auto* category = json::GetObject(*status, "statusCategory");
        issue.status =
            StatusFromJira(json::GetString(*status, "name"), category ? json::GetString(*category, "key") : "");
      }
    }
    page->issues.push_back(std::move(issue));
  }
  return util::Ok();
}

}  // namespace

util::Result<SearchPage> ParseSearchPage(std::string_view body) {
  return ReadObject(body, "a search result", [](const rapidjson::Value& doc) -> util::Result<SearchPage> {
    SearchPage page;
    if (auto read = ReadIssues(doc, &page); !read) return tl::make_unexpected(read.error());
    // isLast is the documented end marker; a token without it still means
    // more, and no token means no more whatever isLast says.
    page.next_page_token = json::GetString(doc, "nextPageToken");
    if (json::GetBool(doc, "isLast", false)) page.next_page_token.clear();
    return page;
  });
}

util::Result<SearchPage> ParseDataCenterSearchPage(std::string_view body) {
  return ReadObject(body, "a search result", [](const rapidjson::Value& doc) -> util::Result<SearchPage> {
    SearchPage page;
    if (auto read = ReadIssues(doc, &page); !read) return tl::make_unexpected(read.error());
    auto start_at = doc.FindMember("startAt");
    auto total = doc.FindMember("total");
    if (start_at == doc.MemberEnd() || !start_at->value.IsInt64() || total == doc.MemberEnd() ||
        !total->value.IsInt64()) {
      // Without them the end of the walk is unknown.
      return Lacks("the search result has no startAt and total");
    }
    // total is the true count (maxResults may have been clamped): the next
    // page starts after what came; an empty page ends the walk anyway.
    long long next = start_at->value.GetInt64() + static_cast<long long>(page.issues.size());
    if (!page.issues.empty() && next < total->value.GetInt64()) page.next_page_token = std::to_string(next);
    return page;
  });
}

util::Result<WireCommentPage> ParseCommentPage(std::string_view body, const char* user_id_member) {
  return ReadObject(
      body, "a page of comments", [user_id_member](const rapidjson::Value& doc) -> util::Result<WireCommentPage> {
        const auto* comments = json::GetArray(doc, "comments");
        if (comments == nullptr) return Lacks("the page has no comments array");
        WireCommentPage page;
        page.start_at = json::GetInt(doc, "startAt", 0);
        for (const auto& value : comments->GetArray()) {
          // Skipping one could move the sync's cursor past it for good.
          if (!value.IsObject()) return Lacks("the page has a comment that is not an object");
          page.comments.push_back(CommentFromValue(value, user_id_member));
          if (!IsCommentId(page.comments.back().id)) return Lacks("the page has a comment without a numeric id");
          if (!value.HasMember("body") || !value["body"].IsString())
            return Lacks("the page has a comment without a body");
        }
        page.total = json::GetInt(doc, "total", page.start_at + static_cast<long long>(page.comments.size()));
        return page;
      });
}

util::Result<WireComment> ParseComment(std::string_view body, const char* user_id_member) {
  return ReadObject(body, "a comment", [user_id_member](const rapidjson::Value& doc) -> util::Result<WireComment> {
    WireComment comment = CommentFromValue(doc, user_id_member);
    if (!IsCommentId(comment.id)) return Lacks("the comment has no numeric id");
    return comment;
  });
}

}  // namespace helpdesk::jira
