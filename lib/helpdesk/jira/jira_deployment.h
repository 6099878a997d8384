// Which Jira answers at jira_url, and where its API differs: Jira Cloud, or
// Jira Data Center / Server (behind-the-firewall.md section 0). The one
// place the backend's two dialects part: JiraHelpdesk asks a Deployment for
// the paths, bodies and readers that differ and uses the same code for the
// rest (servicedeskapi, comments through /rest/api/2, JQL with epoch-ms
// operands). Nothing outside lib/helpdesk/jira knows there are two. Pure;
// a value, any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "helpdesk/jira/jira_json.h"
#include "helpdesk/jira/jira_transport.h"
#include "util/error.h"

namespace helpdesk::jira {

// GET /rest/api/2/serverInfo, as read: deploymentType "Cloud" is Cloud,
// anything else ("Server" on real Data Center sites) Data Center.
struct ServerInfo {
  bool cloud = false;
  std::string deployment_type;  // as sent
  std::string version;          // "10.3.13"; Cloud's is "1001.0.0-SNAPSHOT"
};
util::Result<ServerInfo> ParseServerInfo(std::string_view body);

inline constexpr const char* kServerInfoPath = "/rest/api/2/serverInfo";

class Deployment {
 public:
  static Deployment Cloud();
  static Deployment DataCenter(std::string version);

  bool IsCloud() const { return cloud_; }
  // "Cloud", or "Data Center 10.3.13".
  std::string Describe() const;

  // GET myself: /rest/api/3/myself on Cloud, /rest/api/2/myself on Data
  // Center (there is no /rest/api/3).
  std::string MyselfPath() const;
  // The member that identifies a user for good in myself and in comment
  // authors: Cloud's accountId, Data Center's key (usernames can change).
  const char* UserIdMember() const;
  // The largest attachment the site takes by default (behind-the-firewall.md
  // section 7): Cloud 1 GB per file, Data Center 10 MB (10485760 bytes, an
  // admin may change it; there is no documented way to read it).
  long long AttachmentLimit() const { return cloud_ ? 1024LL * 1024 * 1024 : 10LL * 1024 * 1024; }
  // Where an attachment's bytes are read (files-and-edits.md §5.1): Cloud's
  // /rest/api/3/attachment/content/{id} (a 303 to a signed URL on another
  // host), Data Center's /secure/attachment/{id}/{name} (the name is not
  // checked: [UNCONFIRMED] on every version).
  std::string AttachmentContentPath(const std::string& id) const {
    return cloud_ ? "/rest/api/3/attachment/content/" + id : "/secure/attachment/" + id + "/file";
  }

  // One page of a JQL search at `cursor` ("" = the first page): Cloud's
  // POST /rest/api/3/search/jql with nextPageToken, Data Center's POST
  // /rest/api/2/search with startAt. `operation` names the call in errors.
  JiraCall SearchCall(const std::string& operation, const std::string& jql, const std::vector<std::string>& fields,
                      int max_results, const std::string& cursor) const;
  // Its answer; SearchPage::next_page_token is the next page's cursor ("" at
  // the end) on both.
  util::Result<SearchPage> ParseSearch(std::string_view body) const;

  // A page of the customers whose e-mail may be `email`, at offset `start`:
  // Cloud's servicedeskapi customer search of `desk_id` (experimental) or
  // Data Center's user search by username, name or e-mail (its customers
  // are Jira users; the servicedeskapi search is not documented there).
  JiraCall CustomerSearchCall(const std::string& desk_id, const std::string& email, long long start) const;
  // Its answer to the page at `start`; Customer::account_id is what
  // raiseOnBehalfOf takes: an accountId on Cloud, a username on Data Center.
  util::Result<CustomerPage> ParseCustomerSearch(std::string_view body, long long start) const;

 private:
  Deployment(bool cloud, std::string version) : cloud_(cloud), version_(std::move(version)) {}

  bool cloud_;
  std::string version_;
};

}  // namespace helpdesk::jira
