#include "helpdesk/jira/jira_deployment.h"

#include <charconv>

#include <fmt/format.h>

#include "helpdesk/jira/jira_json_support.h"

namespace helpdesk::jira {
namespace {

// Data Center's user search returns at most 100 users a page.
constexpr long long kUserSearchPage = 100;

}  // namespace

util::Result<ServerInfo> ParseServerInfo(std::string_view body) {
  return json_support::ReadObject(body, "Jira's server info",
                                  [](const rapidjson::Value& doc) -> util::Result<ServerInfo> {
                                    ServerInfo info;
                                    info.deployment_type = json::GetString(doc, "deploymentType");
                                    info.version = json::GetString(doc, "version");
                                    // Without it, which API answers cannot be told.
                                    if (info.deployment_type.empty())
                                      return json_support::Lacks("the server info has no deploymentType");
                                    // pycontribs/jira's rule: only "Cloud" is Cloud (real Data Center sites
                                    // say "Server").
                                    info.cloud = info.deployment_type == "Cloud";
                                    return info;
                                  });
}

Deployment Deployment::Cloud() { return Deployment(true, ""); }

Deployment Deployment::DataCenter(std::string version) { return Deployment(false, std::move(version)); }

std::string Deployment::Describe() const {
  if (cloud_) return "Cloud";
  return version_.empty() ? "Data Center" : "Data Center " + version_;
}

std::string Deployment::MyselfPath() const { return cloud_ ? "/rest/api/3/myself" : "/rest/api/2/myself"; }

const char* Deployment::UserIdMember() const { return cloud_ ? "accountId" : "key"; }

JiraCall Deployment::SearchCall(const std::string& operation, const std::string& jql,
                                const std::vector<std::string>& fields, int max_results,
                                const std::string& cursor) const {
  JiraCall call;
  call.operation = operation;
  call.method = "POST";  // the JQL can be long; both take it in a body
  if (cloud_) {
    call.path = "/rest/api/3/search/jql";
    call.body = SearchBody(jql, fields, max_results, cursor);
  } else {
    call.path = "/rest/api/2/search";
    // The cursor is the startAt ParseSearch made ("" or digits).
    long long start_at = 0;
    std::from_chars(cursor.data(), cursor.data() + cursor.size(), start_at);
    call.body = DataCenterSearchBody(jql, fields, max_results, start_at);
  }
  return call;
}

util::Result<SearchPage> Deployment::ParseSearch(std::string_view body) const {
  return cloud_ ? ParseSearchPage(body) : ParseDataCenterSearchPage(body);
}

JiraCall Deployment::CustomerSearchCall(const std::string& desk_id, const std::string& email, long long start) const {
  JiraCall call;
  if (cloud_) {
    // The e-mail stays out of the operation: it would end up in logs.
    call.operation = fmt::format("jira customer search in service desk {}", desk_id);
    call.path = fmt::format("/rest/servicedeskapi/servicedesk/{}/customer?query={}&start={}&limit=50",
                            UrlEncode(desk_id), UrlEncode(email), start);
    call.experimental = true;
  } else {
    call.operation = "jira user search";
    call.path = fmt::format("/rest/api/2/user/search?username={}&startAt={}&maxResults={}", UrlEncode(email), start,
                            kUserSearchPage);
  }
  return call;
}

util::Result<CustomerPage> Deployment::ParseCustomerSearch(std::string_view body, long long start) const {
  // Data Center's answer is a bare array: the start is the one asked for.
  return cloud_ ? ParseCustomerPage(body) : ParseUserSearch(body, start, kUserSearchPage);
}

}  // namespace helpdesk::jira
