// The fake Jira's state and request handling, shared by fake_jira*.cpp and
// private to them: the model (users, issues, comments, the lagging search
// index) and its *Locked mutators in fake_jira_model.cpp, the JSON shapes in
// fake_jira_shapes.cpp, routing, auth and faults in fake_jira_routes.cpp,
// then one file per API family (platform, search, servicedeskapi).
//
// Everything here runs with signal.mutex() held: Handle() takes it for a
// request, FakeJira's public methods for theirs.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fake_jira.h"
#include "fake_jira_json.h"
#include "loopback_http_server.h"
#include "state_signal.h"

namespace fake {

struct JqlQuery;

struct FakeJira::Impl {
  using Reply = jira::Reply;
  using Writer = jira::Writer;
  using SteadyTime = std::chrono::steady_clock::time_point;

  struct User {
    std::string account_id;  // Data Center: the username
    std::string key;         // Data Center: "JIRAUSER10000" (Cloud has none)
    std::string email;
    std::string display_name;
    std::string account_type;  // atlassian | customer
    std::string time_zone;
    bool customer = false;
  };

  struct Comment {
    long long id = 0;
    std::string body;
    bool is_public = true;
    std::string author;
    long long created_ms = 0;
    std::vector<JiraCommentProperty> properties;
    long long updated_ms = 0;   // `updated`: created_ms until an edit
    std::string update_author;  // `updateAuthor`: "" is the author
  };

  // What the search index knows about an issue, from `visible_at` on.
  struct Snapshot {
    SteadyTime visible_at;
    long long updated_ms = 0;
    std::string status;
    std::string category;
    std::string text;  // lower-cased summary, description, fields and comments
  };

  // A service desk and its project: keys are numbered per project.
  struct Desk {
    std::string id;
    std::string project_id;
    std::string project_key;
    std::string project_name;
    std::string portal_id;
    int next_number = 1;
  };

  struct RequestType {
    std::string desk_id;
    std::string id;
    std::string name;
    std::vector<JiraRequestField> fields;
  };

  struct Issue {
    int number = 0;  // creation order across all projects
    std::string id;
    std::string key;
    std::string desk_id;
    std::string project_key;
    std::string project_id;
    std::string summary;
    std::string description;
    std::vector<std::pair<std::string, std::string>> fields;  // other request fields: id → JSON value
    std::map<std::string, std::string> received;  // every requestFieldValues entry: id → compact JSON
    std::string reporter;
    std::string request_type_id;
    std::string status;
    std::string category;
    long long created_ms = 0;
    long long updated_ms = 0;
    long long status_ms = 0;
    std::vector<Comment> comments;
    std::vector<Snapshot> snapshots;  // oldest first
    std::vector<JiraAttachment> attachments;
  };

  // An attachTemporaryFile upload not attached yet.
  struct TemporaryFile {
    std::string desk_id;
    JiraAttachment file;  // without id, visibility or comment
  };

  struct Fault {
    std::string method;
    std::string path_prefix;
    int status = 500;
    int retry_after_s = -1;
    int remaining = 1;
    std::optional<RawAnswer> answer;  // given verbatim instead of `status`'s reply
  };

  struct PageToken {
    std::string jql;
    size_t offset = 0;
  };

  // An issue a search found, with what the index knew of it.
  struct Hit {
    const Issue* issue;
    Snapshot snapshot;
  };

  // A request as the handlers see it.
  struct Call {
    std::string method;
    std::string resource;  // path with query
    std::vector<std::string> segments;
    std::string body;
    std::string authorization;
    std::string experimental;  // X-ExperimentalApi
    std::string content_type;
    std::string atlassian_token;  // X-Atlassian-Token
  };

  const bool dc;       // a Data Center site (FakeJira's JiraDeployment)
  StateSignal signal;  // its mutex guards everything below
  std::string time_zone = "Europe/Berlin";
  Millis search_lag{0};
  long long skew_ms = 0;
  int comment_page_cap = 20;
  int search_cap = 50;
  bool basic_allowed = false;  // Data Center only (AllowBasicAuth)
  bool can_raise_on_behalf = true;
  std::vector<Desk> desks;  // the default desk (kServiceDeskId) first
  std::vector<RequestType> request_types;
  bool outage = false;
  int outage_status = 500;
  std::vector<Fault> faults;
  std::vector<User> users;
  std::map<int, Issue> issues;  // by number
  int next_issue = 1;
  long long next_comment = 10000;
  int next_customer = 1;
  int next_agent = 1;
  int next_user_key = 10001;  // Data Center user keys, after the bot's
  std::map<std::string, PageToken> page_tokens;
  unsigned long long next_token = 1;
  std::map<std::string, int> status_ids;
  std::vector<JiraRequest> requests;
  long long attachment_limit = 0;  // set by the constructor from the deployment
  std::vector<JiraTransition> transitions;  // set by the constructor (SetTransitions)
  std::map<std::string, TemporaryFile> temporary_files;  // by temporaryAttachmentId
  long long next_temporary = 1;
  long long next_attachment = 20000;
  int temporary_uploads = 0;
  // Last, so that it stops before the state it serves goes away.
  LoopbackHttpServer http;

  explicit Impl(JiraDeployment deployment);
  // The site's base URL (see FakeJira::base_url).
  std::string base() const { return http.base_url(); }
  const std::string& BotId() const { return users.front().account_id; }
  // Where platform dates are written: UTC on Cloud; on Data Center the
  // server's own zone, so offsets such as -0700 show up.
  std::string PlatformZone() const { return dc ? "America/Los_Angeles" : "UTC"; }
  // A Data Center user's key, "JIRAUSER10001" and on.
  std::string NextUserKeyLocked() { return "JIRAUSER" + std::to_string(next_user_key++); }

  // --- The model (fake_jira_model.cpp) -----------------------------------------
  void Bump() { signal.Bump(); }
  long long NowMsLocked() const;
  const User* FindUser(const std::string& account_id) const;
  // The bot's zone follows SetTimeZone; everyone else keeps their own.
  std::string ZoneOf(const User& user) const;
  // By key (case-insensitive) or id; nullptr when unknown.
  Issue* FindIssue(const std::string& key_or_id);
  Snapshot FreshSnapshot(const Issue& issue) const;
  // Records the issue's current state for the search index, visible after
  // the lag; drops snapshots nobody can see any more.
  void IndexLocked(Issue& issue);
  const Snapshot* VisibleSnapshot(const Issue& issue) const;
  // By id or project key; nullptr when unknown.
  Desk* FindDesk(const std::string& id_or_key);
  const Desk* FindDesk(const std::string& id_or_key) const;
  Desk& AddDeskLocked(const std::string& id, const std::string& project_key, const std::string& portal_id);
  const RequestType* FindRequestType(const std::string& desk_id, const std::string& id) const;
  RequestType& DefineRequestTypeLocked(const std::string& desk_id, const std::string& id, const std::string& name);
  Issue& CreateIssueLocked(Desk& desk, const std::string& summary, const std::string& description,
                           const std::string& reporter, const std::string& request_type_id);
  Comment& AddCommentLocked(Issue& issue, const std::string& author, const std::string& body, bool is_public,
                            std::vector<JiraCommentProperty> properties);
  // The account id of the agent `display_name`, created on first use.
  std::string AgentLocked(const std::string& display_name);
  int StatusIdLocked(const std::string& name);
  const User& UserOrBot(const std::string& account_id) const;
  // The portal label of `field_id` on the issue's request type.
  std::string FieldLabel(const Issue& issue, const std::string& field_id) const;
  JiraIssue Export(const Issue& issue) const;

  // --- JSON shapes (fake_jira_shapes.cpp) ----------------------------------------
  void WriteDate(Writer& w, long long epoch_ms) const;
  void WriteAvatars(Writer& w, const User& user) const;
  std::string UserSelf(const User& user) const;
  // A user's ids: accountId on Cloud; key and name on Data Center.
  void WriteUserIds(Writer& w, const User& user) const;
  // servicedeskapi UserDTO.
  void WriteServiceDeskUser(Writer& w, const User& user) const;
  // Platform user bean.
  void WritePlatformUser(Writer& w, const User& user) const;
  static std::string CategoryName(const std::string& category);
  void WritePlatformStatus(Writer& w, const std::string& name, const std::string& category);
  // servicedeskapi CustomerRequestDTO.
  void WriteRequest(Writer& w, const Issue& issue) const;
  // servicedeskapi CommentDTO.
  // `attachments`: with the attachments it carries (expand=attachment).
  void WriteServiceDeskComment(Writer& w, const Issue& issue, const Comment& comment, bool attachments = false) const;
  // Platform comment bean; v3 bodies are ADF documents.
  void WritePlatformComment(Writer& w, const Issue& issue, const Comment& comment, bool v3, bool properties,
                            bool rendered) const;
  // Writes servicedeskapi paging fields and links for `values` already chosen.
  void WritePageLinks(Writer& w, const std::string& path, long long start, long long limit, bool is_last,
                      const std::string& extra_query) const;

  // --- HTTP, auth, faults and routing (fake_jira_routes.cpp) ---------------------------
  // The server thread's entry: records the request, then Dispatch.
  HttpResponse Handle(const HttpRequest& request);
  Reply Dispatch(const Call& call);
  Reply FaultReply(int status, int retry_after_s);
  static bool Authorized(const std::string& authorization);
  static bool IsServiceDeskApi(const Call& call);
  Reply Unauthorized(const Call& call);
  // Routes to /rest/api/{2,latest}/… on Data Center; nullopt when the path
  // is not one Data Center has differently from Cloud.
  std::optional<Reply> RouteDataCenter(const Call& call);
  static Reply MethodNotAllowed();
  Reply Route(const Call& call);

  // --- Platform endpoints (fake_jira_platform.cpp) ---------------------------------
  Reply Myself();
  Reply GetUser(const Call& call);
  Reply IssueNotFound();
  Reply GetIssue(const std::string& key, bool v3);
  Reply PlatformComments(const Call& call, const std::string& key, bool v3);
  Reply PlatformAddComment(const Call& call, const std::string& key, bool v3);

  // --- /search/jql (fake_jira_search.cpp) ----------------------------------------
  Reply Search(const Call& call);
  // The issues `jql` finds, in its order (reconcile: ids read fresh);
  // false and *error set when Jira would refuse the query (`bounded`: Cloud
  // refuses JQL without a restriction).
  bool FindHits(const std::string& jql, const std::vector<std::string>& reconcile, bool bounded, std::vector<Hit>* hits,
                Reply* error);
  // One issue of a search result with the `fields` asked for.
  void WriteSearchIssue(Writer& w, const Hit& hit, const std::vector<std::string>& fields, int api);
  static bool Matches(const JqlQuery& query, const Issue& issue, const Snapshot& snapshot);

  // --- Data Center only (fake_jira_datacenter.cpp) ------------------------------
  // Both: GET /rest/api/2/serverInfo.
  Reply ServerInfo();
  // Data Center's auth: Bearer kPersonalAccessToken; Basic is refused (403)
  // as on a site whose admin disabled it; nullopt when authorized.
  std::optional<Reply> DataCenterAuth(const Call& call) const;
  // {"message": …, "status-code": …}, Data Center's error of its filters.
  static Reply DataCenterError(int status, const std::string& message);
  Reply DataCenterSearch(const Call& call);
  Reply UserSearch(const Call& call);

  // --- Service desks and request types (fake_jira_desks.cpp) --------------------------
  static Reply DeskNotFound(const std::string& id);
  static Reply RequestTypeNotFound(int status, const std::string& id);
  Reply GetServiceDesk(const std::string& id);
  Reply GetRequestType(const std::string& desk, const std::string& id);
  Reply GetRequestTypeFields(const std::string& desk, const std::string& id);
  // `answer` for the desk and request type a path names, or the 404 JSM
  // gives for either.
  Reply WithRequestType(const std::string& desk_id, const std::string& id,
                        const std::function<Reply(const Desk&, const RequestType&)>& answer);
  // Checks requestFieldValues against the type's fields as JSM does; fills
  // `issue`'s summary, description, fields and received. False (and
  // *error set) when JSM would refuse them.
  bool TakeFieldValues(const RequestType& type, const rapidjson::Value* values, Issue* issue, Reply* error) const;

  // --- servicedeskapi endpoints (fake_jira_servicedesk.cpp) --------------------------
  // start/limit of a servicedeskapi page; false (and *error set) when invalid.
  static bool PageParams(const Call& call, long long cap, long long* start, long long* limit, Reply* error);
  Reply Customers(const Call& call, const std::string& desk);
  Reply CreateRequest(const Call& call);
  Reply RequestNotFound(const std::string& key);
  Reply GetRequest(const std::string& key);
  Reply ServiceDeskComments(const Call& call, const std::string& key);
  Reply ServiceDeskAddComment(const Call& call, const std::string& key);

  // --- Workflow (fake_jira_workflow.cpp) ---------------------------------------------
  static std::vector<JiraTransition> DefaultTransitions();
  // The steps offered from the issue's status, in the workflow's order.
  std::vector<const JiraTransition*> TransitionsFrom(const Issue& issue) const;
  Reply GetTransitions(const std::string& key);
  // {"transition":{"id":"…"}}: 204 and the issue in the step's status, or
  // 400 when the step is not offered from its status.
  Reply DoTransition(const Call& call, const std::string& key);

  // --- Attachments (fake_jira_attachments.cpp) --------------------------------------
  // POST servicedesk/{id}/attachTemporaryFile: multipart, part `file`,
  // X-Atlassian-Token: no-check (403 without, as the XSRF check answers).
  Reply AttachTemporaryFile(const Call& call, const std::string& desk);
  // POST request/{key}/attachment {temporaryAttachmentIds, public, additionalComment}.
  Reply AttachToRequest(const Call& call, const std::string& key);

  // --- Attachments to Slack (fake_jira_downloads.cpp) ---------------------------------
  // GET request/{key}/attachment: every attachment (an agent's token).
  Reply ListAttachments(const Call& call, const std::string& key);
  // GET /rest/api/3/attachment/content/{id}: 303 to the media URL
  // (redirect=false: the bytes).
  Reply AttachmentContent(const Call& call, const std::string& id);
  // GET /secure/attachment/{id}/{name}: the bytes.
  Reply AttachmentBytes(const std::string& id);
  // GET /media/{id}?token=…: the bytes, without credentials only.
  Reply ServeMedia(const Call& call);
  const JiraAttachment* FindAttachment(const std::string& id) const;
  void WriteAttachment(Writer& w, const JiraAttachment& attachment) const;
  std::map<std::string, int> attachment_downloads;
  int media_with_credentials = 0;
};

}  // namespace fake
