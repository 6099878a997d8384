#include <algorithm>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "block_kit.h"
#include "fake_jira_impl.h"
#include "http_util.h"
#include "util/json_util.h"
#include "util/strings.h"

namespace fake {

using jira::IdValue;
using jira::JsonReply;
using jira::KBool;
using jira::kExperimental;
using jira::KInt;
using jira::KStr;
using jira::ParseInt;
using jira::Reply;
using jira::ServiceDeskError;

bool FakeJira::Impl::PageParams(const Call& call, long long cap, long long* start, long long* limit, Reply* error) {
  *start = 0;
  *limit = 50;
  std::string start_text = QueryParam(call.resource, "start");
  std::string limit_text = QueryParam(call.resource, "limit");
  if ((!start_text.empty() && !ParseInt(start_text, start)) || (!limit_text.empty() && !ParseInt(limit_text, limit)) ||
      *limit == 0) {
    *error = ServiceDeskError(400, "The start and limit parameters must be non-negative numbers (limit > 0).",
                              "sd.api.paging.invalid");
    return false;
  }
  *limit = std::min(*limit, cap);  // the server's cap; `limit` echoes it
  return true;
}

Reply FakeJira::Impl::Customers(const Call& call, const std::string& desk) {
  // Experimental endpoints refuse callers that did not opt in.
  if (util::Lower(call.experimental) != "opt-in")
    return ServiceDeskError(412, kExperimental, "sd.api.experimental.required");
  const Desk* found = FindDesk(desk);
  if (found == nullptr) return DeskNotFound(desk);
  long long start = 0;
  long long limit = 0;
  Reply error;
  if (!PageParams(call, 50, &start, &limit, &error)) return error;
  std::string query = util::Lower(QueryParam(call.resource, "query"));
  std::vector<const User*> matches;
  for (const User& user : users) {
    if (!user.customer) continue;
    if (query.empty() || util::Lower(user.email).find(query) != std::string::npos ||
        util::Lower(user.display_name).find(query) != std::string::npos) {
      matches.push_back(&user);
    }
  }
  long long end = std::min<long long>(static_cast<long long>(matches.size()), start + limit);
  bool is_last = end >= static_cast<long long>(matches.size());
  return JsonReply(200, [&](Writer& w) {
    w.StartObject();
    w.Key("_expands");
    w.StartArray();
    w.EndArray();
    KInt(w, "size", std::max(0LL, end - start));
    KInt(w, "start", start);
    KInt(w, "limit", limit);
    KBool(w, "isLastPage", is_last);
    WritePageLinks(w, fmt::format("/rest/servicedeskapi/servicedesk/{}/customer", found->id), start, limit,
                   is_last, "");
    w.Key("values");
    w.StartArray();
    for (long long i = start; i < end; ++i) WriteServiceDeskUser(w, *matches[static_cast<size_t>(i)]);
    w.EndArray();
    w.EndObject();
  });
}

Reply FakeJira::Impl::CreateRequest(const Call& call) {
  rapidjson::Document doc;
  doc.Parse(call.body.c_str());
  if (doc.HasParseError() || !doc.IsObject()) {
    return ServiceDeskError(400, "The request body could not be parsed as JSON.", "sd.api.request.body.invalid");
  }
  std::string desk = IdValue(doc, "serviceDeskId");
  std::string request_type = IdValue(doc, "requestTypeId");
  if (desk.empty()) return ServiceDeskError(400, "The serviceDeskId is required.", "sd.api.service.desk.id.required");
  if (request_type.empty()) {
    return ServiceDeskError(400, "The requestTypeId is required.", "sd.api.request.type.id.required");
  }
  Desk* found = FindDesk(desk);
  if (found == nullptr || found->id != desk) return DeskNotFound(desk);
  const RequestType* type = FindRequestType(desk, request_type);
  if (type == nullptr) return RequestTypeNotFound(400, request_type);
  const rapidjson::Value* values = nullptr;
  if (doc.HasMember("requestFieldValues") && doc["requestFieldValues"].IsObject()) values = &doc["requestFieldValues"];
  Issue taken;
  Reply error;
  if (!TakeFieldValues(*type, values, &taken, &error)) return error;
  const std::string& summary = taken.summary;
  if (Utf8Length(summary) > 255) {
    return ServiceDeskError(400, "Summary: Summary must be less than 255 characters.",
                            "sd.validation.request.field.invalid");
  }
  if (summary.find_first_of("\r\n") != std::string::npos) {
    return ServiceDeskError(400, "Summary: The summary is invalid because it contains newline characters.",
                            "sd.validation.request.field.invalid");
  }
  std::string reporter = BotId();
  if (doc.HasMember("raiseOnBehalfOf")) {
    const rapidjson::Value& on_behalf = doc["raiseOnBehalfOf"];
    const User* user = on_behalf.IsString() ? FindUser(on_behalf.GetString()) : nullptr;
    // The contract is an accountId (Data Center: a username) of a customer
    // (or the caller itself).
    if (user == nullptr || (!user->customer && user->account_id != BotId())) {
      std::string shown = on_behalf.IsString() ? on_behalf.GetString() : json::Serialize(on_behalf);
      return ServiceDeskError(400,
                              fmt::format("The user '{}' does not exist or is not a customer of this service "
                                          "desk.",
                                          shown),
                              "sd.customer.request.raise.on.behalf.of.invalid");
    }
    reporter = user->account_id;
  }
  if (doc.HasMember("requestParticipants")) {
    const rapidjson::Value& participants = doc["requestParticipants"];
    if (!participants.IsArray()) {
      return ServiceDeskError(400, "requestParticipants must be a list of accountIds.",
                              "sd.request.participants.invalid");
    }
    for (const rapidjson::Value& id : participants.GetArray()) {
      if (!id.IsString() || FindUser(id.GetString()) == nullptr) {
        return ServiceDeskError(400, "requestParticipants contains an unknown accountId.",
                                "sd.request.participants.invalid");
      }
    }
  }
  Issue& issue = CreateIssueLocked(*found, taken.summary, taken.description, reporter, request_type);
  issue.fields = std::move(taken.fields);
  issue.received = std::move(taken.received);
  IndexLocked(issue);
  Bump();
  return JsonReply(201, [&](Writer& w) { WriteRequest(w, issue); });
}

Reply FakeJira::Impl::RequestNotFound(const std::string& key) {
  return ServiceDeskError(404,
                          fmt::format("The request '{}' does not exist or you do not have permission to see it.", key),
                          "sd.customer.request.not.found");
}

Reply FakeJira::Impl::GetRequest(const std::string& key) {
  Issue* issue = FindIssue(key);
  if (issue == nullptr) return RequestNotFound(key);
  return JsonReply(200, [&](Writer& w) { WriteRequest(w, *issue); });
}

Reply FakeJira::Impl::ServiceDeskComments(const Call& call, const std::string& key) {
  Issue* issue = FindIssue(key);
  if (issue == nullptr) return RequestNotFound(key);
  long long start = 0;
  long long limit = 0;
  Reply error;
  if (!PageParams(call, comment_page_cap, &start, &limit, &error)) return error;
  std::string public_text = QueryParam(call.resource, "public");
  std::string internal_text = QueryParam(call.resource, "internal");
  bool want_public = public_text != "false";
  bool want_internal = internal_text != "false";
  std::vector<const Comment*> matches;
  for (const Comment& comment : issue->comments) {
    if (comment.is_public ? want_public : want_internal) matches.push_back(&comment);
  }
  long long end = std::min<long long>(static_cast<long long>(matches.size()), start + limit);
  bool is_last = end >= static_cast<long long>(matches.size());
  std::string extra;
  if (!public_text.empty()) extra += "public=" + public_text + "&";
  if (!internal_text.empty()) extra += "internal=" + internal_text + "&";
  return JsonReply(200, [&](Writer& w) {
    w.StartObject();
    w.Key("_expands");
    w.StartArray();
    w.String("attachment");
    w.String("renderedBody");
    w.EndArray();
    KInt(w, "size", std::max(0LL, end - start));
    KInt(w, "start", start);
    KInt(w, "limit", limit);
    KBool(w, "isLastPage", is_last);
    WritePageLinks(w, fmt::format("/rest/servicedeskapi/request/{}/comment", issue->id), start, limit, is_last, extra);
    w.Key("values");
    w.StartArray();
    bool expand = QueryParam(call.resource, "expand").find("attachment") != std::string::npos;
    for (long long i = start; i < end; ++i) {
      WriteServiceDeskComment(w, *issue, *matches[static_cast<size_t>(i)], expand);
    }
    w.EndArray();
    w.EndObject();
  });
}

Reply FakeJira::Impl::ServiceDeskAddComment(const Call& call, const std::string& key) {
  Issue* issue = FindIssue(key);
  if (issue == nullptr) return RequestNotFound(key);
  rapidjson::Document doc;
  doc.Parse(call.body.c_str());
  if (doc.HasParseError() || !doc.IsObject()) {
    return ServiceDeskError(400, "The request body could not be parsed as JSON.", "sd.api.request.body.invalid");
  }
  if (!doc.HasMember("body") || !doc["body"].IsString() ||
      std::string(doc["body"].GetString()).find_first_not_of(" \t\r\n") == std::string::npos) {
    return ServiceDeskError(400, "The comment body can not be empty.", "sd.comment.body.required");
  }
  // [unverified] `public` defaults to true when omitted; send it explicitly.
  bool is_public = true;
  if (doc.HasMember("public")) {
    if (!doc["public"].IsBool()) {
      return ServiceDeskError(400, "The value of 'public' must be true or false.", "sd.comment.public.invalid");
    }
    is_public = doc["public"].GetBool();
  }
  Comment& comment = AddCommentLocked(*issue, BotId(), doc["body"].GetString(), is_public, {});
  return JsonReply(201, [&](Writer& w) { WriteServiceDeskComment(w, *issue, comment); });
}

}  // namespace fake
