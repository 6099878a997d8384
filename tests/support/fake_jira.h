// A fake Jira Service Management site for tests, the simulator and
// benchmarks: the servicedeskapi and platform (/rest/api/2|3) endpoints
// slackdesk uses, over HTTP on 127.0.0.1 with an ephemeral port, with the
// real JSON shapes, error bodies and traps (helpdesk-facts.md section A):
// Basic auth, paged comments with a server-side cap, /search/jql with
// nextPageToken, quoted JQL dates read in the account's time zone, search
// results that lag behind writes, 410 for the removed /search, 429 +
// Retry-After and gateway errors on demand.
//
// Built with JiraDeployment::kDataCenter it is a Jira Service Management
// Data Center site instead (behind-the-firewall.md sections 0-6): a Bearer
// personal access token (Basic refused with 403), serverInfo "Server"
// 10.3.13, /rest/api/2 only (/rest/api/3 and /search/jql are 404), users
// named by username and key (no accountId; a customer's username is their
// e-mail), /rest/api/2/search paged by startAt, user search by username,
// comments without jsdPublic (the sd.public.comment property says), dates
// with the server's offset (-0700).
//
// The server runs on its own thread. Every public method is thread-safe and
// may be called from the test thread; Wait* methods block until the state
// changed as asked or the timeout passed (they return false then), so tests
// synchronise on events, never on sleeps.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "raw_answer.h"

namespace fake {

using Millis = std::chrono::milliseconds;

enum class JiraDeployment { kCloud, kDataCenter };

struct JiraRequest {
  std::string method;         // "GET", "POST"
  std::string path;           // path with query, as sent: "/rest/api/3/search/jql"
  std::string body;           // as sent
  std::string authorization;  // the Authorization header as sent
  std::chrono::steady_clock::time_point at;
};

struct JiraCommentProperty {
  std::string key;
  std::string value_json;  // the property's value as compact JSON
};

struct JiraComment {
  std::string id;  // numeric string, increasing across all issues
  std::string body;  // wiki markup / plain text (ADF bodies are stored as their text)
  bool is_public = true;
  std::string author_account_id;  // Data Center: the author's username
  std::string author_display_name;
  long long created_ms = 0;
  std::vector<JiraCommentProperty> properties;
  long long updated_ms = 0;  // created_ms until an edit
};

// One entry of a request type field's validValues: `value` is what a create
// request names (an option, priority or component id), `label` what the
// portal shows. `children` are a cascading select's second-level options.
struct JiraFieldValue {
  std::string value;
  std::string label;
  std::vector<JiraFieldValue> children;
};

// A field of a request type, as GET .../requesttype/{id}/field describes it
// (RequestTypeFieldDTO) and as create requests are checked against it.
struct JiraRequestField {
  std::string field_id;  // "summary", "priority", "components", "customfield_10010"
  std::string name;      // the portal label
  bool required = false;
  // jiraSchema.type: "string", "option", "array", "priority", "date",
  // "datetime", "number", "user", "option-with-child", "any"...
  std::string schema_type;
  std::string schema_system;  // jiraSchema.system ("summary", "priority", "labels"...) or ""
  // jiraSchema.custom ("com.atlassian.jira.plugin.system.customfieldtypes:select"...) or ""
  std::string schema_custom;
  long long custom_id = 0;    // jiraSchema.customId, for custom fields
  std::string schema_items;   // jiraSchema.items of arrays: "option", "component", "string", "version", "user"
  std::vector<JiraFieldValue> valid_values;
};

// A file attached to a request (POST request/{key}/attachment from
// temporary uploads).
struct JiraAttachment {
  std::string id;
  std::string filename;
  std::string mime_type;
  long long size = 0;
  std::string content;              // the bytes (uploads from slackdesk: of files up to 1 MB, "" for larger ones)
  unsigned long long checksum = 0;  // FakeJira::Checksum of the bytes
  bool is_public = true;
  std::string comment_id;  // the comment it came with ("" : added alone)
  std::string author_account_id{};
  long long created_ms = 0;
};

// How an agent adds a file (AddAgentAttachment): with a public comment
// (shared with the customer), with an internal note, or alone.
enum class AttachmentVisibility { kPublicComment, kInternalComment, kAlone };

// A step of the fake's workflow, offered to issues whose status category
// is `from` ("open": new or indeterminate; "done").
struct JiraTransition {
  std::string id;
  std::string name;
  std::string from;
  std::string to_status;
  std::string to_category;  // "new", "indeterminate" or "done"
};

struct JiraIssue {
  std::string id;  // "10001"
  std::string key;  // "SUP-1"
  std::string summary;
  std::string description;
  std::string reporter_account_id;  // Data Center: the reporter's username
  std::string request_type_id;
  std::string service_desk_id;
  // Every requestFieldValues entry the create request carried (summary and
  // description too), field id → the value as compact JSON, as Jira got it.
  std::map<std::string, std::string> field_values_json;
  std::string status;           // "Waiting for support"
  std::string status_category;  // "new", "indeterminate" or "done"
  long long created_ms = 0;
  long long updated_ms = 0;
  std::vector<JiraComment> comments;  // oldest first
  std::vector<JiraAttachment> attachments;  // in the order attached
};

class FakeJira {
 public:
  static constexpr const char* kEmail = "bot@example.com";
  static constexpr const char* kApiToken = "jira-fake-token";
  static constexpr const char* kBotAccountId = "5b10a2844c20165700ede21g";
  static constexpr const char* kBotDisplayName = "slackdesk bot";
  static constexpr const char* kServiceDeskId = "3";
  // Differs from the service desk id on purpose: portal URLs must be taken
  // from _links.web, not built.
  static constexpr const char* kPortalId = "7";
  static constexpr const char* kProjectId = "10000";
  static constexpr const char* kProjectKey = "SUP";
  static constexpr const char* kRequestTypeId = "10";
  static constexpr const char* kRequestTypeName = "Get IT help";
  // Data Center: the token the site accepts as "Bearer …", the bot's
  // username and key, and the version serverInfo names.
  static constexpr const char* kPersonalAccessToken = "NjQ2MzE4ODk3NTIwOkfakePATforSlackdesk";
  static constexpr const char* kBotUsername = "slackdesk-bot";
  static constexpr const char* kBotUserKey = "JIRAUSER10000";
  static constexpr const char* kDataCenterVersion = "10.3.13";

  explicit FakeJira(JiraDeployment deployment = JiraDeployment::kCloud);
  ~FakeJira();
  FakeJira(const FakeJira&) = delete;
  FakeJira& operator=(const FakeJira&) = delete;

  int port() const;
  // The site's base URL: "http://127.0.0.1:<port>" (no trailing slash).
  std::string base_url() const;
  // "Basic base64(kEmail:kApiToken)": the header value the fake accepts.
  static std::string BasicAuthorization();
  // "Bearer kPersonalAccessToken": what the Data Center site accepts.
  static std::string BearerAuthorization();
  JiraDeployment deployment() const;
  // The bot as users are named here: kBotAccountId on Cloud, kBotUsername
  // on Data Center.
  std::string BotId() const;

  // --- Configuration -------------------------------------------------------
  // The bot account's profile time zone (default "Europe/Berlin", not UTC on
  // purpose): returned by /myself and used to read quoted JQL dates.
  // Returns false (and changes nothing) for a zone the fake does not know.
  bool SetTimeZone(const std::string& zone);
  // Changes (creations, comments, status changes) become visible to
  // /search/jql only `lag` after they happen; direct GETs are always fresh.
  void SetSearchLag(Millis lag);
  // Shifts the fake's wall clock (created/updated, relative JQL dates) by
  // `skew`, to simulate a daemon whose clock differs from Jira's.
  void SetClockSkew(Millis skew);
  // The server-side cap on `limit` of servicedeskapi comment pages (default 20).
  void SetCommentPageCap(int cap);
  // The server-side cap on `maxResults` of /search/jql (default 50, also the
  // default page size); on Data Center of /rest/api/2/search (default 1000,
  // the default page size staying 50 at most).
  void SetSearchMaxResults(int cap);
  // Data Center: whether Basic auth is still on (Jira 10's default; off by
  // default here, as on Jira 11 or where an admin disabled it). On, Basic
  // kEmail:kApiToken is accepted as a username and password.
  void AllowBasicAuth(bool allowed);
  // What every request type's fields say in canRaiseOnBehalfOf (default
  // true: the bot is an agent of the service desk).
  void SetCanRaiseOnBehalfOf(bool allowed);
  // Adds an optional plain string field (jiraSchema string, textfield) to
  // the default request type (kServiceDeskId / kRequestTypeId), which starts
  // with summary (required) and description (optional).
  void AddRequestField(const std::string& field_id, const std::string& label);
  // Adds a service desk of project `project_key` (its issues get keys
  // "<project_key>-<n>", numbered per project) whose portal is `portal_id`.
  // Returns false (and changes nothing) when the id or key is taken.
  bool AddServiceDesk(const std::string& desk_id, const std::string& project_key, const std::string& portal_id);
  // Defines (or redefines, replacing its fields) request type
  // `request_type_id` of desk `service_desk_id`, whose fields are served by
  // GET .../requesttype/{id}/field and enforced on create. A desk not added
  // yet is created on the fly with project key "SD<desk id>" and portal id
  // = desk id.
  void AddRequestType(const std::string& service_desk_id, const std::string& request_type_id,
                      const std::string& name, std::vector<JiraRequestField> fields);
  // The largest file attachTemporaryFile takes (default: the deployment's,
  // behind-the-firewall.md section 7: Cloud 1 GB, Data Center 10 MB); a
  // larger one is refused with 413.
  void SetAttachmentLimit(long long bytes);
  // An agent's file on `key` (files-and-edits.md §5.1), with a comment
  // naming it unless kAlone; bumps `updated`. Served by
  // request/{key}/attachment (the DTO without id or visibility), by
  // /rest/api/3/attachment/content/{id} (a 303 to a signed URL on another
  // host name, "localhost", which refuses Jira's credentials) and, on both
  // deployments, by /secure/attachment/{id}/{name}. Returns its id.
  std::string AddAgentAttachment(const std::string& key, const std::string& agent_display_name,
                                 const std::string& filename, const std::string& mime_type, std::string content,
                                 AttachmentVisibility visibility);
  // Downloads of attachment `id` (content or media requests that got bytes).
  int AttachmentDownloads(const std::string& id) const;
  // Media requests that carried an Authorization header (refused).
  int MediaRequestsWithCredentials() const;
  // FNV-1a (64 bits) of `bytes`: what JiraAttachment::checksum holds.
  static unsigned long long Checksum(std::string_view bytes);
  // Every request answers `status` (default 500) until SetOutage(false).
  // 502/503/504 come with an HTML body as gateways send them.
  void SetOutage(bool down, int status = 500);
  // The next `times` requests whose method equals `method` ("" = any) and
  // whose path starts with `path_prefix` answer `status`: 429 with
  // Retry-After (when retry_after_s >= 0), X-RateLimit-Reset and
  // RateLimit-Reason; 502/503/504 with an HTML body (Retry-After when
  // given); others with a platform JSON error body. Faults come before the
  // auth check, as a gateway's do.
  void FailNext(const std::string& method, const std::string& path_prefix, int status, int retry_after_s = -1,
                int times = 1);
  // The next `times` such requests get `answer` verbatim (before the auth
  // check, as a proxy's answer would come).
  void AnswerNext(const std::string& method, const std::string& path_prefix, const RawAnswer& answer,
                  int times = 1);
  // Drops every fault and answer still queued: the site answers right again.
  void ClearFaults();

  // --- Content (as agents and customers would change it in Jira) ------------
  // Registers a customer of the service desk; returns its accountId ("qm:…"),
  // on Data Center its username (the e-mail, as JSM makes it).
  std::string AddCustomer(const std::string& email, const std::string& display_name);
  // Creates a request as if raised in the portal by `reporter_account_id`
  // (the bot when empty); returns its key, or "" when the reporter is unknown.
  std::string CreateRequest(const std::string& summary, const std::string& description,
                            const std::string& reporter_account_id = {});
  // Adds a comment by an agent named `author_display_name` (created on first
  // use, accountType atlassian); internal ones carry the
  // sd.public.comment {"internal":true} property as in JSM. Bumps `updated`.
  // Returns the comment id, or "" when there is no such issue.
  std::string AddAgentComment(const std::string& key, const std::string& author_display_name,
                              const std::string& body, bool is_public);
  // An agent named `editor_display_name` edits comment `id` of `key` to
  // `body`: its `updated` moves on (and the issue's, as Jira's does) and
  // `updateAuthor` names the editor. False when there is no such comment.
  bool EditComment(const std::string& key, const std::string& id, const std::string& editor_display_name,
                   const std::string& body);
  // Deletes comment `id` of `key`: it is no longer listed (Jira keeps no
  // tombstone) and the issue's `updated` moves on. False when there is no
  // such comment.
  bool DeleteComment(const std::string& key, const std::string& id);
  // Adds a public comment written by a customer in the portal. Returns its
  // id, or "" when the issue or the account is unknown.
  std::string AddCustomerComment(const std::string& key, const std::string& account_id, const std::string& body);
  // The workflow GET/POST /rest/api/2/issue/{key}/transitions offer, in
  // this order. Default: "Resolve this issue" (open → Resolved, done),
  // "Close" (done → Closed, done), "Reopen" (done → Waiting for support,
  // indeterminate): the first step from done leads to done on purpose.
  void SetTransitions(std::vector<JiraTransition> transitions);
  // Transitions the issue: `category` is "new", "indeterminate" or "done".
  // Bumps `updated`. Returns false for an unknown issue or category.
  bool SetStatus(const std::string& key, const std::string& name, const std::string& category);
  // The fake's wall clock in epoch milliseconds (real time plus the skew).
  long long NowMs() const;

  // --- Observation ----------------------------------------------------------
  std::vector<JiraRequest> Requests() const;
  // Requests with this method ("" = any) whose path starts with `path_prefix`.
  int CountRequests(const std::string& method, const std::string& path_prefix) const;
  std::vector<JiraIssue> Issues() const;  // in creation order
  // attachTemporaryFile calls that were accepted (an upload each).
  int TemporaryUploads() const;
  std::optional<JiraIssue> Issue(const std::string& key) const;

  // --- Waiting --------------------------------------------------------------
  // Returns when `predicate` holds (it is re-evaluated after every change of
  // the fake's state, including every request) or false after `timeout`.
  // `predicate` may call any getter above.
  bool WaitFor(const std::function<bool()>& predicate, Millis timeout = Millis(10000)) const;
  bool WaitForRequests(const std::string& method, const std::string& path_prefix, int count,
                       Millis timeout = Millis(10000)) const;
  // Returns when every change of `key` so far is visible to /search/jql
  // (waits out the search lag on the clock), or false after `timeout`.
  bool WaitForSearchable(const std::string& key, Millis timeout = Millis(10000)) const;
  // Returns once NowMs() > epoch_ms (a timed wait on the clock, so that two
  // changes get distinct `updated` values), or false after `timeout`.
  bool WaitForClockPast(long long epoch_ms, Millis timeout = Millis(10000)) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fake
