#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "fake_jira_impl.h"
#include "fake_jira_time.h"
#include "http_util.h"
#include "jql.h"
#include "util/strings.h"

namespace fake {

using jira::JsonReply;
using jira::KBool;
using jira::KStr;
using jira::kUnbounded;
using jira::Mix;
using jira::ParseInt;
using jira::PlatformError;
using jira::ReadSearchBody;
using jira::Reply;
using jira::SplitComma;

Reply FakeJira::Impl::Search(const Call& call) {
  std::string jql;
  std::string token;
  long long max_results = 0;
  std::vector<std::string> fields;
  std::vector<std::string> reconcile;
  if (call.method == "POST") {
    rapidjson::Document doc;
    Reply error;
    if (!ReadSearchBody(call.body, &doc, &jql, &fields, &error)) return error;
    if (doc.HasMember("nextPageToken") && doc["nextPageToken"].IsString()) token = doc["nextPageToken"].GetString();
    if (doc.HasMember("maxResults")) {
      if (!doc["maxResults"].IsInt64()) return PlatformError(400, {"Invalid request payload: maxResults."});
      max_results = doc["maxResults"].GetInt64();
    }
    if (doc.HasMember("reconcileIssues")) {
      if (!doc["reconcileIssues"].IsArray()) return PlatformError(400, {"Invalid request payload: reconcileIssues."});
      for (const rapidjson::Value& id : doc["reconcileIssues"].GetArray()) {
        if (!id.IsInt64()) return PlatformError(400, {"Invalid request payload: reconcileIssues."});
        reconcile.push_back(std::to_string(id.GetInt64()));
      }
    }
  } else {
    jql = QueryParam(call.resource, "jql");
    token = QueryParam(call.resource, "nextPageToken");
    std::string max_text = QueryParam(call.resource, "maxResults");
    if (!max_text.empty() && !ParseInt(max_text, &max_results)) {
      return PlatformError(400, {fmt::format("The value '{}' is not valid for maxResults.", max_text)});
    }
    fields = SplitComma(QueryParam(call.resource, "fields"));
    reconcile = SplitComma(QueryParam(call.resource, "reconcileIssues"));
  }
  if (reconcile.size() > 50) return PlatformError(400, {"reconcileIssues accepts at most 50 issue ids."});
  size_t offset = 0;
  if (!token.empty()) {
    auto it = page_tokens.find(token);
    // Tokens belong to one query; reusing one with another JQL is refused.
    if (it == page_tokens.end() || it->second.jql != jql) {
      return PlatformError(400, {"The provided next page token is invalid or expired."});
    }
    offset = it->second.offset;
  }
  std::vector<Hit> hits;
  Reply error;
  if (!FindHits(jql, reconcile, true, &hits, &error)) return error;
  long long limit = max_results <= 0 ? search_cap : std::min<long long>(max_results, search_cap);
  size_t end = std::min(hits.size(), offset + static_cast<size_t>(limit));
  bool is_last = end >= hits.size();
  std::string next_page;
  if (!is_last) {
    next_page = fmt::format("{:016x}", Mix(next_token++));
    page_tokens[next_page] = PageToken{jql, end};
  }
  return JsonReply(200, [&](Writer& w) {
    w.StartObject();
    w.Key("issues");
    w.StartArray();
    for (size_t i = offset; i < end; ++i) WriteSearchIssue(w, hits[i], fields, 3);
    w.EndArray();
    if (!is_last) KStr(w, "nextPageToken", next_page);
    KBool(w, "isLast", is_last);
    w.EndObject();
  });
}

bool FakeJira::Impl::FindHits(const std::string& jql, const std::vector<std::string>& reconcile, bool bounded,
                              std::vector<Hit>* hits, Reply* error) {
  JqlParse parse = ParseJql(jql, time_zone, NowMsLocked());
  auto refuse = [error](const std::string& message) {
    *error = PlatformError(400, {message});
    return false;
  };
  if (!parse.ok) return refuse(parse.error);
  const JqlQuery& query = parse.query;
  if (bounded && !query.Bounded()) return refuse(kUnbounded);
  for (const std::vector<std::string>& projects : query.project_sets) {
    for (const std::string& project : projects) {
      bool known = std::any_of(desks.begin(), desks.end(), [&](const Desk& desk) {
        return util::Lower(project) == util::Lower(desk.project_key) || project == desk.project_id;
      });
      if (!known) return refuse(fmt::format("The value '{}' does not exist for the field 'project'.", project));
    }
  }
  // Jira refuses keys that do not exist rather than matching nothing.
  for (const std::vector<std::string>& keys : query.key_sets) {
    for (const std::string& key : keys) {
      size_t dash = key.rfind('-');
      long long number = 0;
      if (dash == std::string::npos || dash == 0 || !ParseInt(key.substr(dash + 1), &number)) {
        return refuse(fmt::format("The issue key '{}' for field 'key' is invalid.", key));
      }
      if (FindIssue(key) == nullptr) {
        return refuse(fmt::format("An issue with key '{}' does not exist for field 'key'.", key));
      }
    }
  }
  for (const auto& [number, issue] : issues) {
    Snapshot snapshot;
    if (std::find(reconcile.begin(), reconcile.end(), issue.id) != reconcile.end()) {
      snapshot = FreshSnapshot(issue);  // read-after-write for issues the caller names
    } else if (const Snapshot* visible = VisibleSnapshot(issue)) {
      snapshot = *visible;
    } else {
      continue;  // not indexed yet
    }
    if (Matches(query, issue, snapshot)) hits->push_back(Hit{&issue, snapshot});
  }
  std::vector<JqlSort> order = query.order_by;
  if (order.empty()) order.push_back(JqlSort{"key", false});
  std::stable_sort(hits->begin(), hits->end(), [&](const Hit& a, const Hit& b) {
    for (const JqlSort& sort : order) {
      long long x = sort.field == "updated"   ? a.snapshot.updated_ms
                    : sort.field == "created" ? a.issue->created_ms
                                              : a.issue->number;
      long long y = sort.field == "updated"   ? b.snapshot.updated_ms
                    : sort.field == "created" ? b.issue->created_ms
                                              : b.issue->number;
      if (x != y) return sort.ascending ? x < y : x > y;
    }
    return false;  // equal sort values: no guaranteed order in Jira either
  });
  return true;
}

void FakeJira::Impl::WriteSearchIssue(Writer& w, const Hit& hit, const std::vector<std::string>& fields, int api) {
  std::set<std::string> wanted(fields.begin(), fields.end());
  bool all = wanted.count("*all") > 0 || wanted.count("*navigable") > 0;
  auto want = [&](const char* field) { return all || wanted.count(field) > 0; };
  bool only_id = wanted.empty() || (wanted.size() == 1 && wanted.count("id") > 0);
  w.StartObject();
  KStr(w, "id", hit.issue->id);
  // The default field list is `id` only (unlike GET issue).
  if (!only_id) {
    KStr(w, "expand", "");
    KStr(w, "self", fmt::format("{}/rest/api/{}/issue/{}", base(), api, hit.issue->id));
    KStr(w, "key", hit.issue->key);
    w.Key("fields");
    w.StartObject();
    if (want("summary")) KStr(w, "summary", hit.issue->summary);
    if (want("created")) KStr(w, "created", FormatJiraTime(hit.issue->created_ms, PlatformZone()));
    if (want("updated")) KStr(w, "updated", FormatJiraTime(hit.snapshot.updated_ms, PlatformZone()));
    if (want("status")) {
      w.Key("status");
      WritePlatformStatus(w, hit.snapshot.status, hit.snapshot.category);
    }
    w.EndObject();
  }
  w.EndObject();
}

bool FakeJira::Impl::Matches(const JqlQuery& query, const Issue& issue, const Snapshot& snapshot) {
  for (const std::vector<std::string>& projects : query.project_sets) {
    bool in_set = std::any_of(projects.begin(), projects.end(), [&](const std::string& project) {
      return util::Lower(project) == util::Lower(issue.project_key) || project == issue.project_id;
    });
    if (!in_set) return false;
  }
  for (const std::vector<std::string>& keys : query.key_sets) {
    if (std::find(keys.begin(), keys.end(), issue.key) == keys.end()) return false;
  }
  for (const JqlTimeBound& bound : query.time_bounds) {
    long long value = bound.field == "updated" ? snapshot.updated_ms : issue.created_ms;
    bool ok = bound.op == "="    ? value == bound.epoch_ms
              : bound.op == ">"  ? value > bound.epoch_ms
              : bound.op == ">=" ? value >= bound.epoch_ms
              : bound.op == "<"  ? value < bound.epoch_ms
                                 : value <= bound.epoch_ms;
    if (!ok) return false;
  }
  for (const std::string& term : query.text_terms) {
    if (snapshot.text.find(util::Lower(term)) == std::string::npos) return false;
  }
  return true;
}

}  // namespace fake
