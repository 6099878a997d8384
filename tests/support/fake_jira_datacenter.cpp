// What the fake Jira answers as a Data Center site (behind-the-firewall.md
// sections 0-6), where that differs from Cloud: serverInfo (both), Bearer
// personal access tokens with Basic disabled, /rest/api/3 and /search/jql
// absent, /rest/api/2/search paged by startAt, user search by username.
#include <algorithm>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "fake_jira_impl.h"
#include "fake_jira_time.h"
#include "http_util.h"
#include "util/strings.h"

namespace fake {

using jira::JsonReply;
using jira::KInt;
using jira::KStr;
using jira::ParseInt;
using jira::PlatformError;
using jira::ReadSearchBody;
using jira::Reply;
using jira::ServiceDeskError;
using jira::SplitComma;

namespace {

// Seen on real sites: 401 for a bad token (SLAC findings), 403 when an
// admin disabled Basic (codeclou.io).
constexpr const char* kUnauthenticated = "Client must be authenticated to access this resource.";
constexpr const char* kBasicDisabled = "Basic Authentication has been disabled on this instance.";

}  // namespace

Reply FakeJira::Impl::ServerInfo() {
  return JsonReply(200, [&](Writer& w) {
    w.StartObject();
    KStr(w, "baseUrl", base());
    // Cloud: "is always returned as Cloud", version 1001.0.0-SNAPSHOT.
    KStr(w, "version", dc ? kDataCenterVersion : "1001.0.0-SNAPSHOT");
    w.Key("versionNumbers");
    w.StartArray();
    for (int number : dc ? std::vector<int>{10, 3, 13} : std::vector<int>{1001, 0, 0}) w.Int(number);
    w.EndArray();
    KStr(w, "deploymentType", dc ? "Server" : "Cloud");
    KInt(w, "buildNumber", dc ? 10030013 : 100282);
    KStr(w, "buildDate", dc ? "2025-06-10T00:00:00.000-0700" : "2026-11-20T00:00:00.000+0000");
    if (dc) KInt(w, "databaseBuildNumber", 10030013);
    KStr(w, "serverTime", FormatJiraTime(NowMsLocked(), PlatformZone()));
    KStr(w, "scmInfo", "5e2a1a8c0b1d6f4e3c2b1a0f9e8d7c6b5a4f3e2d");
    KStr(w, "serverTitle", "Jira");
    w.EndObject();
  });
}

Reply FakeJira::Impl::DataCenterError(int status, const std::string& message) {
  return JsonReply(status, [&](Writer& w) {
    w.StartObject();
    KStr(w, "message", message);
    KInt(w, "status-code", status);
    w.EndObject();
  });
}

std::optional<Reply> FakeJira::Impl::DataCenterAuth(const Call& call) const {
  std::string scheme = util::Lower(call.authorization.substr(0, call.authorization.find(' ')));
  if (scheme == "basic" && basic_allowed) {
    if (Authorized(call.authorization)) return std::nullopt;
    return DataCenterError(401, kUnauthenticated);
  }
  if (scheme == "basic") {
    // As on Jira 11, or a 10.x site whose admin turned Basic off.
    Reply reply = JsonReply(403, [](Writer& w) {
      w.StartObject();
      KStr(w, "message", kBasicDisabled);
      w.EndObject();
    });
    return reply;
  }
  if (call.authorization == BearerAuthorization()) return std::nullopt;
  return DataCenterError(401, kUnauthenticated);
}

std::optional<Reply> FakeJira::Impl::RouteDataCenter(const Call& call) {
  const std::vector<std::string>& s = call.segments;
  const std::string& m = call.method;
  if (IsServiceDeskApi(call) && s.size() == 5 && s[2] == "servicedesk" && s[4] == "customer" && m == "GET") {
    // Documented for Cloud only ([U] on Data Center): refused here, so the
    // backend cannot come to depend on it.
    return ServiceDeskError(404, "No resource found for " + call.resource.substr(0, call.resource.find('?')),
                            "sd.api.resource.not.found");
  }
  if (s.size() < 3 || s[0] != "rest" || s[1] != "api") return std::nullopt;
  // No /rest/api/3 on Data Center.
  if (s[2] != "2" && s[2] != "latest") return DataCenterError(404, "null for uri: " + base() + call.resource);
  std::vector<std::string> r(s.begin() + 3, s.end());
  if (r.size() == 1 && r[0] == "search") {
    return m == "GET" || m == "POST" ? DataCenterSearch(call) : MethodNotAllowed();
  }
  if (r.size() == 2 && r[0] == "search" && r[1] == "jql") {
    return DataCenterError(404, "null for uri: " + base() + call.resource);
  }
  if (r.size() == 2 && r[0] == "user" && r[1] == "search") return m == "GET" ? UserSearch(call) : MethodNotAllowed();
  return std::nullopt;
}

Reply FakeJira::Impl::DataCenterSearch(const Call& call) {
  std::string jql;
  long long start_at = 0;
  long long max_results = -1;
  std::vector<std::string> fields;
  if (call.method == "POST") {
    rapidjson::Document doc;
    Reply error;
    if (!ReadSearchBody(call.body, &doc, &jql, &fields, &error)) return error;
    for (const char* key : {"startAt", "maxResults"}) {
      if (!doc.HasMember(key)) continue;
      if (!doc[key].IsInt64() || doc[key].GetInt64() < 0) return PlatformError(400, {"Invalid request payload."});
      (std::string(key) == "startAt" ? start_at : max_results) = doc[key].GetInt64();
    }
  } else {
    jql = QueryParam(call.resource, "jql");
    std::string start_text = QueryParam(call.resource, "startAt");
    std::string max_text = QueryParam(call.resource, "maxResults");
    if ((!start_text.empty() && !ParseInt(start_text, &start_at)) ||
        (!max_text.empty() && !ParseInt(max_text, &max_results))) {
      return PlatformError(400, {"startAt and maxResults must be numbers."});
    }
    fields = SplitComma(QueryParam(call.resource, "fields"));
  }
  // Data Center has no `fields` default of `id` only: the navigable fields.
  if (fields.empty()) fields = {"*navigable"};
  std::vector<Hit> hits;
  Reply error;
  // Unbounded JQL is allowed on Data Center.
  if (!FindHits(jql, {}, false, &hits, &error)) return error;
  // maxResults defaults to 50 and is silently clamped (to 1000).
  long long limit =
      max_results < 0 ? std::min<long long>(50, search_cap) : std::min<long long>(max_results, search_cap);
  size_t begin = std::min(hits.size(), static_cast<size_t>(start_at));
  size_t end = std::min(hits.size(), begin + static_cast<size_t>(limit));
  return JsonReply(200, [&](Writer& w) {
    w.StartObject();
    KStr(w, "expand", "schema,names");
    KInt(w, "startAt", start_at);
    KInt(w, "maxResults", limit);
    KInt(w, "total", static_cast<long long>(hits.size()));  // always the true count
    w.Key("issues");
    w.StartArray();
    for (size_t i = begin; i < end; ++i) WriteSearchIssue(w, hits[i], fields, 2);
    w.EndArray();
    w.EndObject();
  });
}

Reply FakeJira::Impl::UserSearch(const Call& call) {
  // "username": "A query string used to search username, name or e-mail
  // address"; substring matches, so callers filter exactly.
  std::string query = util::Lower(QueryParam(call.resource, "username"));
  if (query.empty()) return PlatformError(400, {"The username query parameter was not provided"});
  long long start_at = 0;
  long long max_results = 50;
  std::string start_text = QueryParam(call.resource, "startAt");
  std::string max_text = QueryParam(call.resource, "maxResults");
  if ((!start_text.empty() && !ParseInt(start_text, &start_at)) ||
      (!max_text.empty() && !ParseInt(max_text, &max_results))) {
    return PlatformError(400, {"startAt and maxResults must be numbers."});
  }
  max_results = std::min<long long>(max_results, 100);
  std::vector<const User*> matches;
  for (const User& user : users) {
    if (util::Lower(user.account_id).find(query) != std::string::npos ||
        util::Lower(user.email).find(query) != std::string::npos ||
        util::Lower(user.display_name).find(query) != std::string::npos) {
      matches.push_back(&user);
    }
  }
  return JsonReply(200, [&](Writer& w) {
    w.StartArray();
    for (long long i = start_at; i < static_cast<long long>(matches.size()) && i < start_at + max_results; ++i) {
      WritePlatformUser(w, *matches[static_cast<size_t>(i)]);
    }
    w.EndArray();
  });
}

}  // namespace fake
